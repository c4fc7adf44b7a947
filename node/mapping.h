/*  mapping.h - the mapping file (DESIGN 4.1): which source column or JSON key
    feeds which standard field, the input format and encoding, the default
    region, and local synonym additions.

        [source]
        kind = vehicle          ; vehicle | office_building | reception_filing
        format = csv            ; csv | jsonl
        encoding = gb18030      ; utf-8 (default, BOM tolerated) | gb18030 | gbk
        region = 370102         ; region of rows that carry none
        name = county-fleet     ; optional: source name (default: file name)

        [field]                 ; standard field = source column or JSON key
        plate = 车牌号

        [synonyms.category]     ; value = standard code or name
        公务车 = 其他用车

    Loading checks everything a user can get wrong and says where: unknown
    sections and keys, keys given twice, fields that are not data elements
    of the kind (with a suggestion), required fields with no source, unknown
    encodings, region codes and synonym targets that are not in the
    codebook, text that is not UTF-8, lines over 198 bytes (comments aside).
    Comment lines start with ; or #; a ; after a space also starts one.
    Indentation means nothing (there are no continuation lines).
*/
#ifndef YW_MAPPING_H_INCLUDED
#define YW_MAPPING_H_INCLUDED

#include <stddef.h>

#include "codebook.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _mapping_t mapping_t;

#define YW_MAPPING_ERROR 512

/* Loads and checks a mapping file. Returns 0 and *mapping_p, or YW_EIO
   (unreadable) / YW_EMAPPING (unusable), with `error` (YW_MAPPING_ERROR
   bytes) naming the file, section, key and what is wrong. The codebook is
   borrowed and must outlive the mapping. */
int mapping_load (const char *path, const codebook_t *codebook,
                  mapping_t **mapping_p, char *error);

/* Same, from text in memory; `name` labels messages. */
int mapping_parse (const char *text, const char *name, const codebook_t *codebook,
                   mapping_t **mapping_p, char *error);

void mapping_destroy (mapping_t **self_p);

yw_kind_t mapping_kind (const mapping_t *self);
const char *mapping_format (const mapping_t *self);     /* "csv" | "jsonl" */
const char *mapping_encoding (const mapping_t *self);   /* "utf-8" | "gb18030" | "gbk" */
const char *mapping_region (const mapping_t *self);     /* resolved code, or "" */
const char *mapping_name (const mapping_t *self);       /* [source] name, or "" */
/* SHA-256 (YW_HASH_SIZE bytes) of the mapping's text. */
const uint8_t *mapping_digest (const mapping_t *self);

/* Source column or key of standard field yw_fields[index], or NULL if the
   mapping does not feed it. */
const char *mapping_column (const mapping_t *self, size_t field_index);

/* Local synonym of value for field yw_fields[index]: the standard code, or
   NULL when the mapping adds none for that value. */
const char *mapping_synonym (const mapping_t *self, size_t field_index,
                             const char *value);

#ifdef __cplusplus
}
#endif

#endif
