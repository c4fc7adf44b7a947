/*  linkmsg.c - the link's messages over proto/wire.h. */
#include "linkmsg.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "codec.h"
#include "yw.h"

/* ------------------------------------------------------------ helpers */

static int s_fail (char *error, int rc, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (char *error, int rc, const char *format, ...)
{
    if (error) {
        va_list args;
        va_start (args, format);
        vsnprintf (error, LINKMSG_ERROR_SIZE, format, args);
        va_end (args);
    }
    return rc;
}

static bool
s_utf8 (const uint8_t *data, size_t size)
{
    size_t i = 0;
    while (i < size) {
        if (data[i] < 0x80 && data[i]) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate (data + i, (utf8proc_ssize_t)(size - i), &cp);
        if (n <= 0 || cp == 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

/* A text field into a NUL-terminated buffer of `size` bytes: wire type 2,
   shorter than the buffer, UTF-8 without NUL. */
static int
s_text (const wire_field_t *field, char *out, size_t size, const char *what, char *error)
{
    if (field->type != 2)
        return s_fail (error, YW_EPARSE, "%s: wrong wire type %d", what, field->type);
    if (field->size >= size)
        return s_fail (error, YW_ETOOBIG, "%s: %zu bytes, at most %zu", what, field->size,
                       size - 1);
    if (!s_utf8 (field->data, field->size))
        return s_fail (error, YW_EPARSE, "%s: not UTF-8", what);
    memcpy (out, field->data, field->size);
    out[field->size] = '\0';
    return 0;
}

static bool
s_id_valid (const char *id)
{
    if (!*id)
        return false;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
              (*id >= '0' && *id <= '9') || *id == '-' || *id == '_' || *id == '.'))
            return false;
    return true;
}

static int
s_node_id (const wire_field_t *field, char *out, const char *what, char *error)
{
    int rc = s_text (field, out, YW_NODE_ID_SIZE, what, error);
    if (rc == 0 && !s_id_valid (out))
        return s_fail (error, YW_EPARSE, "%s: not a node id (1-%d of A-Z a-z 0-9 . _ -)",
                       what, YW_NODE_ID_SIZE - 1);
    return rc;
}

static int
s_varint (const wire_field_t *field, uint64_t *out, const char *what, char *error)
{
    if (field->type != 0)
        return s_fail (error, YW_EPARSE, "%s: wrong wire type %d", what, field->type);
    *out = field->value;
    return 0;
}

static int
s_u32 (const wire_field_t *field, uint32_t *out, const char *what, char *error)
{
    uint64_t value = 0;
    int rc = s_varint (field, &value, what, error);
    if (rc)
        return rc;
    if (value > UINT32_MAX)
        return s_fail (error, YW_EPARSE, "%s: %llu does not fit uint32", what,
                       (unsigned long long)value);
    *out = (uint32_t)value;
    return 0;
}

static int
s_bool (const wire_field_t *field, bool *out, const char *what, char *error)
{
    uint64_t value = 0;
    int rc = s_varint (field, &value, what, error);
    *out = value != 0;
    return rc;
}

static int
s_bytes (const wire_field_t *field, const char *what, char *error)
{
    return field->type == 2
               ? 0
               : s_fail (error, YW_EPARSE, "%s: wrong wire type %d", what, field->type);
}

/* Walks a message's fields: declares the reader and `field`, loops while
   wire_next () gives one, leaving its last result in rc. */
#define S_EACH_FIELD(data, size, field, rc)                                                \
    wire_reader_t reader_;                                                                 \
    wire_reader_init (&reader_, (data), (size));                                           \
    wire_field_t field;                                                                    \
    while ((rc = wire_next (&reader_, &field)) == 1)

/* ------------------------------------------------------------ decoding */

static int
s_hello (const wire_field_t *in, linkmsg_hello_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1: step = s_u32 (&f, &out->protocol, "HELLO.protocol", error); break;
            case 2: step = s_node_id (&f, out->node_id, "HELLO.node_id", error); break;
            case 3:
                step = s_text (&f, out->jurisdiction, sizeof out->jurisdiction,
                               "HELLO.jurisdiction", error);
                if (step == 0 && out->jurisdiction[0] &&
                    (strlen (out->jurisdiction) != 6 ||
                     strspn (out->jurisdiction, "0123456789") != 6))
                    step = s_fail (error, YW_EPARSE, "HELLO.jurisdiction: not 6 digits");
                break;
            case 4: step = s_varint (&f, &out->log_first, "HELLO.log_first", error); break;
            case 5: step = s_varint (&f, &out->log_last, "HELLO.log_last", error); break;
            case 6: step = s_varint (&f, &out->nonce, "HELLO.nonce", error); break;
            case 7: step = s_varint (&f, &out->log_id, "HELLO.log_id", error); break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "HELLO: truncated or bad tag");
    if (!out->node_id[0])
        return s_fail (error, YW_EPARSE, "HELLO: no node_id");
    return 0;
}

static int
s_welcome (const wire_field_t *in, linkmsg_welcome_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1: step = s_u32 (&f, &out->protocol, "WELCOME.protocol", error); break;
            case 2: step = s_node_id (&f, out->node_id, "WELCOME.node_id", error); break;
            case 3: step = s_varint (&f, &out->nonce, "WELCOME.nonce", error); break;
            case 4:
                step = s_varint (&f, &out->next_expected, "WELCOME.next_expected", error);
                break;
            case 5: step = s_u32 (&f, &out->credit, "WELCOME.credit", error); break;
            case 6:
                step =
                    s_u32 (&f, &out->max_batch_events, "WELCOME.max_batch_events", error);
                break;
            case 7:
                step =
                    s_varint (&f, &out->max_batch_bytes, "WELCOME.max_batch_bytes", error);
                break;
            case 8:
                step = s_u32 (&f, &out->heartbeat_ms, "WELCOME.heartbeat_ms", error);
                break;
            case 9:
                step = s_bool (&f, &out->snapshot_needed, "WELCOME.snapshot_needed", error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "WELCOME: truncated or bad tag");
    if (!out->node_id[0])
        return s_fail (error, YW_EPARSE, "WELCOME: no node_id");
    return 0;
}

static int
s_batch (const wire_field_t *in, linkmsg_batch_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1: step = s_varint (&f, &out->link_seq, "BATCH.link_seq", error); break;
            case 2:
                if ((step = s_bytes (&f, "BATCH.origin_batch", error)) == 0) {
                    out->origin_batch = f.data;
                    out->size = f.size;
                }
                break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "BATCH: truncated or bad tag");
    if (out->link_seq == 0)
        return s_fail (error, YW_EPARSE, "BATCH: no link_seq");
    if (out->size == 0)
        return s_fail (error, YW_EPARSE, "BATCH: no origin_batch");
    return 0;
}

