/*  test_store.c - the node's LMDB store, on real LMDB in a temporary directory.

    Records are made up here (object codes of 23 letters and digits, no
    codebook needed); what is tested is what the store promises: counts of
    new, changed and unchanged records, no write at all for an unchanged
    re-import, versions, --full tombstones scoped to source and kind,
    rejections, the outbound log's chain, persistence across reopen, the
    writer lock, map growth, a full disk, kill -9 during commits, chunks
    remembered and answered from (or stale), remote batches and claims, and
    store_check finding damage done on purpose.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lmdb.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "codec.h"
#include "hlc.h"
#include "store.h"
#include "yw.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
    char dir[64];
    store_t *store;
    char error[STORE_ERROR_SIZE];
} fixture_t;

static store_t *
s_open (const char *dir, const char *node_id, size_t map_size)
{
    store_options_t options = {.dir = dir, .node_id = node_id, .map_size = map_size};
    store_t *store = NULL;
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_open (&options, &store, error);
    if (rc)
        fail_msg ("store_open %s: %d %s", dir, rc, error);
    return store;
}

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/test_store-XXXXXX");
    if (!mkdtemp (f->dir))
        return -1;
    f->store = s_open (f->dir, "370102", 0);
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->store);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", f->dir);
    int rc = system (command);
    free (f);
    return rc == 0 ? 0 : -1;
}

/* A made-up vehicle: object code from i (scrambled, so input order is not
   code order), content from i and `variant`. */
static void
s_vehicle (yw_record_t *record, uint64_t i, unsigned variant)
{
    yw_record_reset (record, YW_KIND_VEHICLE);
    snprintf (record->object_code, sizeof record->object_code, "VH%020lluX",
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "%s",
              i % 2 ? "370102" : "370103");
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB%07lluX",
              (unsigned long long)(i % 7));
    yw_vehicle_t *v = &record->body.vehicle;
    snprintf (v->plate, sizeof v->plate, "鲁A%05llu", (unsigned long long)(i % 100000));
    snprintf (v->vin, sizeof v->vin, "LSVAU2180N%07llu", (unsigned long long)i);
    snprintf (v->category, sizeof v->category, "03");
    snprintf (v->status, sizeof v->status, "01");
    snprintf (v->brand_model, sizeof v->brand_model, "大众帕萨特 SVW7183");
    v->odometer_km = (int64_t)(i * 10 + variant);
    v->purchase_price = 18990000;
    v->purchase_date = 20210703;
    codec_record_hash (record, record->content_hash);
}

static void
s_building (yw_record_t *record, uint64_t i)
{
    yw_record_reset (record, YW_KIND_OFFICE_BUILDING);
    snprintf (record->object_code, sizeof record->object_code, "BD%020lluX",
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "370102");
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB0000001X");
    snprintf (record->body.building.name, sizeof record->body.building.name, "办公楼%llu",
              (unsigned long long)i);
    snprintf (record->body.building.address, sizeof record->body.building.address,
              "历下区泉城路%llu号", (unsigned long long)i);
    record->body.building.building_area = 1234500;
    codec_record_hash (record, record->content_hash);
}

/* Vehicles first..first+count-1 with a variant. */
static yw_record_t *
s_vehicles (uint64_t first, size_t count, unsigned variant)
{
    yw_record_t *records = yw_malloc ((count ? count : 1) * sizeof *records);
    for (size_t i = 0; i < count; i++)
        s_vehicle (&records[i], first + i, variant);
    return records;
}

static store_ingest_report_t
s_ingest (store_t *store, const char *source, yw_kind_t kind, yw_record_t *records,
          size_t count, bool full, bool final, uint64_t import_id)
{
    store_ingest_t batch = {.source = source,
                            .kind = kind,
                            .import_id = import_id,
                            .full = full,
                            .final = final,
                            .records = records,
                            .record_count = count};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_ingest (store, &batch, 1, &report, error);
    if (rc)
        fail_msg ("store_ingest: %d %s", rc, error);
    return report;
}

static void
s_check (store_t *store)
{
    store_check_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_check (store, &report, error);
    if (rc)
        fail_msg ("store_check: %d %s", rc, error);
}

static store_stat_t
s_stat (store_t *store)
{
    store_stat_t stat;
    assert_int_equal (store_stat (store, &stat), 0);
    return stat;
}

/* Walks the log: every batch reads, seqs contiguous, this node's chain
   unbroken. Returns the number of events; *batches receives the batches. */
typedef struct {
    uint64_t expect_seq;
    uint64_t origin_seq;
    uint8_t hash[YW_HASH_SIZE];
    uint64_t events, batches, deleted;
} log_walk_t;

static int
s_log_step (void *arg, uint64_t seq, const uint8_t *data, size_t size)
{
    log_walk_t *walk = arg;
    if (walk->expect_seq)
        assert_int_equal (seq, walk->expect_seq);
    walk->expect_seq = seq + 1;
    batch_t batch;
    char error[BATCH_ERROR_SIZE];
    if (batch_read (data, size, &batch, error))
        fail_msg ("log seq %llu: %s", (unsigned long long)seq, error);
    assert_int_equal (batch.origin_seq, walk->origin_seq + 1);
    assert_memory_equal (batch.prev_hash, walk->hash, YW_HASH_SIZE);
    walk->origin_seq = batch.origin_seq;
    memcpy (walk->hash, batch.hash, YW_HASH_SIZE);
    assert_true (batch.event_count <= BATCH_SPLIT_EVENTS);
    const uint8_t *event;
    size_t event_size;
    while (batch_next_event (&batch, &event, &event_size)) {
        yw_record_t record;
        assert_int_equal (codec_record_decode (event, event_size, &record, NULL), 0);
        assert_string_equal (record.origin_node, batch.origin_node);
        walk->deleted += record.deleted;
        walk->events++;
    }
    walk->batches++;
    return 0;
}

static log_walk_t
s_log_walk (store_t *store)
{
    log_walk_t walk = {0};
    assert_int_equal (store_log_each (store, 0, 0, s_log_step, &walk), 0);
    return walk;
}

/* -------------------------------------------------------------- tests */

static void
test_new_changed_unchanged (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 1000, 0);
    store_ingest_report_t r =
        s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, records, 1000, false, true, 1);
    assert_int_equal (r.new_count, 1000);
    assert_int_equal (r.changed + r.unchanged + r.deleted + r.rejected, 0);
    assert_string_equal (records[0].origin_node, "370102");
    assert_true (records[0].version > 0);
    store_stat_t before = s_stat (f->store);
    assert_int_equal (before.objects, 1000);
    assert_int_equal (before.bodies, 1000);
    assert_int_equal (before.index_entries, 3000); /* plate, unit, region */

    /* the same rows again: nothing is written, not even a transaction */
    free (records);
    records = s_vehicles (0, 1000, 0);
    struct stat file_before, file_after;
    char path[128];
    snprintf (path, sizeof path, "%s/data.mdb", f->dir);
    assert_int_equal (stat (path, &file_before), 0);
    r = s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, records, 1000, false, true, 2);
    assert_int_equal (r.unchanged, 1000);
    assert_int_equal (r.new_count + r.changed, 0);
    store_stat_t after = s_stat (f->store);
    assert_int_equal (after.last_txn, before.last_txn);
    assert_int_equal (after.hlc, before.hlc);
    assert_int_equal (after.log_entries, before.log_entries);
    assert_int_equal (stat (path, &file_after), 0);
    assert_int_equal (file_after.st_size, file_before.st_size);
    assert_true (file_after.st_mtim.tv_sec == file_before.st_mtim.tv_sec &&
                 file_after.st_mtim.tv_nsec == file_before.st_mtim.tv_nsec);
    /* an unchanged record is not stamped */
    assert_string_equal (records[0].origin_node, "");

    /* 10% changed */
    yw_record_t old;
    store_object_t info_before, info_after;
    assert_int_equal (store_get (f->store, records[5].object_code, &old, &info_before), 0);
    for (size_t i = 0; i < 1000; i += 10)
        s_vehicle (&records[i], i, 1);
    r = s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, records, 1000, false, true, 3);
    assert_int_equal (r.changed, 100);
    assert_int_equal (r.unchanged, 900);
    assert_int_equal (r.new_count, 0);
    yw_record_t now;
    assert_int_equal (store_get (f->store, records[10].object_code, &now, &info_after), 0);
    assert_int_equal (now.body.vehicle.odometer_km, 101);
    assert_int_equal (store_get (f->store, records[5].object_code, &now, &info_after), 0);
    assert_int_equal (info_after.version, info_before.version); /* untouched */
    assert_int_equal (store_get (f->store, records[0].object_code, &now, &info_after), 0);
    assert_true (info_after.version > info_before.version);
    assert_int_equal (now.version, info_after.version);
    assert_string_equal (now.origin_node, "370102");
    assert_false (info_after.deleted);
    assert_int_equal (info_after.claims, 1);
    assert_int_equal (info_after.live_claims, 1);
    after = s_stat (f->store);
    assert_int_equal (after.bodies, 1000); /* superseded bodies are gone */
    assert_int_equal (after.index_entries, 3000);

    log_walk_t walk = s_log_walk (f->store);
    assert_int_equal (walk.events, 1100);
    assert_int_equal (walk.batches, 2);
    uint64_t seq;
    uint8_t hash[YW_HASH_SIZE];
    assert_int_equal (store_origin_state (f->store, "370102", &seq, hash), 0);
    assert_int_equal (seq, 2);
    assert_memory_equal (hash, walk.hash, YW_HASH_SIZE);
    s_check (f->store);
    free (records);
}

static void
test_get_missing_and_invalid (void **state)
{
    fixture_t *f = *state;
    yw_record_t record;
    assert_int_equal (store_get (f->store, "VH00000000000000000000X", &record, NULL),
                      YW_ENOTFOUND);
    assert_int_equal (store_get (f->store, "short", &record, NULL), YW_ENOTFOUND);

    /* a record that breaks the rules fails the whole call, naming it */
    yw_record_t *records = s_vehicles (0, 3, 0);
    strcpy (records[2].object_code, "vh-lower");
    store_ingest_t batch = {
        .source = "x", .kind = YW_KIND_VEHICLE, .records = records, .record_count = 3};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, error), YW_EINVAL);
    assert_non_null (strstr (error, "record 2"));
    s_vehicle (&records[2], 2, 0);
    records[1].kind = YW_KIND_OFFICE_BUILDING;
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, error), YW_EINVAL);
    assert_non_null (strstr (error, "record 1"));
    assert_int_equal (s_stat (f->store).objects, 0);

    /* an all-zero content hash is computed by the store */
    s_vehicle (&records[1], 1, 0);
    uint8_t expect[YW_HASH_SIZE];
    memcpy (expect, records[1].content_hash, YW_HASH_SIZE);
    memset (records[1].content_hash, 0, YW_HASH_SIZE);
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, error), 0);
    store_object_t info;
    assert_int_equal (store_get (f->store, records[1].object_code, NULL, &info), 0);
    assert_memory_equal (info.content_hash, expect, YW_HASH_SIZE);
    free (records);
}

