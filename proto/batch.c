/*  batch.c - origin batches framed by hand, and their strict reader.

    Protobuf wire format, as far as an OriginBatch needs it: a field is a tag
    varint (number << 3 | wire type) and, for wire type 2 (length-delimited),
    a varint length and that many bytes; wire type 0 is a varint value. */
#include "batch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "yw.h"

#define S_VARINT 0
#define S_LENGTH 2
#define S_TAG(number, type) ((uint8_t)((number) << 3 | (type)))

struct _batch_builder_t {
    uint8_t *data;
    size_t size, capacity;
    size_t events;
    bool started; /* start () called, finish () not yet */
};

static void
s_reserve (batch_builder_t *self, size_t more)
{
    if (self->size + more <= self->capacity)
        return;
    size_t capacity = self->capacity ? self->capacity : 64 << 10;
    while (capacity < self->size + more)
        capacity *= 2;
    self->data = yw_realloc (self->data, capacity);
    self->capacity = capacity;
}

static size_t
s_put_varint (uint8_t *out, uint64_t value)
{
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

/* Appends a length-delimited field: tag, length, bytes. */
static void
s_put_bytes (batch_builder_t *self, int number, const void *bytes, size_t size)
{
    s_reserve (self, 1 + 10 + size);
    self->data[self->size++] = S_TAG (number, S_LENGTH);
    self->size += s_put_varint (self->data + self->size, size);
    memcpy (self->data + self->size, bytes, size);
    self->size += size;
}

batch_builder_t *
batch_builder_new (void)
{
    return yw_calloc (1, sizeof (batch_builder_t));
}

void
batch_builder_destroy (batch_builder_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->data);
    free (*self_p);
    *self_p = NULL;
}

int
batch_builder_start (batch_builder_t *self, const char *origin_node, uint64_t origin_seq,
                     const uint8_t *prev_hash)
{
    size_t origin_size = origin_node ? strlen (origin_node) : 0;
    if (origin_size == 0 || origin_size >= YW_NODE_ID_SIZE || origin_seq == 0 || !prev_hash)
        return YW_EINVAL;
    self->size = 0;
    self->events = 0;
    s_put_bytes (self, 1, origin_node, origin_size);
    s_reserve (self, 11);
    self->data[self->size++] = S_TAG (2, S_VARINT);
    self->size += s_put_varint (self->data + self->size, origin_seq);
    s_put_bytes (self, 3, prev_hash, YW_HASH_SIZE);
    self->started = true;
    return 0;
}

int
batch_builder_add (batch_builder_t *self, const uint8_t *event, size_t size)
{
    if (!self->started)
        return YW_EINVAL;
    if (size == 0 || size > YW_RECORD_MAX_ENCODED || self->events >= BATCH_MAX_EVENTS)
        return YW_ETOOBIG;
    s_put_bytes (self, 4, event, size);
    self->events++;
    return 0;
}

size_t
batch_builder_events (const batch_builder_t *self)
{
    return self->events;
}

size_t
batch_builder_size (const batch_builder_t *self)
{
    return self->size;
}

int
batch_builder_finish (batch_builder_t *self, const uint8_t *signature,
                      size_t signature_size, const uint8_t *certificate,
                      size_t certificate_size, uint8_t *hash, const uint8_t **data,
                      size_t *size)
{
    if (!self->started || self->events == 0)
        return YW_EINVAL;
    if (signature_size > BATCH_MAX_SIGNATURE || certificate_size > BATCH_MAX_CERTIFICATE)
        return YW_ETOOBIG;
    yw_sha256 (self->data, self->size, hash);
    s_put_bytes (self, 5, hash, YW_HASH_SIZE);
    if (signature_size)
        s_put_bytes (self, 6, signature, signature_size);
    if (certificate_size)
        s_put_bytes (self, 7, certificate, certificate_size);
    self->started = false;
    *data = self->data;
    *size = self->size;
    return 0;
}

/* ------------------------------------------------------------------ reader */

