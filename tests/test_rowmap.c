/*  test_rowmap.c - one row to one normalized record, or a rejection.

    Each kind has a good row, written the messy way agencies write (full-
    width characters, units, dates in Chinese); a table of cases changes a
    few cells and says what must come out: the normalized values, or the
    reason code, the standard field and part of the message. Then object
    codes and content hashes (the same object written differently is the
    same record), jurisdiction, and the getter's own failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codebook.h"
#include "codec.h"
#include "mapping.h"
#include "objcode.h"
#include "rowmap.h"
#include "yw.h"

/* Cell values that make the getter fail the way adapters do. */
#define CELL_BAD_ENCODING "\x01encoding"
#define CELL_TOO_BIG "\x01toobig"
#define CELL_NOT_VALUE "\x01json"

typedef struct {
    const char *name; /* standard field */
    const char *value;
} cell_t;

#define MAX_CELLS 24

typedef struct {
    cell_t cells[MAX_CELLS];
} row_t;

static int
s_get (void *arg, size_t index, const char **value, size_t *size)
{
    row_t *row = arg;
    for (size_t i = 0; i < MAX_CELLS && row->cells[i].name; i++) {
        if (strcmp (row->cells[i].name, yw_fields[index].name))
            continue;
        const char *text = row->cells[i].value;
        if (!text)
            return YW_ENOTFOUND;
        if (!strcmp (text, CELL_BAD_ENCODING))
            return YW_EENCODING;
        if (!strcmp (text, CELL_TOO_BIG))
            return YW_ETOOBIG;
        if (!strcmp (text, CELL_NOT_VALUE))
            return YW_EPARSE;
        *value = text;
        *size = strlen (text);
        return 0;
    }
    return YW_ENOTFOUND;
}

/* The good rows. */
static const row_t s_vehicle = {{
    {"region_code", "370102"},
    {"unit_code", "11370102006310480J"},
    {"plate", "鲁Ａ８４Ａ８６"},
    {"vin", "lfvxceb55ef605737"},
    {"category", "执法执勤用车"},
    {"body_type", "K33"},
    {"energy_type", "汽油"},
    {"brand_model", " 一汽-大众牌FV7207TDQBG "},
    {"displacement_ml", "1.8T"},
    {"purchase_price", "20.97万元"},
    {"purchase_date", "2014年2月5日"},
    {"status", "在用"},
    {"odometer_km", "79,092公里"},
}};

static const row_t s_building = {{
    {"region_code", "370102"},
    {"unit_code", "11370102009593607N"},
    {"name", "历下区委机关办公楼"},
    {"address", "济南市历下区山大路208号"},
    {"certificate_no", "鲁(2024)济南市不动产权第3448045号"},
    {"land_area", "3820平方米"},
    {"building_area", "3,409.19㎡"},
    {"office_room_area", "1534.13"},
    {"service_room_area", "375.01"},
    {"equipment_room_area", "136.36"},
    {"auxiliary_room_area", "306.82"},
    {"property_right", "有证"},
    {"year_built", "2016年"},
    {"floors", "7层"},
    {"longitude", "117.0512"},
    {"latitude", "36.6789"},
}};

static const row_t s_filing = {{
    {"region_code", "370102"},
    {"unit_code", "11370102006310480J"},
    {"filing_no", "JD3701022025000001"},
    {"guest_organization", "济宁市市场监督管理局"},
    {"start_date", "2025/4/9"},
    {"end_date", "2025-04-11"},
    {"guests", "15人"},
    {"accompanying_staff", "1"},
    {"meals", "3餐"},
    {"accommodation_nights", "16"},
    {"meal_cost", "4320元"},
    {"accommodation_cost", "4,480.00"},
    {"transport_cost", "0"},
    {"other_cost", "0"},
    {"total_cost", "8800"},
    {"letter_no", "济市监函〔2025〕73号"},
    {"filed_at", "20250414"},
}};

