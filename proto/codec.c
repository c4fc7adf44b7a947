/*  codec.c - yw_record_t <-> protobuf `Record`, and the canonical content hash.

    Records are encoded and decoded by hand over the field table: yw_fields
    gives each standard field's proto field number and type, so adding a data
    element means one line in the field table and one in the .proto, nothing
    here. By hand because this is the hot path of every import and every
    replicated batch (a protobuf-c message tree costs a dozen allocations
    per record); the bytes are exactly what protobuf-c would write (fields
    in number order, proto3 defaults left out), and tests hold the two to it. */
#include "codec.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"
#include "yw.h"

/* Record fields (proto/yiwang.proto) */
enum {
    F_OBJECT_CODE = 1,
    F_KIND,
    F_REGION,
    F_UNIT,
    F_ORIGIN,
    F_VERSION,
    F_DELETED,
    F_HASH,
    F_BODY_BASE = 9
}; /* body field of kind k is 9 + k */

#define S_MAX_NUMBER 32 /* body field numbers stay below */

/* yw_fields index of each body field number, per kind; -1 for none. */
static int s_by_number[YW_KIND_COUNT][S_MAX_NUMBER];
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void
s_build_map (void)
{
    memset (s_by_number, 0xff, sizeof s_by_number);
    for (size_t i = 0; yw_fields[i].name; i++)
        if (yw_fields[i].kind != YW_KIND_NONE && yw_fields[i].proto_number < S_MAX_NUMBER)
            s_by_number[yw_fields[i].kind][yw_fields[i].proto_number] = (int)i;
}

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    bool overflow;
} s_out_t;

static void
s_raw_varint (s_out_t *out, uint64_t value)
{
    if (out->capacity - out->size < 10) {
        out->overflow = true;
        return;
    }
    while (value >= 0x80) {
        out->data[out->size++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out->data[out->size++] = (uint8_t)value;
}

static void
s_varint (s_out_t *out, uint32_t number, uint64_t value)
{
    if (value == 0)
        return;
    s_raw_varint (out, (uint64_t)number << 3);
    s_raw_varint (out, value);
}

static void
s_bytes (s_out_t *out, uint32_t number, const void *data, size_t size)
{
    if (size == 0)
        return;
    s_raw_varint (out, (uint64_t)number << 3 | 2);
    s_raw_varint (out, size);
    if (out->overflow || out->capacity - out->size < size) {
        out->overflow = true;
        return;
    }
    memcpy (out->data + out->size, data, size);
    out->size += size;
}

static void
s_string (s_out_t *out, uint32_t number, const char *text)
{
    s_bytes (out, number, text, strlen (text));
}

static void
s_body (const yw_record_t *record, s_out_t *out)
{
    /* yw_fields lists each kind's fields in proto number order */
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != record->kind)
            continue;
        const void *value = yw_field_cptr (record, field);
        switch (field->type) {
            case YW_FT_TEXT:
            case YW_FT_CODE:
            case YW_FT_REGION:
            case YW_FT_USCC:
            case YW_FT_PLATE:
            case YW_FT_VIN:
            case YW_FT_ENUM:
                s_string (out, (uint32_t)field->proto_number, (const char *)value);
                break;
            default:
                /* int32 and int64 are both sign-extended varints on the wire */
                s_varint (out, (uint32_t)field->proto_number,
                          field->size == sizeof (int32_t)
                              ? (uint64_t)(int64_t) * (const int32_t *)value
                              : (uint64_t) * (const int64_t *)value);
                break;
        }
    }
}

static int
s_encode (const yw_record_t *record, bool canonical, uint8_t *data, size_t capacity)
{
    s_out_t out = {data, 0, capacity, false};
    s_string (&out, F_OBJECT_CODE, record->object_code);
    s_varint (&out, F_KIND, (uint64_t)record->kind);
    s_string (&out, F_REGION, record->region_code);
    s_string (&out, F_UNIT, record->unit_code);
    if (!canonical) {
        s_string (&out, F_ORIGIN, record->origin_node);
        s_varint (&out, F_VERSION, record->version);
        s_varint (&out, F_DELETED, record->deleted ? 1 : 0);
        bool has_hash = false;
        for (size_t i = 0; i < YW_HASH_SIZE; i++)
            has_hash |= record->content_hash[i] != 0;
        if (has_hash)
            s_bytes (&out, F_HASH, record->content_hash, YW_HASH_SIZE);
    }
    bool known = record->kind > YW_KIND_NONE && record->kind < YW_KIND_COUNT;
    if (known && !(record->deleted && !canonical)) {
        /* The body goes to the end of the buffer first, to learn its size;
           then it moves in behind its tag and length. */
        uint8_t body[YW_RECORD_MAX_ENCODED];
        s_out_t inner = {body, 0, sizeof body, false};
        s_body (record, &inner);
        if (inner.overflow)
            return YW_ETOOBIG;
        /* A set oneof is written even when empty, as protobuf-c does */
        s_raw_varint (&out, (uint64_t)(F_BODY_BASE + record->kind) << 3 | 2);
        s_raw_varint (&out, inner.size);
        if (out.overflow || out.capacity - out.size < inner.size)
            return YW_ETOOBIG;
        memcpy (out.data + out.size, body, inner.size);
        out.size += inner.size;
    }
    return out.overflow ? YW_ETOOBIG : (int)out.size;
}

