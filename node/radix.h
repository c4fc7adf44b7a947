/*  radix.h - a stable LSD radix sort of fixed-size items by the uint64_t
    each begins with: sorting a commit's object codes by their first 8
    bytes (the store's items, objmap's new codes) is several times faster
    than qsort's comparisons. Callers order the rare items with equal keys
    themselves (they come out in their input order). */
#ifndef YW_RADIX_H
#define YW_RADIX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sorts count items of `size` bytes (each starting with a uint64_t key) by
   key; passes over bytes that every key shares are skipped. spare has room
   for count items. Returns items or spare, whichever holds the result. */
void *radix_sort_u64 (void *items, void *spare, size_t count, size_t size);

#ifdef __cplusplus
}
#endif

#endif
