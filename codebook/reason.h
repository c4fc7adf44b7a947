/*  reason.h - stable reason codes for rejected values and rows.

    Every validator and normalizer returns a yw_reason_t: YW_R_OK (0) when the
    value is good, else why not. The code string (e.g. "VIN_CHECK") is stable:
    it travels in reject files, reports and the store, so codes are only ever
    added, never renamed. yw_reason_format () renders the message a person reads,
    naming the field and the value, in Chinese and English.
*/
#ifndef YW_REASON_H_INCLUDED
#define YW_REASON_H_INCLUDED

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    YW_R_OK = 0,
    YW_R_MISSING,          /* required field empty or absent */
    YW_R_BAD_ENCODING,     /* bytes not valid in the declared encoding / not UTF-8 */
    YW_R_TOO_LONG,         /* value longer than the field allows */
    YW_R_BAD_CSV,          /* malformed CSV record (quote, column count) */
    YW_R_BAD_JSON,         /* malformed JSON line or wrong value type */
    YW_R_USCC_LENGTH,      /* not 18 characters */
    YW_R_USCC_CHARSET,     /* character outside 0-9 A-Z minus I O Z S V */
    YW_R_USCC_CHECK,       /* 18th check character wrong */
    YW_R_USCC_ORG_CHECK,   /* embedded GB 11714 organisation code check wrong */
    YW_R_VIN_LENGTH,       /* not 17 characters */
    YW_R_VIN_CHARSET,      /* contains I, O, Q or a non-alphanumeric */
    YW_R_VIN_CHECK,        /* 9th-position check digit wrong */
    YW_R_PLATE_FORMAT,     /* not a GA 36 plate */
    YW_R_PLATE_PROVINCE,   /* unknown province abbreviation */
    YW_R_REGION_UNKNOWN,   /* not a GB/T 2260 code (after succession) */
    YW_R_REGION_OUTSIDE,   /* outside the node's jurisdiction */
    YW_R_DATE_FORMAT,      /* not a recognised date form */
    YW_R_DATE_RANGE,       /* no such day, or implausible year */
    YW_R_NUMBER_FORMAT,    /* not a number */
    YW_R_NUMBER_RANGE,     /* negative, overflowing or implausible */
    YW_R_UNIT_UNKNOWN,     /* unit suffix not known for this field */
    YW_R_ENUM_UNKNOWN,     /* value not in the code table or its synonyms */
    YW_R_COORD_RANGE,      /* coordinate outside its range */
    YW_R_INCONSISTENT,     /* fields contradict each other (end before start) */
    YW_R_COUNT             /* number of codes; not a reason */
} yw_reason_t;

/* Stable code string, e.g. "VIN_CHECK"; "UNKNOWN" for an out-of-range value. */
const char *yw_reason_code (yw_reason_t reason);

/* Parses a code string back; returns YW_R_COUNT if unknown. */
yw_reason_t yw_reason_parse (const char *code);

/* Short description in English and in Chinese, e.g. "VIN check digit wrong"
   and "车架号校验位错误". Constant strings, never NULL. */
const char *yw_reason_text_en (yw_reason_t reason);
const char *yw_reason_text_zh (yw_reason_t reason);

/* Writes the message a person reads into buffer (always NUL-terminated,
   truncated to size), e.g.
     vin "LSVAU2180N218329": VIN check digit is 7, not 3 (车架号校验位错误)
   field is the standard field name (or a source column label), value the
   offending text (may be NULL), detail an optional specific ("is 7, not 3",
   may be NULL: the English text is used). Returns buffer. */
char *yw_reason_format (yw_reason_t reason, const char *field,
                        const char *value, const char *detail,
                        char *buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif
