/*  linkmsg.h - the replication link's messages (proto/yiwang.proto
    LinkMessage and what it holds) as plain C, for node/uplink.c and
    hub/downlink.c. docs/PROTOCOL.md is the protocol; this is its codec.

    Every ZeroMQ message on a link is one frame holding one LinkMessage: a
    oneof whose field number is the message type (linkmsg_type_t). The codec
    is by hand over proto/wire.h, like the ingest and batch codecs, so that
    a BATCH carries its origin batch as the very bytes of the child's log
    entry (one copy into the frame when encoding, none when decoding: the
    decoded message points into the frame) and a snapshot chunk's claims are
    handed on as encoded Records. What it writes is ordinary protobuf that
    stock protoc-generated code decodes (tests/test_linkmsg.c checks both
    directions against protobuf-c).

    Decoding is strict where it matters and tolerant where protobuf says so:
    unknown fields inside a message are skipped (a newer peer may add
    fields), but a LinkMessage must hold exactly one known body; known
    fields must have their wire type; texts must be UTF-8 within their
    limits; node ids are 1-63 bytes of [A-Za-z0-9._-]; repeated fields stay
    under their LINKMSG_MAX_ limits and the frame under YW_MAX_FRAME. The
    origin batch inside a BATCH is not checked here (the store's batch_read
    does that, and a failure there is LINK_BATCH_INVALID, not a malformed
    frame).
*/
#ifndef YW_LINKMSG_H_INCLUDED
#define YW_LINKMSG_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LINK_PROTOCOL_VERSION 1

#define LINKMSG_MAX_REJECTIONS 32 /* rejected events an ACK describes (all are counted) */
#define LINKMSG_MAX_CLAIMS 65536  /* claims in one snapshot chunk */
#define LINKMSG_MAX_ORIGINS 65536 /* origins in a SnapshotEnd */
#define LINKMSG_TEXT 256          /* bytes of a message text, NUL included */
#define LINKMSG_REASON 32         /* bytes of a reason code, NUL included */
#define LINKMSG_ERROR_SIZE 160    /* size of linkmsg_decode's error buffer */

/* The oneof field numbers of LinkMessage. */
typedef enum {
    LINKMSG_NONE = 0,
    LINKMSG_HELLO = 1,
    LINKMSG_WELCOME = 2,
    LINKMSG_BATCH = 3,
    LINKMSG_ACK = 4,
    LINKMSG_ERROR = 5,
    LINKMSG_PING = 6,
    LINKMSG_PONG = 7,
    LINKMSG_SNAPSHOT_BEGIN = 8,
    LINKMSG_SNAPSHOT_CHUNK = 9,
    LINKMSG_SNAPSHOT_END = 10,
    LINKMSG_SNAPSHOT_ACK = 11
} linkmsg_type_t;

/* LinkErrorCode. */
typedef enum {
    LINK_ERROR_UNSPECIFIED = 0,
    LINK_MALFORMED = 1,
    LINK_PROTOCOL = 2,
    LINK_UNKNOWN_NODE = 3,
    LINK_NO_SESSION = 4,
    LINK_GAP = 5,
    LINK_BATCH_INVALID = 6,
    LINK_ORIGIN_GAP = 7,
    LINK_STORE = 8,
    LINK_SNAPSHOT = 9,
    LINK_CREDIT = 10
} linkmsg_error_code_t;

typedef struct {
    uint32_t protocol;
    char node_id[YW_NODE_ID_SIZE];
    char jurisdiction[YW_REGION_SIZE]; /* "" or 6 digits */
    uint64_t log_first;
    uint64_t log_last;
    uint64_t nonce;
    uint64_t log_id; /* the log's incarnation */
} linkmsg_hello_t;

typedef struct {
    uint32_t protocol;
    char node_id[YW_NODE_ID_SIZE];
    uint64_t nonce;
    uint64_t next_expected;
    uint32_t credit;
    uint32_t max_batch_events;
    uint64_t max_batch_bytes;
    uint32_t heartbeat_ms;
    bool snapshot_needed;
} linkmsg_welcome_t;

typedef struct {
    uint64_t link_seq;
    const uint8_t *origin_batch; /* borrowed: the frame when decoded */
    size_t size;
} linkmsg_batch_t;

typedef struct {
    uint64_t link_seq; /* 0 in a SnapshotAck */
    char object_code[YW_OBJECT_CODE_SIZE];
    char reason[LINKMSG_REASON];
    char message[LINKMSG_TEXT];
} linkmsg_rejection_t;

typedef struct {
    uint64_t upto_link_seq;
    uint64_t accepted;
    uint64_t stale;
    uint64_t duplicates;
    uint64_t rejected;
    uint32_t credit;
    uint64_t next_expected;
    linkmsg_rejection_t rejections[LINKMSG_MAX_REJECTIONS];
    size_t rejection_count;
} linkmsg_ack_t;

