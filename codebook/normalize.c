/*  normalize.c - the normalizers of the coding standard (DESIGN 3.3).

    All text goes through one engine, s_normalize (). Most of what agencies
    write is ASCII and Chinese, whose NFKC is the identity or a one-to-one
    mapping (full-width ASCII, U+3000), so a fast path copies those directly.
    Only runs of other characters go through utf8proc: decomposed one code
    point at a time into a stack buffer, put in canonical order and recomposed.
    A run starts one character early, at the last character the fast path
    wrote, so that a base letter and the combining marks after it compose
    (e + U+0301 -> é). That is exact because every fast-path character is a
    starter that never composes with what comes before it; test_normalize
    checks this against every composition pair utf8proc knows.

    Numbers are read as decimal digit strings and scaled by integer arithmetic:
    no floating point, so 12.5万元 is exactly 12500000 fen and 3.2亩 is
    213333 (0.01 m2), rounded half up.
*/
#include "normalize.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

/* Decomposed code points of text that needs utf8proc, composed and written
   in pieces (1 KiB of stack). */
#define S_RUN_MAX 256

/* Bytes of a number or date after text normalization. */
#define S_SCRATCH 128

/* Significant decimal digits kept of a number: far more than any result needs
   (at most 18 integer digits plus the 2 that decide rounding). */
#define S_DIGITS_MAX 40

#define S_NFKC (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE)

static void
s_detail (char *detail, const char *format, ...)
{
    if (!detail)
        return;
    va_list args;
    va_start (args, format);
    vsnprintf (detail, YW_NORM_DETAIL, format, args);
    va_end (args);
}

/* --- UTF-8 --------------------------------------------------------------- */

/* Decodes the sequence at p (avail > 0, p[0] >= 0x80) strictly, RFC 3629: no
   overlong forms, surrogates or values above U+10FFFF. Returns its length, or
   0 if it is invalid or cut short. */
