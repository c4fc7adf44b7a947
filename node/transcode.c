/*  transcode.c - source text encodings to UTF-8 (see transcode.h).

    The boundary module for glibc iconv. GB18030 and GBK are stateless and
    ASCII-compatible, so a field's leading ASCII run is copied as is and only
    the rest goes through iconv; UTF-8 is validated here, without iconv.

    NUL bytes are rejected in every encoding: the rest of the system handles
    fields as C strings, where a NUL would silently cut the text short.
*/
#include "transcode.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "yw.h"

/* Two-byte characters (lead 0x81-0xFE, trail 0x40-0xFE but 0x7F) are
   nearly all of a Chinese export's text. Their UTF-8 is learnt from iconv
   once, per transcoder, and looked up after that: iconv stays the authority
   (every entry is its answer), without its per-call cost. A pair iconv
   refuses, a GB18030 four-byte sequence or anything else odd sends the
   whole field through iconv, which then names the bad byte. */
#define S_LEADS 126
#define S_TRAILS 191
typedef struct {
    uint8_t size; /* UTF-8 bytes; 0: not a valid pair */
    uint8_t utf8[3];
} s_pair_t;

struct _transcode_t {
    const char *encoding; /* canonical name */
    iconv_t cd;           /* (iconv_t) -1 for utf-8 */
    s_pair_t *pairs;      /* [S_LEADS * S_TRAILS], NULL for utf-8 */
};

static void
s_learn_pairs (transcode_t *self)
{
    self->pairs = yw_calloc (S_LEADS * S_TRAILS, sizeof (s_pair_t));
    for (int lead = 0x81; lead <= 0xFE; lead++)
        for (int trail = 0x40; trail <= 0xFE; trail++) {
            if (trail == 0x7F)
                continue;
            char in[2] = {(char)lead, (char)trail};
            char out[8];
            char *inp = in, *outp = out;
            size_t in_left = 2, out_left = sizeof out;
            iconv (self->cd, NULL, NULL, NULL, NULL);
            if (iconv (self->cd, &inp, &in_left, &outp, &out_left) == (size_t)-1 ||
                in_left != 0)
                continue;
            size_t size = (size_t)(outp - out);
            if (size == 0 || size > 3)
                continue;
            s_pair_t *pair = &self->pairs[(lead - 0x81) * S_TRAILS + (trail - 0x40)];
            pair->size = (uint8_t)size;
            memcpy (pair->utf8, out, size);
        }
}

/* Converts in[from..len) through the pair table into out at *at. Returns
   true when every byte was ASCII or a known pair and it all fitted. */
static bool
s_convert_pairs (const transcode_t *self, const unsigned char *in, size_t len, size_t from,
                 char *out, size_t out_size, size_t *at)
{
    size_t o = *at;
    size_t i = from;
    while (i < len) {
        unsigned char c = in[i];
        if (c < 0x80 && c) {
            if (o + 1 >= out_size)
                return false;
            out[o++] = (char)c;
            i++;
            continue;
        }
        if (c < 0x81 || c == 0xFF || i + 1 >= len || in[i + 1] < 0x40 ||
            in[i + 1] == 0x7F || in[i + 1] == 0xFF)
            return false;
        const s_pair_t *pair = &self->pairs[(c - 0x81) * S_TRAILS + (in[i + 1] - 0x40)];
        if (!pair->size || o + pair->size >= out_size)
            return false;
        memcpy (out + o, pair->utf8, 3);
        o += pair->size;
        i += 2;
    }
    *at = o;
    return true;
}

transcode_t *
transcode_new (const char *encoding)
{
    assert (encoding);
    const char *canonical = NULL;
    const char *iconv_name = NULL;
    if (!strcasecmp (encoding, "utf-8") || !strcasecmp (encoding, "utf8"))
        canonical = "utf-8";
    else if (!strcasecmp (encoding, "gb18030")) {
        canonical = "gb18030";
        iconv_name = "GB18030";
    }
    else if (!strcasecmp (encoding, "gbk") || !strcasecmp (encoding, "gb2312") ||
             !strcasecmp (encoding, "cp936")) {
        canonical = "gbk";
        iconv_name = "GBK";
    }
    if (!canonical)
        return NULL;

    iconv_t cd = (iconv_t)-1;
    if (iconv_name) {
        cd = iconv_open ("UTF-8", iconv_name);
        if (cd == (iconv_t)-1)
            return NULL;
    }
    transcode_t *self = yw_malloc (sizeof *self);
    self->cd = cd;
    self->encoding = canonical;
    self->pairs = NULL;
    if (cd != (iconv_t)-1)
        s_learn_pairs (self);
    return self;
}

