/*  test_record.c - the data standard's field table (proto/record.h): every
    data element of DESIGN 2 is there once, with the right kind, type,
    storage and obligation; lookups by name and kind; kind names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"

/* --- the table as a whole -------------------------------------------------- */

static void
test_table_shape (void **state)
{
    (void)state;
    size_t count = yw_field_count ();
    /* 2 envelope + 11 vehicle + 14 building + 15 filing data elements */
    assert_int_equal (count, 42);
    assert_true (count <= 64); /* `present` is a 64-bit set */
    assert_null (yw_fields[count].name);
    /* Envelope fields come first: rowmap and the codecs rely on it. */
    assert_string_equal (yw_fields[0].name, "region_code");
    assert_string_equal (yw_fields[1].name, "unit_code");
    for (size_t i = 0; i < count; i++) {
        const yw_field_t *field = &yw_fields[i];
        assert_non_null (field->name);
        assert_true (field->name[0] != '\0');
        if (i < 2)
            assert_int_equal (field->kind, YW_KIND_NONE);
        else
            assert_true (field->kind > YW_KIND_NONE && field->kind < YW_KIND_COUNT);
        /* Every name is unique among the fields a kind can see. */
        for (size_t j = 0; j < i; j++)
            if (yw_fields[j].kind == YW_KIND_NONE || field->kind == YW_KIND_NONE ||
                yw_fields[j].kind == field->kind)
                assert_string_not_equal (yw_fields[j].name, field->name);
    }
}

/* Where each type of field lives and how big it is. */
static void
test_table_storage (void **state)
{
    (void)state;
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        assert_true (field->offset + field->size <= sizeof (yw_record_t));
        size_t body = offsetof (yw_record_t, body);
        if (field->kind == YW_KIND_NONE)
            assert_true (field->offset < body);
        else {
            size_t limit = field->kind == YW_KIND_VEHICLE           ? sizeof (yw_vehicle_t)
                           : field->kind == YW_KIND_OFFICE_BUILDING ? sizeof (yw_building_t)
                                                                    : sizeof (yw_filing_t);
            assert_true (field->offset >= body);
            assert_true (field->offset + field->size <= body + limit);
        }
        switch (field->type) {
            case YW_FT_TEXT:
            case YW_FT_CODE:
            case YW_FT_REGION:
            case YW_FT_USCC:
            case YW_FT_PLATE:
            case YW_FT_VIN:
            case YW_FT_ENUM: assert_true (field->size >= 8); break;
            case YW_FT_DATE:
            case YW_FT_YEAR:
                assert_int_equal (field->size, sizeof (int32_t));
                assert_int_equal (field->offset % sizeof (int32_t), 0);
                break;
            case YW_FT_MONEY:
            case YW_FT_AREA:
            case YW_FT_COORD:
                assert_int_equal (field->size, sizeof (int64_t));
                assert_int_equal (field->offset % sizeof (int64_t), 0);
                break;
            default:
                assert_true (field->size == sizeof (int32_t) ||
                             field->size == sizeof (int64_t));
                assert_int_equal (field->offset % field->size, 0);
                break;
        }
        if (field->type == YW_FT_ENUM)
            assert_non_null (field->table);
        else
            assert_null (field->table);
    }
    /* Fields of one kind never overlap. */
    for (size_t i = 0; yw_fields[i].name; i++)
        for (size_t j = 0; j < i; j++) {
            if (yw_fields[i].kind != yw_fields[j].kind)
                continue;
            const yw_field_t *a = &yw_fields[i], *b = &yw_fields[j];
            assert_true (a->offset >= b->offset + b->size ||
                         b->offset >= a->offset + a->size);
        }
}

static void
test_table_proto_numbers (void **state)
{
    (void)state;
    for (size_t i = 0; yw_fields[i].name; i++) {
        assert_true (yw_fields[i].proto_number > 0);
        for (size_t j = 0; j < i; j++)
            if (yw_fields[j].kind == yw_fields[i].kind)
                assert_int_not_equal (yw_fields[j].proto_number, yw_fields[i].proto_number);
    }
    /* The envelope's numbers are Record's (proto/yiwang.proto). */
    assert_int_equal (
        yw_fields[yw_field_find (YW_KIND_VEHICLE, "region_code")].proto_number, 3);
    assert_int_equal (yw_fields[yw_field_find (YW_KIND_VEHICLE, "unit_code")].proto_number,
                      4);
}

/* --- each data element ------------------------------------------------------ */

typedef struct {
    yw_kind_t kind;
    const char *name;
    yw_field_type_t type;
    const char *table;
    bool required;
} element_case_t;

/* DESIGN 2's elements, and the ones a row cannot do without (the MISSING
   reasons of deploy/samples/README.md). */