/* Standard field f is read from column "col_f", so messages show the
   source column; the vehicle mapping adds a local synonym. */
static mapping_t *
s_mapping (const codebook_t *codebook, yw_kind_t kind, const char *region)
{
    char text[4096];
    int off = snprintf (text, sizeof text, "[source]\nkind = %s\nregion = %s\n[field]\n",
                        yw_kind_name (kind), region);
    for (size_t i = 0; yw_fields[i].name; i++)
        if (yw_fields[i].kind == YW_KIND_NONE || yw_fields[i].kind == kind)
            off += snprintf (text + off, sizeof text - (size_t)off, "%s = col_%s\n",
                             yw_fields[i].name, yw_fields[i].name);
    if (kind == YW_KIND_VEHICLE)
        snprintf (text + off, sizeof text - (size_t)off,
                  "[synonyms.category]\n巡逻车 = 03\n");
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    if (mapping_parse (text, "test.ini", codebook, &mapping, error))
        fail_msg ("%s", error);
    return mapping;
}

typedef struct {
    codebook_t *codebook;
    mapping_t *mappings[YW_KIND_COUNT];
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *fixture = yw_calloc (1, sizeof *fixture);
    fixture->codebook = codebook_new ();
    if (!fixture->codebook)
        return -1;
    for (int kind = 1; kind < YW_KIND_COUNT; kind++)
        fixture->mappings[kind] = s_mapping (fixture->codebook, (yw_kind_t)kind, "370102");
    *state = fixture;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    for (int kind = 1; kind < YW_KIND_COUNT; kind++)
        mapping_destroy (&fixture->mappings[kind]);
    codebook_destroy (&fixture->codebook);
    free (fixture);
    return 0;
}

/* A copy of kind's good row with some cells changed (value NULL: absent). */
static row_t
s_row (yw_kind_t kind, const cell_t *changes)
{
    row_t row = kind == YW_KIND_VEHICLE           ? s_vehicle
                : kind == YW_KIND_OFFICE_BUILDING ? s_building
                                                  : s_filing;
    for (size_t c = 0; c < 3 && changes[c].name; c++) {
        size_t i = 0;
        while (i < MAX_CELLS && row.cells[i].name &&
               strcmp (row.cells[i].name, changes[c].name))
            i++;
        assert_true (i < MAX_CELLS);
        row.cells[i] = changes[c];
    }
    return row;
}

/* A field of a record as text, as the cases write it. */
static void
s_field_text (const yw_record_t *record, const char *name, char *out, size_t size)
{
    int index = yw_field_find (record->kind, name);
    assert_true (index >= 0);
    const yw_field_t *field = &yw_fields[index];
    const void *value = yw_field_cptr (record, field);
    if (!(record->present & (1ull << index)))
        snprintf (out, size, "(absent)");
    else if (field->type <= YW_FT_ENUM)
        snprintf (out, size, "%s", (const char *)value);
    else if (field->size == sizeof (int32_t))
        snprintf (out, size, "%d", *(const int32_t *)value);
    else
        snprintf (out, size, "%lld", (long long)*(const int64_t *)value);
}

typedef struct {
    const char *what;
    yw_kind_t kind;
    cell_t changes[3];
    yw_reason_t reason;
    const char *field; /* the rejected field ("" for the whole row) */
    const char *says;  /* part of the message; or for YW_R_OK, "field=value;..." */
} row_case_t;

#define V YW_KIND_VEHICLE
#define B YW_KIND_OFFICE_BUILDING
#define F YW_KIND_RECEPTION_FILING

