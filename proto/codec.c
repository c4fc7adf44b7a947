/*  codec.c - yw_record_t <-> protobuf `Record`, and the canonical content hash.

    The body is mapped generically: yw_fields gives each standard field's
    proto field number, and protobuf-c's descriptors give where that field
    lives in the generated struct, so adding a data element means adding one
    line to the field table and one to the .proto, nothing here. */
#include "codec.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "yiwang.pb-c.h"
#include "yw.h"

static const ProtobufCMessageDescriptor *
s_body_descriptor (yw_kind_t kind)
{
    switch (kind) {
        case YW_KIND_VEHICLE: return &yiwang__vehicle__descriptor;
        case YW_KIND_OFFICE_BUILDING: return &yiwang__office_building__descriptor;
        case YW_KIND_RECEPTION_FILING: return &yiwang__reception_filing__descriptor;
        default: return NULL;
    }
}

/* The body message of each kind, on the stack of the caller. */
typedef union {
    Yiwang__Vehicle vehicle;
    Yiwang__OfficeBuilding building;
    Yiwang__ReceptionFiling filing;
} s_body_t;

/* Points the generated body struct at the record's fields. Strings are
   borrowed, not copied: the message lives only as long as the record. */
static void
s_body_from_record (const yw_record_t *record, s_body_t *body,
                    const ProtobufCMessageDescriptor *desc)
{
    protobuf_c_message_init (desc, body);
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != record->kind)
            continue;
        const ProtobufCFieldDescriptor *pf =
            protobuf_c_message_descriptor_get_field (desc, (unsigned)field->proto_number);
        void *member = (char *)body + pf->offset;
        const void *value = yw_field_cptr (record, field);
        switch (pf->type) {
            case PROTOBUF_C_TYPE_STRING:
                *(const char **)member = (const char *)value;
                break;
            case PROTOBUF_C_TYPE_INT64: *(int64_t *)member = *(const int64_t *)value; break;
            case PROTOBUF_C_TYPE_INT32: *(int32_t *)member = *(const int32_t *)value; break;
            default: break;
        }
    }
}

static int
s_encode (const yw_record_t *record, bool canonical, uint8_t *out, size_t out_size)
{
    Yiwang__Record message = YIWANG__RECORD__INIT;
    s_body_t body;
    message.object_code = (char *)record->object_code;
    message.kind = (Yiwang__Kind)record->kind;
    message.region_code = (char *)record->region_code;
    message.unit_code = (char *)record->unit_code;
    if (!canonical) {
        message.origin_node = (char *)record->origin_node;
        message.version = record->version;
        message.deleted = record->deleted;
        message.content_hash.data = (uint8_t *)record->content_hash;
        bool has_hash = false;
        for (size_t i = 0; i < YW_HASH_SIZE; i++)
            has_hash |= record->content_hash[i] != 0;
        message.content_hash.len = has_hash ? YW_HASH_SIZE : 0;
    }
    const ProtobufCMessageDescriptor *desc = s_body_descriptor (record->kind);
    if (desc && !(record->deleted && !canonical)) {
        s_body_from_record (record, &body, desc);
        switch (record->kind) {
            case YW_KIND_VEHICLE:
                message.body_case = YIWANG__RECORD__BODY_VEHICLE;
                message.vehicle = &body.vehicle;
                break;
            case YW_KIND_OFFICE_BUILDING:
                message.body_case = YIWANG__RECORD__BODY_OFFICE_BUILDING;
                message.office_building = &body.building;
                break;
            default:
                message.body_case = YIWANG__RECORD__BODY_RECEPTION_FILING;
                message.reception_filing = &body.filing;
                break;
        }
    }
    size_t size = yiwang__record__get_packed_size (&message);
    if (size > out_size)
        return YW_ETOOBIG;
    return (int)yiwang__record__pack (&message, out);
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
    SHA256 (buffer, (size_t)size, hash);
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
s_copy_string (char *dest, size_t dest_size, const char *value, const char *name,
               char *error)
{
    size_t len = value ? strlen (value) : 0;
    if (len >= dest_size) {
        if (error)
            snprintf (error, 128, "field %s: %zu bytes, at most %zu", name, len,
                      dest_size - 1);
        return YW_EPARSE;
    }
    size_t bad = s_utf8_bad ((const unsigned char *)value, len);
    if (bad < len) {
        if (error)
            snprintf (error, 128, "field %s: not UTF-8 at byte %zu", name, bad);
        return YW_EPARSE;
    }
    memcpy (dest, value ? value : "", len + 1);
    return 0;
}

static int
s_body_to_record (const ProtobufCMessage *body, yw_record_t *record, char *error)
{
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != record->kind)
            continue;
        const ProtobufCFieldDescriptor *pf = protobuf_c_message_descriptor_get_field (
            body->descriptor, (unsigned)field->proto_number);
        const void *member = (const char *)body + pf->offset;
        void *value = yw_field_ptr (record, field);
        switch (pf->type) {
            case PROTOBUF_C_TYPE_STRING: {
                int rc = s_copy_string ((char *)value, field->size, *(char *const *)member,
                                        field->name, error);
                if (rc)
                    return rc;
                if (((char *)value)[0])
                    record->present |= 1ull << i;
                break;
            }
            case PROTOBUF_C_TYPE_INT64:
                *(int64_t *)value = *(const int64_t *)member;
                if (*(int64_t *)value)
                    record->present |= 1ull << i;
                break;
            case PROTOBUF_C_TYPE_INT32:
                *(int32_t *)value = *(const int32_t *)member;
                if (*(int32_t *)value)
                    record->present |= 1ull << i;
                break;
            default: break;
        }
    }
    return 0;
}

