/*  test_downlink.c - a hub's downlink over real sockets on 127.0.0.1 and a
    real store, with a hand-driven child (a DEALER speaking the link
    protocol message by message): HELLO/WELCOME, batches applied and
    relayed verbatim, one transaction for several children, duplicates, gaps,
    jurisdiction rejections in the ACK, a batch that fails verification
    stopping the link, unknown nodes, malformed frames, a snapshot, and a
    car moving between counties converging in any order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "batch.h"
#include "codec.h"
#include "downlink.h"
#include "linkmsg.h"
#include "store.h"
#include "yw.h"

typedef struct {
    char dir[64];
    void *context;
    store_t *hub;       /* city-370100's store */
    store_t *county[2]; /* county-370102, county-370103 */
    downlink_t *downlink;
    void *child[2]; /* DEALERs, one per county */
    linkmsg_t msg;
    wire_buf_t buf;
} fixture_t;

static store_t *
s_store (const char *dir, const char *name, const char *id)
{
    char path[128];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    store_options_t options = {.dir = path, .node_id = id};
    store_t *store = NULL;
    char error[STORE_ERROR_SIZE];
    if (store_open (&options, &store, error))
        fail_msg ("store_open %s: %s", path, error);
    return store;
}

static void
s_vehicle (yw_record_t *record, uint64_t i, const char *region, unsigned variant)
{
    yw_record_reset (record, YW_KIND_VEHICLE);
    snprintf (record->object_code, sizeof record->object_code, "VH%020lluX",
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "%s", region);
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB%07lluX",
              (unsigned long long)(i % 7));
    yw_vehicle_t *v = &record->body.vehicle;
    snprintf (v->plate, sizeof v->plate, "鲁A%05llu", (unsigned long long)(i % 100000));
    snprintf (v->vin, sizeof v->vin, "LSVAU2180N%07llu", (unsigned long long)i);
    snprintf (v->category, sizeof v->category, "03");
    snprintf (v->status, sizeof v->status, "01");
    v->odometer_km = (int64_t)(i * 10 + variant);
    codec_record_hash (record, record->content_hash);
}

/* Ingests count cars from `first` into store; region_of (i) says where each is. */
static void
s_ingest (store_t *store, uint64_t first, size_t count, const char *(*region_of) (uint64_t),
          unsigned variant)
{
    yw_record_t *records = yw_malloc (count * sizeof *records);
    for (size_t i = 0; i < count; i++)
        s_vehicle (&records[i], first + i, region_of (first + i), variant);
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

static const char *
s_lixia (uint64_t i)
{
    (void)i;
    return "370102";
}

static const char *
s_shizhong (uint64_t i)
{
    (void)i;
    return "370103";
}

static const char *
s_mixed (uint64_t i)
{
    return i % 4 == 0 ? "370202" : "370102"; /* every 4th car is in 青岛 */
}

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/test_downlink-XXXXXX");
    assert_non_null (mkdtemp (f->dir));
    f->hub = s_store (f->dir, "city", "city-370100");
    f->county[0] = s_store (f->dir, "c102", "county-370102");
    f->county[1] = s_store (f->dir, "c103", "county-370103");
    f->context = zmq_ctx_new ();
    config_child_t children[2] = {{"county-370102", "370102"}, {"county-370103", "370103"}};
    downlink_options_t options = {.listen = "tcp://127.0.0.1:*",
                                  .node_id = "city-370100",
                                  .children = children,
                                  .child_count = 2,
                                  .relay = true,
                                  .heartbeat_ms = 5000,
                                  .credit = 8};
    char error[DOWNLINK_ERROR_SIZE];
    if (downlink_new (f->context, f->hub, &options, &f->downlink, error))
        fail_msg ("downlink_new: %s", error);
    for (int i = 0; i < 2; i++) {
        f->child[i] = zmq_socket (f->context, ZMQ_DEALER);
        int linger = 0;
        zmq_setsockopt (f->child[i], ZMQ_LINGER, &linger, sizeof linger);
        assert_int_equal (zmq_connect (f->child[i], downlink_endpoint (f->downlink)), 0);
    }
    linkmsg_init (&f->msg);
    wire_buf_init (&f->buf);
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 2; i++)
        zmq_close (f->child[i]);
    downlink_destroy (&f->downlink);
    zmq_ctx_term (f->context);
    store_destroy (&f->hub);
    store_destroy (&f->county[0]);
    store_destroy (&f->county[1]);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", f->dir);
    assert_int_equal (system (command), 0);
    linkmsg_free (&f->msg);
    wire_buf_free (&f->buf);
    free (f);
    return 0;
}

