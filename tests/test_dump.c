/*  test_dump.c - a store's canonical dump and digest (node/dump.h), on real
    LMDB stores in a temporary directory: the line format, the order, the
    region filter, tombstones, the digest being the SHA-256 of exactly the
    dump's bytes, and a hub that applied a county's batches printing the
    same lines as the county (so digests compare stores across levels).
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
#include "dump.h"
#include "store.h"
#include "yw.h"

typedef struct {
    char dir[64];
    store_t *county;
} fixture_t;

static store_t *
s_open (const char *dir, const char *node_id)
{
    store_options_t options = {.dir = dir, .node_id = node_id};
    store_t *store = NULL;
    char error[STORE_ERROR_SIZE] = "";
    if (store_open (&options, &store, error))
        fail_msg ("store_open %s: %s", dir, error);
    return store;
}

static int
s_setup (void **state)
{
    fixture_t *f = yw_calloc (1, sizeof *f);
    snprintf (f->dir, sizeof f->dir, "/tmp/test_dump-XXXXXX");
    if (!mkdtemp (f->dir))
        return -1;
    char dir[96];
    snprintf (dir, sizeof dir, "%s/county", f->dir);
    f->county = s_open (dir, "county-370102");
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    fixture_t *f = *state;
    store_destroy (&f->county);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", f->dir);
    int rc = system (command);
    free (f);
    return rc == 0 ? 0 : -1;
}

/* A made-up vehicle i in region 370102 (odd i) or 370103 (even i). */
static void
s_vehicle (yw_record_t *record, uint64_t i, unsigned variant)
{
    yw_record_reset (record, YW_KIND_VEHICLE);
    snprintf (record->object_code, sizeof record->object_code, "VH%020lluX",
              (unsigned long long)(i * 0x9E3779B97F4A7C15ull));
    snprintf (record->region_code, sizeof record->region_code, "%s",
              i % 2 ? "370102" : "370103");
    snprintf (record->unit_code, sizeof record->unit_code, "11370100MB0000001X");
    snprintf (record->body.vehicle.vin, sizeof record->body.vehicle.vin, "LSVAU2180N%07llu",
              (unsigned long long)i);
    snprintf (record->body.vehicle.category, sizeof record->body.vehicle.category, "03");
    snprintf (record->body.vehicle.status, sizeof record->body.vehicle.status, "01");
    record->body.vehicle.odometer_km = (int64_t)(i * 10 + variant);
    codec_record_hash (record, record->content_hash);
}

static void
s_ingest (store_t *store, yw_record_t *records, size_t count, bool full, uint64_t import_id)
{
    store_ingest_t batch = {.source = "fleet.csv",
                            .kind = YW_KIND_VEHICLE,
                            .import_id = import_id,
                            .full = full,
                            .final = true,
                            .records = records,
                            .record_count = count};
    store_ingest_report_t report;
    char error[STORE_ERROR_SIZE] = "";
    if (store_ingest (store, &batch, 1, &report, error))
        fail_msg ("store_ingest: %s", error);
}

/* The whole dump in one buffer. */
typedef struct {
    char *text;
    size_t size, lines;
} s_buffer_t;

static int
s_append (void *arg, const char *line, size_t size)
{
    s_buffer_t *buffer = arg;
    buffer->text = yw_realloc (buffer->text, buffer->size + size + 1);
    memcpy (buffer->text + buffer->size, line, size);
    buffer->size += size;
    buffer->text[buffer->size] = '\0';
    buffer->lines++;
    return 0;
}

static s_buffer_t
s_dump (store_t *store, const char *prefix)
{
    s_buffer_t buffer = {yw_strdup (""), 0, 0};
    assert_int_equal (dump_each (store, prefix, s_append, &buffer), 0);
    return buffer;
}

static void
s_hex (const uint8_t *hash, char *hex)
{
    for (size_t i = 0; i < YW_HASH_SIZE; i++)
        snprintf (hex + 2 * i, 3, "%02x", hash[i]);
}

/* ------------------------------------------------------------- tests */