/* Group commit: several batches in one transaction, the same object twice. */
static void
test_group_commit (void **state)
{
    fixture_t *f = *state;
    yw_record_t *a = s_vehicles (0, 500, 0), *b = s_vehicles (400, 200, 1);
    yw_record_t *c = yw_malloc (3 * sizeof *c);
    for (int i = 0; i < 3; i++)
        s_building (&c[i], (uint64_t)i);
    store_ingest_t batches[3] = {
        {.source = "a", .kind = YW_KIND_VEHICLE, .records = a, .record_count = 500},
        {.source = "b", .kind = YW_KIND_VEHICLE, .records = b, .record_count = 200},
        {.source = "c", .kind = YW_KIND_OFFICE_BUILDING, .records = c, .record_count = 3},
    };
    store_ingest_report_t reports[3];
    uint64_t txn = s_stat (f->store).last_txn;
    assert_int_equal (store_ingest (f->store, batches, 3, reports, f->error), 0);
    assert_int_equal (s_stat (f->store).last_txn, txn + 1);
    assert_int_equal (reports[0].new_count, 500);
    /* 400..499 came first in batch a, then changed by batch b */
    assert_int_equal (reports[1].changed, 100);
    assert_int_equal (reports[1].new_count, 100);
    assert_int_equal (reports[2].new_count, 3);
    yw_record_t record;
    assert_int_equal (store_get (f->store, b[0].object_code, &record, NULL), 0);
    assert_int_equal (record.body.vehicle.odometer_km, 4001);
    assert_int_equal (s_stat (f->store).objects, 603);
    s_check (f->store);
    free (a);
    free (b);
    free (c);
}

/* Records are applied in object-code order, whatever order they come in
   (here many share their first 8 characters), and the events follow it. */
typedef struct {
    char last[YW_OBJECT_CODE_SIZE];
    uint64_t events;
    bool ordered;
} order_walk_t;

static int
s_order_step (void *arg, uint64_t seq, const uint8_t *data, size_t size)
{
    order_walk_t *walk = arg;
    batch_t batch;
    assert_int_equal (batch_read (data, size, &batch, NULL), 0);
    const uint8_t *event;
    size_t event_size;
    while (batch_next_event (&batch, &event, &event_size)) {
        yw_record_t record;
        assert_int_equal (codec_record_decode (event, event_size, &record, NULL), 0);
        if (strcmp (record.object_code, walk->last) <= 0)
            walk->ordered = false;
        snprintf (walk->last, sizeof walk->last, "%s", record.object_code);
        walk->events++;
    }
    return 0;
}

static void
test_sorted_order (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 3000, 0);
    for (int i = 0; i < 1000; i++) {
        /* the same 8-character prefix, descending */
        snprintf (records[i].object_code, YW_OBJECT_CODE_SIZE, "VHAAAAAA%014dX", 999 - i);
        codec_record_hash (&records[i], records[i].content_hash);
    }
    store_ingest_t batches[2] = {
        {.source = "a", .kind = YW_KIND_VEHICLE, .records = records, .record_count = 1500},
        {.source = "a",
         .kind = YW_KIND_VEHICLE,
         .records = records + 1500,
         .record_count = 1500},
    };
    store_ingest_report_t reports[2];
    assert_int_equal (store_ingest (f->store, batches, 2, reports, f->error), 0);
    assert_int_equal (reports[0].new_count + reports[1].new_count, 3000);
    order_walk_t walk = {.ordered = true};
    assert_int_equal (store_log_each (f->store, 0, 0, s_order_step, &walk), 0);
    assert_int_equal (walk.events, 3000);
    assert_true (walk.ordered);
    s_check (f->store);
    free (records);
}

static void
test_log_split_and_chain (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 10000, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10000, false, false, 1);
    log_walk_t walk = s_log_walk (f->store);
    assert_int_equal (walk.events, 10000);
    assert_int_equal (walk.batches, 3); /* 4096 + 4096 + 1808 */
    uint64_t first, last;
    assert_int_equal (store_log_range (f->store, &first, &last), 0);
    assert_int_equal (first, 1);
    assert_int_equal (last, 3);

    /* from / limit */
    log_walk_t partial = {.expect_seq = 2, .origin_seq = 1};
    /* seed the chain with batch 1's hash through a first walk of one entry */
    log_walk_t one = {0};
    assert_int_equal (store_log_each (f->store, 1, 1, s_log_step, &one), 0);
    assert_int_equal (one.batches, 1);
    memcpy (partial.hash, one.hash, YW_HASH_SIZE);
    assert_int_equal (store_log_each (f->store, 2, 5, s_log_step, &partial), 0);
    assert_int_equal (partial.batches, 2);

    /* pruning keeps the chain checkable */
    assert_int_equal (store_log_prune (f->store, 1, f->error), 0);
    assert_int_equal (store_log_range (f->store, &first, &last), 0);
    assert_int_equal (first, 2);
    s_check (f->store);
    /* and the next batch continues the chain */
    for (size_t i = 0; i < 10; i++)
        s_vehicle (&records[i], i, 7);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10, false, false, 2);
    assert_int_equal (store_log_range (f->store, &first, &last), 0);
    assert_int_equal (last, 4);
    s_check (f->store);
    free (records);
}

/* --full: tombstones only this source's objects of this kind. */
static void
test_full_run (void **state)
{
    fixture_t *f = *state;
    yw_record_t *a = s_vehicles (0, 100, 0);   /* source A vehicles */
    yw_record_t *b = s_vehicles (1000, 50, 0); /* source B vehicles */
    yw_record_t *buildings = yw_malloc (20 * sizeof *buildings);
    for (int i = 0; i < 20; i++)
        s_building (&buildings[i], (uint64_t)i);
    /* first full run of A in two batches */
    s_ingest (f->store, "A", YW_KIND_VEHICLE, a, 60, true, false, 1);
    store_ingest_report_t r =
        s_ingest (f->store, "A", YW_KIND_VEHICLE, a + 60, 40, true, true, 1);
    assert_int_equal (r.new_count, 40);
    assert_int_equal (r.deleted, 0);
    s_ingest (f->store, "B", YW_KIND_VEHICLE, b, 50, false, true, 2);
    s_ingest (f->store, "A", YW_KIND_OFFICE_BUILDING, buildings, 20, true, true, 3);

    /* second full run of A: objects 10..99 only, in three batches */
    free (a);
    a = s_vehicles (10, 90, 0);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a, 30, true, false, 4);
    assert_int_equal (r.unchanged, 30);
    assert_int_equal (r.deleted, 0);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a + 30, 30, true, false, 4);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a + 60, 30, true, true, 4);
    assert_int_equal (r.unchanged, 30);
    assert_int_equal (r.deleted, 10);

    yw_record_t record;
    store_object_t info;
    yw_record_t gone;
    s_vehicle (&gone, 3, 0);
    assert_int_equal (store_get (f->store, gone.object_code, &record, &info), 0);
    assert_true (info.deleted);
    assert_true (record.deleted);
    assert_string_equal (record.region_code, gone.region_code);
    assert_memory_equal (info.content_hash, gone.content_hash, YW_HASH_SIZE);
    assert_int_equal (store_get (f->store, a[0].object_code, NULL, &info), 0);
    assert_false (info.deleted);
    assert_int_equal (store_get (f->store, b[0].object_code, NULL, &info), 0);
    assert_false (info.deleted); /* other source */
    assert_int_equal (store_get (f->store, buildings[0].object_code, NULL, &info), 0);
    assert_false (info.deleted); /* other kind */
    store_stat_t stat = s_stat (f->store);
    assert_int_equal (stat.bodies, 90 + 50 + 20);
    assert_int_equal (stat.index_entries, 3 * (90 + 50) + 2 * 20);
    log_walk_t walk = s_log_walk (f->store);
    assert_int_equal (walk.deleted, 10);
    s_check (f->store);

    /* a re-import without --full writes nothing */
    uint64_t txn = s_stat (f->store).last_txn;
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a, 90, false, true, 5);
    assert_int_equal (r.unchanged, 90);
    assert_int_equal (s_stat (f->store).last_txn, txn);

    /* the same full run again deletes nothing more */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a, 90, true, true, 6);
    assert_int_equal (r.unchanged, 90);
    assert_int_equal (r.deleted, 0);

    /* a deleted car comes back (new), then leaves again with the next full run */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, &gone, 1, false, true, 7);
    assert_int_equal (r.new_count, 1);
    assert_int_equal (store_get (f->store, gone.object_code, NULL, &info), 0);
    assert_false (info.deleted);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a, 90, true, true, 8);
    assert_int_equal (r.deleted, 1);
    assert_int_equal (store_get (f->store, gone.object_code, NULL, &info), 0);
    assert_true (info.deleted);

    /* an object that source C took over is not deleted by A's full run */
    s_vehicle (&a[0], 10, 3);
    r = s_ingest (f->store, "C", YW_KIND_VEHICLE, a, 1, false, true, 9);
    assert_int_equal (r.changed, 1);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, a + 1, 89, true, true, 10);
    assert_int_equal (r.deleted, 0);
    assert_int_equal (store_get (f->store, a[0].object_code, NULL, &info), 0);
    assert_false (info.deleted);

    /* an empty full run ends every live claim of the source and kind */
    r = s_ingest (f->store, "B", YW_KIND_VEHICLE, NULL, 0, true, true, 11);
    assert_int_equal (r.deleted, 50);
    s_check (f->store);
    /* no spill files are left behind */
    char command[160];
    snprintf (command, sizeof command, "test -z \"$(ls -A '%s/runs')\"", f->dir);
    assert_int_equal (system (command), 0);
    free (a);
    free (b);
    free (buildings);
}

/* A full run interrupted by a restart goes on; a new import id starts over. */
static void
test_full_run_across_reopen (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 100, 0);
    s_ingest (f->store, "A", YW_KIND_VEHICLE, records, 100, true, true, 1);
    s_ingest (f->store, "A", YW_KIND_VEHICLE, records, 50, true, false, 2);
    store_destroy (&f->store);
    /* junk past the committed length, as a crash between write and commit leaves */
    char command[200];
    snprintf (command, sizeof command,
              "for f in '%s'/runs/*.spill; do printf 'JUNKJUNKJUNK' >> \"$f\"; done",
              f->dir);
    assert_int_equal (system (command), 0);
    f->store = s_open (f->dir, "370102", 0);
    store_ingest_report_t r =
        s_ingest (f->store, "A", YW_KIND_VEHICLE, records + 50, 40, true, true, 2);
    assert_int_equal (r.deleted, 10); /* 90..99 */
    /* a run that is abandoned and restarted with a new id forgets the old one */
    s_ingest (f->store, "A", YW_KIND_VEHICLE, records, 10, true, false, 3);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, records + 10, 80, true, true, 4);
    assert_int_equal (r.deleted, 10); /* 0..9 were only in the abandoned run */
    s_check (f->store);
    free (records);
}

/* A source larger than one sort chunk of src items (131,072): the --full
   merge reads several sorted chunks. */
static void
test_full_run_large_source (void **state)
{
    fixture_t *f = *state;
    const size_t count = 140000;
    yw_record_t *records = s_vehicles (0, count, 0);
    for (size_t first = 0; first < count; first += 35000)
        s_ingest (f->store, "big", YW_KIND_VEHICLE, records + first, 35000, false, true, 1);
    /* a full run without every 14,000th object */
    yw_record_t *kept = yw_malloc (count * sizeof *kept);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (i % 14000 != 7)
            kept[n++] = records[i];
    store_ingest_report_t r = {0};
    for (size_t first = 0; first < n; first += 35000) {
        size_t size = n - first < 35000 ? n - first : 35000;
        store_ingest_report_t part =
            s_ingest (f->store, "big", YW_KIND_VEHICLE, kept + first, size, true,
                      first + size == n, 2);
        r.unchanged += part.unchanged;
        r.deleted += part.deleted;
    }
    assert_int_equal (r.unchanged, n);
    assert_int_equal (r.deleted, count - n);
    assert_int_equal (count - n, 10);
    store_object_t info;
    assert_int_equal (store_get (f->store, records[7 + 14000 * 3].object_code, NULL, &info),
                      0);
    assert_true (info.deleted);
    s_check (f->store);
    free (kept);
    free (records);
}

