/*  bench_check.c - normalization throughput: the work of `yiwang check`
    (read, transcode GB18030, parse CSV, normalize, validate, derive object
    codes and content hashes, find duplicates) on one core.

    Memory must not grow with the file: the check runs first on a tenth of
    the rows and then on all of them, and the peak RSS after each is reported. */
#include <stdio.h>

#include "bench.h"
#include "check.h"
#include "codebook.h"
#include "mapping.h"

static int
s_run (const codebook_t *codebook, const mapping_t *mapping, const char *path,
       check_report_t *report, double *seconds)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return -1;
    char error[YW_CHECK_ERROR];
    check_options_t options = { .find_duplicates = true };
    double start = bench_now ();
    int rc = check_file (codebook, mapping, file, path, &options, report, error);
    *seconds = bench_now () - start;
    fclose (file);
    if (rc)
        fprintf (stderr, "bench check: %s\n", error);
    return rc;
}

int
bench_check (const bench_context_t *context)
{
    char small[512], large[512], mapping_error[YW_MAPPING_ERROR];
    if (bench_generate (context, "vehicle", context->rows / 10, "gb18030", "csv",
                        small, sizeof small)
        || bench_generate (context, "vehicle", context->rows, "gb18030", "csv",
                           large, sizeof large))
        return -1;
    codebook_t *codebook = codebook_new ();
    mapping_t *mapping = NULL;
    if (!codebook
        || mapping_load (YW_SOURCE_DIR "/deploy/samples/vehicle-csv.ini", codebook,
                         &mapping, mapping_error)) {
        fprintf (stderr, "bench check: %s\n", codebook ? mapping_error : "no codebook");
        codebook_destroy (&codebook);
        return -1;
    }
    check_report_t report;
    double seconds;
    int rc = s_run (codebook, mapping, small, &report, &seconds);
    long rss_small = bench_peak_rss_kb ();
    if (rc == 0)
        rc = s_run (codebook, mapping, large, &report, &seconds);
    if (rc == 0) {
        bench_figure ("check_rows", (double) report.rows, "rows");
        bench_figure ("check_accepted", (double) report.accepted, "rows");
        bench_figure ("check_rate", (double) report.rows / seconds, "rows/s");
        bench_figure ("check_peak_rss_tenth", (double) rss_small, "KiB");
        bench_figure ("check_peak_rss_full", (double) bench_peak_rss_kb (), "KiB");
    }
    mapping_destroy (&mapping);
    codebook_destroy (&codebook);
    return rc;
}