static const row_case_t s_cases[] = {
    /* The good rows, normalized */
    {"vehicle as written",
     V,
     {{NULL, NULL}},
     YW_R_OK,
     NULL,
     "plate=鲁A84A86;vin=LFVXCEB55EF605737;category=03;body_type=K33;energy_type=01;"
     "brand_model=一汽-大众牌FV7207TDQBG;displacement_ml=1800;purchase_price=20970000;"
     "purchase_date=20140205;status=01;odometer_km=79092;region_code=370102;"
     "unit_code=11370102006310480J"},
    {"building as written",
     B,
     {{NULL, NULL}},
     YW_R_OK,
     NULL,
     "certificate_no=鲁(2024)济南市不动产权第3448045号;land_area=382000;"
     "building_area=340919;office_room_area=153413;property_right=01;year_built=2016;"
     "floors=7;longitude=1170512000;latitude=366789000"},
    {"filing as written",
     F,
     {{NULL, NULL}},
     YW_R_OK,
     NULL,
     "filing_no=JD3701022025000001;start_date=20250409;end_date=20250411;guests=15;"
     "meals=3;meal_cost=432000;accommodation_cost=448000;transport_cost=0;"
     "total_cost=880000;filed_at=20250414"},

    /* Harmless mess */
    {"codebook synonym", V, {{"category", "执法车"}}, YW_R_OK, NULL, "category=03"},
    {"the mapping's own synonym",
     V,
     {{"category", "巡逻车"}},
     YW_R_OK,
     NULL,
     "category=03"},
    {"a code for a name", V, {{"status", "04"}}, YW_R_OK, NULL, "status=04"},
    {"status synonym", V, {{"status", "已报废"}}, YW_R_OK, NULL, "status=04"},
    {"space inside a plate", V, {{"plate", "鲁A 84A86"}}, YW_R_OK, NULL, "plate=鲁A84A86"},
    {"middle dot inside a plate",
     V,
     {{"plate", "鲁A·12345"}},
     YW_R_OK,
     NULL,
     "plate=鲁A12345"},
    {"bullet inside a plate",
     V,
     {{"plate", "鲁A\xE2\x80\xA2"
                "12345"}},
     YW_R_OK,
     NULL,
     "plate=鲁A12345"},
    {"katakana middle dot inside a plate",
     V,
     {{"plate", "鲁A\xE3\x83\xBB"
                "12345"}},
     YW_R_OK,
     NULL,
     "plate=鲁A12345"},
    {"hyphen inside a plate", V, {{"plate", "鲁A-12345"}}, YW_R_OK, NULL, "plate=鲁A12345"},
    {"full-width hyphen inside a plate",
     V,
     {{"plate", "鲁Ａ－１２３４５"}},
     YW_R_OK,
     NULL,
     "plate=鲁A12345"},
    {"empty optional fields are absent",
     V,
     {{"plate", ""}, {"displacement_ml", "  "}, {"odometer_km", NULL}},
     YW_R_OK,
     NULL,
     "plate=(absent);displacement_ml=(absent);odometer_km=(absent)"},
    {"no region: the mapping's",
     V,
     {{"region_code", ""}},
     YW_R_OK,
     NULL,
     "region_code=370102"},
    {"an abolished region: its successor",
     V,
     {{"region_code", "371202"}},
     YW_R_OK,
     NULL,
     "region_code=370116"},
    {"Excel serial date",
     V,
     {{"purchase_date", "44380"}},
     YW_R_OK,
     NULL,
     "purchase_date=20210703"},
    {"mileage in 万公里",
     V,
     {{"odometer_km", "1.2345万公里"}},
     YW_R_OK,
     NULL,
     "odometer_km=12345"},
    {"price with a currency sign",
     V,
     {{"purchase_price", "￥125,000.00"}},
     YW_R_OK,
     NULL,
     "purchase_price=12500000"},
    {"land in 亩", B, {{"land_area", "3.2亩"}}, YW_R_OK, NULL, "land_area=213333"},
    {"a filing with a total and no parts",
     F,
     {{"meal_cost", ""}, {"accommodation_cost", ""}},
     YW_R_OK,
     NULL,
     "total_cost=880000"},
    {"a filing with parts and no total",
     F,
     {{"total_cost", ""}},
     YW_R_OK,
     NULL,
     "total_cost=(absent);meal_cost=432000"},
    {"a one-day filing",
     F,
     {{"end_date", "2025-04-09"}},
     YW_R_OK,
     NULL,
     "end_date=20250409"},

    /* Codes */
    {"VIN check digit",
     V,
     {{"vin", "LFVXCEB56EF605737"}},
     YW_R_VIN_CHECK,
     "vin",
     "col_vin \"LFVXCEB56EF605737\": check character is 5, not 6"},
    {"VIN one short", V, {{"vin", "LFVXCEB55EF60573"}}, YW_R_VIN_LENGTH, "vin", NULL},
    {"VIN far too long is still a VIN length",
     V,
     {{"vin", "LFVXCEB55EF605737LFVXCEB55EF605737LFVXCEB55EF605737LFVXCEB55EF605737"}},
     YW_R_VIN_LENGTH,
     "vin",
     NULL},
    {"VIN with an O", V, {{"vin", "LFVXCEB55EF6O5737"}}, YW_R_VIN_CHARSET, "vin", NULL},
    {"USCC check character",
     V,
     {{"unit_code", "11370102006310480K"}},
     YW_R_USCC_CHECK,
     "unit_code",
     "check character is J, not K"},
    {"USCC with characters too many",
     V,
     {{"unit_code", "11370102006310480J1234567"}},
     YW_R_USCC_LENGTH,
     "unit_code",
     NULL},
    {"USCC as a spreadsheet number",
     V,
     {{"unit_code", "1.13701E+17"}},
     YW_R_USCC_LENGTH,
     "unit_code",
     NULL},
    {"plate of no province",
     V,
     {{"plate", "齐A12345"}},
     YW_R_PLATE_PROVINCE,
     "plate",
     NULL},
    {"plate too short", V, {{"plate", "鲁A1234"}}, YW_R_PLATE_FORMAT, "plate", NULL},
    {"plate behind a separator",
     V,
     {{"plate", "·鲁A12345"}},
     YW_R_PLATE_FORMAT,
     "plate",
     "col_plate \"·鲁A12345\""},
    {"plate with a doubled separator",
     V,
     {{"plate", "鲁A--12345"}},
     YW_R_PLATE_FORMAT,
     "plate",
     "col_plate \"鲁A--12345\""},
    {"plate of separators only", V, {{"plate", "·"}}, YW_R_PLATE_FORMAT, "plate", "\"·\""},
    {"USCC with a hyphen",
     V,
     {{"unit_code", "11370102-006310480J"}},
     YW_R_USCC_LENGTH,
     "unit_code",
     "col_unit_code \"11370102-006310480J\""},
    {"VIN with a hyphen",
     V,
     {{"vin", "LFVXCEB55EF6-5737"}},
     YW_R_VIN_CHARSET,
     "vin",
     "col_vin \"LFVXCEB55EF6-5737\""},
    {"unknown region",
     V,
     {{"region_code", "379999"}},
     YW_R_REGION_UNKNOWN,
     "region_code",
     "379999"},
    {"unknown category",
     V,
     {{"category", "见附表"}},
     YW_R_ENUM_UNKNOWN,
     "category",
     "not in table vehicle_category"},
    {"unknown property right",
     B,
     {{"property_right", "#N/A"}},
     YW_R_ENUM_UNKNOWN,
     "property_right",
     NULL},

    /* Numbers and dates */
    {"price in dollars",
     V,
     {{"purchase_price", "12.5万美元"}},
     YW_R_UNIT_UNKNOWN,
     "purchase_price",
     NULL},
    {"negative price",
     V,
     {{"purchase_price", "-100"}},
     YW_R_NUMBER_RANGE,
     "purchase_price",
     NULL},
    {"price to be decided",
     V,
     {{"purchase_price", "待定"}},
     YW_R_NUMBER_FORMAT,
     "purchase_price",
     NULL},
    {"30 February",
     V,
     {{"purchase_date", "2021-02-30"}},
     YW_R_DATE_RANGE,
     "purchase_date",
     NULL},
    {"last year", V, {{"purchase_date", "去年"}}, YW_R_DATE_FORMAT, "purchase_date", NULL},
    {"built in 1850", B, {{"year_built", "1850年"}}, YW_R_DATE_RANGE, "year_built", NULL},
    {"floors in words", B, {{"floors", "六层"}}, YW_R_NUMBER_FORMAT, "floors", NULL},
    {"latitude past the pole",
     B,
     {{"latitude", "91.5"}},
     YW_R_COORD_RANGE,
     "latitude",
     "latitude beyond 90 degrees"},
    {"longitude with a misplaced point",
     B,
     {{"longitude", "1170.1234"}},
     YW_R_COORD_RANGE,
     "longitude",
     NULL},
    {"guests past 32 bits",
     F,
     {{"guests", "3000000000"}},
     YW_R_NUMBER_RANGE,
     "guests",
     NULL},

    /* Required fields */
    {"no VIN", V, {{"vin", ""}}, YW_R_MISSING, "vin", "col_vin"},
    {"VIN absent", V, {{"vin", NULL}}, YW_R_MISSING, "vin", NULL},
    {"no category", V, {{"category", "　"}}, YW_R_MISSING, "category", NULL},
    {"no unit", B, {{"unit_code", ""}}, YW_R_MISSING, "unit_code", NULL},
    {"no name", B, {{"name", ""}}, YW_R_MISSING, "name", NULL},
    {"no start date", F, {{"start_date", ""}}, YW_R_MISSING, "start_date", NULL},

    /* Rules across fields */
    {"rooms larger than the building",
     B,
     {{"office_room_area", "3000"}},
     YW_R_INCONSISTENT,
     "building_area",
     "more than the building"},
    {"a filing that ends before it starts",
     F,
     {{"end_date", "2025-04-01"}},
     YW_R_INCONSISTENT,
     "end_date",
     "ends 20250401, before it starts 20250409"},
    {"a total that is not the sum",
     F,
     {{"total_cost", "8801"}},
     YW_R_INCONSISTENT,
     "total_cost",
     "880100 fen is not the sum"},

    /* Text */
    {"a brand over 255 bytes",
     V,
     {{"brand_model",
       "红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红"
       "旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红"
       "旗红旗红旗红旗红旗红旗红旗红旗红旗红旗红旗"}},
     YW_R_TOO_LONG,
     "brand_model",
     NULL},

    /* What the getter says */
    {"bytes not in the file's encoding",
     V,
     {{"brand_model", CELL_BAD_ENCODING}},
     YW_R_BAD_ENCODING,
     "brand_model",
     "not valid in the file's encoding"},
    {"a cell over the reader's limit",
     V,
     {{"plate", CELL_TOO_BIG}},
     YW_R_TOO_LONG,
     "plate",
     NULL},
    {"a JSON array where a value goes",
     B,
     {{"floors", CELL_NOT_VALUE}},
     YW_R_BAD_JSON,
     "floors",
     "not a string or number"},

    /* The first problem in field order is the one reported */
    {"two problems",
     V,
     {{"category", "见附表"}, {"vin", "LFVXCEB56EF605737"}},
     YW_R_VIN_CHECK,
     "vin",
     NULL},
};

