/*  objcode.h - unified object codes (DESIGN 3.4).

    An object code is deterministic from the object's natural key, whoever
    reports it: a two-letter kind prefix, 20 Crockford base32 characters of
    SHA-256 (kind name || 0x00 || canonical natural key), and one check
    character (Luhn mod 32 over the Crockford values of the 22 characters
    before it; the prefix letters are Crockford symbols too). 23 characters.

    Prefixes: VH vehicle, BD office_building, RF reception_filing.

    Natural keys (built by the caller from normalized fields, see
    codebook_objcode_key):
      vehicle          VIN
      office_building  certificate number, else region "|" address "|" name
      reception_filing host unit USCC "|" filing number
*/
#ifndef CODEBOOK_OBJCODE_H_INCLUDED
#define CODEBOOK_OBJCODE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define YW_OBJCODE_LEN 23

/* Computes the object code of kind_name ("vehicle", "office_building",
   "reception_filing") and key into out (at least YW_OBJCODE_LEN + 1 bytes).
   Returns 0, or YW_EINVAL for an unknown kind. */
int codebook_objcode (const char *kind_name, const char *key, size_t key_len,
                      char *out);

/* True if text is a well-formed object code with a correct check character. */
bool codebook_objcode_valid (const char *text);

#ifdef __cplusplus
}
#endif

#endif