/* Batch fingerprints: an unchanged batch is recognized whole, but never
   when one of its objects changed since, whoever changed it. */
static void
test_fingerprints (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 3000, 0);
    /* one run in three transactions */
    for (int k = 0; k < 3; k++)
        s_ingest (f->store, "A", YW_KIND_VEHICLE, records + 1000 * k, 1000, false, k == 2,
                  1);
    /* the same batches again: unchanged, no write at all */
    uint64_t txn = s_stat (f->store).last_txn;
    for (int k = 0; k < 3; k++) {
        store_ingest_report_t r = s_ingest (f->store, "A", YW_KIND_VEHICLE,
                                            records + 1000 * k, 1000, false, k == 2, 2);
        assert_int_equal (r.unchanged, 1000);
    }
    assert_int_equal (s_stat (f->store).last_txn, txn);

    /* another source changes one object of the first batch */
    yw_record_t other;
    s_vehicle (&other, 5, 7);
    store_ingest_report_t r =
        s_ingest (f->store, "B", YW_KIND_VEHICLE, &other, 1, false, true, 3);
    assert_int_equal (r.changed, 1);
    /* A's export again: that batch is not taken as unchanged */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, records, 1000, false, false, 4);
    assert_int_equal (r.changed, 1);
    assert_int_equal (r.unchanged, 999);
    yw_record_t now;
    assert_int_equal (store_get (f->store, records[5].object_code, &now, NULL), 0);
    assert_int_equal (now.body.vehicle.odometer_km, records[5].body.vehicle.odometer_km);

    /* a change by B between two writing transactions of A's run: A's final
       must not vouch for the batch B touched */
    yw_record_t *p = s_vehicles (0, 1000, 9); /* A's first batch, all changed */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, p, 1000, false, false, 10);
    assert_int_equal (r.changed, 1000);
    s_vehicle (&other, 6, 8);
    s_ingest (f->store, "B", YW_KIND_VEHICLE, &other, 1, false, true, 11);
    s_vehicle (&records[2500], 2500, 9); /* A's final batch changes something too */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, records + 2000, 1000, false, true, 10);
    assert_int_equal (r.changed, 1);
    free (p);
    p = s_vehicles (0, 1000, 9);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, p, 1000, false, false, 12);
    assert_int_equal (r.changed, 1); /* object 6 back to A's content */
    assert_int_equal (store_get (f->store, p[6].object_code, &now, NULL), 0);
    assert_int_equal (now.body.vehicle.odometer_km, p[6].body.vehicle.odometer_km);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, records + 2000, 1000, false, false, 13);
    assert_int_equal (r.unchanged, 1000);
    free (p);
    s_check (f->store);
    free (records);
}

/* A run that holds an object unchanged in one batch and changes it in a
   later one: the earlier batch's fingerprint must not outlive the run, or
   an export without the later row would be answered "unchanged" while the
   store holds the later content. */
static void
test_fingerprint_unchanged_then_changed (void **state)
{
    fixture_t *f = *state;
    yw_record_t *first = s_vehicles (0, 100, 0);
    yw_record_t *last = s_vehicles (100, 10, 0);
    s_ingest (f->store, "A", YW_KIND_VEHICLE, first, 100, false, false, 1);
    s_ingest (f->store, "A", YW_KIND_VEHICLE, last, 10, false, true, 1);
    /* run 2: the first batch changes object 1 and holds object 0 as it is;
       the final batch changes object 0 */
    s_vehicle (&first[1], 1, 1);
    store_ingest_report_t r =
        s_ingest (f->store, "A", YW_KIND_VEHICLE, first, 100, false, false, 2);
    assert_int_equal (r.changed, 1);
    assert_int_equal (r.unchanged, 99);
    yw_record_t later;
    s_vehicle (&later, 0, 2);
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, &later, 1, false, true, 2);
    assert_int_equal (r.changed, 1);
    /* run 3: the first batch alone brings object 0 back */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, first, 100, false, true, 3);
    assert_int_equal (r.changed, 1);
    assert_int_equal (r.unchanged, 99);
    yw_record_t now;
    assert_int_equal (store_get (f->store, first[0].object_code, &now, NULL), 0);
    assert_int_equal (now.body.vehicle.odometer_km, first[0].body.vehicle.odometer_km);
    /* a run that changed nothing vouches for it again: no write at all */
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, first, 100, false, true, 4);
    assert_int_equal (r.unchanged, 100);
    uint64_t txn = s_stat (f->store).last_txn;
    r = s_ingest (f->store, "A", YW_KIND_VEHICLE, first, 100, false, true, 5);
    assert_int_equal (r.unchanged, 100);
    assert_int_equal (s_stat (f->store).last_txn, txn);
    s_check (f->store);
    free (first);
    free (last);
}

typedef struct {
    int count;
    char reasons[8][32];
    uint64_t lines[8];
} rejects_t;

static int
s_reject_step (void *arg, const store_reject_t *reject)
{
    rejects_t *seen = arg;
    if (seen->count < 8) {
        snprintf (seen->reasons[seen->count], 32, "%s", reject->row.reason);
        seen->lines[seen->count] = reject->row.line;
    }
    assert_string_equal (reject->row.source, "fleet.csv");
    assert_int_equal (reject->kind, YW_KIND_VEHICLE);
    assert_int_equal (reject->import_id, 42);
    assert_true (hlc_ms (reject->at) > 1700000000000ull);
    seen->count++;
    return 0;
}

static void
test_rejections (void **state)
{
    fixture_t *f = *state;
    store_rejection_t rows[2] = {
        {"fleet.csv", 118, "vin", "VIN_CHECK", "LSVAU2180N218329",
         "车架号 \"LSVAU2180N218329\": VIN check digit is 7, not 3"},
        {"fleet.csv", 120, "plate", "PLATE_FORMAT", "鲁A1", "号牌号码 \"鲁A1\": bad plate"},
    };
    yw_record_t *records = s_vehicles (0, 5, 0);
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = 42,
                            .records = records,
                            .record_count = 5,
                            .rejections = rows,
                            .rejection_count = 2};
    store_ingest_report_t report;
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, f->error), 0);
    assert_int_equal (report.rejected, 2);
    assert_int_equal (report.new_count, 5);
    /* rejections alone are written too, even when every record is unchanged */
    uint64_t txn = s_stat (f->store).last_txn;
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, f->error), 0);
    assert_int_equal (report.unchanged, 5);
    assert_int_equal (s_stat (f->store).last_txn, txn + 1);

    rejects_t seen = {0};
    assert_int_equal (store_rejects_each (f->store, 0, s_reject_step, &seen), 0);
    assert_int_equal (seen.count, 4);
    assert_string_equal (seen.reasons[0], "VIN_CHECK");
    assert_string_equal (seen.reasons[1], "PLATE_FORMAT");
    assert_int_equal (seen.lines[1], 120);
    rejects_t later = {0};
    hlc_t clock;
    hlc_init (&clock, 0);
    assert_int_equal (store_rejects_each (f->store, hlc_ms (hlc_now (&clock)) + 60000,
                                          s_reject_step, &later),
                      0);
    assert_int_equal (later.count, 0);
    assert_int_equal (s_stat (f->store).rejects, 4);
    free (records);
}

/* ------------------------------------------------------------- chunks

   A batch that names its raw rows (a chunk key) leaves what they made; the
   next import sends the key alone (chunk_only) and the store answers from
   what it kept while nothing changed this node's claims since, else says
   `stale`. */

/* A chunk key as the node derives it from the client's digest: 16 bytes. */
static void
s_chunk_key (uint8_t *key, unsigned n)
{
    memset (key, 0, STORE_CHUNK_KEY);
    snprintf ((char *)key, STORE_CHUNK_KEY, "rows-%u", n);
}

/* The rejections of the chunk tests: lines of a raw file. */
static const store_rejection_t s_chunk_rows[3] = {
    {"fleet.csv", 7, "vin", "VIN_CHECK", "LSVAU2180N218329",
     "车架号 \"LSVAU2180N218329\": VIN check digit is 7, not 3"},
    {"fleet.csv", 19, "plate", "PLATE_FORMAT", "鲁A1", "号牌号码 \"鲁A1\": bad plate"},
    {"fleet.csv", 33, "region_code", "REGION_UNKNOWN", "999999", "no such region"},
};

/* What on_rejection was handed (copied: the row is valid during the call). */
typedef struct {
    int count;
    store_rejection_t rows[3];
    char texts[3][5][128]; /* source, field, reason, value, message */
} replayed_t;

static void
s_on_replayed (void *arg, const store_rejection_t *row)
{
    replayed_t *seen = arg;
    if (seen->count < 3) {
        char (*texts)[128] = seen->texts[seen->count];
        store_rejection_t *copy = &seen->rows[seen->count];
        snprintf (texts[0], 128, "%s", row->source);
        snprintf (texts[1], 128, "%s", row->field);
        snprintf (texts[2], 128, "%s", row->reason);
        snprintf (texts[3], 128, "%s", row->value);
        snprintf (texts[4], 128, "%s", row->message);
        copy->source = texts[0];
        copy->line = row->line;
        copy->field = texts[1];
        copy->reason = texts[2];
        copy->value = texts[3];
        copy->message = texts[4];
    }
    seen->count++;
}

/* One store_ingest call with one batch; any error fails the test. */
static store_ingest_report_t
s_ingest_batch (store_t *store, store_ingest_t *batch)
{
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_ingest (store, batch, 1, &report, error);
    if (rc)
        fail_msg ("store_ingest: %d %s", rc, error);
    return report;
}

/* "The rows of `key` again", a vehicle batch of run import_id of source. */
static store_ingest_report_t
s_chunk_again (store_t *store, const char *source, const uint8_t *key, bool full,
               uint64_t import_id, replayed_t *seen)
{
    store_ingest_t batch = {.source = source,
                            .kind = YW_KIND_VEHICLE,
                            .import_id = import_id,
                            .full = full,
                            .chunk = key,
                            .chunk_only = true,
                            .on_rejection = s_on_replayed,
                            .arg = seen};
    return s_ingest_batch (store, &batch);
}

/* Rejections stored: all of them, and those of one import. */
typedef struct {
    uint64_t import_id;
    int count, of_import;
    uint64_t lines[3];
} stored_rejects_t;

static int
s_stored_reject (void *arg, const store_reject_t *reject)
{
    stored_rejects_t *seen = arg;
    if (reject->import_id == seen->import_id) {
        if (seen->of_import < 3)
            seen->lines[seen->of_import] = reject->row.line;
        assert_string_equal (reject->row.source, "fleet.csv");
        assert_int_equal (reject->kind, YW_KIND_VEHICLE);
        seen->of_import++;
    }
    seen->count++;
    return 0;
}

