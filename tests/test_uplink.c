/*  test_uplink.c - a node's uplink against a real downlink, over real
    sockets on 127.0.0.1 with real stores, both state machines driven here
    as the node loop drives them: streaming under credit, acknowledged log
    entries pruned, resume after the parent goes away and comes back, a
    snapshot when the parent needs what the log no longer has (a new
    parent), and a relaying hub that applied a snapshot passing one on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "codec.h"
#include "downlink.h"
#include "store.h"
#include "uplink.h"
#include "yw.h"

typedef struct {
    char dir[64];
    void *context;
    store_t *county;
    store_t *city;
    store_t *province;
    uplink_t *uplink;      /* county -> city */
    downlink_t *downlink;  /* city's */
    uplink_t *city_uplink; /* city -> province (relay test) */
    downlink_t *province_downlink;
    char endpoint[256];
} fixture_t;

static store_t *
s_store (fixture_t *f, const char *name, const char *id)
{
    char path[128];
    snprintf (path, sizeof path, "%s/%s", f->dir, name);
    store_options_t options = {.dir = path, .node_id = id};
    store_t *store = NULL;
    char error[STORE_ERROR_SIZE];
    if (store_open (&options, &store, error))
        fail_msg ("store_open %s: %s", path, error);
    return store;
}

static void
s_vehicle (yw_record_t *record, uint64_t i, unsigned variant)
{
    yw_record_reset (record, YW_KIND_VEHICLE);
    snprintf (record->object_code, sizeof record->object_code, "VH%020lluX",
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "370102");
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB%07lluX",
              (unsigned long long)(i % 7));
    yw_vehicle_t *v = &record->body.vehicle;
    snprintf (v->plate, sizeof v->plate, "鲁A%05llu", (unsigned long long)(i % 100000));
    snprintf (v->vin, sizeof v->vin, "LSVAU2180N%07llu", (unsigned long long)i);
    snprintf (v->category, sizeof v->category, "03");
    v->odometer_km = (int64_t)(i * 10 + variant);
    codec_record_hash (record, record->content_hash);
}

static void
s_ingest (store_t *store, uint64_t first, size_t count, unsigned variant)
{
    yw_record_t *records = yw_malloc (count * sizeof *records);
    for (size_t i = 0; i < count; i++)
        s_vehicle (&records[i], first + i, variant);
    store_ingest_t batch = {.source = "test",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = 1,
                            .records = records,
                            .record_count = count};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE];
    if (store_ingest (store, &batch, 1, &report, error))
        fail_msg ("store_ingest: %s", error);
    free (records);
}

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static downlink_t *
s_downlink (fixture_t *f, store_t *store, const char *id, const char *listen,
            const char *child, const char *code, bool relay)
{
    config_child_t children[1];
    snprintf (children[0].id, sizeof children[0].id, "%s", child);
    snprintf (children[0].prefix, sizeof children[0].prefix, "%s", code);
    downlink_options_t options = {.listen = listen,
                                  .node_id = id,
                                  .children = children,
                                  .child_count = 1,
                                  .relay = relay,
                                  .heartbeat_ms = 300,
                                  .credit = 4};
    downlink_t *downlink = NULL;
    char error[DOWNLINK_ERROR_SIZE];
    /* a port just closed is released by ZeroMQ's I/O thread a moment later */
    double deadline = s_now () + 5;
    while (downlink_new (f->context, store, &options, &downlink, error))
        if (s_now () > deadline)
            fail_msg ("downlink_new: %s", error);
    return downlink;
}

static uplink_t *
s_uplink (fixture_t *f, store_t *store, const char *id, const char *parent,
          uint64_t retention_ms)
{
    uplink_options_t options = {.parent = parent,
                                .node_id = id,
                                .jurisdiction = "370102",
                                .retention_ms = retention_ms,
                                .heartbeat_ms = 300,
                                .log_name = id};
    uplink_t *uplink = NULL;
    char error[UPLINK_ERROR_SIZE];
    if (uplink_new (f->context, store, &options, &uplink, error))
        fail_msg ("uplink_new: %s", error);
    return uplink;
}

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/test_uplink-XXXXXX");
    assert_non_null (mkdtemp (f->dir));
    f->context = zmq_ctx_new ();
    f->county = s_store (f, "county", "county-370102");
    f->city = s_store (f, "city", "city-370100");
    f->downlink = s_downlink (f, f->city, "city-370100", "tcp://127.0.0.1:*",
                              "county-370102", "370102", false);
    snprintf (f->endpoint, sizeof f->endpoint, "%s", downlink_endpoint (f->downlink));
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    uplink_destroy (&f->uplink);
    uplink_destroy (&f->city_uplink);
    downlink_destroy (&f->downlink);
    downlink_destroy (&f->province_downlink);
    zmq_ctx_term (f->context);
    store_destroy (&f->county);
    store_destroy (&f->city);
    store_destroy (&f->province);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", f->dir);
    assert_int_equal (system (command), 0);
    free (f);
    return 0;
}

