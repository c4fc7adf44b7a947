/*  test_summary.c - a store's view by region, kind and dimension
    (node/summary.h): counts and sums roll up from county to city to
    province, deleted objects and findings are counted apart, a region
    prefix limits the walk, rejections are tallied by reason, and the printed
    tables put names beside codes.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "summary.h"
#include "yw.h"

typedef struct {
    char dir[64];
    store_t *store;
    codebook_t *codebook;
} fixture_t;

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/test_summary-XXXXXX");
    if (!mkdtemp (f->dir))
        return -1;
    store_options_t options = {.dir = f->dir, .node_id = "city-370100"};
    char error[STORE_ERROR_SIZE] = "";
    if (store_open (&options, &f->store, error))
        return -1;
    f->codebook = codebook_new ();
    *state = f;
    return f->codebook ? 0 : -1;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->store);
    codebook_destroy (&f->codebook);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", f->dir);
    int rc = system (command);
    free (f);
    return rc == 0 ? 0 : -1;
}

static void
s_envelope (yw_record_t *record, yw_kind_t kind, const char *prefix, uint64_t i,
            const char *region)
{
    yw_record_reset (record, kind);
    snprintf (record->object_code, sizeof record->object_code, "%s%020lluX", prefix,
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "%s", region);
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB0000001X");
}

static void
s_vehicle (yw_record_t *record, uint64_t i, const char *region, const char *category,
           const char *status)
{
    s_envelope (record, YW_KIND_VEHICLE, "VH", i, region);
    snprintf (record->body.vehicle.vin, sizeof record->body.vehicle.vin, "LSVAU2180N%07llu",
              (unsigned long long)i);
    snprintf (record->body.vehicle.category, sizeof record->body.vehicle.category, "%s",
              category);
    snprintf (record->body.vehicle.status, sizeof record->body.vehicle.status, "%s",
              status);
    codec_record_hash (record, record->content_hash);
}

static void
s_building (yw_record_t *record, uint64_t i, const char *region, int64_t area,
            int64_t office)
{
    s_envelope (record, YW_KIND_OFFICE_BUILDING, "BD", i, region);
    snprintf (record->body.building.name, sizeof record->body.building.name, "办公楼%llu",
              (unsigned long long)i);
    snprintf (record->body.building.address, sizeof record->body.building.address,
              "泉城路%llu号", (unsigned long long)i);
    record->body.building.building_area = area;
    record->body.building.office_room_area = office;
    codec_record_hash (record, record->content_hash);
}

static void
s_filing (yw_record_t *record, uint64_t i, const char *region, int guests, int64_t cost)
{
    s_envelope (record, YW_KIND_RECEPTION_FILING, "RF", i, region);
    snprintf (record->body.filing.filing_no, sizeof record->body.filing.filing_no, "JD%llu",
              (unsigned long long)i);
    snprintf (record->body.filing.guest_organization,
              sizeof record->body.filing.guest_organization, "淄博市卫生健康委员会");
    record->body.filing.start_date = 20250301;
    record->body.filing.guests = guests;
    record->body.filing.total_cost = cost;
    codec_record_hash (record, record->content_hash);
}

static void
s_ingest (store_t *store, yw_kind_t kind, yw_record_t *records, size_t count,
          const store_rejection_t *rejections, size_t rejection_count, uint64_t import_id)
{
    store_ingest_t batch = {.source = yw_kind_name (kind),
                            .kind = kind,
                            .import_id = import_id,
                            .full = true,
                            .final = true,
                            .records = records,
                            .record_count = count,
                            .rejections = rejections,
                            .rejection_count = rejection_count};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    if (store_ingest (store, &batch, 1, &report, error))
        fail_msg ("store_ingest: %s", error);
}

/* The region entry of the JSON summary with this code, or NULL. */
static json_t *
s_region (json_t *root, const char *code)
{
    size_t i;
    json_t *region;
    json_array_foreach (
        json_object_get (root, "regions"), i,
        region) if (strcmp (json_string_value (json_object_get (region, "region_code")),
                            code) == 0) return region;
    return NULL;
}

static json_int_t
s_int (json_t *region, const char *kind, const char *a, const char *b)
{
    json_t *value = json_object_get (json_object_get (region, kind), a);
    if (b)
        value = json_object_get (value, b);
    assert_non_null (value);
    return json_integer_value (value);
}