static int
s_rejection (const wire_field_t *in, linkmsg_rejection_t *out, char *error)
{
    if (in->type != 2)
        return s_fail (error, YW_EPARSE, "rejections: wrong wire type %d", in->type);
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step = s_varint (&f, &out->link_seq, "rejection.link_seq", error);
                break;
            case 2:
                step = s_text (&f, out->object_code, sizeof out->object_code,
                               "rejection.object_code", error);
                break;
            case 3:
                step =
                    s_text (&f, out->reason, sizeof out->reason, "rejection.reason", error);
                break;
            case 4:
                step = s_text (&f, out->message, sizeof out->message, "rejection.message",
                               error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "rejection: truncated or bad tag") : 0;
}

static int
s_ack (const wire_field_t *in, linkmsg_ack_t *out, char *error)
{
    memset (out, 0, offsetof (linkmsg_ack_t, rejections));
    out->rejection_count = 0;
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step = s_varint (&f, &out->upto_link_seq, "ACK.upto_link_seq", error);
                break;
            case 2: step = s_varint (&f, &out->accepted, "ACK.accepted", error); break;
            case 3: step = s_varint (&f, &out->stale, "ACK.stale", error); break;
            case 4: step = s_varint (&f, &out->duplicates, "ACK.duplicates", error); break;
            case 5: step = s_varint (&f, &out->rejected, "ACK.rejected", error); break;
            case 6:
                if (out->rejection_count == LINKMSG_MAX_REJECTIONS)
                    return s_fail (error, YW_ETOOBIG, "ACK: more than %d rejections",
                                   LINKMSG_MAX_REJECTIONS);
                step = s_rejection (&f, &out->rejections[out->rejection_count++], error);
                break;
            case 7: step = s_u32 (&f, &out->credit, "ACK.credit", error); break;
            case 8:
                step = s_varint (&f, &out->next_expected, "ACK.next_expected", error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "ACK: truncated or bad tag") : 0;
}

