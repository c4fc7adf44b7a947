/*  test_linkmsg.c - the link's messages: every type round-trips, agrees
    with stock protobuf (protobuf-c) both ways, and hostile frames are
    refused with a message that names the message and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linkmsg.h"
#include "yiwang.pb-c.h"
#include "yw.h"

typedef struct {
    linkmsg_t in, out;
    wire_buf_t buf;
    char error[LINKMSG_ERROR_SIZE];
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    linkmsg_init (&f->in);
    linkmsg_init (&f->out);
    wire_buf_init (&f->buf);
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    linkmsg_free (&f->out);
    wire_buf_free (&f->buf);
    free (f);
    return 0;
}

/* Encodes f->in, decodes it into f->out and checks stock protobuf reads it. */
static Yiwang__LinkMessage *
s_round_trip (fixture_t *f)
{
    linkmsg_encode (&f->in, &f->buf);
    assert_int_equal (linkmsg_decode (f->buf.data, f->buf.size, &f->out, f->error), 0);
    assert_int_equal (f->out.type, f->in.type);
    Yiwang__LinkMessage *stock =
        yiwang__link_message__unpack (NULL, f->buf.size, f->buf.data);
    assert_non_null (stock);
    assert_int_equal ((int)stock->body_case, (int)f->in.type);
    return stock;
}

static void
test_hello_welcome (void **state)
{
    fixture_t *f = *state;
    f->in.type = LINKMSG_HELLO;
    f->in.hello = (linkmsg_hello_t){.protocol = LINK_PROTOCOL_VERSION,
                                    .node_id = "county-370102",
                                    .jurisdiction = "370102",
                                    .log_first = 7,
                                    .log_last = 123456789012ull,
                                    .nonce = UINT64_MAX,
                                    .log_id = 0x1234567890abcdefull};
    Yiwang__LinkMessage *stock = s_round_trip (f);
    const linkmsg_hello_t *h = &f->out.hello;
    assert_int_equal (h->protocol, LINK_PROTOCOL_VERSION);
    assert_string_equal (h->node_id, "county-370102");
    assert_string_equal (h->jurisdiction, "370102");
    assert_int_equal (h->log_first, 7);
    assert_true (h->log_last == 123456789012ull && h->nonce == UINT64_MAX);
    assert_true (h->log_id == 0x1234567890abcdefull);
    assert_string_equal (stock->hello->node_id, "county-370102");
    assert_true (stock->hello->nonce == UINT64_MAX);
    assert_true (stock->hello->log_last == 123456789012ull);
    yiwang__link_message__free_unpacked (stock, NULL);

    memset (&f->in, 0, sizeof f->in);
    f->in.type = LINKMSG_WELCOME;
    f->in.welcome = (linkmsg_welcome_t){.protocol = 1,
                                        .node_id = "city-370100",
                                        .nonce = 42,
                                        .next_expected = 1,
                                        .credit = 32,
                                        .max_batch_events = 65536,
                                        .max_batch_bytes = 64 << 20,
                                        .heartbeat_ms = 1000,
                                        .snapshot_needed = true};
    stock = s_round_trip (f);
    const linkmsg_welcome_t *w = &f->out.welcome;
    assert_string_equal (w->node_id, "city-370100");
    assert_true (w->protocol == 1 && w->nonce == 42 && w->next_expected == 1 &&
                 w->credit == 32 && w->max_batch_events == 65536 &&
                 w->max_batch_bytes == 64 << 20 && w->heartbeat_ms == 1000 &&
                 w->snapshot_needed);
    assert_true (stock->welcome->snapshot_needed);
    assert_int_equal (stock->welcome->credit, 32);
    yiwang__link_message__free_unpacked (stock, NULL);
}