static void
s_send_raw (void *socket, const void *data, size_t size)
{
    assert_int_equal (zmq_send (socket, data, size, 0), (int)size);
}

static void
s_send (fixture_t *f, int child, linkmsg_t *msg)
{
    linkmsg_encode (msg, &f->buf);
    s_send_raw (f->child[child], f->buf.data, f->buf.size);
}

/* Receives the next message on a child, serving the downlink meanwhile.
   Returns false if none came in `ms`. */
static bool
s_receive (fixture_t *f, int child, int ms)
{
    for (int waited = 0; waited <= ms; waited += 10) {
        zmq_pollitem_t items[] = {{f->child[child], 0, ZMQ_POLLIN, 0},
                                  {downlink_socket (f->downlink), 0, ZMQ_POLLIN, 0}};
        zmq_poll (items, 2, 10);
        if (items[1].revents & ZMQ_POLLIN)
            downlink_on_readable (f->downlink);
        if (items[0].revents & ZMQ_POLLIN) {
            zmq_msg_t frame;
            zmq_msg_init (&frame);
            assert_true (zmq_msg_recv (&frame, f->child[child], 0) >= 0);
            char error[LINKMSG_ERROR_SIZE];
            int rc = linkmsg_decode (zmq_msg_data (&frame), zmq_msg_size (&frame), &f->msg,
                                     error);
            zmq_msg_close (&frame);
            if (rc)
                fail_msg ("child %d: undecodable reply: %s", child, error);
            return true;
        }
    }
    return false;
}

static void
s_expect (fixture_t *f, int child, linkmsg_type_t type)
{
    if (!s_receive (f, child, 5000))
        fail_msg ("child %d: no %s", child, linkmsg_type_name (type));
    if (f->msg.type != type)
        fail_msg (
            "child %d: %s (%s %s) instead of %s", child, linkmsg_type_name (f->msg.type),
            f->msg.type == LINKMSG_ERROR ? linkmsg_error_name (f->msg.error.code) : "",
            f->msg.type == LINKMSG_ERROR ? f->msg.error.message : "",
            linkmsg_type_name (type));
}

static void
s_hello (fixture_t *f, int child, const char *id)
{
    linkmsg_t hello;
    linkmsg_init (&hello);
    hello.type = LINKMSG_HELLO;
    hello.hello.protocol = LINK_PROTOCOL_VERSION;
    snprintf (hello.hello.node_id, sizeof hello.hello.node_id, "%s", id);
    store_t *store = f->county[child];
    store_log_range (store, &hello.hello.log_first, &hello.hello.log_last);
    hello.hello.nonce = 77;
    s_send (f, child, &hello);
}

/* A log entry of a county store, copied. */
typedef struct {
    uint8_t *data;
    size_t size;
} s_entry_t;

static int
s_copy_entry (void *arg, uint64_t seq, const uint8_t *batch, size_t size)
{
    (void)seq;
    s_entry_t *entry = arg;
    entry->data = yw_malloc (size);
    memcpy (entry->data, batch, size);
    entry->size = size;
    return 0;
}

static s_entry_t
s_entry (store_t *store, uint64_t seq)
{
    s_entry_t entry = {0};
    assert_int_equal (store_log_each (store, seq, 1, s_copy_entry, &entry), 0);
    assert_non_null (entry.data);
    return entry;
}

