/*  test_adapter.c - the external-adapter SDK against a real ZeroMQ peer.

    The peer is a ROUTER on tcp://127.0.0.1 in a thread of the test. It speaks
    the ingest protocol for real: it decodes every IngestBatch with protobuf-c
    and answers with IngestReports made from what it decoded (rows, rows
    minus one new, one unchanged, the batch's rejections counted by reason and
    echoed). It keeps the batches it received, which the test reads after
    joining the thread. Anything the peer finds wrong with the framing or the
    frames is counted in `faults`, as cmocka cannot assert off the main
    thread. The test thread and the peer thread talk over an inproc pipe.
*/
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <zmq.h>

#include "adapter.h"
#include "yiwang.pb-c.h"
#include "yw.h"

typedef enum {
    PEER_ANSWER,  /* answer every batch at once */
    PEER_SILENT,  /* never answer */
    PEER_HOLD,    /* answer only with `hold` batches waiting, to see the window */
    PEER_REFUSE,  /* answer status YW_ESTORE with a message */
    PEER_GARBAGE, /* answer bytes that are no IngestReport */
    PEER_UNFRAMED /* answer without the empty delimiter */
} peer_mode_t;

#define PEER_MAX_BATCHES 64

typedef struct {
    void *context;
    peer_mode_t mode;
    size_t hold;   /* PEER_HOLD: batches to hold before answering */
    size_t expect; /* PEER_HOLD: batches of the run */
    bool keep;     /* keep the decoded batches */
    pthread_t thread;
    void *pipe; /* test side of the control pipe */
    char endpoint[128];
    /* Results; read by the test only after the thread ends. */
    size_t batches;
    Yiwang__IngestBatch *kept[PEER_MAX_BATCHES];
    size_t rows[PEER_MAX_BATCHES]; /* rows of each batch */
    size_t rejections[PEER_MAX_BATCHES];
    size_t frame_size[PEER_MAX_BATCHES];
    size_t max_in_flight;
    int faults;
} peer_t;

typedef struct {
    zmq_msg_t identity;
    uint8_t *report;
    size_t size;
} peer_reply_t;

/* The report a node might give: every row counts, all but one new, one
   unchanged, rejections by reason, the first two echoed. */
static uint8_t *
s_report_for (const Yiwang__IngestBatch *batch, peer_mode_t mode, size_t *size)
{
    Yiwang__IngestReport report = YIWANG__INGEST_REPORT__INIT;
    Yiwang__ReasonCount counts[8];
    Yiwang__ReasonCount *count_refs[8];
    if (mode == PEER_REFUSE) {
        report.status = YW_ESTORE;
        report.error = "store is on fire";
    }
    else {
        report.rows = batch->n_rows + batch->n_rejections;
        report.new_ = batch->n_rows ? batch->n_rows - 1 : 0;
        report.unchanged = batch->n_rows ? 1 : 0;
        report.rejected = batch->n_rejections;
        report.deleted = batch->final && batch->full ? 7 : 0;
        for (size_t i = 0; i < batch->n_rejections; i++) {
            size_t j = 0;
            while (j < report.n_reasons &&
                   strcmp (counts[j].reason, batch->rejections[i]->reason))
                j++;
            if (j == report.n_reasons) {
                if (j == 8)
                    continue;
                yiwang__reason_count__init (&counts[j]);
                counts[j].reason = batch->rejections[i]->reason;
                count_refs[j] = &counts[j];
                report.n_reasons++;
            }
            counts[j].count++;
        }
        report.reasons = count_refs;
        report.n_rejections = batch->n_rejections < 2 ? batch->n_rejections : 2;
        report.rejections = batch->rejections;
    }
    *size = yiwang__ingest_report__get_packed_size (&report);
    uint8_t *bytes = yw_malloc (*size);
    yiwang__ingest_report__pack (&report, bytes);
    return bytes;
}