static void
test_batch_verbatim (void **state)
{
    fixture_t *f = *state;
    uint8_t payload[5000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7);
    linkmsg_encode_batch (&f->buf, 99, payload, sizeof payload);
    assert_int_equal (linkmsg_decode (f->buf.data, f->buf.size, &f->out, f->error), 0);
    assert_int_equal (f->out.type, LINKMSG_BATCH);
    assert_int_equal (f->out.batch.link_seq, 99);
    assert_int_equal (f->out.batch.size, sizeof payload);
    assert_memory_equal (f->out.batch.origin_batch, payload, sizeof payload);
    /* zero copy: the decoded batch points into the frame */
    assert_true (f->out.batch.origin_batch > f->buf.data &&
                 f->out.batch.origin_batch < f->buf.data + f->buf.size);

    /* what protobuf-c packs, the codec reads */
    Yiwang__LinkBatch batch = YIWANG__LINK_BATCH__INIT;
    batch.link_seq = 5;
    batch.origin_batch.data = payload;
    batch.origin_batch.len = 10;
    Yiwang__LinkMessage message = YIWANG__LINK_MESSAGE__INIT;
    message.body_case = YIWANG__LINK_MESSAGE__BODY_BATCH;
    message.batch = &batch;
    uint8_t packed[64];
    size_t size = yiwang__link_message__pack (&message, packed);
    assert_int_equal (linkmsg_decode (packed, size, &f->out, f->error), 0);
    assert_int_equal (f->out.batch.link_seq, 5);
    assert_memory_equal (f->out.batch.origin_batch, payload, 10);
}

static void
test_ack_and_error (void **state)
{
    fixture_t *f = *state;
    f->in.type = LINKMSG_ACK;
    linkmsg_ack_t *ack = &f->in.ack;
    ack->upto_link_seq = 10;
    ack->accepted = 4000;
    ack->stale = 3;
    ack->duplicates = 1;
    ack->rejected = 100;
    ack->credit = 16;
    ack->next_expected = 11;
    for (size_t i = 0; i < LINKMSG_MAX_REJECTIONS; i++) {
        linkmsg_rejection_t *r = &ack->rejections[i];
        r->link_seq = 9 + i % 2;
        snprintf (r->object_code, sizeof r->object_code, "VH%020zuK", i);
        strcpy (r->reason, "JURISDICTION");
        strcpy (r->message, "region 370202 outside the sender's jurisdiction 370102 区划");
    }
    ack->rejection_count = LINKMSG_MAX_REJECTIONS;
    Yiwang__LinkMessage *stock = s_round_trip (f);
    const linkmsg_ack_t *a = &f->out.ack;
    assert_int_equal (a->rejection_count, LINKMSG_MAX_REJECTIONS);
    assert_true (a->upto_link_seq == 10 && a->accepted == 4000 && a->stale == 3 &&
                 a->duplicates == 1 && a->rejected == 100 && a->credit == 16 &&
                 a->next_expected == 11);
    for (size_t i = 0; i < LINKMSG_MAX_REJECTIONS; i++) {
        assert_int_equal (a->rejections[i].link_seq, ack->rejections[i].link_seq);
        assert_string_equal (a->rejections[i].object_code, ack->rejections[i].object_code);
        assert_string_equal (a->rejections[i].message, ack->rejections[i].message);
    }
    assert_int_equal (stock->ack->n_rejections, LINKMSG_MAX_REJECTIONS);
    assert_string_equal (stock->ack->rejections[3]->reason, "JURISDICTION");
    yiwang__link_message__free_unpacked (stock, NULL);

    memset (&f->in, 0, sizeof f->in);
    f->in.type = LINKMSG_ERROR;
    f->in.error = (linkmsg_error_t){.code = LINK_GAP,
                                    .message = "link county seq 12: gap, expected 11",
                                    .link_seq = 12,
                                    .expected = 11};
    stock = s_round_trip (f);
    assert_int_equal (f->out.error.code, LINK_GAP);
    assert_string_equal (f->out.error.message, f->in.error.message);
    assert_true (f->out.error.link_seq == 12 && f->out.error.expected == 11 &&
                 !f->out.error.fatal);
    assert_int_equal (stock->error->code, YIWANG__LINK_ERROR_CODE__LINK_GAP);
    yiwang__link_message__free_unpacked (stock, NULL);

    /* an error code from a newer peer is kept as unspecified */
    Yiwang__LinkError error = YIWANG__LINK_ERROR__INIT;
    error.code = 77;
    error.message = "future";
    Yiwang__LinkMessage message = YIWANG__LINK_MESSAGE__INIT;
    message.body_case = YIWANG__LINK_MESSAGE__BODY_ERROR;
    message.error = &error;
    uint8_t packed[64];
    size_t size = yiwang__link_message__pack (&message, packed);
    assert_int_equal (linkmsg_decode (packed, size, &f->out, f->error), 0);
    assert_int_equal (f->out.error.code, LINK_ERROR_UNSPECIFIED);
    assert_string_equal (f->out.error.message, "future");
}

