/*  record.c - the field table of the data standard (DESIGN 2). */
#include "record.h"

#include <string.h>

#define ENV(f, t, req, num) \
    { #f, YW_KIND_NONE, t, offsetof (yw_record_t, f), \
      sizeof (((yw_record_t *) 0)->f), NULL, req, num }
#define VEH(f, t, tab, req, num) \
    { #f, YW_KIND_VEHICLE, t, offsetof (yw_record_t, body.vehicle.f), \
      sizeof (((yw_record_t *) 0)->body.vehicle.f), tab, req, num }
#define BLD(f, t, tab, req, num) \
    { #f, YW_KIND_OFFICE_BUILDING, t, offsetof (yw_record_t, body.building.f), \
      sizeof (((yw_record_t *) 0)->body.building.f), tab, req, num }
#define FIL(f, t, tab, req, num) \
    { #f, YW_KIND_RECEPTION_FILING, t, offsetof (yw_record_t, body.filing.f), \
      sizeof (((yw_record_t *) 0)->body.filing.f), tab, req, num }

const yw_field_t yw_fields[] = {
    ENV (region_code, YW_FT_REGION, true, 3),
    ENV (unit_code, YW_FT_USCC, true, 4),

    VEH (plate, YW_FT_PLATE, NULL, false, 1),
    VEH (vin, YW_FT_VIN, NULL, true, 2),
    VEH (category, YW_FT_ENUM, "vehicle_category", true, 3),
    VEH (body_type, YW_FT_ENUM, "body_type", false, 4),
    VEH (energy_type, YW_FT_ENUM, "energy_type", false, 5),
    VEH (brand_model, YW_FT_TEXT, NULL, false, 6),
    VEH (displacement_ml, YW_FT_VOLUME, NULL, false, 7),
    VEH (purchase_price, YW_FT_MONEY, NULL, false, 8),
    VEH (purchase_date, YW_FT_DATE, NULL, false, 9),
    VEH (status, YW_FT_ENUM, "vehicle_status", true, 10),
    VEH (odometer_km, YW_FT_DISTANCE, NULL, false, 11),

    BLD (name, YW_FT_TEXT, NULL, true, 1),
    BLD (address, YW_FT_TEXT, NULL, true, 2),
    BLD (certificate_no, YW_FT_CODE, NULL, false, 3),
    BLD (land_area, YW_FT_AREA, NULL, false, 4),
    BLD (building_area, YW_FT_AREA, NULL, true, 5),
    BLD (office_room_area, YW_FT_AREA, NULL, false, 6),
    BLD (service_room_area, YW_FT_AREA, NULL, false, 7),
    BLD (equipment_room_area, YW_FT_AREA, NULL, false, 8),
    BLD (auxiliary_room_area, YW_FT_AREA, NULL, false, 9),
    BLD (property_right, YW_FT_ENUM, "property_right", false, 10),
    BLD (year_built, YW_FT_YEAR, NULL, false, 11),
    BLD (floors, YW_FT_COUNT, NULL, false, 12),
    BLD (longitude, YW_FT_COORD, NULL, false, 13),
    BLD (latitude, YW_FT_COORD, NULL, false, 14),

    FIL (filing_no, YW_FT_CODE, NULL, true, 1),
    FIL (guest_organization, YW_FT_TEXT, NULL, true, 2),
    FIL (start_date, YW_FT_DATE, NULL, true, 3),
    FIL (end_date, YW_FT_DATE, NULL, false, 4),
    FIL (guests, YW_FT_COUNT, NULL, false, 5),
    FIL (accompanying_staff, YW_FT_COUNT, NULL, false, 6),
    FIL (meals, YW_FT_COUNT, NULL, false, 7),
    FIL (accommodation_nights, YW_FT_COUNT, NULL, false, 8),
    FIL (meal_cost, YW_FT_MONEY, NULL, false, 9),
    FIL (accommodation_cost, YW_FT_MONEY, NULL, false, 10),
    FIL (transport_cost, YW_FT_MONEY, NULL, false, 11),
    FIL (other_cost, YW_FT_MONEY, NULL, false, 12),
    FIL (total_cost, YW_FT_MONEY, NULL, false, 13),
    FIL (letter_no, YW_FT_CODE, NULL, false, 14),
    FIL (filed_at, YW_FT_DATE, NULL, false, 15),

    { NULL, YW_KIND_NONE, YW_FT_TEXT, 0, 0, NULL, false, 0 }
};

size_t
yw_field_count (void)
{
    return sizeof (yw_fields) / sizeof (yw_fields[0]) - 1;
}

int
yw_field_find (yw_kind_t kind, const char *name)
{
    for (size_t i = 0; yw_fields[i].name; i++)
        if ((yw_fields[i].kind == YW_KIND_NONE || yw_fields[i].kind == kind)
            && strcmp (yw_fields[i].name, name) == 0)
            return (int) i;
    return -1;
}

static const char *s_kind_names[YW_KIND_COUNT] = {
    "", "office_building", "vehicle", "reception_filing"
};

const char *
yw_kind_name (yw_kind_t kind)
{
    return (unsigned) kind < YW_KIND_COUNT ? s_kind_names[kind] : "";
}

yw_kind_t
yw_kind_parse (const char *name)
{
    for (int kind = 1; kind < YW_KIND_COUNT; kind++)
        if (strcmp (name, s_kind_names[kind]) == 0)
            return (yw_kind_t) kind;
    return YW_KIND_NONE;
}

void
yw_record_reset (yw_record_t *record, yw_kind_t kind)
{
    memset (record, 0, sizeof *record);
    record->kind = kind;
}
