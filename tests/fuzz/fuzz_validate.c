/*  fuzz_validate.c - libFuzzer target for the validators, object codes and
    reason messages.

    The input, cut at its first NUL, goes to every validator, to
    codebook_objcode_valid () and, as value, field and detail, to
    yw_reason_format () into a heap buffer of exactly the size the first byte
    picks (so ASan sees any write past it). The raw bytes are also the key of
    an object code. Each result is checked against the contract: reasons from
    the documented set, an `expected` character that really repairs the
    value, messages that are NUL-terminated valid UTF-8 without tab or line
    break, object codes that are valid and lose validity at any substitution.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objcode.h"
#include "reason.h"
#include "validate.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_validate: %s failed at line %d\n", #condition,          \
                     __LINE__);                                                            \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

static const char s_crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static bool
s_utf8_valid (const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t len = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (*p < 0x80)
            len = 1;
        else if (*p >= 0xC2 && *p <= 0xDF)
            len = 2;
        else if (*p >= 0xE0 && *p <= 0xEF) {
            len = 3;
            low = *p == 0xE0 ? 0xA0 : 0x80;
            high = *p == 0xED ? 0x9F : 0xBF;
        }
        else if (*p >= 0xF0 && *p <= 0xF4) {
            len = 4;
            low = *p == 0xF0 ? 0x90 : 0x80;
            high = *p == 0xF4 ? 0x8F : 0xBF;
        }
        else
            return false;
        if (len > 1 && (p[1] < low || p[1] > high))
            return false;
        for (size_t i = 2; i < len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

static void
s_uscc (char *text)
{
    char expected[2] = "?";
    yw_reason_t reason = codebook_uscc_validate (text, expected);
    size_t len = strlen (text);
    switch (reason) {
        case YW_R_OK:
            CHECK (len == 18 && expected[0] == '\0');
            CHECK (codebook_uscc_check_char (text) == text[17]);
            break;
        case YW_R_USCC_CHECK: {
            CHECK (len == 18 && expected[0] && expected[1] == '\0');
            CHECK (expected[0] != text[17]);
            CHECK (expected[0] == codebook_uscc_check_char (text));
            char saved = text[17];
            text[17] = expected[0];
            CHECK (codebook_uscc_validate (text, NULL) == YW_R_OK);
            text[17] = saved;
            break;
        }
        case YW_R_USCC_ORG_CHECK: {
            CHECK (len == 18 && expected[1] == '\0');
            CHECK (expected[0] && strchr ("0123456789X", expected[0]));
            CHECK (expected[0] != text[16]);
            char saved = text[16];
            text[16] = expected[0];
            yw_reason_t repaired = codebook_uscc_validate (text, NULL);
            CHECK (repaired == YW_R_OK || repaired == YW_R_USCC_CHECK);
            text[16] = saved;
            break;
        }
        case YW_R_USCC_LENGTH:
        case YW_R_USCC_CHARSET: CHECK (expected[0] == '\0'); break;
        default: CHECK (!"USCC reason outside the contract");
    }
    char check = codebook_uscc_check_char (text);
    CHECK (check == 0 || strchr ("0123456789ABCDEFGHJKLMNPQRTUWXY", check));
}

static void
s_vin (char *text)
{
    char expected[2] = "?";
    yw_reason_t reason = codebook_vin_validate (text, expected);
    size_t len = strlen (text);
    switch (reason) {
        case YW_R_OK:
            CHECK (len == 17 && expected[0] == '\0');
            CHECK (codebook_vin_check_char (text) == text[8]);
            break;
        case YW_R_VIN_CHECK: {
            CHECK (len == 17 && expected[1] == '\0');
            CHECK (expected[0] && strchr ("0123456789X", expected[0]));
            CHECK (expected[0] != text[8]);
            char saved = text[8];
            text[8] = expected[0];
            CHECK (codebook_vin_validate (text, NULL) == YW_R_OK);
            text[8] = saved;
            break;
        }
        case YW_R_VIN_LENGTH:
        case YW_R_VIN_CHARSET: CHECK (expected[0] == '\0'); break;
        default: CHECK (!"VIN reason outside the contract");
    }
    char check = codebook_vin_check_char (text);
    CHECK (check == 0 || strchr ("0123456789X", check));
}

static void
s_plate (const char *text)
{
    yw_reason_t reason = codebook_plate_validate (text);
    CHECK (reason == YW_R_OK || reason == YW_R_PLATE_FORMAT ||
           reason == YW_R_PLATE_PROVINCE);
    if (reason == YW_R_OK) {
        size_t len = strlen (text);
        CHECK (len >= 7 && len <= 17 && s_utf8_valid (text));
        for (const char *p = text; *p; p++)
            CHECK (!(*p >= 'a' && *p <= 'z') && *p != ' ');
    }
}

static void
s_objcode (const uint8_t *data, size_t size, const char *text)
{
    if (codebook_objcode_valid (text)) {
        CHECK (strlen (text) == YW_OBJCODE_LEN);
        CHECK (!strncmp (text, "VH", 2) || !strncmp (text, "BD", 2) ||
               !strncmp (text, "RF", 2));
    }
    static const char *const kinds[] = {"vehicle", "office_building", "reception_filing"};
    const char *kind = kinds[size % 3];
    char code[YW_OBJCODE_LEN + 1];
    /* The raw bytes, not NUL-terminated: the key is exactly `size` bytes */
    CHECK (codebook_objcode (kind, (const char *)data, size, code) == 0);
    CHECK (strlen (code) == YW_OBJCODE_LEN && codebook_objcode_valid (code));
    char again[YW_OBJCODE_LEN + 1];
    CHECK (codebook_objcode (kind, (const char *)data, size, again) == 0);
    CHECK (!strcmp (code, again));
    for (int pos = 0; pos < YW_OBJCODE_LEN; pos++) {
        char saved = code[pos];
        for (const char *c = s_crockford; *c; c++) {
            if (*c == saved)
                continue;
            code[pos] = *c;
            CHECK (!codebook_objcode_valid (code));
        }
        code[pos] = saved;
    }
}

