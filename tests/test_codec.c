/*  test_codec.c - yw_record_t to and from protobuf bytes, and the canonical
    content hash: the field table agrees with the .proto, every kind round-
    trips, the hash sees content and only content, and hostile bytes
    (truncated, oversized, mismatched, wrong types, bad UTF-8) are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "record.h"
#include "yiwang.pb-c.h"
#include "yw.h"

static const ProtobufCMessageDescriptor *
s_descriptor (yw_kind_t kind)
{
    switch (kind) {
        case YW_KIND_VEHICLE: return &yiwang__vehicle__descriptor;
        case YW_KIND_OFFICE_BUILDING: return &yiwang__office_building__descriptor;
        case YW_KIND_RECEPTION_FILING: return &yiwang__reception_filing__descriptor;
        default: return &yiwang__record__descriptor;
    }
}

static bool
s_is_string (const yw_field_t *field)
{
    switch (field->type) {
        case YW_FT_TEXT:
        case YW_FT_CODE:
        case YW_FT_REGION:
        case YW_FT_USCC:
        case YW_FT_PLATE:
        case YW_FT_VIN:
        case YW_FT_ENUM: return true;
        default: return false;
    }
}

/* A record of kind with every field given: strings of `fill` characters
   (UTF-8, cut to fit) or a number derived from the field and `seed`. */
static void
s_full_record (yw_record_t *record, yw_kind_t kind, const char *fill, int seed)
{
    yw_record_reset (record, kind);
    snprintf (record->object_code, sizeof record->object_code, "VH%021d", seed);
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != YW_KIND_NONE && field->kind != kind)
            continue;
        void *value = yw_field_ptr (record, field);
        if (s_is_string (field)) {
            char *text = value;
            size_t len = 0, step = strlen (fill);
            while (len + step < field->size) {
                memcpy (text + len, fill, step);
                len += step;
            }
            text[len] = '\0';
        }
        else if (field->size == sizeof (int32_t))
            *(int32_t *)value = (int32_t)(i * 1000 + (size_t)seed);
        else
            *(int64_t *)value = -(int64_t)(i * 1000000007 + (size_t)seed);
        record->present |= 1ull << i;
    }
}

static void
s_assert_same_content (const yw_record_t *a, const yw_record_t *b)
{
    assert_int_equal (a->kind, b->kind);
    assert_string_equal (a->object_code, b->object_code);
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != YW_KIND_NONE && field->kind != a->kind)
            continue;
        const void *x = yw_field_cptr (a, field), *y = yw_field_cptr (b, field);
        if (s_is_string (field))
            assert_string_equal ((const char *)x, (const char *)y);
        else
            assert_memory_equal (x, y, field->size);
    }
}

/* --- the field table against the .proto ------------------------------------- */

static void
test_table_matches_proto (void **state)
{
    (void)state;
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        const ProtobufCFieldDescriptor *pf = protobuf_c_message_descriptor_get_field (
            s_descriptor (field->kind), (unsigned)field->proto_number);
        if (!pf)
            fail_msg ("%s: no proto field %d", field->name, field->proto_number);
        assert_string_equal (pf->name, field->name);
        assert_int_equal (pf->label, PROTOBUF_C_LABEL_NONE); /* proto3 singular */
        if (s_is_string (field))
            assert_int_equal (pf->type, PROTOBUF_C_TYPE_STRING);
        else if (field->size == sizeof (int32_t))
            assert_int_equal (pf->type, PROTOBUF_C_TYPE_INT32);
        else
            assert_int_equal (pf->type, PROTOBUF_C_TYPE_INT64);
    }
    /* ... and every body field of the .proto is in the table. */
    for (yw_kind_t kind = 1; kind < YW_KIND_COUNT; kind++) {
        const ProtobufCMessageDescriptor *desc = s_descriptor ((yw_kind_t)kind);
        for (unsigned f = 0; f < desc->n_fields; f++) {
            int index = yw_field_find ((yw_kind_t)kind, desc->fields[f].name);
            if (index < 0)
                fail_msg ("proto field %s.%s is not in yw_fields", desc->name,
                          desc->fields[f].name);
            assert_int_equal (yw_fields[index].proto_number, (int)desc->fields[f].id);
        }
    }
}