/* One round of every loop in the test, as node.c runs them. */
static void
s_round (fixture_t *f)
{
    zmq_pollitem_t items[4];
    int count = 0;
    uplink_t *uplinks[2] = {f->uplink, f->city_uplink};
    downlink_t *downlinks[2] = {f->downlink, f->province_downlink};
    for (int i = 0; i < 2; i++)
        if (uplinks[i])
            items[count++] = (zmq_pollitem_t){uplink_socket (uplinks[i]), 0, ZMQ_POLLIN, 0};
    for (int i = 0; i < 2; i++)
        if (downlinks[i])
            items[count++] =
                (zmq_pollitem_t){downlink_socket (downlinks[i]), 0, ZMQ_POLLIN, 0};
    zmq_poll (items, count, 10);
    int at = 0;
    for (int i = 0; i < 2; i++)
        if (uplinks[i] && (items[at++].revents & ZMQ_POLLIN))
            uplink_on_readable (uplinks[i]);
    for (int i = 0; i < 2; i++)
        if (downlinks[i] && (items[at++].revents & ZMQ_POLLIN))
            downlink_on_readable (downlinks[i]);
    for (int i = 0; i < 2; i++)
        if (uplinks[i])
            uplink_tick (uplinks[i]);
    for (int i = 0; i < 2; i++)
        if (downlinks[i])
            downlink_tick (downlinks[i]);
}

/* Runs rounds until `done` or the deadline (seconds). */
#define S_RUN_UNTIL(f, seconds, done)                                                      \
    do {                                                                                   \
        double deadline_ = s_now () + (seconds);                                           \
        while (!(done)) {                                                                  \
            if (s_now () > deadline_)                                                      \
                fail_msg ("timed out waiting for %s", #done);                              \
            s_round (f);                                                                   \
        }                                                                                  \
    } while (0)

static uint64_t
s_log_last (store_t *store)
{
    uint64_t first, last;
    store_log_range (store, &first, &last);
    return last;
}

static uint64_t
s_log_first (store_t *store)
{
    uint64_t first, last;
    store_log_range (store, &first, &last);
    return first;
}

static uint64_t
s_acked (uplink_t *uplink)
{
    uplink_status_t status;
    uplink_status (uplink, &status);
    return status.acked;
}

static uplink_state_t
s_state (uplink_t *uplink)
{
    uplink_status_t status;
    uplink_status (uplink, &status);
    return status.state;
}

/* What a store holds, object by object: code, version, hash, deleted. */
typedef struct {
    char *text;
    size_t size, capacity;
} s_dump_t;

static int
s_dump_object (void *arg, const char *code, const store_object_t *info)
{
    s_dump_t *dump = arg;
    char line[160], hex[65];
    for (int i = 0; i < YW_HASH_SIZE; i++)
        snprintf (hex + 2 * i, 3, "%02x", info->content_hash[i]);
    int n = snprintf (line, sizeof line, "%s\t%llu\t%s\t%d\n", code,
                      (unsigned long long)info->version, hex, info->deleted);
    if (dump->size + (size_t)n + 1 > dump->capacity) {
        dump->capacity = dump->capacity ? dump->capacity * 2 : 1 << 16;
        dump->text = yw_realloc (dump->text, dump->capacity);
    }
    memcpy (dump->text + dump->size, line, (size_t)n + 1);
    dump->size += (size_t)n;
    return 0;
}

static bool
s_same (store_t *a, store_t *b)
{
    s_dump_t x = {0}, y = {0};
    store_each_object (a, s_dump_object, &x);
    store_each_object (b, s_dump_object, &y);
    bool same = x.size == y.size && (x.size == 0 || memcmp (x.text, y.text, x.size) == 0);
    free (x.text);
    free (y.text);
    return same;
}

static void
s_check (store_t *store)
{
    store_check_report_t report;
    char error[STORE_ERROR_SIZE];
    if (store_check (store, &report, error))
        fail_msg ("store_check: %s", error);
}

/* The log streams under credit (4 batches at a time here), the parent
   acknowledges, and with no retention the acknowledged entries go. */
static void
test_stream_and_prune (void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 5; i++)
        s_ingest (f->county, (uint64_t)i * 5000, 5000, 0); /* 10 batches */
    uint64_t last = s_log_last (f->county);
    assert_int_equal (last, 10);
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 0);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == last);
    assert_true (s_same (f->county, f->city));
    /* new entries written meanwhile go at once */
    s_ingest (f->county, 100000, 100, 0);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == last + 1);
    assert_true (s_same (f->county, f->city));
    /* pruned (retention 0), and the acknowledged seq kept in meta */
    S_RUN_UNTIL (f, 20, s_log_first (f->county) == last + 2);
    uint64_t saved = 0;
    assert_int_equal (store_meta_get_u64 (f->county, STORE_META_UPLINK_ACK, &saved), 0);
    assert_int_equal (saved, last + 1);
    uplink_status_t status;
    uplink_status (f->uplink, &status);
    assert_int_equal (status.state, UPLINK_STREAMING);
    assert_int_equal (status.accepted, 25100);
    assert_true (status.hellos >= 1);
    s_check (f->county);
    s_check (f->city);
    /* an emptied log goes on at the next seq, never at 1 again */
    s_ingest (f->county, 200000, 10, 0);
    assert_int_equal (s_log_last (f->county), last + 2);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == last + 2);
    assert_true (s_same (f->county, f->city));
}