static void
test_line_format (void **state)
{
    store_object_t info;
    memset (&info, 0, sizeof info);
    info.version = 117677294585118720ull;
    for (size_t i = 0; i < YW_HASH_SIZE; i++)
        info.content_hash[i] = (uint8_t)(i * 17);
    char line[DUMP_LINE_SIZE];
    size_t size = dump_line ("VH03AS985CJPM5NFJQGVSA4", &info, line);
    const char *want = "VH03AS985CJPM5NFJQGVSA4\t117677294585118720\t"
                       "00112233445566778899aabbccddeeff"
                       "102132435465768798a9bacbdcedfe0f\t0\n";
    assert_string_equal (line, want);
    assert_int_equal (size, strlen (want));

    /* the widest line fits */
    info.version = UINT64_MAX;
    info.deleted = true;
    size = dump_line ("VH03AS985CJPM5NFJQGVSA4", &info, line);
    assert_int_equal (size, 23 + 1 + 20 + 1 + 64 + 1 + 1 + 1);
    assert_string_equal (line + size - 3, "\t1\n");
}

static void
test_prefix_valid (void **state)
{
    assert_true (dump_prefix_valid (NULL));
    assert_true (dump_prefix_valid (""));
    assert_true (dump_prefix_valid ("3"));
    assert_true (dump_prefix_valid ("3701"));
    assert_true (dump_prefix_valid ("370102"));
    assert_false (dump_prefix_valid ("3701020"));
    assert_false (dump_prefix_valid ("37a1"));
    assert_false (dump_prefix_valid ("-37"));
    assert_false (dump_prefix_valid (" 37"));

    store_object_t info;
    memset (&info, 0, sizeof info);
    snprintf (info.region_code, sizeof info.region_code, "370102");
    assert_true (dump_region_match (&info, NULL));
    assert_true (dump_region_match (&info, "37"));
    assert_true (dump_region_match (&info, "370102"));
    assert_false (dump_region_match (&info, "3702"));
    assert_false (dump_region_match (&info, "370103"));
}

