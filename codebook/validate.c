/*  validate.c - validators of the coding standard (DESIGN 3.2).

    A code of the right length in bytes has every byte checked. Otherwise its
    characters (UTF-8 lead bytes) are counted, so that a value with one stray
    Chinese character is a charset error, not a length error. Every loop
    stops at the NUL, so a short or cut value is never read past.
*/
#include "validate.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define S_USCC_LEN 18
#define S_VIN_LEN 17

/* Characters of text (UTF-8 lead bytes, or stray bytes) */
static size_t
s_chars (const char *text)
{
    size_t count = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        count += (*p & 0xC0) != 0x80;
    return count;
}

/* 0 if text is `len` bytes long, else the reason: a charset error if it has
   `len` characters, some of them not ASCII, else a length error */
static yw_reason_t
s_length (const char *text, size_t len, yw_reason_t length, yw_reason_t charset)
{
    if (!text)
        return length;
    if (strlen (text) == len)
        return YW_R_OK;
    return s_chars (text) == len ? charset : length;
}

static void
s_expect (char *expected, char check)
{
    if (expected) {
        expected[0] = check;
        expected[1] = '\0';
    }
}

/* --- USCC (GB 32100-2015) ------------------------------------------------ */

/* 0-9 A-Z without I O Z S V: the character of each value 0..30 */
static const char s_uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const int s_uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};

/* GB 11714 weights of the 8 characters before the organisation code's check */
static const int s_org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* Value 0..30 of a USCC character, or -1 */
static int
s_uscc_value (char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'H')
        return c - 'A' + 10;
    if (c >= 'J' && c <= 'N')
        return c - 'J' + 18;
    if (c >= 'P' && c <= 'R')
        return c - 'P' + 23;
    if (c == 'T' || c == 'U')
        return c - 'T' + 26;
    if (c >= 'W' && c <= 'Y')
        return c - 'W' + 28;
    return -1;
}

char
codebook_uscc_check_char (const char *text17)
{
    if (!text17)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int value = s_uscc_value (text17[i]); /* -1 at the NUL of a short text */
        if (value < 0)
            return 0;
        sum += value * s_uscc_weights[i];
    }
    return s_uscc_chars[(31 - sum % 31) % 31];
}

/* GB 11714 check of the 8-character organisation code body: digits are their
   value, letters A=10 .. Z=35. */
static char
s_org_check_char (const char *body8)
{
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = body8[i];
        int value = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
        sum += value * s_org_weights[i];
    }
    int check = 11 - sum % 11;
    return check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
}

yw_reason_t
codebook_uscc_validate (const char *text, char *expected)
{
    s_expect (expected, '\0');
    yw_reason_t reason = s_length (text, S_USCC_LEN, YW_R_USCC_LENGTH, YW_R_USCC_CHARSET);
    if (reason)
        return reason;
    for (int i = 0; i < S_USCC_LEN; i++)
        if (s_uscc_value (text[i]) < 0)
            return YW_R_USCC_CHARSET;
    /* The organisation code first: a typo in positions 9-16 breaks both
       checks, and the organisation code's own check says where it is. */
    char org = s_org_check_char (text + 8);
    if (text[16] != org) {
        s_expect (expected, org);
        return YW_R_USCC_ORG_CHECK;
    }
    char check = codebook_uscc_check_char (text);
    if (text[17] != check) {
        s_expect (expected, check);
        return YW_R_USCC_CHECK;
    }
    return YW_R_OK;
}

/* --- VIN (ISO 3779 / GB 16735) ------------------------------------------- */

static const int s_vin_weights[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

/* Transliterated value of a VIN character (ISO 3779), or -1 for anything
   outside 0-9 A-Z without I O Q. */
static int
s_vin_value (char c)
{
    /* A..Z; I, O and Q are not VIN characters */
    static const signed char letters[26] = {1, 2,  3, 4,  5, 6, 7, 8, -1, 1, 2, 3, 4,
                                            5, -1, 7, -1, 9, 2, 3, 4, 5,  6, 7, 8, 9};
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return letters[c - 'A'];
    return -1;
}

char
codebook_vin_check_char (const char *vin17)
{
    if (!vin17)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (i == 8) {
            if (!vin17[i]) /* too short */
                return 0;
            continue;
        }
        int value = s_vin_value (vin17[i]);
        if (value < 0)
            return 0;
        sum += value * s_vin_weights[i];
    }
    int check = sum % 11;
    return check == 10 ? 'X' : (char)('0' + check);
}

yw_reason_t
codebook_vin_validate (const char *text, char *expected)
{
    s_expect (expected, '\0');
    yw_reason_t reason = s_length (text, S_VIN_LEN, YW_R_VIN_LENGTH, YW_R_VIN_CHARSET);
    if (reason)
        return reason;
    for (int i = 0; i < S_VIN_LEN; i++)
        if (s_vin_value (text[i]) < 0)
            return YW_R_VIN_CHARSET;
    char check = codebook_vin_check_char (text);
    if (text[8] != check) {
        s_expect (expected, check);
        return YW_R_VIN_CHECK;
    }
    return YW_R_OK;
}

