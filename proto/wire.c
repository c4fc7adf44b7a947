/*  wire.c - protobuf wire format, by hand. */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#include "yw.h"

void
wire_buf_init (wire_buf_t *buf)
{
    memset (buf, 0, sizeof *buf);
}

void
wire_buf_free (wire_buf_t *buf)
{
    free (buf->data);
    memset (buf, 0, sizeof *buf);
}

uint8_t *
wire_buf_reserve (wire_buf_t *buf, size_t extra)
{
    if (buf->size + extra > buf->capacity) {
        size_t capacity = buf->capacity ? buf->capacity : 4096;
        while (capacity < buf->size + extra)
            capacity *= 2;
        buf->data = yw_realloc (buf->data, capacity);
        buf->capacity = capacity;
    }
    return buf->data + buf->size;
}

static size_t
s_varint (uint8_t *out, uint64_t value)
{
    size_t n = 0;
    while (value >= 0x80) {
        out[n++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    out[n++] = (uint8_t)value;
    return n;
}

void
wire_put_varint (wire_buf_t *buf, uint32_t number, uint64_t value)
{
    uint8_t *out = wire_buf_reserve (buf, 20);
    size_t n = s_varint (out, (uint64_t)number << 3);
    n += s_varint (out + n, value);
    buf->size += n;
}

void
wire_put_bytes (wire_buf_t *buf, uint32_t number, const void *data, size_t size)
{
    uint8_t *out = wire_buf_reserve (buf, 20 + size);
    size_t n = s_varint (out, (uint64_t)number << 3 | 2);
    n += s_varint (out + n, size);
    if (size)
        memcpy (out + n, data, size);
    buf->size += n + size;
}

void
wire_put_string (wire_buf_t *buf, uint32_t number, const char *text)
{
    wire_put_bytes (buf, number, text, strlen (text));
}

/* The length is written later as a 4-byte padded varint, which protobuf
   allows (redundant continuation bytes), so nothing has to move. */
size_t
wire_begin_bytes (wire_buf_t *buf, uint32_t number)
{
    uint8_t *out = wire_buf_reserve (buf, 16);
    size_t n = s_varint (out, (uint64_t)number << 3 | 2);
    buf->size += n + 4;
    return buf->size;
}

void
wire_end_bytes (wire_buf_t *buf, size_t mark)
{
    size_t size = buf->size - mark;
    uint8_t *out = buf->data + mark - 4;
    out[0] = (uint8_t)(size | 0x80);
    out[1] = (uint8_t)((size >> 7) | 0x80);
    out[2] = (uint8_t)((size >> 14) | 0x80);
    out[3] = (uint8_t)((size >> 21) & 0x7f);
}

void
wire_reader_init (wire_reader_t *reader, const void *data, size_t size)
{
    reader->pos = data;
    reader->end = reader->pos + size;
}

static int
s_read_varint (wire_reader_t *reader, uint64_t *value)
{
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (reader->pos == reader->end)
            return YW_EPARSE;
        uint8_t byte = *reader->pos++;
        result |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *value = result;
            return 0;
        }
    }
    return YW_EPARSE;
}

int
wire_next (wire_reader_t *reader, wire_field_t *field)
{
    if (reader->pos == reader->end)
        return 0;
    uint64_t tag;
    if (s_read_varint (reader, &tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
        return YW_EPARSE;
    field->number = (uint32_t)(tag >> 3);
    field->type = (int)(tag & 7);
    field->data = NULL;
    field->size = 0;
    field->value = 0;
    switch (field->type) {
        case 0: return s_read_varint (reader, &field->value) ? YW_EPARSE : 1;
        case 1:
        case 5: {
            size_t width = field->type == 1 ? 8 : 4;
            if ((size_t)(reader->end - reader->pos) < width)
                return YW_EPARSE;
            for (size_t i = 0; i < width; i++)
                field->value |= (uint64_t)reader->pos[i] << (8 * i);
            reader->pos += width;
            return 1;
        }
        case 2: {
            uint64_t size;
            if (s_read_varint (reader, &size) ||
                size > (uint64_t)(reader->end - reader->pos))
                return YW_EPARSE;
            field->data = reader->pos;
            field->size = (size_t)size;
            reader->pos += size;
            return 1;
        }
        default: return YW_EPARSE; /* groups (3, 4) are not used by yiwang */
    }
}