static void
test_ping_pong (void **state)
{
    fixture_t *f = *state;
    f->in.type = LINKMSG_PONG;
    f->in.ping = (linkmsg_ping_t){.nonce = 3, .log_last = 4};
    Yiwang__LinkMessage *stock = s_round_trip (f);
    assert_int_equal (f->out.ping.nonce, 3);
    assert_int_equal (f->out.ping.log_last, 4);
    assert_int_equal (stock->pong->nonce, 3);
    yiwang__link_message__free_unpacked (stock, NULL);
    /* an all-default PING is an empty body: still one PING */
    f->in.type = LINKMSG_PING;
    f->in.ping = (linkmsg_ping_t){0};
    stock = s_round_trip (f);
    yiwang__link_message__free_unpacked (stock, NULL);
}

static void
test_snapshot (void **state)
{
    fixture_t *f = *state;
    f->in.type = LINKMSG_SNAPSHOT_BEGIN;
    f->in.snapshot_begin =
        (linkmsg_snapshot_begin_t){.snapshot_id = 8, .log_seq = 77, .objects = 3};
    Yiwang__LinkMessage *stock = s_round_trip (f);
    assert_true (f->out.snapshot_begin.snapshot_id == 8 &&
                 f->out.snapshot_begin.log_seq == 77 && f->out.snapshot_begin.objects == 3);
    yiwang__link_message__free_unpacked (stock, NULL);

    /* a chunk built claim by claim */
    const char *claims[] = {"\x0a\x03"
                            "abc",
                            "\x0a\x01z", "\x0a\x02zz"};
    size_t mark = linkmsg_chunk_begin (&f->buf, 8, 2);
    for (int i = 0; i < 3; i++)
        linkmsg_chunk_add (&f->buf, (const uint8_t *)claims[i], strlen (claims[i]));
    linkmsg_chunk_end (&f->buf, mark);
    assert_int_equal (linkmsg_decode (f->buf.data, f->buf.size, &f->out, f->error), 0);
    assert_int_equal (f->out.type, LINKMSG_SNAPSHOT_CHUNK);
    assert_int_equal (f->out.snapshot_chunk.chunk_seq, 2);
    assert_int_equal (f->out.snapshot_chunk.claim_count, 3);
    for (int i = 0; i < 3; i++)
        assert_memory_equal (f->out.snapshot_chunk.claims[i], claims[i],
                             strlen (claims[i]));
    stock = yiwang__link_message__unpack (NULL, f->buf.size, f->buf.data);
    assert_non_null (stock);
    assert_int_equal (stock->snapshot_chunk->n_claims, 3);
    assert_string_equal (stock->snapshot_chunk->claims[0]->object_code, "abc");
    yiwang__link_message__free_unpacked (stock, NULL);

    /* the end carries the origin table */
    memset (&f->in, 0, sizeof f->in);
    linkmsg_origin_t origins[2] = {{.origin_node = "county-370102", .origin_seq = 5},
                                   {.origin_node = "city-370100", .origin_seq = 1}};
    memset (origins[0].hash, 0xab, YW_HASH_SIZE);
    f->in.type = LINKMSG_SNAPSHOT_END;
    f->in.snapshot_end = (linkmsg_snapshot_end_t){
        .snapshot_id = 8, .chunks = 2, .claims = 3, .origins = origins, .origin_count = 2};
    stock = s_round_trip (f);
    assert_int_equal (f->out.snapshot_end.origin_count, 2);
    for (int i = 0; i < 2; i++) {
        const linkmsg_origin_t *o = &f->out.snapshot_end.origins[i];
        assert_string_equal (o->origin_node, origins[i].origin_node);
        assert_int_equal (o->origin_seq, origins[i].origin_seq);
        assert_memory_equal (o->hash, origins[i].hash, YW_HASH_SIZE);
    }
    assert_int_equal (stock->snapshot_end->n_origins, 2);
    yiwang__link_message__free_unpacked (stock, NULL);

    memset (&f->in, 0, sizeof f->in);
    f->in.type = LINKMSG_SNAPSHOT_ACK;
    linkmsg_snapshot_ack_t *ack = &f->in.snapshot_ack;
    ack->snapshot_id = 8;
    ack->upto_chunk = 2;
    ack->credit = 4;
    ack->accepted = 3;
    ack->done = true;
    ack->next_expected = 78;
    ack->rejection_count = 1;
    strcpy (ack->rejections[0].reason, "JURISDICTION");
    stock = s_round_trip (f);
    const linkmsg_snapshot_ack_t *a = &f->out.snapshot_ack;
    assert_true (a->snapshot_id == 8 && a->upto_chunk == 2 && a->credit == 4 &&
                 a->accepted == 3 && a->done && a->next_expected == 78);
    assert_int_equal (a->rejection_count, 1);
    assert_string_equal (a->rejections[0].reason, "JURISDICTION");
    yiwang__link_message__free_unpacked (stock, NULL);
}

