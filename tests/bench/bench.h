/*  bench.h - shared pieces of yiwang-bench's benchmarks. */
#ifndef YW_BENCH_H_INCLUDED
#define YW_BENCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    long rows;     /* rows of the main data set */
    char dir[256]; /* scratch directory for generated data and stores */
    bool keep;     /* --keep: leave the data in dir when done */
} bench_context_t;

typedef struct {
    const char *name;
    int (*run) (const bench_context_t *context);
    const char *summary;
} bench_t;

double bench_now (void);
long bench_peak_rss_kb (void);
void bench_figure (const char *name, double value, const char *unit);
/* The same with two decimals (seconds, milliseconds). */
void bench_figure_2 (const char *name, double value, const char *unit);

/* A line of /proc/PID/status ("VmHWM", "RssAnon"), in KiB; -1 if absent. */
long bench_status_kb (pid_t pid, const char *name);
double bench_cpu_seconds (pid_t pid, double *system);
double bench_written_bytes (pid_t pid);

/* Generates (once) a sample file with tools/gen_sample.py; path receives it. */
int bench_generate (const bench_context_t *context, const char *kind, long rows,
                    const char *encoding, const char *format, char *path, size_t size);

int bench_check (const bench_context_t *context);
int bench_import (const bench_context_t *context);
int bench_store (const bench_context_t *context);
int bench_replication (const bench_context_t *context);
/* Plain LMDB puts: the yardstick the speed bars were set against. */
int bench_reference (const bench_context_t *context);

#endif