static void
test_cases (void **state)
{
    fixture_t *fixture = *state;
    yw_record_t record;
    rowmap_reject_t reject;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const row_case_t *c = &s_cases[i];
        rowmap_t *rowmap = rowmap_new (fixture->codebook, fixture->mappings[c->kind], NULL);
        row_t row = s_row (c->kind, c->changes);
        memset (&reject, 0, sizeof reject);
        yw_reason_t reason = rowmap_apply (rowmap, s_get, &row, &record, &reject);
        if (reason != c->reason)
            fail_msg ("%s: %s (%s), expected %s", c->what, yw_reason_code (reason),
                      reject.message, yw_reason_code (c->reason));
        if (reason == YW_R_OK) {
            assert_int_equal (record.kind, c->kind);
            assert_true (codebook_objcode_valid (record.object_code));
            /* "field=value;..." */
            char expect[1024];
            snprintf (expect, sizeof expect, "%s", c->says);
            for (char *item = strtok (expect, ";"); item; item = strtok (NULL, ";")) {
                char *equals = strchr (item, '=');
                *equals = '\0';
                char got[512];
                s_field_text (&record, item, got, sizeof got);
                if (strcmp (got, equals + 1))
                    fail_msg ("%s: %s is \"%s\", expected \"%s\"", c->what, item, got,
                              equals + 1);
            }
        }
        else {
            assert_int_equal (reject.reason, c->reason);
            const char *field = reject.field >= 0 ? yw_fields[reject.field].name : "";
            if (strcmp (field, c->field))
                fail_msg ("%s: field %s, expected %s", c->what, field, c->field);
            if (c->says && !strstr (reject.message, c->says))
                fail_msg ("%s: \"%s\" does not say \"%s\"", c->what, reject.message,
                          c->says);
            /* The message names the source column, not only the standard name. */
            if (reject.field >= 0 && !strstr (reject.message, "col_"))
                fail_msg ("%s: \"%s\" does not name the column", c->what, reject.message);
            assert_true (strlen (reject.value) < sizeof reject.value);
        }
        rowmap_destroy (&rowmap);
        assert_null (rowmap);
    }
}