/* Unknown fields inside a message are skipped: a newer peer may add some. */
static void
test_unknown_fields_skipped (void **state)
{
    fixture_t *f = *state;
    wire_buf_t inner;
    wire_buf_init (&inner);
    wire_put_varint (&inner, 1, 1);
    wire_put_string (&inner, 2, "county-370102");
    wire_put_varint (&inner, 99, 5);
    wire_put_string (&inner, 100, "later");
    wire_put_bytes (&f->buf, LINKMSG_HELLO, inner.data, inner.size);
    assert_int_equal (linkmsg_decode (f->buf.data, f->buf.size, &f->out, f->error), 0);
    assert_string_equal (f->out.hello.node_id, "county-370102");
    wire_buf_free (&inner);
}

typedef struct {
    const char *name;
    const char *bytes; /* hex */
    int rc;
    const char *message; /* a part of the error text */
} hostile_t;

static size_t
s_unhex (const char *hex, uint8_t *out)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned byte;
        sscanf (hex, "%2x", &byte);
        out[n++] = (uint8_t)byte;
    }
    return n;
}

static void
test_hostile_frames (void **state)
{
    fixture_t *f = *state;
    static const hostile_t cases[] = {
        {"empty", "", YW_EPARSE, "empty"},
        {"truncated tag", "80", YW_EPARSE, "truncated"},
        {"two bodies",
         "0a00"
         "3200",
         YW_EPARSE, "more than one body"},
        {"unknown body", "6200", YW_EPARSE, "unknown body field 12"},
        {"body as varint", "0801", YW_EPARSE, "wire type 0"},
        {"field 0", "0200", YW_EPARSE, "truncated or bad tag"},
        {"group wire type", "0b", YW_EPARSE, "truncated"},
        {"length past end",
         "0a05"
         "0801",
         YW_EPARSE, "truncated"},
        {"hello without id",
         "0a02"
         "0801",
         YW_EPARSE, "no node_id"},
        {"hello id not an id",
         "0a05"
         "1203"
         "612062",
         YW_EPARSE, "not a node id"},
        {"hello id wrong type",
         "0a02"
         "1001",
         YW_EPARSE, "HELLO.node_id: wrong wire type"},
        {"hello region not digits",
         "0a0a"
         "1201"
         "61"
         "1a05"
         "3337303130",
         YW_EPARSE, "not 6 digits"},
        {"hello bad utf-8",
         "0a04"
         "1202"
         "c328",
         YW_EPARSE, "not UTF-8"},
        {"hello nul in id",
         "0a04"
         "1202"
         "6100",
         YW_EPARSE, "not UTF-8"},
        {"hello overlong varint",
         "0a0c"
         "0880808080808080808080"
         "01",
         YW_EPARSE, "truncated"},
        {"protocol over uint32",
         "0a09"
         "1201"
         "61"
         "0880808080 10",
         YW_EPARSE, "uint32"},
        {"batch without seq",
         "1a03"
         "1201"
         "ff",
         YW_EPARSE, "no link_seq"},
        {"batch seq 0",
         "1a05"
         "0800"
         "1201"
         "ff",
         YW_EPARSE, "no link_seq"},
        {"batch without payload",
         "1a02"
         "0805",
         YW_EPARSE, "no origin_batch"},
        {"batch payload as varint",
         "1a04"
         "0805"
         "1001",
         YW_EPARSE, "wrong wire type"},
        {"ack rejection as varint",
         "2202"
         "3001",
         YW_EPARSE, "wrong wire type"},
        {"chunk without seq",
         "4a02"
         "0801",
         YW_EPARSE, "no chunk_seq"},
        {"chunk empty claim",
         "4a04"
         "1001"
         "1a00",
         YW_EPARSE, "a claim of 0 bytes"},
        {"end origin without hash",
         "5205"
         "2203"
         "0a0161",
         YW_EPARSE, "no hash"},
        {"end origin short hash",
         "5209"
         "2207"
         "0a0161"
         "1a0201 02",
         YW_EPARSE, "2 bytes"},
        {"error message too long", NULL, YW_ETOOBIG, "ERROR.message"},
        {"ack with too many rejections", NULL, YW_ETOOBIG, "more than 32 rejections"},
    };
    uint8_t bytes[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const hostile_t *c = &cases[i];
        size_t size;
        if (c->bytes) {
            char hex[512];
            size_t n = 0;
            for (const char *p = c->bytes; *p; p++)
                if (*p != ' ')
                    hex[n++] = *p;
            hex[n] = '\0';
            size = s_unhex (hex, bytes);
        }
        else if (strstr (c->name, "message")) {
            wire_buf_t inner;
            wire_buf_init (&inner);
            char text[LINKMSG_TEXT + 1];
            memset (text, 'x', LINKMSG_TEXT);
            text[LINKMSG_TEXT] = '\0';
            wire_put_string (&inner, 2, text);
            f->buf.size = 0;
            wire_put_bytes (&f->buf, LINKMSG_ERROR, inner.data, inner.size);
            wire_buf_free (&inner);
            memcpy (bytes, f->buf.data, f->buf.size);
            size = f->buf.size;
        }
        else {
            wire_buf_t inner;
            wire_buf_init (&inner);
            for (int r = 0; r <= LINKMSG_MAX_REJECTIONS; r++)
                wire_put_bytes (&inner, 6, "\x08\x01", 2);
            f->buf.size = 0;
            wire_put_bytes (&f->buf, LINKMSG_ACK, inner.data, inner.size);
            wire_buf_free (&inner);
            memcpy (bytes, f->buf.data, f->buf.size);
            size = f->buf.size;
        }
        f->error[0] = '\0';
        int rc = linkmsg_decode (bytes, size, &f->out, f->error);
        if (rc != c->rc || !strstr (f->error, c->message))
            fail_msg ("%s: rc %d (want %d), error \"%s\" (want \"%s\")", c->name, rc, c->rc,
                      f->error, c->message);
        assert_int_equal (f->out.type, LINKMSG_NONE);
    }
}