/* 6 vehicles in 370102 历下区, 4 in 370112 历城区 (2 of them later deleted),
   2 buildings and 3 filings in 370102, 2 rejections. */
static void
s_fill (fixture_t *f)
{
    yw_record_t records[10];
    const char *categories[] = {"03", "03", "01", "99", "03", "02"};
    for (int i = 0; i < 6; i++)
        s_vehicle (&records[i], (uint64_t)i, "370102", categories[i], i < 5 ? "01" : "03");
    for (int i = 6; i < 10; i++)
        s_vehicle (&records[i], (uint64_t)i, "370112", "99", "02");
    store_rejection_t rejections[2] = {
        {"v.csv", 3, "vin", "VIN_CHECK", "LSVAU2180N2183295", "check digit"},
        {"v.csv", 9, "vin", "VIN_CHECK", "LSVAU2180N2183296", "check digit"}};
    s_ingest (f->store, YW_KIND_VEHICLE, records, 10, rejections, 2, 1);
    s_ingest (f->store, YW_KIND_VEHICLE, records, 8, NULL, 0, 2); /* 8, 9 deleted */

    yw_record_t buildings[2];
    s_building (&buildings[0], 1, "370102", 123456789, 50000000); /* 1,234,567.89 m2 */
    s_building (&buildings[1], 2, "370102", 11, 0);
    store_rejection_t missing = {"o.csv", 4, "name", "MISSING", "", "name missing"};
    s_ingest (f->store, YW_KIND_OFFICE_BUILDING, buildings, 2, &missing, 1, 3);

    yw_record_t filings[3];
    for (int i = 0; i < 3; i++)
        s_filing (&filings[i], (uint64_t)i, "370102", 4 + i, 100050); /* 1,000.50 元 */
    s_ingest (f->store, YW_KIND_RECEPTION_FILING, filings, 3, NULL, 0, 4);
}