static stored_rejects_t
s_stored_rejects (store_t *store, uint64_t import_id)
{
    stored_rejects_t seen = {.import_id = import_id};
    assert_int_equal (store_rejects_each (store, 0, s_stored_reject, &seen), 0);
    return seen;
}

/* Run import_id of fleet.csv: vehicles 0..49 and the three rejections as
   chunk `key`, then the run's lone final batch. */
static yw_record_t *
s_chunk_run (store_t *store, const uint8_t *key, bool full, uint64_t import_id)
{
    yw_record_t *records = s_vehicles (0, 50, 0);
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = import_id,
                            .full = full,
                            .records = records,
                            .record_count = 50,
                            .rejections = s_chunk_rows,
                            .rejection_count = 3,
                            .chunk = key};
    store_ingest_report_t r = s_ingest_batch (store, &batch);
    assert_false (r.stale);
    assert_int_equal (r.new_count, 50);
    assert_int_equal (r.rejected, 3);
    r = s_ingest (store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, full, true, import_id);
    assert_int_equal (r.new_count + r.changed + r.unchanged + r.deleted + r.rejected, 0);
    return records;
}

/* A known chunk: its records unchanged, its rejections kept again for the
   new import and handed to on_rejection, nothing written to the log. */
static void
test_chunk_known (void **state)
{
    fixture_t *f = *state;
    uint8_t key[STORE_CHUNK_KEY];
    s_chunk_key (key, 1);
    yw_record_t *records = s_chunk_run (f->store, key, false, 1);
    store_stat_t before = s_stat (f->store);
    uint64_t first, last;
    assert_int_equal (store_log_range (f->store, &first, &last), 0);
    assert_int_equal (s_log_walk (f->store).batches, 1);
    assert_int_equal (before.rejects, 3);

    replayed_t seen = {0};
    store_ingest_report_t r = s_chunk_again (f->store, "fleet.csv", key, false, 2, &seen);
    assert_false (r.stale);
    assert_int_equal (r.unchanged, 50);
    assert_int_equal (r.rejected, 3);
    assert_int_equal (r.new_count + r.changed + r.deleted, 0);
    assert_int_equal (seen.count, 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal (seen.rows[i].source, "fleet.csv");
        assert_int_equal (seen.rows[i].line, s_chunk_rows[i].line);
        assert_string_equal (seen.rows[i].field, s_chunk_rows[i].field);
        assert_string_equal (seen.rows[i].reason, s_chunk_rows[i].reason);
        assert_string_equal (seen.rows[i].value, s_chunk_rows[i].value);
        assert_string_equal (seen.rows[i].message, s_chunk_rows[i].message);
    }
    r = s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 2);
    assert_int_equal (r.new_count + r.changed + r.unchanged + r.deleted + r.rejected, 0);

    /* the rejections are kept again, as the new import's */
    stored_rejects_t stored = s_stored_rejects (f->store, 2);
    assert_int_equal (stored.count, 6);
    assert_int_equal (stored.of_import, 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal (stored.lines[i], s_chunk_rows[i].line);
    /* and no record was written: no new origin batch, no new version */
    store_stat_t after = s_stat (f->store);
    assert_int_equal (after.rejects, 6);
    assert_int_equal (after.origin_seq, before.origin_seq);
    assert_int_equal (after.log_entries, before.log_entries);
    uint64_t first_after, last_after;
    assert_int_equal (store_log_range (f->store, &first_after, &last_after), 0);
    assert_int_equal (first_after, first);
    assert_int_equal (last_after, last);
    assert_int_equal (s_log_walk (f->store).batches, 1);
    store_object_t info;
    assert_int_equal (store_get (f->store, records[0].object_code, NULL, &info), 0);
    assert_int_equal (info.version, records[0].version);

    /* a run answered from the chunk keeps it: the next one is answered too */
    memset (&seen, 0, sizeof seen);
    r = s_chunk_again (f->store, "fleet.csv", key, false, 3, &seen);
    assert_false (r.stale);
    assert_int_equal (r.unchanged, 50);
    assert_int_equal (seen.count, 3);
    s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 3);
    assert_int_equal (s_stored_rejects (f->store, 3).of_import, 3);
    assert_int_equal (s_stat (f->store).origin_seq, before.origin_seq);
    s_check (f->store);
    free (records);
}

/* An unknown chunk is stale and changes nothing; a key is known only under
   the source and kind that made it. */
static void
test_chunk_stale_unknown (void **state)
{
    fixture_t *f = *state;
    uint8_t key[STORE_CHUNK_KEY], unknown[STORE_CHUNK_KEY];
    s_chunk_key (key, 1);
    s_chunk_key (unknown, 2);
    yw_record_t *records = s_chunk_run (f->store, key, false, 1);
    store_stat_t before = s_stat (f->store);

    replayed_t seen = {0};
    store_ingest_report_t r =
        s_chunk_again (f->store, "fleet.csv", unknown, false, 2, &seen);
    assert_true (r.stale);
    assert_int_equal (r.unchanged + r.new_count + r.changed + r.deleted + r.rejected, 0);
    assert_int_equal (s_stat (f->store).last_txn, before.last_txn); /* no transaction */
    /* the known key under another source (whose name the store does keep) */
    r = s_chunk_again (f->store, "other.csv", key, false, 2, &seen);
    assert_true (r.stale);
    assert_int_equal (r.unchanged + r.rejected, 0);
    /* and under another kind */
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_OFFICE_BUILDING,
                            .import_id = 2,
                            .chunk = key,
                            .chunk_only = true,
                            .on_rejection = s_on_replayed,
                            .arg = &seen};
    r = s_ingest_batch (f->store, &batch);
    assert_true (r.stale);
    assert_int_equal (r.unchanged + r.rejected, 0);
    assert_int_equal (seen.count, 0);
    store_stat_t after = s_stat (f->store);
    assert_int_equal (after.rejects, before.rejects);
    assert_int_equal (after.origin_seq, before.origin_seq);
    assert_int_equal (s_stored_rejects (f->store, 2).of_import, 0);
    free (records);
}

/* A change to one of the chunk's objects since, by another source or by
   another run of the same source: the chunk is stale until its rows are
   sent again. */
static void
test_chunk_stale_after_change (void **state)
{
    fixture_t *f = *state;
    const char *changers[2] = {"other.csv", "fleet.csv"};
    for (int v = 0; v < 2; v++) {
        char dir[96];
        snprintf (dir, sizeof dir, "%s/changed-%d", f->dir, v);
        store_t *store = s_open (dir, "370102", 0);
        uint8_t key[STORE_CHUNK_KEY];
        s_chunk_key (key, 1);
        yw_record_t *records = s_chunk_run (store, key, false, 1);

        yw_record_t changed;
        s_vehicle (&changed, 5, 7);
        store_ingest_report_t r =
            s_ingest (store, changers[v], YW_KIND_VEHICLE, &changed, 1, false, true, 3);
        assert_int_equal (r.changed, 1);
        store_stat_t before = s_stat (store);

        replayed_t seen = {0};
        r = s_chunk_again (store, "fleet.csv", key, false, 4, &seen);
        assert_true (r.stale);
        assert_int_equal (r.unchanged + r.new_count + r.changed + r.rejected, 0);
        assert_int_equal (seen.count, 0);
        assert_int_equal (s_stat (store).rejects, before.rejects);
        assert_int_equal (s_stat (store).last_txn, before.last_txn);
        yw_record_t now;
        assert_int_equal (store_get (store, records[5].object_code, &now, NULL), 0);
        assert_int_equal (now.body.vehicle.odometer_km, changed.body.vehicle.odometer_km);

        /* the client sends the chunk's rows instead: applied, and kept again */
        free (records);
        records = s_vehicles (0, 50, 0);
        store_ingest_t batch = {.source = "fleet.csv",
                                .kind = YW_KIND_VEHICLE,
                                .import_id = 4,
                                .records = records,
                                .record_count = 50,
                                .rejections = s_chunk_rows,
                                .rejection_count = 3,
                                .chunk = key};
        r = s_ingest_batch (store, &batch);
        assert_false (r.stale);
        assert_int_equal (r.changed, 1);
        assert_int_equal (r.unchanged, 49);
        assert_int_equal (r.rejected, 3);
        s_ingest (store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 4);
        assert_int_equal (store_get (store, records[5].object_code, &now, NULL), 0);
        assert_int_equal (now.body.vehicle.odometer_km,
                          records[5].body.vehicle.odometer_km);
        r = s_chunk_again (store, "fleet.csv", key, false, 5, &seen);
        assert_false (r.stale);
        assert_int_equal (r.unchanged, 50);
        assert_int_equal (r.rejected, 3);
        assert_int_equal (seen.count, 3);
        s_check (store);
        store_destroy (&store);
        free (records);
    }
}

/* In a --full run, a remembered chunk's objects count as present. */
static void
test_chunk_full (void **state)
{
    fixture_t *f = *state;
    uint8_t key[STORE_CHUNK_KEY];
    s_chunk_key (key, 1);
    yw_record_t *records = s_chunk_run (f->store, key, true, 1);

    replayed_t seen = {0};
    store_ingest_report_t r = s_chunk_again (f->store, "fleet.csv", key, true, 2, &seen);
    assert_false (r.stale);
    assert_int_equal (r.unchanged, 50);
    assert_int_equal (r.rejected, 3);
    r = s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, true, true, 2);
    assert_int_equal (r.deleted, 0);
    store_object_t info;
    for (size_t i = 0; i < 50; i++) {
        assert_int_equal (store_get (f->store, records[i].object_code, NULL, &info), 0);
        assert_false (info.deleted);
    }
    assert_int_equal (s_log_walk (f->store).deleted, 0);

    /* a full run without the chunk ends them all */
    r = s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, true, true, 3);
    assert_int_equal (r.deleted, 50);
    for (size_t i = 0; i < 50; i++) {
        assert_int_equal (store_get (f->store, records[i].object_code, NULL, &info), 0);
        assert_true (info.deleted);
    }
    assert_int_equal (s_log_walk (f->store).deleted, 50);
    s_check (f->store);
    free (records);
}

/* Two chunks of run import_id, each in its own transaction: the first
   holds vehicles 0 to 9 (vehicle 9 with odometer 90), the second vehicles 9
   to 18, vehicle 9 with odometer 91. */
typedef struct {
    uint8_t first_key[STORE_CHUNK_KEY], second_key[STORE_CHUNK_KEY];
    yw_record_t *first, *second;
    store_ingest_report_t reports[2];
} two_chunks_t;

static void
s_two_chunks (store_t *store, uint64_t import_id, two_chunks_t *two)
{
    s_chunk_key (two->first_key, 1);
    s_chunk_key (two->second_key, 2);
    two->first = s_vehicles (0, 10, 0);
    two->second = s_vehicles (9, 10, 0);
    s_vehicle (&two->second[0], 9, 1);
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = import_id,
                            .records = two->first,
                            .record_count = 10,
                            .chunk = two->first_key};
    two->reports[0] = s_ingest_batch (store, &batch);
    batch.records = two->second;
    batch.chunk = two->second_key;
    two->reports[1] = s_ingest_batch (store, &batch);
}

/* A run that writes an object twice with other content, in two
   transactions: the earlier chunk no longer describes the store. */
