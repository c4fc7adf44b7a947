/*  wire.h - protobuf wire format, by hand, for the hot paths.

    Batches of thousands of records are framed and walked here without
    building protobuf-c message trees: a batch is a sequence of top-level
    fields, and each repeated message field is handed on as a byte range to
    the codec that owns it. What this writes is ordinary protobuf that stock
    protoc-generated code in any language decodes.
*/
#ifndef YW_WIRE_H_INCLUDED
#define YW_WIRE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable output buffer. */
typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
} wire_buf_t;

void wire_buf_init (wire_buf_t *buf);
void wire_buf_free (wire_buf_t *buf);
/* Makes room for `extra` more bytes and returns where they go. */
uint8_t *wire_buf_reserve (wire_buf_t *buf, size_t extra);

/* Field writers: tag (number, wire type) and payload. */
void wire_put_varint (wire_buf_t *buf, uint32_t number, uint64_t value);
void wire_put_bytes (wire_buf_t *buf, uint32_t number, const void *data, size_t size);
void wire_put_string (wire_buf_t *buf, uint32_t number, const char *text);

/* Starts a length-delimited field whose size is not known yet (at most
   2^28 - 1 bytes): returns a mark for wire_end_bytes. */
size_t wire_begin_bytes (wire_buf_t *buf, uint32_t number);
void wire_end_bytes (wire_buf_t *buf, size_t mark);

/* A reader over one message's bytes. */
typedef struct {
    const uint8_t *pos;
    const uint8_t *end;
} wire_reader_t;

typedef struct {
    uint32_t number;
    int type;            /* 0 varint, 1 fixed64, 2 bytes, 5 fixed32 */
    uint64_t value;      /* varint / fixed value */
    const uint8_t *data; /* bytes: payload */
    size_t size;
} wire_field_t;

void wire_reader_init (wire_reader_t *reader, const void *data, size_t size);

/* Reads the next field. Returns 1 with *field, 0 at the end of the message,
   or YW_EPARSE for malformed bytes (truncated, bad tag, group wire types). */
int wire_next (wire_reader_t *reader, wire_field_t *field);

#ifdef __cplusplus
}
#endif

#endif