static const char *s_field_names[] = {"",       "origin_node", "origin_seq", "prev_hash",
                                      "events", "hash",        "signature",  "certificate"};

/* Reads a canonical varint at data[*at] (at most 10 bytes, no redundant
   trailing zero groups, fits in 64 bits). Returns 0 or -1. */
static int
s_get_varint (const uint8_t *data, size_t size, size_t *at, uint64_t *value)
{
    uint64_t result = 0;
    for (unsigned i = 0; i < 10; i++) {
        if (*at + i >= size)
            return -1;
        uint8_t byte = data[*at + i];
        if (i == 9 && byte > 1)
            return -1; /* more than 64 bits */
        result |= (uint64_t)(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80)) {
            if (byte == 0 && i > 0)
                return -1; /* not minimal */
            *at += i + 1;
            *value = result;
            return 0;
        }
    }
    return -1;
}

static int s_fail (char *error, int rc, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (char *error, int rc, const char *format, ...)
{
    if (error) {
        va_list args;
        va_start (args, format);
        vsnprintf (error, BATCH_ERROR_SIZE, format, args);
        va_end (args);
    }
    return rc;
}

/* Checks that text is UTF-8 without NUL (origin ids travel as proto strings). */
static bool
s_utf8_valid (const uint8_t *text, size_t size)
{
    size_t i = 0;
    while (i < size) {
        uint8_t c = text[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t min;
        if ((c & 0xe0) == 0xc0)
            n = 1, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            n = 2, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            n = 3, min = 0x10000;
        else
            return false;
        if (n >= size - i)
            return false;
        uint32_t cp = c & (0x3fu >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((text[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (text[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* The first of the required fields 1-5 that `seen` lacks. */
static int
s_first_missing (unsigned seen)
{
    for (int number = 1; number < 5; number++)
        if (!(seen & 1u << number))
            return number;
    return 5;
}

int
batch_read (const uint8_t *data, size_t size, batch_t *batch, char *error)
{
    memset (batch, 0, sizeof *batch);
    if (size > YW_MAX_FRAME)
        return s_fail (error, YW_ETOOBIG, "batch of %zu bytes, at most %d", size,
                       YW_MAX_FRAME);
    batch->data = data;
    batch->size = size;
    int last = 0;      /* number of the previous field */
    unsigned seen = 0; /* bit n: field n present */
    size_t at = 0;
    while (at < size) {
        size_t field_at = at;
        uint64_t tag;
        if (s_get_varint (data, size, &at, &tag))
            return s_fail (error, YW_EPARSE, "bad tag varint at byte %zu", field_at);
        uint64_t number = tag >> 3;
        unsigned type = (unsigned)(tag & 7);
        if (number < 1 || number > 7)
            return s_fail (error, YW_EPARSE, "unknown field %llu at byte %zu",
                           (unsigned long long)number, field_at);
        const char *name = s_field_names[number];
        unsigned expected_type = number == 2 ? S_VARINT : S_LENGTH;
        if (type != expected_type)
            return s_fail (error, YW_EPARSE, "field %s: wire type %u, not %u", name, type,
                           expected_type);
        if ((int)number < last || ((int)number == last && number != 4))
            return s_fail (error, YW_EPARSE, "field %s at byte %zu: %s", name, field_at,
                           (int)number == last ? "repeated" : "out of order");
        /* fields 1-3 before the events, events before hash, hash before 6, 7 */
        static const unsigned required[8] = {0, 0, 0, 0, 0xe, 0x1e, 0x3e, 0x3e};
        if ((seen & required[number]) != required[number])
            return s_fail (error, YW_EPARSE, "field %s: missing before %s",
                           s_field_names[s_first_missing (seen)], name);
        last = (int)number;
        seen |= 1u << number;
        uint64_t value;
        if (s_get_varint (data, size, &at, &value))
            return s_fail (error, YW_EPARSE, "field %s: bad varint at byte %zu", name, at);
        if (number == 2) {
            if (value == 0)
                return s_fail (error, YW_EPARSE, "field origin_seq: 0 (encoded)");
            batch->origin_seq = value;
            continue;
        }
        if (value > size - at)
            return s_fail (error, YW_EPARSE, "field %s: %llu bytes, only %zu left", name,
                           (unsigned long long)value, size - at);
        const uint8_t *bytes = data + at;
        size_t length = (size_t)value;
        at += length;
        switch (number) {
            case 1:
                if (length == 0 || length >= YW_NODE_ID_SIZE)
                    return s_fail (error, YW_EPARSE,
                                   "field origin_node: %zu bytes, 1 to %d", length,
                                   YW_NODE_ID_SIZE - 1);
                if (!s_utf8_valid (bytes, length))
                    return s_fail (error, YW_EPARSE, "field origin_node: not UTF-8");
                memcpy (batch->origin_node, bytes, length);
                batch->origin_node[length] = '\0';
                break;
            case 3:
            case 5:
                if (length != YW_HASH_SIZE)
                    return s_fail (error, YW_EPARSE, "field %s: %zu bytes, not %d", name,
                                   length, YW_HASH_SIZE);
                memcpy (number == 3 ? batch->prev_hash : batch->hash, bytes, YW_HASH_SIZE);
                if (number == 5)
                    batch->hashed_size = field_at;
                break;
            case 4:
                if (batch->event_count == 0)
                    batch->events_begin = field_at;
                if (batch->event_count >= BATCH_MAX_EVENTS)
                    return s_fail (error, YW_ETOOBIG, "field events: more than %d",
                                   BATCH_MAX_EVENTS);
                if (length == 0 || length > YW_RECORD_MAX_ENCODED)
                    return s_fail (error, length ? YW_ETOOBIG : YW_EPARSE,
                                   "field events #%zu: %zu bytes, 1 to %d",
                                   batch->event_count + 1, length, YW_RECORD_MAX_ENCODED);
                batch->event_count++;
                break;
            case 6:
                if (length == 0 || length > BATCH_MAX_SIGNATURE)
                    return s_fail (error, length ? YW_ETOOBIG : YW_EPARSE,
                                   "field signature: %zu bytes, 1 to %d", length,
                                   BATCH_MAX_SIGNATURE);
                batch->signature = bytes;
                batch->signature_size = length;
                break;
            case 7:
                if (length == 0 || length > BATCH_MAX_CERTIFICATE)
                    return s_fail (error, length ? YW_ETOOBIG : YW_EPARSE,
                                   "field certificate: %zu bytes, 1 to %d", length,
                                   BATCH_MAX_CERTIFICATE);
                batch->certificate = bytes;
                batch->certificate_size = length;
                break;
            default: break;
        }
    }
    if (!(seen & 1u << 5))
        return s_fail (error, YW_EPARSE, "field %s: missing",
                       s_field_names[s_first_missing (seen)]);
    uint8_t hash[YW_HASH_SIZE];
    yw_sha256 (data, batch->hashed_size, hash);
    if (memcmp (hash, batch->hash, YW_HASH_SIZE)) {
        char said[65], got[65];
        return s_fail (error, YW_EPARSE,
                       "field hash: batch says %.16s..., content is %.16s...",
                       batch_hash_hex (batch->hash, said), batch_hash_hex (hash, got));
    }
    batch_rewind (batch);
    return 0;
}

bool
batch_next_event (batch_t *batch, const uint8_t **event, size_t *size)
{
    if (batch->next_index >= batch->event_count)
        return false;
    /* batch_read () checked the framing: tag is one byte, length a varint */
    size_t at = batch->cursor + 1;
    uint64_t length = 0;
    s_get_varint (batch->data, batch->size, &at, &length);
    *event = batch->data + at;
    *size = (size_t)length;
    batch->cursor = at + (size_t)length;
    batch->next_index++;
    return true;
}

void
batch_rewind (batch_t *batch)
{
    batch->cursor = batch->events_begin;
    batch->next_index = 0;
}

char *
batch_hash_hex (const uint8_t *hash, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < YW_HASH_SIZE; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[2 * YW_HASH_SIZE] = '\0';
    return out;
}