static void
test_chunk_conflicting_duplicate (void **state)
{
    fixture_t *f = *state;
    two_chunks_t two;
    s_two_chunks (f->store, 1, &two);
    yw_record_t *first = two.first, *second = two.second;
    uint8_t *first_key = two.first_key;
    assert_int_equal (two.reports[0].new_count, 10);
    assert_int_equal (two.reports[1].changed, 1);
    assert_int_equal (two.reports[1].new_count, 9);
    store_ingest_report_t r;
    s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 1);
    yw_record_t now;
    assert_int_equal (store_get (f->store, first[9].object_code, &now, NULL), 0);
    assert_int_equal (now.body.vehicle.odometer_km, 91);

    replayed_t seen = {0};
    r = s_chunk_again (f->store, "fleet.csv", first_key, false, 2, &seen);
    assert_true (r.stale);
    assert_int_equal (r.unchanged, 0);
    s_check (f->store);
    free (first);
    free (second);
}

/* The same, when the run's first row of the object left it unchanged (so
   the run wrote it once): which chunk the store matches depends on their
   order, and an export that has only the first must not be answered from
   it. */
static void
test_chunk_duplicate_unchanged_first (void **state)
{
    fixture_t *f = *state;
    yw_record_t x1;
    s_vehicle (&x1, 9, 0); /* vehicle 9 as the first chunk gives it, stored */
    s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, &x1, 1, false, true, 1);
    two_chunks_t two;
    s_two_chunks (f->store, 2, &two);
    yw_record_t *first = two.first, *second = two.second;
    uint8_t *first_key = two.first_key;
    assert_int_equal (two.reports[0].new_count, 9);
    assert_int_equal (two.reports[0].unchanged, 1);
    assert_int_equal (two.reports[1].changed, 1);
    store_ingest_report_t r;
    s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 2);

    replayed_t seen = {0};
    r = s_chunk_again (f->store, "fleet.csv", first_key, false, 3, &seen);
    assert_true (r.stale);
    assert_int_equal (r.unchanged, 0);
    /* so its rows come again, and vehicle 9 takes the content they give */
    r = s_ingest_batch (f->store, &(store_ingest_t){.source = "fleet.csv",
                                                    .kind = YW_KIND_VEHICLE,
                                                    .import_id = 3,
                                                    .records = first,
                                                    .record_count = 10,
                                                    .chunk = first_key});
    assert_int_equal (r.changed, 1);
    yw_record_t now;
    assert_int_equal (store_get (f->store, x1.object_code, &now, NULL), 0);
    assert_int_equal (now.body.vehicle.odometer_km, 90);
    s_check (f->store);
    free (first);
    free (second);
}

/* A chunk whose rows were all rejected is remembered too. */
static void
test_chunk_rejections_only (void **state)
{
    fixture_t *f = *state;
    uint8_t key[STORE_CHUNK_KEY];
    s_chunk_key (key, 1);
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = 1,
                            .rejections = s_chunk_rows,
                            .rejection_count = 3,
                            .chunk = key};
    store_ingest_report_t r = s_ingest_batch (f->store, &batch);
    assert_int_equal (r.rejected, 3);
    s_ingest (f->store, "fleet.csv", YW_KIND_VEHICLE, NULL, 0, false, true, 1);

    replayed_t seen = {0};
    r = s_chunk_again (f->store, "fleet.csv", key, false, 2, &seen);
    assert_false (r.stale);
    assert_int_equal (r.unchanged, 0);
    assert_int_equal (r.rejected, 3);
    assert_int_equal (seen.count, 3);
    assert_int_equal (seen.rows[2].line, 33);
    assert_string_equal (seen.rows[2].reason, "REGION_UNKNOWN");
    assert_int_equal (s_stored_rejects (f->store, 2).of_import, 3);
    assert_int_equal (s_stat (f->store).objects, 0);
}

static void
test_reopen_preserves_state (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 100, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 100, false, true, 1);
    store_stat_t before = s_stat (f->store);
    uint64_t seq;
    uint8_t hash[YW_HASH_SIZE], hash_after[YW_HASH_SIZE];
    assert_int_equal (store_origin_state (f->store, "370102", &seq, hash), 0);
    store_destroy (&f->store);
    store_destroy (&f->store); /* idempotent */

    f->store = s_open (f->dir, "370102", 0);
    store_stat_t after = s_stat (f->store);
    assert_int_equal (after.hlc, before.hlc);
    assert_int_equal (after.origin_seq, 1);
    uint64_t seq_after;
    assert_int_equal (store_origin_state (f->store, "370102", &seq_after, hash_after), 0);
    assert_int_equal (seq_after, seq);
    assert_memory_equal (hash_after, hash, YW_HASH_SIZE);
    s_vehicle (&records[0], 0, 9);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 1, false, true, 2);
    assert_true (records[0].version > before.hlc);
    log_walk_t walk = s_log_walk (f->store); /* the chain goes on across the restart */
    assert_int_equal (walk.batches, 2);
    s_check (f->store);

    /* another node id is refused */
    store_destroy (&f->store);
    store_options_t options = {.dir = f->dir, .node_id = "370103"};
    store_t *other = NULL;
    char error[STORE_ERROR_SIZE] = "";
    assert_int_equal (store_open (&options, &other, error), YW_ECONFIG);
    assert_null (other);
    assert_non_null (strstr (error, "370102"));
    f->store = s_open (f->dir, "370102", 0);
    free (records);
}

static void
test_locked (void **state)
{
    fixture_t *f = *state;
    store_options_t options = {.dir = f->dir, .node_id = "370102"};
    store_t *second = NULL;
    char error[STORE_ERROR_SIZE] = "";
    /* flock locks belong to the open file description: a second open in
       this process conflicts like another process would */
    assert_int_equal (store_open (&options, &second, error), YW_ELOCKED);
    assert_null (second);
    assert_non_null (strstr (error, f->dir));
    char pid[32];
    snprintf (pid, sizeof pid, "(pid %ld)", (long)getpid ());
    assert_non_null (strstr (error, pid));

    /* and from another process */
    pid_t child = fork ();
    assert_true (child >= 0);
    if (child == 0) {
        store_t *store = NULL;
        int rc = store_open (&options, &store, NULL);
        _exit (rc == YW_ELOCKED ? 0 : 1);
    }
    int status;
    assert_int_equal (waitpid (child, &status, 0), child);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

    /* released on destroy */
    store_destroy (&f->store);
    assert_int_equal (store_open (&options, &f->store, error), 0);
}

static int
s_count_object (void *arg, const char *code, const store_object_t *info)
{
    (*(int *)arg)++;
    return 0;
}

static void
test_read_only (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 10, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10, false, true, 1);
    store_destroy (&f->store);

    store_options_t options = {.dir = f->dir, .read_only = true};
    char error[STORE_ERROR_SIZE] = "";
    assert_int_equal (store_open (&options, &f->store, error), 0);
    assert_string_equal (store_node_id (f->store), "370102");
    int count = 0;
    assert_int_equal (store_each_object (f->store, s_count_object, &count), 0);
    assert_int_equal (count, 10);
    log_walk_t walk = s_log_walk (f->store);
    assert_int_equal (walk.events, 10);
    s_check (f->store);
    store_ingest_t batch = {
        .source = "s", .kind = YW_KIND_VEHICLE, .records = records, .record_count = 1};
    store_ingest_report_t report;
    assert_int_equal (store_ingest (f->store, &batch, 1, &report, error), YW_EINVAL);
    assert_int_equal (store_meta_set_u64 (f->store, "uplink_ack", 1, error), YW_EINVAL);

    /* a writer (another process: LMDB wants one environment handle per
       process) opens and writes while this reader is open */
    pid_t child = fork ();
    assert_true (child >= 0);
    if (child == 0) {
        store_t *writer = s_open (f->dir, "370102", 0);
        yw_record_t *more = s_vehicles (100, 10, 0);
        store_ingest_t add = {
            .source = "s", .kind = YW_KIND_VEHICLE, .records = more, .record_count = 10};
        store_ingest_report_t added;
        int rc = store_ingest (writer, &add, 1, &added, NULL);
        store_destroy (&writer);
        _exit (rc == 0 && added.new_count == 10 ? 0 : 1);
    }
    int status;
    assert_int_equal (waitpid (child, &status, 0), child);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    count = 0;
    assert_int_equal (store_each_object (f->store, s_count_object, &count), 0);
    assert_int_equal (count, 20); /* the reader sees the new commit */
    store_destroy (&f->store);

    options.dir = "/nonexistent/yiwang-store";
    assert_int_equal (store_open (&options, &f->store, error), YW_ENOTFOUND);
    f->store = s_open (f->dir, "370102", 0);
    free (records);
}

typedef struct {
    char codes[16][YW_OBJECT_CODE_SIZE];
    int count;
} codes_t;

static int
s_code_step (void *arg, const char *code)
{
    codes_t *codes = arg;
    if (codes->count < 16)
        snprintf (codes->codes[codes->count], YW_OBJECT_CODE_SIZE, "%s", code);
    codes->count++;
    return 0;
}

static int
s_find_count (store_t *store, store_index_t index, yw_kind_t kind, const char *value)
{
    codes_t codes = {.count = 0};
    assert_int_equal (store_find (store, index, kind, value, s_code_step, &codes), 0);
    return codes.count;
}

static void
test_indexes_follow_changes (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 20, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 20, false, true, 1);
    codes_t codes = {.count = 0};
    assert_int_equal (store_find (f->store, STORE_BY_PLATE, YW_KIND_NONE, "鲁A00003",
                                  s_code_step, &codes),
                      0);
    assert_int_equal (codes.count, 1);
    assert_string_equal (codes.codes[0], records[3].object_code);
    assert_int_equal (s_find_count (f->store, STORE_BY_REGION, YW_KIND_VEHICLE, "370102"),
                      10);
    assert_int_equal (s_find_count (f->store, STORE_BY_REGION, YW_KIND_VEHICLE, "3701"),
                      20);
    assert_int_equal (
        s_find_count (f->store, STORE_BY_REGION, YW_KIND_OFFICE_BUILDING, "37"), 0);
    assert_int_equal (
        s_find_count (f->store, STORE_BY_UNIT, YW_KIND_VEHICLE, records[3].unit_code),
        3); /* i % 7 == 3: 3, 10, 17 */
    assert_int_equal (
        s_find_count (f->store, STORE_BY_UNIT, YW_KIND_NONE, records[3].unit_code), 3);

    /* a new plate, region and unit: the old keys go, the new ones come */
    snprintf (records[3].body.vehicle.plate, YW_SHORT_SIZE, "鲁AD12345");
    snprintf (records[3].region_code, YW_REGION_SIZE, "370112");
    snprintf (records[3].unit_code, YW_USCC_SIZE, "11370100MB9999999X");
    codec_record_hash (&records[3], records[3].content_hash);
    store_ingest_report_t r =
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 20, false, true, 2);
    assert_int_equal (r.changed, 1);
    assert_int_equal (s_find_count (f->store, STORE_BY_PLATE, YW_KIND_NONE, "鲁A00003"), 0);
    assert_int_equal (s_find_count (f->store, STORE_BY_PLATE, YW_KIND_NONE, "鲁AD12345"),
                      1);
    assert_int_equal (s_find_count (f->store, STORE_BY_REGION, YW_KIND_VEHICLE, "370112"),
                      1);
    assert_int_equal (s_find_count (f->store, STORE_BY_REGION, YW_KIND_VEHICLE, "370102"),
                      9);
    assert_int_equal (
        s_find_count (f->store, STORE_BY_UNIT, YW_KIND_VEHICLE, "11370100MB9999999X"), 1);
    assert_int_equal (s_stat (f->store).index_entries, 60);
    /* an old object moving into a region where newer objects are */
    yw_record_t *more = s_vehicles (1000, 10, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, more, 10, false, true, 3);
    snprintf (records[4].region_code, YW_REGION_SIZE, "%s", more[1].region_code);
    snprintf (records[4].unit_code, YW_USCC_SIZE, "%s", more[1].unit_code);
    snprintf (records[4].body.vehicle.plate, YW_SHORT_SIZE, "%s",
              more[1].body.vehicle.plate);
    codec_record_hash (&records[4], records[4].content_hash);
    r = s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 20, false, true, 4);
    assert_int_equal (r.changed, 1);
    assert_int_equal (
        s_find_count (f->store, STORE_BY_PLATE, YW_KIND_NONE, more[1].body.vehicle.plate),
        2);
    free (more);
    assert_int_equal (
        store_find (f->store, STORE_BY_REGION, YW_KIND_NONE, "37", s_code_step, &codes),
        YW_EINVAL);
    s_check (f->store);
    free (records);
}