/* Receives one request, [identity][empty][IngestBatch], and queues its reply. */
static void
s_peer_receive (peer_t *peer, void *router, peer_reply_t *queue, size_t *queued)
{
    peer_reply_t *reply = &queue[*queued];
    zmq_msg_t delimiter, body;
    zmq_msg_init (&reply->identity);
    zmq_msg_init (&delimiter);
    zmq_msg_init (&body);
    zmq_msg_recv (&reply->identity, router, 0);
    zmq_msg_recv (&delimiter, router, 0);
    if (zmq_msg_size (&delimiter) != 0 || !zmq_msg_more (&delimiter))
        peer->faults++;
    zmq_msg_recv (&body, router, 0);
    if (zmq_msg_more (&body))
        peer->faults++;
    Yiwang__IngestBatch *batch = yiwang__ingest_batch__unpack (
        NULL, zmq_msg_size (&body), (const uint8_t *)zmq_msg_data (&body));
    size_t n = peer->batches;
    if (!batch || n == PEER_MAX_BATCHES) {
        peer->faults++;
        zmq_msg_close (&reply->identity);
        if (batch)
            yiwang__ingest_batch__free_unpacked (batch, NULL);
    }
    else {
        peer->batches++;
        peer->rows[n] = batch->n_rows;
        peer->rejections[n] = batch->n_rejections;
        peer->frame_size[n] = zmq_msg_size (&body);
        reply->report = s_report_for (batch, peer->mode, &reply->size);
        if (peer->mode == PEER_GARBAGE) {
            /* field 1 with wire type 7: no protobuf decoder accepts it */
            reply->report[0] = 0x0F;
            reply->size = 1;
        }
        (*queued)++;
        if (peer->keep)
            peer->kept[n] = batch;
        else
            yiwang__ingest_batch__free_unpacked (batch, NULL);
    }
    zmq_msg_close (&delimiter);
    zmq_msg_close (&body);
}

static void
s_peer_answer (peer_t *peer, void *router, peer_reply_t *queue, size_t *queued)
{
    peer_reply_t *reply = &queue[0];
    zmq_msg_send (&reply->identity, router, ZMQ_SNDMORE);
    if (peer->mode != PEER_UNFRAMED)
        zmq_send (router, "", 0, ZMQ_SNDMORE);
    zmq_send (router, reply->report, reply->size, 0);
    free (reply->report);
    (*queued)--;
    memmove (queue, queue + 1, *queued * sizeof *queue);
}

