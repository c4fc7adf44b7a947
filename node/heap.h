/*  heap.h - a binary min-heap of indexes, for k-way merges (the spill and
    chunk merges of the store, dupfind's runs). The heap holds indexes into
    the caller's own array; `less` compares the items two indexes stand for
    (it may change them, e.g. read a run's next item in).
*/
#ifndef YW_HEAP_H_INCLUDED
#define YW_HEAP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the item of index x sorts before the item of index y. */
typedef bool (heap_less_fn) (void *arg, size_t x, size_t y);

/* Moves heap[at] down to its place among heap[0..size). */
void heap_down (size_t *heap, size_t size, size_t at, heap_less_fn *less, void *arg);

/* Adds `index` to heap[0..*size) and counts it in *size (heap has room). */
void heap_push (size_t *heap, size_t *size, size_t index, heap_less_fn *less, void *arg);

/* Makes heap[0..size) a heap. */
void heap_build (size_t *heap, size_t size, heap_less_fn *less, void *arg);

#ifdef __cplusplus
}
#endif

#endif