static void
test_meta (void **state)
{
    fixture_t *f = *state;
    uint64_t value = 7;
    assert_int_equal (store_meta_get_u64 (f->store, STORE_META_UPLINK_ACK, &value),
                      YW_ENOTFOUND);
    assert_int_equal (store_meta_set_u64 (f->store, STORE_META_UPLINK_ACK, 1234, f->error),
                      0);
    assert_int_equal (store_meta_get_u64 (f->store, STORE_META_UPLINK_ACK, &value), 0);
    assert_int_equal (value, 1234);
    assert_int_equal (store_meta_set_u64 (f->store, "yw.hlc", 1, f->error), YW_EINVAL);
    assert_int_equal (store_meta_get_u64 (f->store, "yw.hlc", &value), YW_EINVAL);
    store_destroy (&f->store);
    f->store = s_open (f->dir, "370102", 0);
    assert_int_equal (store_meta_get_u64 (f->store, STORE_META_UPLINK_ACK, &value), 0);
    assert_int_equal (value, 1234);
}

/* 50,000 records into a 1 MiB map: it grows, nothing is lost. */
static void
test_map_growth (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->store);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'/*", f->dir);
    assert_int_equal (system (command), 0);
    f->store = s_open (f->dir, "370102", 1 << 20);
    assert_int_equal (s_stat (f->store).map_size, 1 << 20);
    for (uint64_t first = 0; first < 50000; first += 10000) {
        yw_record_t *records = s_vehicles (first, 10000, 0);
        store_ingest_report_t r =
            s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10000, false, true, 1);
        assert_int_equal (r.new_count, 10000);
        free (records);
    }
    store_stat_t stat = s_stat (f->store);
    assert_int_equal (stat.objects, 50000);
    assert_true (stat.map_size >= 16 << 20);
    s_check (f->store);
    /* a map that may not grow past its limit says so, and keeps what it had */
    char dir[96];
    snprintf (dir, sizeof dir, "%s/small", f->dir);
    store_options_t options = {
        .dir = dir, .node_id = "370102", .map_size = 1 << 20, .map_max = 2 << 20};
    store_t *small = NULL;
    assert_int_equal (store_open (&options, &small, f->error), 0);
    yw_record_t *records = s_vehicles (0, 20000, 0);
    store_ingest_t batch = {
        .source = "s", .kind = YW_KIND_VEHICLE, .records = records, .record_count = 20000};
    store_ingest_report_t report;
    assert_int_equal (store_ingest (small, &batch, 1, &report, f->error), YW_EMAPFULL);
    assert_non_null (strstr (f->error, "map full"));
    assert_int_equal (s_stat (small).objects, 0);
    batch.record_count = 100; /* what fits still goes in */
    assert_int_equal (store_ingest (small, &batch, 1, &report, f->error), 0);
    assert_int_equal (s_stat (small).objects, 100);
    s_check (small);
    store_destroy (&small);
    free (records);
}

/* A full disk (here: a file size limit) fails the commit with YW_ENOSPC and
   leaves the store as it was; with room again, the same ingest succeeds. */
static void
test_disk_full (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 1000, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 1000, false, true, 1);
    free (records);
    store_destroy (&f->store);
    pid_t child = fork ();
    assert_true (child >= 0);
    if (child == 0) {
        signal (SIGXFSZ, SIG_IGN);
        store_t *store = s_open (f->dir, "370102", 0);
        struct stat st;
        char path[128];
        snprintf (path, sizeof path, "%s/data.mdb", f->dir);
        stat (path, &st);
        struct rlimit limit = {(rlim_t)st.st_size + 4096, RLIM_INFINITY};
        setrlimit (RLIMIT_FSIZE, &limit);
        yw_record_t *more = s_vehicles (1000, 20000, 0);
        store_ingest_t batch = {
            .source = "s", .kind = YW_KIND_VEHICLE, .records = more, .record_count = 20000};
        store_ingest_report_t report;
        char error[STORE_ERROR_SIZE] = "";
        int rc = store_ingest (store, &batch, 1, &report, error);
        if (rc != YW_ENOSPC) {
            fprintf (stderr, "expected YW_ENOSPC, got %d %s\n", rc, error);
            _exit (1);
        }
        store_stat_t stat;
        store_stat (store, &stat);
        if (stat.objects != 1000)
            _exit (2);
        limit.rlim_cur = RLIM_INFINITY;
        setrlimit (RLIMIT_FSIZE, &limit);
        rc = store_ingest (store, &batch, 1, &report, error);
        if (rc != 0 || report.new_count != 20000) {
            fprintf (stderr, "after the disk has room: %d %s\n", rc, error);
            _exit (3);
        }
        store_destroy (&store);
        _exit (0);
    }
    int status;
    assert_int_equal (waitpid (child, &status, 0), child);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    f->store = s_open (f->dir, "370102", 0);
    assert_int_equal (s_stat (f->store).objects, 21000);
    s_check (f->store);
}

/* kill -9 of a writer in the middle of its commits, again and again: the
   store is always consistent, and a re-import completes it. */
static void
test_killed_writer (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->store);
    srand (7);
    for (int round = 0; round < 6; round++) {
        int pipe_fd[2];
        assert_int_equal (pipe (pipe_fd), 0);
        pid_t child = fork ();
        assert_true (child >= 0);
        if (child == 0) {
            close (pipe_fd[0]);
            store_t *store = s_open (f->dir, "370102", 1 << 20);
            for (uint64_t first = 0;; first = (first + 5000) % 40000) {
                yw_record_t *records = s_vehicles (first, 5000, (unsigned)round);
                store_ingest_t batch = {.source = "s",
                                        .kind = YW_KIND_VEHICLE,
                                        .full = true,
                                        .final = first == 35000,
                                        .import_id = (uint64_t)round,
                                        .records = records,
                                        .record_count = 5000};
                store_ingest_report_t report;
                if (store_ingest (store, &batch, 1, &report, NULL) != 0)
                    _exit (1);
                free (records);
                if (write (pipe_fd[1], "c", 1) != 1)
                    _exit (1);
            }
        }
        close (pipe_fd[1]);
        /* let it commit a few times, then kill it at a random moment */
        char byte;
        for (int commits = 0; commits < 1 + round % 3; commits++)
            assert_int_equal (read (pipe_fd[0], &byte, 1), 1);
        usleep ((useconds_t)(rand () % 200000));
        kill (child, SIGKILL);
        int status;
        assert_int_equal (waitpid (child, &status, 0), child);
        close (pipe_fd[0]);
        f->store = s_open (f->dir, "370102", 0);
        s_check (f->store);
        store_destroy (&f->store);
    }
    /* a full re-import brings it to exactly the source */
    f->store = s_open (f->dir, "370102", 0);
    for (uint64_t first = 0; first < 40000; first += 10000) {
        yw_record_t *records = s_vehicles (first, 10000, 99);
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10000, true, first == 30000,
                  100);
        free (records);
    }
    store_stat_t stat = s_stat (f->store);
    assert_int_equal (stat.objects, 40000);
    assert_int_equal (stat.bodies, 40000);
    s_check (f->store);
}

/* ------------------------------------------------------- damage found */

/* Runs fn on the raw LMDB environment of a closed store. */
static void
s_raw (const char *dir, void (*fn) (MDB_txn *txn, MDB_env *env))
{
    MDB_env *env;
    MDB_txn *txn;
    assert_int_equal (mdb_env_create (&env), 0);
    mdb_env_set_maxdbs (env, 16);
    assert_int_equal (mdb_env_open (env, dir, 0, 0644), 0);
    assert_int_equal (mdb_txn_begin (env, NULL, 0, &txn), 0);
    fn (txn, env);
    assert_int_equal (mdb_txn_commit (txn), 0);
    mdb_env_close (env);
}

/* Deletes the first (or last) entry of a table. */
static void
s_drop_entry (MDB_txn *txn, const char *table, unsigned flags, MDB_cursor_op where)
{
    MDB_dbi dbi;
    assert_int_equal (mdb_dbi_open (txn, table, flags, &dbi), 0);
    MDB_cursor *cursor;
    assert_int_equal (mdb_cursor_open (txn, dbi, &cursor), 0);
    MDB_val key, data;
    assert_int_equal (mdb_cursor_get (cursor, &key, &data, where), 0);
    assert_int_equal (mdb_cursor_del (cursor, 0), 0);
    mdb_cursor_close (cursor);
}

/* Puts one entry into a table. */
static void
s_put_entry (MDB_txn *txn, const char *table, unsigned flags, const void *key,
             size_t key_size, const void *data, size_t data_size)
{
    MDB_dbi dbi;
    assert_int_equal (mdb_dbi_open (txn, table, flags, &dbi), 0);
    MDB_val k = {key_size, (void *)key}, d = {data_size, (void *)data};
    assert_int_equal (mdb_put (txn, dbi, &k, &d, 0), 0);
}

static void
s_drop_index_entry (MDB_txn *txn, MDB_env *env)
{
    s_drop_entry (txn, "idx", MDB_DUPSORT | MDB_DUPFIXED, MDB_LAST);
}

static void
s_add_index_entry (MDB_txn *txn, MDB_env *env)
{
    /* plate 鲁A99999 -> (seq 1) an object that does not exist */
    static const char plate[] = "p鲁A99999",
                      item[] = "\0\0\0\0\0\0\0\1VH99999999999999999999Z";
    s_put_entry (txn, "idx", MDB_DUPSORT | MDB_DUPFIXED, plate,
                 sizeof plate, /* with the NUL */
                 item, sizeof item - 1);
}

static void
s_drop_plate_entry (MDB_txn *txn, MDB_env *env)
{
    s_drop_entry (txn, "plate", 0, MDB_LAST);
}

/* A well-formed entry in the newest plate run, counted in platerun: plate
   鲁A99999 of seq 1, an object that does not exist. */