static void
s_format (const uint8_t *data, size_t size, const char *text)
{
    /* First byte: buffer size; second: reason (including out-of-range
       values) and which arguments are NULL */
    size_t buffer_size = size > 0 ? data[0] : 64;
    uint8_t pick = size > 1 ? data[1] : 0;
    yw_reason_t reason = (yw_reason_t)((int)(pick % (YW_R_COUNT + 3)) - 1);
    size_t len = strlen (text);
    const char *value = pick & 0x20 ? NULL : text;
    const char *field = pick & 0x40 ? NULL : text + len / 2;
    const char *detail = pick & 0x80 ? NULL : text + len / 3;

    char *buffer = malloc (buffer_size ? buffer_size : 1);
    CHECK (buffer);
    buffer[0] = 'x';
    char *result = yw_reason_format (reason, field, value, detail, buffer, buffer_size);
    CHECK (result == buffer);
    if (buffer_size == 0)
        CHECK (buffer[0] == 'x');
    else {
        size_t out = strnlen (buffer, buffer_size);
        CHECK (out < buffer_size);
        CHECK (s_utf8_valid (buffer));
        CHECK (!strchr (buffer, '\t') && !strchr (buffer, '\n') && !strchr (buffer, '\r'));
    }
    free (buffer);

    yw_reason_t parsed = yw_reason_parse (text);
    CHECK (parsed == YW_R_COUNT || !strcmp (yw_reason_code (parsed), text));
    CHECK (yw_reason_text_en (reason) && yw_reason_text_zh (reason));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = malloc (size + 1);
    CHECK (text);
    memcpy (text, data, size);
    text[size] = '\0';

    s_uscc (text);
    s_vin (text);
    s_plate (text);
    s_objcode (data, size, text);
    s_format (data, size, text);
    /* The same text without its first two bytes, which s_format used as
       parameters: most inputs are meant as values there */
    if (size > 2) {
        s_uscc (text + 2);
        s_vin (text + 2);
        s_plate (text + 2);
        s_format (data, size, text + 2);
    }
    free (text);
    return 0;
}
