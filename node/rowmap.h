/*  rowmap.h - one source row to one normalized Record, or a rejection.

    The row's text for each standard field comes through a getter, so the
    same code serves files (source.h), raw rows that external adapters send
    to the node, and tests. Each field is normalized by its type (the field
    table in proto/record.h), enumerations go through the mapping's local
    synonyms and then the codebook, codes are validated, required fields and
    cross-field rules are checked, and an accepted record gets its object
    code and content hash. The first problem found rejects the row with a
    stable reason code and a message naming the column and the value.
*/
#ifndef YW_ROWMAP_H_INCLUDED
#define YW_ROWMAP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#include "codebook.h"
#include "mapping.h"
#include "reason.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _rowmap_t rowmap_t;

/* The text of standard field yw_fields[index] in the current row: returns 0
   with *value / *size, YW_ENOTFOUND if absent, YW_EENCODING if undecodable,
   YW_ETOOBIG if too long, YW_EPARSE if of the wrong type (JSON). */
typedef int (rowmap_get_fn) (void *row, size_t index, const char **value, size_t *size);

typedef struct {
    int field; /* yw_fields index, or -1 for the whole row */
    yw_reason_t reason;
    char column[128];  /* source column or standard field name */
    char value[256];   /* offending text, truncated on a character boundary */
    char message[640]; /* what a person reads */
} rowmap_reject_t;

/* Creates a row mapper. codebook and mapping are borrowed. jurisdiction is a
   region code that every record must lie in, or NULL for none (check). */
rowmap_t *rowmap_new (const codebook_t *codebook, const mapping_t *mapping,
                      const char *jurisdiction);

void rowmap_destroy (rowmap_t **self_p);

/* Whether rowmap_apply computes each record's content hash (default: yes).
   A caller that never uses it - `yiwang check` without --emit, or
   `yiwang import`, whose node hashes every record again - turns it off and
   saves an encoding and a SHA-256 per row; content_hash stays all zero. */
void rowmap_set_content_hash (rowmap_t *self, bool enabled);

/* Normalizes one row into record (reset first). Returns YW_R_OK with the
   record complete (object_code and content_hash set), or the reason it was
   rejected with *reject filled. */
yw_reason_t rowmap_apply (rowmap_t *self, rowmap_get_fn *get, void *row,
                          yw_record_t *record, rowmap_reject_t *reject);

/* Sets record's object code from its natural key (objcode.h) and its content
   hash. Returns YW_R_OK, or YW_R_MISSING when the natural key is incomplete
   (a building with neither certificate nor address and name). */
yw_reason_t rowmap_identify (yw_record_t *record);

#ifdef __cplusplus
}
#endif

#endif
