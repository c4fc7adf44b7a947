/*  bench_replication.c - county -> city -> province, durable at every hop:
    the county imports the vehicle CSV with no parent (yiwang import into a
    real yiwang-node), then the city and province hubs start, the county
    restarts with --parent, and the clock runs from that start to the
    province's commit of the county's last origin batch (polled from the
    province's store, read-only, every 10 ms). Reports records/s, each hop's
    group commits (count, average and longest commit), and every process's
    peak memory: VmHWM (which counts the LMDB map's file pages it touched)
    and its peak anonymous memory (sampled), its own. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "store.h"

#define S_COUNTY "county-370102"
#define S_CITY "city-370100"
#define S_PROVINCE "province-370000"

typedef struct {
    const char *id;
    pid_t pid;
    char data[600];
    char log[640];
    long anon_peak; /* KiB */
    long hwm;       /* KiB, last seen */
    double cpu;     /* CPU seconds at the end of the run */
    double cpu_sys; /* ... of which in the kernel */
    double written; /* bytes written at the end of the run */
} s_process_t;

static void
s_sample (s_process_t *process)
{
    if (process->pid <= 0)
        return;
    long anon = bench_status_kb (process->pid, "RssAnon");
    long hwm = bench_status_kb (process->pid, "VmHWM");
    if (anon > process->anon_peak)
        process->anon_peak = anon;
    if (hwm > 0)
        process->hwm = hwm;
}

/* The process's CPU and bytes written so far: counters, read once, at the
   end (every process of the run started when the clock did). */
static void
s_totals (s_process_t *process)
{
    if (process->pid <= 0)
        return;
    double sys = 0, cpu = bench_cpu_seconds (process->pid, &sys);
    double written = bench_written_bytes (process->pid);
    if (cpu >= 0) {
        process->cpu = cpu;
        process->cpu_sys = sys;
    }
    if (written >= 0)
        process->written = written;
}

/* Starts a node or hub (argv after the binary), stderr to its log; waits
   for its ingest socket. */
static int
s_start (s_process_t *process, const char *binary, char *const argv[])
{
    char path[700];
    snprintf (path, sizeof path, "%s/ingest.ipc", process->data);
    unlink (path);
    process->pid = fork ();
    if (process->pid == 0) {
        FILE *log = freopen (process->log, "a", stderr);
        (void)log;
        execv (binary, argv);
        _exit (127);
    }
    struct stat st;
    for (int i = 0; i < 400; i++) {
        if (stat (path, &st) == 0)
            return 0;
        if (waitpid (process->pid, NULL, WNOHANG) == process->pid) {
            fprintf (stderr, "bench replication: %s exited at start (see %s)\n",
                     process->id, process->log);
            process->pid = 0;
            return -1;
        }
        usleep (25000);
    }
    fprintf (stderr, "bench replication: %s did not start\n", process->id);
    return -1;
}

static void
s_stop (s_process_t *process)
{
    if (process->pid <= 0)
        return;
    s_sample (process);
    kill (process->pid, SIGTERM);
    waitpid (process->pid, NULL, 0);
    process->pid = 0;
}

/* The downlink's summary line at shutdown: "N group commits of B batches,
   E events applied; commit A ms on average, M ms at most". */
static int
s_commits (const s_process_t *process, double *rounds, double *average, double *longest)
{
    FILE *file = fopen (process->log, "r");
    if (!file)
        return -1;
    char line[1024];
    int found = -1;
    while (fgets (line, sizeof line, file)) {
        const char *at = strstr (line, "downlink: ");
        unsigned long long n, batches, events;
        if (at && sscanf (at,
                          "downlink: %llu group commits of %llu batches, %llu events "
                          "applied; commit %lf ms on average, %lf ms at most",
                          &n, &batches, &events, average, longest) == 5) {
            *rounds = (double)n;
            found = 0;
        }
    }
    fclose (file);
    return found;
}

