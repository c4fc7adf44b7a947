/*  check.c - one pass over a file: read, normalize, count. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "dupfind.h"
#include "objcode.h"
#include "source.h"
#include "yw.h"

static int
s_get (void *row, size_t index, const char **value, size_t *size)
{
    return source_field ((source_t *)row, index, value, size);
}

/* Repeats come in key order; the example a person reads is the earliest. */
static void
s_on_repeat (void *arg, uint64_t first, uint64_t line)
{
    check_report_t *report = arg;
    if (!report->duplicate_line || line < report->duplicate_line) {
        report->duplicate_first = first;
        report->duplicate_line = line;
    }
}

int
check_file (const codebook_t *codebook, const mapping_t *mapping, FILE *file,
            const char *label, const check_options_t *options, check_report_t *report,
            char *error)
{
    memset (report, 0, sizeof *report);
    error[0] = '\0';
    source_t *source = NULL;
    char open_error[YW_SOURCE_ERROR];
    int rc = source_open (mapping, file, label, &source, open_error);
    if (rc) {
        snprintf (error, YW_CHECK_ERROR, "%s", open_error);
        return rc;
    }
    rowmap_t *rowmap = rowmap_new (codebook, mapping, options->jurisdiction);
    rowmap_set_content_hash (rowmap, !options->skip_content_hash);
    dupfind_t *dupfind = options->find_duplicates ? dupfind_new (0) : NULL;
    yw_record_t *record = yw_malloc (sizeof *record);
    rowmap_reject_t *reject = yw_malloc (sizeof *reject);
    uint64_t line = 0;

    for (;;) {
        int next = source_next (source, &line);
        if (next == 0)
            break;
        if (next == YW_EIO) {
            snprintf (error, YW_CHECK_ERROR, "%s: read failed after line %llu", label,
                      (unsigned long long)line);
            rc = YW_EIO;
            goto cleanup;
        }
        report->rows++;
        if (options->progress && report->rows % 200000 == 0)
            fprintf (stderr, "\r%s: %llu rows", label, (unsigned long long)report->rows);
        yw_reason_t reason;
        if (next < 0) {
            reason =
                !strcmp (mapping_format (mapping), "jsonl") ? YW_R_BAD_JSON : YW_R_BAD_CSV;
            if (next == YW_ETOOBIG)
                reason = YW_R_TOO_LONG;
            reject->field = -1;
            reject->reason = reason;
            snprintf (reject->column, sizeof reject->column, "-");
            reject->value[0] = '\0';
            yw_reason_format (reason, "row", NULL, source_error (source), reject->message,
                              sizeof reject->message);
        }
        else
            reason = rowmap_apply (rowmap, s_get, source, record, reject);
        if (reason) {
            report->rejected++;
            report->by_reason[reason]++;
            if (options->reject && (rc = options->reject (options->arg, line, reject)))
                goto cleanup;
            continue;
        }
        report->accepted++;
        if (dupfind && (rc = dupfind_add (dupfind, record->object_code + 2,
                                          YW_OBJCODE_LEN - 3, line))) {
            snprintf (error, YW_CHECK_ERROR,
                      "duplicate finder: cannot write its temporary file in %s",
                      getenv ("TMPDIR") && getenv ("TMPDIR")[0] ? getenv ("TMPDIR")
                                                                : "/tmp");
            goto cleanup;
        }
        if (options->accept && (rc = options->accept (options->arg, record, line)))
            goto cleanup;
    }
    if (options->progress && report->rows >= 200000)
        fprintf (stderr, "\r%s: %llu rows\n", label, (unsigned long long)report->rows);
    if (report->rows == 0 && !strcmp (mapping_format (mapping), "jsonl")) {
        snprintf (error, YW_CHECK_ERROR, "%s: empty file: no JSON lines, nothing to check",
                  label);
        rc = YW_EPARSE;
        goto cleanup;
    }
    for (size_t f = 0; yw_fields[f].name; f++)
        if (mapping_column (mapping, f) && !source_field_seen (source, f))
            report->unseen |= 1ull << f;
    report->encoding_hint = source_encoding_hint (source, &report->encoding_hint_cells);
    if (dupfind) {
        int64_t repeats = dupfind_finish (dupfind, s_on_repeat, report);
        if (repeats < 0) {
            snprintf (error, YW_CHECK_ERROR,
                      "duplicate finder: cannot read its "
                      "temporary file");
            rc = YW_EIO;
            goto cleanup;
        }
        report->duplicates = (uint64_t)repeats;
    }
    rc = 0;
cleanup:
    free (reject);
    free (record);
    dupfind_destroy (&dupfind);
    rowmap_destroy (&rowmap);
    source_destroy (&source);
    return rc;
}