static void
test_rollup (void **state)
{
    fixture_t *f = *state;
    s_fill (f);
    summary_t *summary = summary_new (f->codebook);
    assert_int_equal (summary_load (summary, f->store, NULL), 0);
    json_t *root = summary_json (summary);
    assert_string_equal (json_string_value (json_object_get (root, "node_id")),
                         "city-370100");
    assert_int_equal (json_integer_value (json_object_get (root, "live")), 8 + 2 + 3);
    assert_int_equal (json_integer_value (json_object_get (root, "deleted")), 2);
    assert_int_equal (json_integer_value (json_object_get (root, "findings")), 0);

    /* county, city and province, in code order */
    json_t *regions = json_object_get (root, "regions");
    assert_int_equal (json_array_size (regions), 4);
    const char *order[] = {"370000", "370100", "370102", "370112"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal (json_string_value (json_object_get (
                                 json_array_get (regions, i), "region_code")),
                             order[i]);
    json_t *lixia = s_region (root, "370102"), *licheng = s_region (root, "370112");
    json_t *jinan = s_region (root, "370100"), *shandong = s_region (root, "370000");
    assert_string_equal (json_string_value (json_object_get (lixia, "name")), "历下区");
    assert_string_equal (json_string_value (json_object_get (lixia, "parent")), "370100");
    assert_int_equal (json_integer_value (json_object_get (jinan, "level")), 2);

    assert_int_equal (s_int (lixia, "vehicle", "count", NULL), 6);
    assert_int_equal (s_int (lixia, "vehicle", "category", "03"), 3);
    assert_int_equal (s_int (lixia, "vehicle", "category", "01"), 1);
    assert_int_equal (s_int (lixia, "vehicle", "category", "04"), 0); /* every code shown */
    assert_int_equal (s_int (lixia, "vehicle", "status", "03"), 1);
    assert_int_equal (s_int (licheng, "vehicle", "count", NULL), 2);
    assert_int_equal (json_integer_value (json_object_get (licheng, "deleted")), 2);
    assert_int_equal (s_int (jinan, "vehicle", "count", NULL), 8);
    assert_int_equal (s_int (jinan, "vehicle", "category", "99"), 3);
    assert_int_equal (s_int (jinan, "vehicle", "status", "02"), 2);
    assert_int_equal (s_int (shandong, "vehicle", "count", NULL), 8);

    assert_int_equal (s_int (lixia, "office_building", "count", NULL), 2);
    assert_int_equal (s_int (shandong, "office_building", "building_area", NULL),
                      123456800);
    assert_int_equal (s_int (shandong, "office_building", "office_room_area", NULL),
                      50000000);
    assert_int_equal (s_int (licheng, "office_building", "count", NULL), 0);
    assert_int_equal (s_int (jinan, "reception_filing", "count", NULL), 3);
    assert_int_equal (s_int (jinan, "reception_filing", "guests", NULL), 4 + 5 + 6);
    assert_int_equal (s_int (jinan, "reception_filing", "total_cost", NULL), 300150);

    json_t *rejections = json_object_get (root, "rejections");
    assert_int_equal (json_integer_value (json_object_get (rejections, "VIN_CHECK")), 2);
    assert_int_equal (json_integer_value (json_object_get (rejections, "MISSING")), 1);
    json_decref (root);

    /* the tables for people: names beside codes, m2 and yuan with separators */
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    summary_print (summary, out);
    fclose (out);
    assert_non_null (strstr (text, "  370100 济南市"));
    assert_non_null (strstr (text, "    370102 历下区"));
    assert_non_null (strstr (text, "1,234,568.00"));
    assert_non_null (strstr (text, "3,001.50"));
    assert_non_null (strstr (text, "执法执勤用车"));
    assert_non_null (strstr (text, "待处置"));
    assert_non_null (strstr (text, "VIN_CHECK"));
    assert_non_null (strstr (text, "车架号校验位错误"));
    free (text);
    summary_destroy (&summary);
    summary_destroy (&summary);
    assert_null (summary);
}

static void
test_region_prefix (void **state)
{
    fixture_t *f = *state;
    s_fill (f);
    summary_t *summary = summary_new (f->codebook);
    assert_int_equal (summary_load (summary, f->store, "370112"), 0);
    json_t *root = summary_json (summary);
    assert_int_equal (json_integer_value (json_object_get (root, "live")), 2);
    assert_int_equal (json_integer_value (json_object_get (root, "deleted")), 2);
    assert_null (s_region (root, "370102"));
    assert_int_equal (s_int (s_region (root, "370000"), "vehicle", "count", NULL), 2);
    json_decref (root);
    summary_destroy (&summary);
}

static void
test_findings (void **state)
{
    fixture_t *f = *state;
    summary_t *summary = summary_new (f->codebook);
    yw_record_t car;
    s_vehicle (&car, 1, "370202", "03", "01");
    store_object_t info = {.kind = YW_KIND_VEHICLE, .live_claims = 2, .claims = 2};
    snprintf (info.region_code, sizeof info.region_code, "370202");
    summary_add (summary, car.object_code, &info, &car);
    info.live_claims = 1;
    s_vehicle (&car, 2, "370212", "03", "01");
    snprintf (info.region_code, sizeof info.region_code, "370212");
    summary_add (summary, car.object_code, &info, &car);
    json_t *root = summary_json (summary);
    assert_int_equal (json_integer_value (json_object_get (root, "findings")), 1);
    json_t *examples = json_object_get (root, "finding_examples");
    assert_int_equal (json_array_size (examples), 1);
    assert_string_equal (
        json_string_value (json_object_get (json_array_get (examples, 0), "region_code")),
        "370202");
    assert_int_equal (
        json_integer_value (json_object_get (s_region (root, "370200"), "findings")), 1);
    assert_int_equal (
        json_integer_value (json_object_get (s_region (root, "370212"), "findings")), 0);
    json_decref (root);

    /* a record in a region the codebook does not know is still counted */
    s_vehicle (&car, 3, "379999", "03", "01");
    snprintf (info.region_code, sizeof info.region_code, "379999");
    summary_add (summary, car.object_code, &info, &car);
    /* as are reason codes past the tally's room, under "?" */
    for (int i = 0; i < 100; i++) {
        char reason[32];
        snprintf (reason, sizeof reason, "CLIENT_REASON_%d", i);
        summary_add_rejection (summary, reason);
    }
    root = summary_json (summary);
    assert_int_equal (s_int (s_region (root, "379999"), "vehicle", "count", NULL), 1);
    json_t *rejections = json_object_get (root, "rejections");
    json_int_t total = 0;
    const char *key;
    json_t *value;
    json_object_foreach (rejections, key, value) total += json_integer_value (value);
    assert_int_equal (total, 100);
    assert_non_null (json_object_get (rejections, "?"));
    json_decref (root);
    summary_destroy (&summary);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_rollup, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_region_prefix, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_findings, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