static const element_case_t s_elements[] = {
    {YW_KIND_VEHICLE, "region_code", YW_FT_REGION, NULL, true},
    {YW_KIND_VEHICLE, "unit_code", YW_FT_USCC, NULL, true},
    {YW_KIND_VEHICLE, "plate", YW_FT_PLATE, NULL, false},
    {YW_KIND_VEHICLE, "vin", YW_FT_VIN, NULL, true},
    {YW_KIND_VEHICLE, "category", YW_FT_ENUM, "vehicle_category", true},
    {YW_KIND_VEHICLE, "body_type", YW_FT_ENUM, "body_type", false},
    {YW_KIND_VEHICLE, "energy_type", YW_FT_ENUM, "energy_type", false},
    {YW_KIND_VEHICLE, "brand_model", YW_FT_TEXT, NULL, false},
    {YW_KIND_VEHICLE, "displacement_ml", YW_FT_VOLUME, NULL, false},
    {YW_KIND_VEHICLE, "purchase_price", YW_FT_MONEY, NULL, false},
    {YW_KIND_VEHICLE, "purchase_date", YW_FT_DATE, NULL, false},
    {YW_KIND_VEHICLE, "status", YW_FT_ENUM, "vehicle_status", true},
    {YW_KIND_VEHICLE, "odometer_km", YW_FT_DISTANCE, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "region_code", YW_FT_REGION, NULL, true},
    {YW_KIND_OFFICE_BUILDING, "name", YW_FT_TEXT, NULL, true},
    {YW_KIND_OFFICE_BUILDING, "address", YW_FT_TEXT, NULL, true},
    {YW_KIND_OFFICE_BUILDING, "certificate_no", YW_FT_CODE, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "land_area", YW_FT_AREA, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "building_area", YW_FT_AREA, NULL, true},
    {YW_KIND_OFFICE_BUILDING, "office_room_area", YW_FT_AREA, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "service_room_area", YW_FT_AREA, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "equipment_room_area", YW_FT_AREA, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "auxiliary_room_area", YW_FT_AREA, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "property_right", YW_FT_ENUM, "property_right", false},
    {YW_KIND_OFFICE_BUILDING, "year_built", YW_FT_YEAR, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "floors", YW_FT_COUNT, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "longitude", YW_FT_COORD, NULL, false},
    {YW_KIND_OFFICE_BUILDING, "latitude", YW_FT_COORD, NULL, false},
    {YW_KIND_RECEPTION_FILING, "unit_code", YW_FT_USCC, NULL, true},
    {YW_KIND_RECEPTION_FILING, "filing_no", YW_FT_CODE, NULL, true},
    {YW_KIND_RECEPTION_FILING, "guest_organization", YW_FT_TEXT, NULL, true},
    {YW_KIND_RECEPTION_FILING, "start_date", YW_FT_DATE, NULL, true},
    {YW_KIND_RECEPTION_FILING, "end_date", YW_FT_DATE, NULL, false},
    {YW_KIND_RECEPTION_FILING, "guests", YW_FT_COUNT, NULL, false},
    {YW_KIND_RECEPTION_FILING, "accompanying_staff", YW_FT_COUNT, NULL, false},
    {YW_KIND_RECEPTION_FILING, "meals", YW_FT_COUNT, NULL, false},
    {YW_KIND_RECEPTION_FILING, "accommodation_nights", YW_FT_COUNT, NULL, false},
    {YW_KIND_RECEPTION_FILING, "meal_cost", YW_FT_MONEY, NULL, false},
    {YW_KIND_RECEPTION_FILING, "accommodation_cost", YW_FT_MONEY, NULL, false},
    {YW_KIND_RECEPTION_FILING, "transport_cost", YW_FT_MONEY, NULL, false},
    {YW_KIND_RECEPTION_FILING, "other_cost", YW_FT_MONEY, NULL, false},
    {YW_KIND_RECEPTION_FILING, "total_cost", YW_FT_MONEY, NULL, false},
    {YW_KIND_RECEPTION_FILING, "letter_no", YW_FT_CODE, NULL, false},
    {YW_KIND_RECEPTION_FILING, "filed_at", YW_FT_DATE, NULL, false},
};

static void
test_elements (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_elements / sizeof s_elements[0]; i++) {
        const element_case_t *c = &s_elements[i];
        int index = yw_field_find (c->kind, c->name);
        if (index < 0)
            fail_msg ("%s of %s not found", c->name, yw_kind_name (c->kind));
        const yw_field_t *field = &yw_fields[index];
        assert_string_equal (field->name, c->name);
        assert_int_equal (field->type, c->type);
        if (c->table)
            assert_string_equal (field->table, c->table);
        if (field->required != c->required)
            fail_msg ("%s of %s: required is %d", c->name, yw_kind_name (c->kind),
                      field->required);
    }
    /* Every field of the table is one of the elements above. */
    for (size_t i = 0; yw_fields[i].name; i++) {
        bool listed = false;
        for (size_t k = 0; k < sizeof s_elements / sizeof s_elements[0]; k++)
            listed |= !strcmp (s_elements[k].name, yw_fields[i].name);
        if (!listed)
            fail_msg ("field %s is not in the test's list", yw_fields[i].name);
    }
}