static void
s_send_batch (fixture_t *f, int child, uint64_t link_seq, uint64_t log_seq)
{
    s_entry_t entry = s_entry (f->county[child], log_seq);
    linkmsg_encode_batch (&f->buf, link_seq, entry.data, entry.size);
    s_send_raw (f->child[child], f->buf.data, f->buf.size);
    free (entry.data);
}

static int
s_count_object (void *arg, const char *code, const store_object_t *info)
{
    (void)code;
    (void)info;
    (*(size_t *)arg)++;
    return 0;
}

static size_t
s_objects (store_t *store)
{
    size_t count = 0;
    store_each_object (store, s_count_object, &count);
    return count;
}

/* HELLO, WELCOME; three batches; one ACK after one commit; the hub's log
   holds the county's batches byte for byte. */
static void
test_batches_applied_and_relayed (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 10000, s_lixia, 0); /* 3 batches: 4096 4096 1808 */
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    assert_int_equal (f->msg.welcome.nonce, 77);
    assert_int_equal (f->msg.welcome.next_expected, 1);
    assert_int_equal (f->msg.welcome.credit, 8);
    assert_false (f->msg.welcome.snapshot_needed);
    assert_string_equal (f->msg.welcome.node_id, "city-370100");
    for (uint64_t seq = 1; seq <= 3; seq++)
        s_send_batch (f, 0, seq, seq);
    usleep (100000); /* all three wait: one round, one transaction */
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 3);
    assert_int_equal (f->msg.ack.next_expected, 4);
    assert_int_equal (f->msg.ack.accepted, 10000);
    assert_int_equal (f->msg.ack.rejected, 0);
    downlink_stats_t stats;
    downlink_stats (f->downlink, &stats);
    assert_int_equal (stats.rounds, 1);
    assert_int_equal (s_objects (f->hub), 10000);
    uint64_t last;
    assert_int_equal (store_link_last (f->hub, "county-370102", &last), 0);
    assert_int_equal (last, 3);
    for (uint64_t seq = 1; seq <= 3; seq++) {
        s_entry_t mine = s_entry (f->county[0], seq), relayed = s_entry (f->hub, seq);
        assert_int_equal (mine.size, relayed.size);
        assert_memory_equal (mine.data, relayed.data, mine.size);
        free (mine.data);
        free (relayed.data);
    }
    store_check_report_t check;
    char error[STORE_ERROR_SIZE];
    if (store_check (f->hub, &check, error))
        fail_msg ("store_check: %s", error);
    downlink_child_status_t status;
    downlink_child_status (f->downlink, 0, &status);
    assert_int_equal (status.state, DOWNLINK_STREAMING);
    assert_int_equal (status.applied_seq, 3);
    assert_int_equal (status.accepted, 10000);

    /* a second HELLO (a reconnect) resumes where the hub stands */
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    assert_int_equal (f->msg.welcome.next_expected, 4);
}

/* Two children's batches waiting together go in one transaction. */
static void
test_group_commit_across_children (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 5000, s_lixia, 0);
    s_ingest (f->county[1], 100000, 5000, s_shizhong, 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    s_hello (f, 1, "county-370103");
    s_expect (f, 1, LINKMSG_WELCOME);
    downlink_stats_t before, after;
    downlink_stats (f->downlink, &before);
    for (uint64_t seq = 1; seq <= 2; seq++) {
        s_send_batch (f, 0, seq, seq);
        s_send_batch (f, 1, seq, seq);
    }
    usleep (100000);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 2);
    assert_int_equal (f->msg.ack.accepted, 5000);
    s_expect (f, 1, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 2);
    assert_int_equal (f->msg.ack.accepted, 5000);
    downlink_stats (f->downlink, &after);
    assert_int_equal (after.rounds - before.rounds, 1);
    assert_int_equal (s_objects (f->hub), 10000);
}

/* Duplicates are acknowledged and skipped; a gap is answered once with the
   expected seq, batches up to the resent one are dropped. */
