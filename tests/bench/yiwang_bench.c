/*  yiwang_bench.c - the benchmark program: one line per figure,
    `name<TAB>value<TAB>unit`, on stdout; progress and notes on stderr.

        yiwang-bench [--rows N] [--only NAME] [--keep DIR] [--repeat N]

    Runs of one build vary on a shared machine; --repeat N runs each
    benchmark N times and prints each figure's median, then NAME_min and
    NAME_max (every run's figures go to stderr as they come).

    Test data comes from the project's own generator (tools/gen_sample.py),
    written to a temporary directory that is removed afterwards. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const bench_t s_benches[] = {
    {"check", bench_check, "normalize a GB18030 vehicle CSV as `yiwang check` does"},
    {"import", bench_import, "import a GB18030 vehicle CSV into a real node, then again"},
    {"store", bench_store,
     "store_ingest alone: new, unchanged, unchanged --full, 10% changed"},
    {"replication", bench_replication, "county -> city -> province, durable at every hop"},
    {"reference", bench_reference,
     "plain LMDB puts: the yardstick the speed bars were set against"},
    {NULL, NULL, NULL}};

double
bench_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
bench_peak_rss_kb (void)
{
    struct rusage usage;
    getrusage (RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/* The CPU seconds (user + system) a live process has used so far; *system
   (if not NULL) receives the system part. */
