/*  test_transcode.c - source encodings to UTF-8, one field at a time. */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "transcode.h"
#include "yw.h"

typedef struct {
    const char *name;
    const char *encoding;
    const char *in;
    size_t in_size;    /* 0: strlen (in) */
    int expected;      /* output length, or an error code */
    const char *out;   /* expected UTF-8 (if expected >= 0) */
    size_t bad_offset; /* expected offset (if YW_EENCODING) */
} transcode_case_t;

static const transcode_case_t s_cases[] = {
    /* GB18030: 鲁A12345 (2-byte), 𠀀 U+20000 and U+10FFFF (4-byte), € */
    {"plate", "gb18030",
     "\xC2\xB3"
     "A12345",
     0, 9,
     "\xE9\xB2\x81"
     "A12345",
     0},
    {"ascii", "gb18030", "LSVAU2180N2183294", 0, 17, "LSVAU2180N2183294", 0},
    {"empty", "gb18030", "", 0, 0, "", 0},
    {"four-byte plane 2", "gb18030", "\x95\x32\x82\x36", 0, 4, "\xF0\xA0\x80\x80", 0},
    {"four-byte last", "gb18030", "\xE3\x32\x9A\x35", 0, 4, "\xF4\x8F\xBF\xBF", 0},
    {"four-byte bmp", "gb18030", "\x81\x30\x81\x30", 0, 2, "\xC2\x80", 0},
    {"euro", "gb18030",
     "\xA2\xE3"
     "100",
     0, 6,
     "\xE2\x82\xAC"
     "100",
     0},
    {"ideographic space", "gb18030",
     "a\xA1\xA1"
     "b",
     0, 5,
     "a\xE3\x80\x80"
     "b",
     0},
    {"0x80 alone", "gb18030", "ab\x80", 0, YW_EENCODING, NULL, 2},
    {"0xFF", "gb18030", "\xC2\xB3\xFF\xC2\xB3", 0, YW_EENCODING, NULL, 2},
    {"truncated two-byte", "gb18030", "\xC2\xB3\xC2", 0, YW_EENCODING, NULL, 2},
    {"truncated four-byte", "gb18030", "abc\x81\x30", 0, YW_EENCODING, NULL, 3},
    {"bad trail byte", "gb18030", "x\x81\x7F", 0, YW_EENCODING, NULL, 1},
    {"nul in ascii", "gb18030", "abc\0def", 7, YW_EENCODING, NULL, 3},
    {"nul after chinese", "gb18030", "\xC2\xB3\0", 3, YW_EENCODING, NULL, 2},

    /* GBK (glibc's is CP936: 0x80 is the euro sign; no four-byte forms) */
    {"gbk plate", "gbk",
     "\xC2\xB3"
     "A12345",
     0, 9,
     "\xE9\xB2\x81"
     "A12345",
     0},
    {"gbk euro", "gbk", "\x80", 0, 3, "\xE2\x82\xAC", 0},
    {"gbk no four-byte", "gbk", "a\x95\x32\x82\x36", 0, YW_EENCODING, NULL, 1},
    {"gbk truncated", "gbk", "\xC2\xB3\xB3", 0, YW_EENCODING, NULL, 2},
    {"gb2312 is gbk", "GB2312", "\xC2\xB3", 0, 3, "\xE9\xB2\x81", 0},

    /* UTF-8: validated, copied as is */
    {"utf-8 plate", "utf-8",
     "\xE9\xB2\x81"
     "A12345",
     0, 9,
     "\xE9\xB2\x81"
     "A12345",
     0},
    {"utf-8 bounds", "utf8",
     "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", 0, 18,
     "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF", 0},
    {"utf-8 last before surrogates", "utf-8", "\xED\x9F\xBF", 0, 3, "\xED\x9F\xBF", 0},
    {"utf-8 first after surrogates", "utf-8", "\xEE\x80\x80", 0, 3, "\xEE\x80\x80", 0},
    {"overlong C0", "utf-8", "ab\xC0\x80", 0, YW_EENCODING, NULL, 2},
    {"overlong C1", "utf-8", "\xC1\xBF", 0, YW_EENCODING, NULL, 0},
    {"overlong E0", "utf-8", "\xE0\x80\x80", 0, YW_EENCODING, NULL, 0},
    {"overlong E0 9F", "utf-8", "\xE0\x9F\xBF", 0, YW_EENCODING, NULL, 0},
    {"overlong F0", "utf-8", "\xF0\x8F\xBF\xBF", 0, YW_EENCODING, NULL, 0},
    {"surrogate first", "utf-8", "x\xED\xA0\x80", 0, YW_EENCODING, NULL, 1},
    {"surrogate last", "utf-8", "\xED\xBF\xBF", 0, YW_EENCODING, NULL, 0},
    {"above U+10FFFF", "utf-8", "\xF4\x90\x80\x80", 0, YW_EENCODING, NULL, 0},
    {"F5 lead", "utf-8", "\xF5\x80\x80\x80", 0, YW_EENCODING, NULL, 0},
    {"FF", "utf-8", "\xFF", 0, YW_EENCODING, NULL, 0},
    {"lone continuation", "utf-8", "\xE9\xB2\x81\x81", 0, YW_EENCODING, NULL, 3},
    {"truncated at end", "utf-8", "abc\xE9\xB2", 0, YW_EENCODING, NULL, 3},
    {"truncated four-byte", "utf-8", "\xF0\x9F\x98", 0, YW_EENCODING, NULL, 0},
    {"bad continuation", "utf-8", "\xE9\x41\x41", 0, YW_EENCODING, NULL, 0},
    {"bad third byte", "utf-8", "\xE9\xB2\x41", 0, YW_EENCODING, NULL, 0},
    {"gb18030 bytes are not utf-8", "utf-8", "\xB9\xAB\xCE\xF1", 0, YW_EENCODING, NULL, 0},
    {"long ascii then bad", "utf-8", "0123456789abcdefghij\xC0", 0, YW_EENCODING, NULL, 20},
    {"nul in a word", "utf-8", "abcdefg\0hijklmnop", 17, YW_EENCODING, NULL, 7},
    {"nul after utf-8", "utf-8", "\xE9\xB2\x81\0", 4, YW_EENCODING, NULL, 3},
};

