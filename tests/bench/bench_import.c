/*  bench_import.c - end-to-end import into a real node: `yiwang import` of
    a GB18030 vehicle CSV (parse, transcode, normalize, validate, encode)
    streamed over ZeroMQ into `yiwang-node` (decode, re-validate, durable
    LMDB group commits), then the same file again (no changes), as separate
    processes exactly as an operator runs them. Reports rows/s, the store's
    size on disk and the peak memory of both processes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* The node's peak anonymous memory, sampled while imports run: its own
   memory, without the LMDB map's file pages that VmHWM also counts. */
static long s_node_anon_peak = 0;

/* What one import cost: the client's CPU (from its rusage) and the node's
   CPU and bytes written while it ran (from /proc, before and after). */
typedef struct {
    double seconds, client_cpu, node_cpu, node_system, node_written;
    long client_rss; /* KiB */
} s_cost_t;

static double
s_seconds (struct timeval time)
{
    return (double)time.tv_sec + (double)time.tv_usec / 1e6;
}

/* Runs `yiwang import` as its own process and measures it. */
static int
s_import (const char *path, const char *endpoint, pid_t node, s_cost_t *cost)
{
    char binary[600], mapping[600], out[600];
    snprintf (binary, sizeof binary, "%s/node/yiwang", YW_BUILD_DIR);
    snprintf (mapping, sizeof mapping, "%s/deploy/samples/vehicle-csv.ini", YW_SOURCE_DIR);
    snprintf (out, sizeof out, "%s.import.json", path);
    double node_system = 0, node_cpu = bench_cpu_seconds (node, &node_system);
    double node_written = bench_written_bytes (node);
    double start = bench_now ();
    pid_t pid = fork ();
    if (pid == 0) {
        FILE *file = freopen (out, "w", stdout);
        (void)file;
        execl (binary, binary, "import", "--mapping", mapping, "--node", endpoint, "--json",
               path, (char *)NULL);
        _exit (127);
    }
    int status = 0;
    struct rusage usage;
    pid_t done = 0;
    while (pid > 0 && (done = wait4 (pid, &status, WNOHANG, &usage)) == 0) {
        long anon = bench_status_kb (node, "RssAnon");
        if (anon > s_node_anon_peak)
            s_node_anon_peak = anon;
        usleep (20000);
    }
    if (pid < 0 || done != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0) {
        fprintf (stderr, "bench import: yiwang import failed (status %d)\n", status);
        return -1;
    }
    cost->seconds = bench_now () - start;
    double in_kernel = 0;
    cost->node_cpu = bench_cpu_seconds (node, &in_kernel) - node_cpu;
    cost->node_system = in_kernel - node_system;
    cost->node_written = bench_written_bytes (node) - node_written;
    cost->client_cpu = s_seconds (usage.ru_utime) + s_seconds (usage.ru_stime);
    cost->client_rss = usage.ru_maxrss;
    char command[700];
    snprintf (command, sizeof command, "cat '%s' >&2", out);
    return system (command) == 0 ? 0 : -1;
}

int
bench_import (const bench_context_t *context)
{
    char csv[512], data[600], endpoint[700], socket_path[700];
    if (bench_generate (context, "vehicle", context->rows, "gb18030", "csv", csv,
                        sizeof csv))
        return -1;
    snprintf (data, sizeof data, "%s/import-node", context->dir);
    snprintf (socket_path, sizeof socket_path, "%s/ingest.ipc", data);
    snprintf (endpoint, sizeof endpoint, "ipc://%s", socket_path);
    char command[1024];
    snprintf (command, sizeof command, "rm -rf '%s'", data);
    if (system (command) != 0)
        return -1;
    pid_t node = fork ();
    if (node == 0) {
        char binary[600];
        snprintf (binary, sizeof binary, "%s/node/yiwang-node", YW_BUILD_DIR);
        execl (binary, binary, "--id", "bench-370102", "--jurisdiction", "370102", "--data",
               data, (char *)NULL);
        _exit (127);
    }
    struct stat st;
    for (int i = 0; i < 200 && stat (socket_path, &st) != 0; i++)
        usleep (50000);
    int rc = -1;
    s_cost_t first = {0}, again = {0};
    if (stat (socket_path, &st) != 0)
        fprintf (stderr, "bench import: the node did not start\n");
    else if (s_import (csv, endpoint, node, &first) == 0 &&
             s_import (csv, endpoint, node, &again) == 0) {
        rc = 0;
        bench_figure ("import_rate", (double)context->rows / first.seconds, "rows/s");
        bench_figure_2 ("import_node_cpu", first.node_cpu, "s");
        bench_figure_2 ("import_node_cpu_system", first.node_system, "s");
        bench_figure ("import_node_written", first.node_written / 1e6, "MB");
        bench_figure_2 ("import_client_cpu", first.client_cpu, "s");
        bench_figure ("reimport_rate", (double)context->rows / again.seconds, "rows/s");
        bench_figure_2 ("reimport_node_cpu", again.node_cpu, "s");
        bench_figure_2 ("reimport_client_cpu", again.client_cpu, "s");
        char mdb[700];
        snprintf (mdb, sizeof mdb, "%s/data.mdb", data);
        struct stat db;
        /* st_blocks: what the store really takes on disk (sparse map aside) */
        if (stat (mdb, &db) == 0)
            bench_figure ("import_store_size", (double)db.st_blocks * 512 / 1e6, "MB");
        bench_figure ("import_node_peak_anon", (double)s_node_anon_peak, "KiB");
        bench_figure ("import_node_peak_rss_with_map",
                      (double)bench_status_kb (node, "VmHWM"), "KiB");
        bench_figure ("import_client_peak_rss",
                      (double)(first.client_rss > again.client_rss ? first.client_rss
                                                                   : again.client_rss),
                      "KiB");
    }
    kill (node, SIGTERM);
    waitpid (node, NULL, 0);
    return rc;
}