static void
test_empty_store (void **state)
{
    fixture_t *f = *state;
    s_buffer_t dump = s_dump (f->county, NULL);
    assert_int_equal (dump.size, 0);
    free (dump.text);
    char hex[DUMP_DIGEST_HEX];
    uint64_t lines = 99;
    assert_int_equal (dump_digest (f->county, NULL, hex, &lines), 0);
    /* SHA-256 of nothing, as sha256sum prints it for an empty input */
    assert_string_equal (
        hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal (lines, 0);
}

static void
test_dump_and_digest (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = yw_malloc (200 * sizeof *records);
    for (size_t i = 0; i < 200; i++)
        s_vehicle (&records[i], i, 0);
    s_ingest (f->county, records, 200, true, 1);
    /* a later full export without the first 20 cars: 20 tombstones */
    s_ingest (f->county, records + 20, 180, true, 2);

    s_buffer_t dump = s_dump (f->county, NULL);
    assert_int_equal (dump.lines, 200);
    /* sorted by object code, one line per object, each as store_get sees it */
    char previous[YW_OBJECT_CODE_SIZE] = "";
    size_t deleted = 0;
    for (char *line = dump.text; *line;) {
        char *end = strchr (line, '\n');
        assert_non_null (end);
        char code[YW_OBJECT_CODE_SIZE];
        memcpy (code, line, 23);
        code[23] = '\0';
        assert_true (strcmp (previous, code) < 0);
        strcpy (previous, code);
        store_object_t info;
        assert_int_equal (store_get (f->county, code, NULL, &info), 0);
        char want[DUMP_LINE_SIZE];
        size_t size = dump_line (code, &info, want);
        assert_int_equal ((size_t)(end + 1 - line), size);
        assert_memory_equal (line, want, size);
        deleted += info.deleted;
        line = end + 1;
    }
    assert_int_equal (deleted, 20);

    /* the digest is the SHA-256 of exactly the dump's bytes */
    uint8_t hash[YW_HASH_SIZE];
    char want[DUMP_DIGEST_HEX], hex[DUMP_DIGEST_HEX];
    yw_sha256 (dump.text, dump.size, hash);
    s_hex (hash, want);
    uint64_t lines;
    assert_int_equal (dump_digest (f->county, NULL, hex, &lines), 0);
    assert_string_equal (hex, want);
    assert_int_equal (lines, 200);

    /* a region prefix keeps exactly the lines of that region */
    s_buffer_t odd = s_dump (f->county, "370102"), even = s_dump (f->county, "370103");
    s_buffer_t all = s_dump (f->county, "37");
    assert_int_equal (odd.lines, 100);
    assert_int_equal (even.lines, 100);
    assert_int_equal (all.size, dump.size);
    assert_memory_equal (all.text, dump.text, dump.size);
    assert_int_equal (dump_digest (f->county, "370102", hex, &lines), 0);
    yw_sha256 (odd.text, odd.size, hash);
    s_hex (hash, want);
    assert_string_equal (hex, want);
    assert_int_equal (lines, 100);
    s_buffer_t none = s_dump (f->county, "3702");
    assert_int_equal (none.lines, 0);

    /* an unchanged re-import changes no line; a change changes one */
    s_ingest (f->county, records + 20, 180, true, 3);
    s_buffer_t again = s_dump (f->county, NULL);
    assert_int_equal (again.size, dump.size);
    assert_memory_equal (again.text, dump.text, dump.size);
    s_vehicle (&records[50], 50, 1);
    s_ingest (f->county, records + 20, 180, true, 4);
    char before[DUMP_DIGEST_HEX];
    strcpy (before, hex);
    assert_int_equal (dump_digest (f->county, NULL, hex, NULL), 0);
    s_buffer_t changed = s_dump (f->county, NULL);
    assert_int_equal (changed.size, dump.size);
    size_t differ = 0;
    for (char *a = dump.text, *b = changed.text; *a;
         a = strchr (a, '\n') + 1, b = strchr (b, '\n') + 1)
        differ += memcmp (a, b, strchr (a, '\n') - a) != 0;
    assert_int_equal (differ, 1);

    free (dump.text), free (odd.text), free (even.text), free (all.text), free (none.text);
    free (again.text), free (changed.text);
    free (records);
}

/* Every batch of `from`'s log applied at `to` through one link. */
typedef struct {
    store_remote_t batches[64];
    uint8_t *copies[64];
    size_t count;
} s_collected_t;

static int
s_collect (void *arg, uint64_t seq, const uint8_t *data, size_t size)
{
    s_collected_t *c = arg;
    assert_true (c->count < 64);
    c->copies[c->count] = yw_malloc (size);
    memcpy (c->copies[c->count], data, size);
    c->batches[c->count] = (store_remote_t){.data = c->copies[c->count], .size = size};
    c->count++;
    return 0;
}

static void
s_relay (store_t *from, store_t *to, const char *link, const char *jurisdiction)
{
    s_collected_t c = {.count = 0};
    assert_int_equal (store_log_each (from, 0, 0, s_collect, &c), 0);
    for (size_t i = 0; i < c.count; i++) {
        c.batches[i].link = link;
        c.batches[i].link_seq = i + 1;
        c.batches[i].jurisdiction = jurisdiction;
    }
    store_remote_report_t reports[64];
    char error[STORE_ERROR_SIZE] = "";
    if (store_apply_remote (to, c.batches, c.count, true, reports, error))
        fail_msg ("store_apply_remote: %s", error);
    for (size_t i = 0; i < c.count; i++) {
        assert_int_equal (reports[i].status, 0);
        assert_int_equal (reports[i].rejected, 0);
        free (c.copies[i]);
    }
}

static void
test_hub_prints_the_same_lines (void **state)
{
    fixture_t *f = *state;
    yw_record_t *records = yw_malloc (100 * sizeof *records);
    for (size_t i = 0; i < 100; i++)
        s_vehicle (&records[i], i, 0);
    s_ingest (f->county, records, 100, true, 1);
    s_vehicle (&records[7], 7, 3);
    s_ingest (f->county, records + 5, 95, true, 2); /* 5 tombstones, 1 change */

    char dir[96];
    snprintf (dir, sizeof dir, "%s/city", f->dir);
    store_t *city = s_open (dir, "city-370100");
    s_relay (f->county, city, "county-370102", "3701");

    s_buffer_t county = s_dump (f->county, NULL), hub = s_dump (city, NULL);
    assert_int_equal (county.lines, 100);
    assert_int_equal (hub.size, county.size);
    assert_memory_equal (hub.text, county.text, county.size);
    char a[DUMP_DIGEST_HEX], b[DUMP_DIGEST_HEX];
    assert_int_equal (dump_digest (f->county, NULL, a, NULL), 0);
    assert_int_equal (dump_digest (city, NULL, b, NULL), 0);
    assert_string_equal (a, b);
    free (county.text), free (hub.text);
    store_destroy (&city);
    free (records);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_line_format),
        cmocka_unit_test (test_prefix_valid),
        cmocka_unit_test_setup_teardown (test_empty_store, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_dump_and_digest, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_hub_prints_the_same_lines, s_setup,
                                         s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