void
transcode_destroy (transcode_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    transcode_t *self = *self_p;
    if (self->cd != (iconv_t)-1)
        iconv_close (self->cd);
    free (self->pairs);
    free (self);
    *self_p = NULL;
}

const char *
transcode_encoding (const transcode_t *self)
{
    assert (self);
    return self->encoding;
}

/* Length of the leading run of bytes 0x01..0x7F, eight at a time. */
static size_t
s_ascii_prefix (const unsigned char *in, size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t highs = 0x8080808080808080ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy (&word, in + i, 8);
        /* A high bit set, or a zero byte (the classic has-zero test). */
        if ((word & highs) || ((word - ones) & ~word & highs))
            break;
    }
    while (i < len && in[i] != 0 && in[i] < 0x80)
        i++;
    return i;
}

/* Checks in[from..len) is UTF-8 (RFC 3629: no overlong forms, no surrogates,
   nothing above U+10FFFF, nothing truncated) without NUL. Returns len, or
   the offset of the first byte of the first bad sequence. */
static size_t
s_utf8_check (const unsigned char *in, size_t len, size_t from)
{
    size_t i = from;
    while (i < len) {
        unsigned char c = in[i];
        if (c < 0x80) {
            if (c == 0)
                return i;
            i += s_ascii_prefix (in + i, len - i);
            continue;
        }
        size_t need;
        unsigned char low = 0x80, high = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                low = 0xA0; /* overlong */
            else if (c == 0xED)
                high = 0x9F; /* surrogates */
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                low = 0x90; /* overlong */
            else if (c == 0xF4)
                high = 0x8F; /* above U+10FFFF */
        }
        else
            return i; /* 80..C1, F5..FF */
        if (len - i <= need)
            return i;
        if (in[i + 1] < low || in[i + 1] > high)
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((in[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return len;
}

int
transcode_field (transcode_t *self, const char *in, size_t len, char *out, size_t out_size,
                 size_t *bad_offset)
{
    assert (self);
    assert (in || len == 0);
    assert (out || out_size == 0);
    size_t bad_unused;
    if (!bad_offset)
        bad_offset = &bad_unused;
    *bad_offset = 0;
    if (len == 0) {
        if (out_size == 0)
            return YW_ETOOBIG;
        out[0] = '\0';
        return 0;
    }
    const unsigned char *bytes = (const unsigned char *)in;
    size_t ascii = s_ascii_prefix (bytes, len);

    if (ascii < len && self->cd == (iconv_t)-1) {
        size_t bad = s_utf8_check (bytes, len, ascii);
        if (bad < len) {
            *bad_offset = bad;
            return YW_EENCODING;
        }
        ascii = len; /* valid: copied as is */
    }
    if (ascii == len) {
        if (len >= out_size || len > INT_MAX) {
            *bad_offset = out_size ? out_size - 1 : 0;
            return YW_ETOOBIG;
        }
        memcpy (out, in, len);
        out[len] = '\0';
        return (int)len;
    }

    /* GB18030 / GBK: never a NUL byte inside a character, so any is a NUL. */
    const char *nul = memchr (in + ascii, '\0', len - ascii);
    if (nul) {
        *bad_offset = (size_t)(nul - in);
        return YW_EENCODING;
    }
    if (ascii >= out_size) {
        *bad_offset = out_size ? out_size - 1 : 0;
        return YW_ETOOBIG;
    }
    memcpy (out, in, ascii);
    size_t at = ascii;
    if (s_convert_pairs (self, bytes, len, ascii, out, out_size, &at)) {
        out[at] = '\0';
        return (int)at;
    }
    char *inp = (char *)in + ascii;
    size_t in_left = len - ascii;
    char *outp = out + ascii;
    size_t out_left = out_size - ascii - 1; /* room for the NUL */
    iconv (self->cd, NULL, NULL, NULL, NULL);
    size_t done = iconv (self->cd, &inp, &in_left, &outp, &out_left);
    if (done != (size_t)-1)
        done = iconv (self->cd, NULL, NULL, &outp, &out_left);
    if (done == (size_t)-1) {
        *bad_offset = (size_t)(inp - in);
        return errno == E2BIG ? YW_ETOOBIG : YW_EENCODING;
    }
    size_t size = (size_t)(outp - out);
    if (size > INT_MAX)
        return YW_ETOOBIG;
    *outp = '\0';
    return (int)size;
}