/* Every prefix of a valid frame is refused or decodes to something sane,
   and never reads past the end (ASan watches). */
static void
test_truncations (void **state)
{
    fixture_t *f = *state;
    f->in.type = LINKMSG_ACK;
    f->in.ack.upto_link_seq = 1000;
    f->in.ack.rejection_count = 3;
    for (int i = 0; i < 3; i++) {
        strcpy (f->in.ack.rejections[i].reason, "EVENT_HASH");
        strcpy (f->in.ack.rejections[i].message, "content hash does not match");
    }
    linkmsg_encode (&f->in, &f->buf);
    for (size_t n = 0; n < f->buf.size; n++) {
        uint8_t *copy = yw_malloc (n ? n : 1);
        memcpy (copy, f->buf.data, n);
        assert_int_not_equal (linkmsg_decode (copy, n, &f->out, f->error), 0);
        free (copy);
    }
}

static void
test_text_cut (void **state)
{
    (void)state;
    char out[8];
    linkmsg_text (out, sizeof out, "ab\ncd");
    assert_string_equal (out, "ab?cd");
    linkmsg_text (out, sizeof out, "区划区划"); /* 3 bytes each: two fit in 7 */
    assert_string_equal (out, "区划");
    linkmsg_text (out, sizeof out, "a\xff\xfe");
    assert_string_equal (out, "a??");
    assert_string_equal (linkmsg_type_name (LINKMSG_SNAPSHOT_ACK), "SNAPSHOT_ACK");
    assert_string_equal (linkmsg_error_name (LINK_ORIGIN_GAP), "LINK_ORIGIN_GAP");
    assert_string_equal (linkmsg_type_name ((linkmsg_type_t)99), "UNKNOWN");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_hello_welcome, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_batch_verbatim, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_ack_and_error, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_ping_pong, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_snapshot, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_unknown_fields_skipped, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_hostile_frames, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_truncations, s_setup, s_teardown),
        cmocka_unit_test (test_text_cut),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
