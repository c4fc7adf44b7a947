/*  fuzz_batch.c - libFuzzer target for the origin batch reader.

    Every input is read twice: as it is, and with a correct hash field
    appended (so the fuzzer gets past the hash check and explores the field
    parser behind it). Whatever the reader accepts must keep its promises:
    events inside the input and within the limits, as many as it counted,
    and the canonical form: building a batch from what was read gives back
    the input byte for byte. Accepted events also go through the Record
    decoder, which must fail cleanly or succeed.
*/
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "codec.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_batch: %s failed at line %d\n", #condition, __LINE__);  \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

static void
s_check (const uint8_t *data, size_t size)
{
    batch_t batch;
    char error[BATCH_ERROR_SIZE] = "";
    int rc = batch_read (data, size, &batch, error);
    CHECK (rc == 0 || rc == YW_EPARSE || rc == YW_ETOOBIG);
    if (rc) {
        CHECK (strlen (error) > 0);
        return;
    }
    CHECK (batch.origin_seq >= 1);
    CHECK (strlen (batch.origin_node) >= 1 && strlen (batch.origin_node) < YW_NODE_ID_SIZE);
    CHECK (batch.event_count >= 1 && batch.event_count <= BATCH_MAX_EVENTS);
    CHECK (batch.hashed_size < size);

    batch_builder_t *builder = batch_builder_new ();
    CHECK (batch_builder_start (builder, batch.origin_node, batch.origin_seq,
                                batch.prev_hash) == 0);
    const uint8_t *event;
    size_t event_size, count = 0;
    while (batch_next_event (&batch, &event, &event_size)) {
        CHECK (event >= data && event + event_size <= data + batch.hashed_size);
        CHECK (event_size >= 1 && event_size <= YW_RECORD_MAX_ENCODED);
        CHECK (batch_builder_add (builder, event, event_size) == 0);
        yw_record_t record;
        char message[128] = "";
        int decoded = codec_record_decode (event, event_size, &record, message);
        CHECK (decoded == 0 || decoded == YW_EPARSE || decoded == YW_ETOOBIG);
        count++;
    }
    CHECK (count == batch.event_count);
    CHECK (!batch_next_event (&batch, &event, &event_size));

    uint8_t hash[YW_HASH_SIZE];
    const uint8_t *rebuilt;
    size_t rebuilt_size;
    CHECK (batch_builder_finish (builder, batch.signature, batch.signature_size,
                                 batch.certificate, batch.certificate_size, hash, &rebuilt,
                                 &rebuilt_size) == 0);
    CHECK (memcmp (hash, batch.hash, YW_HASH_SIZE) == 0);
    CHECK (rebuilt_size == size && memcmp (rebuilt, data, size) == 0);
    batch_builder_destroy (&builder);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    /* exactly `size` bytes, so ASan sees any read past them */
    uint8_t *copy = yw_malloc (size);
    memcpy (copy, data, size);
    s_check (copy, size);
    free (copy);

    if (size > 1 << 20)
        return 0;
    uint8_t *hashed = yw_malloc (size + 2 + YW_HASH_SIZE);
    memcpy (hashed, data, size);
    hashed[size] = 0x2a; /* field 5, length-delimited */
    hashed[size + 1] = YW_HASH_SIZE;
    SHA256 (data, size, hashed + size + 2);
    s_check (hashed, size + 2 + YW_HASH_SIZE);
    free (hashed);
    return 0;
}
