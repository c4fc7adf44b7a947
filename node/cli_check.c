/*  cli_check.c - `yiwang check`: normalize a file without storing it. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "codebook.h"
#include "mapping.h"
#include "recjson.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang check --mapping M.ini FILE [--rejects R.tsv] [--emit N.jsonl]\n"
    "                    [--jurisdiction CODE] [--json]\n"
    "\n"
    "Normalizes FILE as the mapping says, without storing anything, and prints a\n"
    "report: rows read, accepted, rejected by reason, objects repeated in the file.\n"
    "  --rejects R.tsv     one line per rejected row:\n"
    "                      line<TAB>field<TAB>reason_code<TAB>value<TAB>message\n"
    "  --emit N.jsonl      accepted records as JSON lines, standard field names\n"
    "  --jurisdiction CODE also reject records outside region CODE\n"
    "  --json              print the report as JSON\n"
    "Exit status: 0 the file was processed (rejections included; a CSV file with\n"
    "a header and no rows is processed, 0 rows), 2 the input is unusable: bad\n"
    "mapping, a mapped column not in the header, a header not in the declared\n"
    "encoding, an unreadable or empty file.\n";

typedef struct {
    FILE *rejects;
    FILE *emit;
} s_sinks_t;

static int
s_on_reject (void *arg, uint64_t line, const rowmap_reject_t *reject)
{
    s_sinks_t *sinks = arg;
    if (!sinks->rejects)
        return 0;
    fprintf (sinks->rejects, "%llu\t%s\t%s\t", (unsigned long long)line,
             reject->field >= 0 ? yw_fields[reject->field].name : "-",
             yw_reason_code (reject->reason));
    recjson_put_tsv (sinks->rejects, reject->value);
    fputc ('\t', sinks->rejects);
    recjson_put_tsv (sinks->rejects, reject->message);
    fputc ('\n', sinks->rejects);
    return ferror (sinks->rejects) ? YW_EIO : 0;
}

static int
s_on_accept (void *arg, const yw_record_t *record, uint64_t line)
{
    s_sinks_t *sinks = arg;
    if (!sinks->emit)
        return 0;
    json_t *object = recjson_record (record, false);
    int rc = json_dumpf (object, sinks->emit, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref (object);
    fputc ('\n', sinks->emit);
    return rc || ferror (sinks->emit) ? YW_EIO : 0;
}

/* A path as JSON text: file names are bytes, and one copied from a Windows
   archive may be GBK, which json_string refuses (the whole report would be
   lost); bytes that are not UTF-8 are written as \xNN. */
static json_t *
s_json_path (const char *path)
{
    json_t *text = json_string (path);
    if (text)
        return text;
    size_t len = strlen (path);
    char *escaped = yw_malloc (4 * len + 1);
    size_t out = 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)path[i] < 0x80)
            escaped[out++] = path[i];
        else
            out += (size_t)sprintf (escaped + out, "\\x%02X", (unsigned char)path[i]);
    escaped[out] = '\0';
    text = json_string (escaped);
    free (escaped);
    return text;
}