/* --- round trips -------------------------------------------------------------- */

static void
test_round_trip_every_kind (void **state)
{
    (void)state;
    static const char *fills[] = {"a", "济南", "\xF0\xA0\xAE\xB7", "x y"};
    for (yw_kind_t kind = 1; kind < YW_KIND_COUNT; kind++)
        for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
            yw_record_t *record = yw_malloc (sizeof *record);
            yw_record_t *back = yw_malloc (sizeof *back);
            s_full_record (record, (yw_kind_t)kind, fills[f], (int)f + 1);
            snprintf (record->origin_node, sizeof record->origin_node, "node-%d", kind);
            record->version = (UINT64_C (1719700000000) << 16) | 7;
            codec_record_hash (record, record->content_hash);

            uint8_t buffer[YW_RECORD_MAX_ENCODED];
            int size = codec_record_encode (record, buffer, sizeof buffer);
            assert_true (size > 0 && size <= YW_RECORD_MAX_ENCODED);
            char error[128] = "";
            assert_int_equal (codec_record_decode (buffer, (size_t)size, back, error), 0);
            s_assert_same_content (record, back);
            assert_string_equal (back->origin_node, record->origin_node);
            assert_int_equal (back->version, record->version);
            assert_false (back->deleted);
            assert_memory_equal (back->content_hash, record->content_hash, YW_HASH_SIZE);
            assert_int_equal (back->present, record->present);

            /* Re-encoding gives the same bytes (deterministic). */
            uint8_t again[YW_RECORD_MAX_ENCODED];
            assert_int_equal (codec_record_encode (back, again, sizeof again), size);
            assert_memory_equal (again, buffer, (size_t)size);
            free (back);
            free (record);
        }
}

/* Absent values decode as absent; a zero number cannot be told from absent
   (proto3 has no presence for scalars), so its bit comes back clear. */
static void
test_round_trip_sparse (void **state)
{
    (void)state;
    yw_record_t record, back;
    yw_record_reset (&record, YW_KIND_VEHICLE);
    strcpy (record.region_code, "370102");
    strcpy (record.body.vehicle.vin, "LSVAU2180N2183294");
    record.body.vehicle.displacement_ml = 0;
    int region = yw_field_find (YW_KIND_VEHICLE, "region_code");
    int vin = yw_field_find (YW_KIND_VEHICLE, "vin");
    int displacement = yw_field_find (YW_KIND_VEHICLE, "displacement_ml");
    record.present = 1ull << region | 1ull << vin | 1ull << displacement;
    uint8_t buffer[YW_RECORD_MAX_ENCODED];
    int size = codec_record_encode (&record, buffer, sizeof buffer);
    assert_true (size > 0);
    assert_int_equal (codec_record_decode (buffer, (size_t)size, &back, NULL), 0);
    assert_int_equal (back.present, 1ull << region | 1ull << vin);
    assert_string_equal (back.unit_code, "");
    assert_string_equal (back.body.vehicle.plate, "");
    assert_string_equal (back.body.vehicle.vin, "LSVAU2180N2183294");
    assert_int_equal (back.body.vehicle.purchase_date, 0);
}

/* A tombstone travels without its body; its envelope survives. */
static void
test_tombstone (void **state)
{
    (void)state;
    yw_record_t record, back;
    s_full_record (&record, YW_KIND_OFFICE_BUILDING, "楼", 3);
    record.deleted = true;
    uint8_t buffer[YW_RECORD_MAX_ENCODED];
    int size = codec_record_encode (&record, buffer, sizeof buffer);
    assert_true (size > 0);
    assert_int_equal (codec_record_decode (buffer, (size_t)size, &back, NULL), 0);
    assert_true (back.deleted);
    assert_int_equal (back.kind, YW_KIND_OFFICE_BUILDING);
    assert_string_equal (back.object_code, record.object_code);
    assert_string_equal (back.region_code, record.region_code);
    assert_string_equal (back.body.building.name, "");
    assert_int_equal (back.body.building.floors, 0);

    /* The body is gone from the wire. */
    record.deleted = false;
    uint8_t live[YW_RECORD_MAX_ENCODED];
    assert_true (codec_record_encode (&record, live, sizeof live) > size + 100);
}