static int
s_error (const wire_field_t *in, linkmsg_error_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    uint64_t code = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1: step = s_varint (&f, &code, "ERROR.code", error); break;
            case 2:
                step =
                    s_text (&f, out->message, sizeof out->message, "ERROR.message", error);
                break;
            case 3: step = s_varint (&f, &out->link_seq, "ERROR.link_seq", error); break;
            case 4: step = s_varint (&f, &out->expected, "ERROR.expected", error); break;
            case 5: step = s_bool (&f, &out->fatal, "ERROR.fatal", error); break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "ERROR: truncated or bad tag");
    /* an enum value this side does not know is kept as unspecified */
    out->code = code <= LINK_CREDIT ? (linkmsg_error_code_t)code : LINK_ERROR_UNSPECIFIED;
    return 0;
}

static int
s_ping (const wire_field_t *in, linkmsg_ping_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1: step = s_varint (&f, &out->nonce, "PING.nonce", error); break;
            case 2: step = s_varint (&f, &out->log_last, "PING.log_last", error); break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "PING: truncated or bad tag") : 0;
}

static int
s_snapshot_begin (const wire_field_t *in, linkmsg_snapshot_begin_t *out, char *error)
{
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step =
                    s_varint (&f, &out->snapshot_id, "SNAPSHOT_BEGIN.snapshot_id", error);
                break;
            case 2:
                step = s_varint (&f, &out->log_seq, "SNAPSHOT_BEGIN.log_seq", error);
                break;
            case 3:
                step = s_varint (&f, &out->objects, "SNAPSHOT_BEGIN.objects", error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "SNAPSHOT_BEGIN: truncated or bad tag") : 0;
}

static int
s_snapshot_chunk (const wire_field_t *in, linkmsg_snapshot_chunk_t *out, char *error)
{
    out->snapshot_id = out->chunk_seq = 0;
    out->claim_count = 0;
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step =
                    s_varint (&f, &out->snapshot_id, "SNAPSHOT_CHUNK.snapshot_id", error);
                break;
            case 2:
                step = s_varint (&f, &out->chunk_seq, "SNAPSHOT_CHUNK.chunk_seq", error);
                break;
            case 3:
                if ((step = s_bytes (&f, "SNAPSHOT_CHUNK.claims", error)))
                    break;
                if (f.size == 0 || f.size > YW_RECORD_MAX_ENCODED)
                    return s_fail (error, f.size ? YW_ETOOBIG : YW_EPARSE,
                                   "SNAPSHOT_CHUNK: a claim of %zu bytes", f.size);
                if (out->claim_count == LINKMSG_MAX_CLAIMS)
                    return s_fail (error, YW_ETOOBIG, "SNAPSHOT_CHUNK: more than %d claims",
                                   LINKMSG_MAX_CLAIMS);
                if (out->claim_count == out->capacity) {
                    out->capacity = out->capacity ? out->capacity * 2 : 1024;
                    out->claims =
                        yw_realloc (out->claims, out->capacity * sizeof *out->claims);
                    out->sizes =
                        yw_realloc (out->sizes, out->capacity * sizeof *out->sizes);
                }
                out->claims[out->claim_count] = f.data;
                out->sizes[out->claim_count++] = f.size;
                break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "SNAPSHOT_CHUNK: truncated or bad tag");
    if (out->chunk_seq == 0)
        return s_fail (error, YW_EPARSE, "SNAPSHOT_CHUNK: no chunk_seq");
    return 0;
}

