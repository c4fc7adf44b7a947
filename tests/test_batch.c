/*  test_batch.c - origin batches: build, read back, agree with stock protobuf,
    and refuse every malformed form with a message that names the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "batch.h"
#include "codec.h"
#include "yiwang.pb-c.h"
#include "yw.h"

/* An encoded vehicle event; `i` makes it unique. */
static size_t
s_event (int i, uint8_t *out, size_t out_size)
{
    yw_record_t record;
    yw_record_reset (&record, YW_KIND_VEHICLE);
    snprintf (record.object_code, sizeof record.object_code, "VH%020dK", i);
    strcpy (record.region_code, "370102");
    strcpy (record.unit_code, "11370000MB0000000X");
    strcpy (record.origin_node, "370102");
    record.version = 1700000000000ull << 16 | (unsigned)i;
    snprintf (record.body.vehicle.plate, sizeof record.body.vehicle.plate, "鲁A%05d", i);
    strcpy (record.body.vehicle.vin, "LSVAU2180N2183293");
    strcpy (record.body.vehicle.category, "03");
    record.body.vehicle.odometer_km = 1000 + i;
    codec_record_hash (&record, record.content_hash);
    int size = codec_record_encode (&record, out, out_size);
    assert_true (size > 0);
    return (size_t)size;
}

/* Builds a batch of `events` events into a fresh malloc'ed copy. */
static uint8_t *
s_build (int events, const uint8_t *signature, size_t signature_size, size_t *size)
{
    batch_builder_t *builder = batch_builder_new ();
    uint8_t prev[YW_HASH_SIZE] = {0}, hash[YW_HASH_SIZE];
    assert_int_equal (batch_builder_start (builder, "370102", 7, prev), 0);
    uint8_t event[YW_RECORD_MAX_ENCODED];
    for (int i = 0; i < events; i++) {
        size_t event_size = s_event (i, event, sizeof event);
        assert_int_equal (batch_builder_add (builder, event, event_size), 0);
    }
    const uint8_t *data;
    assert_int_equal (batch_builder_finish (builder, signature, signature_size, NULL, 0,
                                            hash, &data, size),
                      0);
    uint8_t *copy = yw_malloc (*size);
    memcpy (copy, data, *size);
    batch_builder_destroy (&builder);
    assert_null (builder);
    return copy;
}

static void
test_round_trip (void **state)
{
    (void)state;
    batch_builder_t *builder = batch_builder_new ();
    uint8_t prev[YW_HASH_SIZE];
    memset (prev, 0xab, sizeof prev);
    assert_int_equal (batch_builder_start (builder, "370102", 42, prev), 0);
    uint8_t events[3][YW_RECORD_MAX_ENCODED];
    size_t sizes[3];
    for (int i = 0; i < 3; i++) {
        sizes[i] = s_event (i, events[i], sizeof events[i]);
        assert_int_equal (batch_builder_add (builder, events[i], sizes[i]), 0);
    }
    assert_int_equal (batch_builder_events (builder), 3);
    uint8_t hash[YW_HASH_SIZE];
    const uint8_t *data;
    size_t size;
    assert_int_equal (batch_builder_finish (builder, NULL, 0, NULL, 0, hash, &data, &size),
                      0);

    batch_t batch;
    char error[BATCH_ERROR_SIZE] = "";
    assert_int_equal (batch_read (data, size, &batch, error), 0);
    assert_string_equal (batch.origin_node, "370102");
    assert_int_equal (batch.origin_seq, 42);
    assert_memory_equal (batch.prev_hash, prev, YW_HASH_SIZE);
    assert_memory_equal (batch.hash, hash, YW_HASH_SIZE);
    assert_int_equal (batch.event_count, 3);
    assert_null (batch.signature);
    assert_null (batch.certificate);
    /* the hash covers everything before field 5 (tag, length 32, hash) */
    assert_int_equal (batch.hashed_size, size - 2 - YW_HASH_SIZE);
    uint8_t expect[YW_HASH_SIZE];
    SHA256 (data, batch.hashed_size, expect);
    assert_memory_equal (expect, hash, YW_HASH_SIZE);

    for (int pass = 0; pass < 2; pass++) {
        const uint8_t *event;
        size_t event_size;
        for (int i = 0; i < 3; i++) {
            assert_true (batch_next_event (&batch, &event, &event_size));
            assert_int_equal (event_size, sizes[i]);
            assert_memory_equal (event, events[i], sizes[i]);
            yw_record_t record;
            assert_int_equal (codec_record_decode (event, event_size, &record, NULL), 0);
            assert_int_equal (record.body.vehicle.odometer_km, 1000 + i);
        }
        assert_false (batch_next_event (&batch, &event, &event_size));
        batch_rewind (&batch);
    }

    /* the builder is reusable */
    assert_int_equal (batch_builder_start (builder, "370103", 1, prev), 0);
    assert_int_equal (batch_builder_events (builder), 0);
    assert_int_equal (batch_builder_add (builder, events[0], sizes[0]), 0);
    assert_int_equal (batch_builder_finish (builder, NULL, 0, NULL, 0, hash, &data, &size),
                      0);
    assert_int_equal (batch_read (data, size, &batch, error), 0);
    assert_string_equal (batch.origin_node, "370103");
    batch_builder_destroy (&builder);
    batch_builder_destroy (&builder); /* idempotent */
}