static void
test_encode_buffer_too_small (void **state)
{
    (void)state;
    yw_record_t record;
    s_full_record (&record, YW_KIND_RECEPTION_FILING, "接", 1);
    uint8_t buffer[YW_RECORD_MAX_ENCODED];
    int size = codec_record_encode (&record, buffer, sizeof buffer);
    assert_true (size > 0);
    uint8_t exact[YW_RECORD_MAX_ENCODED];
    assert_int_equal (codec_record_encode (&record, exact, (size_t)size), size);
    assert_memory_equal (exact, buffer, (size_t)size);
    for (size_t small = 0; small < (size_t)size; small += 97)
        assert_int_equal (codec_record_encode (&record, exact, small), YW_ETOOBIG);
    assert_int_equal (codec_record_encode (&record, exact, (size_t)size - 1), YW_ETOOBIG);
}

/* --- the content hash -------------------------------------------------------- */

static void
test_hash_sees_content_only (void **state)
{
    (void)state;
    for (yw_kind_t kind = 1; kind < YW_KIND_COUNT; kind++) {
        yw_record_t base, other;
        uint8_t h1[YW_HASH_SIZE], h2[YW_HASH_SIZE];
        s_full_record (&base, (yw_kind_t)kind, "b", 5);
        codec_record_hash (&base, h1);

        /* Who reported it, when, and whether it is deleted: not content. */
        other = base;
        strcpy (other.origin_node, "another-node");
        other.version = 12345;
        other.deleted = true;
        memset (other.content_hash, 0x77, YW_HASH_SIZE);
        codec_record_hash (&other, h2);
        assert_memory_equal (h1, h2, YW_HASH_SIZE);

        /* Every data element is content. */
        for (size_t i = 0; yw_fields[i].name; i++) {
            const yw_field_t *field = &yw_fields[i];
            if (field->kind != YW_KIND_NONE && field->kind != kind)
                continue;
            other = base;
            void *value = yw_field_ptr (&other, field);
            if (s_is_string (field))
                ((char *)value)[0] = 'Z';
            else if (field->size == sizeof (int32_t))
                (*(int32_t *)value)++;
            else
                (*(int64_t *)value)++;
            codec_record_hash (&other, h2);
            if (!memcmp (h1, h2, YW_HASH_SIZE))
                fail_msg ("changing %s does not change the hash", field->name);
        }
        other = base;
        other.object_code[5] ^= 1;
        codec_record_hash (&other, h2);
        assert_memory_not_equal (h1, h2, YW_HASH_SIZE);
    }
    /* Same body bytes under another kind: another hash. */
    yw_record_t a, b;
    uint8_t ha[YW_HASH_SIZE], hb[YW_HASH_SIZE];
    yw_record_reset (&a, YW_KIND_VEHICLE);
    yw_record_reset (&b, YW_KIND_OFFICE_BUILDING);
    codec_record_hash (&a, ha);
    codec_record_hash (&b, hb);
    assert_memory_not_equal (ha, hb, YW_HASH_SIZE);
}

/* The hash is SHA-256 of the canonical encoding, pinned to bytes and a hash
   worked out by hand from the .proto (fields in number order, as any stock
   protobuf encoder writes them): a change to the encoding, which would make
   every record look changed, fails here first. */