int
codec_record_decode (const uint8_t *data, size_t size, yw_record_t *record, char *error)
{
    yw_record_reset (record, YW_KIND_NONE);
    if (size > YW_RECORD_MAX_ENCODED) {
        if (error)
            snprintf (error, 128, "record of %zu bytes, at most %d", size,
                      YW_RECORD_MAX_ENCODED);
        return YW_ETOOBIG;
    }
    Yiwang__Record *message = yiwang__record__unpack (NULL, size, data);
    if (!message) {
        if (error)
            snprintf (error, 128, "not a valid Record message");
        return YW_EPARSE;
    }
    int rc = YW_EPARSE;
    yw_kind_t kind = (yw_kind_t)message->kind;
    const ProtobufCMessage *body = NULL;
    switch (message->body_case) {
        case YIWANG__RECORD__BODY_VEHICLE:
            body = &message->vehicle->base;
            if (kind != YW_KIND_VEHICLE)
                goto mismatch;
            break;
        case YIWANG__RECORD__BODY_OFFICE_BUILDING:
            body = &message->office_building->base;
            if (kind != YW_KIND_OFFICE_BUILDING)
                goto mismatch;
            break;
        case YIWANG__RECORD__BODY_RECEPTION_FILING:
            body = &message->reception_filing->base;
            if (kind != YW_KIND_RECEPTION_FILING)
                goto mismatch;
            break;
        default: break;
    }
    if (kind <= YW_KIND_NONE || kind >= YW_KIND_COUNT) {
        if (error)
            snprintf (error, 128, "field kind: unknown kind %d", (int)kind);
        goto cleanup;
    }
    record->kind = kind;
    if ((rc = s_copy_string (record->object_code, sizeof record->object_code,
                             message->object_code, "object_code", error)) ||
        (rc = s_copy_string (record->region_code, sizeof record->region_code,
                             message->region_code, "region_code", error)) ||
        (rc = s_copy_string (record->unit_code, sizeof record->unit_code,
                             message->unit_code, "unit_code", error)) ||
        (rc = s_copy_string (record->origin_node, sizeof record->origin_node,
                             message->origin_node, "origin_node", error)))
        goto cleanup;
    record->version = message->version;
    record->deleted = message->deleted;
    if (message->content_hash.len != 0 && message->content_hash.len != YW_HASH_SIZE) {
        if (error)
            snprintf (error, 128, "field content_hash: %zu bytes, not %d",
                      message->content_hash.len, YW_HASH_SIZE);
        rc = YW_EPARSE;
        goto cleanup;
    }
    if (message->content_hash.len)
        memcpy (record->content_hash, message->content_hash.data, YW_HASH_SIZE);
    if (record->region_code[0])
        record->present |= 1ull << yw_field_find (kind, "region_code");
    if (record->unit_code[0])
        record->present |= 1ull << yw_field_find (kind, "unit_code");
    rc = body ? s_body_to_record (body, record, error) : 0;
    goto cleanup;

mismatch:
    if (error)
        snprintf (error, 128, "field kind: body does not match kind %d", (int)kind);
    rc = YW_EPARSE;
cleanup:
    yiwang__record__free_unpacked (message, NULL);
    if (rc)
        yw_record_reset (record, YW_KIND_NONE);
    return rc;
}
