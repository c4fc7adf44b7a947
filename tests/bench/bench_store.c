/*  bench_store.c - the node's LMDB store alone: store_ingest of N vehicle
    records (default 1,000,000) made up in C, with valid VINs, real object
    codes and USCCs, Shandong county region codes and realistic values, in
    batches of 10,000 and 10 batches per call (one durable transaction of
    100,000 records), into a fresh store:

      store_ingest_new              every record new
      store_ingest_unchanged        the same records again (no write at all)
      store_ingest_unchanged_full   the same again as a --full run (spill file)
      store_ingest_changed          again, with 10% of the records changed
      store_apply_remote            a hub's side: the origin batches of the
                                    first pass, read from the store's log,
                                    applied into a fresh hub store (relaying)
                                    in rounds of 32 batches, as yiwang-hub's
                                    group commit does, without the network

    Only the store_ingest calls are timed (making the records, their object
    codes and content hashes is the import's work, measured by `check` and
    `import`). Also reported: the store's size on disk, the peak RSS (which
    counts the LMDB pages mapped in) and the private (anonymous) memory at
    the end. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "codec.h"
#include "objcode.h"
#include "store.h"
#include "validate.h"
#include "yw.h"

#define S_BATCH 10000
#define S_GROUP 10

static const char *s_regions[] = {
    "370102", "370103", "370104", "370105", "370112", "370113", "370114", "370115",
    "370116", "370117", "370124", "370126", "370202", "370203", "370211", "370212",
    "370213", "370214", "370215", "370281", "370283", "370285",
};
#define S_REGIONS (sizeof s_regions / sizeof s_regions[0])
#define S_UNITS 200

static const char *s_models[] = {
    "大众帕萨特 SVW7183", "丰田凯美瑞 GTM7250", "别克GL8 SGM6521", "比亚迪汉 BYD7006BEV",
    "红旗H5 CA7180",      "奥迪A6L FV7201",     "本田雅阁 HG7202", "长安CS75 SC6451",
    "金杯海狮 SY6543",    "宇通客车 ZK6119",
};
static const char *s_categories[] = {"01", "02", "03", "04", "99"};
static const char *s_energy[] = {"01", "01", "01", "02", "03", "04"};
static const char *s_wmi[] = {"LSV", "LFV", "LGB", "LVS", "LHG", "LBV", "LDC", "LZW"};

/* VIN characters (no I, O, Q) */
static const char s_vin_chars[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

static uint64_t
s_mix (uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* Unit n's USCC: 11 (government body), a region, an organisation code with
   its GB 11714 check character, and the GB 32100 check character. */
static void
s_unit (unsigned n, char *out)
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    snprintf (out, YW_USCC_SIZE, "11%s", s_regions[n % S_REGIONS]);
    uint64_t h = s_mix (n + 1000);
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int value = (int)(h % 10);
        h /= 10;
        out[8 + i] = (char)('0' + value);
        sum += value * weights[i];
    }
    int check = 11 - sum % 11;
    out[16] = check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
    out[17] = '\0';
    out[17] = codebook_uscc_check_char (out);
    out[18] = '\0';
}

/* Vehicle i; variant > 0 changes its odometer (a changed record). */
static void
s_vehicle (yw_record_t *record, uint64_t i, unsigned variant, char units[][YW_USCC_SIZE])
{
    uint64_t h = s_mix (i);
    yw_record_reset (record, YW_KIND_VEHICLE);
    yw_vehicle_t *v = &record->body.vehicle;
    char *vin = v->vin;
    memcpy (vin, s_wmi[h % 8], 3);
    for (int k = 3; k < 8; k++)
        vin[k] = s_vin_chars[(h >> (k * 5)) % 33];
    vin[8] = '0';
    vin[9] = "LMNPRSTVWXY123456789"[(h >> 40) % 20]; /* model year */
    vin[10] = s_vin_chars[(h >> 45) % 33];           /* plant */
    snprintf (vin + 11, 7, "%06llu", (unsigned long long)(i % 1000000));
    /* serials repeat every million: the VDS (from the hash) keeps VINs apart */
    vin[8] = codebook_vin_check_char (vin);
    codebook_objcode ("vehicle", vin, 17, record->object_code);
    unsigned unit = (unsigned)(h >> 20) % S_UNITS;
    memcpy (record->unit_code, units[unit], YW_USCC_SIZE);
    memcpy (record->region_code, units[unit] + 2, 6);
    record->region_code[6] = '\0';
    snprintf (v->plate, sizeof v->plate, "鲁%c%c%04llu", "ABCDEFGHJKLMNPQRSU"[unit % 18],
              s_vin_chars[(h >> 12) % 33], (unsigned long long)(i % 10000));
    snprintf (v->category, sizeof v->category, "%s", s_categories[(h >> 7) % 5]);
    snprintf (v->body_type, sizeof v->body_type, "%s", (h >> 9) % 4 ? "K33" : "K31");
    snprintf (v->energy_type, sizeof v->energy_type, "%s", s_energy[(h >> 11) % 6]);
    snprintf (v->brand_model, sizeof v->brand_model, "%s", s_models[(h >> 14) % 10]);
    v->displacement_ml = 1400 + (int64_t)((h >> 18) % 20) * 100;
    v->purchase_price = 12000000 + (int64_t)((h >> 23) % 300) * 100000;
    v->purchase_date = 20100101 + (int32_t)((h >> 30) % 14) * 10000 +
                       (int32_t)((h >> 34) % 12) * 100 + (int32_t)((h >> 38) % 28);
    snprintf (v->status, sizeof v->status, "%s", (h >> 42) % 10 ? "01" : "02");
    v->odometer_km = (int64_t)((h >> 44) % 300000) + variant * 97;
    record->present = ~0ull; /* not used by the store */
    codec_record_hash (record, record->content_hash);
}