static void
test_duplicates_and_gaps (void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 6; i++) /* six small batches */
        s_ingest (f->county[0], (uint64_t)i * 10, 10, s_lixia, 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 1);
    s_send_batch (f, 0, 1, 1); /* again */
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.duplicates, 1);
    assert_int_equal (f->msg.ack.accepted, 0);
    assert_int_equal (f->msg.ack.upto_link_seq, 1);

    s_send_batch (f, 0, 3, 3); /* 2 is missing */
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_GAP);
    assert_int_equal (f->msg.error.expected, 2);
    assert_int_equal (f->msg.error.link_seq, 3);
    assert_false (f->msg.error.fatal);
    s_send_batch (f, 0, 4, 4); /* in flight before the child heard: dropped */
    assert_false (s_receive (f, 0, 200));
    s_send_batch (f, 0, 2, 2); /* the child resends from 2 */
    s_send_batch (f, 0, 3, 3);
    usleep (50000);
    s_expect (f, 0, LINKMSG_ACK);
    if (f->msg.ack.upto_link_seq != 3) {
        s_expect (f, 0, LINKMSG_ACK);
        assert_int_equal (f->msg.ack.upto_link_seq, 3);
    }
    assert_int_equal (s_objects (f->hub), 30);

    /* an origin batch that came through another path (here: the same one
       under a new link seq) is acknowledged and skipped, the link moves on */
    s_send_batch (f, 0, 4, 2);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 4);
    assert_int_equal (f->msg.ack.duplicates, 1);
    /* but then origin batch 3 is behind: origin batch 5 has a gap */
    s_send_batch (f, 0, 5, 5);
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_ORIGIN_GAP);
    assert_true (f->msg.error.fatal);
    assert_non_null (strstr (f->msg.error.message, "gap, expected 4"));
    assert_int_equal (f->msg.error.link_seq, 5);
    assert_int_equal (s_objects (f->hub), 30);
}

/* Events outside the child's jurisdiction are refused with a reason in the
   ACK; the rest of the batch is applied. */
static void
test_jurisdiction (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 400, s_mixed, 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 1);
    assert_int_equal (f->msg.ack.accepted, 300);
    assert_int_equal (f->msg.ack.rejected, 100);
    assert_int_equal (f->msg.ack.rejection_count, LINKMSG_MAX_REJECTIONS);
    const linkmsg_rejection_t *r = &f->msg.ack.rejections[0];
    assert_int_equal (r->link_seq, 1);
    assert_string_equal (r->reason, "JURISDICTION");
    assert_int_equal (strlen (r->object_code), 23);
    assert_non_null (strstr (r->message, "jurisdiction"));
    assert_int_equal (s_objects (f->hub), 300);
    yw_record_t record;
    store_object_t info;
    assert_int_equal (store_get (f->hub, r->object_code, &record, &info), YW_ENOTFOUND);
}

/* Unknown nodes, sessions that do not exist, garbage and multi-frame
   messages get errors; a real child's session is not disturbed. */
static void
test_hostile_peers (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 10, s_lixia, 0);
    s_ingest (f->county[0], 10, 10, s_lixia, 0);
    s_ingest (f->county[1], 20, 10, s_shizhong, 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);

    s_hello (f, 1, "county-999999");
    s_expect (f, 1, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_UNKNOWN_NODE);
    s_send_batch (f, 1, 1, 1); /* no session on this connection */
    s_expect (f, 1, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_NO_SESSION);
    s_send_raw (f->child[1], "\xff\xff\xff", 3);
    s_expect (f, 1, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_MALFORMED);
    zmq_send (f->child[1], "a", 1, ZMQ_SNDMORE);
    zmq_send (f->child[1], "b", 1, 0);
    s_expect (f, 1, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_MALFORMED);
    linkmsg_t hello;
    linkmsg_init (&hello);
    hello.type = LINKMSG_HELLO;
    hello.hello.protocol = 99;
    strcpy (hello.hello.node_id, "county-370103");
    s_send (f, 1, &hello);
    s_expect (f, 1, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_PROTOCOL);
    /* a child that sends what only a parent sends */
    hello.type = LINKMSG_ACK;
    memset (&hello.ack, 0, sizeof hello.ack);
    s_send (f, 0, &hello);
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_PROTOCOL);

    /* and the real child goes on */
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.upto_link_seq, 1);
    assert_int_equal (f->msg.ack.accepted, 10);
    /* PING is answered with the nonce */
    hello.type = LINKMSG_PING;
    hello.ping = (linkmsg_ping_t){.nonce = 5, .log_last = 2};
    s_send (f, 0, &hello);
    s_expect (f, 0, LINKMSG_PONG);
    assert_int_equal (f->msg.ping.nonce, 5);
    downlink_stats_t stats;
    downlink_stats (f->downlink, &stats);
    assert_true (stats.malformed >= 2);
}

