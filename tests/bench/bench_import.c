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

/* Runs `yiwang import` as its own process; *rss receives its peak RSS. */
static int
s_import (const char *path, const char *endpoint, pid_t node, double *seconds, long *rss)
{
    char binary[600], mapping[600], out[600];
    snprintf (binary, sizeof binary, "%s/node/yiwang", YW_BUILD_DIR);
    snprintf (mapping, sizeof mapping, "%s/deploy/samples/vehicle-csv.ini", YW_SOURCE_DIR);
    snprintf (out, sizeof out, "%s.import.json", path);
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
    *seconds = bench_now () - start;
    *rss = usage.ru_maxrss;
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
    double first, again;
    long rss_first = 0, rss_again = 0;
    if (stat (socket_path, &st) != 0)
        fprintf (stderr, "bench import: the node did not start\n");
    else if (s_import (csv, endpoint, node, &first, &rss_first) == 0 &&
             s_import (csv, endpoint, node, &again, &rss_again) == 0) {
        rc = 0;
        bench_figure ("import_rate", (double)context->rows / first, "rows/s");
        bench_figure ("reimport_rate", (double)context->rows / again, "rows/s");
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
                      (double)(rss_first > rss_again ? rss_first : rss_again), "KiB");
    }
    kill (node, SIGTERM);
    waitpid (node, NULL, 0);
    return rc;
}
