/*  test_mapping.c - mapping files (DESIGN 4.1): what a good one gives, and
    for each thing an integrator can get wrong, that loading refuses it with
    a message that says where and what. Also the files shipped in
    deploy/samples, and files that are not files, not text or too big. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "codebook.h"
#include "mapping.h"
#include "yw.h"

static codebook_t *s_codebook;

static int
s_setup (void **state)
{
    (void)state;
    s_codebook = codebook_new ();
    return s_codebook ? 0 : -1;
}

static int
s_teardown (void **state)
{
    (void)state;
    codebook_destroy (&s_codebook);
    return 0;
}

/* The [field] lines every vehicle mapping needs. */
#define VEHICLE_FIELDS                                                                     \
    "[field]\n"                                                                            \
    "unit_code = 使用单位统一社会信用代码\n"                                   \
    "vin = 车架号\n"                                                                    \
    "category = 车辆类型\n"                                                            \
    "status = 使用状态\n"

#define VEHICLE_SOURCE "[source]\nkind = vehicle\nregion = 370102\n"

static const char *
s_column (const mapping_t *mapping, const char *field)
{
    int index = yw_field_find (mapping_kind (mapping), field);
    assert_true (index >= 0);
    return mapping_column (mapping, (size_t)index);
}

/* --- good mappings ------------------------------------------------------------ */

/* DESIGN 4.1's example, as written there. */
static void
test_design_example (void **state)
{
    (void)state;
    static const char *text =
        "; county fleet system export\n"
        "[source]\n"
        "kind = vehicle          ; vehicle | office_building | reception_filing\n"
        "format = csv            ; csv | jsonl\n"
        "encoding = gb18030      ; utf-8 (default, BOM tolerated) | gb18030 | gbk\n"
        "region = 370102         ; region of rows that carry none\n"
        "\n"
        "[field]                 ; standard field (proto name) = source column or JSON "
        "key\n"
        "plate = 车牌号\n"
        "vin = 车架号\n"
        "category = 车辆类型\n"
        "purchase_date = 购置日期\n"
        "purchase_price = 购置价格\n"
        "unit_code = 使用单位统一社会信用代码\n"
        "status = 使用状态\n"
        "\n"
        "[synonyms.category]     ; optional local additions to the codebook's crosswalk\n"
        "公务车 = 其他用车\n";
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    assert_int_equal (mapping_parse (text, "fleet.ini", s_codebook, &mapping, error), 0);
    assert_string_equal (error, "");
    assert_int_equal (mapping_kind (mapping), YW_KIND_VEHICLE);
    assert_string_equal (mapping_format (mapping), "csv");
    assert_string_equal (mapping_encoding (mapping), "gb18030");
    assert_string_equal (mapping_region (mapping), "370102");
    assert_string_equal (mapping_name (mapping), "");
    assert_string_equal (s_column (mapping, "plate"), "车牌号");
    assert_string_equal (s_column (mapping, "unit_code"), "使用单位统一社会信用代码");
    assert_null (s_column (mapping, "odometer_km"));
    assert_null (s_column (mapping, "region_code"));
    assert_null (mapping_column (mapping, 64));
    assert_null (mapping_column (mapping, (size_t)-1));

    int category = yw_field_find (YW_KIND_VEHICLE, "category");
    int status = yw_field_find (YW_KIND_VEHICLE, "status");
    assert_string_equal (mapping_synonym (mapping, (size_t)category, "公务车"), "99");
    assert_null (mapping_synonym (mapping, (size_t)status, "公务车"));
    assert_null (mapping_synonym (mapping, (size_t)category, "公务"));
    mapping_destroy (&mapping);
    assert_null (mapping);
    mapping_destroy (&mapping);
    mapping_destroy (NULL);
}

typedef struct {
    const char *what;
    const char *text;
    const char *field;  /* a field to look at, or NULL */
    const char *column; /* its expected column (NULL: not mapped) */
} good_case_t;