/* protobuf-c's generated code (stock protobuf) decodes what the builder
   wrote, and re-serializing with hash cleared gives the hashed bytes: the
   recipe another implementation follows. */
static void
test_stock_protobuf_agrees (void **state)
{
    (void)state;
    uint8_t signature[64];
    memset (signature, 0x5a, sizeof signature);
    size_t size;
    uint8_t *data = s_build (5, signature, sizeof signature, &size);
    Yiwang__OriginBatch *message = yiwang__origin_batch__unpack (NULL, size, data);
    assert_non_null (message);
    assert_string_equal (message->origin_node, "370102");
    assert_int_equal (message->origin_seq, 7);
    assert_int_equal (message->n_events, 5);
    assert_string_equal (message->events[4]->vehicle->plate, "鲁A00004");
    assert_int_equal (message->signature.len, 64);
    /* protobuf-c writes the same bytes back: the builder's form is canonical */
    uint8_t *packed = yw_malloc (size);
    assert_int_equal (yiwang__origin_batch__pack (message, packed), size);
    assert_memory_equal (packed, data, size);
    /* and with hash and signature cleared, exactly the hashed bytes */
    message->hash.len = 0;
    message->signature.len = 0;
    size_t hashed = yiwang__origin_batch__pack (message, packed);
    batch_t batch;
    assert_int_equal (batch_read (data, size, &batch, NULL), 0);
    assert_int_equal (hashed, batch.hashed_size);
    assert_memory_equal (packed, data, hashed);
    assert_memory_equal (batch.signature, signature, sizeof signature);
    yiwang__origin_batch__free_unpacked (message, NULL);
    free (packed);
    free (data);
}

/* `protoc --decode` reads a batch with nothing but proto/yiwang.proto. */
static void
test_protoc_decodes (void **state)
{
    (void)state;
    const char *source = getenv ("YW_SOURCE_DIR");
    if (!source || system ("protoc --version >/dev/null 2>&1") != 0) {
        skip ();
        return;
    }
    char dir[] = "/tmp/test_batch-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char path[256], command[1024];
    snprintf (path, sizeof path, "%s/batch.bin", dir);
    size_t size;
    uint8_t *data = s_build (2, NULL, 0, &size);
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    assert_int_equal (fwrite (data, 1, size, file), size);
    fclose (file);
    free (data);
    snprintf (command, sizeof command,
              "protoc --proto_path='%s/proto' --decode=yiwang.OriginBatch yiwang.proto "
              "< '%s' > '%s.txt'",
              source, path, path);
    assert_int_equal (system (command), 0);
    snprintf (command, sizeof command,
              "grep -q 'origin_seq: 7' '%s.txt' && grep -q 'odometer_km: 1001' '%s.txt' && "
              "test $(grep -c 'events {' '%s.txt') -eq 2",
              path, path, path);
    assert_int_equal (system (command), 0);
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    assert_int_equal (system (command), 0);
}

static void
test_builder_misuse (void **state)
{
    (void)state;
    batch_builder_t *builder = batch_builder_new ();
    uint8_t prev[YW_HASH_SIZE] = {0}, hash[YW_HASH_SIZE];
    uint8_t event[YW_RECORD_MAX_ENCODED + 1];
    size_t event_size = s_event (1, event, sizeof event);
    const uint8_t *data;
    size_t size;
    assert_int_equal (batch_builder_add (builder, event, event_size), YW_EINVAL);
    assert_int_equal (batch_builder_start (builder, "", 1, prev), YW_EINVAL);
    assert_int_equal (batch_builder_start (builder, "x", 0, prev), YW_EINVAL);
    char long_id[YW_NODE_ID_SIZE + 1];
    memset (long_id, 'n', YW_NODE_ID_SIZE);
    long_id[YW_NODE_ID_SIZE] = '\0';
    assert_int_equal (batch_builder_start (builder, long_id, 1, prev), YW_EINVAL);
    assert_int_equal (batch_builder_start (builder, "x", 1, prev), 0);
    assert_int_equal (batch_builder_finish (builder, NULL, 0, NULL, 0, hash, &data, &size),
                      YW_EINVAL); /* no event */
    assert_int_equal (batch_builder_add (builder, event, 0), YW_ETOOBIG);
    assert_int_equal (batch_builder_add (builder, event, YW_RECORD_MAX_ENCODED + 1),
                      YW_ETOOBIG);
    assert_int_equal (batch_builder_add (builder, event, event_size), 0);
    uint8_t big[BATCH_MAX_SIGNATURE + 1] = {0};
    assert_int_equal (
        batch_builder_finish (builder, big, sizeof big, NULL, 0, hash, &data, &size),
        YW_ETOOBIG);
    assert_int_equal (batch_builder_finish (builder, NULL, 0, NULL, 0, hash, &data, &size),
                      0);
    /* finished: no more events */
    assert_int_equal (batch_builder_add (builder, event, event_size), YW_EINVAL);
    batch_builder_destroy (&builder);
}