static void *
s_peer_run (void *arg)
{
    peer_t *peer = arg;
    void *pipe = zmq_socket (peer->context, ZMQ_PAIR);
    zmq_connect (pipe, "inproc://peer");
    void *router = zmq_socket (peer->context, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt (router, ZMQ_LINGER, &linger, sizeof linger);
    char endpoint[128] = "";
    size_t size = sizeof endpoint;
    if (zmq_bind (router, "tcp://127.0.0.1:*") == 0)
        zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &size);
    zmq_send (pipe, endpoint, strlen (endpoint), 0); /* ready */

    peer_reply_t *queue = yw_calloc (PEER_MAX_BATCHES, sizeof *queue);
    size_t queued = 0;
    while (true) {
        bool may_answer = queued > 0 && peer->mode != PEER_SILENT;
        if (peer->mode == PEER_HOLD)
            may_answer =
                may_answer && (queued >= peer->hold || peer->batches == peer->expect);
        /* Holding a full window, give an adapter that would overrun it a
           moment to show itself before answering. */
        long timeout = !may_answer ? 10000 : peer->mode == PEER_HOLD ? 100 : 0;
        zmq_pollitem_t items[] = {{pipe, 0, ZMQ_POLLIN, 0}, {router, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll (items, 2, timeout) < 0)
            break;
        if (items[0].revents & ZMQ_POLLIN)
            break;
        if (items[1].revents & ZMQ_POLLIN) {
            s_peer_receive (peer, router, queue, &queued);
            if (queued > peer->max_in_flight)
                peer->max_in_flight = queued;
        }
        else if (may_answer)
            s_peer_answer (peer, router, queue, &queued);
    }
    for (size_t i = 0; i < queued; i++) {
        zmq_msg_close (&queue[i].identity);
        free (queue[i].report);
    }
    free (queue);
    zmq_close (router);
    zmq_close (pipe);
    return NULL;
}

static peer_t *
peer_start (peer_mode_t mode)
{
    peer_t *peer = yw_calloc (1, sizeof *peer);
    peer->mode = mode;
    peer->keep = true;
    peer->context = zmq_ctx_new ();
    peer->pipe = zmq_socket (peer->context, ZMQ_PAIR);
    assert_int_equal (zmq_bind (peer->pipe, "inproc://peer"), 0);
    return peer;
}

/* Starts the thread and waits until the ROUTER is bound. */
static void
peer_go (peer_t *peer)
{
    assert_int_equal (pthread_create (&peer->thread, NULL, s_peer_run, peer), 0);
    int size = zmq_recv (peer->pipe, peer->endpoint, sizeof peer->endpoint - 1, 0);
    assert_true (size > 0);
    peer->endpoint[size] = '\0';
}

static void
peer_stop (peer_t *peer)
{
    zmq_send (peer->pipe, "stop", 4, 0);
    pthread_join (peer->thread, NULL);
}

static void
peer_destroy (peer_t **peer_p)
{
    peer_t *peer = *peer_p;
    for (size_t i = 0; i < peer->batches; i++)
        if (peer->kept[i])
            yiwang__ingest_batch__free_unpacked (peer->kept[i], NULL);
    zmq_close (peer->pipe);
    zmq_ctx_term (peer->context);
    free (peer);
    *peer_p = NULL;
}

/* Sends rows numbered 1..count, each with a vin and a plate naming it. */
static void
s_send_rows (adapter_t *adapter, size_t count)
{
    for (size_t i = 1; i <= count; i++) {
        char vin[32], plate[32];
        snprintf (vin, sizeof vin, "VIN%014zu", i);
        snprintf (plate, sizeof plate, "鲁A%05zu", i);
        assert_int_equal (adapter_row_begin (adapter, i + 1), 0);
        assert_int_equal (adapter_row_field (adapter, "vin", vin), 0);
        assert_int_equal (adapter_row_field (adapter, "plate", plate), 0);
        assert_int_equal (adapter_row_end (adapter), 0);
    }
}

static void
test_batches_at_n_rows (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_batch_rows (adapter, 5), 0);
    assert_int_equal (adapter_set_region (adapter, "370102"), 0);
    s_send_rows (adapter, 12);
    assert_int_equal (adapter_finish (adapter, false), 0);
    assert_string_equal (adapter_error (adapter), "");
    uint64_t import_id = adapter_import_id (adapter);
    assert_true (import_id != 0);
    const adapter_report_t *report = adapter_report (adapter);
    assert_int_equal (report->batches, 3);
    assert_int_equal (report->rows, 12);
    peer_stop (peer);

    assert_int_equal (peer->faults, 0);
    assert_int_equal (peer->batches, 3);
    const size_t sizes[] = {5, 5, 2};
    uint64_t line = 2;
    for (size_t i = 0; i < 3; i++) {
        const Yiwang__IngestBatch *batch = peer->kept[i];
        assert_int_equal (batch->n_rows, sizes[i]);
        assert_int_equal (batch->final, i == 2);
        assert_false (batch->full);
        assert_int_equal (batch->import_id, import_id);
        assert_int_equal (batch->kind, YIWANG__KIND__VEHICLE);
        assert_string_equal (batch->source, "county-fleet");
        assert_string_equal (batch->region, "370102");
        assert_int_equal (batch->n_records, 0);
        for (size_t r = 0; r < batch->n_rows; r++)
            assert_int_equal (batch->rows[r]->line, line++);
    }
    adapter_destroy (&adapter);
    assert_null (adapter);
    adapter_destroy (&adapter);
    peer_destroy (&peer);
}

/* A run of exactly k * N rows ends with a full final batch, not an empty one;
   an empty run sends one empty final batch; `full` travels on the final. */