static void
s_add_plate_entry (MDB_txn *txn, MDB_env *env)
{
    MDB_dbi platerun;
    assert_int_equal (mdb_dbi_open (txn, "platerun", 0, &platerun), 0);
    MDB_cursor *cursor;
    assert_int_equal (mdb_cursor_open (txn, platerun, &cursor), 0);
    MDB_val key, data;
    assert_int_equal (mdb_cursor_get (cursor, &key, &data, MDB_LAST), 0);
    uint8_t header[16], id[4];
    assert_true (data.mv_size == sizeof header && key.mv_size == sizeof id);
    memcpy (header, data.mv_data, sizeof header);
    memcpy (id, key.mv_data, sizeof id);
    header[7]++; /* one entry more (fewer than 255 in the run's last byte) */
    assert_int_not_equal (header[7], 0);
    MDB_val value = {sizeof header, header};
    assert_int_equal (mdb_cursor_put (cursor, &key, &value, MDB_CURRENT), 0);
    mdb_cursor_close (cursor);
    uint8_t entry[4 + sizeof "鲁A99999" + 8] = {0};
    memcpy (entry, id, 4);
    memcpy (entry + 4, "鲁A99999", sizeof "鲁A99999"); /* with the NUL */
    entry[sizeof entry - 1] = 1;
    static const uint8_t holds = 0;
    s_put_entry (txn, "plate", 0, entry, sizeof entry, &holds, 1);
}

static void
s_drop_object (MDB_txn *txn, MDB_env *env)
{
    s_drop_entry (txn, "obj", 0, MDB_LAST);
}

/* Zeroes the Bloom filter of the first run: its codes no longer pass. */
static void
s_clear_bloom (MDB_txn *txn, MDB_env *env)
{
    MDB_dbi objrun;
    assert_int_equal (mdb_dbi_open (txn, "objrun", 0, &objrun), 0);
    MDB_cursor *cursor;
    assert_int_equal (mdb_cursor_open (txn, objrun, &cursor), 0);
    MDB_val key, data;
    assert_int_equal (mdb_cursor_get (cursor, &key, &data, MDB_FIRST), 0);
    uint8_t *copy = malloc (data.mv_size);
    memcpy (copy, data.mv_data, 16);
    memset (copy + 16, 0, data.mv_size - 16);
    MDB_val value = {data.mv_size, copy};
    assert_int_equal (mdb_cursor_put (cursor, &key, &value, MDB_CURRENT), 0);
    mdb_cursor_close (cursor);
    free (copy);
}

static void
s_drop_body (MDB_txn *txn, MDB_env *env)
{
    s_drop_entry (txn, "body", 0, MDB_FIRST);
}

static void
s_drop_log_entry (MDB_txn *txn, MDB_env *env)
{
    MDB_dbi log;
    assert_int_equal (mdb_dbi_open (txn, "log", 0, &log), 0);
    uint8_t seq[8] = {0, 0, 0, 0, 0, 0, 0, 2};
    MDB_val key = {8, seq};
    assert_int_equal (mdb_del (txn, log, &key, NULL), 0);
}

/* An older store: schema 3, which had no table plate. */
static void
s_make_schema_3 (MDB_txn *txn, MDB_env *env)
{
    static const uint8_t three[8] = {0, 0, 0, 0, 0, 0, 0, 3};
    s_put_entry (txn, "meta", 0, "yw.schema", 9, three, sizeof three);
    MDB_dbi plate;
    assert_int_equal (mdb_dbi_open (txn, "plate", 0, &plate), 0);
    assert_int_equal (mdb_drop (txn, plate, 1), 0);
}

static void
s_has_plate (MDB_txn *txn, MDB_env *env)
{
    MDB_dbi plate;
    assert_int_equal (mdb_dbi_open (txn, "plate", 0, &plate), MDB_NOTFOUND);
}

/* A store of another schema is refused by writers and readers alike, with
   the schema named, and left as it was. */
static void
test_other_schema (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 10, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 10, false, true, 1);
    free (records);
    store_destroy (&f->store);
    s_raw (f->dir, s_make_schema_3);
    store_options_t options[] = {{.dir = f->dir, .node_id = "370102"},
                                 {.dir = f->dir, .read_only = true}};
    for (size_t i = 0; i < 2; i++) {
        char error[STORE_ERROR_SIZE] = "";
        store_t *store = NULL;
        assert_int_equal (store_open (&options[i], &store, error), YW_ECONFIG);
        assert_null (store);
        char expected[64];
        snprintf (expected, sizeof expected, "has schema 3, this program reads schema %d",
                  STORE_SCHEMA);
        if (!strstr (error, expected))
            fail_msg ("open %zu: \"%s\"", i, error);
    }
    s_raw (f->dir, s_has_plate); /* not created by the refused writer */
}

/* Commits leave run merges for an idle moment (runs.h); store_compact ()
   does them once, and the store reads the same after: objects, index
   entries, a plate lookup, a full check. */
static void
test_compact (void **state)
{
    fixture_t *f = *state;
    for (uint64_t i = 0; i < 8; i++) {
        yw_record_t *records = s_vehicles (i * 1000, 1000, 0);
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 1000, false, true, i + 1);
        free (records);
    }
    store_stat_t before = s_stat (f->store);
    assert_int_equal (before.objects, 8000);
    char error[STORE_ERROR_SIZE] = "";
    bool merged = false;
    assert_int_equal (store_compact (f->store, &merged, error), 0);
    assert_true (merged);
    assert_int_equal (store_compact (f->store, &merged, error), 0);
    assert_false (merged); /* nothing left to do */
    store_stat_t after = s_stat (f->store);
    assert_int_equal (after.objects, before.objects);
    assert_int_equal (after.index_entries, before.index_entries);
    yw_record_t probe;
    s_vehicle (&probe, 4321, 0);
    codes_t codes = {.count = 0};
    assert_int_equal (store_find (f->store, STORE_BY_PLATE, YW_KIND_NONE,
                                  probe.body.vehicle.plate, s_code_step, &codes),
                      0);
    bool found = false;
    for (int i = 0; i < codes.count; i++)
        found |= strcmp (codes.codes[i], probe.object_code) == 0;
    assert_true (found);
    store_check_report_t report;
    if (store_check (f->store, &report, error))
        fail_msg ("check after compaction: %s", error);
}

static void
test_check_finds_damage (void **state)
{
    fixture_t *f = *state;
    static const struct {
        void (*damage) (MDB_txn *txn, MDB_env *env);
        const char *says;
    } cases[] = {
        {s_drop_index_entry, "missing"},
        {s_add_index_entry, "points to a missing object"},
        {s_drop_plate_entry, "check: plate run"},
        {s_add_plate_entry, "plate entry \"鲁A99999\" -> ? points to a missing object"},
        {s_drop_body, "is missing"},
        {s_drop_object, "check: obj run"},
        {s_clear_bloom, "not in the Bloom filter of its run"},
        {s_drop_log_entry, "log seq 3 follows 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        store_destroy (&f->store);
        char command[128];
        snprintf (command, sizeof command, "rm -rf '%s'/*", f->dir);
        assert_int_equal (system (command), 0);
        f->store = s_open (f->dir, "370102", 0);
        yw_record_t *records = s_vehicles (0, 5000, 0);
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 5000, false, true, 1);
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 5000, false, true, 1);
        for (int k = 0; k < 5000; k++)
            s_vehicle (&records[k], (uint64_t)k, 1);
        s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 5000, false, true, 2);
        free (records);
        s_check (f->store);
        store_destroy (&f->store);
        s_raw (f->dir, cases[i].damage);
        f->store = s_open (f->dir, "370102", 0);
        char error[STORE_ERROR_SIZE] = "";
        assert_int_equal (store_check (f->store, NULL, error), YW_ESTORE);
        if (!strstr (error, cases[i].says))
            fail_msg ("case %zu: \"%s\" does not say \"%s\"", i, error, cases[i].says);
    }
}

/* ------------------------------------------------------ remote batches */

typedef struct {
    store_remote_t batches[64];
    uint8_t *copies[64];
    size_t count;
} collected_t;

static int
s_collect (void *arg, uint64_t seq, const uint8_t *data, size_t size)
{
    collected_t *c = arg;
    assert_true (c->count < 64);
    c->copies[c->count] = yw_malloc (size);
    memcpy (c->copies[c->count], data, size);
    c->batches[c->count] = (store_remote_t){.data = c->copies[c->count], .size = size};
    c->count++;
    return 0;
}

static void
s_collected_free (collected_t *c)
{
    for (size_t i = 0; i < c->count; i++)
        free (c->copies[i]);
    c->count = 0;
}

/* Applies batches from `from` (log seqs first..) to `to` through link `link`
   with link seqs starting at link_seq. */
static void
s_relay (store_t *from, uint64_t first, store_t *to, const char *link, uint64_t link_seq,
         const char *jurisdiction, store_remote_report_t *reports, size_t *count)
{
    collected_t c = {.count = 0};
    assert_int_equal (store_log_each (from, first, 0, s_collect, &c), 0);
    for (size_t i = 0; i < c.count; i++) {
        c.batches[i].link = link;
        c.batches[i].link_seq = link_seq + i;
        c.batches[i].jurisdiction = jurisdiction;
    }
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_apply_remote (to, c.batches, c.count, true, reports, error);
    if (rc)
        fail_msg ("store_apply_remote: %d %s", rc, error);
    *count = c.count;
    s_collected_free (&c);
}

static void
test_remote_apply (void **state)
{
    fixture_t *f = *state;
    char hub_dir[64];
    snprintf (hub_dir, sizeof hub_dir, "%s/hub", f->dir);
    store_t *hub = s_open (hub_dir, "370100", 0);

    yw_record_t *records = s_vehicles (0, 100, 0);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 100, false, true, 1);
    store_remote_report_t reports[8];
    size_t count;
    s_relay (f->store, 1, hub, "370102", 1, "370102", reports, &count);
    assert_int_equal (count, 1);
    /* half the records lie in 370103, outside the child's jurisdiction */
    assert_int_equal (reports[0].status, 0);
    assert_int_equal (reports[0].applied, 50);
    assert_int_equal (reports[0].rejected, 50);
    assert_non_null (strstr (reports[0].error, "jurisdiction"));
    assert_int_equal (s_stat (hub).objects, 50);
    assert_int_equal (s_stat (hub).rejects, 50);
    yw_record_t record;
    store_object_t info;
    assert_int_equal (store_get (hub, records[1].object_code, &record, &info), 0);
    assert_string_equal (info.origin_node, "370102");
    assert_int_equal (record.version, records[1].version);
    uint64_t seq;
    assert_int_equal (store_origin_state (hub, "370102", &seq, NULL), 0);
    assert_int_equal (seq, 1);

    /* the same batch again, on the same link seq: a duplicate */
    s_relay (f->store, 1, hub, "370102", 1, "3701", reports, &count);
    assert_int_equal (reports[0].status, YW_ESTALE);
    assert_int_equal (reports[0].expected_link_seq, 2);
    /* on a new link seq (another path): skipped as an applied origin batch */
    s_relay (f->store, 1, hub, "370102", 2, "3701", reports, &count);
    assert_int_equal (reports[0].status, YW_ESTALE);
    assert_int_equal (reports[0].expected_link_seq, 3);
    /* a gap in link seqs */
    s_vehicle (&records[1], 1, 5);
    s_ingest (f->store, "s", YW_KIND_VEHICLE, records, 100, false, true, 2);
    s_relay (f->store, 2, hub, "370102", 9, "3701", reports, &count);
    assert_int_equal (reports[0].status, YW_ESEQ);
    assert_int_equal (reports[0].expected_link_seq, 3);
    s_relay (f->store, 2, hub, "370102", 3, "3701", reports, &count);
    assert_int_equal (reports[0].status, 0);
    assert_int_equal (reports[0].applied, 1);
    assert_int_equal (store_get (hub, records[1].object_code, &record, &info), 0);
    assert_int_equal (record.body.vehicle.odometer_km, 15);

    /* the hub relays what it applied, byte for byte */
    collected_t hub_log = {.count = 0}, county_log = {.count = 0};
    assert_int_equal (store_log_each (hub, 0, 0, s_collect, &hub_log), 0);
    assert_int_equal (store_log_each (f->store, 0, 0, s_collect, &county_log), 0);
    assert_int_equal (hub_log.count, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal (hub_log.batches[i].size, county_log.batches[i].size);
        assert_memory_equal (hub_log.copies[i], county_log.copies[i],
                             hub_log.batches[i].size);
    }
    s_collected_free (&hub_log);
    s_collected_free (&county_log);
    s_check (hub);

    /* a forged batch: one byte changed */
    collected_t forged = {.count = 0};
    assert_int_equal (store_log_each (f->store, 1, 1, s_collect, &forged), 0);
    forged.copies[0][forged.batches[0].size / 2] ^= 1;
    forged.batches[0].link = "370102";
    forged.batches[0].link_seq = 4;
    assert_int_equal (store_apply_remote (hub, forged.batches, 1, true, reports, f->error),
                      0);
    assert_true (reports[0].status == YW_EPARSE || reports[0].status == YW_ETOOBIG);
    assert_int_equal (reports[0].expected_link_seq, 4);
    s_collected_free (&forged);
    s_check (hub);
    store_destroy (&hub);
    free (records);
}