/* A batch that fails verification stops the link: nothing of it applied,
   every later batch gets the same fatal error, until HELLO. */
static void
test_invalid_batch_stops_link (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 50, s_lixia, 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    s_entry_t entry = s_entry (f->county[0], 1);
    entry.data[entry.size / 2] ^= 0x01; /* the hash no longer matches */
    linkmsg_encode_batch (&f->buf, 1, entry.data, entry.size);
    s_send_raw (f->child[0], f->buf.data, f->buf.size);
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_BATCH_INVALID);
    assert_true (f->msg.error.fatal);
    assert_int_equal (f->msg.error.link_seq, 1);
    assert_int_equal (s_objects (f->hub), 0);
    uint64_t first, last;
    store_log_range (f->hub, &first, &last);
    assert_int_equal (last, 0); /* nothing relayed */
    downlink_child_status_t status;
    downlink_child_status (f->downlink, 0, &status);
    assert_int_equal (status.state, DOWNLINK_STOPPED);
    assert_true (status.stopped[0]);
    usleep (1100000); /* the stopped error is repeated at most once a second */
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_BATCH_INVALID);
    /* an operator fixed things: HELLO, and the good batch goes in */
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    free (entry.data);
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.accepted, 50);
}

/* A car moves from 历下区 to 市中区: 历下区's next full export lacks it (a
   tombstone of its own claim), 市中区 records it. Whatever order the two
   arrive in, alone or in one transaction, the hub ends with 市中区's record,
   one live claim, indexed in 370103 only (DESIGN 4.4). */
typedef enum { S_DELETE_FIRST, S_RECORD_FIRST, S_ONE_ROUND } s_order_t;

static int
s_has_code (void *arg, const char *code)
{
    if (strcmp (code, arg) == 0)
        ((char *)arg)[0] = '!';
    return 0;
}

static bool
s_in_region (store_t *store, const char *region, const char *code)
{
    char mark[YW_OBJECT_CODE_SIZE];
    snprintf (mark, sizeof mark, "%s", code);
    store_find (store, STORE_BY_REGION, YW_KIND_VEHICLE, region, s_has_code, mark);
    return mark[0] == '!';
}