static size_t
s_utf8_decode (const unsigned char *p, size_t avail, int32_t *cp)
{
    unsigned char lead = p[0];
    if (lead < 0xC2 || lead > 0xF4)
        return 0;
    if (lead < 0xE0) {
        if (avail < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = (int32_t)(lead & 0x1F) << 6 | (p[1] & 0x3F);
        return 2;
    }
    unsigned char low = 0x80, high = 0xBF; /* range of the second byte */
    if (lead == 0xE0)
        low = 0xA0;
    else if (lead == 0xED)
        high = 0x9F;
    else if (lead == 0xF0)
        low = 0x90;
    else if (lead == 0xF4)
        high = 0x8F;
    if (avail < 2 || p[1] < low || p[1] > high)
        return 0;
    if (lead < 0xF0) {
        if (avail < 3 || (p[2] & 0xC0) != 0x80)
            return 0;
        *cp = (int32_t)(lead & 0x0F) << 12 | (int32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        return 3;
    }
    if (avail < 4 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
        return 0;
    *cp = (int32_t)(lead & 0x07) << 18 | (int32_t)(p[1] & 0x3F) << 12 |
          (int32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    return 4;
}

static size_t
s_utf8_encode (int32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Offset of the first invalid sequence or NUL byte at or after `from`, or
   len if there is none. */
static size_t
s_utf8_check (const unsigned char *p, size_t len, size_t from)
{
    int32_t cp;
    size_t i = from;
    while (i < len) {
        if (p[i] == 0)
            return i;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = s_utf8_decode (p + i, len - i, &cp);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

static int
s_bad_byte (const unsigned char *p, size_t offset, char *detail)
{
    if (p[offset] == 0)
        s_detail (detail, "NUL byte at byte %zu", offset);
    else
        s_detail (detail, "invalid UTF-8 at byte %zu", offset);
    return YW_R_BAD_ENCODING;
}

/* --- character classes --------------------------------------------------- */

/* White space that is folded into one ASCII space: ASCII, NEL, and the
   Unicode spaces (NFKC maps most of these to U+0020 already). */
static bool
s_is_space (int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* What the fast path writes for a non-ASCII code point, or -1 if the code
   point must go through utf8proc. Every one listed is a starter, is never the
   second of a canonical composition pair, and has a one-code-point NFKC. */
static int32_t
s_fast_map (int32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FFF) /* CJK unified ideographs */
        return cp;
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
        return cp - 0xFEE0;
    if (cp >= 0x3400 && cp <= 0x4DBF) /* CJK extension A */
        return cp;
    if (cp == 0x3000) /* ideographic space */
        return ' ';
    /* Punctuation of Chinese text: 、。〈〉《》「」『』【】, the middle dot of
       names (阿不都·热合曼), the em dash and curly quotes */
    if ((cp >= 0x3001 && cp <= 0x3002) || (cp >= 0x3008 && cp <= 0x3011) || cp == 0x00B7 ||
        cp == 0x2014 || cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D)
        return cp;
    return -1;
}

/* --- the text engine ----------------------------------------------------- */

typedef struct {
    char *out;
    size_t size; /* of out, including the NUL */
    size_t len;  /* bytes written */
    bool space;  /* a space is due before the next character */
    bool full;   /* something did not fit */
    bool code;   /* code mode: no spaces, ASCII upper case */
} s_writer_t;

/* Room for n more bytes (and the NUL), after the space that is due if any.
   Returns where to write them, or NULL when they do not fit. */
static inline char *
s_reserve (s_writer_t *w, size_t n)
{
    size_t need = n + (w->space ? 1 : 0);
    if (w->size - w->len <= need) {
        w->full = true;
        return NULL;
    }
    if (w->space) {
        w->out[w->len++] = ' ';
        w->space = false;
    }
    char *place = w->out + w->len;
    w->len += n;
    return place;
}

static void
s_put (s_writer_t *w, int32_t cp)
{
    if (s_is_space (cp)) {
        /* Leading runs vanish; trailing ones never get written */
        if (!w->code && w->len > 0)
            w->space = true;
        return;
    }
    if (w->code && cp >= 'a' && cp <= 'z')
        cp -= 'a' - 'A';
    char bytes[4];
    size_t n = s_utf8_encode (cp, bytes);
    char *place = s_reserve (w, n);
    if (place)
        memcpy (place, bytes, n);
}

/* True if nothing before cp in decomposed text can compose with cp or what
   follows it: a starter that is not a mark and not a Hangul vowel or final
   jamo (the only starters that compose with a preceding character). */
static bool
s_is_boundary (int32_t cp)
{
    if (cp < 0x80)
        return true;
    const utf8proc_property_t *property = utf8proc_get_property (cp);
    if (property->combining_class != 0 || property->category == UTF8PROC_CATEGORY_MN ||
        property->category == UTF8PROC_CATEGORY_MC ||
        property->category == UTF8PROC_CATEGORY_ME)
        return false;
    return !(cp >= 0x1160 && cp <= 0x11FF) && !(cp >= 0xD7B0 && cp <= 0xD7FF);
}

/* Puts decomposed text in canonical order (as utf8proc_decompose () does),
   composes it and writes it. */
static void
s_put_composed (s_writer_t *w, utf8proc_int32_t *buffer, utf8proc_ssize_t count)
{
    utf8proc_ssize_t pos = 0;
    while (pos + 1 < count) {
        int ccc1 = utf8proc_get_property (buffer[pos])->combining_class;
        int ccc2 = utf8proc_get_property (buffer[pos + 1])->combining_class;
        if (ccc1 > ccc2 && ccc2 > 0) {
            utf8proc_int32_t swap = buffer[pos];
            buffer[pos] = buffer[pos + 1];
            buffer[pos + 1] = swap;
            if (pos > 0)
                pos--;
        }
        else
            pos++;
    }
    count = utf8proc_normalize_utf32 (buffer, count, S_NFKC);
    for (utf8proc_ssize_t k = 0; k < count && !w->full; k++)
        s_put (w, buffer[k]);
}

/* NFKC of one run of already validated UTF-8, written through the writer.
   The run is decomposed into a fixed buffer; when that fills up, the part
   before the last boundary is composed and written first. In code mode white
   space is dropped and ASCII letters upper-cased before composing, so that
   the result is itself in NFKC (I + U+0307 is İ). */
static int
s_put_run (s_writer_t *w, const unsigned char *p, size_t len, char *detail)
{
    utf8proc_int32_t buffer[S_RUN_MAX];
    utf8proc_ssize_t count = 0;
    size_t i = 0;
    while (i < len && !w->full) {
        int32_t cp = p[i];
        size_t n = cp < 0x80 ? 1 : s_utf8_decode (p + i, len - i, &cp);
        assert (n > 0); /* validated by the caller */
        i += n;
        if (w->code && s_is_space (cp))
            continue;
        int boundclass = 0;
        utf8proc_ssize_t added = utf8proc_decompose_char (
            cp, buffer + count, S_RUN_MAX - count, S_NFKC, &boundclass);
        assert (added >= 0 && added <= S_RUN_MAX); /* a valid code point; at most 18 */
        if (added > S_RUN_MAX - count) {
            utf8proc_ssize_t split = count - 1;
            while (split > 0 && !s_is_boundary (buffer[split]))
                split--;
            if (split == 0 || added > S_RUN_MAX - (count - split)) {
                s_detail (detail, "more than %d combining characters in a row", S_RUN_MAX);
                return YW_R_TOO_LONG;
            }
            s_put_composed (w, buffer, split);
            memmove (buffer, buffer + split, (size_t)(count - split) * sizeof *buffer);
            count -= split;
            added = utf8proc_decompose_char (cp, buffer + count, S_RUN_MAX - count, S_NFKC,
                                             &boundclass);
        }
        /* Fold spaces now (they never compose), so that a long run of
           NBSPs takes one slot */
        utf8proc_ssize_t kept = count;
        for (utf8proc_ssize_t k = count; k < count + added; k++) {
            utf8proc_int32_t c = buffer[k];
            if (s_is_space (c)) {
                if (w->code || (kept > 0 && buffer[kept - 1] == ' '))
                    continue;
                c = ' ';
            }
            else if (w->code && c >= 'a' && c <= 'z')
                c -= 'a' - 'A';
            buffer[kept++] = c;
        }
        count = kept;
    }
    s_put_composed (w, buffer, count);
    return YW_R_OK;
}

static int
s_normalize (const char *in, size_t len, bool code, char *out, size_t out_size,
             char *detail)
{
    assert (in || len == 0);
    assert (out || out_size == 0);
    s_writer_t w = {out, out_size, 0, false, out_size == 0, code};
    const unsigned char *p = (const unsigned char *)in;
    /* Where the run of slow characters would start: the last character the
       fast path wrote (its input offset, and the writer before it) */
    size_t mark = SIZE_MAX, mark_len = 0;
    bool mark_space = false;
    size_t i = 0;
    int rc = YW_R_OK;
    while (i < len && !w.full) {
        int32_t cp = p[i];
        if (cp > ' ' && cp < 0x7F) {
            /* The hot path: a run of printable ASCII, copied as it is */
            size_t end = i + 1;
            while (end < len && p[end] > ' ' && p[end] < 0x7F)
                end++;
            size_t n = end - i;
            char *o = s_reserve (&w, n);
            if (!o)
                break;
            if (code)
                for (size_t k = 0; k < n; k++) {
                    unsigned char c = p[i + k];
                    o[k] = (char)((unsigned)(c - 'a') < 26u ? c - ('a' - 'A') : c);
                }
            else
                memcpy (o, p + i, n);
            mark = end - 1;
            mark_len = w.len - 1;
            mark_space = false;
            i = end;
            continue;
        }
        if (cp == ' ' || (cp >= '\t' && cp <= '\r')) {
            if (!code) {
                mark = i;
                mark_len = w.len;
                mark_space = w.space;
                w.space = w.len > 0;
            }
            i++;
            continue;
        }
        size_t n = 1;
        if (cp >= 0x80) {
            n = s_utf8_decode (p + i, len - i, &cp);
            if (!n) {
                rc = s_bad_byte (p, i, detail);
                goto failed;
            }
            int32_t mapped = s_fast_map (cp);
            if (mapped == cp) {
                /* Chinese: NFKC is the identity, copy the bytes, and those
                   of the ideographs U+5000..U+9FFF that follow */
                size_t end = i + n;
                while (len - end >= 3 && p[end] >= 0xE5 && p[end] <= 0xE9 &&
                       (p[end + 1] & 0xC0) == 0x80 && (p[end + 2] & 0xC0) == 0x80)
                    end += 3;
                size_t last = end - (end - i > n ? 3 : n);
                char *o = s_reserve (&w, end - i);
                if (!o)
                    break;
                memcpy (o, p + i, end - i);
                mark = last;
                mark_len = w.len - (end - last);
                mark_space = false;
                i = end;
                continue;
            }
            cp = mapped;
        }
        else if (cp == 0) {
            rc = s_bad_byte (p, i, detail);
            goto failed;
        }
        if (cp >= 0) {
            if (code && s_is_space (cp)) {
                i += n; /* transparent: a run may span it */
                continue;
            }
            mark = i;
            mark_len = w.len;
            mark_space = w.space;
            s_put (&w, cp);
            i += n;
            continue;
        }
        /* A run of characters for utf8proc, up to the next fast one */
        size_t start = i;
        if (mark != SIZE_MAX) {
            start = mark;
            w.len = mark_len;
            w.space = mark_space;
        }
        i += n;
        while (i < len) {
            int32_t next = p[i];
            size_t next_n = 1;
            if (next >= 0x80) {
                next_n = s_utf8_decode (p + i, len - i, &next);
                if (!next_n) {
                    rc = s_bad_byte (p, i, detail);
                    goto failed;
                }
                next = s_fast_map (next);
            }
            else if (next == 0) {
                rc = s_bad_byte (p, i, detail);
                goto failed;
            }
            if (next >= 0 && !(code && s_is_space (next)))
                break;
            i += next_n;
        }
        rc = s_put_run (&w, p + start, i - start, detail);
        if (rc != YW_R_OK)
            break;
        mark = SIZE_MAX;
    }
    if (w.full || rc != YW_R_OK) {
        /* An encoding error anywhere still wins: it says more */
        size_t bad = s_utf8_check (p, len, i);
        if (bad < len)
            rc = s_bad_byte (p, bad, detail);
        else if (rc == YW_R_OK) {
            rc = YW_R_TOO_LONG;
            s_detail (detail, "longer than %zu bytes", out_size ? out_size - 1 : 0);
        }
        goto failed;
    }
    out[w.len] = '\0';
    if (w.len == 0) {
        s_detail (detail, "empty");
        return YW_R_MISSING;
    }
    if (detail)
        detail[0] = '\0';
    return YW_R_OK;

failed:
    if (out_size)
        out[0] = '\0';
    return rc;
}

int
codebook_norm_text (const char *in, size_t len, char *out, size_t out_size, char *detail)
{
    return s_normalize (in, len, false, out, out_size, detail);
}

int
codebook_norm_code (const char *in, size_t len, char *out, size_t out_size, char *detail)
{
    return s_normalize (in, len, true, out, out_size, detail);
}

/* --- plates -------------------------------------------------------------- */

/* What agencies put between a plate's parts: the dot printed on the plate
   (U+00B7, or the look-alikes U+2022 and U+30FB that input methods give)
   and the hyphen of spreadsheets. Full-width ones arrive here through NFKC. */
static bool
s_is_plate_separator (int32_t cp)
{
    return cp == '-' || cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB;
}

/* A character a plate is made of, after code normalization (upper case) */
static bool
s_is_plate_char (int32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0x4E00 && cp <= 0x9FFF);
}

/* Code point at p (valid UTF-8, n > 0 bytes) and its length */
static size_t
s_code_point (const unsigned char *p, size_t n, int32_t *cp)
{
    *cp = p[0];
    size_t size = *cp < 0x80 ? 1 : s_utf8_decode (p, n, cp);
    assert (size > 0); /* written by s_normalize */
    return size;
}

int
codebook_norm_plate (const char *in, size_t len, char *out, size_t out_size, char *detail)
{
    int rc = s_normalize (in, len, true, out, out_size, detail);
    if (rc != YW_R_OK)
        return rc;
    /* In place: the output only shrinks. A separator goes only when it sits
       between two plate characters; anywhere else the value is not a plate
       as written, and the validator should say so with the separator in it. */
    unsigned char *p = (unsigned char *)out;
    size_t n = strlen (out);
    size_t o = 0;
    bool after_plate_char = false; /* the character before i (as written) */
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        size_t size = s_code_point (p + i, n - i, &cp);
        if (s_is_plate_separator (cp) && after_plate_char && i + size < n) {
            int32_t next;
            s_code_point (p + i + size, n - i - size, &next);
            if (s_is_plate_char (next)) {
                i += size;
                after_plate_char = false;
                continue;
            }
        }
        memmove (p + o, p + i, size);
        o += size;
        i += size;
        after_plate_char = s_is_plate_char (cp);
    }
    p[o] = '\0';
    return YW_R_OK;
}

/* --- dates --------------------------------------------------------------- */

#define S_YEAR_MIN 1900
#define S_YEAR_MAX 2100
#define S_EXCEL_MAX 2958465 /* 9999-12-31 */

static bool
s_is_digit (char c)
{
    return c >= '0' && c <= '9';
}

static bool
s_is_leap (int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
s_days_in_month (int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && s_is_leap (year) ? 29 : days[month - 1];
}

/* Reads 1 to max digits at *p; returns the value, or -1 (then *p unmoved). */
static int
s_read_int (const char **p, int min, int max)
{
    const char *s = *p;
    int value = 0, count = 0;
    while (count < max && s_is_digit (s[count]))
        value = value * 10 + (s[count++] - '0');
    if (count < min || s_is_digit (s[count]))
        return -1;
    *p = s + count;
    return value;
}

static bool
s_skip (const char **p, const char *word)
{
    size_t n = strlen (word);
    if (strncmp (*p, word, n) != 0)
        return false;
    *p += n;
    return true;
}

static void
s_skip_space (const char **p)
{
    if (**p == ' ')
        (*p)++;
}

/* A time of day after a date, which is checked and ignored:
   [ |T]H[H]:MM[:SS[.f...]][ ][Z|±HH[:MM]] */
static bool
s_time_valid (const char *p)
{
    if (*p == '\0')
        return true;
    if (*p == ' ')
        p++;
    if (*p == 'T' || *p == 't')
        p++;
    int hour = s_read_int (&p, 1, 2);
    if (hour < 0 || hour > 23 || *p++ != ':')
        return false;
    int minute = s_read_int (&p, 2, 2);
    if (minute < 0 || minute > 59)
        return false;
    if (*p == ':') {
        p++;
        int second = s_read_int (&p, 2, 2);
        if (second < 0 || second > 60)
            return false;
        if (*p == '.') {
            p++;
            if (!s_is_digit (*p))
                return false;
            while (s_is_digit (*p))
                p++;
        }
    }
    s_skip_space (&p);
    if (*p == 'Z' || *p == 'z')
        p++;
    else if (*p == '+' || *p == '-') {
        /* ±HH, ±HHMM or ±HH:MM */
        p++;
        if (!s_is_digit (p[0]) || !s_is_digit (p[1]) ||
            (p[0] - '0') * 10 + (p[1] - '0') > 14)
            return false;
        p += 2;
        if (*p == ':')
            p++;
        if (s_is_digit (*p)) {
            if (!s_is_digit (p[1]) || p[0] > '5')
                return false;
            p += 2;
        }
    }
    return *p == '\0';
}

static int
s_check_date (int year, int month, int day, int32_t *out, char *detail)
{
    if (month < 1 || month > 12) {
        s_detail (detail, "month %d", month);
        return YW_R_DATE_RANGE;
    }
    if (day < 1 || day > 31) {
        s_detail (detail, "day %d", day);
        return YW_R_DATE_RANGE;
    }
    if (year < S_YEAR_MIN || year > S_YEAR_MAX) {
        s_detail (detail, "year %d outside %d..%d", year, S_YEAR_MIN, S_YEAR_MAX);
        return YW_R_DATE_RANGE;
    }
    if (day > s_days_in_month (year, month)) {
        s_detail (detail, "day %d not in %04d-%02d", day, year, month);
        return YW_R_DATE_RANGE;
    }
    *out = year * 10000 + month * 100 + day;
    return YW_R_OK;
}

/* Civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void
s_civil_from_days (long days, int *year, int *month, int *day)
{
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    long doe = days - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

/* Excel's 1900 date system: serial 1 is 1900-01-01, and Excel counts a
   1900-02-29 that never was (serial 60), so from 61 on the serial is one
   more than the true day count from 1899-12-31. */
static int
s_excel_date (long serial, int32_t *out, char *detail)
{
    if (serial < 1 || serial > S_EXCEL_MAX) {
        s_detail (detail, "Excel serial %ld out of range", serial);
        return YW_R_DATE_RANGE;
    }
    if (serial == 60) {
        s_detail (detail, "Excel serial 60 is the fictitious 1900-02-29");
        return YW_R_DATE_RANGE;
    }
    /* 1899-12-31 is day -25568 from 1970-01-01 */
    long days = -25568 + serial - (serial > 60 ? 1 : 0);
    int year, month, day;
    s_civil_from_days (days, &year, &month, &day);
    if (year > S_YEAR_MAX) {
        s_detail (detail, "Excel serial %ld is in year %d", serial, year);
        return YW_R_DATE_RANGE;
    }
    return s_check_date (year, month, day, out, detail);
}

/* What follows a date is neither nothing nor a time of day. */
static int
s_bad_rest (const char *rest, char *detail)
{
    if (rest[0] == ' ' || rest[0] == 'T' || rest[0] == 't' || s_is_digit (rest[0]))
        s_detail (detail, "bad time of day");
    else
        s_detail (detail, "not a date");
    return YW_R_DATE_FORMAT;
}

/* A date in normalized text (NUL-terminated). */
static int
s_parse_date (const char *text, int32_t *out, char *detail)
{
    const char *p = text;
    size_t digits = 0;
    while (s_is_digit (p[digits]))
        digits++;
    if (digits == 0) {
        s_detail (detail, "not a date");
        return YW_R_DATE_FORMAT;
    }
    /* All digits, maybe with a fraction: YYYYMMDD or an Excel serial */
    const char *end = p + digits;
    bool zero_fraction = true;
    if (*end == '.' && s_is_digit (end[1])) {
        const char *f = end + 1;
        while (s_is_digit (*f))
            zero_fraction &= *f++ == '0';
        if (*f == '\0')
            end = f;
    }
    if (*end == '\0') {
        if (digits == 8 && zero_fraction) {
            int value = s_read_int (&p, 8, 8);
            return s_check_date (value / 10000, value / 100 % 100, value % 100, out,
                                 detail);
        }
        if (digits == 4) {
            s_detail (detail, "a year alone is not a date");
            return YW_R_DATE_FORMAT;
        }
        if (digits <= 7)
            return s_excel_date (s_read_int (&p, 1, 7), out, detail);
        s_detail (detail, "not a date");
        return YW_R_DATE_FORMAT;
    }
    if (digits == 8 && (*end == ' ' || *end == 'T')) {
        int value = s_read_int (&p, 8, 8);
        if (!s_time_valid (p))
            return s_bad_rest (p, detail);
        return s_check_date (value / 10000, value / 100 % 100, value % 100, out, detail);
    }
    if (digits != 4) {
        s_detail (detail, "not a date");
        return YW_R_DATE_FORMAT;
    }
    int year = s_read_int (&p, 4, 4);
    int month = -1, day = -1;
    if (*p == '-' || *p == '/' || *p == '.') {
        char separator = *p++;
        month = s_read_int (&p, 1, 2);
        if (month >= 0 && *p == separator) {
            p++;
            day = s_read_int (&p, 1, 2);
        }
    }
    else {
        const char *q = p;
        s_skip_space (&q);
        if (s_skip (&q, "年")) {
            s_skip_space (&q);
            month = s_read_int (&q, 1, 2);
            s_skip_space (&q);
            if (month >= 0 && s_skip (&q, "月")) {
                s_skip_space (&q);
                day = s_read_int (&q, 1, 2);
                if (day >= 0) {
                    const char *r = q;
                    s_skip_space (&r);
                    if (s_skip (&r, "日") || s_skip (&r, "号"))
                        q = r;
                }
            }
            else
                month = -1;
            p = q;
        }
    }
    if (month < 0 || day < 0) {
        s_detail (detail, "not a date");
        return YW_R_DATE_FORMAT;
    }
    if (!s_time_valid (p))
        return s_bad_rest (p, detail);
    return s_check_date (year, month, day, out, detail);
}

/* Normalizes a short value (number, date) into scratch. */
static int
s_scratch (const char *in, size_t len, char *scratch, char *detail)
{
    return s_normalize (in, len, false, scratch, S_SCRATCH, detail);
}

int
codebook_norm_date (const char *in, size_t len, int32_t *out, char *detail)
{
    assert (out);
    *out = 0;
    char text[S_SCRATCH];
    int rc = s_scratch (in, len, text, detail);
    if (rc == YW_R_OK)
        rc = s_parse_date (text, out, detail);
    if (rc != YW_R_OK)
        *out = 0;
    return rc;
}

int
codebook_norm_year (const char *in, size_t len, int32_t *out, char *detail)
{
    assert (out);
    *out = 0;
    char text[S_SCRATCH];
    int rc = s_scratch (in, len, text, detail);
    if (rc != YW_R_OK)
        return rc;
    /* 1998, 1998年, 1998年度, and 1998.0 from a spreadsheet */
    const char *p = text;
    int year = s_read_int (&p, 4, 4);
    if (year >= 0) {
        s_skip_space (&p);
        if (*p == '.') {
            p++;
            while (*p == '0')
                p++;
        }
        else if (s_skip (&p, "年"))
            s_skip (&p, "度");
        if (*p == '\0') {
            if (year < S_YEAR_MIN || year > S_YEAR_MAX) {
                s_detail (detail, "year %d outside %d..%d", year, S_YEAR_MIN, S_YEAR_MAX);
                return YW_R_DATE_RANGE;
            }
            *out = year;
            return YW_R_OK;
        }
    }
    /* A short number is no year, and not the Excel serial of a day in 1900 */
    size_t digits = strspn (text, "0123456789");
    if (digits < 4 && (text[digits] == '\0' || text[digits] == '.')) {
        s_detail (detail, "not a year");
        return YW_R_DATE_FORMAT;
    }
    int32_t date = 0;
    rc = s_parse_date (text, &date, detail);
    if (rc == YW_R_OK)
        *out = date / 10000;
    return rc;
}

/* --- numbers ------------------------------------------------------------- */

/* A decimal as read: value = 0.d1d2...dn x 10^point, exactly, except that
   digits beyond S_DIGITS_MAX are dropped (then `dropped` says if any was
   not 0). */
typedef struct {
    unsigned char digit[S_DIGITS_MAX];
    int count;     /* significant digits, the first not 0 */
    int point;     /* decimal exponent of 0.digits */
    bool negative; /* a minus sign was written */
    bool dropped;  /* digits not 0 were dropped */
} s_decimal_t;

/* A unit: result = value x 10^shift x times / per. */
typedef struct {
    const char *name; /* after NFKC; ASCII in lower case, matched ignoring case */
    int shift;
    int times; /* 1 or 2 */
    int per;   /* 1 or 3 */
} s_unit_t;

typedef struct {
    const char *what;      /* "money", for messages */
    const s_unit_t *units; /* terminated by name NULL */
    uint64_t max;          /* largest plausible result */
    const char *max_text;  /* the same, for messages */
} s_quantity_t;

static const s_unit_t s_money_units[] = {
    {"", 2, 1, 1},       {"元", 2, 1, 1},    {"圆", 2, 1, 1},   {"块", 2, 1, 1},
    {"元整", 2, 1, 1},   {"千元", 5, 1, 1},  {"万元", 6, 1, 1}, {"万", 6, 1, 1},
    {"百万元", 8, 1, 1}, {"亿元", 10, 1, 1}, {"亿", 10, 1, 1},  {NULL, 0, 0, 0}};

static const s_unit_t s_area_units[] = {
    {"", 2, 1, 1},       {"m2", 2, 1, 1},       {"平方米", 2, 1, 1},   {"平米", 2, 1, 1},
    {"平方", 2, 1, 1},   {"平", 2, 1, 1},       {"万平方米", 6, 1, 1}, {"万m2", 6, 1, 1},
    {"万平米", 6, 1, 1}, {"亩", 5, 2, 3},       {"公顷", 6, 1, 1},     {"ha", 6, 1, 1},
    {"hm2", 6, 1, 1},    {"平方公里", 8, 1, 1}, {"km2", 8, 1, 1},      {NULL, 0, 0, 0}};

static const s_unit_t s_volume_units[] = {
    {"ml", 0, 1, 1}, {"毫升", 0, 1, 1}, {"cc", 0, 1, 1}, {"l", 3, 1, 1},
    {"升", 3, 1, 1}, {"t", 3, 1, 1},    {NULL, 0, 0, 0}};

static const s_unit_t s_distance_units[] = {
    {"", 0, 1, 1},       {"km", 0, 1, 1},   {"公里", 0, 1, 1},   {"千米", 0, 1, 1},
    {"万公里", 4, 1, 1}, {"万km", 4, 1, 1}, {"万千米", 4, 1, 1}, {NULL, 0, 0, 0}};

static const s_unit_t s_count_units[] = {
    {"", 0, 1, 1},   {"人", 0, 1, 1}, {"次", 0, 1, 1},   {"个", 0, 1, 1}, {"层", 0, 1, 1},
    {"餐", 0, 1, 1}, {"晚", 0, 1, 1}, {"名", 0, 1, 1},   {"位", 0, 1, 1}, {"辆", 0, 1, 1},
    {"间", 0, 1, 1}, {"顿", 0, 1, 1}, {"人次", 0, 1, 1}, {NULL, 0, 0, 0}};

static const s_unit_t s_coord_units[] = {
    {"", 7, 1, 1}, {"°", 7, 1, 1}, {"度", 7, 1, 1}, {NULL, 0, 0, 0}};

static const s_quantity_t s_money = {"money", s_money_units, 100000000000000ULL,
                                     "10^12 yuan"};
static const s_quantity_t s_area = {"area", s_area_units, 10000000000ULL, "10^8 m2"};
static const s_quantity_t s_volume = {"volume", s_volume_units, 100000, "100 L"};
static const s_quantity_t s_distance = {"distance", s_distance_units, 10000000, "10^7 km"};
static const s_quantity_t s_count = {"count", s_count_units, 1000000000, "10^9"};
static const s_quantity_t s_coord = {"coordinate", s_coord_units, 1800000000, "180"};

/* Reads a number at *p: an optional sign, digits with optional thousands
   separators (groups of three), an optional fraction and exponent. */
static int
s_read_decimal (const char **p, s_decimal_t *number, char *detail)
{
    const char *s = *p;
    memset (number, 0, sizeof *number);
    if (*s == '-' || *s == '+') {
        number->negative = *s == '-';
        s++;
    }
    else if (s_skip (&s, "\xE2\x88\x92")) /* U+2212 minus sign */
        number->negative = true;
    if (!s_is_digit (*s) && !(*s == '.' && s_is_digit (s[1]))) {
        s_detail (detail, "not a number");
        return YW_R_NUMBER_FORMAT;
    }
    int group = 0; /* digits since the last separator */
    bool separated = false;
    for (; s_is_digit (*s) || *s == ','; s++) {
        if (*s == ',') {
            if (separated ? group != 3 : group < 1 || group > 3) {
                s_detail (detail, "misplaced thousands separator");
                return YW_R_NUMBER_FORMAT;
            }
            separated = true;
            group = 0;
            continue;
        }
        group++;
        int value = *s - '0';
        if (number->count == 0 && value == 0)
            continue;
        if (number->count < S_DIGITS_MAX)
            number->digit[number->count++] = (unsigned char)value;
        number->point++;
    }
    if (separated && group != 3) {
        s_detail (detail, "misplaced thousands separator");
        return YW_R_NUMBER_FORMAT;
    }
    if (*s == '.') {
        for (s++; s_is_digit (*s); s++) {
            int value = *s - '0';
            if (number->count == 0 && value == 0)
                number->point--;
            else if (number->count < S_DIGITS_MAX)
                number->digit[number->count++] = (unsigned char)value;
            else if (value)
                number->dropped = true;
        }
        if (*s == '.') {
            s_detail (detail, "more than one decimal point");
            return YW_R_NUMBER_FORMAT;
        }
        if (*s == ',') {
            s_detail (detail, "thousands separator after the decimal point");
            return YW_R_NUMBER_FORMAT;
        }
    }
    /* Exponent, as spreadsheets write large numbers: 1.2E+05 */
    if ((*s == 'e' || *s == 'E') &&
        (s_is_digit (s[1]) || ((s[1] == '+' || s[1] == '-') && s_is_digit (s[2])))) {
        s++;
        bool negative = *s == '-';
        if (*s == '+' || *s == '-')
            s++;
        int exponent = 0;
        for (; s_is_digit (*s); s++)
            if (exponent < 1000)
                exponent = exponent * 10 + (*s - '0');
        number->point += negative ? -exponent : exponent;
    }
    *p = s;
    return YW_R_OK;
}

/* The integer of the number x 10^shift x times / per, rounded half up.
   Exact: floor ((2 times x + per) / (2 per)) needs only the integer part of
   x (x 10^shift) and its first two decimals, because times is 1 or 2.
   Returns false if the integer part has more than 18 digits. */
static bool
s_scale (const s_decimal_t *number, int shift, int times, int per, uint64_t *result)
{
    *result = 0;
    if (number->count == 0)
        return true;
    int point = number->point + shift;
    if (point > 18)
        return false;
    uint64_t whole = 0;
    for (int k = 0; k < point; k++)
        whole = whole * 10 + (k < number->count ? number->digit[k] : 0);
    unsigned hundredths = 0;
    for (int k = point; k < point + 2; k++)
        hundredths = hundredths * 10 + (k >= 0 && k < number->count ? number->digit[k] : 0);
    uint64_t twice = 2 * (uint64_t)times * whole + (uint64_t)per +
                     2 * (uint64_t)times * hundredths / 100;
    *result = twice / (2 * (uint64_t)per);
    return true;
}

/* True if the number has no fraction. */
static bool
s_is_whole (const s_decimal_t *number)
{
    if (number->dropped)
        return false;
    for (int k = number->point < 0 ? 0 : number->point; k < number->count; k++)
        if (number->digit[k])
            return false;
    return true;
}

/* True if the unit text at p (len bytes) is name, ignoring ASCII case. */
static bool
s_unit_is (const char *p, size_t len, const char *name)
{
    if (strlen (name) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c != name[i])
            return false;
    }
    return true;
}

static bool
s_skip_nocase (const char **p, const char *name)
{
    size_t len = strlen (name);
    if (!s_unit_is (*p, len, name)) /* stops at the NUL of a shorter *p */
        return false;
    *p += len;
    return true;
}

/* At most max bytes of text, cut at a character boundary, for quoting. */
static int
s_quote_len (const char *text, size_t max)
{
    size_t len = strlen (text);
    if (len <= max)
        return (int)len;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

/* Parses a quantity in normalized text: [prefix] number [unit]. The caller
   has stripped what belongs to it (currency signs, hemispheres). Sets
   *negative when a minus sign was read (only coordinates accept it). */
static int
s_parse_quantity (const char *text, const s_quantity_t *quantity, uint64_t *out,
                  bool *negative, char *detail)
{
    const char *p = text;
    s_decimal_t number;
    int rc = s_read_decimal (&p, &number, detail);
    if (rc != YW_R_OK)
        return rc;
    s_skip_space (&p);
    if (s_is_digit (*p) || *p == '.' || *p == ',') {
        s_detail (detail, "unexpected '%.*s' after the number", s_quote_len (p, 32), p);
        return YW_R_NUMBER_FORMAT;
    }
    size_t unit_len = strlen (p);
    const s_unit_t *unit = NULL;
    if (quantity == &s_volume && unit_len == 0) {
        /* A plain displacement below 20 is in litres, else in ml */
        bool litres = number.count == 0 || number.point <= 1 ||
                      (number.point == 2 && number.digit[0] * 10 + number.digit[1] < 20);
        static const s_unit_t ml = {"ml", 0, 1, 1}, litre = {"l", 3, 1, 1};
        unit = litres ? &litre : &ml;
    }
    else {
        for (unit = quantity->units; unit->name; unit++)
            if (s_unit_is (p, unit_len, unit->name))
                break;
        if (!unit->name) {
            s_detail (detail, "unit '%.*s' not known for %s", s_quote_len (p, 40), p,
                      quantity->what);
            return YW_R_UNIT_UNKNOWN;
        }
    }
    if (quantity == &s_count && !s_is_whole (&number)) {
        s_detail (detail, "not a whole number");
        return YW_R_NUMBER_FORMAT;
    }
    uint64_t value;
    if (!s_scale (&number, unit->shift, unit->times, unit->per, &value) ||
        value > quantity->max) {
        s_detail (detail, "over %s", quantity->max_text);
        return quantity == &s_coord ? YW_R_COORD_RANGE : YW_R_NUMBER_RANGE;
    }
    *negative = number.negative && value > 0;
    *out = value;
    return YW_R_OK;
}

static int
s_norm_quantity (const s_quantity_t *quantity, const char *in, size_t len, int64_t *out,
                 char *detail)
{
    assert (out);
    *out = 0;
    char text[S_SCRATCH];
    int rc = s_scratch (in, len, text, detail);
    if (rc != YW_R_OK)
        return rc;
    const char *p = text;
    /* ¥ (NFKC of ￥ too), RMB, CNY, 人民币 */
    if (quantity == &s_money && (s_skip (&p, "\xC2\xA5") || s_skip (&p, "人民币") ||
                                 s_skip_nocase (&p, "rmb") || s_skip_nocase (&p, "cny")))
        s_skip_space (&p);
    uint64_t value = 0;
    bool negative = false;
    rc = s_parse_quantity (p, quantity, &value, &negative, detail);
    if (rc != YW_R_OK)
        return rc;
    if (negative) {
        s_detail (detail, "negative");
        return YW_R_NUMBER_RANGE;
    }
    *out = (int64_t)value;
    if (detail)
        detail[0] = '\0';
    return YW_R_OK;
}

int
codebook_norm_count (const char *in, size_t len, int64_t *out, char *detail)
{
    return s_norm_quantity (&s_count, in, len, out, detail);
}

int
codebook_norm_money (const char *in, size_t len, int64_t *out, char *detail)
{
    return s_norm_quantity (&s_money, in, len, out, detail);
}

int
codebook_norm_area (const char *in, size_t len, int64_t *out, char *detail)
{
    return s_norm_quantity (&s_area, in, len, out, detail);
}

int
codebook_norm_volume (const char *in, size_t len, int64_t *out, char *detail)
{
    return s_norm_quantity (&s_volume, in, len, out, detail);
}

int
codebook_norm_distance (const char *in, size_t len, int64_t *out, char *detail)
{
    return s_norm_quantity (&s_distance, in, len, out, detail);
}

/* Hemisphere words and letters: sign of the coordinate, or 0 if none. */
static int
s_hemisphere (const char **p)
{
    if (s_skip (p, "东经") || s_skip (p, "北纬"))
        return 1;
    if (s_skip (p, "西经") || s_skip (p, "南纬"))
        return -1;
    char c = **p;
    if (c == 'E' || c == 'N' || c == 'e' || c == 'n' || c == 'W' || c == 'S' || c == 'w' ||
        c == 's') {
        (*p)++;
        return c == 'W' || c == 'S' || c == 'w' || c == 's' ? -1 : 1;
    }
    return 0;
}

int
codebook_norm_coord (const char *in, size_t len, int64_t *out, char *detail)
{
    assert (out);
    *out = 0;
    char text[S_SCRATCH];
    int rc = s_scratch (in, len, text, detail);
    if (rc != YW_R_OK)
        return rc;
    /* 117.0009, 117.0009°, E117.0009, 117.0009°E, 东经117.0009 */
    const char *p = text;
    int hemisphere = s_hemisphere (&p);
    if (hemisphere)
        s_skip_space (&p);
    else {
        size_t n = strlen (text);
        const char *last = text + n - 1;
        if (n > 1 && (hemisphere = s_hemisphere (&last)) != 0) {
            text[--n] = '\0';
            if (text[n - 1] == ' ')
                text[--n] = '\0';
        }
    }
    uint64_t value = 0;
    bool negative = false;
    rc = s_parse_quantity (p, &s_coord, &value, &negative, detail);
    if (rc != YW_R_OK)
        return rc;
    if (negative && hemisphere) {
        s_detail (detail, "both a sign and a hemisphere");
        return YW_R_NUMBER_FORMAT;
    }
    *out = negative || hemisphere < 0 ? -(int64_t)value : (int64_t)value;
    if (detail)
        detail[0] = '\0';
    return YW_R_OK;
}

/* --- enumerations -------------------------------------------------------- */

int
codebook_norm_enum (const codebook_t *codebook, const char *table, const char *in,
                    size_t len, const char **code, char *detail)
{
    assert (codebook && table && code);
    *code = NULL;
    char text[256];
    int rc = s_normalize (in, len, false, text, sizeof text, detail);
    if (rc != YW_R_OK)
        return rc;
    *code = codebook_enum_lookup (codebook, table, text);
    if (!*code) {
        if (codebook_has_enum (codebook, table))
            s_detail (detail, "not in %s", table);
        else
            s_detail (detail, "no code table %s", table);
        return YW_R_ENUM_UNKNOWN;
    }
    if (detail)
        detail[0] = '\0';
    return YW_R_OK;
}
