/*  test_reason.c - reason codes, their texts and the messages people read.

    The code strings are pinned here literally: they travel in reject files
    and the store, so a rename must fail this test. Messages are checked for
    exact form, for escaping (they go into TSV files: no tab, no line break),
    and for truncation at every buffer size.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reason.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

static const struct {
    yw_reason_t reason;
    const char *code;
} stable_codes[] = {
    {YW_R_OK, "OK"},
    {YW_R_MISSING, "MISSING"},
    {YW_R_BAD_ENCODING, "BAD_ENCODING"},
    {YW_R_TOO_LONG, "TOO_LONG"},
    {YW_R_BAD_CSV, "BAD_CSV"},
    {YW_R_BAD_JSON, "BAD_JSON"},
    {YW_R_USCC_LENGTH, "USCC_LENGTH"},
    {YW_R_USCC_CHARSET, "USCC_CHARSET"},
    {YW_R_USCC_CHECK, "USCC_CHECK"},
    {YW_R_USCC_ORG_CHECK, "USCC_ORG_CHECK"},
    {YW_R_VIN_LENGTH, "VIN_LENGTH"},
    {YW_R_VIN_CHARSET, "VIN_CHARSET"},
    {YW_R_VIN_CHECK, "VIN_CHECK"},
    {YW_R_PLATE_FORMAT, "PLATE_FORMAT"},
    {YW_R_PLATE_PROVINCE, "PLATE_PROVINCE"},
    {YW_R_REGION_UNKNOWN, "REGION_UNKNOWN"},
    {YW_R_REGION_OUTSIDE, "REGION_OUTSIDE"},
    {YW_R_DATE_FORMAT, "DATE_FORMAT"},
    {YW_R_DATE_RANGE, "DATE_RANGE"},
    {YW_R_NUMBER_FORMAT, "NUMBER_FORMAT"},
    {YW_R_NUMBER_RANGE, "NUMBER_RANGE"},
    {YW_R_UNIT_UNKNOWN, "UNIT_UNKNOWN"},
    {YW_R_ENUM_UNKNOWN, "ENUM_UNKNOWN"},
    {YW_R_COORD_RANGE, "COORD_RANGE"},
    {YW_R_INCONSISTENT, "INCONSISTENT"},
};

static void
test_codes_are_stable (void **state)
{
    assert_int_equal (COUNT (stable_codes), YW_R_COUNT); /* a new code needs a row */
    for (size_t i = 0; i < COUNT (stable_codes); i++) {
        assert_string_equal (yw_reason_code (stable_codes[i].reason), stable_codes[i].code);
        assert_int_equal (yw_reason_parse (stable_codes[i].code), stable_codes[i].reason);
    }
}

static void
test_unknown_codes (void **state)
{
    assert_string_equal (yw_reason_code (YW_R_COUNT), "UNKNOWN");
    assert_string_equal (yw_reason_code ((yw_reason_t)(YW_R_COUNT + 7)), "UNKNOWN");
    assert_string_equal (yw_reason_code ((yw_reason_t)-1), "UNKNOWN");
    const char *unknown[] = {"UNKNOWN", "",    "vin_check",  "VIN_CHECK ",
                             " OK",     "VIN", "VIN_CHECKS", "YW_R_VIN_CHECK"};
    for (size_t i = 0; i < COUNT (unknown); i++)
        assert_int_equal (yw_reason_parse (unknown[i]), YW_R_COUNT);
    assert_int_equal (yw_reason_parse (NULL), YW_R_COUNT);
}

/* Texts exist for every code and for out-of-range values; English is ASCII,
   Chinese is not, neither has a tab or a line break. */
static void
test_texts (void **state)
{
    for (int r = -1; r <= YW_R_COUNT; r++) {
        const char *en = yw_reason_text_en ((yw_reason_t)r);
        const char *zh = yw_reason_text_zh ((yw_reason_t)r);
        assert_non_null (en);
        assert_non_null (zh);
        assert_true (strlen (en) > 0 && strlen (zh) > 0);
        bool ascii = true, chinese = false;
        for (const unsigned char *p = (const unsigned char *)en; *p; p++)
            ascii = ascii && *p >= 0x20 && *p < 0x7F;
        for (const unsigned char *p = (const unsigned char *)zh; *p; p++) {
            chinese = chinese || *p >= 0x80;
            assert_true (*p >= 0x20);
        }
        assert_true (ascii);
        assert_true (chinese);
    }
    assert_string_equal (yw_reason_text_en (YW_R_VIN_CHECK), "VIN check digit wrong");
    assert_string_equal (yw_reason_text_zh (YW_R_VIN_CHECK), "车架号校验位错误");
}

static const struct {
    yw_reason_t reason;
    const char *field, *value, *detail;
    const char *message;
} format_cases[] = {
    /* the example of reason.h */
    {YW_R_VIN_CHECK, "vin", "LSVAU2180N218329", "VIN check digit is 7, not 3",
     "vin \"LSVAU2180N218329\": VIN check digit is 7, not 3 (车架号校验位错误)"},
    /* no detail: the English text */
    {YW_R_USCC_CHECK, "unit_code", "914403001922038217", NULL,
     "unit_code \"914403001922038217\": credit code check character wrong "
     "(统一社会信用代码校验码错误)"},
    {YW_R_USCC_CHECK, "unit_code", "914403001922038217", "",
     "unit_code \"914403001922038217\": credit code check character wrong "
     "(统一社会信用代码校验码错误)"},
    /* a source column label as the field, a Chinese value */
    {YW_R_PLATE_PROVINCE, "车牌号", "齐A12345", NULL,
     "车牌号 \"齐A12345\": unknown province in plate (号牌省份简称错误)"},
    /* an empty value is shown as empty */
    {YW_R_MISSING, "vin", "", NULL, "vin \"\": required value missing (必填项缺失)"},
    /* no value (a whole row) */
    {YW_R_BAD_CSV, "row", NULL, "unterminated quote",
     "row: unterminated quote (CSV 记录格式错误)"},
    /* no field */
    {YW_R_VIN_LENGTH, NULL, "LSVAU2180N218329", NULL,
     "\"LSVAU2180N218329\": VIN not 17 characters (车架号不是 17 位)"},
    {YW_R_VIN_LENGTH, "", "LSV", NULL, "\"LSV\": VIN not 17 characters (车架号不是 17 位)"},
    /* nothing but the reason */
    {YW_R_VIN_CHECK, NULL, NULL, NULL, "VIN check digit wrong (车架号校验位错误)"},
    {YW_R_OK, NULL, NULL, NULL, "ok (正确)"},
    {YW_R_COUNT, "x", "y", NULL, "x \"y\": unknown reason (未知原因)"},
    {(yw_reason_t)-5, NULL, NULL, "z", "z (未知原因)"},
    /* escapes: TAB, LF, CR, other controls, DEL, quote, backslash */
    {YW_R_TOO_LONG, "name", "a\tb\nc\rd", NULL,
     "name \"a\\tb\\nc\\rd\": value too long (内容过长)"},
    {YW_R_TOO_LONG, "name", "\x01\x1F\x7F", NULL,
     "name \"\\x01\\x1F\\x7F\": value too long (内容过长)"},
    {YW_R_TOO_LONG, "name", "say \"hi\" \\ bye", NULL,
     "name \"say \\\"hi\\\" \\\\ bye\": value too long (内容过长)"},
    /* bytes that are not UTF-8, overlong forms and surrogates */
    {YW_R_BAD_ENCODING, "name", "\xC4\xE3\xBA\xC3", NULL, /* 你好 in GBK */
     "name \"\\xC4\\xE3\\xBA\\xC3\": invalid text encoding (字符编码无效)"},
    {YW_R_BAD_ENCODING, "name", "\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|\xE4\xB8", NULL,
     "name \"\\xC0\\xAF|\\xED\\xA0\\x80|\\xF4\\x90\\x80\\x80|\\xE4\\xB8\": invalid text "
     "encoding (字符编码无效)"},
    /* C1 controls and the Unicode line and paragraph separators */
    {YW_R_TOO_LONG, "name",
     "a\xC2\x85"
     "b\xE2\x80\xA8"
     "c\xE2\x80\xA9",
     NULL, "name \"a\\u0085b\\u2028c\\u2029\": value too long (内容过长)"},
    /* field and detail are escaped too, but quotes stay as they are there */
    {YW_R_ENUM_UNKNOWN, "use\tof \"car\"", "x", "not in\ntable",
     "use\\tof \"car\" \"x\": not in\\ntable (不在代码表中)"},
};

static void
test_format_cases (void **state)
{
    for (size_t i = 0; i < COUNT (format_cases); i++) {
        char buffer[512];
        char *result = yw_reason_format (format_cases[i].reason, format_cases[i].field,
                                         format_cases[i].value, format_cases[i].detail,
                                         buffer, sizeof buffer);
        assert_ptr_equal (result, buffer);
        assert_string_equal (buffer, format_cases[i].message);
    }
}

static void
test_format_long_values (void **state)
{
    char value[201], expected[256], buffer[1024];
    memset (value, 'A', 200);
    value[200] = '\0';
    snprintf (expected, sizeof expected, "name \"%.64s…\": value too long (内容过长)",
              value);
    yw_reason_format (YW_R_TOO_LONG, "name", value, NULL, buffer, sizeof buffer);
    assert_string_equal (buffer, expected);

    /* 64 characters exactly: shown whole */
    value[64] = '\0';
    snprintf (expected, sizeof expected, "name \"%s\": value too long (内容过长)", value);
    yw_reason_format (YW_R_TOO_LONG, "name", value, NULL, buffer, sizeof buffer);
    assert_string_equal (buffer, expected);

    /* Chinese counts characters, not bytes */
    char chinese[100 * 3 + 1] = "";
    for (int i = 0; i < 100; i++)
        strcat (chinese, "路");
    char shown[64 * 3 + 1];
    memcpy (shown, chinese, 64 * 3);
    shown[64 * 3] = '\0';
    snprintf (expected, sizeof expected, "address \"%s…\": value too long (内容过长)",
              shown);
    yw_reason_format (YW_R_TOO_LONG, "address", chinese, NULL, buffer, sizeof buffer);
    assert_string_equal (buffer, expected);

    /* an escape counts as one character */
    char tabs[80];
    memset (tabs, '\t', 79);
    tabs[79] = '\0';
    yw_reason_format (YW_R_TOO_LONG, "t", tabs, NULL, buffer, sizeof buffer);
    assert_int_equal (strlen (buffer), strlen ("t \"") + 64 * 2 + strlen ("…\": ") +
                                           strlen ("value too long (内容过长)"));
}

/* True if text is valid UTF-8 */
static bool
utf8_valid (const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t len = *p < 0x80                  ? 1
                     : *p >= 0xC2 && *p <= 0xDF ? 2
                     : *p >= 0xE0 && *p <= 0xEF ? 3
                     : *p >= 0xF0 && *p <= 0xF4 ? 4
                                                : 0;
        if (!len)
            return false;
        for (size_t i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

/* At every buffer size the message is a NUL-terminated, valid UTF-8 prefix
   of the whole message (up to a closing "…"), and nothing is written past
   the size (each buffer is exactly that size on the heap, for ASan). */
static void
test_format_truncation (void **state)
{
    const char *value = "泉城路1号\t\"院\"\xFF";
    char whole[512];
    yw_reason_format (YW_R_TOO_LONG, "地址", value, "longer than 255 bytes", whole,
                      sizeof whole);
    size_t full = strlen (whole);
    assert_string_equal (whole, "地址 \"泉城路1号\\t\\\"院\\\"\\xFF\": longer than 255 "
                                "bytes (内容过长)");

    char untouched = 'x';
    assert_ptr_equal (yw_reason_format (YW_R_TOO_LONG, "a", "b", NULL, &untouched, 0),
                      &untouched);
    assert_int_equal (untouched, 'x');
    assert_null (yw_reason_format (YW_R_TOO_LONG, "a", "b", NULL, NULL, 0));

    for (size_t size = 1; size <= full + 4; size++) {
        char *buffer = malloc (size);
        assert_non_null (buffer);
        yw_reason_format (YW_R_TOO_LONG, "地址", value, "longer than 255 bytes", buffer,
                          size);
        size_t len = strlen (buffer);
        assert_true (len < size);
        assert_true (utf8_valid (buffer));
        assert_null (strchr (buffer, '\t'));
        assert_null (strchr (buffer, '\n'));
        if (size > full) {
            assert_string_equal (buffer, whole);
        }
        else if (size >= 4) {
            /* cut short: a prefix of the whole message, then "…" */
            assert_true (len >= 3 && !strcmp (buffer + len - 3, "…"));
            assert_memory_equal (buffer, whole, len - 3);
            assert_true (len + 12 >= size); /* as much as fits */
        }
        else
            assert_memory_equal (buffer, whole, len);
        free (buffer);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_codes_are_stable),
        cmocka_unit_test (test_unknown_codes),
        cmocka_unit_test (test_texts),
        cmocka_unit_test (test_format_cases),
        cmocka_unit_test (test_format_long_values),
        cmocka_unit_test (test_format_truncation),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