static int
s_origin (const wire_field_t *in, linkmsg_origin_t *out, char *error)
{
    if (in->type != 2)
        return s_fail (error, YW_EPARSE, "origins: wrong wire type %d", in->type);
    memset (out, 0, sizeof *out);
    int rc, step = 0;
    bool hash = false;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step = s_node_id (&f, out->origin_node, "origin.origin_node", error);
                break;
            case 2:
                step = s_varint (&f, &out->origin_seq, "origin.origin_seq", error);
                break;
            case 3:
                if ((step = s_bytes (&f, "origin.hash", error)))
                    break;
                if (f.size != YW_HASH_SIZE)
                    return s_fail (error, YW_EPARSE, "origin.hash: %zu bytes, not %d",
                                   f.size, YW_HASH_SIZE);
                memcpy (out->hash, f.data, YW_HASH_SIZE);
                hash = true;
                break;
            default: break;
        }
        if (step)
            return step;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "origin: truncated or bad tag");
    if (!out->origin_node[0] || !hash)
        return s_fail (error, YW_EPARSE, "origin: no origin_node or no hash");
    return 0;
}

static int
s_snapshot_end (const wire_field_t *in, linkmsg_snapshot_end_t *out, char *error)
{
    out->snapshot_id = out->chunks = out->claims = 0;
    out->origin_count = 0;
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step = s_varint (&f, &out->snapshot_id, "SNAPSHOT_END.snapshot_id", error);
                break;
            case 2: step = s_varint (&f, &out->chunks, "SNAPSHOT_END.chunks", error); break;
            case 3: step = s_varint (&f, &out->claims, "SNAPSHOT_END.claims", error); break;
            case 4:
                if (out->origin_count == LINKMSG_MAX_ORIGINS)
                    return s_fail (error, YW_ETOOBIG, "SNAPSHOT_END: more than %d origins",
                                   LINKMSG_MAX_ORIGINS);
                if (out->origin_count == out->capacity) {
                    out->capacity = out->capacity ? out->capacity * 2 : 64;
                    out->origins =
                        yw_realloc (out->origins, out->capacity * sizeof *out->origins);
                }
                step = s_origin (&f, &out->origins[out->origin_count++], error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "SNAPSHOT_END: truncated or bad tag") : 0;
}

static int
s_snapshot_ack (const wire_field_t *in, linkmsg_snapshot_ack_t *out, char *error)
{
    memset (out, 0, offsetof (linkmsg_snapshot_ack_t, rejections));
    out->rejection_count = 0;
    out->done = false;
    out->next_expected = 0;
    int rc, step = 0;
    S_EACH_FIELD (in->data, in->size, f, rc)
    {
        switch (f.number) {
            case 1:
                step = s_varint (&f, &out->snapshot_id, "SNAPSHOT_ACK.snapshot_id", error);
                break;
            case 2:
                step = s_varint (&f, &out->upto_chunk, "SNAPSHOT_ACK.upto_chunk", error);
                break;
            case 3: step = s_u32 (&f, &out->credit, "SNAPSHOT_ACK.credit", error); break;
            case 4:
                step = s_varint (&f, &out->accepted, "SNAPSHOT_ACK.accepted", error);
                break;
            case 5: step = s_varint (&f, &out->stale, "SNAPSHOT_ACK.stale", error); break;
            case 6:
                step = s_varint (&f, &out->rejected, "SNAPSHOT_ACK.rejected", error);
                break;
            case 7:
                if (out->rejection_count == LINKMSG_MAX_REJECTIONS)
                    return s_fail (error, YW_ETOOBIG,
                                   "SNAPSHOT_ACK: more than %d rejections",
                                   LINKMSG_MAX_REJECTIONS);
                step = s_rejection (&f, &out->rejections[out->rejection_count++], error);
                break;
            case 8: step = s_bool (&f, &out->done, "SNAPSHOT_ACK.done", error); break;
            case 9:
                step =
                    s_varint (&f, &out->next_expected, "SNAPSHOT_ACK.next_expected", error);
                break;
            default: break;
        }
        if (step)
            return step;
    }
    return rc ? s_fail (error, YW_EPARSE, "SNAPSHOT_ACK: truncated or bad tag") : 0;
}

void
linkmsg_init (linkmsg_t *msg)
{
    memset (msg, 0, sizeof *msg);
}

