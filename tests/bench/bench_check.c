/*  bench_check.c - normalization throughput: the work of `yiwang check`
    (read, transcode GB18030, parse CSV, normalize, validate, derive object
    codes and content hashes, find duplicates) on one core.

    Memory must not grow with the file: the check runs first on a tenth of
    the rows and then on all of them, and the peak RSS after each is reported. */
#include <stdio.h>
#include <sys/resource.h>

#include "bench.h"
#include "check.h"
#include "codebook.h"
#include "mapping.h"

/* CPU time of this process: on a shared machine the honest measure of
   "rows per second on one core" (wall time is reported too). */
static double
s_cpu_seconds (void)
{
    struct rusage usage;
    getrusage (RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int
s_run (const codebook_t *codebook, const mapping_t *mapping, const char *path,
       check_report_t *report, double *seconds, double *cpu)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return -1;
    char error[YW_CHECK_ERROR];
    /* as `yiwang check` without --emit */
    check_options_t options = {.find_duplicates = true, .skip_content_hash = true};
    double start = bench_now (), cpu_start = s_cpu_seconds ();
    int rc = check_file (codebook, mapping, file, path, &options, report, error);
    *seconds = bench_now () - start;
    *cpu = s_cpu_seconds () - cpu_start;
    fclose (file);
    if (rc)
        fprintf (stderr, "bench check: %s\n", error);
    return rc;
}

int
bench_check (const bench_context_t *context)
{
    char small[512], large[512], mapping_error[YW_MAPPING_ERROR];
    if (bench_generate (context, "vehicle", context->rows / 10, "gb18030", "csv", small,
                        sizeof small) ||
        bench_generate (context, "vehicle", context->rows, "gb18030", "csv", large,
                        sizeof large))
        return -1;
    codebook_t *codebook = codebook_new ();
    mapping_t *mapping = NULL;
    if (!codebook || mapping_load (YW_SOURCE_DIR "/deploy/samples/vehicle-csv.ini",
                                   codebook, &mapping, mapping_error)) {
        fprintf (stderr, "bench check: %s\n", codebook ? mapping_error : "no codebook");
        codebook_destroy (&codebook);
        return -1;
    }
    check_report_t report;
    double seconds, cpu;
    int rc = s_run (codebook, mapping, small, &report, &seconds, &cpu);
    long rss_small = bench_peak_rss_kb ();
    if (rc == 0)
        rc = s_run (codebook, mapping, large, &report, &seconds, &cpu);
    if (rc == 0) {
        bench_figure ("check_rows", (double)report.rows, "rows");
        bench_figure ("check_accepted", (double)report.accepted, "rows");
        bench_figure ("check_rate", (double)report.rows / seconds, "rows/s");
        bench_figure ("check_rate_cpu", (double)report.rows / cpu, "rows/cpu-s");
        bench_figure ("check_peak_rss_tenth", (double)rss_small, "KiB");
        bench_figure ("check_peak_rss_full", (double)bench_peak_rss_kb (), "KiB");
    }
    mapping_destroy (&mapping);
    codebook_destroy (&codebook);
    return rc;
}
