/*  source.h - the built-in adapters: rows of a CSV or JSON-lines file as the
    standard fields a mapping feeds, in UTF-8.

    A source reads the file named by the mapping's format and encoding. For
    CSV it reads the header first and finds each mapped column (a mapped
    column missing from the header makes the file unusable). Then each row
    gives, per standard field, the source text transcoded to UTF-8. Memory is
    bounded by the readers' limits, whatever the file size.
*/
#ifndef YW_SOURCE_H_INCLUDED
#define YW_SOURCE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mapping.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _source_t source_t;

#define YW_SOURCE_ERROR 512

/* Opens a source over file (borrowed) with the mapping (borrowed). `label`
   names the file in messages. Returns 0, or YW_EENCODING / YW_EPARSE /
   YW_EMAPPING / YW_EIO when the file is unusable (header unreadable in the
   declared encoding, a mapped column absent from the header or in it twice,
   a CSV file without even a header line, JSON lines with a non-UTF-8
   encoding), with `error` (YW_SOURCE_ERROR bytes) saying why. A byte-order
   mark before the header (UTF-8 EF BB BF, GB18030 84 31 95 33) is skipped. */
int source_open (const mapping_t *mapping, FILE *file, const char *label,
                 source_t **source_p, char *error);

void source_destroy (source_t **self_p);

/* Reads the next row. Returns 1 (a row; *line is where it starts), 0 at the
   end, YW_EPARSE / YW_ETOOBIG for a malformed row (CSV quoting or column
   count, JSON syntax or type; *line is set and source_error says what; the
   next call goes on after it), or YW_EIO when reading failed (final). */
int source_next (source_t *self, uint64_t *line);

/* The UTF-8 text of standard field yw_fields[index] in the current row.
   Returns 0 with *value / *size (valid until the next source_next), or
   YW_ENOTFOUND (not mapped, or absent in this row), or YW_EENCODING (bytes
   not valid in the file's encoding; source_error names the column and offset). */
int source_field (source_t *self, size_t index, const char **value, size_t *size);

/* True if the field is mapped and can have values: for CSV, its column is
   in the header; for JSON lines, its key had a value (not null) in at least
   one line read so far. A mapped key that no line has is most likely
   misspelt. */
bool source_field_seen (const source_t *self, size_t index);

/* When most of the CSV cells that were not valid in the declared encoding
   are valid in the other likely one (GB18030 for a file declared UTF-8,
   else UTF-8), that encoding ("gb18030" or "utf-8"), with *count the cells;
   else NULL. A file whose header is ASCII gives no other sign that the
   mapping names the wrong encoding. */
const char *source_encoding_hint (const source_t *self, uint64_t *count);

/* The message of the last row or field error. */
const char *source_error (const source_t *self);

/* Source column or key label of field index (for messages). */
const char *source_column (const source_t *self, size_t index);

/* Bytes of the file read so far. */
uint64_t source_offset (const source_t *self);

/* True, with *offset the file offset where the next row starts, when the
   source stands at a clean row boundary: the header (CSV) followed by the
   file's bytes from *offset read as the same rows. Chunks of `yiwang
   import` are cut there. */
bool source_boundary (const source_t *self, uint64_t *offset);

#ifdef __cplusplus
}
#endif

#endif