typedef struct {
    store_t *store;
    yw_record_t *records; /* S_GROUP * S_BATCH */
    char (*units)[YW_USCC_SIZE];
    long rows;
} s_bench_t;

static double
s_cpu (void)
{
    struct rusage usage;
    getrusage (RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

/* One pass over all rows; returns the seconds spent in store_ingest, or < 0. */
static double
s_pass (s_bench_t *b, const char *name, unsigned change_every, bool full,
        uint64_t import_id, store_ingest_report_t *total)
{
    memset (total, 0, sizeof *total);
    double spent = 0, cpu = 0;
    long first = 0;
    while (first < b->rows) {
        store_ingest_t batches[S_GROUP];
        size_t count = 0;
        for (; count < S_GROUP && first < b->rows; count++) {
            long n = b->rows - first < S_BATCH ? b->rows - first : S_BATCH;
            yw_record_t *records = b->records + count * S_BATCH;
            for (long i = 0; i < n; i++) {
                uint64_t row = (uint64_t)(first + i);
                unsigned variant = change_every && row % change_every == 0 ? 1 : 0;
                s_vehicle (&records[i], row, variant, b->units);
            }
            first += n;
            batches[count] = (store_ingest_t){.source = "fleet.csv",
                                              .kind = YW_KIND_VEHICLE,
                                              .import_id = import_id,
                                              .full = full,
                                              .final = first >= b->rows,
                                              .records = records,
                                              .record_count = (size_t)n};
        }
        store_ingest_report_t reports[S_GROUP];
        char error[STORE_ERROR_SIZE] = "";
        double start = bench_now (), cpu_start = s_cpu ();
        int rc = store_ingest (b->store, batches, count, reports, error);
        spent += bench_now () - start;
        cpu += s_cpu () - cpu_start;
        if (rc) {
            fprintf (stderr, "bench store: %s: %s\n", name, error);
            return -1;
        }
        for (size_t i = 0; i < count; i++) {
            total->new_count += reports[i].new_count;
            total->changed += reports[i].changed;
            total->unchanged += reports[i].unchanged;
            total->deleted += reports[i].deleted;
        }
        if (isatty (2))
            fprintf (stderr, "\rbench store: %s %ld/%ld", name, first, b->rows);
    }
    if (isatty (2))
        fprintf (stderr, "\n");
    fprintf (
        stderr,
        "bench store: %s: %.2f s in store_ingest (%.2f s CPU); new %llu, changed %llu, "
        "unchanged %llu, deleted %llu\n",
        name, spent, cpu, (unsigned long long)total->new_count,
        (unsigned long long)total->changed, (unsigned long long)total->unchanged,
        (unsigned long long)total->deleted);
    return spent;
}

/* Log entries of the node's store, copied: the batches to apply. */
typedef struct {
    uint8_t **data;
    size_t *size;
    size_t count, capacity;
} s_log_t;

static int
s_log_copy (void *arg, uint64_t seq, const uint8_t *batch, size_t size)
{
    (void)seq;
    s_log_t *log = arg;
    if (log->count == log->capacity) {
        log->capacity = log->capacity ? log->capacity * 2 : 256;
        log->data = yw_realloc (log->data, log->capacity * sizeof *log->data);
        log->size = yw_realloc (log->size, log->capacity * sizeof *log->size);
    }
    log->data[log->count] = yw_malloc (size);
    memcpy (log->data[log->count], batch, size);
    log->size[log->count++] = size;
    return 0;
}

#define S_APPLY_ROUND 32

/* Applies the node store's log into a fresh hub store; the rate, or < 0. */
static double
s_apply (store_t *node, const char *dir, long rows)
{
    s_log_t log = {0};
    double rate = -1;
    store_t *hub = NULL;
    char error[STORE_ERROR_SIZE] = "";
    if (store_log_each (node, 1, SIZE_MAX, s_log_copy, &log)) {
        fprintf (stderr, "bench store: reading the log failed\n");
        goto done;
    }
    store_options_t options = {.dir = dir, .node_id = "370100"};
    if (store_open (&options, &hub, error)) {
        fprintf (stderr, "bench store: %s\n", error);
        goto done;
    }
    store_remote_t remote[S_APPLY_ROUND];
    store_remote_report_t *reports = yw_calloc (S_APPLY_ROUND, sizeof *reports);
    uint64_t applied = 0;
    double start = bench_now (), cpu_start = s_cpu ();
    int rc = 0;
    for (size_t first = 0; first < log.count && rc == 0; first += S_APPLY_ROUND) {
        size_t count =
            log.count - first < S_APPLY_ROUND ? log.count - first : S_APPLY_ROUND;
        for (size_t i = 0; i < count; i++)
            remote[i] = (store_remote_t){.data = log.data[first + i],
                                         .size = log.size[first + i],
                                         .link = "370102",
                                         .link_seq = first + i + 1,
                                         .jurisdiction = "37"};
        rc = store_apply_remote (hub, remote, count, true, reports, error);
        for (size_t i = 0; i < count && rc == 0; i++)
            applied += reports[i].applied;
    }
    double spent = bench_now () - start, cpu = s_cpu () - cpu_start;
    free (reports);
    if (rc)
        fprintf (stderr, "bench store: apply: %s\n", error);
    else if (applied != (uint64_t)rows)
        fprintf (stderr, "bench store: apply: %llu events applied, not %ld\n",
                 (unsigned long long)applied, rows);
    else {
        fprintf (stderr,
                 "bench store: apply: %.2f s in store_apply_remote (%.2f s CPU), %zu "
                 "batches in rounds of %d\n",
                 spent, cpu, log.count, S_APPLY_ROUND);
        rate = (double)rows / spent;
    }
done:
    store_destroy (&hub);
    for (size_t i = 0; i < log.count; i++)
        free (log.data[i]);
    free (log.data);
    free (log.size);
    return rate;
}

static long
s_anon_kb (void)
{
    FILE *file = fopen ("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!file)
        return -1;
    while (fgets (line, sizeof line, file))
        if (sscanf (line, "RssAnon: %ld kB", &kb) == 1)
            break;
    fclose (file);
    return kb;
}

int
bench_store (const bench_context_t *context)
{
    s_bench_t b = {.rows = context->rows};
    char dir[600], error[STORE_ERROR_SIZE] = "";
    snprintf (dir, sizeof dir, "%s/store-bench", context->dir);
    char command[700];
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    if (system (command) != 0)
        return -1;
    store_options_t options = {.dir = dir, .node_id = "370102"};
    if (store_open (&options, &b.store, error)) {
        fprintf (stderr, "bench store: %s\n", error);
        return -1;
    }
    b.records = yw_malloc ((size_t)S_GROUP * S_BATCH * sizeof (yw_record_t));
    b.units = yw_malloc (S_UNITS * sizeof *b.units);
    for (unsigned n = 0; n < S_UNITS; n++)
        s_unit (n, b.units[n]);

    int rc = -1;
    store_ingest_report_t total;
    double rows = (double)b.rows;
    double seconds = s_pass (&b, "new", 0, false, 1, &total);
    if (seconds < 0 || total.new_count != (uint64_t)b.rows)
        goto done;
    bench_figure ("store_ingest_new", rows / seconds, "rows/s");
    char hub_dir[700];
    snprintf (hub_dir, sizeof hub_dir, "%s-hub", dir);
    snprintf (command, sizeof command, "rm -rf '%s'", hub_dir);
    if (system (command) != 0)
        goto done;
    double rate = s_apply (b.store, hub_dir, b.rows);
    if (rate < 0)
        goto done;
    bench_figure ("store_apply_remote", rate, "records/s");
    if (system (command) != 0)
        goto done;
    seconds = s_pass (&b, "unchanged", 0, false, 2, &total);
    if (seconds < 0 || total.unchanged != (uint64_t)b.rows)
        goto done;
    bench_figure ("store_ingest_unchanged", rows / seconds, "rows/s");
    seconds = s_pass (&b, "unchanged --full", 0, true, 3, &total);
    if (seconds < 0 || total.unchanged != (uint64_t)b.rows || total.deleted)
        goto done;
    bench_figure ("store_ingest_unchanged_full", rows / seconds, "rows/s");
    seconds = s_pass (&b, "10% changed", 10, false, 4, &total);
    if (seconds < 0 || total.changed != (uint64_t)(b.rows + 9) / 10)
        goto done;
    bench_figure ("store_ingest_changed", rows / seconds, "rows/s");

    char path[700];
    struct stat st;
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    if (stat (path, &st) == 0)
        bench_figure ("store_size", (double)st.st_blocks * 512 / 1e6, "MB");
    bench_figure ("store_peak_rss", (double)bench_peak_rss_kb (), "KiB");
    bench_figure ("store_private_memory", (double)s_anon_kb (), "KiB");
    rc = 0;
done:
    if (rc)
        fprintf (stderr, "bench store: unexpected counts or failure\n");
    store_destroy (&b.store);
    free (b.records);
    free (b.units);
    return rc;
}