/* A row with nothing in it (spreadsheet leftovers, a JSON line of nulls) is
   one rejection of the whole row, not "unit_code missing". */
static void
test_empty_row (void **state)
{
    fixture_t *fixture = *state;
    static const row_t empty_cells = {
        {{"region_code", ""}, {"unit_code", "  "}, {"vin", ""}}};
    static const row_t nothing = {{{NULL, NULL}}};
    const row_t *rows[] = {&empty_cells, &nothing};
    for (int kind = 1; kind < YW_KIND_COUNT; kind++)
        for (size_t i = 0; i < 2; i++) {
            rowmap_t *rowmap =
                rowmap_new (fixture->codebook, fixture->mappings[kind], NULL);
            yw_record_t record;
            rowmap_reject_t reject;
            row_t row = *rows[i];
            assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject),
                              YW_R_MISSING);
            assert_int_equal (reject.field, -1);
            assert_non_null (strstr (reject.message, "empty row"));
            rowmap_destroy (&rowmap);
        }
}

/* Rejected values are kept whole up to 255 bytes, cut on a character. */
static void
test_reject_value_cut (void **state)
{
    fixture_t *fixture = *state;
    char value[400] = "a";
    for (int i = 0; i < 100; i++)
        strcat (value, "中");
    cell_t changes[3] = {{"brand_model", value}};
    row_t row = s_row (YW_KIND_VEHICLE, changes);
    rowmap_t *rowmap =
        rowmap_new (fixture->codebook, fixture->mappings[YW_KIND_VEHICLE], NULL);
    yw_record_t record;
    rowmap_reject_t reject;
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject), YW_R_TOO_LONG);
    assert_int_equal (strlen (reject.value), 1 + 84 * 3);
    assert_memory_equal (reject.value, value, 1 + 84 * 3);
    rowmap_destroy (&rowmap);
}

