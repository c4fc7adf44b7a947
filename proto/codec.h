/*  codec.h - yw_record_t to and from protobuf bytes (proto/yiwang.proto), and
    the canonical content hash.

    This is the only module that touches the generated protobuf-c types for
    records; everything else holds yw_record_t.
*/
#ifndef YW_CODEC_H_INCLUDED
#define YW_CODEC_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Upper bound of the encoded size of any record (all strings at capacity). */
#define YW_RECORD_MAX_ENCODED 8192

/* Encodes record as a protobuf `Record` into out (out_size bytes).
   Returns the encoded length, or YW_ETOOBIG if out_size is too small. */
int codec_record_encode (const yw_record_t *record, uint8_t *out, size_t out_size);

/* Decodes a protobuf `Record` into record. Strict: unknown kind, a body that
   does not match kind, a string longer than its field or invalid UTF-8 in a
   string, are YW_EPARSE; a message over YW_RECORD_MAX_ENCODED is YW_ETOOBIG.
   On error, record is left reset and `error` (if not NULL, size >= 128)
   names the field. */
int codec_record_decode (const uint8_t *data, size_t size, yw_record_t *record,
                         char *error);

/* SHA-256 of the canonical body: the protobuf encoding of the record with
   object_code, kind, region_code, unit_code and body, and origin_node,
   version, deleted and content_hash cleared. Equal content gives equal
   hashes whoever reports it. Writes YW_HASH_SIZE bytes to hash. */
void codec_record_hash (const yw_record_t *record, uint8_t *hash);

#ifdef __cplusplus
}
#endif

#endif
