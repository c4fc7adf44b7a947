/*  cli_codebook.c - `yiwang codebook`: validate codes, look up regions, list
    the code tables. For people and for integrators checking their exports. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "codebook.h"
#include "normalize.h"
#include "reason.h"
#include "validate.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang codebook validate uscc|vin|plate|region VALUE...\n"
    "       yiwang codebook region CODE...\n"
    "       yiwang codebook tables\n"
    "       yiwang codebook enum TABLE\n"
    "\n"
    "  validate KIND VALUE...  checks each value (after NFKC, space removal and\n"
    "                          upper-casing) and prints one line per value:\n"
    "                            VALUE<TAB>ok\n"
    "                            VALUE<TAB>invalid<TAB>REASON_CODE: message\n"
    "                          uscc: GB 32100 credit code; vin: GB 16735 VIN;\n"
    "                          plate: GA 36 plate; region: GB/T 2260 code (old\n"
    "                          codes of region_succession.tsv are valid)\n"
    "  region CODE...          prints CODE<TAB>name / city / province; for an\n"
    "                          abolished code, the code it became:\n"
    "                            371202<TAB>→ 370116 莱芜区 / 济南市 / 山东省\n"
    "  tables                  lists the compiled-in tables: name<TAB>version line\n"
    "  enum TABLE              lists a code table: code<TAB>name\n"
    "\n"
    "Exit status: 0 all values valid (or found), 1 some are not, 2 usage error.\n";

/* Names that stand for a level rather than a place (municipalities'
   市辖区, provinces' 省直辖县级行政区划): left out of a region's path. */
static bool
s_placeholder (const char *name)
{
    static const char *const names[] = {"市辖区", "县", "省直辖县级行政区划",
                                        "自治区直辖县级行政区划", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp (name, names[i]) == 0)
            return true;
    return false;
}

/* Prints "历下区 / 济南市 / 山东省". */
static void
s_print_path (const codebook_t *codebook, const codebook_region_t *region)
{
    fputs (region->name, stdout);
    const codebook_region_t *up = region;
    while (up->parent[0] && (up = codebook_region (codebook, up->parent)))
        if (!s_placeholder (up->name))
            printf (" / %s", up->name);
}

