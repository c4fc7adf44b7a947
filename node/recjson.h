/*  recjson.h - records and rows as machine output: a record as a JSON
    object with the standard's field names (DESIGN 2), what `yiwang check
    --emit`, `yiwang log` and the query API print (codes, integers in their
    fixed units); and text as a TSV cell. */
#ifndef YW_RECJSON_H_INCLUDED
#define YW_RECJSON_H_INCLUDED

#include <jansson.h>
#include <stdio.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new JSON object: object_code, kind, every given field, content_hash
   (hex); with envelope, also origin_node, version and deleted when set.
   The caller owns the reference. */
json_t *recjson_record (const yw_record_t *record, bool envelope);

/* Lower-case hex of size bytes into out (2 * size + 1 bytes). */
void recjson_hex (const uint8_t *data, size_t size, char *out);

/* Writes text as one TSV cell: tab, newline, CR and backslash escaped as
   \t \n \r \\, so a value never breaks its line. NULL writes nothing. */
void recjson_put_tsv (FILE *out, const char *text);

#ifdef __cplusplus
}
#endif

#endif