int
codec_record_encode (const yw_record_t *record, uint8_t *out, size_t out_size)
{
    return s_encode (record, false, out, out_size);
}

void
codec_record_hash (const yw_record_t *record, uint8_t *hash)
{
    uint8_t buffer[YW_RECORD_MAX_ENCODED];
    int size = s_encode (record, true, buffer, sizeof buffer);
    /* Every string field is bounded by its buffer, so a record always fits. */
    if (size < 0)
        size = 0;
    yw_sha256 (buffer, (size_t)size, hash);
}

/* Offset of the first byte of text[0..len) that is not well-formed UTF-8
   (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF),
   or len. protobuf-c 1.4 does not check proto3 strings while unpacking. */
static size_t
s_utf8_bad (const unsigned char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = text[i];
        size_t need;
        unsigned char low = 0x80, high = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            low = c == 0xE0 ? 0xA0 : 0x80;
            high = c == 0xED ? 0x9F : 0xBF;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            low = c == 0xF0 ? 0x90 : 0x80;
            high = c == 0xF4 ? 0x8F : 0xBF;
        }
        else
            return i;
        if (len - i <= need || text[i + 1] < low || text[i + 1] > high)
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((text[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return len;
}

/* Copies a decoded string into a fixed buffer; refuses what does not fit
   and what is not UTF-8. */
static int
s_copy_string (char *dest, size_t dest_size, const wire_field_t *field, const char *name,
               char *error)
{
    if (field->type != 2) {
        if (error)
            snprintf (error, 128, "field %s: wrong wire type %d", name, field->type);
        return YW_EPARSE;
    }
    size_t len = field->size;
    if (len >= dest_size) {
        if (error)
            snprintf (error, 128, "field %s: %zu bytes, at most %zu", name, len,
                      dest_size - 1);
        return YW_EPARSE;
    }
    size_t bad = s_utf8_bad (field->data, len);
    if (bad < len || memchr (field->data, 0, len)) {
        if (error)
            snprintf (error, 128, "field %s: not UTF-8 at byte %zu", name,
                      bad < len ? bad
                                : (size_t)((const uint8_t *)memchr (field->data, 0, len) -
                                           field->data));
        return YW_EPARSE;
    }
    memcpy (dest, field->data, len);
    dest[len] = 0;
    return 0;
}

static int
s_varint_of (const wire_field_t *field, const char *name, char *error)
{
    if (field->type != 0) {
        if (error)
            snprintf (error, 128, "field %s: wrong wire type %d", name, field->type);
        return YW_EPARSE;
    }
    return 0;
}

static int
s_decode_body (const uint8_t *data, size_t size, yw_record_t *record, char *error)
{
    wire_reader_t reader;
    wire_field_t field;
    int next;
    wire_reader_init (&reader, data, size);
    while ((next = wire_next (&reader, &field)) == 1) {
        if (field.number >= S_MAX_NUMBER)
            continue; /* a newer writer's field: skipped */
        int index = s_by_number[record->kind][field.number];
        if (index < 0)
            continue;
        const yw_field_t *def = &yw_fields[index];
        void *value = yw_field_ptr (record, def);
        int rc;
        switch (def->type) {
            case YW_FT_TEXT:
            case YW_FT_CODE:
            case YW_FT_REGION:
            case YW_FT_USCC:
            case YW_FT_PLATE:
            case YW_FT_VIN:
            case YW_FT_ENUM:
                if ((rc = s_copy_string ((char *)value, def->size, &field, def->name,
                                         error)))
                    return rc;
                if (((char *)value)[0])
                    record->present |= 1ull << index;
                else
                    record->present &= ~(1ull << index);
                break;
            default:
                if ((rc = s_varint_of (&field, def->name, error)))
                    return rc;
                if (def->size == sizeof (int32_t))
                    *(int32_t *)value = (int32_t)(int64_t)field.value;
                else
                    *(int64_t *)value = (int64_t)field.value;
                if (field.value)
                    record->present |= 1ull << index;
                else
                    record->present &= ~(1ull << index);
                break;
        }
    }
    if (next < 0) {
        if (error)
            snprintf (error, 128, "not a valid Record message: malformed %s body",
                      yw_kind_name (record->kind));
        return YW_EPARSE;
    }
    return 0;
}

int
codec_record_decode (const uint8_t *data, size_t size, yw_record_t *record, char *error)
{
    pthread_once (&s_once, s_build_map);
    yw_record_reset (record, YW_KIND_NONE);
    if (size > YW_RECORD_MAX_ENCODED) {
        if (error)
            snprintf (error, 128, "record of %zu bytes, at most %d", size,
                      YW_RECORD_MAX_ENCODED);
        return YW_ETOOBIG;
    }
    wire_reader_t reader;
    wire_field_t field;
    int next, rc = 0;
    uint64_t kind = 0;
    const uint8_t *body = NULL;
    size_t body_size = 0;
    uint32_t body_number = 0;
    wire_reader_init (&reader, data, size);
    while (rc == 0 && (next = wire_next (&reader, &field)) == 1) {
        switch (field.number) {
            case F_OBJECT_CODE:
                rc = s_copy_string (record->object_code, sizeof record->object_code, &field,
                                    "object_code", error);
                break;
            case F_KIND:
                if (!(rc = s_varint_of (&field, "kind", error)))
                    kind = field.value;
                break;
            case F_REGION:
                rc = s_copy_string (record->region_code, sizeof record->region_code, &field,
                                    "region_code", error);
                break;
            case F_UNIT:
                rc = s_copy_string (record->unit_code, sizeof record->unit_code, &field,
                                    "unit_code", error);
                break;
            case F_ORIGIN:
                rc = s_copy_string (record->origin_node, sizeof record->origin_node, &field,
                                    "origin_node", error);
                break;
            case F_VERSION:
                if (!(rc = s_varint_of (&field, "version", error)))
                    record->version = field.value;
                break;
            case F_DELETED:
                if (!(rc = s_varint_of (&field, "deleted", error)))
                    record->deleted = field.value != 0;
                break;
            case F_HASH:
                if (field.type != 2 || (field.size != 0 && field.size != YW_HASH_SIZE)) {
                    if (error)
                        snprintf (error, 128, "field content_hash: %zu bytes, not %d",
                                  field.size, YW_HASH_SIZE);
                    rc = YW_EPARSE;
                }
                else {
                    memset (record->content_hash, 0, YW_HASH_SIZE);
                    memcpy (record->content_hash, field.data, field.size);
                }
                break;
            case F_BODY_BASE + YW_KIND_OFFICE_BUILDING:
            case F_BODY_BASE + YW_KIND_VEHICLE:
            case F_BODY_BASE + YW_KIND_RECEPTION_FILING:
                if (field.type != 2) {
                    if (error)
                        snprintf (error, 128, "not a valid Record message: body wire type");
                    rc = YW_EPARSE;
                }
                /* oneof: the last body given wins, as in every protobuf */
                body = field.data;
                body_size = field.size;
                body_number = field.number;
                break;
            default: break; /* a newer writer's field: skipped */
        }
    }
    if (rc == 0 && next < 0) {
        if (error)
            snprintf (error, 128, "not a valid Record message");
        rc = YW_EPARSE;
    }
    if (rc == 0 && (kind == 0 || kind >= YW_KIND_COUNT)) {
        if (error)
            snprintf (error, 128, "field kind: unknown kind %d", (int)(int32_t)kind);
        rc = YW_EPARSE;
    }
    if (rc == 0 && body && body_number != F_BODY_BASE + kind) {
        if (error)
            snprintf (error, 128, "field kind: body does not match kind %d", (int)kind);
        rc = YW_EPARSE;
    }
    if (rc == 0) {
        record->kind = (yw_kind_t)kind;
        if (record->region_code[0])
            record->present |= 1ull << yw_field_find (record->kind, "region_code");
        if (record->unit_code[0])
            record->present |= 1ull << yw_field_find (record->kind, "unit_code");
        if (body)
            rc = s_decode_body (body, body_size, record, error);
    }
    if (rc)
        yw_record_reset (record, YW_KIND_NONE);
    return rc;
}
