/*  batch.h - origin batches (DESIGN 4.3): build one from encoded events, and
    read one back, checked.

    An origin batch is the protobuf message yiwang.OriginBatch of
    proto/yiwang.proto:

        1 origin_node  string   the node where the events entered the federation
        2 origin_seq   uint64   1, 2, 3 ... per origin node
        3 prev_hash    bytes    hash of the origin's previous batch (32 zero bytes for seq
   1) 4 events       Record   repeated, each a codec_record_encode () output 5 hash bytes
   SHA-256 over fields 1-4 as encoded (see below) 6 signature    bytes    Ed25519 over hash
   (security work; may be empty) 7 certificate  bytes    origin's certificate, DER (may be
   empty)

    The builder frames these fields by hand (tag, varint length, bytes) rather
    than packing protobuf-c structs: an event is appended as the bytes it
    already is, so a batch of 4,096 events costs a memcpy each. The output is
    ordinary protobuf in canonical form, what any stock serializer writes for
    the same message: fields in number order, minimal varints, no empty
    fields. Stock protoc decodes it (`protoc --decode=yiwang.OriginBatch`).

    The hash. `hash` is SHA-256 over the canonical encoding of fields 1-4,
    which is exactly the bytes of the batch before field 5: an implementation
    in another language gets it by serializing the message with hash,
    signature and certificate cleared. Signing happens after hashing, so the
    signature and certificate (fields 6, 7) follow field 5.

    The reader is strict, because batches come from peers and are relayed
    byte for byte: it accepts only that canonical form (fields 1-7 in order,
    1, 2, 3 and 5 present, 4 at least once, no unknown fields, minimal
    varints), within YW_MAX_FRAME bytes and BATCH_MAX_EVENTS events of at most
    YW_RECORD_MAX_ENCODED bytes each, and verifies the hash. It does not
    decode the events: batch_next_event () hands out their byte ranges for
    codec_record_decode ().
*/
#ifndef YW_BATCH_H_INCLUDED
#define YW_BATCH_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a writer closes a batch and starts the next one. */
#define BATCH_SPLIT_EVENTS 4096
#define BATCH_SPLIT_BYTES (4u << 20)

/* What a reader accepts from a peer (any writer's split must stay under). */
#define BATCH_MAX_EVENTS 65536
#define BATCH_MAX_SIGNATURE 1024         /* bytes of field 6 */
#define BATCH_MAX_CERTIFICATE (64 << 10) /* bytes of field 7 */

/* Size of an error message buffer for batch_read (). */
#define BATCH_ERROR_SIZE 160

/* ---------------------------------------------------------------- builder */

typedef struct _batch_builder_t batch_builder_t;

batch_builder_t *batch_builder_new (void);

void batch_builder_destroy (batch_builder_t **self_p);

/* Starts a new batch (dropping anything built before): origin_node
   (non-empty, less than YW_NODE_ID_SIZE bytes), origin_seq >= 1 and the
   previous batch's hash (YW_HASH_SIZE bytes). Returns 0 or YW_EINVAL. */
int batch_builder_start (batch_builder_t *self, const char *origin_node,
                         uint64_t origin_seq, const uint8_t *prev_hash);

/* Appends one event: an encoded Record of 1 to YW_RECORD_MAX_ENCODED bytes.
   Returns 0, YW_EINVAL (no batch started, or finished), or YW_ETOOBIG (the
   event is too large, or the batch already holds BATCH_MAX_EVENTS events).
   Splitting at BATCH_SPLIT_EVENTS / BATCH_SPLIT_BYTES is the caller's
   choice, made with batch_builder_events () and batch_builder_size (). */
int batch_builder_add (batch_builder_t *self, const uint8_t *event, size_t size);

/* Events and bytes in the batch so far. */
size_t batch_builder_events (const batch_builder_t *self);
size_t batch_builder_size (const batch_builder_t *self);

/* Closes the batch: computes the hash, appends field 5 and then, when given
   (size > 0), the signature and certificate fields. Writes the hash to
   `hash` (YW_HASH_SIZE bytes) and points *data / *size at the encoded batch,
   which stays valid until the next batch_builder_start () or destroy.
   Returns 0, or YW_EINVAL when no batch was started or it holds no event,
   YW_ETOOBIG for an oversized signature or certificate. */
int batch_builder_finish (batch_builder_t *self, const uint8_t *signature,
                          size_t signature_size, const uint8_t *certificate,
                          size_t certificate_size, uint8_t *hash, const uint8_t **data,
                          size_t *size);

/* ----------------------------------------------------------------- reader */

/* A checked view of an encoded batch. It borrows the bytes given to
   batch_read (), which must outlive it. Fields after `certificate_size` are
   the reader's own. */
typedef struct {
    char origin_node[YW_NODE_ID_SIZE];
    uint64_t origin_seq;
    uint8_t prev_hash[YW_HASH_SIZE];
    uint8_t hash[YW_HASH_SIZE];
    size_t event_count;
    size_t hashed_size;       /* bytes covered by hash (fields 1-4) */
    const uint8_t *signature; /* into the batch bytes; NULL if absent */
    size_t signature_size;
    const uint8_t *certificate; /* into the batch bytes; NULL if absent */
    size_t certificate_size;

    const uint8_t *data; /* the batch bytes */
    size_t size;
    size_t events_begin; /* offset of the first event's tag */
    size_t cursor;       /* offset of the next event's tag */
    size_t next_index;   /* index of the next event */
} batch_t;

/* Parses and checks an encoded OriginBatch of `size` bytes and verifies its
   hash. Returns 0 and fills *batch, positioned at the first event; or
   YW_ETOOBIG (over YW_MAX_FRAME, too many or too large events or fields) or
   YW_EPARSE (anything else malformed, including a hash that does not match)
   with `error` (BATCH_ERROR_SIZE bytes, may be NULL) naming the field and
   what is wrong. Does not check the chain (prev_hash against the origin's
   previous batch), the signature or the events' contents. */
int batch_read (const uint8_t *data, size_t size, batch_t *batch, char *error);

/* Hands out the next event's encoded Record bytes (pointing into the batch)
   and returns true, or returns false after the last one. */
bool batch_next_event (batch_t *batch, const uint8_t **event, size_t *size);

/* Goes back to the first event. */
void batch_rewind (batch_t *batch);

/* Formats a hash as 64 lower-case hex digits into out (65 bytes). Returns out. */
char *batch_hash_hex (const uint8_t *hash, char *out);

#ifdef __cplusplus
}
#endif

#endif