static void
test_hash_is_stable (void **state)
{
    (void)state;
    yw_record_t record;
    yw_record_reset (&record, YW_KIND_VEHICLE);
    strcpy (record.object_code, "VH00000000000000000000K");
    strcpy (record.region_code, "370102");
    strcpy (record.unit_code, "11370102MB0000000X");
    strcpy (record.body.vehicle.vin, "LSVAU2180N2183294");
    strcpy (record.body.vehicle.plate, "鲁A12345");
    record.body.vehicle.purchase_price = 25000000;
    record.body.vehicle.purchase_date = 20210703;
    static const char expected_hash[] =
        "8f883ba5f77de82249f87d0b37f13edcf4d4057583c1ab5d442033fad26c3931";
    static const char expected_bytes[] =
        "0a17564830303030303030303030303030303030303030304b10021a063337303130"
        "32221231313337303130324d4230303030303030585a280a09e9b281413132333435"
        "12114c53564155323138304e3231383332393440c0f0f50b488fc8d109";
    uint8_t hash[YW_HASH_SIZE];
    codec_record_hash (&record, hash);
    char hex[2 * YW_HASH_SIZE + 1];
    for (int i = 0; i < YW_HASH_SIZE; i++)
        snprintf (hex + 2 * i, 3, "%02x", hash[i]);
    assert_string_equal (hex, expected_hash);

    /* With nothing outside the canonical fields set, the encoding is the
       canonical one. */
    uint8_t buffer[YW_RECORD_MAX_ENCODED];
    int size = codec_record_encode (&record, buffer, sizeof buffer);
    assert_int_equal ((size_t)size * 2, strlen (expected_bytes));
    char bytes[sizeof expected_bytes];
    for (int i = 0; i < size; i++)
        snprintf (bytes + 2 * i, 3, "%02x", buffer[i]);
    assert_string_equal (bytes, expected_bytes);

    /* And a decoded copy hashes the same. */
    yw_record_t decoded;
    assert_int_equal (codec_record_decode (buffer, (size_t)size, &decoded, NULL), 0);
    uint8_t from_decoded[YW_HASH_SIZE];
    codec_record_hash (&decoded, from_decoded);
    assert_memory_equal (hash, from_decoded, YW_HASH_SIZE);
}

/* --- hostile bytes ------------------------------------------------------------- */

/* Packs a hand-made Record message. */
static size_t
s_pack (const Yiwang__Record *message, uint8_t *out, size_t out_size)
{
    size_t size = yiwang__record__get_packed_size (message);
    assert_true (size <= out_size);
    return yiwang__record__pack (message, out);
}

static void
s_assert_refused (const uint8_t *data, size_t size, int rc, const char *error_part)
{
    yw_record_t record;
    memset (&record, 0x5A, sizeof record);
    char error[128] = "";
    assert_int_equal (codec_record_decode (data, size, &record, error), rc);
    if (error_part && !strstr (error, error_part))
        fail_msg ("error \"%s\" does not say \"%s\"", error, error_part);
    /* Left reset, as the header promises. */
    assert_int_equal (record.kind, YW_KIND_NONE);
    assert_int_equal (record.present, 0);
    assert_string_equal (record.object_code, "");
    /* Error text is optional. */
    assert_int_equal (codec_record_decode (data, size, &record, NULL), rc);
}

static void
test_decode_mismatched_and_unknown (void **state)
{
    (void)state;
    uint8_t buffer[1024];
    Yiwang__Vehicle vehicle = YIWANG__VEHICLE__INIT;
    Yiwang__OfficeBuilding building = YIWANG__OFFICE_BUILDING__INIT;

    /* A vehicle body under kind OFFICE_BUILDING */
    Yiwang__Record message = YIWANG__RECORD__INIT;
    message.kind = YIWANG__KIND__OFFICE_BUILDING;
    message.body_case = YIWANG__RECORD__BODY_VEHICLE;
    message.vehicle = &vehicle;
    s_assert_refused (buffer, s_pack (&message, buffer, sizeof buffer), YW_EPARSE,
                      "body does not match");

    /* A building body with no kind */
    message.kind = YIWANG__KIND__KIND_UNSPECIFIED;
    message.body_case = YIWANG__RECORD__BODY_OFFICE_BUILDING;
    message.office_building = &building;
    s_assert_refused (buffer, s_pack (&message, buffer, sizeof buffer), YW_EPARSE, "kind");

    /* Kinds that do not exist (yet): open enum values on the wire */
    int kinds[] = {0, 4, 99, -1};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        Yiwang__Record bare = YIWANG__RECORD__INIT;
        bare.kind = (Yiwang__Kind)kinds[i];
        bare.object_code = "VH123";
        s_assert_refused (buffer, s_pack (&bare, buffer, sizeof buffer), YW_EPARSE,
                          "unknown kind");
    }

    /* An empty message is a record of no kind */
    s_assert_refused (buffer, 0, YW_EPARSE, "unknown kind");
}