void
linkmsg_free (linkmsg_t *msg)
{
    free (msg->snapshot_chunk.claims);
    free (msg->snapshot_chunk.sizes);
    free (msg->snapshot_end.origins);
    memset (msg, 0, sizeof *msg);
}

int
linkmsg_decode (const void *data, size_t size, linkmsg_t *msg, char *error)
{
    msg->type = LINKMSG_NONE;
    if (size > YW_MAX_FRAME)
        return s_fail (error, YW_ETOOBIG, "frame of %zu bytes, over %d", size,
                       YW_MAX_FRAME);
    wire_reader_t reader;
    wire_reader_init (&reader, data, size);
    wire_field_t field, body = {0};
    int rc, bodies = 0;
    while ((rc = wire_next (&reader, &field)) == 1) {
        /* protobuf lets a later oneof member replace an earlier one; a link
           peer that sends two means something is wrong, so refuse it */
        if (bodies++)
            return s_fail (error, YW_EPARSE, "LinkMessage: more than one body");
        body = field;
    }
    if (rc)
        return s_fail (error, YW_EPARSE, "LinkMessage: truncated or bad tag");
    if (!bodies)
        return s_fail (error, YW_EPARSE, "LinkMessage: empty");
    if (body.number < LINKMSG_HELLO || body.number > LINKMSG_SNAPSHOT_ACK)
        return s_fail (error, YW_EPARSE, "LinkMessage: unknown body field %u", body.number);
    if (body.type != 2)
        return s_fail (error, YW_EPARSE, "LinkMessage: body %s has wire type %d",
                       linkmsg_type_name ((linkmsg_type_t)body.number), body.type);
    switch ((linkmsg_type_t)body.number) {
        case LINKMSG_HELLO: rc = s_hello (&body, &msg->hello, error); break;
        case LINKMSG_WELCOME: rc = s_welcome (&body, &msg->welcome, error); break;
        case LINKMSG_BATCH: rc = s_batch (&body, &msg->batch, error); break;
        case LINKMSG_ACK: rc = s_ack (&body, &msg->ack, error); break;
        case LINKMSG_ERROR: rc = s_error (&body, &msg->error, error); break;
        case LINKMSG_PING:
        case LINKMSG_PONG: rc = s_ping (&body, &msg->ping, error); break;
        case LINKMSG_SNAPSHOT_BEGIN:
            rc = s_snapshot_begin (&body, &msg->snapshot_begin, error);
            break;
        case LINKMSG_SNAPSHOT_CHUNK:
            rc = s_snapshot_chunk (&body, &msg->snapshot_chunk, error);
            break;
        case LINKMSG_SNAPSHOT_END:
            rc = s_snapshot_end (&body, &msg->snapshot_end, error);
            break;
        case LINKMSG_SNAPSHOT_ACK:
            rc = s_snapshot_ack (&body, &msg->snapshot_ack, error);
            break;
        default: rc = YW_EPARSE; break;
    }
    if (rc)
        return rc;
    msg->type = (linkmsg_type_t)body.number;
    return 0;
}

/* ------------------------------------------------------------ encoding */

/* Proto3's canonical form leaves zero scalars and empty texts out. */
static void
s_put_u64 (wire_buf_t *buf, uint32_t number, uint64_t value)
{
    if (value)
        wire_put_varint (buf, number, value);
}

static void
s_put_text (wire_buf_t *buf, uint32_t number, const char *text, size_t size)
{
    size_t length = strnlen (text, size - 1);
    if (length)
        wire_put_bytes (buf, number, text, length);
}

static void
s_put_rejections (wire_buf_t *buf, uint32_t number, const linkmsg_rejection_t *rejections,
                  size_t count)
{
    for (size_t i = 0; i < count && i < LINKMSG_MAX_REJECTIONS; i++) {
        const linkmsg_rejection_t *r = &rejections[i];
        size_t mark = wire_begin_bytes (buf, number);
        s_put_u64 (buf, 1, r->link_seq);
        s_put_text (buf, 2, r->object_code, sizeof r->object_code);
        s_put_text (buf, 3, r->reason, sizeof r->reason);
        s_put_text (buf, 4, r->message, sizeof r->message);
        wire_end_bytes (buf, mark);
    }
}

