/*  normalize.h - normalizers of the coding standard (DESIGN 3.3).

    Each takes source text that is already UTF-8 (transcoding happens in the
    adapter) as a pointer and length (not necessarily NUL-terminated), and
    writes the normalized value to a caller buffer or integer. No allocation,
    no global state. Returns YW_R_OK, or the reason the value was refused; then
    `detail` (if not NULL, size YW_NORM_DETAIL) receives a short English
    specific such as "month 13" for the message.

    Text outputs are NUL-terminated; when the result does not fit out_size the
    function returns YW_R_TOO_LONG. An empty (after trimming) input returns
    YW_R_MISSING; callers decide whether the field was required.
*/
#ifndef CODEBOOK_NORMALIZE_H_INCLUDED
#define CODEBOOK_NORMALIZE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "codebook.h"
#include "reason.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YW_NORM_DETAIL 96

/* NFKC (utf8proc) + trim + fold runs of inner white space (incl. U+3000 and
   tabs/newlines) into one ASCII space. 鲁Ａ１２３４５ -> 鲁A12345.
   YW_R_BAD_ENCODING for invalid UTF-8. */
int codebook_norm_text (const char *in, size_t len, char *out, size_t out_size,
                        char *detail);

/* Like codebook_norm_text, then removes every space and upper-cases ASCII
   letters: for codes (USCC, VIN, plate, certificate numbers). */
int codebook_norm_code (const char *in, size_t len, char *out, size_t out_size,
                        char *detail);

/* For plates: like codebook_norm_code, then removes the separators written
   between a plate's parts as printed on the plate or typed in spreadsheets:
   '-' (also full-width －, through NFKC), U+00B7 ·, U+2022 • and U+30FB ・
   (also half-width ･). 鲁A·12345, 鲁A-12345, 鲁A - 12345 -> 鲁A12345.
   A separator is removed only where it stands alone between two characters
   a plate is made of (ASCII letters and digits, CJK ideographs U+4E00..U+9FFF);
   one at the start or the end, next to another separator or next to any
   other character is kept, so that codebook_plate_validate () rejects the
   value as written rather than a guess at it: "·鲁A12345", "鲁A··12345" and
   "·" come back unchanged with YW_R_OK. out_size must also hold the text
   before the separators are removed (YW_R_TOO_LONG otherwise). Only for
   plates: a hyphen inside a USCC or VIN is an error to report, which
   codebook_norm_code keeps for its validator. */
int codebook_norm_plate (const char *in, size_t len, char *out, size_t out_size,
                         char *detail);

/* Dates: 2021-07-03, 2021/7/3, 2021.7.3, 20210703, 2021年7月3日, 2021-07-03
   10:20:00 (time ignored), and Excel serial numbers (1900 date system,
   e.g. 44380 = 2021-07-03; accepted between 1 and 2958465). Output YYYYMMDD.
   Years outside 1900..2100 are YW_R_DATE_RANGE. */
int codebook_norm_date (const char *in, size_t len, int32_t *out, char *detail);

/* A year: 1998, 1998年, or a date (its year). Output YYYY. */
int codebook_norm_year (const char *in, size_t len, int32_t *out, char *detail);

/* A non-negative integer count: 12, 12人, 1,200 ("人", "次", "个", "层",
   "餐", "晚" suffixes tolerated). */
int codebook_norm_count (const char *in, size_t len, int64_t *out, char *detail);

/* Money to fen: "12.5万元" -> 12500000, "1,234.56元" -> 123456,
   "¥300" -> 30000, plain numbers are yuan. At most 2 decimals after scaling
   (more are rounded half up). */
int codebook_norm_money (const char *in, size_t len, int64_t *out, char *detail);

/* Area to 0.01 m2: "1,234.5平方米" / "1234.5㎡" / "1234.5m2" / plain -> m2;
   "3.2亩" (1 亩 = 2000/3 m2) and "公顷" (10,000 m2) converted, rounded half up. */
int codebook_norm_area (const char *in, size_t len, int64_t *out, char *detail);

/* Engine displacement to ml: "1798", "1798ml", "1.8L", "1.8升", "2.0T"
   (T = turbo, litres). Plain numbers below 20 are litres, else ml. */
int codebook_norm_volume (const char *in, size_t len, int64_t *out, char *detail);

/* Distance to km: "12345", "12,345公里", "12345km", "1.23万公里". */
int codebook_norm_distance (const char *in, size_t len, int64_t *out, char *detail);

/* Coordinate in decimal degrees ("117.0009", "117.0009°") to degrees x 1e7;
   |value| <= 180. */
int codebook_norm_coord (const char *in, size_t len, int64_t *out, char *detail);

/* An enumeration value: NFKC-normalizes, trims, then looks the result up with
   codebook_enum_lookup (). *code receives the standard code (pointer into
   the codebook). YW_R_ENUM_UNKNOWN if nothing matches. */
int codebook_norm_enum (const codebook_t *codebook, const char *table, const char *in,
                        size_t len, const char **code, char *detail);

#ifdef __cplusplus
}
#endif

#endif