static void
test_cases (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const transcode_case_t *c = &s_cases[i];
        transcode_t *transcode = transcode_new (c->encoding);
        assert_non_null (transcode);
        size_t size = c->in_size ? c->in_size : strlen (c->in);
        char out[64];
        memset (out, 'X', sizeof out);
        size_t bad = 999;
        int rc = transcode_field (transcode, c->in, size, out, sizeof out, &bad);
        if (rc != c->expected)
            fail_msg ("case \"%s\": returned %d, expected %d", c->name, rc, c->expected);
        if (rc >= 0) {
            if (memcmp (out, c->out, (size_t)rc + 1))
                fail_msg ("case \"%s\": wrong output", c->name);
        }
        else if (rc == YW_EENCODING && bad != c->bad_offset)
            fail_msg ("case \"%s\": bad offset %zu, expected %zu", c->name, bad,
                      c->bad_offset);
        /* NULL bad_offset is allowed */
        assert_int_equal (transcode_field (transcode, c->in, size, out, sizeof out, NULL),
                          rc);
        transcode_destroy (&transcode);
        assert_null (transcode);
    }
}

static void
test_names (void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *canonical;
    } names[] = {
        {"utf-8", "utf-8"}, {"UTF-8", "utf-8"},     {"utf8", "utf-8"},
        {"Utf8", "utf-8"},  {"gb18030", "gb18030"}, {"GB18030", "gb18030"},
        {"gbk", "gbk"},     {"GBK", "gbk"},         {"gb2312", "gbk"},
        {"GB2312", "gbk"},  {"latin1", NULL},       {"", NULL},
        {"utf-16", NULL},   {"big5", NULL},         {"gb18030 ", NULL},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        transcode_t *transcode = transcode_new (names[i].name);
        if (!names[i].canonical) {
            assert_null (transcode);
            continue;
        }
        assert_non_null (transcode);
        assert_string_equal (transcode_encoding (transcode), names[i].canonical);
        transcode_destroy (&transcode);
    }
    transcode_destroy (NULL);
}

/* Converts UTF-8 text to `encoding` with iconv, to build test input. */
static size_t
encode (const char *encoding, const char *text, char *out, size_t out_size)
{
    iconv_t cd = iconv_open (encoding, "UTF-8");
    assert_true (cd != (iconv_t)-1);
    char *in = (char *)text;
    size_t in_left = strlen (text);
    char *outp = out;
    size_t out_left = out_size;
    assert_int_equal (iconv (cd, &in, &in_left, &outp, &out_left), 0);
    iconv_close (cd);
    return out_size - out_left;
}