void
linkmsg_encode (const linkmsg_t *msg, wire_buf_t *buf)
{
    buf->size = 0;
    if (msg->type == LINKMSG_BATCH) {
        linkmsg_encode_batch (buf, msg->batch.link_seq, msg->batch.origin_batch,
                              msg->batch.size);
        return;
    }
    if (msg->type == LINKMSG_SNAPSHOT_CHUNK) {
        const linkmsg_snapshot_chunk_t *c = &msg->snapshot_chunk;
        size_t chunk = linkmsg_chunk_begin (buf, c->snapshot_id, c->chunk_seq);
        for (size_t i = 0; i < c->claim_count; i++)
            linkmsg_chunk_add (buf, c->claims[i], c->sizes[i]);
        linkmsg_chunk_end (buf, chunk);
        return;
    }
    size_t mark = wire_begin_bytes (buf, (uint32_t)msg->type);
    switch (msg->type) {
        case LINKMSG_HELLO: {
            const linkmsg_hello_t *m = &msg->hello;
            s_put_u64 (buf, 1, m->protocol);
            s_put_text (buf, 2, m->node_id, sizeof m->node_id);
            s_put_text (buf, 3, m->jurisdiction, sizeof m->jurisdiction);
            s_put_u64 (buf, 4, m->log_first);
            s_put_u64 (buf, 5, m->log_last);
            s_put_u64 (buf, 6, m->nonce);
            s_put_u64 (buf, 7, m->log_id);
            break;
        }
        case LINKMSG_WELCOME: {
            const linkmsg_welcome_t *m = &msg->welcome;
            s_put_u64 (buf, 1, m->protocol);
            s_put_text (buf, 2, m->node_id, sizeof m->node_id);
            s_put_u64 (buf, 3, m->nonce);
            s_put_u64 (buf, 4, m->next_expected);
            s_put_u64 (buf, 5, m->credit);
            s_put_u64 (buf, 6, m->max_batch_events);
            s_put_u64 (buf, 7, m->max_batch_bytes);
            s_put_u64 (buf, 8, m->heartbeat_ms);
            s_put_u64 (buf, 9, m->snapshot_needed);
            break;
        }
        case LINKMSG_ACK: {
            const linkmsg_ack_t *m = &msg->ack;
            s_put_u64 (buf, 1, m->upto_link_seq);
            s_put_u64 (buf, 2, m->accepted);
            s_put_u64 (buf, 3, m->stale);
            s_put_u64 (buf, 4, m->duplicates);
            s_put_u64 (buf, 5, m->rejected);
            s_put_rejections (buf, 6, m->rejections, m->rejection_count);
            s_put_u64 (buf, 7, m->credit);
            s_put_u64 (buf, 8, m->next_expected);
            break;
        }
        case LINKMSG_ERROR: {
            const linkmsg_error_t *m = &msg->error;
            s_put_u64 (buf, 1, (uint64_t)m->code);
            s_put_text (buf, 2, m->message, sizeof m->message);
            s_put_u64 (buf, 3, m->link_seq);
            s_put_u64 (buf, 4, m->expected);
            s_put_u64 (buf, 5, m->fatal);
            break;
        }
        case LINKMSG_PING:
        case LINKMSG_PONG:
            s_put_u64 (buf, 1, msg->ping.nonce);
            s_put_u64 (buf, 2, msg->ping.log_last);
            break;
        case LINKMSG_SNAPSHOT_BEGIN: {
            const linkmsg_snapshot_begin_t *m = &msg->snapshot_begin;
            s_put_u64 (buf, 1, m->snapshot_id);
            s_put_u64 (buf, 2, m->log_seq);
            s_put_u64 (buf, 3, m->objects);
            break;
        }
        case LINKMSG_SNAPSHOT_END: {
            const linkmsg_snapshot_end_t *m = &msg->snapshot_end;
            s_put_u64 (buf, 1, m->snapshot_id);
            s_put_u64 (buf, 2, m->chunks);
            s_put_u64 (buf, 3, m->claims);
            for (size_t i = 0; i < m->origin_count; i++) {
                const linkmsg_origin_t *o = &m->origins[i];
                size_t inner = wire_begin_bytes (buf, 4);
                s_put_text (buf, 1, o->origin_node, sizeof o->origin_node);
                s_put_u64 (buf, 2, o->origin_seq);
                wire_put_bytes (buf, 3, o->hash, YW_HASH_SIZE);
                wire_end_bytes (buf, inner);
            }
            break;
        }
        case LINKMSG_SNAPSHOT_ACK: {
            const linkmsg_snapshot_ack_t *m = &msg->snapshot_ack;
            s_put_u64 (buf, 1, m->snapshot_id);
            s_put_u64 (buf, 2, m->upto_chunk);
            s_put_u64 (buf, 3, m->credit);
            s_put_u64 (buf, 4, m->accepted);
            s_put_u64 (buf, 5, m->stale);
            s_put_u64 (buf, 6, m->rejected);
            s_put_rejections (buf, 7, m->rejections, m->rejection_count);
            s_put_u64 (buf, 8, m->done);
            s_put_u64 (buf, 9, m->next_expected);
            break;
        }
        default: break;
    }
    wire_end_bytes (buf, mark);
}

