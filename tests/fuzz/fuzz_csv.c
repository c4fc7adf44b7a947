/*  fuzz_csv.c - libFuzzer target for the CSV reader.

    Reads the input from a memory buffer (of exactly `size` bytes, so ASan
    sees any read past it) and from a FILE, and checks that both give the
    same results and that every result keeps the reader's promises: fields
    NUL-terminated and within the limits, unquoted fields free of commas and
    LFs, lines strictly increasing and within the input, offsets growing to
    the input size, and an end after at most one result per line.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_csv: %s failed at line %d\n", #condition, __LINE__);    \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

/* FNV-1a over everything the reader hands out. */
static uint64_t
s_mix (uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
    return hash;
}

static uint64_t
s_read_all (csv_reader_t *reader, const uint8_t *data, size_t size)
{
    uint64_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    uint64_t hash = 0xcbf29ce484222325ULL;
    uint64_t last_line = 0;
    uint64_t last_offset = 0;
    uint64_t results = 0;
    while (true) {
        const csv_field_t *fields = NULL;
        size_t count = 0;
        uint64_t line = 0;
        int rc = csv_reader_next (reader, &fields, &count, &line);
        CHECK (rc == 1 || rc == 0 || rc == YW_EPARSE || rc == YW_ETOOBIG);
        uint64_t offset = csv_reader_offset (reader);
        CHECK (offset >= last_offset && offset <= size);
        last_offset = offset;
        hash = s_mix (hash, &rc, sizeof rc);
        if (rc == 0)
            break;
        CHECK (++results <= lines);
        CHECK (line > last_line && line <= lines);
        last_line = line;
        hash = s_mix (hash, &line, sizeof line);
        if (rc < 0) {
            CHECK (strlen (csv_reader_error (reader)) > 0);
            continue;
        }
        CHECK (count >= 1 && count <= YW_MAX_COLUMNS);
        for (size_t i = 0; i < count; i++) {
            const csv_field_t *field = &fields[i];
            CHECK (field->size <= YW_MAX_FIELD);
            CHECK (field->data[field->size] == '\0');
            if (!field->quoted)
                CHECK (!memchr (field->data, ',', field->size) &&
                       !memchr (field->data, '\n', field->size));
            hash = s_mix (hash, &field->size, sizeof field->size);
            hash = s_mix (hash, field->data, field->size);
            hash = s_mix (hash, &field->quoted, sizeof field->quoted);
        }
    }
    CHECK (last_offset == size);
    /* The end is final */
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    CHECK (csv_reader_next (reader, &fields, &count, &line) == 0);
    return hash;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    csv_reader_t *reader = csv_reader_new_buffer ((const char *)data, size);
    uint64_t from_buffer = s_read_all (reader, data, size);
    csv_reader_destroy (&reader);

    /* The same bytes through the FILE path ("r": fmemopen does not write) */
    FILE *file = fmemopen ((void *)data, size, "r");
    if (!file)
        return 0; /* size 0 on some libcs */
    reader = csv_reader_new (file);
    uint64_t from_file = s_read_all (reader, data, size);
    csv_reader_destroy (&reader);
    fclose (file);
    CHECK (from_buffer == from_file);
    return 0;
}
