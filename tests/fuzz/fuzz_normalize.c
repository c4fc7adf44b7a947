/*  fuzz_normalize.c - libFuzzer target for the normalizers.

    The first byte chooses the output size for text and codes (so that
    truncation is exercised); the rest is the value, handed to every
    normalizer as exactly that many bytes, not NUL-terminated, so ASan sees
    any read past it. Checks:
    - every result is a reason the function may return, with a detail that
      is NUL-terminated, valid UTF-8 and not empty on failure;
    - text and codes: nothing written past the output size; an OK output is
      valid UTF-8, trimmed, without runs of spaces (codes: without spaces or
      lower-case ASCII), equal to utf8proc's own NFKC folded the same way,
      and normalizing it again gives it back; a smaller buffer gives the same
      answer or YW_R_TOO_LONG, exactly when the value does not fit;
    - plates: codebook_norm_code's reason and detail, at any output size
      (the separators go after the code is written); an OK output is
      NUL-terminated within the buffer and is the code's output less exactly
      the separators that stand alone between two plate characters, and
      normalizing it again gives it back;
    - BAD_ENCODING exactly when utf8proc finds the bytes invalid (or a NUL);
    - numbers and dates: an OK value lies in its range and, written back in
      its base unit, reads as the same value; normalizing the text first
      changes nothing.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "codebook.h"
#include "normalize.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_normalize: %s failed at line %d\n", #condition,         \
                     __LINE__);                                                            \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

#define BIG 16384 /* output that always fits an input of up to BIG / 18 bytes */

/* Valid UTF-8 (utf8proc's reading) without NUL bytes. */
static bool
s_valid (const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate ((const utf8proc_uint8_t *)text + i,
                                               (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0 || cp <= 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

static void
s_check_detail (int rc, const char *detail)
{
    const char *end = memchr (detail, '\0', YW_NORM_DETAIL);
    CHECK (end != NULL);
    CHECK (s_valid (detail, (size_t)(end - detail)));
    if (rc != YW_R_OK)
        CHECK (end > detail);
}

static bool
s_is_space (int32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* The text normalizer's answer from utf8proc's allocating NFKC (codes: NFKD
   without white space, ASCII upper-cased, then NFKC). Caller frees. */
static char *
s_reference (const char *in, size_t len, bool code)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_option_t options = UTF8PROC_STABLE | UTF8PROC_COMPAT;
    options |= code ? UTF8PROC_DECOMPOSE : UTF8PROC_COMPOSE;
    utf8proc_ssize_t n = utf8proc_map ((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len,
                                       &mapped, options);
    CHECK (n >= 0);
    char *out = malloc ((size_t)n + 1);
    CHECK (out);
    size_t o = 0;
    bool space = false;
    utf8proc_ssize_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        i += utf8proc_iterate (mapped + i, n - i, &cp);
        if (s_is_space (cp)) {
            space = !code && o > 0;
            continue;
        }
        if (code && cp >= 'a' && cp <= 'z')
            cp -= 'a' - 'A';
        if (space)
            out[o++] = ' ';
        space = false;
        o += (size_t)utf8proc_encode_char (cp, (utf8proc_uint8_t *)out + o);
    }
    out[o] = '\0';
    free (mapped);
    if (code) {
        utf8proc_uint8_t *composed = NULL;
        CHECK (utf8proc_map ((const utf8proc_uint8_t *)out, (utf8proc_ssize_t)o, &composed,
                             UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE) >= 0);
        free (out);
        out = (char *)composed;
    }
    return out;
}

typedef int (*text_fn_t) (const char *, size_t, char *, size_t, char *);

static void
s_check_text (text_fn_t fn, bool code, const char *in, size_t len, size_t small_size)
{
    static char out[BIG + 1], again[BIG + 1], small[260];
    char detail[YW_NORM_DETAIL];
    memset (detail, 'Z', sizeof detail);
    int rc = fn (in, len, out, BIG, detail);
    CHECK (rc == YW_R_OK || rc == YW_R_MISSING || rc == YW_R_BAD_ENCODING ||
           rc == YW_R_TOO_LONG);
    s_check_detail (rc, detail);
    CHECK ((rc == YW_R_BAD_ENCODING) == !s_valid (in, len));
    if (rc == YW_R_TOO_LONG) /* only a run of combining marks does that here */
        CHECK (strstr (detail, "combining") != NULL);
    if (rc == YW_R_OK) {
        size_t n = strlen (out);
        CHECK (n > 0 && n < BIG);
        CHECK (s_valid (out, n));
        CHECK (out[0] != ' ' && out[n - 1] != ' ' && !strstr (out, "  "));
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)out[i];
            CHECK (c >= 0x20 || c < '\t' || c > '\r');
            if (code)
                CHECK (c != ' ' && !(c >= 'a' && c <= 'z'));
        }
        /* Idempotent */
        CHECK (fn (out, n, again, BIG, NULL) == YW_R_OK);
        CHECK (strcmp (out, again) == 0);
        /* As utf8proc's NFKC */
        char *expected = s_reference (in, len, code);
        CHECK (strcmp (out, expected) == 0);
        free (expected);
    }
    if (rc == YW_R_MISSING) {
        char *expected = s_reference (in, len, code);
        CHECK (expected[0] == '\0');
        free (expected);
    }
    /* A smaller buffer: the same, or too long exactly when it does not fit */
    memset (small, 'Z', sizeof small);
    char small_detail[YW_NORM_DETAIL];
    int small_rc = fn (in, len, small_size ? small : NULL, small_size, small_detail);
    CHECK (small[small_size] == 'Z');
    s_check_detail (small_rc, small_detail);
    if ((rc == YW_R_OK && strlen (out) >= small_size) || rc == YW_R_TOO_LONG)
        CHECK (small_rc == YW_R_TOO_LONG);
    else if (rc == YW_R_MISSING && small_size == 0)
        CHECK (small_rc == YW_R_TOO_LONG);
    else {
        CHECK (small_rc == rc);
        if (rc == YW_R_OK)
            CHECK (strcmp (small, out) == 0);
        else
            CHECK (strcmp (small_detail, detail) == 0);
    }
    if (small_rc != YW_R_OK && small_size)
        CHECK (small[0] == '\0');
}

/* normalize.h's plate separators (after NFKC) and plate characters */
static bool
s_is_plate_separator (int32_t cp)
{
    return cp == '-' || cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB;
}

static bool
s_is_plate_char (int32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 'a' && cp <= 'z') || (cp >= 0x4E00 && cp <= 0x9FFF);
}