/* --- identity -------------------------------------------------------------------- */

static void
s_apply_ok (fixture_t *fixture, yw_kind_t kind, const cell_t *changes, yw_record_t *record)
{
    rowmap_t *rowmap = rowmap_new (fixture->codebook, fixture->mappings[kind], NULL);
    row_t row = s_row (kind, changes);
    rowmap_reject_t reject;
    yw_reason_t reason = rowmap_apply (rowmap, s_get, &row, record, &reject);
    if (reason)
        fail_msg ("%s", reject.message);
    rowmap_destroy (&rowmap);
}

/* The same car written two ways is one object with one content hash; a
   change of content changes the hash and not the object. */
static void
test_identity (void **state)
{
    fixture_t *fixture = *state;
    yw_record_t a, b;
    static const cell_t none[3] = {{NULL, NULL}};
    s_apply_ok (fixture, YW_KIND_VEHICLE, none, &a);
    static const cell_t messy[3] = {{"vin", " LFVXCEB55EF605737 "},
                                    {"purchase_price", "209700"},
                                    {"category", "执法执勤"}};
    s_apply_ok (fixture, YW_KIND_VEHICLE, messy, &b);
    assert_string_equal (a.object_code, b.object_code);
    assert_memory_equal (a.content_hash, b.content_hash, YW_HASH_SIZE);
    /* a plate written with its separator is the same plate */
    static const cell_t dotted[3] = {{"plate", "鲁A·84A86"}};
    s_apply_ok (fixture, YW_KIND_VEHICLE, dotted, &b);
    assert_string_equal (b.body.vehicle.plate, "鲁A84A86");
    assert_memory_equal (a.content_hash, b.content_hash, YW_HASH_SIZE);
    assert_int_equal (strncmp (a.object_code, "VH", 2), 0);
    uint8_t hash[YW_HASH_SIZE];
    codec_record_hash (&a, hash);
    assert_memory_equal (hash, a.content_hash, YW_HASH_SIZE);

    static const cell_t moved[3] = {{"status", "停用"}};
    s_apply_ok (fixture, YW_KIND_VEHICLE, moved, &b);
    assert_string_equal (a.object_code, b.object_code);
    assert_memory_not_equal (a.content_hash, b.content_hash, YW_HASH_SIZE);

    /* A building is its certificate; without one, region + address + name. */
    s_apply_ok (fixture, YW_KIND_OFFICE_BUILDING, none, &a);
    static const cell_t renamed[3] = {{"name", "另一个名字"}};
    s_apply_ok (fixture, YW_KIND_OFFICE_BUILDING, renamed, &b);
    assert_string_equal (a.object_code, b.object_code);
    assert_int_equal (strncmp (a.object_code, "BD", 2), 0);
    static const cell_t no_certificate[3] = {{"certificate_no", ""}};
    s_apply_ok (fixture, YW_KIND_OFFICE_BUILDING, no_certificate, &a);
    static const cell_t no_certificate_renamed[3] = {{"certificate_no", ""},
                                                     {"name", "另一个名字"}};
    s_apply_ok (fixture, YW_KIND_OFFICE_BUILDING, no_certificate_renamed, &b);
    assert_string_not_equal (a.object_code, b.object_code);

    /* A filing is its host unit and number. */
    s_apply_ok (fixture, YW_KIND_RECEPTION_FILING, none, &a);
    static const cell_t other_host[3] = {{"unit_code", "11370102009593607N"}};
    s_apply_ok (fixture, YW_KIND_RECEPTION_FILING, other_host, &b);
    assert_string_not_equal (a.object_code, b.object_code);
    assert_int_equal (strncmp (a.object_code, "RF", 2), 0);
}