/* --- lookups ---------------------------------------------------------------- */

typedef struct {
    yw_kind_t kind;
    const char *name;
    bool found;
} find_case_t;

static const find_case_t s_finds[] = {
    {YW_KIND_VEHICLE, "vin", true},
    {YW_KIND_OFFICE_BUILDING, "vin", false}, /* another kind's element */
    {YW_KIND_RECEPTION_FILING, "plate", false},
    {YW_KIND_OFFICE_BUILDING, "name", true},
    {YW_KIND_VEHICLE, "name", false},
    {YW_KIND_RECEPTION_FILING, "region_code", true}, /* envelope: every kind */
    {YW_KIND_NONE, "unit_code", true},
    {YW_KIND_NONE, "vin", false},
    {YW_KIND_VEHICLE, "VIN", false}, /* names are exact */
    {YW_KIND_VEHICLE, "vin ", false},
    {YW_KIND_VEHICLE, "", false},
    {YW_KIND_VEHICLE, "object_code", false}, /* derived, never mapped */
    {YW_KIND_VEHICLE, "content_hash", false},
    {YW_KIND_VEHICLE, "kind", false},
};

static void
test_find (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_finds / sizeof s_finds[0]; i++) {
        const find_case_t *c = &s_finds[i];
        int index = yw_field_find (c->kind, c->name);
        if (c->found != (index >= 0))
            fail_msg ("yw_field_find (%d, \"%s\") = %d", c->kind, c->name, index);
        if (index >= 0) {
            assert_string_equal (yw_fields[index].name, c->name);
            assert_true (yw_fields[index].kind == YW_KIND_NONE ||
                         yw_fields[index].kind == c->kind);
        }
    }
    /* Every field is found under its own kind at its own index. */
    for (size_t i = 0; yw_fields[i].name; i++) {
        yw_kind_t kind = yw_fields[i].kind ? yw_fields[i].kind : YW_KIND_VEHICLE;
        assert_int_equal (yw_field_find (kind, yw_fields[i].name), (int)i);
    }
}

static void
test_kind_names (void **state)
{
    (void)state;
    assert_string_equal (yw_kind_name (YW_KIND_VEHICLE), "vehicle");
    assert_string_equal (yw_kind_name (YW_KIND_OFFICE_BUILDING), "office_building");
    assert_string_equal (yw_kind_name (YW_KIND_RECEPTION_FILING), "reception_filing");
    assert_string_equal (yw_kind_name (YW_KIND_NONE), "");
    assert_string_equal (yw_kind_name ((yw_kind_t)4), "");
    assert_string_equal (yw_kind_name ((yw_kind_t)-1), "");
    for (int kind = 1; kind < YW_KIND_COUNT; kind++)
        assert_int_equal (yw_kind_parse (yw_kind_name ((yw_kind_t)kind)), kind);
    static const char *unknown[] = {"",          "Vehicle",  "vehicles", "office",
                                    "reception", "building", " vehicle", "车辆"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_int_equal (yw_kind_parse (unknown[i]), YW_KIND_NONE);
}

static void
test_reset_and_pointers (void **state)
{
    (void)state;
    yw_record_t record;
    memset (&record, 0xA5, sizeof record);
    yw_record_reset (&record, YW_KIND_OFFICE_BUILDING);
    assert_int_equal (record.kind, YW_KIND_OFFICE_BUILDING);
    assert_int_equal (record.present, 0);
    assert_int_equal (record.version, 0);
    assert_false (record.deleted);
    assert_string_equal (record.object_code, "");
    assert_string_equal (record.body.building.name, "");
    assert_int_equal (record.body.building.latitude, 0);
    for (size_t i = 0; i < YW_HASH_SIZE; i++)
        assert_int_equal (record.content_hash[i], 0);

    /* yw_field_ptr reaches the named member. */
    int index = yw_field_find (YW_KIND_OFFICE_BUILDING, "floors");
    *(int32_t *)yw_field_ptr (&record, &yw_fields[index]) = 17;
    assert_int_equal (record.body.building.floors, 17);
    index = yw_field_find (YW_KIND_OFFICE_BUILDING, "region_code");
    strcpy (yw_field_ptr (&record, &yw_fields[index]), "370102");
    assert_string_equal (record.region_code, "370102");
    assert_string_equal ((const char *)yw_field_cptr (&record, &yw_fields[index]),
                         "370102");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_table_shape),
        cmocka_unit_test (test_table_storage),
        cmocka_unit_test (test_table_proto_numbers),
        cmocka_unit_test (test_elements),
        cmocka_unit_test (test_find),
        cmocka_unit_test (test_kind_names),
        cmocka_unit_test (test_reset_and_pointers),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