/* codebook_norm_code, which s_check_text has checked, is the reference */
static void
s_check_plate (const char *in, size_t len, size_t small_size)
{
    static char code[BIG + 1], out[BIG + 1], again[BIG + 1], small[260], code_small[260];
    char code_detail[YW_NORM_DETAIL], detail[YW_NORM_DETAIL];
    int code_rc = codebook_norm_code (in, len, code, BIG, code_detail);
    memset (out, 'Z', sizeof out);
    memset (detail, 'Z', sizeof detail);
    int rc = codebook_norm_plate (in, len, out, BIG, detail);
    s_check_detail (rc, detail);
    CHECK (rc == code_rc);
    if (rc != YW_R_OK)
        CHECK (strcmp (detail, code_detail) == 0);
    else {
        CHECK (memchr (out, '\0', BIG) != NULL);
        /* Walk the code's output: each character is in the plate's, in order,
           unless it is a separator between two plate characters as written */
        size_t n = strlen (code), o = 0, i = 0;
        int32_t previous = 0;
        while (i < n) {
            int32_t cp, next = 0;
            utf8proc_ssize_t size = utf8proc_iterate ((const utf8proc_uint8_t *)code + i,
                                                      (utf8proc_ssize_t)(n - i), &cp);
            CHECK (size > 0);
            if (i + (size_t)size < n)
                utf8proc_iterate ((const utf8proc_uint8_t *)code + i + size,
                                  (utf8proc_ssize_t)(n - i - (size_t)size), &next);
            if (!(s_is_plate_separator (cp) && s_is_plate_char (previous) &&
                  s_is_plate_char (next))) {
                CHECK (memcmp (out + o, code + i, (size_t)size) == 0);
                o += (size_t)size;
            }
            previous = cp;
            i += (size_t)size;
        }
        CHECK (out[o] == '\0');
        /* Idempotent */
        CHECK (codebook_norm_plate (out, o, again, BIG, NULL) == YW_R_OK);
        CHECK (strcmp (out, again) == 0);
    }
    /* A smaller buffer: TOO_LONG exactly when the code's output does not fit */
    memset (small, 'Z', sizeof small);
    char small_detail[YW_NORM_DETAIL];
    int small_rc =
        codebook_norm_plate (in, len, small_size ? small : NULL, small_size, small_detail);
    CHECK (small[small_size] == 'Z');
    s_check_detail (small_rc, small_detail);
    CHECK (small_rc ==
           codebook_norm_code (in, len, small_size ? code_small : NULL, small_size, NULL));
    if (small_rc == YW_R_OK) {
        CHECK (memchr (small, '\0', small_size) != NULL);
        CHECK (strcmp (small, out) == 0);
    }
    else if (small_size)
        CHECK (small[0] == '\0');
}

typedef int (*quantity_fn_t) (const char *, size_t, int64_t *, char *);

/* Writes value (in the base unit, `decimals` implied decimals) as text. */
static void
s_format (char *text, size_t size, int64_t value, int decimals, const char *unit)
{
    const char *sign = value < 0 ? "-" : "";
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (decimals)
        snprintf (text, size, "%s%llu.%0*llu%s", sign,
                  (unsigned long long)(magnitude / scale), decimals,
                  (unsigned long long)(magnitude % scale), unit);
    else
        snprintf (text, size, "%s%llu%s", sign, (unsigned long long)magnitude, unit);
}