double
bench_cpu_seconds (pid_t pid, double *system)
{
    char path[64], text[1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return -1;
    size_t n = fread (text, 1, sizeof text - 1, file);
    fclose (file);
    text[n] = 0;
    /* fields after the command's closing parenthesis: state is field 3,
       utime and stime are fields 14 and 15 */
    const char *at = strrchr (text, ')');
    unsigned long long utime = 0, stime = 0;
    if (!at || sscanf (at + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                       &utime, &stime) != 2)
        return -1;
    double tick = (double)sysconf (_SC_CLK_TCK);
    if (system)
        *system = (double)stime / tick;
    return (double)(utime + stime) / tick;
}

/* What a live process has written with write(2) and friends so far, in
   bytes (wchar of /proc/PID/io: page-cache writes included, before any
   writeback). */
double
bench_written_bytes (pid_t pid)
{
    char path[64], line[128];
    snprintf (path, sizeof path, "/proc/%d/io", (int)pid);
    FILE *file = fopen (path, "r");
    unsigned long long bytes = 0;
    bool found = false;
    if (!file)
        return -1;
    while (!found && fgets (line, sizeof line, file))
        found = sscanf (line, "wchar: %llu", &bytes) == 1;
    fclose (file);
    return found ? (double)bytes : -1;
}

long
bench_status_kb (pid_t pid, const char *name)
{
    char path[64], line[256], format[64];
    snprintf (path, sizeof path, "/proc/%d/status", (int)pid);
    snprintf (format, sizeof format, "%s: %%ld kB", name);
    FILE *file = fopen (path, "r");
    long kb = -1;
    if (!file)
        return -1;
    while (fgets (line, sizeof line, file))
        if (sscanf (line, format, &kb) == 1)
            break;
    fclose (file);
    return kb;
}

/* --repeat: the figures of every run of a benchmark, printed as each
   figure's median and range once its runs are done. */
#define S_FIGURES 128
#define S_RUNS_MAX 64

typedef struct {
    char name[64];
    char unit[16];
    int decimals;
    double values[S_RUNS_MAX];
    int count;
} s_figure_t;

static int s_repeat = 1;
static s_figure_t s_figures[S_FIGURES];
static int s_figure_count = 0;

static void
s_print (const char *name, double value, const char *unit, int decimals)
{
    printf ("%s\t%.*f\t%s\n", name, decimals, value, unit);
    fflush (stdout);
}

static void
s_figure (const char *name, double value, const char *unit, int decimals)
{
    if (s_repeat == 1) {
        s_print (name, value, unit, decimals);
        return;
    }
    fprintf (stderr, "bench: %s\t%.*f\t%s\n", name, decimals, value, unit);
    s_figure_t *figure = NULL;
    for (int i = 0; i < s_figure_count && !figure; i++)
        if (!strcmp (s_figures[i].name, name))
            figure = &s_figures[i];
    if (!figure && s_figure_count < S_FIGURES) {
        figure = &s_figures[s_figure_count++];
        snprintf (figure->name, sizeof figure->name, "%s", name);
        snprintf (figure->unit, sizeof figure->unit, "%s", unit);
        figure->decimals = decimals;
        figure->count = 0;
    }
    if (figure && figure->count < S_RUNS_MAX)
        figure->values[figure->count++] = value;
}

static int
s_double_compare (const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Each collected figure: its median as the figure, then its range. */
static void
s_figures_flush (void)
{
    for (int i = 0; i < s_figure_count; i++) {
        s_figure_t *f = &s_figures[i];
        qsort (f->values, (size_t)f->count, sizeof f->values[0], s_double_compare);
        double median = f->count % 2
                            ? f->values[f->count / 2]
                            : (f->values[f->count / 2 - 1] + f->values[f->count / 2]) / 2;
        char name[80];
        s_print (f->name, median, f->unit, f->decimals);
        snprintf (name, sizeof name, "%s_min", f->name);
        s_print (name, f->values[0], f->unit, f->decimals);
        snprintf (name, sizeof name, "%s_max", f->name);
        s_print (name, f->values[f->count - 1], f->unit, f->decimals);
    }
    s_figure_count = 0;
}

void
bench_figure (const char *name, double value, const char *unit)
{
    s_figure (name, value, unit, 0);
}

void
bench_figure_2 (const char *name, double value, const char *unit)
{
    s_figure (name, value, unit, 2);
}

int
bench_generate (const bench_context_t *context, const char *kind, long rows,
                const char *encoding, const char *format, char *path, size_t size)
{
    snprintf (path, size, "%s/%s-%ld.%s", context->dir, kind, rows, format);
    struct stat st;
    if (stat (path, &st) == 0)
        return 0;
    char command[2048];
    snprintf (command, sizeof command,
              "python3 '%s/tools/gen_sample.py' --kind %s --region 370102 --rows %ld "
              "--format %s --encoding %s --bad-rate 0.01 --seed 7 --out '%s'",
              YW_SOURCE_DIR, kind, rows, format, encoding, path);
    fprintf (stderr, "bench: generating %s\n", path);
    if (system (command) != 0) {
        fprintf (stderr, "bench: generator failed: %s\n", command);
        return -1;
    }
    return 0;
}

int
main (int argc, char *argv[])
{
    static const struct option options[] = {
        {"rows", required_argument, NULL, 'n'}, {"only", required_argument, NULL, 'o'},
        {"keep", required_argument, NULL, 'k'}, {"repeat", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    bench_context_t context = {.rows = 1000000};
    const char *only = NULL, *keep = NULL;
    int opt;
    while ((opt = getopt_long (argc, argv, "n:o:k:r:h", options, NULL)) != -1) {
        switch (opt) {
            case 'n': context.rows = atol (optarg); break;
            case 'o': only = optarg; break;
            case 'k': keep = optarg; break;
            case 'r': s_repeat = atoi (optarg); break;
            case 'h':
                printf ("usage: yiwang-bench [--rows N] [--only NAME] [--keep DIR] "
                        "[--repeat N]\n"
                        "  --repeat N  runs each benchmark N times (at most %d) and prints "
                        "each figure's\n"
                        "              median, then NAME_min and NAME_max\n",
                        S_RUNS_MAX);
                for (const bench_t *bench = s_benches; bench->name; bench++)
                    printf ("  %-12s %s\n", bench->name, bench->summary);
                return 0;
            default: return 2;
        }
    }
    if (context.rows < 1000) {
        fprintf (stderr, "yiwang-bench: --rows must be at least 1000\n");
        return 2;
    }
    if (s_repeat < 1 || s_repeat > S_RUNS_MAX) {
        fprintf (stderr, "yiwang-bench: --repeat must be 1 to %d\n", S_RUNS_MAX);
        return 2;
    }
    char dir[] = "/tmp/yiwang-bench-XXXXXX";
    if (keep) {
        mkdir (keep, 0755);
        snprintf (context.dir, sizeof context.dir, "%s", keep);
        context.keep = true;
    }
    else {
        if (!mkdtemp (dir)) {
            perror ("yiwang-bench: mkdtemp");
            return 3;
        }
        snprintf (context.dir, sizeof context.dir, "%s", dir);
    }
    int status = 0;
    for (const bench_t *bench = s_benches; bench->name; bench++) {
        if (only && strcmp (only, bench->name))
            continue;
        for (int run = 0; run < s_repeat; run++)
            if (bench->run (&context) != 0) {
                fprintf (stderr, "yiwang-bench: %s failed\n", bench->name);
                status = 1;
                break;
            }
        s_figures_flush ();
    }
    if (!keep) {
        char command[512];
        snprintf (command, sizeof command, "rm -rf '%s'", context.dir);
        if (system (command) != 0)
            fprintf (stderr, "yiwang-bench: could not remove %s\n", context.dir);
    }
    return status;
}
