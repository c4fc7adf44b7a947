/*  test_normalize.c - the normalizers of the coding standard, table by table:
    text and codes (NFKC, spaces, encodings, truncation), plates and their
    separators, dates and years, quantities with units, enumerations. Text is also checked
   against utf8proc's own NFKC for every code point and every composition pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "codebook.h"
#include "normalize.h"
#include "validate.h"

/* --- text and codes ------------------------------------------------------ */

typedef struct {
    const char *in;
    size_t len;      /* 0: strlen (in) */
    size_t out_size; /* 0: 256 */
    int rc;
    const char *out;    /* expected output if YW_R_OK */
    const char *detail; /* expected detail if not YW_R_OK (NULL: not checked) */
} text_case_t;

static const text_case_t s_text_cases[] = {
    /* ASCII: trim, fold white space, nothing else */
    {"hello", 0, 0, YW_R_OK, "hello", NULL},
    {"  hello   world  ", 0, 0, YW_R_OK, "hello world", NULL},
    {"\t a\t\n b \r\n", 0, 0, YW_R_OK, "a b", NULL},
    {"a\vb\fc", 0, 0, YW_R_OK, "a b c", NULL},
    {"Mixed Case 123", 0, 0, YW_R_OK, "Mixed Case 123", NULL},
    {"x", 0, 0, YW_R_OK, "x", NULL},
    /* Full-width forms, ideographic space, Chinese */
    {"鲁Ａ１２３４５", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {"\xE3\x80\x80山东省\xE3\x80\x80济南市\xE3\x80\x80\xE3\x80\x80", 0, 0, YW_R_OK,
     "山东省 济南市", NULL},
    {"a\xE3\x80\x80\xE3\x80\x80 \tb", 0, 0, YW_R_OK, "a b", NULL},
    {"（１）号楼", 0, 0, YW_R_OK, "(1)号楼", NULL},
    {"１，２３４．５", 0, 0, YW_R_OK, "1,234.5", NULL},
    {"ｈｅｌｌｏ　ｗｏｒｌｄ", 0, 0, YW_R_OK, "hello world", NULL},
    {"阿不都·热合曼", 0, 0, YW_R_OK, "阿不都·热合曼", NULL},
    {"《机关事务》【一网】", 0, 0, YW_R_OK, "《机关事务》【一网】", NULL},
    {"\xF0\xA0\xAE\xB7家", 0, 0, YW_R_OK, "\xF0\xA0\xAE\xB7家", NULL}, /* U+20BB7 𠮷 */
    /* Unicode spaces: NBSP, em space, narrow NBSP, NEL, line separator */
    {"a\xC2\xA0\x62", 0, 0, YW_R_OK, "a b", NULL},
    {"a\xC2\xA0\xC2\xA0 \xC2\xA0\x62", 0, 0, YW_R_OK, "a b", NULL},
    {"a\xE2\x80\x83\x62", 0, 0, YW_R_OK, "a b", NULL},
    {"a\xE2\x80\xAF\x62", 0, 0, YW_R_OK, "a b", NULL},
    {"a\xC2\x85\x62", 0, 0, YW_R_OK, "a b", NULL},
    {"a\xE2\x80\xA8\x62\xE2\x80\xA9", 0, 0, YW_R_OK, "a b", NULL},
    /* Compatibility characters */
    {"120㎡", 0, 0, YW_R_OK, "120m2", NULL},
    {"120m²", 0, 0, YW_R_OK, "120m2", NULL},
    {"①号", 0, 0, YW_R_OK, "1号", NULL},
    {"\xEF\xAC\x81", 0, 0, YW_R_OK, "fi", NULL},                       /* ﬁ ligature */
    {"\xE3\x8D\xBF", 0, 0, YW_R_OK, "株式会社", NULL},                 /* ㍿ */
    {"\xEF\xBD\xB6\xEF\xBE\x9E", 0, 0, YW_R_OK, "\xE3\x82\xAC", NULL}, /* ｶﾞ -> ガ */
    {"\xEF\xBF\xA5"
     "300",
     0, 0, YW_R_OK,
     "\xC2\xA5"
     "300",
     NULL},                                                /* ￥ -> ¥ */
    {"\xE2\xBE\xBC", 0, 0, YW_R_OK, "\xE9\xAB\x98", NULL}, /* Kangxi radical ⾼ -> 高 */
    /* Composition: marks compose with the letter before, also across the
       fast path; marks are put in canonical order */
    {"e\xCC\x81", 0, 0, YW_R_OK, "\xC3\xA9", NULL},
    {"Cafe\xCC\x81 x", 0, 0, YW_R_OK, "Caf\xC3\xA9 x", NULL},
    {"\xEF\xBC\xA1\xCC\x81", 0, 0, YW_R_OK, "\xC3\x81", NULL}, /* Ａ + acute -> Á */
    {"a\xCC\x81\xCC\xA3", 0, 0, YW_R_OK, "\xE1\xBA\xA1\xCC\x81", NULL},
    {"\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 0, 0, YW_R_OK, "\xEA\xB0\x81", NULL}, /* 각 */
    {"=\xCC\xB8", 0, 0, YW_R_OK, "\xE2\x89\xA0", NULL}, /* = + long solidus -> ≠ */
    {"a \xCC\x81", 0, 0, YW_R_OK, "a \xCC\x81", NULL},  /* a space blocks */
    {"\xCC\x81", 0, 0, YW_R_OK, "\xCC\x81", NULL},
    {"\xC2\xB4", 0, 0, YW_R_OK, "\xCC\x81", NULL}, /* ´ is space + acute: trimmed */
    {"Москва", 0, 0, YW_R_OK, "Москва", NULL},
    {"\xD0\xB8\xCC\x86", 0, 0, YW_R_OK, "\xD0\xB9", NULL}, /* и + breve -> й */
    /* Empty */
    {"", 0, 0, YW_R_MISSING, NULL, "empty"},
    {"   \t\r\n", 0, 0, YW_R_MISSING, NULL, "empty"},
    {"\xE3\x80\x80\xE3\x80\x80", 0, 0, YW_R_MISSING, NULL, NULL},
    {"\xC2\xA0", 0, 0, YW_R_MISSING, NULL, NULL},
    /* Output size: the NUL needs a byte too */
    {"abc", 0, 4, YW_R_OK, "abc", NULL},
    {"abc", 0, 3, YW_R_TOO_LONG, NULL, "longer than 2 bytes"},
    {"abc", 0, 1, YW_R_TOO_LONG, NULL, NULL},
    {"  abc  ", 0, 4, YW_R_OK, "abc", NULL},
    {"a b", 0, 3, YW_R_TOO_LONG, NULL, NULL},
    {"鲁A", 0, 5, YW_R_OK, "鲁A", NULL},
    {"鲁A", 0, 4, YW_R_TOO_LONG, NULL, NULL},
    {"鲁", 0, 3, YW_R_TOO_LONG, NULL, NULL},
    {"e\xCC\x81", 0, 3, YW_R_OK, "\xC3\xA9", NULL},
    {"\xE3\x8D\xBF", 0, 12, YW_R_TOO_LONG, NULL, NULL},
    {"\xE3\x8D\xBF", 0, 13, YW_R_OK, "株式会社", NULL},
    /* Invalid UTF-8, with the offset of the bad sequence */
    {"\xFF", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 0"},
    {"abc\xFE", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 3"},
    {"ab\xC3", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 2"}, /* cut short */
    {"ab\xE5\xB1", 0, 0, YW_R_BAD_ENCODING, NULL,
     "invalid UTF-8 at byte 2"}, /* cut short */
    {"\x80"
     "abc",
     0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 0"}, /* stray tail */
    {"a\xC3(", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 1"},
    {"\xC0\xAF", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 0"}, /* overlong / */
    {"\xC1\xBF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},                      /* overlong */
    {"\xE0\x80\xAF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},                  /* overlong */
    {"\xE0\x9F\xBF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},                  /* overlong */
    {"\xF0\x80\x80\xAF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},              /* overlong */
    {"\xF0\x8F\xBF\xBF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},              /* overlong */
    {"x\xED\xA0\x80", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 1"}, /* D800 */
    {"\xED\xBF\xBF", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},                       /* DFFF */
    {"\xED\xA0\xBD\xED\xB8\x80", 0, 0, YW_R_BAD_ENCODING, NULL, NULL}, /* CESU-8 pair */
    {"a\xF4\x90\x80\x80", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 1"},
    {"\xF5\x80\x80\x80", 0, 0, YW_R_BAD_ENCODING, NULL, NULL},
    {"\xF8\x88\x80\x80\x80", 0, 0, YW_R_BAD_ENCODING, NULL, NULL}, /* 5 bytes */
    {"\xE5\xB1"
     "A",
     0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 0"},
    {"ab\0c", 4, 0, YW_R_BAD_ENCODING, NULL, "NUL byte at byte 2"},
    {"\0", 1, 0, YW_R_BAD_ENCODING, NULL, "NUL byte at byte 0"},
    {"e\xCC\x81\xFF", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 3"},
    {"e\xCC\x81\xCC", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 3"},
    /* An encoding error beyond what fits still wins over the length */
    {"abcdef\xFF", 0, 3, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 6"},
    /* Valid edges */
    {"\xF4\x8F\xBF\xBF", 0, 0, YW_R_OK, "\xF4\x8F\xBF\xBF", NULL}, /* U+10FFFF */
    {"\xEE\x80\x80", 0, 0, YW_R_OK, "\xEE\x80\x80", NULL},         /* U+E000 */
    {"\xED\x9F\xBF", 0, 0, YW_R_OK, "\xED\x9F\xBF", NULL},         /* U+D7FF */
    {"\xEF\xBF\xBF", 0, 0, YW_R_OK, "\xEF\xBF\xBF", NULL},         /* U+FFFF */
};

static const text_case_t s_code_cases[] = {
    {"鲁Ａ１２３４５", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {" 鲁 a 123 45 ", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {"lsvau2180n2183294", 0, 0, YW_R_OK, "LSVAU2180N2183294", NULL},
    {"ｌｓｖａｕ　２１８０", 0, 0, YW_R_OK, "LSVAU2180", NULL},
    {"9137\xC2\xA0"
     "0100\xE3\x80\x80MA3C",
     0, 0, YW_R_OK, "91370100MA3C", NULL},
    {"鲁 B·12345", 0, 0, YW_R_OK, "鲁B·12345", NULL},
    /* Separators stay in codes: a hyphenated USCC or VIN is wrong, and its
       validator must see it (only codebook_norm_plate drops them) */
    {"11370102-006310480J", 0, 0, YW_R_OK, "11370102-006310480J", NULL},
    {"11370102－006310480j", 0, 0, YW_R_OK, "11370102-006310480J", NULL},
    {"LFVXC-EB55EF605737", 0, 0, YW_R_OK, "LFVXC-EB55EF605737", NULL},
    {"鲁A-12345", 0, 0, YW_R_OK, "鲁A-12345", NULL},
    {"abc", 0, 4, YW_R_OK, "ABC", NULL},
    /* spaces removed before the length counts */
    {"a b c", 0, 4, YW_R_OK, "ABC", NULL},
    {"a b c d", 0, 4, YW_R_TOO_LONG, NULL, NULL},
    /* marks compose across removed spaces, and after upper-casing */
    {"e \xCC\x81", 0, 0, YW_R_OK, "\xC3\x89", NULL}, /* É */
    {"e\xC2\xB4", 0, 0, YW_R_OK, "\xC3\x89", NULL},  /* e + ´ (space + acute) */
    {"i\xCC\x87", 0, 0, YW_R_OK, "\xC4\xB0", NULL},  /* İ */
    /* Letters are upper-cased before composing, so accented ASCII letters too */
    {"\xC3\xA9", 0, 0, YW_R_OK, "\xC3\x89", NULL},
    {"\xD0\xB9", 0, 0, YW_R_OK, "\xD0\xB9", NULL}, /* й: not ASCII underneath */
    {" \t ", 0, 0, YW_R_MISSING, NULL, NULL},
    {"\xE3\x80\x80", 0, 0, YW_R_MISSING, NULL, NULL},
    {"AB\xFF", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 2"},
};

static const text_case_t s_plate_cases[] = {
    /* Each separator agencies write, between the authority letter and the
       serial as on the plate */
    {"鲁A\xC2\xB7"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL}, /* U+00B7 middle dot */
    {"鲁A\xE2\x80\xA2"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL}, /* U+2022 bullet */
    {"鲁A\xE3\x83\xBB"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL}, /* U+30FB katakana dot */
    {"鲁A\xEF\xBD\xA5"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL}, /* U+FF65 -> U+30FB */
    {"鲁A-12345", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {"鲁A\xEF\xBC\x8D"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL}, /* U+FF0D -> '-' */
    {"鲁A 12345", 0, 0, YW_R_OK, "鲁A12345", NULL},
    /* Spaces go first, so a separator with spaces around it is alone */
    {" 鲁A · 12345 ", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {"鲁A\xE3\x80\x80\xE3\x83\xBB\xE3\x80\x80"
     "12345",
     0, 0, YW_R_OK, "鲁A12345", NULL},
    /* and what codebook_norm_code does besides */
    {"鲁Ａ·１２３４５", 0, 0, YW_R_OK, "鲁A12345", NULL},
    {"鲁a-84a86", 0, 0, YW_R_OK, "鲁A84A86", NULL},
    {"鲁A12345", 0, 0, YW_R_OK, "鲁A12345", NULL},
    /* Other plate forms, and more than one separator, each alone */
    {"鲁A·D12345", 0, 0, YW_R_OK, "鲁AD12345", NULL},
    {"鲁A·1234警", 0, 0, YW_R_OK, "鲁A1234警", NULL},
    {"WJ·鲁1234X", 0, 0, YW_R_OK, "WJ鲁1234X", NULL},
    {"鲁-A-12345", 0, 0, YW_R_OK, "鲁A12345", NULL},
    /* Not between two plate characters: kept, for the validator to reject */
    {"·鲁A12345", 0, 0, YW_R_OK, "·鲁A12345", NULL},
    {"-鲁A12345", 0, 0, YW_R_OK, "-鲁A12345", NULL},
    {" ・鲁A12345", 0, 0, YW_R_OK, "\xE3\x83\xBB鲁A12345", NULL},
    {"鲁A12345·", 0, 0, YW_R_OK, "鲁A12345·", NULL},
    {"鲁A12345- ", 0, 0, YW_R_OK, "鲁A12345-", NULL},
    {"鲁A··12345", 0, 0, YW_R_OK, "鲁A··12345", NULL},
    {"鲁A--12345", 0, 0, YW_R_OK, "鲁A--12345", NULL},
    {"鲁A·-12345", 0, 0, YW_R_OK, "鲁A·-12345", NULL},
    {"鲁A· ·12345", 0, 0, YW_R_OK, "鲁A··12345", NULL},
    {"鲁A·*12345", 0, 0, YW_R_OK, "鲁A·*12345", NULL},
    {"鲁A*·12345", 0, 0, YW_R_OK, "鲁A*·12345", NULL},
    {"·", 0, 0, YW_R_OK, "·", NULL},
    {"-", 0, 0, YW_R_OK, "-", NULL},
    {"·-•", 0, 0, YW_R_OK, "·-•", NULL},
    {"A·", 0, 0, YW_R_OK, "A·", NULL},
    /* Dashes that are not separators of plates stay */
    {"鲁A\xE2\x80\x93"
     "12345",
     0, 0, YW_R_OK,
     "鲁A\xE2\x80\x93"
     "12345",
     NULL}, /* en */
    {"鲁A\xE2\x80\x94"
     "12345",
     0, 0, YW_R_OK,
     "鲁A\xE2\x80\x94"
     "12345",
     NULL}, /* em */
    /* out_size holds the text before the separators go: 鲁A·12345 is 11 bytes */
    {"鲁A·12345", 0, 12, YW_R_OK, "鲁A12345", NULL},
    {"鲁A·12345", 0, 11, YW_R_TOO_LONG, NULL, "longer than 10 bytes"},
    {"", 0, 0, YW_R_MISSING, NULL, "empty"},
    {" \xE3\x80\x80 ", 0, 0, YW_R_MISSING, NULL, "empty"},
    {"鲁A·\xFF", 0, 0, YW_R_BAD_ENCODING, NULL, "invalid UTF-8 at byte 6"},
};

typedef int s_normalizer_fn (const char *in, size_t len, char *out, size_t out_size,
                             char *detail);

static void
s_run_text_cases (const text_case_t *cases, size_t count, const char *what,
                  s_normalizer_fn *normalize)
{
    for (size_t i = 0; i < count; i++) {
        const text_case_t *c = &cases[i];
        size_t len = c->len ? c->len : strlen (c->in);
        size_t out_size = c->out_size ? c->out_size : 256;
        char out[260];
        char detail[YW_NORM_DETAIL];
        memset (out, 'Z', sizeof out);
        memset (detail, 'Z', sizeof detail);
        int rc = normalize (c->in, len, out, out_size, detail);
        if (rc != c->rc || (rc == YW_R_OK && strcmp (out, c->out) != 0) ||
            (rc != YW_R_OK && c->detail && strcmp (detail, c->detail) != 0)) {
            print_error ("%s case %zu \"%s\": rc %d (want %d), out \"%s\" (want \"%s\"), "
                         "detail \"%s\"\n",
                         what, i, c->in, rc, c->rc, rc == YW_R_OK ? out : "",
                         c->out ? c->out : "", detail);
            fail ();
        }
        /* Nothing written past out_size, always NUL-terminated */
        assert_int_equal (out[out_size], 'Z');
        assert_true (memchr (out, '\0', out_size) != NULL);
        assert_true (memchr (detail, '\0', sizeof detail) != NULL);
        if (rc != YW_R_OK)
            assert_true (strlen (detail) > 0);
        /* The same without a detail buffer */
        rc = normalize (c->in, len, out, out_size, NULL);
        assert_int_equal (rc, c->rc);
    }
}

static void
test_text_cases (void **state)
{
    s_run_text_cases (s_text_cases, sizeof s_text_cases / sizeof *s_text_cases, "text",
                      codebook_norm_text);
}

static void
test_code_cases (void **state)
{
    s_run_text_cases (s_code_cases, sizeof s_code_cases / sizeof *s_code_cases, "code",
                      codebook_norm_code);
}

static void
test_plate_cases (void **state)
{
    s_run_text_cases (s_plate_cases, sizeof s_plate_cases / sizeof *s_plate_cases, "plate",
                      codebook_norm_plate);
}

/* What codebook_plate_validate () makes of the plate normalizer's output:
   every separator form is the plate, a separator out of place is refused. */
static void
test_plate_validates (void **state)
{
    static const struct {
        const char *in;
        yw_reason_t reason;
    } cases[] = {
        {"鲁A\xC2\xB7"
         "12345",
         YW_R_OK},
        {"鲁A\xE2\x80\xA2"
         "12345",
         YW_R_OK},
        {"鲁A\xE3\x83\xBB"
         "12345",
         YW_R_OK},
        {"鲁A-12345", YW_R_OK},
        {"鲁A\xEF\xBC\x8D"
         "12345",
         YW_R_OK},
        {"鲁A 12345", YW_R_OK},
        {"鲁A·D12345", YW_R_OK},
        {"鲁A·1234警", YW_R_OK},
        {"·鲁A12345", YW_R_PLATE_FORMAT},
        {"-鲁A12345", YW_R_PLATE_FORMAT},
        {"鲁A12345·", YW_R_PLATE_FORMAT},
        {"鲁A··12345", YW_R_PLATE_FORMAT},
        {"鲁A-·12345", YW_R_PLATE_FORMAT},
        {"·", YW_R_PLATE_FORMAT},
        {"--", YW_R_PLATE_FORMAT},
        {"齐A·12345", YW_R_PLATE_PROVINCE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64];
        assert_int_equal (
            codebook_norm_plate (cases[i].in, strlen (cases[i].in), out, sizeof out, NULL),
            YW_R_OK);
        if (codebook_plate_validate (out) != cases[i].reason)
            fail_msg ("\"%s\" -> \"%s\": %s, want %s", cases[i].in, out,
                      yw_reason_code (codebook_plate_validate (out)),
                      yw_reason_code (cases[i].reason));
    }
}

/* Every output size from 0 up: TOO_LONG while the text before the
   separators are removed does not fit, then the plate; never a byte written
   past out_size. */
static void
test_plate_every_size (void **state)
{
    const char *in = " 鲁Ａ · １２３４５ ";
    char code[64];
    assert_int_equal (codebook_norm_code (in, strlen (in), code, sizeof code, NULL),
                      YW_R_OK);
    assert_string_equal (code, "鲁A·12345");
    for (size_t size = 0; size <= strlen (code) + 2; size++) {
        char out[66];
        memset (out, 'Z', sizeof out);
        int rc = codebook_norm_plate (in, strlen (in), size ? out : NULL, size, NULL);
        if (size > strlen (code)) {
            assert_int_equal (rc, YW_R_OK);
            assert_string_equal (out, "鲁A12345");
        }
        else {
            assert_int_equal (rc, YW_R_TOO_LONG);
            if (size)
                assert_int_equal (out[0], '\0');
        }
        assert_int_equal (out[size], 'Z');
    }
}

/* Every output size from 0 up: TOO_LONG until the value fits, then the same
   value; never a byte written past out_size. */
static void
test_text_every_size (void **state)
{
    const char *inputs[] = {"  鲁Ａ １２３４５  ", "Cafe\xCC\x81 \xE3\x8D\xBF x", "abc"};
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++) {
        char full[128];
        assert_int_equal (
            codebook_norm_text (inputs[k], strlen (inputs[k]), full, sizeof full, NULL),
            YW_R_OK);
        for (size_t size = 0; size <= strlen (full) + 2; size++) {
            char out[130];
            memset (out, 'Z', sizeof out);
            char *buffer = size ? out : NULL;
            int rc = codebook_norm_text (inputs[k], strlen (inputs[k]), buffer, size, NULL);
            if (size > strlen (full)) {
                assert_int_equal (rc, YW_R_OK);
                assert_string_equal (out, full);
            }
            else {
                assert_int_equal (rc, YW_R_TOO_LONG);
                if (size)
                    assert_int_equal (out[0], '\0');
            }
            assert_int_equal (out[size], 'Z');
        }
    }
}

/* What the text normalizer should give, from utf8proc's own (allocating)
   NFKC: then trim and fold white space; for codes, NFKD without white space
   and with ASCII upper-cased, then NFKC. NULL for invalid UTF-8. */
static bool
s_is_space (int32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static char *
s_reference (const char *in, size_t len, bool code)
{
    utf8proc_uint8_t *nfkc = NULL;
    utf8proc_option_t options = UTF8PROC_STABLE | UTF8PROC_COMPAT;
    options |= code ? UTF8PROC_DECOMPOSE : UTF8PROC_COMPOSE;
    utf8proc_ssize_t n =
        utf8proc_map ((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &nfkc, options);
    if (n < 0)
        return NULL;
    char *out = malloc ((size_t)n + 1);
    size_t o = 0;
    bool space = false;
    utf8proc_ssize_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        i += utf8proc_iterate (nfkc + i, n - i, &cp);
        if (s_is_space (cp)) {
            space = !code && o > 0;
            continue;
        }
        if (code && cp >= 'a' && cp <= 'z')
            cp -= 32;
        if (space)
            out[o++] = ' ';
        space = false;
        o += (size_t)utf8proc_encode_char (cp, (utf8proc_uint8_t *)out + o);
    }
    out[o] = '\0';
    free (nfkc);
    if (code) {
        utf8proc_uint8_t *composed = NULL;
        n = utf8proc_map ((const utf8proc_uint8_t *)out, (utf8proc_ssize_t)o, &composed,
                          UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE);
        assert_true (n >= 0);
        free (out);
        out = (char *)composed;
    }
    return out;
}

static void
s_check_against_reference (const char *in, size_t len)
{
    for (int code = 0; code < 2; code++) {
        char *expected = s_reference (in, len, code);
        assert_non_null (expected);
        static char out[8192];
        char detail[YW_NORM_DETAIL];
        int rc = code ? codebook_norm_code (in, len, out, sizeof out, detail)
                      : codebook_norm_text (in, len, out, sizeof out, detail);
        if (expected[0] == '\0')
            assert_int_equal (rc, YW_R_MISSING);
        else {
            if (rc != YW_R_OK || strcmp (out, expected) != 0) {
                print_error ("%s of %zu bytes:", code ? "code" : "text", len);
                for (size_t i = 0; i < len; i++)
                    print_error (" %02X", (unsigned char)in[i]);
                print_error (": rc %d detail %s\n", rc, detail);
                fail ();
            }
        }
        free (expected);
    }
}

/* Each code point alone (except NUL and surrogates), and between letters. */
static void
test_text_every_code_point (void **state)
{
    for (int32_t cp = 1; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char in[8];
        size_t n = (size_t)utf8proc_encode_char (cp, (utf8proc_uint8_t *)in + 1);
        s_check_against_reference (in + 1, n);
        if (cp % 7 == 0 || (cp >= 0x3000 && cp < 0x3100) || cp >= 0xFF00) {
            in[0] = 'a';
            in[n + 1] = 'b';
            s_check_against_reference (in, n + 2);
        }
    }
}

/* Every canonical composition utf8proc knows, decomposed, alone and after a
   fast-path character: the fast path must not split a pair. Also checks the
   assumption of the engine's boundaries: the second of every pair is a
   combining mark or a Hangul jamo. */
static void
test_text_every_composition (void **state)
{
    int pairs = 0;
    for (int32_t cp = 0xA0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        utf8proc_int32_t parts[8];
        int boundclass = 0;
        utf8proc_ssize_t n =
            utf8proc_decompose_char (cp, parts, 8, UTF8PROC_DECOMPOSE, &boundclass);
        if (n < 2)
            continue;
        /* cp is a primary composite if NFC gives it back */
        char in[64];
        size_t len = 0;
        for (utf8proc_ssize_t k = 0; k < n; k++)
            len += (size_t)utf8proc_encode_char (parts[k], (utf8proc_uint8_t *)in + len);
        in[len] = '\0';
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_map ((utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &nfc,
                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        utf8proc_int32_t composed = -1;
        utf8proc_ssize_t used = utf8proc_iterate (nfc, -1, &composed);
        bool primary = composed == cp && nfc[used] == '\0';
        free (nfc);
        if (!primary)
            continue;
        pairs++;
        utf8proc_int32_t second = parts[n - 1];
        utf8proc_category_t category = utf8proc_category (second);
        assert_true (category == UTF8PROC_CATEGORY_MN || category == UTF8PROC_CATEGORY_MC ||
                     (second >= 0x1160 && second <= 0x11FF));
        s_check_against_reference (in, len);
        char wrapped[160];
        snprintf (wrapped, sizeof wrapped, "\xE5\xB1\xB1%s\xEF\xBC\xA1%sA", in,
                  in); /* 山 Ａ */
        s_check_against_reference (wrapped, strlen (wrapped));
    }
    assert_true (pairs > 900);
}

/* Long text that needs utf8proc all along: composed and written in pieces. */
static void
test_text_long_runs (void **state)
{
    static char in[16384], out[8192], expected[8192];
    /* 1000 x (e + acute): 3000 bytes in, 2000 out */
    size_t len = 0;
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf (in + len, "e\xCC\x81");
    for (int i = 0; i < 1000; i++)
        memcpy (expected + 2 * i, "\xC3\xA9", 2);
    expected[2000] = '\0';
    assert_int_equal (codebook_norm_text (in, len, out, sizeof out, NULL), YW_R_OK);
    assert_string_equal (out, expected);
    s_check_against_reference (in, len);
    /* 2000 Cyrillic letters, 1000 NBSPs, Hangul jamo */
    len = 0;
    for (int i = 0; i < 1000; i++)
        len +=
            (size_t)sprintf (in + len, "\xD0\xB8\xCC\x86\xC2\xA0\xE1\x84\x80\xE1\x85\xA1");
    s_check_against_reference (in, len);
    /* 300 combining marks on one letter cannot be split */
    len = (size_t)sprintf (in, "a");
    for (int i = 0; i < 300; i++)
        len += (size_t)sprintf (in + len, "\xCC\x81");
    char detail[YW_NORM_DETAIL];
    assert_int_equal (codebook_norm_text (in, len, out, sizeof out, detail), YW_R_TOO_LONG);
    assert_string_equal (detail, "more than 256 combining characters in a row");
    /* but bad UTF-8 after them still says so */
    memcpy (in + len, "x\xFF", 2);
    assert_int_equal (codebook_norm_text (in, len + 2, out, sizeof out, detail),
                      YW_R_BAD_ENCODING);
    assert_string_equal (detail, "invalid UTF-8 at byte 602");
    /* A long ASCII field */
    memset (in, 'x', 4096);
    assert_int_equal (codebook_norm_text (in, 4096, out, sizeof out, NULL), YW_R_OK);
    assert_int_equal (strlen (out), 4096);
    assert_int_equal (codebook_norm_text (in, 4096, out, 4096, NULL), YW_R_TOO_LONG);
}

/* --- dates and years ----------------------------------------------------- */

typedef struct {
    const char *in;
    int rc;
    int32_t value;
    const char *detail; /* NULL: not checked */
} int_case_t;

static const int_case_t s_date_cases[] = {
    {"2021-07-03", YW_R_OK, 20210703, NULL},
    {"2021-7-3", YW_R_OK, 20210703, NULL},
    {"2021/7/3", YW_R_OK, 20210703, NULL},
    {"2021/07/03", YW_R_OK, 20210703, NULL},
    {"2021.7.3", YW_R_OK, 20210703, NULL},
    {"2021.07.03", YW_R_OK, 20210703, NULL},
    {"20210703", YW_R_OK, 20210703, NULL},
    {"2021年7月3日", YW_R_OK, 20210703, NULL},
    {"2021年07月03日", YW_R_OK, 20210703, NULL},
    {"2021年7月3号", YW_R_OK, 20210703, NULL},
    {"2021年7月3", YW_R_OK, 20210703, NULL},
    {"2021 年 7 月 3 日", YW_R_OK, 20210703, NULL},
    {"２０２１年７月３日", YW_R_OK, 20210703, NULL},
    {"２０２１－０７－０３", YW_R_OK, 20210703, NULL},
    {"２０２１／７／３", YW_R_OK, 20210703, NULL},
    {"\xE3\x80\x80 2021-07-03 \t", YW_R_OK, 20210703, NULL},
    {"2021-07-03 10:20:00", YW_R_OK, 20210703, NULL},
    {"2021-07-03T10:20:00", YW_R_OK, 20210703, NULL},
    {"2021-07-03 10:20", YW_R_OK, 20210703, NULL},
    {"2021-07-03 0:00", YW_R_OK, 20210703, NULL},
    {"2021-07-03T10:20:00.123Z", YW_R_OK, 20210703, NULL},
    {"2021-07-03T10:20:00+08:00", YW_R_OK, 20210703, NULL},
    {"2021-07-03 10:20:00 +0800", YW_R_OK, 20210703, NULL},
    {"2021/7/3 10:20", YW_R_OK, 20210703, NULL},
    {"2021年7月3日 10:20:00", YW_R_OK, 20210703, NULL},
    {"20210703 10:20:00", YW_R_OK, 20210703, NULL},
    {"2021-07-03　１０：２０", YW_R_OK, 20210703, NULL},
    /* Excel serials (1900 system) */
    {"44380", YW_R_OK, 20210703, NULL},
    {"44380.5", YW_R_OK, 20210703, NULL},
    {"44380.0", YW_R_OK, 20210703, NULL},
    {"1", YW_R_OK, 19000101, NULL},
    {"59", YW_R_OK, 19000228, NULL},
    {"60", YW_R_DATE_RANGE, 0, "Excel serial 60 is the fictitious 1900-02-29"},
    {"61", YW_R_OK, 19000301, NULL},
    {"367", YW_R_OK, 19010101, NULL},
    {"36526", YW_R_OK, 20000101, NULL},
    {"36585", YW_R_OK, 20000229, NULL},
    {"73050", YW_R_OK, 20991231, NULL},
    {"73415", YW_R_OK, 21001231, NULL},
    {"73416", YW_R_DATE_RANGE, 0, "Excel serial 73416 is in year 2101"},
    {"2958465", YW_R_DATE_RANGE, 0, NULL},
    {"2958466", YW_R_DATE_RANGE, 0, "Excel serial 2958466 out of range"},
    {"0", YW_R_DATE_RANGE, 0, "Excel serial 0 out of range"},
    {"４４３８０", YW_R_OK, 20210703, NULL},
    /* Leap years and month lengths */
    {"2020-02-29", YW_R_OK, 20200229, NULL},
    {"2000-02-29", YW_R_OK, 20000229, NULL},
    {"2021-02-29", YW_R_DATE_RANGE, 0, "day 29 not in 2021-02"},
    {"1900-02-29", YW_R_DATE_RANGE, 0, "day 29 not in 1900-02"},
    {"2100-02-29", YW_R_DATE_RANGE, 0, NULL},
    {"2021-04-31", YW_R_DATE_RANGE, 0, "day 31 not in 2021-04"},
    {"2021-12-31", YW_R_OK, 20211231, NULL},
    {"2021-13-01", YW_R_DATE_RANGE, 0, "month 13"},
    {"2021-00-10", YW_R_DATE_RANGE, 0, "month 0"},
    {"2021-01-00", YW_R_DATE_RANGE, 0, "day 0"},
    {"2021-01-32", YW_R_DATE_RANGE, 0, "day 32"},
    {"20211301", YW_R_DATE_RANGE, 0, "month 13"},
    {"2021年13月1日", YW_R_DATE_RANGE, 0, "month 13"},
    /* Years */
    {"1900-01-01", YW_R_OK, 19000101, NULL},
    {"2100-12-31", YW_R_OK, 21001231, NULL},
    {"1899-12-31", YW_R_DATE_RANGE, 0, "year 1899 outside 1900..2100"},
    {"2101-01-01", YW_R_DATE_RANGE, 0, "year 2101 outside 1900..2100"},
    {"00000000", YW_R_DATE_RANGE, 0, NULL},
    /* Not dates */
    {"2021", YW_R_DATE_FORMAT, 0, "a year alone is not a date"},
    {"2021年", YW_R_DATE_FORMAT, 0, NULL},
    {"2021年7月", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07-03-01", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07/03", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-007-03", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07-003", YW_R_DATE_FORMAT, 0, NULL},
    {"21-07-03", YW_R_DATE_FORMAT, 0, NULL},
    {"07/03/2021", YW_R_DATE_FORMAT, 0, NULL},
    {"3/7/2021", YW_R_DATE_FORMAT, 0, NULL},
    {"20210703.5", YW_R_DATE_FORMAT, 0, NULL},
    {"202107031", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07-03 25:00", YW_R_DATE_FORMAT, 0, "bad time of day"},
    {"2021-07-03 10:60", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07-03 10", YW_R_DATE_FORMAT, 0, NULL},
    {"2021-07-03x", YW_R_DATE_FORMAT, 0, "not a date"},
    {"2021.7.3.", YW_R_DATE_FORMAT, 0, "not a date"},
    {"2021年7月3日星期六", YW_R_DATE_FORMAT, 0, "not a date"},
    {"2021-07-03 10:20:00 extra", YW_R_DATE_FORMAT, 0, NULL},
    {"July 3, 2021", YW_R_DATE_FORMAT, 0, "not a date"},
    {"-44380", YW_R_DATE_FORMAT, 0, NULL},
    {"二〇二一年七月三日", YW_R_DATE_FORMAT, 0, NULL},
    {"2021年7月3日日", YW_R_DATE_FORMAT, 0, NULL},
    {"", YW_R_MISSING, 0, NULL},
    {"  ", YW_R_MISSING, 0, NULL},
    {"2021-07-0\xFF", YW_R_BAD_ENCODING, 0, "invalid UTF-8 at byte 9"},
};

static const int_case_t s_year_cases[] = {
    {"1998", YW_R_OK, 1998, NULL},
    {"1998年", YW_R_OK, 1998, NULL},
    {"1998 年", YW_R_OK, 1998, NULL},
    {"1998年度", YW_R_OK, 1998, NULL},
    {"１９９８年", YW_R_OK, 1998, NULL},
    {"1998.0", YW_R_OK, 1998, NULL},
    {"1998-05-01", YW_R_OK, 1998, NULL},
    {"1998年5月1日", YW_R_OK, 1998, NULL},
    {"19980501", YW_R_OK, 1998, NULL},
    {"44380", YW_R_OK, 2021, NULL},
    {"1900", YW_R_OK, 1900, NULL},
    {"2100", YW_R_OK, 2100, NULL},
    {"1899", YW_R_DATE_RANGE, 0, "year 1899 outside 1900..2100"},
    {"2101年", YW_R_DATE_RANGE, 0, NULL},
    {"98", YW_R_DATE_FORMAT, 0, "not a year"}, /* not an Excel serial in 1900 */
    {"0", YW_R_DATE_FORMAT, 0, NULL},
    {"98年", YW_R_DATE_FORMAT, 0, NULL},
    {"1998.5", YW_R_DATE_FORMAT, 0, NULL},
    {"199８", YW_R_OK, 1998, NULL},
    {"nineteen", YW_R_DATE_FORMAT, 0, NULL},
    {"", YW_R_MISSING, 0, NULL},
};

typedef int (*date_fn_t) (const char *, size_t, int32_t *, char *);

static void
s_run_int_cases (const char *name, date_fn_t fn, const int_case_t *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const int_case_t *c = &cases[i];
        int32_t value = -1;
        char detail[YW_NORM_DETAIL] = "";
        int rc = fn (c->in, strlen (c->in), &value, detail);
        int32_t expected = c->value;
        if (fn == codebook_norm_year && expected > 9999)
            expected /= 10000;
        if (rc != c->rc || value != (rc == YW_R_OK ? expected : 0) ||
            (rc != YW_R_OK && c->detail && strcmp (detail, c->detail) != 0)) {
            print_error ("%s case %zu \"%s\": rc %d (want %d), value %d (want %d), detail "
                         "\"%s\"\n",
                         name, i, c->in, rc, c->rc, value, expected, detail);
            fail ();
        }
        if (rc != YW_R_OK)
            assert_true (strlen (detail) > 0);
    }
}

static void
test_date_cases (void **state)
{
    s_run_int_cases ("date", codebook_norm_date, s_date_cases,
                     sizeof s_date_cases / sizeof *s_date_cases);
}

static void
test_year_cases (void **state)
{
    s_run_int_cases ("year", codebook_norm_year, s_year_cases,
                     sizeof s_year_cases / sizeof *s_year_cases);
}

/* Every Excel serial from 61 to 2100-12-31 is the day after the one before. */
static void
test_date_excel_serials (void **state)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = 1900, month = 3, day = 1;
    for (long serial = 61; serial <= 73415; serial++) {
        char text[24];
        snprintf (text, sizeof text, "%ld", serial);
        int32_t value = 0;
        int rc = codebook_norm_date (text, strlen (text), &value, NULL);
        if (strlen (text) == 4) {
            assert_int_equal (rc, YW_R_DATE_FORMAT); /* a year, not a serial */
        }
        else {
            assert_int_equal (rc, YW_R_OK);
            assert_int_equal (value, year * 10000 + month * 100 + day);
        }
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (++day > days[month - 1] + (month == 2 && leap)) {
            day = 1;
            if (++month > 12) {
                month = 1;
                year++;
            }
        }
    }
    assert_int_equal (year, 2101);
}

/* --- quantities ---------------------------------------------------------- */

typedef int (*quantity_fn_t) (const char *, size_t, int64_t *, char *);

typedef struct {
    const char *in;
    int rc;
    int64_t value;
    const char *detail; /* NULL: not checked */
} quantity_case_t;

static const quantity_case_t s_money_cases[] = {
    {"12.5万元", YW_R_OK, 12500000, NULL},
    {"12.5万", YW_R_OK, 12500000, NULL},
    {"1,234.56元", YW_R_OK, 123456, NULL},
    {"¥300", YW_R_OK, 30000, NULL},
    {"￥300", YW_R_OK, 30000, NULL},
    {"￥ 300.00", YW_R_OK, 30000, NULL},
    {"RMB300", YW_R_OK, 30000, NULL},
    {"RMB 1,000", YW_R_OK, 100000, NULL},
    {"rmb 5", YW_R_OK, 500, NULL},
    {"CNY 5", YW_R_OK, 500, NULL},
    {"人民币5元", YW_R_OK, 500, NULL},
    {"12.5", YW_R_OK, 1250, NULL},
    {"12", YW_R_OK, 1200, NULL},
    {"0", YW_R_OK, 0, NULL},
    {"0.00", YW_R_OK, 0, NULL},
    {"-0", YW_R_OK, 0, NULL},
    {".5", YW_R_OK, 50, NULL},
    {"5.", YW_R_OK, 500, NULL},
    {"007", YW_R_OK, 700, NULL},
    {"  12.5 万元  ", YW_R_OK, 12500000, NULL},
    {"\xE3\x80\x80１２．５万元\xE3\x80\x80", YW_R_OK, 12500000, NULL},
    {"１，２３４．５６元", YW_R_OK, 123456, NULL},
    {"1，234.56", YW_R_OK, 123456, NULL},
    {"1,234,567.89", YW_R_OK, 123456789, NULL},
    {"300元整", YW_R_OK, 30000, NULL},
    {"3千元", YW_R_OK, 300000, NULL},
    {"1.5亿元", YW_R_OK, 15000000000, NULL},
    {"1.5亿", YW_R_OK, 15000000000, NULL},
    {"2百万元", YW_R_OK, 200000000, NULL},
    {"5块", YW_R_OK, 500, NULL},
    /* rounding half up after scaling */
    {"0.005", YW_R_OK, 1, NULL},
    {"0.00499999", YW_R_OK, 0, NULL},
    {"1234.565", YW_R_OK, 123457, NULL},
    {"1234.5649999", YW_R_OK, 123456, NULL},
    {"0.0000005万元", YW_R_OK, 1, NULL},
    {"1.23456789万元", YW_R_OK, 1234568, NULL},
    {"1234.5600000000001", YW_R_OK, 123456, NULL},
    {"0.1000000000000000055511151231257827", YW_R_OK, 10, NULL},
    /* exponents, as spreadsheets write big numbers */
    {"1.2E+05", YW_R_OK, 12000000, NULL},
    {"1.2e5", YW_R_OK, 12000000, NULL},
    {"5E-3", YW_R_OK, 1, NULL},
    {"5E-400", YW_R_OK, 0, NULL},
    /* range */
    {"1000000000000", YW_R_OK, 100000000000000, NULL},
    {"1000000000000.01", YW_R_NUMBER_RANGE, 0, "over 10^12 yuan"},
    {"100000000万元", YW_R_OK, 100000000000000, NULL},
    {"100000001万元", YW_R_NUMBER_RANGE, 0, NULL},
    {"10001亿", YW_R_NUMBER_RANGE, 0, NULL},
    {"99999999999999999999999999", YW_R_NUMBER_RANGE, 0, NULL},
    {"1E+400", YW_R_NUMBER_RANGE, 0, NULL},
    {"9223372036854775807", YW_R_NUMBER_RANGE, 0, NULL},
    {"-5", YW_R_NUMBER_RANGE, 0, "negative"},
    {"-0.01", YW_R_NUMBER_RANGE, 0, "negative"},
    {"¥-5", YW_R_NUMBER_RANGE, 0, NULL},
    {"−5", YW_R_NUMBER_RANGE, 0, NULL},  /* U+2212 */
    {"－5", YW_R_NUMBER_RANGE, 0, NULL}, /* full-width hyphen-minus */
    /* format */
    {"1.2.3", YW_R_NUMBER_FORMAT, 0, "more than one decimal point"},
    {"1,2", YW_R_NUMBER_FORMAT, 0, "misplaced thousands separator"},
    {"1,2345", YW_R_NUMBER_FORMAT, 0, NULL},
    {"12,", YW_R_NUMBER_FORMAT, 0, NULL},
    {"1234,567", YW_R_NUMBER_FORMAT, 0, NULL},
    {"1.234,5", YW_R_NUMBER_FORMAT, 0, "thousands separator after the decimal point"},
    {",123", YW_R_NUMBER_FORMAT, 0, "not a number"},
    {"1 234", YW_R_NUMBER_FORMAT, 0, "unexpected '234' after the number"},
    {"abc", YW_R_NUMBER_FORMAT, 0, "not a number"},
    {"元", YW_R_NUMBER_FORMAT, 0, NULL},
    {"¥", YW_R_NUMBER_FORMAT, 0, NULL},
    {".", YW_R_NUMBER_FORMAT, 0, NULL},
    {"+", YW_R_NUMBER_FORMAT, 0, NULL},
    {"--5", YW_R_NUMBER_FORMAT, 0, NULL},
    {"十二元", YW_R_NUMBER_FORMAT, 0, NULL},
    {"12abc", YW_R_UNIT_UNKNOWN, 0, "unit 'abc' not known for money"},
    {"12 美元", YW_R_UNIT_UNKNOWN, 0, "unit '美元' not known for money"},
    {"12E", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"12元元", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"", YW_R_MISSING, 0, NULL},
    {"\xE3\x80\x80", YW_R_MISSING, 0, NULL},
    {"12\xC3", YW_R_BAD_ENCODING, 0, "invalid UTF-8 at byte 2"},
};

static const quantity_case_t s_area_cases[] = {
    {"1,234.5平方米", YW_R_OK, 123450, NULL},
    {"1234.5㎡", YW_R_OK, 123450, NULL},
    {"1234.5m2", YW_R_OK, 123450, NULL},
    {"1234.5M2", YW_R_OK, 123450, NULL},
    {"1234.5m²", YW_R_OK, 123450, NULL},
    {"1234.5 ㎡", YW_R_OK, 123450, NULL},
    {"1234.5", YW_R_OK, 123450, NULL},
    {"120平米", YW_R_OK, 12000, NULL},
    {"120平", YW_R_OK, 12000, NULL},
    {"１２０平方米", YW_R_OK, 12000, NULL},
    {"3.2亩", YW_R_OK, 213333, NULL},  /* 2133.33 m2 */
    {"1亩", YW_R_OK, 66667, NULL},     /* 666.666... */
    {"3亩", YW_R_OK, 200000, NULL},    /* exactly 2000 m2 */
    {"0.0000075亩", YW_R_OK, 1, NULL}, /* 0.005 m2: half rounds up */
    {"0.0000074亩", YW_R_OK, 0, NULL},
    {"1.5公顷", YW_R_OK, 1500000, NULL},
    {"1.5ha", YW_R_OK, 1500000, NULL},
    {"1.5hm²", YW_R_OK, 1500000, NULL},
    {"2.1万平方米", YW_R_OK, 2100000, NULL},
    {"1平方公里", YW_R_OK, 100000000, NULL},
    {"0.005", YW_R_OK, 1, NULL},
    {"100000000", YW_R_OK, 10000000000, NULL},
    {"100000000.01", YW_R_NUMBER_RANGE, 0, "over 10^8 m2"},
    {"150000亩", YW_R_OK, 10000000000, NULL},
    {"150001亩", YW_R_NUMBER_RANGE, 0, NULL},
    {"-3", YW_R_NUMBER_RANGE, 0, "negative"},
    {"3斤", YW_R_UNIT_UNKNOWN, 0, "unit '斤' not known for area"},
    {"3元", YW_R_UNIT_UNKNOWN, 0, "unit '元' not known for area"},
    {"3 square meters", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"3..2亩", YW_R_NUMBER_FORMAT, 0, NULL},
};

static const quantity_case_t s_volume_cases[] = {
    {"1798", YW_R_OK, 1798, NULL},
    {"1798ml", YW_R_OK, 1798, NULL},
    {"1798 mL", YW_R_OK, 1798, NULL},
    {"1798毫升", YW_R_OK, 1798, NULL},
    {"1798cc", YW_R_OK, 1798, NULL},
    {"1.8L", YW_R_OK, 1800, NULL},
    {"1.8l", YW_R_OK, 1800, NULL},
    {"1.8升", YW_R_OK, 1800, NULL},
    {"2.0T", YW_R_OK, 2000, NULL},
    {"2.0 T", YW_R_OK, 2000, NULL},
    {"1.8", YW_R_OK, 1800, NULL},
    {"1.798", YW_R_OK, 1798, NULL},
    {"19.99", YW_R_OK, 19990, NULL},
    {"20", YW_R_OK, 20, NULL},
    {"0", YW_R_OK, 0, NULL},
    {"0.5", YW_R_OK, 500, NULL},
    {"1.2e1", YW_R_OK, 12000, NULL},
    {"1498.5", YW_R_OK, 1499, NULL},
    {"１．５Ｌ", YW_R_OK, 1500, NULL},
    {"100L", YW_R_OK, 100000, NULL},
    {"100.001L", YW_R_NUMBER_RANGE, 0, "over 100 L"},
    {"1.5TSI", YW_R_UNIT_UNKNOWN, 0, "unit 'TSI' not known for volume"},
    {"1.5kg", YW_R_UNIT_UNKNOWN, 0, NULL},
};

static const quantity_case_t s_distance_cases[] = {
    {"12345", YW_R_OK, 12345, NULL},
    {"12,345公里", YW_R_OK, 12345, NULL},
    {"12345km", YW_R_OK, 12345, NULL},
    {"12345 KM", YW_R_OK, 12345, NULL},
    {"12345千米", YW_R_OK, 12345, NULL},
    {"1.23万公里", YW_R_OK, 12300, NULL},
    {"1.23万km", YW_R_OK, 12300, NULL},
    {"12345.5", YW_R_OK, 12346, NULL},
    {"12345.49", YW_R_OK, 12345, NULL},
    {"10000000", YW_R_OK, 10000000, NULL},
    {"10000001", YW_R_NUMBER_RANGE, 0, "over 10^7 km"},
    {"12345里", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"12345m", YW_R_UNIT_UNKNOWN, 0, NULL},
};

static const quantity_case_t s_count_cases[] = {
    {"12", YW_R_OK, 12, NULL},
    {"12人", YW_R_OK, 12, NULL},
    {"1,200", YW_R_OK, 1200, NULL},
    {"3次", YW_R_OK, 3, NULL},
    {"3个", YW_R_OK, 3, NULL},
    {"12层", YW_R_OK, 12, NULL},
    {"2餐", YW_R_OK, 2, NULL},
    {"2晚", YW_R_OK, 2, NULL},
    {"5名", YW_R_OK, 5, NULL},
    {"5 人", YW_R_OK, 5, NULL},
    {"１２人", YW_R_OK, 12, NULL},
    {"12.0", YW_R_OK, 12, NULL},
    {"0", YW_R_OK, 0, NULL},
    {"12.5", YW_R_NUMBER_FORMAT, 0, "not a whole number"},
    {"12.5人", YW_R_NUMBER_FORMAT, 0, NULL},
    {"0.1", YW_R_NUMBER_FORMAT, 0, NULL},
    {"1000000000", YW_R_OK, 1000000000, NULL},
    {"1000000001", YW_R_NUMBER_RANGE, 0, "over 10^9"},
    {"-1", YW_R_NUMBER_RANGE, 0, "negative"},
    {"12斤", YW_R_UNIT_UNKNOWN, 0, "unit '斤' not known for count"},
    {"12元", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"twelve", YW_R_NUMBER_FORMAT, 0, NULL},
};

static const quantity_case_t s_coord_cases[] = {
    {"117.0009", YW_R_OK, 1170009000, NULL},
    {"117.0009°", YW_R_OK, 1170009000, NULL},
    {"117.0009度", YW_R_OK, 1170009000, NULL},
    {"36.6512345", YW_R_OK, 366512345, NULL},
    {"36.65123455", YW_R_OK, 366512346, NULL}, /* half up */
    {"36.651234549", YW_R_OK, 366512345, NULL},
    {"-36.65123455", YW_R_OK, -366512346, NULL}, /* half away from zero */
    {"−117.5", YW_R_OK, -1175000000, NULL},
    {"E117.5", YW_R_OK, 1175000000, NULL},
    {"117.5E", YW_R_OK, 1175000000, NULL},
    {"117.5°E", YW_R_OK, 1175000000, NULL},
    {"117.5° E", YW_R_OK, 1175000000, NULL},
    {"W117.5", YW_R_OK, -1175000000, NULL},
    {"117.5W", YW_R_OK, -1175000000, NULL},
    {"36.5°N", YW_R_OK, 365000000, NULL},
    {"36.5S", YW_R_OK, -365000000, NULL},
    {"东经117.5", YW_R_OK, 1175000000, NULL},
    {"北纬 36.5°", YW_R_OK, 365000000, NULL},
    {"西经 117.5", YW_R_OK, -1175000000, NULL},
    {"南纬36.5", YW_R_OK, -365000000, NULL},
    {"１１７．０００９", YW_R_OK, 1170009000, NULL},
    {"180", YW_R_OK, 1800000000, NULL},
    {"-180", YW_R_OK, -1800000000, NULL},
    {"0", YW_R_OK, 0, NULL},
    {"180.0000001", YW_R_COORD_RANGE, 0, "over 180"},
    {"-181", YW_R_COORD_RANGE, 0, NULL},
    {"1e300", YW_R_COORD_RANGE, 0, NULL},
    {"-117.5W", YW_R_NUMBER_FORMAT, 0, "both a sign and a hemisphere"},
    {"117°0'3\"", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"117.5 X", YW_R_UNIT_UNKNOWN, 0, NULL},
    {"E", YW_R_NUMBER_FORMAT, 0, NULL},
    {"N/A", YW_R_NUMBER_FORMAT, 0, NULL},
};

static void
s_run_quantity_cases (const char *name, quantity_fn_t fn, const quantity_case_t *cases,
                      size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const quantity_case_t *c = &cases[i];
        int64_t value = -1;
        char detail[YW_NORM_DETAIL] = "";
        int rc = fn (c->in, strlen (c->in), &value, detail);
        if (rc != c->rc || value != (rc == YW_R_OK ? c->value : 0) ||
            (rc != YW_R_OK && c->detail && strcmp (detail, c->detail) != 0)) {
            print_error ("%s case %zu \"%s\": rc %d (want %d), value %lld (want %lld), "
                         "detail \"%s\"\n",
                         name, i, c->in, rc, c->rc, (long long)value, (long long)c->value,
                         detail);
            fail ();
        }
        if (rc != YW_R_OK)
            assert_true (strlen (detail) > 0);
        assert_int_equal (fn (c->in, strlen (c->in), &value, NULL), c->rc);
    }
}

#define RUN_QUANTITIES(name, fn, cases)                                                    \
    s_run_quantity_cases (name, fn, cases, sizeof cases / sizeof *cases)

static void
test_money_cases (void **state)
{
    RUN_QUANTITIES ("money", codebook_norm_money, s_money_cases);
}

static void
test_area_cases (void **state)
{
    RUN_QUANTITIES ("area", codebook_norm_area, s_area_cases);
}

static void
test_volume_cases (void **state)
{
    RUN_QUANTITIES ("volume", codebook_norm_volume, s_volume_cases);
}

static void
test_distance_cases (void **state)
{
    RUN_QUANTITIES ("distance", codebook_norm_distance, s_distance_cases);
}

static void
test_count_cases (void **state)
{
    RUN_QUANTITIES ("count", codebook_norm_count, s_count_cases);
}

static void
test_coord_cases (void **state)
{
    RUN_QUANTITIES ("coord", codebook_norm_coord, s_coord_cases);
}

/* Every amount of fen from 0 to 10^6, written as yuan, comes back exactly;
   and every tenth of a 亩 up to 10,000 matches the rational formula. */
static void
test_quantities_exact (void **state)
{
    for (int64_t fen = 0; fen <= 1000000; fen += 7) {
        char text[32];
        snprintf (text, sizeof text, "%lld.%02lld", (long long)(fen / 100),
                  (long long)(fen % 100));
        int64_t value = -1;
        assert_int_equal (codebook_norm_money (text, strlen (text), &value, NULL), YW_R_OK);
        assert_int_equal (value, fen);
    }
    for (int64_t tenths = 0; tenths <= 100000; tenths++) {
        char text[32];
        snprintf (text, sizeof text, "%lld.%lld亩", (long long)(tenths / 10),
                  (long long)(tenths % 10));
        int64_t value = -1;
        assert_int_equal (codebook_norm_area (text, strlen (text), &value, NULL), YW_R_OK);
        /* tenths/10 x 2000/3 m2 x 100 = tenths x 20000/3, half up */
        int64_t expected = (tenths * 20000 * 2 + 3) / 6;
        assert_int_equal (value, expected);
    }
}

/* --- enumerations -------------------------------------------------------- */

static void
test_enum (void **state)
{
    codebook_t *codebook = codebook_new ();
    assert_non_null (codebook);
    const char *code = NULL;
    char detail[YW_NORM_DETAIL];
    /* Whatever the first code of a table is, its NFKC variants with spaces
       around find it */
    const char *tables[] = {"vehicle_category", "vehicle_status", "energy_type"};
    int checked = 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        if (!codebook_has_enum (codebook, tables[t]))
            continue;
        const char *first = codebook_enum_code_at (codebook, tables[t], 0);
        assert_non_null (first);
        const char *name = codebook_enum_name (codebook, tables[t], first);
        assert_non_null (name);
        char padded[256];
        snprintf (padded, sizeof padded, "\xE3\x80\x80 %s\t", name);
        assert_int_equal (codebook_norm_enum (codebook, tables[t], padded, strlen (padded),
                                              &code, detail),
                          YW_R_OK);
        assert_string_equal (code, first);
        assert_int_equal (
            codebook_norm_enum (codebook, tables[t], first, strlen (first), &code, NULL),
            YW_R_OK);
        assert_string_equal (code, first);
        assert_int_equal (
            codebook_norm_enum (codebook, tables[t], "没有这个值", 15, &code, detail),
            YW_R_ENUM_UNKNOWN);
        assert_null (code);
        assert_true (strstr (detail, tables[t]) != NULL);
        assert_int_equal (codebook_norm_enum (codebook, tables[t], "  ", 2, &code, detail),
                          YW_R_MISSING);
        assert_int_equal (
            codebook_norm_enum (codebook, tables[t], "\xFF", 1, &code, detail),
            YW_R_BAD_ENCODING);
        checked++;
    }
    assert_true (checked > 0);
    if (codebook_has_enum (codebook, "vehicle_category")) {
        /* DESIGN 3.1: synonyms land on the standard code */
        const char *standard =
            codebook_enum_lookup (codebook, "vehicle_category", "执法执勤用车");
        const char *synonym = NULL;
        if (standard && codebook_norm_enum (codebook, "vehicle_category", " 执法车 ", 11,
                                            &synonym, NULL) == YW_R_OK)
            assert_string_equal (synonym, standard);
    }
    assert_int_equal (codebook_norm_enum (codebook, "no_such_table", "x", 1, &code, detail),
                      YW_R_ENUM_UNKNOWN);
    codebook_destroy (&codebook);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_text_cases),
        cmocka_unit_test (test_code_cases),
        cmocka_unit_test (test_plate_cases),
        cmocka_unit_test (test_plate_validates),
        cmocka_unit_test (test_plate_every_size),
        cmocka_unit_test (test_text_every_size),
        cmocka_unit_test (test_text_every_code_point),
        cmocka_unit_test (test_text_every_composition),
        cmocka_unit_test (test_text_long_runs),
        cmocka_unit_test (test_date_cases),
        cmocka_unit_test (test_year_cases),
        cmocka_unit_test (test_date_excel_serials),
        cmocka_unit_test (test_money_cases),
        cmocka_unit_test (test_area_cases),
        cmocka_unit_test (test_volume_cases),
        cmocka_unit_test (test_distance_cases),
        cmocka_unit_test (test_count_cases),
        cmocka_unit_test (test_coord_cases),
        cmocka_unit_test (test_quantities_exact),
        cmocka_unit_test (test_enum),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
