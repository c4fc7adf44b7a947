/*  fuzz_jsonl.c - libFuzzer target for the JSON-lines reader.

    Reads the input from a memory buffer (of exactly `size` bytes) and from
    a FILE, asks every object for a few keys, and checks that both ways give
    the same results and that values are NUL-terminated text of the size
    given, lines strictly increase, and the offset ends at the input size.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_jsonl: %s failed at line %d\n", #condition, __LINE__);  \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

static const char *const s_keys[] = {"a", "b", "", "plate", "车牌号", "0"};

static uint64_t
s_mix (uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
    return hash;
}

static uint64_t
s_read_all (jsonl_reader_t *reader, const uint8_t *data, size_t size)
{
    uint64_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    uint64_t hash = 0xcbf29ce484222325ULL;
    uint64_t last_line = 0;
    while (true) {
        uint64_t line = 0;
        int rc = jsonl_reader_next (reader, &line);
        CHECK (rc == 1 || rc == 0 || rc == YW_EPARSE || rc == YW_ETOOBIG);
        hash = s_mix (hash, &rc, sizeof rc);
        if (rc == 0)
            break;
        CHECK (line > last_line && line <= lines);
        last_line = line;
        hash = s_mix (hash, &line, sizeof line);
        if (rc < 0) {
            CHECK (strlen (jsonl_reader_error (reader)) > 0);
            continue;
        }
        for (size_t k = 0; k < sizeof s_keys / sizeof s_keys[0]; k++) {
            const char *value = NULL;
            size_t value_size = 0;
            rc = jsonl_reader_get (reader, s_keys[k], &value, &value_size);
            CHECK (rc == 0 || rc == YW_ENOTFOUND || rc == YW_EPARSE || rc == YW_ETOOBIG);
            hash = s_mix (hash, &rc, sizeof rc);
            if (rc != 0)
                continue;
            CHECK (value_size <= YW_MAX_FIELD + 400); /* a string, or a number's text */
            CHECK (value[value_size] == '\0' && strlen (value) == value_size);
            hash = s_mix (hash, value, value_size);
        }
    }
    CHECK (jsonl_reader_offset (reader) == size);
    uint64_t line;
    CHECK (jsonl_reader_next (reader, &line) == 0);
    return hash;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    jsonl_reader_t *reader = jsonl_reader_new_buffer ((const char *)data, size);
    uint64_t from_buffer = s_read_all (reader, data, size);
    jsonl_reader_destroy (&reader);

    /* The same bytes through the FILE path ("r": fmemopen does not write) */
    FILE *file = fmemopen ((void *)data, size, "r");
    if (!file)
        return 0; /* size 0 on some libcs */
    reader = jsonl_reader_new (file);
    uint64_t from_file = s_read_all (reader, data, size);
    jsonl_reader_destroy (&reader);
    fclose (file);
    CHECK (from_buffer == from_file);
    return 0;
}