static void
test_identify_incomplete (void **state)
{
    (void)state;
    yw_record_t record;
    yw_record_reset (&record, YW_KIND_VEHICLE);
    assert_int_equal (rowmap_identify (&record), YW_R_MISSING);
    yw_record_reset (&record, YW_KIND_OFFICE_BUILDING);
    strcpy (record.body.building.address, "济南市历下区山大路208号");
    assert_int_equal (rowmap_identify (&record), YW_R_MISSING); /* no name, no region */
    strcpy (record.body.building.name, "办公楼");
    strcpy (record.region_code, "370102");
    assert_int_equal (rowmap_identify (&record), YW_R_OK);
    assert_true (codebook_objcode_valid (record.object_code));
    yw_record_reset (&record, YW_KIND_RECEPTION_FILING);
    strcpy (record.body.filing.filing_no, "JD1");
    assert_int_equal (rowmap_identify (&record), YW_R_MISSING); /* no host unit */
    yw_record_reset (&record, YW_KIND_NONE);
    assert_int_equal (rowmap_identify (&record), YW_R_MISSING);
}

/* --- jurisdiction ------------------------------------------------------------------ */

static void
test_jurisdiction (void **state)
{
    fixture_t *fixture = *state;
    yw_record_t record;
    rowmap_reject_t reject;
    /* 济南市 370100 covers 历下区 370102, not 青岛市南区 370202 */
    rowmap_t *rowmap =
        rowmap_new (fixture->codebook, fixture->mappings[YW_KIND_VEHICLE], "370100");
    static const cell_t none[3] = {{NULL, NULL}};
    row_t row = s_row (YW_KIND_VEHICLE, none);
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject), YW_R_OK);
    static const cell_t qingdao[3] = {{"region_code", "370202"}};
    row = s_row (YW_KIND_VEHICLE, qingdao);
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject),
                      YW_R_REGION_OUTSIDE);
    assert_string_equal (yw_fields[reject.field].name, "region_code");
    assert_non_null (strstr (reject.message, "outside jurisdiction 370100"));
    /* Old codes are judged by their successor: 莱城区 is 济南's now. */
    static const cell_t laiwu[3] = {{"region_code", "371202"}};
    row = s_row (YW_KIND_VEHICLE, laiwu);
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject), YW_R_OK);
    rowmap_destroy (&rowmap);

    /* The mapping's default region is checked too. */
    mapping_t *mapping = s_mapping (fixture->codebook, YW_KIND_VEHICLE, "370202");
    rowmap = rowmap_new (fixture->codebook, mapping, "370100");
    static const cell_t no_region[3] = {{"region_code", ""}};
    row = s_row (YW_KIND_VEHICLE, no_region);
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject),
                      YW_R_REGION_OUTSIDE);
    assert_non_null (strstr (reject.message, "default region outside jurisdiction"));
    rowmap_destroy (&rowmap);
    mapping_destroy (&mapping);
}