static void
s_check_quantity (quantity_fn_t fn, const char *in, size_t len, int64_t min, int64_t max,
                  int decimals, const char *unit)
{
    int64_t value = -1;
    char detail[YW_NORM_DETAIL];
    memset (detail, 'Z', sizeof detail);
    int rc = fn (in, len, &value, detail);
    CHECK (rc == YW_R_OK || rc == YW_R_MISSING || rc == YW_R_BAD_ENCODING ||
           rc == YW_R_TOO_LONG || rc == YW_R_NUMBER_FORMAT || rc == YW_R_NUMBER_RANGE ||
           rc == YW_R_UNIT_UNKNOWN || rc == YW_R_COORD_RANGE);
    s_check_detail (rc, detail);
    CHECK ((rc == YW_R_BAD_ENCODING) == !s_valid (in, len));
    if (rc != YW_R_OK) {
        CHECK (value == 0);
        return;
    }
    CHECK (value >= min && value <= max);
    char text[64];
    s_format (text, sizeof text, value, decimals, unit);
    int64_t again = -1;
    CHECK (fn (text, strlen (text), &again, NULL) == YW_R_OK);
    CHECK (again == value);
    /* Text normalization first changes nothing */
    static char normal[BIG + 1];
    if (codebook_norm_text (in, len, normal, sizeof normal, NULL) == YW_R_OK) {
        CHECK (fn (normal, strlen (normal), &again, NULL) == YW_R_OK);
        CHECK (again == value);
    }
}

typedef int (*date_fn_t) (const char *, size_t, int32_t *, char *);

static void
s_check_date (date_fn_t fn, const char *in, size_t len, bool year)
{
    int32_t value = -1;
    char detail[YW_NORM_DETAIL];
    memset (detail, 'Z', sizeof detail);
    int rc = fn (in, len, &value, detail);
    CHECK (rc == YW_R_OK || rc == YW_R_MISSING || rc == YW_R_BAD_ENCODING ||
           rc == YW_R_TOO_LONG || rc == YW_R_DATE_FORMAT || rc == YW_R_DATE_RANGE);
    s_check_detail (rc, detail);
    CHECK ((rc == YW_R_BAD_ENCODING) == !s_valid (in, len));
    if (rc != YW_R_OK) {
        CHECK (value == 0);
        return;
    }
    char text[32];
    if (year) {
        CHECK (value >= 1900 && value <= 2100);
        snprintf (text, sizeof text, "%d", value);
    }
    else {
        CHECK (value >= 19000101 && value <= 21001231);
        int month = value / 100 % 100, day = value % 100;
        CHECK (month >= 1 && month <= 12 && day >= 1 && day <= 31);
        snprintf (text, sizeof text, "%04d-%02d-%02d", value / 10000, month, day);
    }
    int32_t again = -1;
    CHECK (fn (text, strlen (text), &again, NULL) == YW_R_OK);
    CHECK (again == value);
}

static void
s_check_enum (const codebook_t *codebook, const char *in, size_t len)
{
    const char *tables[] = {"vehicle_category", "vehicle_status", "energy_type"};
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        const char *code = (const char *)1;
        char detail[YW_NORM_DETAIL];
        memset (detail, 'Z', sizeof detail);
        int rc = codebook_norm_enum (codebook, tables[t], in, len, &code, detail);
        CHECK (rc == YW_R_OK || rc == YW_R_MISSING || rc == YW_R_BAD_ENCODING ||
               rc == YW_R_TOO_LONG || rc == YW_R_ENUM_UNKNOWN);
        s_check_detail (rc, detail);
        CHECK ((rc == YW_R_OK) == (code != NULL));
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static codebook_t *codebook = NULL;
    if (!codebook)
        codebook = codebook_new ();
    if (size == 0 || size > BIG / 18)
        return 0;
    size_t small_size = data[0];
    size_t len = size - 1;
    /* An exact copy, so that a read past the end is caught */
    char *in = malloc (len ? len : 1);
    CHECK (in);
    memcpy (in, data + 1, len);

    s_check_text (codebook_norm_text, false, in, len, small_size);
    s_check_text (codebook_norm_code, true, in, len, small_size);
    s_check_plate (in, len, small_size);
    s_check_date (codebook_norm_date, in, len, false);
    s_check_date (codebook_norm_year, in, len, true);
    s_check_quantity (codebook_norm_count, in, len, 0, 1000000000, 0, "");
    s_check_quantity (codebook_norm_money, in, len, 0, 100000000000000, 2, "");
    s_check_quantity (codebook_norm_area, in, len, 0, 10000000000, 2, "");
    s_check_quantity (codebook_norm_volume, in, len, 0, 100000, 0, "ml");
    s_check_quantity (codebook_norm_distance, in, len, 0, 10000000, 0, "");
    s_check_quantity (codebook_norm_coord, in, len, -1800000000, 1800000000, 7, "");
    if (codebook)
        s_check_enum (codebook, in, len);
    free (in);
    return 0;
}
