/*  reason.c - stable reason codes and the messages a person reads.

    Messages end up in TSV reject files and terminal reports, so
    yw_reason_format () lets no control character through: tabs, line breaks
    and other C0/C1 controls, U+2028/U+2029 and bytes that are not UTF-8 are
    written as backslash escapes. It writes whole characters and whole escapes
    only, so a truncated message is still valid UTF-8.
*/
#include "reason.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const char *code; /* stable: travels in reject files and the store */
    const char *en;
    const char *zh;
} s_reason_t;

static const s_reason_t s_reasons[YW_R_COUNT] = {
    [YW_R_OK] = {"OK", "ok", "正确"},
    [YW_R_MISSING] = {"MISSING", "required value missing", "必填项缺失"},
    [YW_R_BAD_ENCODING] = {"BAD_ENCODING", "invalid text encoding", "字符编码无效"},
    [YW_R_TOO_LONG] = {"TOO_LONG", "value too long", "内容过长"},
    [YW_R_BAD_CSV] = {"BAD_CSV", "malformed CSV record", "CSV 记录格式错误"},
    [YW_R_BAD_JSON] = {"BAD_JSON", "malformed JSON line", "JSON 行格式错误"},
    [YW_R_USCC_LENGTH] = {"USCC_LENGTH", "credit code not 18 characters",
                          "统一社会信用代码不是 18 位"},
    [YW_R_USCC_CHARSET] = {"USCC_CHARSET", "invalid character in credit code",
                           "统一社会信用代码含非法字符"},
    [YW_R_USCC_CHECK] = {"USCC_CHECK", "credit code check character wrong",
                         "统一社会信用代码校验码错误"},
    [YW_R_USCC_ORG_CHECK] = {"USCC_ORG_CHECK", "organisation code check character wrong",
                             "组织机构代码校验码错误"},
    [YW_R_VIN_LENGTH] = {"VIN_LENGTH", "VIN not 17 characters", "车架号不是 17 位"},
    [YW_R_VIN_CHARSET] = {"VIN_CHARSET", "invalid character in VIN", "车架号含非法字符"},
    [YW_R_VIN_CHECK] = {"VIN_CHECK", "VIN check digit wrong", "车架号校验位错误"},
    [YW_R_PLATE_FORMAT] = {"PLATE_FORMAT", "not a valid plate number", "号牌号码格式错误"},
    [YW_R_PLATE_PROVINCE] = {"PLATE_PROVINCE", "unknown province in plate",
                             "号牌省份简称错误"},
    [YW_R_REGION_UNKNOWN] = {"REGION_UNKNOWN", "unknown region code", "行政区划代码不存在"},
    [YW_R_REGION_OUTSIDE] = {"REGION_OUTSIDE", "region outside jurisdiction",
                             "行政区划不在管辖范围内"},
    [YW_R_DATE_FORMAT] = {"DATE_FORMAT", "unrecognised date", "日期格式无法识别"},
    [YW_R_DATE_RANGE] = {"DATE_RANGE", "no such date", "日期不存在或超出范围"},
    [YW_R_NUMBER_FORMAT] = {"NUMBER_FORMAT", "not a number", "不是数字"},
    [YW_R_NUMBER_RANGE] = {"NUMBER_RANGE", "number out of range", "数值超出范围"},
    [YW_R_UNIT_UNKNOWN] = {"UNIT_UNKNOWN", "unknown unit", "计量单位无法识别"},
    [YW_R_ENUM_UNKNOWN] = {"ENUM_UNKNOWN", "value not in code table", "不在代码表中"},
    [YW_R_COORD_RANGE] = {"COORD_RANGE", "coordinate out of range", "坐标超出范围"},
    [YW_R_INCONSISTENT] = {"INCONSISTENT", "fields contradict each other",
                           "字段之间相互矛盾"},
};

static const s_reason_t s_unknown = {"UNKNOWN", "unknown reason", "未知原因"};

/* Characters of the value shown in a message; a longer value ends in "…". */
#define S_VALUE_SHOWN 64

#define S_ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

static const s_reason_t *
s_reason (yw_reason_t reason)
{
    /* An enum may be unsigned: compare as unsigned to catch negative values too */
    if ((unsigned)reason < (unsigned)YW_R_COUNT && s_reasons[reason].code)
        return &s_reasons[reason];
    return &s_unknown;
}

const char *
yw_reason_code (yw_reason_t reason)
{
    return s_reason (reason)->code;
}

yw_reason_t
yw_reason_parse (const char *code)
{
    if (!code)
        return YW_R_COUNT;
    for (int r = 0; r < YW_R_COUNT; r++)
        if (s_reasons[r].code && !strcmp (s_reasons[r].code, code))
            return (yw_reason_t)r;
    return YW_R_COUNT;
}

const char *
yw_reason_text_en (yw_reason_t reason)
{
    return s_reason (reason)->en;
}