void
linkmsg_encode_batch (wire_buf_t *buf, uint64_t link_seq, const uint8_t *origin_batch,
                      size_t size)
{
    buf->size = 0;
    wire_buf_reserve (buf, size + 40);
    size_t mark = wire_begin_bytes (buf, LINKMSG_BATCH);
    s_put_u64 (buf, 1, link_seq);
    wire_put_bytes (buf, 2, origin_batch, size);
    wire_end_bytes (buf, mark);
}

size_t
linkmsg_chunk_begin (wire_buf_t *buf, uint64_t snapshot_id, uint64_t chunk_seq)
{
    buf->size = 0;
    size_t mark = wire_begin_bytes (buf, LINKMSG_SNAPSHOT_CHUNK);
    s_put_u64 (buf, 1, snapshot_id);
    s_put_u64 (buf, 2, chunk_seq);
    return mark;
}

void
linkmsg_chunk_add (wire_buf_t *buf, const uint8_t *record, size_t size)
{
    wire_put_bytes (buf, 3, record, size);
}

void
linkmsg_chunk_end (wire_buf_t *buf, size_t mark)
{
    wire_end_bytes (buf, mark);
}

/* ---------------------------------------------------------------- names */

const char *
linkmsg_type_name (linkmsg_type_t type)
{
    static const char *names[] = {"NONE",           "HELLO",        "WELCOME",
                                  "BATCH",          "ACK",          "ERROR",
                                  "PING",           "PONG",         "SNAPSHOT_BEGIN",
                                  "SNAPSHOT_CHUNK", "SNAPSHOT_END", "SNAPSHOT_ACK"};
    return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "UNKNOWN";
}

const char *
linkmsg_error_name (linkmsg_error_code_t code)
{
    static const char *names[] = {
        "LINK_ERROR_UNSPECIFIED", "LINK_MALFORMED",  "LINK_PROTOCOL",
        "LINK_UNKNOWN_NODE",      "LINK_NO_SESSION", "LINK_GAP",
        "LINK_BATCH_INVALID",     "LINK_ORIGIN_GAP", "LINK_STORE",
        "LINK_SNAPSHOT",          "LINK_CREDIT"};
    return (unsigned)code < sizeof names / sizeof names[0] ? names[code] : "LINK_UNKNOWN";
}

void
linkmsg_text (char *out, size_t size, const char *text)
{
    if (!size)
        return;
    size_t n = 0;
    const uint8_t *p = (const uint8_t *)text;
    while (*p && n + 1 < size) {
        if (*p < 0x80) {
            out[n++] = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
            p++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t len =
            utf8proc_iterate (p, (utf8proc_ssize_t)strnlen ((const char *)p, 4), &cp);
        if (len <= 0) {
            out[n++] = '?';
            p++;
            continue;
        }
        if (n + (size_t)len + 1 > size)
            break;
        memcpy (out + n, p, (size_t)len);
        n += (size_t)len;
        p += len;
    }
    out[n] = '\0';
}