/* A car moves from county A to county B: whichever order the hub gets A's
   delete and B's record in, B's record is what it shows. */
static void
test_claims_converge (void **state)
{
    fixture_t *f = *state;
    for (int order = 0; order < 2; order++) {
        char dir[3][96];
        store_t *store[3];
        const char *ids[3] = {"370102", "370103", "370100"};
        for (int i = 0; i < 3; i++) {
            snprintf (dir[i], sizeof dir[i], "%s/converge-%d-%d", f->dir, order, i);
            store[i] = s_open (dir[i], ids[i], 0);
        }
        yw_record_t car;
        s_vehicle (&car, 1, 0); /* region 370102 */
        s_ingest (store[0], "a", YW_KIND_VEHICLE, &car, 1, true, true, 1);
        store_remote_report_t reports[4];
        size_t count;
        s_relay (store[0], 1, store[2], "370102", 1, "370102", reports, &count);
        /* A exports without it (a --full run); B registers it */
        s_ingest (store[0], "a", YW_KIND_VEHICLE, NULL, 0, true, true, 2);
        s_vehicle (&car, 1, 1);
        snprintf (car.region_code, sizeof car.region_code, "370103");
        codec_record_hash (&car, car.content_hash);
        s_ingest (store[1], "b", YW_KIND_VEHICLE, &car, 1, false, true, 1);
        if (order == 0) {
            s_relay (store[0], 2, store[2], "370102", 2, "370102", reports, &count);
            s_relay (store[1], 1, store[2], "370103", 1, "370103", reports, &count);
        }
        else {
            s_relay (store[1], 1, store[2], "370103", 1, "370103", reports, &count);
            /* while both claims are live, it is a finding */
            store_object_t info;
            assert_int_equal (store_get (store[2], car.object_code, NULL, &info), 0);
            assert_int_equal (info.live_claims, 2);
            s_relay (store[0], 2, store[2], "370102", 2, "370102", reports, &count);
        }
        yw_record_t seen;
        store_object_t info;
        assert_int_equal (store_get (store[2], car.object_code, &seen, &info), 0);
        assert_false (info.deleted);
        assert_string_equal (info.origin_node, "370103");
        assert_string_equal (seen.region_code, "370103");
        assert_int_equal (info.claims, 2);
        assert_int_equal (info.live_claims, 1);
        assert_int_equal (
            s_find_count (store[2], STORE_BY_REGION, YW_KIND_VEHICLE, "370102"), 0);
        assert_int_equal (
            s_find_count (store[2], STORE_BY_REGION, YW_KIND_VEHICLE, "370103"), 1);
        s_check (store[2]);
        for (int i = 0; i < 3; i++)
            store_destroy (&store[i]);
    }
}

/* A hub that lacks a county's log gets a snapshot, then the log after it. */
typedef struct {
    uint8_t **claims;
    size_t *sizes;
    size_t count, capacity;
} claims_t;

static int
s_take_claim (void *arg, const uint8_t *record, size_t size)
{
    claims_t *c = arg;
    if (c->count == c->capacity) {
        c->capacity = c->capacity ? c->capacity * 2 : 64;
        c->claims = yw_realloc (c->claims, c->capacity * sizeof *c->claims);
        c->sizes = yw_realloc (c->sizes, c->capacity * sizeof *c->sizes);
    }
    c->claims[c->count] = yw_malloc (size);
    memcpy (c->claims[c->count], record, size);
    c->sizes[c->count++] = size;
    return 0;
}

typedef struct {
    store_t *other;
    int differences;
    int objects;
} compare_t;

static int
s_compare_object (void *arg, const char *code, const store_object_t *info)
{
    compare_t *c = arg;
    store_object_t there;
    c->objects++;
    if (store_get (c->other, code, NULL, &there) != 0 || there.version != info->version ||
        there.deleted != info->deleted ||
        memcmp (there.content_hash, info->content_hash, YW_HASH_SIZE))
        c->differences++;
    return 0;
}

static void
test_snapshot (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = s_vehicles (0, 300, 0);
    s_ingest (f->store, "a", YW_KIND_VEHICLE, records, 300, true, true, 1);
    s_ingest (f->store, "a", YW_KIND_VEHICLE, records + 20, 280, true, true,
              2); /* 20 gone */
    uint64_t log_seq, objects;
    store_snapshot_t *snapshot;
    assert_int_equal (
        store_snapshot_open (f->store, &snapshot, &log_seq, &objects, f->error), 0);
    assert_int_equal (log_seq, 2);
    assert_int_equal (objects, 300);
    /* the store goes on while the snapshot is read: not seen by it */
    s_vehicle (&records[100], 100, 4);
    s_ingest (f->store, "a", YW_KIND_VEHICLE, records + 100, 1, false, true, 3);

    claims_t claims = {0};
    size_t chunks = 0;
    bool done = false;
    while (!done) {
        size_t before = claims.count;
        assert_int_equal (store_snapshot_next (snapshot, 7, 1 << 20, s_take_claim, &claims,
                                               &done, f->error),
                          0);
        assert_true (claims.count - before <= 7);
        chunks++;
    }
    assert_int_equal (claims.count, 300);
    assert_int_equal (chunks, 43); /* 42 full chunks, and one of 6 that finds the end */
    store_origin_t *origins;
    size_t origin_count;
    assert_int_equal (store_snapshot_origins (snapshot, &origins, &origin_count), 0);
    assert_int_equal (origin_count, 1);
    assert_string_equal (origins[0].origin_node, "370102");
    assert_int_equal (origins[0].seq, 2);
    store_snapshot_destroy (&snapshot);
    store_snapshot_destroy (&snapshot);
    /* a byte limit below one claim still hands out one claim per call */
    claims_t one = {0};
    uint64_t later_seq;
    assert_int_equal (store_snapshot_open (f->store, &snapshot, &later_seq, NULL, f->error),
                      0);
    assert_int_equal (later_seq, 3);
    assert_int_equal (
        store_snapshot_next (snapshot, 100, 1, s_take_claim, &one, &done, f->error), 0);
    assert_int_equal (one.count, 1);
    assert_false (done);
    store_snapshot_destroy (&snapshot);
    free (one.claims[0]);
    free (one.claims);
    free (one.sizes);

    char hub_dir[96];
    snprintf (hub_dir, sizeof hub_dir, "%s/hub", f->dir);
    store_t *hub = s_open (hub_dir, "370100", 0);
    store_claims_t chunk = {.claims = (const uint8_t *const *)claims.claims,
                            .sizes = claims.sizes,
                            .count = claims.count,
                            .jurisdiction = "3701"};
    store_remote_report_t report;
    assert_int_equal (store_apply_claims (hub, &chunk, 1, &report, f->error), 0);
    assert_int_equal (report.applied, 300);
    assert_int_equal (report.rejected, 0);
    /* again: all stale */
    assert_int_equal (store_apply_claims (hub, &chunk, 1, &report, f->error), 0);
    assert_int_equal (report.stale, 300);
    assert_int_equal (store_snapshot_finish (hub, "370102", log_seq, origins, origin_count,
                                             false, f->error),
                      0);
    uint64_t last, seq;
    assert_int_equal (store_link_last (hub, "370102", &last), 0);
    assert_int_equal (last, 2);
    assert_int_equal (store_origin_state (hub, "370102", &seq, NULL), 0);
    assert_int_equal (seq, 2);
    free (origins);

    /* then the log after the snapshot: the chain goes on */
    store_remote_report_t reports[4];
    size_t count;
    s_relay (f->store, log_seq + 1, hub, "370102", log_seq + 1, "3701", reports, &count);
    assert_int_equal (count, 1);
    assert_int_equal (reports[0].status, 0);
    assert_int_equal (reports[0].applied, 1);
    compare_t compare = {.other = hub};
    assert_int_equal (store_each_object (f->store, s_compare_object, &compare), 0);
    assert_int_equal (compare.objects, 300);
    assert_int_equal (compare.differences, 0);
    s_check (hub);
    store_destroy (&hub);
    for (size_t i = 0; i < claims.count; i++)
        free (claims.claims[i]);
    free (claims.claims);
    free (claims.sizes);
    free (records);
}

/* The writer grows the map: an open snapshot ends, and says so. */
static void
test_snapshot_ends_on_growth (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->store);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'/*", f->dir);
    assert_int_equal (system (command), 0);
    f->store = s_open (f->dir, "370102", 1 << 20);
    yw_record_t *records = s_vehicles (0, 100, 0);
    s_ingest (f->store, "a", YW_KIND_VEHICLE, records, 100, false, true, 1);
    free (records);
    store_snapshot_t *snapshot;
    uint64_t log_seq;
    assert_int_equal (store_snapshot_open (f->store, &snapshot, &log_seq, NULL, f->error),
                      0);
    records = s_vehicles (1000, 20000, 0);
    s_ingest (f->store, "a", YW_KIND_VEHICLE, records, 20000, false, true, 2);
    claims_t claims = {0};
    bool done = false;
    char error[STORE_ERROR_SIZE] = "";
    assert_int_equal (
        store_snapshot_next (snapshot, 10, 1 << 20, s_take_claim, &claims, &done, error),
        YW_ESTORE);
    assert_non_null (strstr (error, "take a new one"));
    store_snapshot_destroy (&snapshot);
    free (records);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_new_changed_unchanged, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_get_missing_and_invalid, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_group_commit, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_fingerprints, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_sorted_order, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_log_split_and_chain, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_full_run, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_full_run_across_reopen, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_full_run_large_source, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_rejections, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_known, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_stale_unknown, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_stale_after_change, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_full, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_fingerprint_unchanged_then_changed, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_conflicting_duplicate, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_duplicate_unchanged_first, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_chunk_rejections_only, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reopen_preserves_state, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_locked, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_other_schema, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_read_only, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_indexes_follow_changes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_meta, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_map_growth, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_disk_full, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_killed_writer, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_compact, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_check_finds_damage, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_remote_apply, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_claims_converge, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot_ends_on_growth, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