/* Waits until a socket has a message to read (fails after 10 s). */
static void
s_wait_readable (void *socket)
{
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    double deadline = s_now () + 10;
    while (zmq_poll (&item, 1, 10) <= 0)
        if (s_now () > deadline)
            fail_msg ("timed out waiting for a message");
}

/* The WELCOME comes after the uplink has sent its next HELLO (the parent,
   or the child's own loop, was busy for longer than the retry interval):
   it is taken. Only the latest nonce was taken before, and a city hub whose
   group commits take a second sent a new HELLO after each commit and
   dropped the answer to the one before, so the link never started while
   the city had work. */
static void
test_welcome_to_an_earlier_hello (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county, 0, 100, 0);
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 0);
    /* the parent's first HELLO (the first may go before the connection is
       up, and is then not sent at all) */
    zmq_pollitem_t item = {downlink_socket (f->downlink), 0, ZMQ_POLLIN, 0};
    double deadline = s_now () + 10;
    while (zmq_poll (&item, 1, 10) <= 0) {
        if (s_now () > deadline)
            fail_msg ("no HELLO reached the parent");
        uplink_tick (f->uplink);
    }
    downlink_on_readable (f->downlink); /* WELCOME */
    s_wait_readable (uplink_socket (f->uplink));
    /* the answer waits while the retry interval (250 ms) passes */
    usleep (300 * 1000);
    uplink_tick (f->uplink);
    uplink_status_t status;
    uplink_status (f->uplink, &status);
    assert_int_equal (status.state, UPLINK_HELLO);
    assert_true (status.hellos >= 2);
    uplink_on_readable (f->uplink);
    assert_int_equal (s_state (f->uplink), UPLINK_STREAMING);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == 1);
    assert_true (s_same (f->county, f->city));
}

/* With a retention window, acknowledged entries stay until it has passed. */
static void
test_retention (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county, 0, 100, 0);
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 1500);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == 1);
    double acked_at = s_now ();
    S_RUN_UNTIL (f, 10, s_log_first (f->county) == 2);
    assert_true (s_now () - acked_at > 1.2);
}

/* The parent goes away while the county goes on writing, and comes back:
   the uplink notices the silence, says HELLO until it is heard, and
   resumes where the parent stands. */
static void
test_resume_after_parent_restart (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county, 0, 3000, 0);
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 0);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == s_log_last (f->county));
    downlink_destroy (&f->downlink); /* the hub stops */
    for (int i = 0; i < 4; i++)
        s_ingest (f->county, 10000 + (uint64_t)i * 1000, 1000, 0);
    S_RUN_UNTIL (f, 10, s_state (f->uplink) == UPLINK_HELLO);
    for (int i = 0; i < 30; i++) /* the county keeps trying meanwhile */
        s_round (f);
    f->downlink = s_downlink (f, f->city, "city-370100", f->endpoint, "county-370102",
                              "370102", false);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == s_log_last (f->county));
    assert_true (s_same (f->county, f->city));
    uplink_status_t status;
    uplink_status (f->uplink, &status);
    assert_true (status.hellos >= 2);
    assert_int_equal (status.state, UPLINK_STREAMING);
}

