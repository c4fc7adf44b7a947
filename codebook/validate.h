/*  validate.h - validators of the coding standard (DESIGN 3.2).

    Pure functions: no allocation, no global state, no table access (region
    checks live in codebook.h because they need the region table). Each takes
    an already-normalized NUL-terminated value (upper-case, no spaces) and
    returns YW_R_OK or the reason it is invalid. Where a check character is
    wrong, `expected` (if not NULL) receives the character the value should have
    carried, as a NUL-terminated string (buffer of at least 2 bytes).
*/
#ifndef CODEBOOK_VALIDATE_H_INCLUDED
#define CODEBOOK_VALIDATE_H_INCLUDED

#include "reason.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unified social credit code (GB 32100-2015): 18 characters from
   0-9 A-Z without I O Z S V; registration authority code (pos 1), unit type
   (pos 2), 6-digit region (pos 3-8), 9-char organisation code (pos 9-17)
   whose own check character (pos 17, GB 11714 mod 11, 'X' for 10) is
   verified, and the mod-31 check character (pos 18).
   Returns YW_R_OK, YW_R_USCC_LENGTH, YW_R_USCC_CHARSET, YW_R_USCC_ORG_CHECK
   or YW_R_USCC_CHECK. */
yw_reason_t codebook_uscc_validate (const char *text, char *expected);

/* Computes the GB 32100 check character of the first 17 characters of text.
   Returns it, or 0 if a character is outside the charset. */
char codebook_uscc_check_char (const char *text17);

/* VIN (GB 16735 / ISO 3779): 17 characters 0-9 A-Z without I O Q; position 9
   is the weighted mod-11 check digit ('X' for 10). Returns YW_R_OK,
   YW_R_VIN_LENGTH, YW_R_VIN_CHARSET or YW_R_VIN_CHECK. */
yw_reason_t codebook_vin_validate (const char *text, char *expected);

/* Computes the check digit for a 17-char VIN (position 9 ignored); 0 if a
   character is invalid. */
char codebook_vin_check_char (const char *vin17);

/* Plate (GA 36-2018), UTF-8: a province abbreviation (京津沪渝冀豫云辽黑湘皖鲁
   新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼), an issuing-authority letter, then
   5 alphanumerics (ordinary), or 6 for new-energy plates (D/F/A-K in the
   first or last position as GA 36 allows); suffixes 警 (police), 应急 (emergency)
   and the 学/挂/领 forms; also whole-plate forms such as 使/领 are rejected as
   foreign. Returns YW_R_OK, YW_R_PLATE_PROVINCE or YW_R_PLATE_FORMAT. */
yw_reason_t codebook_plate_validate (const char *text);

#ifdef __cplusplus
}
#endif

#endif
