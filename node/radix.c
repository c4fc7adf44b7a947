/*  radix.c - LSD radix sort by a leading uint64_t key (radix.h). */
#include "radix.h"

#include <stdint.h>
#include <string.h>

static uint64_t
s_key (const unsigned char *item)
{
    uint64_t key;
    memcpy (&key, item, sizeof key);
    return key;
}

void *
radix_sort_u64 (void *items, void *spare, size_t count, size_t size)
{
    unsigned char *from = items, *to = spare;
    if (count == 0)
        return items;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t counts[256] = {0};
        for (size_t i = 0; i < count; i++)
            counts[(s_key (from + i * size) >> shift) & 0xff]++;
        if (counts[(s_key (from) >> shift) & 0xff] == count)
            continue; /* every key has the same byte here */
        size_t at = 0;
        for (int b = 0; b < 256; b++) {
            size_t n = counts[b];
            counts[b] = at;
            at += n;
        }
        for (size_t i = 0; i < count; i++) {
            const unsigned char *item = from + i * size;
            memcpy (to + counts[(s_key (item) >> shift) & 0xff]++ * size, item, size);
        }
        unsigned char *swap = from;
        from = to;
        to = swap;
    }
    return from;
}