/* --- Plates (GA 36-2018) -------------------------------------------------- */

/* Province abbreviations, 3 UTF-8 bytes each */
static const char s_provinces[] =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

#define S_CJK_LEN 3 /* bytes of a BMP Chinese character in UTF-8 */

/* Letters of a plate serial: A-Z without I and O */
static bool
s_plate_letter (char c)
{
    return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

static bool
s_digit (char c)
{
    return c >= '0' && c <= '9';
}

static bool
s_plate_alnum (char c)
{
    return s_digit (c) || s_plate_letter (c);
}

static bool
s_province (const char *p)
{
    if (!p[0] || !p[1] || !p[2])
        return false;
    for (size_t i = 0; i + S_CJK_LEN < sizeof s_provinces; i += S_CJK_LEN)
        if (!memcmp (p, s_provinces + i, S_CJK_LEN))
            return true;
    return false;
}

/* True if p starts with the UTF-8 text word */
static bool
s_starts (const char *p, const char *word)
{
    return !strncmp (p, word, strlen (word));
}

/* True if p starts with a character of the CJK Unified Ideographs block
   (U+4E00..U+9FFF: lead byte E4..E9 and two continuation bytes) */
static bool
s_chinese (const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return u[0] >= 0xE4 && u[0] <= 0xE9 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80;
}

/* Count of leading characters of p that pass `accept` */
static size_t
s_span (const char *p, bool (*accept) (char))
{
    size_t n = 0;
    while (p[n] && accept (p[n]))
        n++;
    return n;
}

/* Serial of 6 (new-energy): small cars D (pure electric) or F (other), and
   since GA 36-2018 also A B C E / G H J K, first, then a letter or digit,
   then 4 digits; large vehicles 5 digits then D or F. */
static bool
s_new_energy (const char *s)
{
    if (s[0] && strchr ("ABCDEFGHJK", s[0]) && s_plate_alnum (s[1]) &&
        s_span (s + 2, s_digit) == 4)
        return true;
    return s_span (s, s_digit) == 5 && (s[5] == 'D' || s[5] == 'F');
}

/* Armed police (武警, 2012 form): WJ, the province (none at headquarters),
   4 digits and a digit or a service letter (J 警卫, B 边防, T 交通 ...). */
static yw_reason_t
s_plate_armed_police (const char *p)
{
    if (s_province (p))
        p += S_CJK_LEN;
    if (s_span (p, s_digit) >= 4 && s_plate_alnum (p[4]) && p[5] == '\0')
        return YW_R_OK;
    return YW_R_PLATE_FORMAT;
}

yw_reason_t
codebook_plate_validate (const char *text)
{
    if (!text)
        return YW_R_PLATE_FORMAT;
    const char *p = text;
    if (p[0] == 'W' && p[1] == 'J')
        return s_plate_armed_police (p + 2);
    if (!s_province (p)) {
        /* Whole-plate foreign forms (使 embassy, 领 consulate) are not a province
           typo; any other Chinese character in front is. */
        if (s_starts (p, "使") || s_starts (p, "领") || !s_chinese (p))
            return YW_R_PLATE_FORMAT;
        return YW_R_PLATE_PROVINCE;
    }
    p += S_CJK_LEN;
    size_t len = strlen (p);

    /* Emergency rescue (应急, 2018): a team letter (X fire rescue, S forest)
       and 4 digits, or 5 digits for the ministry's own vehicles. */
    static const char emergency[] = "应急";
    size_t suffix = sizeof emergency - 1;
    if (len == 5 + suffix && !strcmp (p + 5, emergency)) {
        if ((s_plate_letter (p[0]) || s_digit (p[0])) && s_span (p + 1, s_digit) >= 4)
            return YW_R_OK;
        return YW_R_PLATE_FORMAT;
    }

    /* Issuing-authority letter: A-Z without I. O is the provincial public
       security vehicle office's letter (粤O, 京O ...), which issues plates
       to government units: exactly the vehicles this hub registers. */
    if (!(p[0] >= 'A' && p[0] <= 'Z') || p[0] == 'I')
        return YW_R_PLATE_FORMAT;
    p++;
    size_t serial = s_span (p, s_plate_alnum);
    const char *rest = p + serial;
    if (*rest == '\0') {
        if (serial == 5)
            return YW_R_OK;
        if (serial == 6 && s_new_energy (p))
            return YW_R_OK;
        return YW_R_PLATE_FORMAT;
    }
    /* 4 characters and a suffix: 警 police, 学 driving school, 挂 trailer,
       领 consulate */
    if (serial == 4 && strlen (rest) == S_CJK_LEN &&
        (!strcmp (rest, "警") || !strcmp (rest, "学") || !strcmp (rest, "挂") ||
         !strcmp (rest, "领")))
        return YW_R_OK;
    return YW_R_PLATE_FORMAT;
}