/* ------------------------------------------------------ hostile input */

/* A hand-made batch: `body` is fields 1-4 (hex), then the correct field 5,
   then `tail` (hex). */
static uint8_t *
s_forge (const char *body_hex, const char *tail_hex, bool add_hash, size_t *size)
{
    uint8_t *out = yw_malloc (strlen (body_hex) / 2 + strlen (tail_hex) / 2 + 64);
    size_t n = 0;
    for (const char *p = body_hex; p[0] && p[1]; p += 2) {
        unsigned byte;
        sscanf (p, "%2x", &byte);
        out[n++] = (uint8_t)byte;
    }
    if (add_hash) {
        out[n++] = 0x2a;
        out[n++] = 32;
        SHA256 (out, n - 2, out + n);
        n += 32;
    }
    for (const char *p = tail_hex; p[0] && p[1]; p += 2) {
        unsigned byte;
        sscanf (p, "%2x", &byte);
        out[n++] = (uint8_t)byte;
    }
    *size = n;
    return out;
}

#define ZERO32 "0000000000000000000000000000000000000000000000000000000000000000"
/* origin_node "n", origin_seq 1, prev_hash zeros, one event: Record{kind=2} */
#define F1 "0a016e"
#define F2 "1001"
#define F3 "1a20" ZERO32
#define F4 "22021002"