static const good_case_t s_good[] = {
    {"defaults: csv, utf-8, no region, no name",
     "[source]\nkind = vehicle\n" VEHICLE_FIELDS "region_code = 区划\n", "region_code",
     "区划"},
    {"kind after [field]", VEHICLE_FIELDS "[source]\nkind = vehicle\nregion = 370102\n",
     "vin", "车架号"},
    {"indented keys are keys, not continuation lines",
     VEHICLE_SOURCE
     "[field]\n    unit_code = 信用代码\n    vin = 车架号\n\tcategory = 类型\n"
     "  status = 状态\n  plate = 车牌号\n",
     "vin", "车架号"},
    {"... and the line after an indented one is its own",
     VEHICLE_SOURCE
     "[field]\n    unit_code = 信用代码\n    vin = 车架号\n\tcategory = 类型\n"
     "  status = 状态\n  plate = 车牌号\n",
     "plate", "车牌号"},
    {"CRLF line ends",
     "[source]\r\nkind = vehicle\r\nregion = 370102\r\n[field]\r\n"
     "unit_code = 信用代码\r\nvin = 车架号\r\ncategory = 类型\r\nstatus = 状态\r\n",
     "status", "状态"},
    {"a UTF-8 BOM", "\xEF\xBB\xBF" VEHICLE_SOURCE VEHICLE_FIELDS, "vin", "车架号"},
    {"# comments and ; comments",
     "# fleet\n; fleet\n" VEHICLE_SOURCE "  # indented comment\n" VEHICLE_FIELDS,
     "category", "车辆类型"},
    {"a comment longer than libinih's line, with a key = value in its tail",
     "; "
     "这是一个很长的注释这是一个很长的注释这是一个很长的注释这是一个很长的注释这是一个很长"
     "的注释这是一个很长的注释这是一个很长的注释这是一个很长的注释 plate = "
     "车牌号\n" VEHICLE_SOURCE VEHICLE_FIELDS,
     "plate", NULL},
    {"spaces around names and values",
     VEHICLE_SOURCE VEHICLE_FIELDS "  plate   =   车 牌 号  \n", "plate", "车 牌 号"},
    {"two fields from one column", VEHICLE_SOURCE VEHICLE_FIELDS "plate = 车架号\n",
     "plate", "车架号"},
    {"jsonl",
     "[source]\nkind = vehicle\nformat = jsonl\nregion = 370102\n[field]\n"
     "unit_code = dwtyshxydm\nvin = clsbdh\ncategory = clyt\nstatus = zt\n",
     "vin", "clsbdh"},
    {"office building",
     "[source]\nkind = office_building\nregion = 370102\n[field]\n"
     "unit_code = 信用代码\nname = 房屋名称\naddress = 坐落地址\n"
     "building_area = 建筑面积\n",
     "building_area", "建筑面积"},
    {"reception filing",
     "[source]\nkind = reception_filing\nregion = 370102\n[field]\n"
     "unit_code = 接待单位代码\nfiling_no = 备案编号\n"
     "guest_organization = 来访单位\nstart_date = 开始日期\n",
     "start_date", "开始日期"},
};

static void
test_good (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_good / sizeof s_good[0]; i++) {
        const good_case_t *c = &s_good[i];
        char error[YW_MAPPING_ERROR];
        mapping_t *mapping = NULL;
        int rc = mapping_parse (c->text, "good.ini", s_codebook, &mapping, error);
        if (rc)
            fail_msg ("%s: %s", c->what, error);
        if (c->field) {
            const char *column = s_column (mapping, c->field);
            if (c->column ? !column || strcmp (column, c->column) : column != NULL)
                fail_msg ("%s: %s is \"%s\"", c->what, c->field,
                          column ? column : "(none)");
        }
        mapping_destroy (&mapping);
    }
}

typedef struct {
    const char *value;
    const char *encoding;
} encoding_case_t;