static void
test_final_batch (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_batch_rows (adapter, 5), 0);
    s_send_rows (adapter, 10);
    assert_int_equal (adapter_finish (adapter, true), 0);
    assert_int_equal (adapter_report (adapter)->deleted, 7);
    uint64_t first_id = adapter_import_id (adapter);
    adapter_destroy (&adapter);

    adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_true (adapter_import_id (adapter) != first_id);
    assert_int_equal (adapter_finish (adapter, true), 0);
    assert_int_equal (adapter_report (adapter)->batches, 1);
    assert_int_equal (adapter_report (adapter)->rows, 0);
    adapter_destroy (&adapter);
    peer_stop (peer);

    assert_int_equal (peer->faults, 0);
    assert_int_equal (peer->batches, 3);
    assert_int_equal (peer->rows[0], 5);
    assert_int_equal (peer->rows[1], 5);
    assert_false (peer->kept[0]->final);
    assert_true (peer->kept[1]->final);
    assert_true (peer->kept[1]->full);
    assert_int_equal (peer->rows[2], 0);
    assert_true (peer->kept[2]->final);
    assert_true (peer->kept[2]->full);
    assert_string_equal (peer->kept[2]->region, "");
    peer_destroy (&peer);
}

static void
test_fields_preserved (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_row_begin (adapter, 7), 0);
    assert_int_equal (adapter_row_field (adapter, "plate", "鲁Ａ１２３４５"), 0);
    assert_int_equal (adapter_row_field (adapter, "category", " 执法执勤车辆 "), 0);
    assert_int_equal (adapter_row_field (adapter, "purchase_date", "2021年7月3日"), 0);
    /* not a field of a vehicle: refused, the row goes on without it */
    assert_int_equal (adapter_row_field (adapter, "building_area", "120"), YW_EINVAL);
    assert_non_null (strstr (adapter_error (adapter), "building_area"));
    assert_int_equal (adapter_row_field (adapter, "vim", "x"), YW_EINVAL);
    assert_int_equal (adapter_row_field (adapter, "purchase_price", ""), 0);
    assert_int_equal (adapter_row_field (adapter, "unit_code", NULL), 0);
    assert_int_equal (adapter_row_field (adapter, "region_code", "370102"), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    assert_int_equal (adapter_row_begin (adapter, 9), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    assert_int_equal (adapter_finish (adapter, false), 0);
    adapter_destroy (&adapter);
    peer_stop (peer);

    assert_int_equal (peer->batches, 1);
    const Yiwang__IngestBatch *batch = peer->kept[0];
    assert_int_equal (batch->n_rows, 2);
    const Yiwang__RawRow *row = batch->rows[0];
    assert_int_equal (row->line, 7);
    const char *expected[][2] = {
        {"plate", "鲁Ａ１２３４５"},
        {"category", " 执法执勤车辆 "},
        {"purchase_date", "2021年7月3日"},
        {"region_code", "370102"},
    };
    /* empty values are not sent: the node takes them for no value */
    assert_int_equal (row->n_fields, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal (row->fields[i]->name, expected[i][0]);
        assert_string_equal (row->fields[i]->value, expected[i][1]);
    }
    assert_int_equal (batch->rows[1]->line, 9);
    assert_int_equal (batch->rows[1]->n_fields, 0);
    peer_destroy (&peer);
}

static void
test_report_summed (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_batch_rows (adapter, 4), 0);
    /* 12 rows and 4 rejections: batches of 4 items each */
    for (uint64_t line = 2; line < 18; line++) {
        if (line % 4 == 0) {
            const char *reason = line % 8 == 0 ? "BAD_CSV" : "MISSING";
            assert_int_equal (adapter_reject (adapter, line, line % 8 ? "vin" : "", reason,
                                              "a|b", "column count 2, not 3"),
                              0);
            continue;
        }
        assert_int_equal (adapter_row_begin (adapter, line), 0);
        assert_int_equal (adapter_row_field (adapter, "vin", "LSVAU2180N2183294"), 0);
        assert_int_equal (adapter_row_end (adapter), 0);
    }
    /* refused before anything is sent */
    assert_int_equal (adapter_reject (adapter, 99, "vim", "MISSING", NULL, NULL),
                      YW_EINVAL);
    assert_int_equal (adapter_reject (adapter, 99, "", "", NULL, NULL), YW_EINVAL);
    assert_int_equal (adapter_reject (adapter, 99, "", NULL, NULL, NULL), YW_EINVAL);
    assert_int_equal (adapter_finish (adapter, false), 0);

    const adapter_report_t *report = adapter_report (adapter);
    assert_int_equal (report->batches, 4);
    assert_int_equal (report->rows, 16);
    assert_int_equal (report->rejected, 4);
    /* each batch with rows: all new but one unchanged */
    assert_int_equal (report->unchanged, 4);
    assert_int_equal (report->added, 12 - 4);
    assert_int_equal (report->changed, 0);
    assert_int_equal (report->deleted, 0);
    assert_int_equal (report->reason_count, 2);
    assert_string_equal (report->reasons[0].reason, "MISSING");
    assert_int_equal (report->reasons[0].count, 2);
    assert_string_equal (report->reasons[1].reason, "BAD_CSV");
    assert_int_equal (report->reasons[1].count, 2);
    assert_int_equal (report->sample_count, 4);
    assert_int_equal (report->samples[0].line, 4);
    assert_string_equal (report->samples[0].field, "vin");
    assert_string_equal (report->samples[0].reason, "MISSING");
    assert_string_equal (report->samples[0].value, "a|b");
    assert_string_equal (report->samples[0].message, "column count 2, not 3");
    assert_int_equal (report->samples[1].line, 8);
    assert_string_equal (report->samples[1].field, "");
    adapter_destroy (&adapter);
    peer_stop (peer);

    assert_int_equal (peer->faults, 0);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal (peer->rows[i] + peer->rejections[i], 4);
        for (size_t j = 0; j < peer->kept[i]->n_rejections; j++)
            assert_string_equal (peer->kept[i]->rejections[j]->source, "county-fleet");
    }
    peer_destroy (&peer);
}

