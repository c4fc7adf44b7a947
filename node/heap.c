/*  heap.c - a binary min-heap of indexes (see heap.h). */
#include "heap.h"

void
heap_down (size_t *heap, size_t size, size_t at, heap_less_fn *less, void *arg)
{
    for (;;) {
        size_t least = at, left = 2 * at + 1, right = left + 1;
        if (left < size && less (arg, heap[left], heap[least]))
            least = left;
        if (right < size && less (arg, heap[right], heap[least]))
            least = right;
        if (least == at)
            return;
        size_t swap = heap[at];
        heap[at] = heap[least];
        heap[least] = swap;
        at = least;
    }
}

void
heap_push (size_t *heap, size_t *size, size_t index, heap_less_fn *less, void *arg)
{
    size_t at = (*size)++;
    heap[at] = index;
    while (at > 0 && less (arg, heap[at], heap[(at - 1) / 2])) {
        size_t parent = (at - 1) / 2;
        heap[at] = heap[parent];
        heap[parent] = index;
        at = parent;
    }
}

void
heap_build (size_t *heap, size_t size, heap_less_fn *less, void *arg)
{
    for (size_t at = size / 2; at-- > 0;)
        heap_down (heap, size, at, less, arg);
}