static void
s_move (fixture_t *f, s_order_t order)
{
    s_ingest (f->county[0], 0, 10, s_lixia, 0);      /* 历下区: cars 0-9 */
    s_ingest (f->county[1], 100, 10, s_shizhong, 0); /* 市中区: cars 100-109 */
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    s_hello (f, 1, "county-370103");
    s_expect (f, 1, LINKMSG_WELCOME);
    s_send_batch (f, 0, 1, 1);
    s_expect (f, 0, LINKMSG_ACK);
    s_send_batch (f, 1, 1, 1);
    s_expect (f, 1, LINKMSG_ACK);

    /* 历下区's full export without car 5: a tombstone of its claim */
    yw_record_t *records = yw_malloc (9 * sizeof *records);
    for (uint64_t i = 0, n = 0; i < 10; i++)
        if (i != 5)
            s_vehicle (&records[n++], i, "370102", 0);
    store_ingest_t full = {.source = "test",
                           .kind = YW_KIND_VEHICLE,
                           .import_id = 2,
                           .full = true,
                           .final = true,
                           .records = records,
                           .record_count = 9};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE];
    assert_int_equal (store_ingest (f->county[0], &full, 1, &report, error), 0);
    assert_int_equal (report.deleted, 1);
    free (records);
    /* 市中区 records car 5 */
    s_ingest (f->county[1], 5, 1, s_shizhong, 3);
    yw_record_t moved;
    s_vehicle (&moved, 5, "370103", 3);

    if (order == S_ONE_ROUND) {
        s_send_batch (f, 1, 2, 2);
        s_send_batch (f, 0, 2, 2);
        usleep (100000);
        s_expect (f, 0, LINKMSG_ACK);
        s_expect (f, 1, LINKMSG_ACK);
    }
    else {
        int first = order == S_DELETE_FIRST ? 0 : 1;
        s_send_batch (f, first, 2, 2);
        s_expect (f, first, LINKMSG_ACK);
        /* in between: the car is claimed live by one county, or by both */
        store_object_t info;
        assert_int_equal (store_get (f->hub, moved.object_code, NULL, &info), 0);
        assert_int_equal (info.live_claims, order == S_DELETE_FIRST ? 0 : 2);
        s_send_batch (f, 1 - first, 2, 2);
        s_expect (f, 1 - first, LINKMSG_ACK);
    }
    yw_record_t got;
    store_object_t info;
    assert_int_equal (store_get (f->hub, moved.object_code, &got, &info), 0);
    assert_false (info.deleted);
    assert_string_equal (info.origin_node, "county-370103");
    assert_string_equal (info.region_code, "370103");
    assert_int_equal (info.claims, 2);
    assert_int_equal (info.live_claims, 1);
    assert_memory_equal (got.content_hash, moved.content_hash, YW_HASH_SIZE);
    assert_true (s_in_region (f->hub, "370103", moved.object_code));
    assert_false (s_in_region (f->hub, "370102", moved.object_code));
    store_check_report_t check;
    if (store_check (f->hub, &check, error))
        fail_msg ("store_check: %s", error);
}

static void
test_move_delete_first (void **state)
{
    s_move (*state, S_DELETE_FIRST);
}

static void
test_move_record_first (void **state)
{
    s_move (*state, S_RECORD_FIRST);
}

static void
test_move_one_round (void **state)
{
    s_move (*state, S_ONE_ROUND);
}

static int
s_chunk_claim (void *arg, const uint8_t *record, size_t size)
{
    linkmsg_chunk_add (arg, record, size);
    return 0;
}