static void
s_print_report (const char *path, const mapping_t *mapping, const check_report_t *report,
                bool as_json)
{
    if (as_json) {
        json_t *object = json_pack (
            "{s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "file", s_json_path (path), "kind",
            yw_kind_name (mapping_kind (mapping)), "format", mapping_format (mapping),
            "encoding", mapping_encoding (mapping), "rows", (json_int_t)report->rows,
            "accepted", (json_int_t)report->accepted, "rejected",
            (json_int_t)report->rejected, "duplicates", (json_int_t)report->duplicates);
        json_object_set_new (object, "rejected_by_reason",
                             cli_reasons_json (report->by_reason));
        json_t *unseen = json_array ();
        for (size_t i = 0; yw_fields[i].name; i++)
            if (report->unseen & (1ull << i))
                json_array_append_new (unseen, json_string (yw_fields[i].name));
        json_object_set_new (object, "fields_without_values", unseen);
        json_object_set_new (object, "encoding_hint",
                             report->encoding_hint ? json_string (report->encoding_hint)
                                                   : json_null ());
        json_dumpf (object, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
        fputc ('\n', stdout);
        json_decref (object);
        return;
    }
    printf ("file        %s (%s, %s, %s)\n", path, yw_kind_name (mapping_kind (mapping)),
            mapping_format (mapping), mapping_encoding (mapping));
    printf ("rows read   %llu%s\n", (unsigned long long)report->rows,
            report->rows ? "" : "  (the file has a header and no rows)");
    printf ("accepted    %llu\n", (unsigned long long)report->accepted);
    printf ("rejected    %llu\n", (unsigned long long)report->rejected);
    cli_reasons_print (report->by_reason);
    printf ("duplicates  %llu", (unsigned long long)report->duplicates);
    if (report->duplicates)
        printf ("  (rows repeating an object already in the file, e.g. line %llu repeats "
                "line %llu)",
                (unsigned long long)report->duplicate_line,
                (unsigned long long)report->duplicate_first);
    printf ("\n");
    if (report->encoding_hint)
        printf ("warning     %llu cells are not valid %s but are valid %s: is the file %s? "
                "([source] encoding)\n",
                (unsigned long long)report->encoding_hint_cells, mapping_encoding (mapping),
                report->encoding_hint, report->encoding_hint);
    for (size_t i = 0; yw_fields[i].name; i++)
        if (report->unseen & (1ull << i))
            printf ("warning     no row has a value for \"%s\" (mapped to %s): "
                    "is the key spelt as in the file?\n",
                    mapping_column (mapping, i), yw_fields[i].name);
}

int
cli_check (int argc, char **argv)
{
    static const struct option options[] = {{"mapping", required_argument, NULL, 'm'},
                                            {"rejects", required_argument, NULL, 'r'},
                                            {"emit", required_argument, NULL, 'e'},
                                            {"jurisdiction", required_argument, NULL, 'j'},
                                            {"json", no_argument, NULL, 'J'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *mapping_path = NULL, *rejects_path = NULL, *emit_path = NULL;
    const char *jurisdiction = NULL;
    bool as_json = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "m:r:e:j:Jh", options, NULL)) != -1) {
        switch (opt) {
            case 'm': mapping_path = optarg; break;
            case 'r': rejects_path = optarg; break;
            case 'e': emit_path = optarg; break;
            case 'j': jurisdiction = optarg; break;
            case 'J': as_json = true; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!mapping_path || optind != argc - 1) {
        fprintf (stderr, "yiwang check: %s\n%s",
                 !mapping_path ? "--mapping is required" : "exactly one FILE is required",
                 s_usage);
        return 2;
    }
    const char *path = argv[optind];
    int status = 2;
    char error[YW_CHECK_ERROR];
    char mapping_error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    FILE *file = NULL;
    s_sinks_t sinks = {NULL, NULL};
    codebook_t *codebook = codebook_new ();
    if (!codebook)
        goto cleanup;
    if (jurisdiction && !codebook_region (codebook, jurisdiction)) {
        fprintf (stderr, "yiwang check: --jurisdiction %s: not a GB/T 2260 region code\n",
                 jurisdiction);
        goto cleanup;
    }
    if (mapping_load (mapping_path, codebook, &mapping, mapping_error)) {
        fprintf (stderr, "yiwang check: %s\n", mapping_error);
        goto cleanup;
    }
    struct stat st;
    if (!(file = fopen (path, "rb"))) {
        fprintf (stderr, "yiwang check: %s: cannot open: %m\n", path);
        goto cleanup;
    }
    if (fstat (fileno (file), &st) != 0) {
        fprintf (stderr, "yiwang check: %s: cannot read: %m\n", path);
        goto cleanup;
    }
    if (S_ISDIR (st.st_mode)) {
        fprintf (stderr, "yiwang check: %s: is a directory, not a file\n", path);
        goto cleanup;
    }
    const char *outputs[] = {rejects_path, emit_path};
    for (int i = 0; i < 2; i++) {
        struct stat out;
        if (outputs[i] && stat (outputs[i], &out) == 0 && out.st_dev == st.st_dev &&
            out.st_ino == st.st_ino) {
            fprintf (stderr,
                     "yiwang check: %s %s is the input file: it would be emptied "
                     "before it is read\n",
                     i ? "--emit" : "--rejects", outputs[i]);
            goto cleanup;
        }
    }
    if (rejects_path && !(sinks.rejects = fopen (rejects_path, "w"))) {
        fprintf (stderr, "yiwang check: --rejects %s: cannot create: %m\n", rejects_path);
        goto cleanup;
    }
    if (emit_path && !(sinks.emit = fopen (emit_path, "w"))) {
        fprintf (stderr, "yiwang check: --emit %s: cannot create: %m\n", emit_path);
        goto cleanup;
    }
    check_options_t check = {
        .jurisdiction = jurisdiction,
        .find_duplicates = true,
        .skip_content_hash = !emit_path,
        .progress = isatty (STDERR_FILENO),
        .accept = s_on_accept,
        .reject = s_on_reject,
        .arg = &sinks,
    };
    check_report_t report;
    int rc = check_file (codebook, mapping, file, path, &check, &report, error);
    if (rc) {
        fprintf (stderr, "yiwang check: %s\n",
                 error[0] ? error : "cannot write --rejects or --emit output");
        goto cleanup;
    }
    s_print_report (path, mapping, &report, as_json);
    status = 0;
cleanup:
    if (sinks.rejects && fclose (sinks.rejects) != 0 && status == 0) {
        fprintf (stderr, "yiwang check: --rejects %s: write failed\n", rejects_path);
        status = 2;
    }
    if (sinks.emit && fclose (sinks.emit) != 0 && status == 0) {
        fprintf (stderr, "yiwang check: --emit %s: write failed\n", emit_path);
        status = 2;
    }
    if (file)
        fclose (file);
    mapping_destroy (&mapping);
    codebook_destroy (&codebook);
    return status;
}