const char *
yw_reason_text_zh (yw_reason_t reason)
{
    return s_reason (reason)->zh;
}

/* --- Message writer ------------------------------------------------------ */

/* Appends whole pieces (a character or an escape) to a fixed buffer. Once a
   piece does not fit, the writer is full and takes nothing more, so nothing
   after a gap is ever shown. */
typedef struct {
    char *buffer;
    size_t size; /* >= 1: room for the NUL */
    size_t len;
    bool full;
} s_writer_t;

static void
s_put (s_writer_t *w, const char *piece, size_t len)
{
    if (w->full)
        return;
    if (len >= w->size - w->len) {
        w->full = true;
        return;
    }
    memcpy (w->buffer + w->len, piece, len);
    w->len += len;
}

static void
s_puts (s_writer_t *w, const char *text)
{
    s_put (w, text, strlen (text));
}

static void
s_put_escape (s_writer_t *w, char kind, uint32_t value)
{
    static const char hex[] = "0123456789ABCDEF";
    char piece[6] = {'\\', kind};
    size_t len = 2;
    if (kind == 'x') {
        piece[len++] = hex[value >> 4 & 0xF];
        piece[len++] = hex[value & 0xF];
    }
    else if (kind == 'u') {
        for (int shift = 12; shift >= 0; shift -= 4)
            piece[len++] = hex[value >> shift & 0xF];
    }
    s_put (w, piece, len);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms,
   surrogates or values above U+10FFFF), or 0. Sets *cp. p is NUL-terminated,
   so a sequence cut short fails at the NUL. */
static size_t
s_utf8 (const unsigned char *p, uint32_t *cp)
{
    unsigned char lead = p[0];
    size_t len;
    unsigned char low = 0x80, high = 0xBF; /* range of the second byte */
    if (lead < 0x80) {
        *cp = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
        *cp = lead & 0x1F;
    }
    else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        *cp = lead & 0x0F;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    }
    else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        *cp = lead & 0x07;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    }
    else
        return 0;
    if (p[1] < low || p[1] > high)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3F);
    }
    return len;
}

/* Writes text with controls, line separators and invalid bytes escaped; in a
   quoted value also the quote and the backslash. At most `shown` characters,
   then "…". */
static void
s_put_text (s_writer_t *w, const char *text, bool quoted, size_t shown)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t count = 0;
    while (*p && !w->full) {
        if (count++ == shown) {
            s_puts (w, S_ELLIPSIS);
            return;
        }
        uint32_t cp = 0;
        size_t len = s_utf8 (p, &cp);
        if (len == 0) {
            s_put_escape (w, 'x', *p);
            p++;
            continue;
        }
        if (cp == '\t')
            s_put_escape (w, 't', 0);
        else if (cp == '\n')
            s_put_escape (w, 'n', 0);
        else if (cp == '\r')
            s_put_escape (w, 'r', 0);
        else if (cp < 0x20 || cp == 0x7F)
            s_put_escape (w, 'x', cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
            s_put_escape (w, 'u', cp);
        else if (quoted && (cp == '"' || cp == '\\')) {
            char piece[2] = {'\\', (char)cp};
            s_put (w, piece, 2);
        }
        else
            s_put (w, (const char *)p, len);
        p += len;
    }
}

char *
yw_reason_format (yw_reason_t reason, const char *field, const char *value,
                  const char *detail, char *buffer, size_t size)
{
    if (!buffer || size == 0)
        return buffer;
    s_writer_t w = {buffer, size, 0, false};
    const s_reason_t *r = s_reason (reason);
    bool lead = false;
    if (field && field[0]) {
        s_put_text (&w, field, false, SIZE_MAX);
        lead = true;
    }
    if (value) {
        if (lead)
            s_puts (&w, " ");
        s_puts (&w, "\"");
        s_put_text (&w, value, true, S_VALUE_SHOWN);
        s_puts (&w, "\"");
        lead = true;
    }
    if (lead)
        s_puts (&w, ": ");
    if (detail && detail[0])
        s_put_text (&w, detail, false, SIZE_MAX);
    else
        s_puts (&w, r->en);
    s_puts (&w, " (");
    s_puts (&w, r->zh);
    s_puts (&w, ")");

    if (w.full) {
        /* Cut short: say so with "…" where it fits, on a character boundary */
        size_t keep = w.len;
        size_t need = sizeof S_ELLIPSIS - 1;
        if (size > need) {
            if (keep > size - 1 - need)
                keep = size - 1 - need;
            while (keep > 0 && keep < w.len && ((unsigned char)buffer[keep] & 0xC0) == 0x80)
                keep--;
            memcpy (buffer + keep, S_ELLIPSIS, need);
            w.len = keep + need;
        }
    }
    buffer[w.len] = '\0';
    return buffer;
}