static int
s_import (const bench_context_t *context, s_process_t *county, const char *csv)
{
    char node_bin[600], yiwang[600], mapping[600], endpoint[700], out[700];
    snprintf (node_bin, sizeof node_bin, "%s/node/yiwang-node", YW_BUILD_DIR);
    snprintf (yiwang, sizeof yiwang, "%s/node/yiwang", YW_BUILD_DIR);
    snprintf (mapping, sizeof mapping, "%s/deploy/samples/vehicle-csv.ini", YW_SOURCE_DIR);
    snprintf (endpoint, sizeof endpoint, "ipc://%s/ingest.ipc", county->data);
    snprintf (out, sizeof out, "%s/replication-import.json", context->dir);
    char *argv[] = {node_bin, "--id",   S_COUNTY,     "--jurisdiction",
                    "370102", "--data", county->data, NULL};
    if (s_start (county, node_bin, argv))
        return -1;
    fprintf (stderr, "bench replication: importing %ld rows into the county (no parent)\n",
             context->rows);
    pid_t pid = fork ();
    if (pid == 0) {
        FILE *file = freopen (out, "w", stdout);
        (void)file;
        execl (yiwang, yiwang, "import", "--mapping", mapping, "--node", endpoint, "--json",
               csv, (char *)NULL);
        _exit (127);
    }
    int status = 0;
    if (pid < 0 || waitpid (pid, &status, 0) != pid || !WIFEXITED (status) ||
        WEXITSTATUS (status) != 0) {
        fprintf (stderr, "bench replication: yiwang import failed (status %d)\n", status);
        return -1;
    }
    s_stop (county);
    county->anon_peak = 0; /* the figures are for the replication */
    return 0;
}