static void
test_round_trip_chinese (void **state)
{
    (void)state;
    static const char *texts[] = {
        "济南市历下区机关事务管理局",
        "公务用车",
        "办公用房",
        "公务接待备案",
        "鲁A·12345",
        "山东省人民政府办公厅（省机关事务管理局）",
        "其他用车",
        "二〇二四年",
        "ＡＢＣ１２３全角",
        "𠀀𠀁𪚥",
        "€ 1,234.50",
        "混合 mixed 文本 text 123",
        "龘",
    };
    const char *encodings[] = {"gb18030", "gbk"};
    for (size_t e = 0; e < 2; e++) {
        transcode_t *transcode = transcode_new (encodings[e]);
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            if (e == 1 && (strstr (texts[i], "𠀀")))
                continue; /* outside GBK */
            char in[256];
            size_t size = encode (e ? "GBK" : "GB18030", texts[i], in, sizeof in);
            char out[256];
            size_t bad = 0;
            int rc = transcode_field (transcode, in, size, out, sizeof out, &bad);
            if (rc < 0)
                fail_msg ("%s \"%s\": error %d at %zu", encodings[e], texts[i], rc, bad);
            assert_int_equal (rc, strlen (texts[i]));
            assert_string_equal (out, texts[i]);
        }
        transcode_destroy (&transcode);
    }
}

static void
test_state_is_reset_per_field (void **state)
{
    (void)state;
    transcode_t *transcode = transcode_new ("gb18030");
    char out[32];
    size_t bad = 0;
    /* A field ending in half a character must not leak into the next one */
    assert_int_equal (transcode_field (transcode, "\xC2\xB3\xC2", 3, out, sizeof out, &bad),
                      YW_EENCODING);
    assert_int_equal (bad, 2);
    assert_int_equal (transcode_field (transcode, "\xB3", 1, out, sizeof out, &bad),
                      YW_EENCODING);
    assert_int_equal (bad, 0);
    assert_int_equal (transcode_field (transcode, "\xC2\xB3", 2, out, sizeof out, &bad), 3);
    assert_string_equal (out, "\xE9\xB2\x81");
    transcode_destroy (&transcode);
}

static void
test_output_too_small (void **state)
{
    (void)state;
    char out[16];
    size_t bad = 0;
    transcode_t *gb = transcode_new ("gb18030");
    transcode_t *utf8 = transcode_new ("utf-8");

    /* ASCII: len + 1 fits exactly, len does not */
    assert_int_equal (transcode_field (gb, "abcd", 4, out, 5, &bad), 4);
    assert_string_equal (out, "abcd");
    assert_int_equal (transcode_field (gb, "abcd", 4, out, 4, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (utf8, "abcd", 4, out, 4, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (gb, "", 0, out, 0, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (gb, "", 0, out, 1, &bad), 0);

    /* 鲁 is 2 bytes in, 3 out */
    assert_int_equal (transcode_field (gb, "\xC2\xB3", 2, out, 4, &bad), 3);
    assert_int_equal (transcode_field (gb, "\xC2\xB3", 2, out, 3, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (gb, "ab\xC2\xB3", 4, out, 5, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (gb, "abcdef\xC2\xB3", 8, out, 4, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (utf8, "\xE9\xB2\x81", 3, out, 3, &bad), YW_ETOOBIG);
    assert_int_equal (transcode_field (utf8, "\xE9\xB2\x81", 3, out, 4, &bad), 3);

    /* The transcoder still works after running out of room */
    assert_int_equal (transcode_field (gb,
                                       "\xC2\xB3"
                                       "A",
                                       3, out, sizeof out, &bad),
                      4);
    assert_string_equal (out, "\xE9\xB2\x81"
                              "A");
    transcode_destroy (&gb);
    transcode_destroy (&utf8);
}

/* A field as long as the CSV reader allows, in the worst case for growth
   (GBK: 2 bytes become 3), fits the buffer callers are told to use. */
static void
test_longest_field (void **state)
{
    (void)state;
    char *in = yw_malloc (YW_MAX_FIELD);
    for (size_t i = 0; i < YW_MAX_FIELD; i += 2)
        memcpy (in + i, "\xC2\xB3", 2);
    size_t out_size = YW_MAX_FIELD * 3 / 2 + 1;
    char *out = yw_malloc (out_size);
    transcode_t *gb = transcode_new ("gb18030");
    assert_int_equal (transcode_field (gb, in, YW_MAX_FIELD, out, out_size, NULL),
                      YW_MAX_FIELD * 3 / 2);
    assert_int_equal (transcode_field (gb, in, YW_MAX_FIELD, out, out_size - 1, NULL),
                      YW_ETOOBIG);
    transcode_destroy (&gb);
    free (in);
    free (out);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_cases),
        cmocka_unit_test (test_names),
        cmocka_unit_test (test_round_trip_chinese),
        cmocka_unit_test (test_state_is_reset_per_field),
        cmocka_unit_test (test_output_too_small),
        cmocka_unit_test (test_longest_field),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
