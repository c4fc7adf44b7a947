/*  fuzz_mapping.c - libFuzzer target for the mapping-file loader.

    The input is a mapping file. It is loaded from a file (mapping_load, the
    path `yiwang check` takes, where NUL bytes and size limits apply) and,
    when it has no NUL byte, parsed from memory too (mapping_parse, under the
    same name); the two must agree to the byte. Checks:
    - a refusal is YW_EMAPPING (or YW_EIO, never for a readable file) with a
      NUL-terminated message within YW_MAPPING_ERROR that names the file,
      and no mapping;
    - an accepted mapping keeps its promises: a known kind, format and
      encoding; a default region that the codebook knows; a non-empty
      column for every field it feeds, and only for fields of its kind;
      every required field fed (region_code may come from the default);
      every synonym lookup a code of its field's table.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codebook.h"
#include "mapping.h"
#include "normalize.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_mapping: %s failed at line %d\n", #condition,           \
                     __LINE__);                                                            \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

static codebook_t *s_codebook; /* loaded once: it is immutable */
static char s_path[64];        /* the file each input is written to */

/* Everything an accepted mapping says, as text, to compare two of them. */
static void
s_describe (const mapping_t *mapping, char *out, size_t size)
{
    int off = snprintf (out, size, "%d|%s|%s|%s|%s", (int)mapping_kind (mapping),
                        mapping_format (mapping), mapping_encoding (mapping),
                        mapping_region (mapping), mapping_name (mapping));
    for (size_t i = 0; yw_fields[i].name && off > 0 && (size_t)off < size; i++) {
        const char *column = mapping_column (mapping, i);
        off += snprintf (out + off, size - (size_t)off, "|%s", column ? column : "-");
    }
}

static void
s_check_mapping (const mapping_t *mapping)
{
    yw_kind_t kind = mapping_kind (mapping);
    CHECK (kind > YW_KIND_NONE && kind < YW_KIND_COUNT);
    const char *format = mapping_format (mapping);
    CHECK (!strcmp (format, "csv") || !strcmp (format, "jsonl"));
    const char *encoding = mapping_encoding (mapping);
    CHECK (!strcmp (encoding, "utf-8") || !strcmp (encoding, "gb18030") ||
           !strcmp (encoding, "gbk"));
    const char *region = mapping_region (mapping);
    CHECK (!region[0] || codebook_region (s_codebook, region));
    CHECK (strlen (mapping_name (mapping)) < 128);
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        const char *column = mapping_column (mapping, i);
        bool of_kind = field->kind == YW_KIND_NONE || field->kind == kind;
        if (column) {
            CHECK (of_kind);
            CHECK (column[0] != '\0');
        }
        else if (of_kind && field->required)
            CHECK (!strcmp (field->name, "region_code") && region[0]);
    }
    CHECK (mapping_column (mapping, 64) == NULL);
}

/* Every key of the text (what precedes an = on a line), normalized as
   rowmap normalizes values, looked up as a synonym of every enumerated
   field: a code of the field's table, or NULL. */
static void
s_check_synonyms (const mapping_t *mapping, const char *text)
{
    for (const char *line = text; *line;) {
        const char *eol = strchr (line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen (line);
        const char *equals = memchr (line, '=', len);
        char key[YW_TEXT_SIZE];
        if (equals && codebook_norm_text (line, (size_t)(equals - line), key, sizeof key,
                                          NULL) == YW_R_OK)
            for (size_t i = 0; yw_fields[i].name; i++) {
                if (yw_fields[i].type != YW_FT_ENUM)
                    continue;
                const char *code = mapping_synonym (mapping, i, key);
                CHECK (!code || codebook_enum_name (s_codebook, yw_fields[i].table, code));
            }
        line += len + (eol != NULL);
    }
}

static void
s_check_refusal (int rc, const mapping_t *mapping, const char *error)
{
    CHECK (rc == YW_EMAPPING);
    CHECK (mapping == NULL);
    const char *end = memchr (error, '\0', YW_MAPPING_ERROR);
    CHECK (end && end > error);
    CHECK (!strncmp (error, "mapping ", 8));
    CHECK (strstr (error, s_path) != NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_codebook) {
        s_codebook = codebook_new ();
        CHECK (s_codebook);
        snprintf (s_path, sizeof s_path, "/tmp/fuzz_mapping.%ld.ini", (long)getpid ());
    }
    FILE *file = fopen (s_path, "wb");
    CHECK (file);
    CHECK (fwrite (data, 1, size, file) == size);
    CHECK (fclose (file) == 0);

    char from_file[YW_MAPPING_ERROR];
    mapping_t *loaded = NULL;
    int rc = mapping_load (s_path, s_codebook, &loaded, from_file);
    unlink (s_path);
    char loaded_text[8192] = "";
    if (rc == 0) {
        CHECK (loaded);
        s_check_mapping (loaded);
        s_describe (loaded, loaded_text, sizeof loaded_text);
    }
    else
        s_check_refusal (rc, loaded, from_file);

    /* From memory, when the bytes are a C string. */
    if (!memchr (data, '\0', size)) {
        char *text = yw_malloc (size + 1);
        memcpy (text, data, size);
        text[size] = '\0';
        char from_memory[YW_MAPPING_ERROR];
        mapping_t *parsed = NULL;
        int parse_rc = mapping_parse (text, s_path, s_codebook, &parsed, from_memory);
        if (size <= (1u << 20)) {
            CHECK (parse_rc == rc);
            if (rc == 0) {
                char parsed_text[8192];
                s_describe (parsed, parsed_text, sizeof parsed_text);
                CHECK (!strcmp (parsed_text, loaded_text));
                s_check_synonyms (parsed, text);
            }
            else
                CHECK (!strcmp (from_memory, from_file));
        }
        mapping_destroy (&parsed);
        free (text);
    }
    mapping_destroy (&loaded);
    CHECK (loaded == NULL);
    return 0;
}