static void
test_decode_oversized_fields (void **state)
{
    (void)state;
    uint8_t buffer[4096];
    char long_text[YW_NODE_ID_SIZE + 2];
    memset (long_text, 'A', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';

    struct {
        const char *what;
        size_t limit; /* bytes the field holds, NUL included */
    } envelope[] = {{"object_code", YW_OBJECT_CODE_SIZE},
                    {"region_code", YW_REGION_SIZE},
                    {"unit_code", YW_USCC_SIZE},
                    {"origin_node", YW_NODE_ID_SIZE}};
    for (size_t i = 0; i < sizeof envelope / sizeof envelope[0]; i++) {
        for (size_t len = envelope[i].limit - 1; len <= envelope[i].limit; len++) {
            char text[YW_NODE_ID_SIZE + 2];
            memcpy (text, long_text, len);
            text[len] = '\0';
            Yiwang__Record message = YIWANG__RECORD__INIT;
            message.kind = YIWANG__KIND__VEHICLE;
            char **slot = i == 0   ? &message.object_code
                          : i == 1 ? &message.region_code
                          : i == 2 ? &message.unit_code
                                   : &message.origin_node;
            *slot = text;
            size_t size = s_pack (&message, buffer, sizeof buffer);
            if (len == envelope[i].limit - 1) {
                yw_record_t record;
                assert_int_equal (codec_record_decode (buffer, size, &record, NULL), 0);
            }
            else
                s_assert_refused (buffer, size, YW_EPARSE, envelope[i].what);
        }
    }

    /* A body string one byte over its buffer */
    Yiwang__Vehicle vehicle = YIWANG__VEHICLE__INIT;
    char plate[YW_SHORT_SIZE + 1];
    memset (plate, 'B', YW_SHORT_SIZE);
    plate[YW_SHORT_SIZE] = '\0';
    vehicle.plate = plate;
    Yiwang__Record message = YIWANG__RECORD__INIT;
    message.kind = YIWANG__KIND__VEHICLE;
    message.body_case = YIWANG__RECORD__BODY_VEHICLE;
    message.vehicle = &vehicle;
    s_assert_refused (buffer, s_pack (&message, buffer, sizeof buffer), YW_EPARSE, "plate");

    /* A content hash that is not 32 bytes */
    uint8_t hash[33] = {1};
    size_t lengths[] = {1, 31, 33};
    for (size_t i = 0; i < 3; i++) {
        Yiwang__Record bad = YIWANG__RECORD__INIT;
        bad.kind = YIWANG__KIND__VEHICLE;
        bad.content_hash.data = hash;
        bad.content_hash.len = lengths[i];
        s_assert_refused (buffer, s_pack (&bad, buffer, sizeof buffer), YW_EPARSE,
                          "content_hash");
    }

    /* A whole message over the limit is refused before it is parsed. */
    uint8_t *big = yw_calloc (1, YW_RECORD_MAX_ENCODED + 1);
    s_assert_refused (big, YW_RECORD_MAX_ENCODED + 1, YW_ETOOBIG, "at most");
    free (big);
}

static void
test_decode_bad_utf8 (void **state)
{
    (void)state;
    static const char *bad[] = {
        "\xFF", "abc\x80", "\xC0\xAF", "\xED\xA0\x80", "\xE6\xB5", "\xF4\x90\x80\x80",
    };
    uint8_t buffer[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Yiwang__Record message = YIWANG__RECORD__INIT;
        message.kind = YIWANG__KIND__VEHICLE;
        message.region_code = (char *)bad[i];
        s_assert_refused (buffer, s_pack (&message, buffer, sizeof buffer), YW_EPARSE,
                          NULL);

        Yiwang__Vehicle vehicle = YIWANG__VEHICLE__INIT;
        vehicle.brand_model = (char *)bad[i];
        message.region_code = "370102";
        message.body_case = YIWANG__RECORD__BODY_VEHICLE;
        message.vehicle = &vehicle;
        s_assert_refused (buffer, s_pack (&message, buffer, sizeof buffer), YW_EPARSE,
                          NULL);
    }
}

/* Every prefix of a valid encoding, and every single-byte corruption of it,
   either decodes to a well-formed record or is refused: never a crash, never
   an unterminated string. */
static void
test_decode_truncated_and_corrupted (void **state)
{
    (void)state;
    for (yw_kind_t kind = 1; kind < YW_KIND_COUNT; kind++) {
        yw_record_t record;
        s_full_record (&record, (yw_kind_t)kind, "甲", kind);
        codec_record_hash (&record, record.content_hash);
        uint8_t buffer[YW_RECORD_MAX_ENCODED];
        int size = codec_record_encode (&record, buffer, sizeof buffer);
        assert_true (size > 0);
        int refused = 0;
        for (int cut = 0; cut < size; cut++) {
            /* A copy of exactly `cut` bytes, so ASan sees any read past it. */
            uint8_t *copy = yw_malloc ((size_t)cut);
            memcpy (copy, buffer, (size_t)cut);
            yw_record_t back;
            int rc = codec_record_decode (copy, (size_t)cut, &back, NULL);
            assert_true (rc == 0 || rc == YW_EPARSE);
            refused += rc != 0;
            if (rc == 0)
                for (size_t i = 0; yw_fields[i].name; i++)
                    if (s_is_string (&yw_fields[i]) &&
                        (yw_fields[i].kind == YW_KIND_NONE || yw_fields[i].kind == kind))
                        assert_true (strlen (yw_field_cptr (&back, &yw_fields[i])) <
                                     yw_fields[i].size);
            free (copy);
        }
        assert_true (refused > size / 2);
        for (int at = 0; at < size; at++)
            for (int bit = 0; bit < 8; bit += 3) {
                uint8_t copy[YW_RECORD_MAX_ENCODED];
                memcpy (copy, buffer, (size_t)size);
                copy[at] ^= (uint8_t)(1u << bit);
                yw_record_t back;
                int rc = codec_record_decode (copy, (size_t)size, &back, NULL);
                assert_true (rc == 0 || rc == YW_EPARSE);
                if (rc == 0)
                    assert_true (back.kind > YW_KIND_NONE && back.kind < YW_KIND_COUNT);
            }
    }
}

/* Every string field at capacity, in 4-byte characters: the bound holds. */
static void
test_max_encoded_bound (void **state)
{
    (void)state;
    for (yw_kind_t kind = 1; kind < YW_KIND_COUNT; kind++) {
        yw_record_t record;
        s_full_record (&record, (yw_kind_t)kind, "\xF0\xA0\xAE\xB7", 9);
        for (size_t i = 0; yw_fields[i].name; i++) /* widest varints */
            if (!s_is_string (&yw_fields[i]) &&
                (yw_fields[i].kind == kind || yw_fields[i].kind == YW_KIND_NONE)) {
                void *value = yw_field_ptr (&record, &yw_fields[i]);
                if (yw_fields[i].size == sizeof (int32_t))
                    *(int32_t *)value = INT32_MIN;
                else
                    *(int64_t *)value = INT64_MIN;
            }
        memset (record.origin_node, 'n', sizeof record.origin_node - 1);
        record.version = UINT64_MAX;
        memset (record.content_hash, 0xFF, YW_HASH_SIZE);
        uint8_t buffer[YW_RECORD_MAX_ENCODED];
        int size = codec_record_encode (&record, buffer, sizeof buffer);
        assert_true (size > 0 && size <= YW_RECORD_MAX_ENCODED);
        yw_record_t back;
        assert_int_equal (codec_record_decode (buffer, (size_t)size, &back, NULL), 0);
        assert_int_equal (memcmp (&back.body, &record.body, sizeof back.body), 0);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_table_matches_proto),
        cmocka_unit_test (test_round_trip_every_kind),
        cmocka_unit_test (test_round_trip_sparse),
        cmocka_unit_test (test_tombstone),
        cmocka_unit_test (test_encode_buffer_too_small),
        cmocka_unit_test (test_hash_sees_content_only),
        cmocka_unit_test (test_hash_is_stable),
        cmocka_unit_test (test_decode_mismatched_and_unknown),
        cmocka_unit_test (test_decode_oversized_fields),
        cmocka_unit_test (test_decode_bad_utf8),
        cmocka_unit_test (test_decode_truncated_and_corrupted),
        cmocka_unit_test (test_max_encoded_bound),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