static void
test_encodings (void **state)
{
    (void)state;
    static const encoding_case_t cases[] = {
        {"utf-8", "utf-8"},     {"UTF-8", "utf-8"},     {"utf8", "utf-8"},
        {"gb18030", "gb18030"}, {"GB18030", "gb18030"}, {"gbk", "gbk"},
        {"GB2312", "gbk"},      {"cp936", "gbk"},       {"big5", NULL},
        {"latin1", NULL},       {"utf-16", NULL},       {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf (text, sizeof text, VEHICLE_SOURCE "encoding = %s\n" VEHICLE_FIELDS,
                  cases[i].value);
        char error[YW_MAPPING_ERROR];
        mapping_t *mapping = NULL;
        int rc = mapping_parse (text, "enc.ini", s_codebook, &mapping, error);
        if (cases[i].encoding) {
            assert_int_equal (rc, 0);
            assert_string_equal (mapping_encoding (mapping), cases[i].encoding);
        }
        else {
            assert_int_equal (rc, YW_EMAPPING);
            assert_null (mapping);
            assert_non_null (strstr (error, "unknown encoding"));
        }
        mapping_destroy (&mapping);
    }
}

/* A region of the mapping resolves through the succession table. */
static void
test_region_succession (void **state)
{
    (void)state;
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    /* 莱城区 371202 became 济南市莱芜区 370116 in 2019 */
    assert_int_equal (
        mapping_parse ("[source]\nkind = vehicle\nregion = 371202\n" VEHICLE_FIELDS,
                       "old.ini", s_codebook, &mapping, error),
        0);
    assert_string_equal (mapping_region (mapping), "370116");
    mapping_destroy (&mapping);
}

static void
test_synonyms (void **state)
{
    (void)state;
    static const char *text =
        VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\n"
                                      "公务车 = 其他用车\n"
                                      "巡逻车 = 03\n"
                                      "ＸＬ　车 = 执法执勤用车\n"
                                      "公务车 = 99\n" /* again, same code: fine */
                                      "[synonyms.status]\n"
                                      "趴窝 = 停用\n";
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    if (mapping_parse (text, "syn.ini", s_codebook, &mapping, error))
        fail_msg ("%s", error);
    size_t category = (size_t)yw_field_find (YW_KIND_VEHICLE, "category");
    size_t status = (size_t)yw_field_find (YW_KIND_VEHICLE, "status");
    assert_string_equal (mapping_synonym (mapping, category, "公务车"), "99");
    assert_string_equal (mapping_synonym (mapping, category, "巡逻车"), "03");
    /* Keys are normalized as values will be: NFKC, spaces folded */
    assert_string_equal (mapping_synonym (mapping, category, "XL 车"), "03");
    assert_string_equal (mapping_synonym (mapping, status, "趴窝"), "02");
    assert_null (mapping_synonym (mapping, status, "巡逻车"));
    mapping_destroy (&mapping);
}

/* --- bad mappings -------------------------------------------------------------- */

typedef struct {
    const char *what;
    const char *text;
    const char *says[3]; /* parts the message must contain */
} bad_case_t;

static const bad_case_t s_bad[] = {
    {"empty", "", {"kind is missing"}},
    {"only comments", "; nothing\n# here\n", {"kind is missing"}},
    {"no kind", "[source]\nregion = 370102\n" VEHICLE_FIELDS, {"kind is missing"}},
    {"unknown kind", "[source]\nkind = car\n" VEHICLE_FIELDS, {"kind = car", "vehicle"}},
    {"kind in Chinese", "[source]\nkind = 公务用车\n" VEHICLE_FIELDS, {"kind = 公务用车"}},
    {"unknown format",
     VEHICLE_SOURCE "format = xlsx\n" VEHICLE_FIELDS,
     {"format = xlsx", "csv or jsonl"}},
    {"unknown region",
     "[source]\nkind = vehicle\nregion = 379999\n" VEHICLE_FIELDS,
     {"region = 379999", "GB/T 2260"}},
    {"region not 6 digits",
     "[source]\nkind = vehicle\nregion = 37010\n" VEHICLE_FIELDS,
     {"region = 37010"}},
    {"unknown [source] key",
     VEHICLE_SOURCE "encodeing = gbk\n" VEHICLE_FIELDS,
     {"[source] encodeing", "unknown key"}},
    {"unknown section",
     VEHICLE_SOURCE "[fields]\nvin = 车架号\n",
     {"[fields]", "unknown section"}},
    {"key before any section",
     "kind = vehicle\n" VEHICLE_FIELDS,
     {"kind", "before any [section]"}},
    {"not a data element",
     VEHICLE_SOURCE VEHICLE_FIELDS "colour = 颜色\n",
     {"[field] colour", "not a data element of vehicle"}},
    {"misspelt, with a suggestion",
     VEHICLE_SOURCE VEHICLE_FIELDS "purchase_dat = 购置日期\n",
     {"purchase_dat", "did you mean purchase_date?"}},
    {"upper case, with a suggestion",
     VEHICLE_SOURCE VEHICLE_FIELDS "VIN = 车架号2\n",
     {"VIN", "did you mean vin?"}},
    {"another kind's element",
     VEHICLE_SOURCE VEHICLE_FIELDS "name = 房屋名称\n",
     {"[field] name", "not a data element of vehicle"}},
    {"a derived field",
     VEHICLE_SOURCE VEHICLE_FIELDS "object_code = 编码\n",
     {"object_code", "not a data element"}},
    {"required field without a column",
     VEHICLE_SOURCE "[field]\nunit_code = a\nvin = b\nstatus = c\n",
     {"required field category of vehicle", "no source column"}},
    {"no region column and no default region",
     "[source]\nkind = vehicle\n" VEHICLE_FIELDS,
     {"required field region_code"}},
    {"filing without its start date",
     "[source]\nkind = reception_filing\nregion = 370102\n[field]\nunit_code = a\n"
     "filing_no = b\nguest_organization = c\n",
     {"required field start_date of reception_filing"}},
    {"building without its area",
     "[source]\nkind = office_building\nregion = 370102\n[field]\nunit_code = a\n"
     "name = b\naddress = c\n",
     {"required field building_area of office_building"}},
    {"empty column", VEHICLE_SOURCE VEHICLE_FIELDS "plate =\n", {"[field] plate", "empty"}},
    {"field given twice",
     VEHICLE_SOURCE VEHICLE_FIELDS "vin = VIN码\n",
     {"[field] vin is given twice", "车架号", "VIN码"}},
    {"[source] key given twice",
     VEHICLE_SOURCE "encoding = gbk\nencoding = utf-8\n" VEHICLE_FIELDS,
     {"[source] encoding is given twice"}},
    {"kind given twice",
     VEHICLE_SOURCE "kind = office_building\n" VEHICLE_FIELDS,
     {"[source] kind is given twice"}},
    {"synonyms of a field that is not an enumeration",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.plate]\nA = B\n",
     {"[synonyms.plate]", "not an enumerated"}},
    {"synonyms of another kind's field",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.property_right]\n有证书 = 有证\n",
     {"[synonyms.property_right]", "not an enumerated field of vehicle"}},
    {"synonyms of nothing",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.]\nA = B\n",
     {"[synonyms.]"}},
    {"synonym to a code that does not exist",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\n公务车 = 领导用车\n",
     {"公务车 = 领导用车", "vehicle_category"}},
    {"synonym given twice for different codes",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\n公务车 = 99\n公务车 = 03\n",
     {"公务车 is given twice"}},
    {"synonym keys that normalize the same",
     VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\nＸＬ = 99\nXL = 03\n",
     {"given twice"}},
    {"not key = value",
     VEHICLE_SOURCE VEHICLE_FIELDS "plate 车牌号\n",
     {"line 9", "not a section"}},
    {"unclosed section", "[source\nkind = vehicle\n", {"line 1"}},
    {"a line libinih would cut in two",
     VEHICLE_SOURCE VEHICLE_FIELDS
     "brand_model = "
     "品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌"
     "型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号品牌型号\n",
     {"line 9", "longer than 198 bytes"}},
    {"GBK text (a mapping saved by a Chinese Windows editor)",
     VEHICLE_SOURCE VEHICLE_FIELDS "plate = \xB3\xB5\xC5\xC6\xBA\xC5\n",
     {"line 9", "not UTF-8"}},
    {"the first error is the one reported",
     "[source]\nkind = car\nformat = xlsx\n" VEHICLE_FIELDS,
     {"kind = car"}},
};