int
bench_replication (const bench_context_t *context)
{
    char csv[512];
    if (bench_generate (context, "vehicle", context->rows, "gb18030", "csv", csv,
                        sizeof csv))
        return -1;
    s_process_t county = {.id = S_COUNTY}, city = {.id = S_CITY},
                province = {.id = S_PROVINCE};
    s_process_t *all[] = {&county, &city, &province};
    for (int i = 0; i < 3; i++) {
        snprintf (all[i]->data, sizeof all[i]->data, "%s/replication-%s", context->dir,
                  all[i]->id);
        snprintf (all[i]->log, sizeof all[i]->log, "%s.log", all[i]->data);
        char command[1400];
        snprintf (command, sizeof command, "rm -rf '%s' '%s'", all[i]->data, all[i]->log);
        if (system (command) != 0)
            return -1;
    }
    int rc = -1;
    store_t *store = NULL;
    if (s_import (context, &county, csv))
        goto done;

    /* what the province must end with: the county's last origin batch */
    store_options_t options = {.dir = county.data, .read_only = true};
    char error[STORE_ERROR_SIZE];
    uint64_t want = 0, objects = 0;
    store_stat_t stat;
    if (store_open (&options, &store, error) ||
        store_origin_state (store, S_COUNTY, &want, NULL) || store_stat (store, &stat)) {
        fprintf (stderr, "bench replication: county store: %s\n", error);
        goto done;
    }
    objects = stat.objects;
    store_destroy (&store);

    char hub_bin[600], node_bin[600], province_at[64], city_at[64];
    snprintf (hub_bin, sizeof hub_bin, "%s/hub/yiwang-hub", YW_BUILD_DIR);
    snprintf (node_bin, sizeof node_bin, "%s/node/yiwang-node", YW_BUILD_DIR);
    int port = 20000 + (int)(getpid () % 20000);
    snprintf (province_at, sizeof province_at, "tcp://127.0.0.1:%d", port);
    snprintf (city_at, sizeof city_at, "tcp://127.0.0.1:%d", port + 1);
    char *province_argv[] = {hub_bin,     "--id",    S_PROVINCE,       "--jurisdiction",
                             "370000",    "--data",  province.data,    "--listen",
                             province_at, "--child", S_CITY "=370100", NULL};
    char *city_argv[] = {hub_bin,
                         "--id",
                         S_CITY,
                         "--jurisdiction",
                         "370100",
                         "--data",
                         city.data,
                         "--listen",
                         city_at,
                         "--parent",
                         province_at,
                         "--child",
                         S_COUNTY "=370102",
                         NULL};
    char *county_argv[] = {node_bin, "--id",      S_COUNTY,   "--jurisdiction", "370102",
                           "--data", county.data, "--parent", city_at,          NULL};
    if (s_start (&province, hub_bin, province_argv) || s_start (&city, hub_bin, city_argv))
        goto done;
    options.dir = province.data;
    if (store_open (&options, &store, error)) {
        fprintf (stderr, "bench replication: province store: %s\n", error);
        goto done;
    }
    fprintf (stderr,
             "bench replication: %llu objects in %llu origin batches, county -> city "
             "-> province\n",
             (unsigned long long)objects, (unsigned long long)want);
    double start = bench_now ();
    if (s_start (&county, node_bin, county_argv))
        goto done;
    uint64_t seq = 0;
    double last_report = start;
    while (seq < want) {
        usleep (10000);
        store_origin_state (store, S_COUNTY, &seq, NULL);
        for (int i = 0; i < 3; i++)
            s_sample (all[i]);
        double now = bench_now ();
        if (now - last_report > 5) {
            fprintf (stderr, "bench replication: %.0f s, province at batch %llu of %llu\n",
                     now - start, (unsigned long long)seq, (unsigned long long)want);
            last_report = now;
        }
        if (now - start > 1800) {
            fprintf (stderr, "bench replication: no convergence in 30 minutes\n");
            goto done;
        }
    }
    double seconds = bench_now () - start;
    for (int i = 0; i < 3; i++) {
        s_sample (all[i]);
        s_totals (all[i]);
    }
    bench_figure ("replication_rate", (double)objects / seconds, "records/s");
    bench_figure_2 ("replication_seconds", seconds, "s");
    rc = 0;
done:
    store_destroy (&store);
    for (int i = 0; i < 3; i++)
        s_stop (all[i]);
    if (rc == 0) {
        const s_process_t *hubs[] = {&city, &province};
        const char *names[] = {"city", "province"};
        for (int i = 0; i < 2; i++) {
            double rounds, average, longest;
            char name[64];
            if (s_commits (hubs[i], &rounds, &average, &longest))
                continue;
            snprintf (name, sizeof name, "replication_%s_commits", names[i]);
            bench_figure (name, rounds, "transactions");
            snprintf (name, sizeof name, "replication_%s_commit_avg", names[i]);
            bench_figure_2 (name, average, "ms");
            snprintf (name, sizeof name, "replication_%s_commit_max", names[i]);
            bench_figure_2 (name, longest, "ms");
        }
        const char *who[] = {"county", "city", "province"};
        for (int i = 0; i < 3; i++) {
            char name[64];
            snprintf (name, sizeof name, "replication_%s_peak_rss_with_map", who[i]);
            bench_figure (name, (double)all[i]->hwm, "KiB");
            snprintf (name, sizeof name, "replication_%s_peak_anon", who[i]);
            bench_figure (name, (double)all[i]->anon_peak, "KiB");
            snprintf (name, sizeof name, "replication_%s_cpu", who[i]);
            bench_figure_2 (name, all[i]->cpu, "s");
            snprintf (name, sizeof name, "replication_%s_cpu_system", who[i]);
            bench_figure_2 (name, all[i]->cpu_sys, "s");
            snprintf (name, sizeof name, "replication_%s_written", who[i]);
            bench_figure (name, all[i]->written / 1e6, "MB");
        }
        fflush (stdout);
    }
    return rc;
}