/* A value over YW_MAX_FIELD turns its row into a TOO_LONG rejection that
   keeps the start of the value; the rows around it are untouched. */
static void
test_too_long (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    char *big = yw_malloc (YW_MAX_FIELD + 100);
    /* 3-byte characters, so the cut must back off to a character boundary */
    for (size_t i = 0; i + 3 < YW_MAX_FIELD + 100; i += 3)
        memcpy (big + i, "鲁", 3);
    big[(YW_MAX_FIELD + 100) / 3 * 3 - 3] = '\0';
    s_send_rows (adapter, 1);
    assert_int_equal (adapter_row_begin (adapter, 3), 0);
    assert_int_equal (adapter_row_field (adapter, "vin", "LSVAU2180N2183294"), 0);
    assert_int_equal (adapter_row_field (adapter, "brand_model", big), 0);
    assert_int_equal (adapter_row_field (adapter, "plate", "鲁A12345"), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    assert_int_equal (adapter_row_begin (adapter, 4), 0);
    for (int i = 0; i <= YW_MAX_COLUMNS; i++)
        assert_int_equal (adapter_row_field (adapter, "plate", "鲁A12345"), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    s_send_rows (adapter, 1);
    assert_int_equal (adapter_finish (adapter, false), 0);
    adapter_destroy (&adapter);
    peer_stop (peer);

    const Yiwang__IngestBatch *batch = peer->kept[0];
    assert_int_equal (batch->n_rows, 2);
    assert_int_equal (batch->n_rejections, 2);
    const Yiwang__Rejection *reject = batch->rejections[0];
    assert_int_equal (reject->line, 3);
    assert_string_equal (reject->field, "brand_model");
    assert_string_equal (reject->reason, "TOO_LONG");
    assert_int_equal (strlen (reject->value), YW_MAX_FIELD / 3 * 3);
    assert_memory_equal (reject->value, big, YW_MAX_FIELD / 3 * 3);
    assert_non_null (strstr (reject->message, "brand_model"));
    reject = batch->rejections[1];
    assert_int_equal (reject->line, 4);
    assert_string_equal (reject->field, "");
    assert_string_equal (reject->reason, "TOO_LONG");
    free (big);
    peer_destroy (&peer);
}

/* The node refuses a whole batch with text that is not UTF-8, so such a row
   goes as a BAD_ENCODING rejection, its bad bytes shown as \xNN; values and
   messages of client rejections are made readable the same way. */
static void
test_bad_encoding (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_row_begin (adapter, 2), 0);
    assert_int_equal (adapter_row_field (adapter, "vin", "LSVAU2180N2183294"), 0);
    /* 公 in GBK (B9 AB), as an untranscoded export has it; then a stray E9 */
    assert_int_equal (adapter_row_field (adapter, "plate",
                                         "\xB9\xAB"
                                         "A12345"),
                      0);
    assert_int_equal (adapter_row_end (adapter), 0);
    assert_int_equal (adapter_row_begin (adapter, 3), 0);
    assert_int_equal (adapter_row_field (adapter, "brand_model", "红旗\xE9"), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    assert_int_equal (
        adapter_reject (adapter, 4, "plate", "PLATE_FORMAT", "\xFF鲁", "bad \xC0 byte"), 0);
    assert_int_equal (adapter_reject (adapter, 5, "", "BAD\xFF", NULL, NULL), YW_EINVAL);
    assert_int_equal (adapter_finish (adapter, false), 0);
    adapter_destroy (&adapter);
    peer_stop (peer);

    const Yiwang__IngestBatch *batch = peer->kept[0];
    assert_int_equal (batch->n_rows, 0);
    assert_int_equal (batch->n_rejections, 3);
    assert_string_equal (batch->rejections[0]->field, "plate");
    assert_string_equal (batch->rejections[0]->reason, "BAD_ENCODING");
    assert_string_equal (batch->rejections[0]->value, "\\xB9\\xABA12345");
    assert_non_null (strstr (batch->rejections[0]->message, "byte 1 (0xB9)"));
    assert_string_equal (batch->rejections[1]->value, "红旗\\xE9");
    assert_non_null (strstr (batch->rejections[1]->message, "byte 7 (0xE9)"));
    assert_string_equal (batch->rejections[2]->value, "\\xFF鲁");
    assert_string_equal (batch->rejections[2]->message, "bad \\xC0 byte");
    peer_destroy (&peer);

    /* the source name is every batch's, so it must be right from the start */
    adapter = adapter_new ("tcp://127.0.0.1:1", "feed\xFF", YW_KIND_VEHICLE);
    assert_int_equal (adapter_finish (adapter, false), YW_EINVAL);
    adapter_destroy (&adapter);
    char long_name[300];
    memset (long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    adapter = adapter_new ("tcp://127.0.0.1:1", long_name, YW_KIND_VEHICLE);
    assert_int_equal (adapter_finish (adapter, false), YW_EINVAL);
    adapter_destroy (&adapter);
}

static double
s_seconds (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* A peer that takes batches and never answers: the run ends in
   YW_ETIMEOUT after the timeout, and stays ended. */
static void
test_timeout_silent_peer (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_SILENT);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_timeout (adapter, 200), 0);
    assert_int_equal (adapter_set_batch_rows (adapter, 2), 0);
    assert_int_equal (adapter_set_window (adapter, 2), 0);
    double start = s_seconds ();
    int rc = 0;
    /* the third batch waits for the first report */
    for (uint64_t line = 1; !rc && line <= 10; line++) {
        rc = adapter_row_begin (adapter, line);
        if (!rc)
            rc = adapter_row_end (adapter);
    }
    assert_int_equal (rc, YW_ETIMEOUT);
    double waited = s_seconds () - start;
    assert_true (waited >= 0.15 && waited < 5);
    assert_non_null (strstr (adapter_error (adapter), peer->endpoint));
    assert_non_null (strstr (adapter_error (adapter), "200 ms"));
    assert_int_equal (adapter_row_begin (adapter, 11), YW_ETIMEOUT);
    assert_int_equal (adapter_row_field (adapter, "vin", "x"), YW_ETIMEOUT);
    assert_int_equal (adapter_reject (adapter, 12, "", "MISSING", NULL, NULL), YW_ETIMEOUT);
    assert_int_equal (adapter_finish (adapter, false), YW_ETIMEOUT);
    assert_int_equal (adapter_report (adapter)->batches, 0);
    adapter_destroy (&adapter);
    peer_stop (peer);
    assert_int_equal (peer->batches, 2);
    peer_destroy (&peer);
}

/* Nothing listening at all: same, at adapter_finish. */
static void
test_timeout_no_peer (void **state)
{
    (void)state;
    /* a port that was just free: bind, learn it, close */
    void *context = zmq_ctx_new ();
    void *probe = zmq_socket (context, ZMQ_ROUTER);
    assert_int_equal (zmq_bind (probe, "tcp://127.0.0.1:*"), 0);
    char endpoint[128];
    size_t size = sizeof endpoint;
    zmq_getsockopt (probe, ZMQ_LAST_ENDPOINT, endpoint, &size);
    zmq_close (probe);
    zmq_ctx_term (context);

    adapter_t *adapter = adapter_new (endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_timeout (adapter, 100), 0);
    s_send_rows (adapter, 3);
    double start = s_seconds ();
    assert_int_equal (adapter_finish (adapter, false), YW_ETIMEOUT);
    assert_true (s_seconds () - start < 5);
    assert_non_null (strstr (adapter_error (adapter), "is yiwang-node running"));
    adapter_destroy (&adapter);
}

static void
s_check_window (size_t window)
{
    peer_t *peer = peer_start (PEER_HOLD);
    peer->hold = window;
    peer->expect = 10;
    peer->keep = false;
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    assert_int_equal (adapter_set_batch_rows (adapter, 4), 0);
    assert_int_equal (adapter_set_window (adapter, window), 0);
    s_send_rows (adapter, 40);
    assert_int_equal (adapter_finish (adapter, false), 0);
    assert_int_equal (adapter_report (adapter)->batches, 10);
    assert_int_equal (adapter_report (adapter)->rows, 40);
    adapter_destroy (&adapter);
    peer_stop (peer);
    assert_int_equal (peer->faults, 0);
    assert_int_equal (peer->batches, 10);
    /* the peer answers only with a full window: that the window filled shows
       pipelining, that it never overflowed shows the bound */
    assert_int_equal (peer->max_in_flight, window);
    peer_destroy (&peer);
}

static void
test_window_bound (void **state)
{
    (void)state;
    s_check_window (3);
    s_check_window (1);
}

static void
test_node_refuses (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_REFUSE);
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    s_send_rows (adapter, 3);
    assert_int_equal (adapter_finish (adapter, false), YW_ESTORE);
    assert_non_null (strstr (adapter_error (adapter), "store is on fire"));
    assert_int_equal (adapter_row_begin (adapter, 9), YW_ESTORE);
    adapter_destroy (&adapter);
    peer_stop (peer);
    peer_destroy (&peer);
}

static void
test_malformed_reports (void **state)
{
    (void)state;
    const peer_mode_t modes[] = {PEER_GARBAGE, PEER_UNFRAMED};
    for (size_t i = 0; i < 2; i++) {
        peer_t *peer = peer_start (modes[i]);
        peer_go (peer);
        adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
        assert_int_equal (adapter_set_timeout (adapter, 5000), 0);
        s_send_rows (adapter, 3);
        assert_int_equal (adapter_finish (adapter, false), YW_EPEER);
        assert_non_null (strstr (adapter_error (adapter), peer->endpoint));
        adapter_destroy (&adapter);
        peer_stop (peer);
        peer_destroy (&peer);
    }
}

static void
test_bad_arguments (void **state)
{
    (void)state;
    adapter_t *adapter = adapter_new ("no-such-transport://x", "feed", YW_KIND_VEHICLE);
    assert_non_null (adapter);
    assert_int_equal (adapter_row_begin (adapter, 1), YW_EINVAL);
    assert_int_equal (adapter_finish (adapter, false), YW_EINVAL);
    assert_non_null (strstr (adapter_error (adapter), "no-such-transport://x"));
    adapter_destroy (&adapter);

    adapter = adapter_new ("tcp://127.0.0.1:1", "", YW_KIND_OFFICE_BUILDING);
    assert_int_equal (adapter_finish (adapter, false), YW_EINVAL);
    assert_non_null (strstr (adapter_error (adapter), "source"));
    adapter_destroy (&adapter);

    adapter = adapter_new ("tcp://127.0.0.1:1", "feed", YW_KIND_RECEPTION_FILING);
    assert_int_equal (adapter_set_batch_rows (adapter, 0), YW_EINVAL);
    assert_int_equal (adapter_set_batch_rows (adapter, YW_MAX_BATCH_ROWS + 1), YW_EINVAL);
    assert_int_equal (adapter_set_batch_rows (adapter, YW_MAX_BATCH_ROWS), 0);
    assert_int_equal (adapter_set_window (adapter, 0), YW_EINVAL);
    assert_int_equal (adapter_set_window (adapter, ADAPTER_MAX_WINDOW + 1), YW_EINVAL);
    assert_int_equal (adapter_set_timeout (adapter, -2), YW_EINVAL);
    assert_int_equal (adapter_set_timeout (adapter, -1), 0);
    assert_int_equal (adapter_set_region (adapter, "37010"), YW_EINVAL);
    assert_int_equal (adapter_set_region (adapter, "37010x"), YW_EINVAL);
    assert_int_equal (adapter_set_region (adapter, ""), 0);
    /* a filing has no vin */
    assert_int_equal (adapter_row_begin (adapter, 1), 0);
    assert_int_equal (adapter_row_field (adapter, "vin", "x"), YW_EINVAL);
    assert_int_equal (adapter_row_field (adapter, "filing_no", "x"), 0);
    assert_int_equal (adapter_row_end (adapter), 0);
    adapter_destroy (&adapter);
}

/* Rows of 512 values of YW_MAX_FIELD bytes (2 MiB each): the batch is cut
   before its frame could pass YW_MAX_FRAME, long before N rows. */
static void
test_frame_limit (void **state)
{
    (void)state;
    peer_t *peer = peer_start (PEER_ANSWER);
    peer->keep = false;
    peer_go (peer);
    adapter_t *adapter = adapter_new (peer->endpoint, "county-fleet", YW_KIND_VEHICLE);
    char *value = yw_malloc (YW_MAX_FIELD + 1);
    memset (value, 'x', YW_MAX_FIELD);
    value[YW_MAX_FIELD] = '\0';
    const size_t rows = 40;
    for (size_t line = 1; line <= rows; line++) {
        assert_int_equal (adapter_row_begin (adapter, line), 0);
        for (int i = 0; i < YW_MAX_COLUMNS; i++)
            assert_int_equal (adapter_row_field (adapter, "brand_model", value), 0);
        assert_int_equal (adapter_row_end (adapter), 0);
    }
    assert_int_equal (adapter_finish (adapter, false), 0);
    free (value);
    adapter_destroy (&adapter);
    peer_stop (peer);

    assert_int_equal (peer->faults, 0);
    assert_true (peer->batches >= 2);
    size_t total = 0;
    for (size_t i = 0; i < peer->batches; i++) {
        assert_true (peer->frame_size[i] <= YW_MAX_FRAME);
        assert_int_equal (peer->rejections[i], 0);
        total += peer->rows[i];
    }
    assert_int_equal (total, rows);
    /* the first batch was nearly full: cut for size, not early */
    assert_true (peer->frame_size[0] >
                 YW_MAX_FRAME - 2 * (YW_MAX_COLUMNS * (YW_MAX_FIELD + 32)));
    peer_destroy (&peer);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_batches_at_n_rows),
        cmocka_unit_test (test_final_batch),
        cmocka_unit_test (test_fields_preserved),
        cmocka_unit_test (test_report_summed),
        cmocka_unit_test (test_too_long),
        cmocka_unit_test (test_bad_encoding),
        cmocka_unit_test (test_timeout_silent_peer),
        cmocka_unit_test (test_timeout_no_peer),
        cmocka_unit_test (test_window_bound),
        cmocka_unit_test (test_node_refuses),
        cmocka_unit_test (test_malformed_reports),
        cmocka_unit_test (test_bad_arguments),
        cmocka_unit_test (test_frame_limit),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