static void
test_hostile (void **state)
{
    (void)state;
    static const struct {
        const char *body, *tail;
        bool add_hash;
        int rc;
        const char *message; /* substring of the error */
    } cases[] = {
        {F1 F2 F3 F4, "", true, 0, ""},
        {F1 F2 F3 F4 F4, "3201ff", true, 0, ""}, /* signature 0xff */
        {F1 F2 F3 F4, "", false, YW_EPARSE, "hash: missing"},
        {F2 F3 F4, "", true, YW_EPARSE, "origin_node: missing"},
        {F1 F3 F4, "", true, YW_EPARSE, "origin_seq: missing"},
        {F1 F2 F4, "", true, YW_EPARSE, "prev_hash: missing"},
        {F1 F2 F3, "", true, YW_EPARSE, "events: missing"},
        {F2 F1 F3 F4, "", true, YW_EPARSE, "origin_node at byte 2: out of order"},
        {F1 F1 F2 F3 F4, "", true, YW_EPARSE, "origin_node at byte 3: repeated"},
        {F1 F2 F3 F4, "2a20" ZERO32, true, YW_EPARSE, "hash at byte"},
        {F1 F2 F3 F4 "4000", "", true, YW_EPARSE, "unknown field 8"},
        {F1 F2 F3 F4, "3a00", true, YW_EPARSE, "certificate: 0 bytes"},
        {F1 "1000" F3 F4, "", true, YW_EPARSE, "origin_seq: 0"},
        {F1 "108100" F3 F4, "", true, YW_EPARSE, "origin_seq: bad varint"},
        {F1 "1280" F3 F4, "", true, YW_EPARSE, "wire type 2, not 0"},
        {F1 F2 "1a21" ZERO32, "", false, YW_EPARSE, "33 bytes, only 32 left"},
        {F1 F2 "1a02ffff" F4, "", true, YW_EPARSE, "prev_hash: 2 bytes, not 32"},
        {"0a00" F2 F3 F4, "", true, YW_EPARSE, "origin_node: 0 bytes"},
        {"0a02c328" F2 F3 F4, "", true, YW_EPARSE, "origin_node: not UTF-8"},
        {"0a016e00" F2 F3 F4, "", true, YW_EPARSE, "unknown field 0"},
        {F1 F2 F3 "2200", "", true, YW_EPARSE, "events #1: 0 bytes"},
        {F1 F2 F3 F4, "8a", true, YW_EPARSE, "bad tag varint"},
        {F1 F2 F3 F4 "5a00", "", true, YW_EPARSE, "unknown field 11"},
        {F1 F2 F3 F4 "2a20" ZERO32, "", false, YW_EPARSE, "hash: batch says"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size;
        uint8_t *data = s_forge (cases[i].body, cases[i].tail, cases[i].add_hash, &size);
        batch_t batch;
        char error[BATCH_ERROR_SIZE] = "";
        int rc = batch_read (data, size, &batch, error);
        if (rc != cases[i].rc || !strstr (error, cases[i].message))
            fail_msg ("case %zu: rc %d, error \"%s\"; expected %d, \"%s\"", i, rc, error,
                      cases[i].rc, cases[i].message);
        free (data);
    }
}

/* Every truncation of a valid batch, and every single-byte change, is refused. */
static void
test_truncated_and_flipped (void **state)
{
    (void)state;
    size_t size;
    uint8_t *data = s_build (3, NULL, 0, &size);
    batch_t batch;
    char error[BATCH_ERROR_SIZE];
    for (size_t n = 0; n < size; n++) {
        uint8_t *copy = yw_malloc (n); /* exactly n bytes, so ASan sees overreads */
        memcpy (copy, data, n);
        int rc = batch_read (copy, n, &batch, error);
        assert_true (rc == YW_EPARSE || rc == YW_ETOOBIG);
        free (copy);
    }
    for (size_t at = 0; at < size; at++) {
        uint8_t saved = data[at];
        data[at] ^= 0x01;
        assert_int_not_equal (batch_read (data, size, &batch, error), 0);
        data[at] = saved;
    }
    assert_int_equal (batch_read (data, size, &batch, error), 0);
    free (data);
}

static void
test_limits (void **state)
{
    (void)state;
    batch_t batch;
    char error[BATCH_ERROR_SIZE] = "";
    uint8_t byte = 0;
    /* the size is refused before a byte is read */
    assert_int_equal (batch_read (&byte, (size_t)YW_MAX_FRAME + 1, &batch, error),
                      YW_ETOOBIG);
    assert_non_null (strstr (error, "at most"));

    /* one event too many */
    size_t size = 0;
    uint8_t *data = yw_malloc (128 + (BATCH_MAX_EVENTS + 1) * 4);
    memcpy (data, "\x0a\x01n\x10\x01\x1a\x20", 7);
    size = 7;
    memset (data + size, 0, 32);
    size += 32;
    for (int i = 0; i <= BATCH_MAX_EVENTS; i++) {
        memcpy (data + size, "\x22\x02\x10\x02", 4);
        size += 4;
    }
    assert_int_equal (batch_read (data, size, &batch, error), YW_ETOOBIG);
    assert_non_null (strstr (error, "events: more than 65536"));
    /* exactly the limit is fine */
    size -= 4;
    data[size++] = 0x2a;
    data[size++] = 32;
    SHA256 (data, size - 2, data + size);
    size += 32;
    assert_int_equal (batch_read (data, size, &batch, error), 0);
    assert_int_equal (batch.event_count, BATCH_MAX_EVENTS);
    free (data);

    /* an event over YW_RECORD_MAX_ENCODED */
    size_t big = YW_RECORD_MAX_ENCODED + 1;
    data = yw_malloc (64 + big);
    memcpy (data, "\x0a\x01n\x10\x01\x1a\x20", 7);
    size = 7;
    memset (data + size, 0, 32);
    size += 32;
    data[size++] = 0x22;
    data[size++] = (uint8_t)(big & 0x7f) | 0x80;
    data[size++] = (uint8_t)(big >> 7);
    memset (data + size, 0, big);
    size += big;
    assert_int_equal (batch_read (data, size, &batch, error), YW_ETOOBIG);
    assert_non_null (strstr (error, "events #1: 8193 bytes"));
    free (data);
}

static void
test_hash_hex (void **state)
{
    (void)state;
    uint8_t hash[YW_HASH_SIZE];
    for (int i = 0; i < YW_HASH_SIZE; i++)
        hash[i] = (uint8_t)(i * 8);
    char hex[65];
    assert_string_equal (
        batch_hash_hex (hash, hex),
        "0008101820283038404850586068707880889098a0a8b0b8c0c8d0d8e0e8f0f8");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_stock_protobuf_agrees),
        cmocka_unit_test (test_protoc_decodes),
        cmocka_unit_test (test_builder_misuse),
        cmocka_unit_test (test_hostile),
        cmocka_unit_test (test_truncated_and_flipped),
        cmocka_unit_test (test_limits),
        cmocka_unit_test (test_hash_hex),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