static int s_usage_error (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

static int
s_usage_error (const char *format, ...)
{
    va_list args;
    va_start (args, format);
    fputs ("yiwang codebook: ", stderr);
    vfprintf (stderr, format, args);
    fputs ("\n(yiwang codebook --help for usage)\n", stderr);
    va_end (args);
    return 2;
}

/* Validates one normalized value of kind; detail receives a specific. */
static yw_reason_t
s_validate (const codebook_t *codebook, const char *kind, const char *value, char *detail)
{
    char expected[2] = "";
    yw_reason_t reason;
    size_t check_pos = 0;
    if (strcmp (kind, "uscc") == 0) {
        reason = codebook_uscc_validate (value, expected);
        check_pos = reason == YW_R_USCC_ORG_CHECK ? 16 : 17;
    }
    else if (strcmp (kind, "vin") == 0) {
        reason = codebook_vin_validate (value, expected);
        check_pos = 8;
    }
    else if (strcmp (kind, "plate") == 0)
        reason = codebook_plate_validate (value);
    else
        reason = codebook_region_validate (codebook, value, NULL, NULL);
    if (expected[0] && (reason == YW_R_VIN_CHECK || reason == YW_R_USCC_CHECK ||
                        reason == YW_R_USCC_ORG_CHECK))
        snprintf (detail, YW_NORM_DETAIL, "check character is %s, not %c", expected,
                  value[check_pos]);
    return reason;
}

static int
s_cmd_validate (const codebook_t *codebook, int argc, char **argv)
{
    if (argc < 2)
        return s_usage_error ("validate: which kind (uscc, vin, plate or region)?");
    const char *kind = argv[1];
    if (strcmp (kind, "uscc") && strcmp (kind, "vin") && strcmp (kind, "plate") &&
        strcmp (kind, "region"))
        return s_usage_error ("validate: unknown kind '%s' (uscc, vin, plate or region)",
                              kind);
    if (argc < 3)
        return s_usage_error ("validate %s: no values given", kind);
    int status = 0;
    for (int i = 2; i < argc; i++) {
        const char *input = argv[i];
        char value[YW_MAX_FIELD];
        char detail[YW_NORM_DETAIL] = "";
        /* As rowmap reads plate fields: only a plate loses its separators
           (鲁A·12345); a hyphen in a USCC or VIN is for its validator to report */
        yw_reason_t reason =
            strcmp (kind, "plate") == 0
                ? codebook_norm_plate (input, strlen (input), value, sizeof value, detail)
                : codebook_norm_code (input, strlen (input), value, sizeof value, detail);
        if (reason == YW_R_OK)
            reason = s_validate (codebook, kind, value, detail);
        if (reason == YW_R_OK) {
            printf ("%s\tok\n", input);
            continue;
        }
        char message[512];
        yw_reason_format (reason, kind, reason == YW_R_BAD_ENCODING ? input : value, detail,
                          message, sizeof message);
        printf ("%s\tinvalid\t%s: %s\n", input, yw_reason_code (reason), message);
        status = 1;
    }
    return status;
}

static int
s_cmd_region (const codebook_t *codebook, int argc, char **argv)
{
    if (argc < 2)
        return s_usage_error ("region: no codes given");
    int status = 0;
    for (int i = 1; i < argc; i++) {
        char code[YW_MAX_FIELD];
        const codebook_region_t *region = NULL;
        if (codebook_norm_code (argv[i], strlen (argv[i]), code, sizeof code, NULL) ==
            YW_R_OK)
            region = codebook_region_resolve (codebook, code, NULL);
        if (!region) {
            fprintf (stderr,
                     "yiwang codebook: region %s: not a GB/T 2260 code, current or "
                     "abolished (行政区划代码不存在)\n",
                     argv[i]);
            status = 1;
            continue;
        }
        printf ("%s\t", argv[i]);
        if (strcmp (region->code, code) != 0)
            printf ("→ %s ", region->code);
        s_print_path (codebook, region);
        putchar ('\n');
    }
    return status;
}

static int
s_cmd_tables (const codebook_t *codebook, int argc)
{
    if (argc > 1)
        return s_usage_error ("tables: takes no arguments");
    const char *table;
    for (size_t i = 0; (table = codebook_table_at (codebook, i)); i++)
        printf ("%s\t%s\n", table, codebook_table_version (codebook, table));
    return 0;
}

static int
s_cmd_enum (const codebook_t *codebook, int argc, char **argv)
{
    if (argc != 2)
        return s_usage_error (
            "enum: give one table name (yiwang codebook tables lists them)");
    const char *table = argv[1];
    if (!codebook_has_enum (codebook, table))
        return s_usage_error (
            "enum: no code table '%s' (yiwang codebook tables lists them)", table);
    const char *code;
    for (size_t i = 0; (code = codebook_enum_code_at (codebook, table, i)); i++)
        printf ("%s\t%s\n", code, codebook_enum_name (codebook, table, code));
    return 0;
}

int
cli_codebook (int argc, char **argv)
{
    if (argc < 2)
        return s_usage_error ("what to do? (validate, region, tables or enum)");
    for (int i = 1; i < argc; i++)
        if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0) {
            fputs (s_usage, stdout);
            return 0;
        }
    const char *command = argv[1];
    if (strcmp (command, "validate") && strcmp (command, "region") &&
        strcmp (command, "tables") && strcmp (command, "enum"))
        return s_usage_error ("unknown command '%s' (validate, region, tables or enum)",
                              command);
    codebook_t *codebook = codebook_new ();
    if (!codebook) {
        fputs ("yiwang codebook: the compiled-in code tables are corrupt\n", stderr);
        return 2;
    }
    int status;
    if (strcmp (command, "validate") == 0)
        status = s_cmd_validate (codebook, argc - 1, argv + 1);
    else if (strcmp (command, "region") == 0)
        status = s_cmd_region (codebook, argc - 1, argv + 1);
    else if (strcmp (command, "tables") == 0)
        status = s_cmd_tables (codebook, argc - 1);
    else
        status = s_cmd_enum (codebook, argc - 1, argv + 1);
    fflush (stdout);
    codebook_destroy (&codebook);
    return status;
}