/* A snapshot sent by hand: BEGIN, chunks of store_snapshot_next, END. */
static void
test_snapshot_receive (void **state)
{
    fixture_t *f = *state;
    s_ingest (f->county[0], 0, 3000, s_lixia, 0);
    s_ingest (f->county[0], 0, 1000, s_lixia, 1); /* 1000 changed: newer versions */
    char error[STORE_ERROR_SIZE];
    assert_int_equal (store_log_prune (f->county[0], 1, error), 0);
    s_hello (f, 0, "county-370102");
    s_expect (f, 0, LINKMSG_WELCOME);
    assert_true (f->msg.welcome.snapshot_needed); /* seq 1 is pruned */
    assert_int_equal (f->msg.welcome.next_expected, 1);

    store_snapshot_t *snapshot;
    uint64_t log_seq, objects;
    assert_int_equal (
        store_snapshot_open (f->county[0], &snapshot, &log_seq, &objects, error), 0);
    assert_int_equal (objects, 3000);
    uint64_t first, last;
    store_log_range (f->county[0], &first, &last);
    assert_int_equal (log_seq, last);
    /* what happens after the snapshot is taken is not in it */
    s_ingest (f->county[0], 5000, 10, s_lixia, 0);

    linkmsg_t msg;
    linkmsg_init (&msg);
    msg.type = LINKMSG_SNAPSHOT_BEGIN;
    msg.snapshot_begin = (linkmsg_snapshot_begin_t){
        .snapshot_id = 9, .log_seq = log_seq, .objects = objects};
    s_send (f, 0, &msg);
    bool done = false;
    uint64_t chunks = 0;
    while (!done) {
        size_t mark = linkmsg_chunk_begin (&f->buf, 9, chunks + 1);
        size_t before = f->buf.size;
        assert_int_equal (store_snapshot_next (snapshot, 700, 1 << 20, s_chunk_claim,
                                               &f->buf, &done, error),
                          0);
        if (f->buf.size == before)
            break;
        linkmsg_chunk_end (&f->buf, mark);
        s_send_raw (f->child[0], f->buf.data, f->buf.size);
        chunks++;
        s_expect (f, 0, LINKMSG_SNAPSHOT_ACK);
        assert_int_equal (f->msg.snapshot_ack.upto_chunk, chunks);
        assert_false (f->msg.snapshot_ack.done);
    }
    assert_int_equal (chunks, 5); /* 3000 claims, 700 a chunk */
    store_origin_t *origins;
    size_t count;
    assert_int_equal (store_snapshot_origins (snapshot, &origins, &count), 0);
    assert_int_equal (count, 1);
    assert_string_equal (origins[0].origin_node, "county-370102");
    linkmsg_origin_t origin = {.origin_seq = origins[0].seq};
    strcpy (origin.origin_node, origins[0].origin_node);
    memcpy (origin.hash, origins[0].hash, YW_HASH_SIZE);
    free (origins);
    store_snapshot_destroy (&snapshot);
    msg.type = LINKMSG_SNAPSHOT_END;
    msg.snapshot_end = (linkmsg_snapshot_end_t){.snapshot_id = 9,
                                                .chunks = chunks,
                                                .claims = 3000,
                                                .origins = &origin,
                                                .origin_count = 1};
    s_send (f, 0, &msg);
    msg.snapshot_end.origins = NULL; /* not the codec's to free */
    s_expect (f, 0, LINKMSG_SNAPSHOT_ACK);
    assert_true (f->msg.snapshot_ack.done);
    assert_int_equal (f->msg.snapshot_ack.next_expected, log_seq + 1);
    assert_int_equal (s_objects (f->hub), 3000);
    /* the newer versions won: the hub's records are the county's */
    for (uint64_t i = 0; i < 3000; i += 499) {
        yw_record_t want, got;
        store_object_t info;
        s_vehicle (&want, i, "370102", i < 1000 ? 1 : 0);
        assert_int_equal (store_get (f->hub, want.object_code, &got, &info), 0);
        assert_memory_equal (got.content_hash, want.content_hash, YW_HASH_SIZE);
        assert_string_equal (info.origin_node, "county-370102");
    }
    /* then the log goes on after the snapshot's seq, the chain continuing */
    s_send_batch (f, 0, log_seq + 1, log_seq + 1);
    s_expect (f, 0, LINKMSG_ACK);
    assert_int_equal (f->msg.ack.accepted, 10);
    assert_int_equal (s_objects (f->hub), 3010);
    /* a chunk out of order ends the snapshot with an error */
    msg.type = LINKMSG_SNAPSHOT_BEGIN;
    s_send (f, 0, &msg);
    size_t mark = linkmsg_chunk_begin (&f->buf, 9, 2);
    linkmsg_chunk_end (&f->buf, mark);
    s_send_raw (f->child[0], f->buf.data, f->buf.size);
    s_expect (f, 0, LINKMSG_ERROR);
    assert_int_equal (f->msg.error.code, LINK_SNAPSHOT);
    linkmsg_free (&msg);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_batches_applied_and_relayed, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_group_commit_across_children, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_duplicates_and_gaps, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_jurisdiction, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_hostile_peers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_invalid_batch_stops_link, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot_receive, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_move_delete_first, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_move_record_first, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_move_one_round, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