typedef struct {
    linkmsg_error_code_t code;
    char message[LINKMSG_TEXT];
    uint64_t link_seq;
    uint64_t expected;
    bool fatal;
} linkmsg_error_t;

typedef struct {
    uint64_t nonce;
    uint64_t log_last;
} linkmsg_ping_t; /* PING and PONG */

typedef struct {
    uint64_t snapshot_id;
    uint64_t log_seq;
    uint64_t objects;
} linkmsg_snapshot_begin_t;

typedef struct {
    uint64_t snapshot_id;
    uint64_t chunk_seq;
    const uint8_t **claims; /* encoded Records, borrowed from the frame */
    size_t *sizes;
    size_t claim_count;
    size_t capacity; /* of the two arrays (the codec's) */
} linkmsg_snapshot_chunk_t;

typedef struct {
    char origin_node[YW_NODE_ID_SIZE];
    uint64_t origin_seq;
    uint8_t hash[YW_HASH_SIZE];
} linkmsg_origin_t;

typedef struct {
    uint64_t snapshot_id;
    uint64_t chunks;
    uint64_t claims;
    linkmsg_origin_t *origins; /* owned by the message */
    size_t origin_count;
    size_t capacity;
} linkmsg_snapshot_end_t;

typedef struct {
    uint64_t snapshot_id;
    uint64_t upto_chunk;
    uint32_t credit;
    uint64_t accepted;
    uint64_t stale;
    uint64_t rejected;
    linkmsg_rejection_t rejections[LINKMSG_MAX_REJECTIONS];
    size_t rejection_count;
    bool done;
    uint64_t next_expected;
} linkmsg_snapshot_ack_t;

/* One message. Only the member of `type` is meaningful. Arrays grown by
   linkmsg_decode () are kept for the next decode and freed by
   linkmsg_free (). */
typedef struct {
    linkmsg_type_t type;
    linkmsg_hello_t hello;
    linkmsg_welcome_t welcome;
    linkmsg_batch_t batch;
    linkmsg_ack_t ack;
    linkmsg_error_t error;
    linkmsg_ping_t ping; /* PING and PONG */
    linkmsg_snapshot_begin_t snapshot_begin;
    linkmsg_snapshot_chunk_t snapshot_chunk;
    linkmsg_snapshot_end_t snapshot_end;
    linkmsg_snapshot_ack_t snapshot_ack;
} linkmsg_t;

/* Prepares a message (all zero, no arrays). */
void linkmsg_init (linkmsg_t *msg);

/* Frees the arrays a decode grew; msg can be decoded into again. */
void linkmsg_free (linkmsg_t *msg);

/* Decodes one frame into msg (which then borrows data for BATCH and
   SNAPSHOT_CHUNK). Returns 0; or YW_EPARSE (malformed: no body, two bodies,
   an unknown body, a wrong wire type, a bad text, a missing required
   field) or YW_ETOOBIG (over YW_MAX_FRAME or a LINKMSG_MAX_ limit), with
   `error` (LINKMSG_ERROR_SIZE bytes, may be NULL) naming the message and field;
   msg->type is then LINKMSG_NONE. Required: HELLO node_id; WELCOME node_id;
   BATCH link_seq >= 1 and a non-empty origin_batch; CHUNK chunk_seq >= 1. */
int linkmsg_decode (const void *data, size_t size, linkmsg_t *msg, char *error);

/* Encodes msg (its `type` member) into buf, replacing buf's content.
   Texts longer than their buffers cannot occur (the structs bound them);
   a message text is cut at a UTF-8 character boundary if need be. */
void linkmsg_encode (const linkmsg_t *msg, wire_buf_t *buf);

/* The same for a BATCH without a linkmsg_t: link_seq and the origin batch
   bytes, copied once into buf. */
void linkmsg_encode_batch (wire_buf_t *buf, uint64_t link_seq, const uint8_t *origin_batch,
                           size_t size);

/* A SNAPSHOT_CHUNK built claim by claim: begin (replacing buf's content),
   add encoded Records, end with the mark begin returned. */
size_t linkmsg_chunk_begin (wire_buf_t *buf, uint64_t snapshot_id, uint64_t chunk_seq);
void linkmsg_chunk_add (wire_buf_t *buf, const uint8_t *record, size_t size);
void linkmsg_chunk_end (wire_buf_t *buf, size_t mark);

/* English names of a type and an error code ("BATCH", "LINK_GAP"), for logs. */
const char *linkmsg_type_name (linkmsg_type_t type);
const char *linkmsg_error_name (linkmsg_error_code_t code);

/* Copies text into out (size bytes), cut at a UTF-8 character boundary,
   with control characters replaced by '?'. For messages and logs. */
void linkmsg_text (char *out, size_t size, const char *text);

#ifdef __cplusplus
}
#endif

#endif