/* Only the fields given are present; the record is reset for every row. */
static void
test_present_and_reset (void **state)
{
    fixture_t *fixture = *state;
    rowmap_t *rowmap =
        rowmap_new (fixture->codebook, fixture->mappings[YW_KIND_VEHICLE], NULL);
    yw_record_t record;
    rowmap_reject_t reject;
    static const cell_t none[3] = {{NULL, NULL}};
    row_t row = s_row (YW_KIND_VEHICLE, none);
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject), YW_R_OK);
    uint64_t all = record.present;
    assert_int_equal (__builtin_popcountll (all), 13);

    static const row_t minimal = {{{"unit_code", "11370102006310480J"},
                                   {"vin", "LFVXCEB55EF605737"},
                                   {"category", "03"},
                                   {"status", "01"}}};
    row = minimal;
    assert_int_equal (rowmap_apply (rowmap, s_get, &row, &record, &reject), YW_R_OK);
    /* four given, and the default region */
    assert_int_equal (__builtin_popcountll (record.present), 5);
    assert_string_equal (record.body.vehicle.plate, "");
    assert_int_equal (record.body.vehicle.odometer_km, 0);
    rowmap_destroy (&rowmap);
    rowmap_destroy (&rowmap);
    rowmap_destroy (NULL);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_cases),
        cmocka_unit_test (test_empty_row),
        cmocka_unit_test (test_reject_value_cut),
        cmocka_unit_test (test_identity),
        cmocka_unit_test (test_identify_incomplete),
        cmocka_unit_test (test_jurisdiction),
        cmocka_unit_test (test_present_and_reset),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