/* A new parent (its store empty) needs entries that were pruned: the
   county sends a snapshot, then the log after it. */
static void
test_snapshot_to_new_parent (void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 3; i++)
        s_ingest (f->county, (uint64_t)i * 4000, 4000, 0);
    s_ingest (f->county, 0, 2000, 1); /* changes */
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 0);
    S_RUN_UNTIL (f, 20, s_log_first (f->county) == s_log_last (f->county) + 1);
    /* the city is rebuilt from nothing */
    downlink_destroy (&f->downlink);
    store_destroy (&f->city);
    char command[160];
    snprintf (command, sizeof command, "rm -rf '%s/city'", f->dir);
    assert_int_equal (system (command), 0);
    f->city = s_store (f, "city", "city-370100");
    f->downlink = s_downlink (f, f->city, "city-370100", f->endpoint, "county-370102",
                              "370102", false);
    S_RUN_UNTIL (f, 30,
                 s_state (f->uplink) == UPLINK_STREAMING && s_same (f->county, f->city));
    uplink_status_t status;
    uplink_status (f->uplink, &status);
    assert_int_equal (status.snapshots, 1);
    /* and the log goes on after the snapshot, the chain continuing */
    s_ingest (f->county, 50000, 500, 0);
    S_RUN_UNTIL (f, 20, s_acked (f->uplink) == s_log_last (f->county));
    assert_true (s_same (f->county, f->city));
    uint64_t seq, want;
    uint8_t hash[YW_HASH_SIZE], want_hash[YW_HASH_SIZE];
    store_origin_state (f->city, "county-370102", &seq, hash);
    store_origin_state (f->county, "county-370102", &want, want_hash);
    assert_int_equal (seq, want);
    assert_memory_equal (hash, want_hash, YW_HASH_SIZE);
    s_check (f->city);
}

/* A city that applied a county's snapshot has nothing of it in its log:
   its own parent gets a snapshot too, and the three converge. */
static void
test_relaying_hub_passes_snapshot_on (void **state)
{
    fixture_t *f = *state;
    /* county -> city (relaying) -> province */
    downlink_destroy (&f->downlink);
    f->downlink = s_downlink (f, f->city, "city-370100", f->endpoint, "county-370102",
                              "370102", true);
    f->province = s_store (f, "province", "province-370000");
    f->province_downlink = s_downlink (f, f->province, "province-370000",
                                       "tcp://127.0.0.1:*", "city-370100", "370100", false);
    char province_endpoint[256];
    snprintf (province_endpoint, sizeof province_endpoint, "%s",
              downlink_endpoint (f->province_downlink));
    f->city_uplink = s_uplink (f, f->city, "city-370100", province_endpoint, 0);
    s_ingest (f->county, 0, 3000, 0);
    f->uplink = s_uplink (f, f->county, "county-370102", f->endpoint, 0);
    S_RUN_UNTIL (f, 20, s_same (f->county, f->province));
    /* the county's log is pruned; the city is rebuilt */
    S_RUN_UNTIL (f, 20, s_log_first (f->county) == s_log_last (f->county) + 1);
    s_ingest (f->county, 10000, 1000, 0); /* the province has not seen these */
    uplink_destroy (&f->city_uplink);
    downlink_destroy (&f->downlink);
    store_destroy (&f->city);
    char command[160];
    snprintf (command, sizeof command, "rm -rf '%s/city'", f->dir);
    assert_int_equal (system (command), 0);
    f->city = s_store (f, "city", "city-370100");
    f->downlink = s_downlink (f, f->city, "city-370100", f->endpoint, "county-370102",
                              "370102", true);
    /* the rebuilt city says HELLO only after its snapshot from the county:
       its new log then starts past seq 1, which the province applied from
       the old city; the log id tells the province that this is another log */
    S_RUN_UNTIL (f, 30, s_same (f->county, f->city));
    f->city_uplink = s_uplink (f, f->city, "city-370100", province_endpoint, 0);
    S_RUN_UNTIL (f, 30, s_same (f->county, f->city) && s_same (f->county, f->province));
    /* and it goes on streaming through both levels */
    s_ingest (f->county, 20000, 700, 0);
    S_RUN_UNTIL (f, 30, s_same (f->county, f->province));
    s_check (f->city);
    s_check (f->province);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_stream_and_prune, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_retention, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_welcome_to_an_earlier_hello, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_resume_after_parent_restart, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot_to_new_parent, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_relaying_hub_passes_snapshot_on, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