static void
test_bad (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        const bad_case_t *c = &s_bad[i];
        char error[YW_MAPPING_ERROR];
        mapping_t *mapping = (mapping_t *)1;
        int rc = mapping_parse (c->text, "bad.ini", s_codebook, &mapping, error);
        if (rc != YW_EMAPPING)
            fail_msg ("%s: rc %d", c->what, rc);
        assert_true (strlen (error) < YW_MAPPING_ERROR);
        if (strncmp (error, "mapping bad.ini: ", 17))
            fail_msg ("%s: \"%s\" does not name the file", c->what, error);
        for (size_t k = 0; k < 3 && c->says[k]; k++)
            if (!strstr (error, c->says[k]))
                fail_msg ("%s: \"%s\" does not say \"%s\"", c->what, error, c->says[k]);
    }
}

/* A message stays within its buffer whatever the user wrote. */
static void
test_long_values_in_messages (void **state)
{
    (void)state;
    char text[4096];
    char value[90];
    memset (value, 'x', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    snprintf (text, sizeof text, "[source]\nkind = %s\n[synonyms.category]\n%s = %s\n",
              value, value, value);
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    assert_int_equal (mapping_parse (text, value, s_codebook, &mapping, error),
                      YW_EMAPPING);
    assert_true (strlen (error) < YW_MAPPING_ERROR);
    snprintf (text, sizeof text,
              VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\n%s = %s\n", value, value);
    assert_int_equal (mapping_parse (text, value, s_codebook, &mapping, error),
                      YW_EMAPPING);
    assert_non_null (strstr (error, "vehicle_category"));
}

/* More synonyms than the mapping holds is an error, not an overflow. */
static void
test_too_many_synonyms (void **state)
{
    (void)state;
    size_t size = 64 * 1024;
    char *text = yw_malloc (size);
    int off = snprintf (text, size, VEHICLE_SOURCE VEHICLE_FIELDS "[synonyms.category]\n");
    for (int i = 0; i < 1100; i++)
        off += snprintf (text + off, size - (size_t)off, "车%d = 99\n", i);
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    assert_int_equal (mapping_parse (text, "many.ini", s_codebook, &mapping, error),
                      YW_EMAPPING);
    assert_non_null (strstr (error, "more than 1024"));
    free (text);
}

/* --- files ---------------------------------------------------------------------- */

static void
s_write (const char *path, const void *data, size_t size)
{
    FILE *file = fopen (path, "wb");
    assert_non_null (file);
    assert_int_equal (fwrite (data, 1, size, file), size);
    assert_int_equal (fclose (file), 0);
}

static void
test_files (void **state)
{
    (void)state;
    char dir[] = "/tmp/test_mapping.XXXXXX";
    assert_non_null (mkdtemp (dir));
    char path[256];
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;

    /* A good one from disk */
    snprintf (path, sizeof path, "%s/good.ini", dir);
    const char *good = VEHICLE_SOURCE VEHICLE_FIELDS;
    s_write (path, good, strlen (good));
    assert_int_equal (mapping_load (path, s_codebook, &mapping, error), 0);
    assert_string_equal (s_column (mapping, "vin"), "车架号");
    mapping_destroy (&mapping);

    /* No such file: YW_EIO, naming it */
    snprintf (path, sizeof path, "%s/none.ini", dir);
    assert_int_equal (mapping_load (path, s_codebook, &mapping, error), YW_EIO);
    assert_non_null (strstr (error, path));
    assert_non_null (strstr (error, "cannot open"));
    assert_null (mapping);

    /* A directory: an error, not an empty mapping */
    assert_int_equal (mapping_load (dir, s_codebook, &mapping, error), YW_EIO);
    assert_non_null (strstr (error, "cannot read"));

    /* Not text: a NUL byte, which would end the text early unnoticed */
    snprintf (path, sizeof path, "%s/nul.ini", dir);
    static const char nul[] = "[source]\nkind = vehicle\n\0[field]\nvin = 1\n";
    s_write (path, nul, sizeof nul - 1);
    assert_int_equal (mapping_load (path, s_codebook, &mapping, error), YW_EMAPPING);
    assert_non_null (strstr (error, "NUL byte"));

    /* Far too big to be a mapping */
    snprintf (path, sizeof path, "%s/big.ini", dir);
    size_t big = (1u << 20) + 1;
    char *text = yw_malloc (big);
    memset (text, '\n', big);
    s_write (path, text, big);
    free (text);
    assert_int_equal (mapping_load (path, s_codebook, &mapping, error), YW_EMAPPING);
    assert_non_null (strstr (error, "larger than"));

    /* Line numbers count from the file's first line, comments included */
    snprintf (path, sizeof path, "%s/lines.ini", dir);
    const char *lines = "; 1\n; 2\n" VEHICLE_SOURCE VEHICLE_FIELDS "oops\n";
    s_write (path, lines, strlen (lines));
    assert_int_equal (mapping_load (path, s_codebook, &mapping, error), YW_EMAPPING);
    assert_non_null (strstr (error, "line 11"));

    static const char *names[] = {"good.ini", "nul.ini", "big.ini", "lines.ini"};
    for (size_t i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, names[i]);
        unlink (path);
    }
    rmdir (dir);
}

/* The mapping files shipped with the samples all load. */
static void
test_sample_mappings (void **state)
{
    (void)state;
    /* ctest says where the sources are; else this file's own path does. */
    char source[1024];
    if (getenv ("YW_SOURCE_DIR"))
        snprintf (source, sizeof source, "%s", getenv ("YW_SOURCE_DIR"));
    else {
        snprintf (source, sizeof source, "%s", __FILE__);
        char *tests = strstr (source, "tests/test_mapping.c");
        if (tests && tests > source)
            *tests = '\0';
        else
            snprintf (source, sizeof source, ".");
    }
    static const struct {
        const char *file;
        yw_kind_t kind;
        const char *format, *encoding;
    } samples[] = {
        {"vehicle-csv.ini", YW_KIND_VEHICLE, "csv", "gb18030"},
        {"vehicle-jsonl.ini", YW_KIND_VEHICLE, "jsonl", "utf-8"},
        {"office-csv.ini", YW_KIND_OFFICE_BUILDING, "csv", "gb18030"},
        {"office-jsonl.ini", YW_KIND_OFFICE_BUILDING, "jsonl", "utf-8"},
        {"reception-csv.ini", YW_KIND_RECEPTION_FILING, "csv", "gb18030"},
        {"reception-jsonl.ini", YW_KIND_RECEPTION_FILING, "jsonl", "utf-8"},
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char path[1024];
        snprintf (path, sizeof path, "%s/deploy/samples/%s", source, samples[i].file);
        char error[YW_MAPPING_ERROR];
        mapping_t *mapping = NULL;
        if (mapping_load (path, s_codebook, &mapping, error))
            fail_msg ("%s", error);
        assert_int_equal (mapping_kind (mapping), samples[i].kind);
        assert_string_equal (mapping_format (mapping), samples[i].format);
        assert_string_equal (mapping_encoding (mapping), samples[i].encoding);
        assert_true (strlen (mapping_region (mapping)) == 6);
        assert_true (mapping_name (mapping)[0] != '\0');
        /* Every required field of the kind has a column. */
        for (size_t f = 0; yw_fields[f].name; f++)
            if (yw_fields[f].required &&
                (yw_fields[f].kind == samples[i].kind || yw_fields[f].kind == YW_KIND_NONE))
                assert_non_null (mapping_column (mapping, f));
        mapping_destroy (&mapping);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_design_example),
        cmocka_unit_test (test_good),
        cmocka_unit_test (test_encodings),
        cmocka_unit_test (test_region_succession),
        cmocka_unit_test (test_synonyms),
        cmocka_unit_test (test_bad),
        cmocka_unit_test (test_long_values_in_messages),
        cmocka_unit_test (test_too_many_synonyms),
        cmocka_unit_test (test_files),
        cmocka_unit_test (test_sample_mappings),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
