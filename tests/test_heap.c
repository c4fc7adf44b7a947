/*  test_heap.c - the min-heap of indexes: filled by heap_push or heap_build,
    emptied through heap_down, it gives the items in order, duplicates
    included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "heap.h"

#define S_COUNT 1000

static bool
s_less (void *arg, size_t x, size_t y)
{
    const int *values = arg;
    return values[x] < values[y];
}

/* Pops every index and checks the values come out in order. */
static void
s_drain (size_t *heap, size_t size, int *values)
{
    int last = -1;
    while (size) {
        assert_true (values[heap[0]] >= last);
        last = values[heap[0]];
        heap[0] = heap[--size];
        heap_down (heap, size, 0, s_less, values);
    }
}

static void
test_push_then_drain (void **state)
{
    (void)state;
    int values[S_COUNT];
    size_t heap[S_COUNT], size = 0;
    for (size_t i = 0; i < S_COUNT; i++) {
        values[i] = (int)((i * 7919) % 211); /* repeats */
        heap_push (heap, &size, i, s_less, values);
    }
    assert_int_equal (size, S_COUNT);
    s_drain (heap, size, values);
}

static void
test_build_then_drain (void **state)
{
    (void)state;
    int values[S_COUNT];
    size_t heap[S_COUNT];
    for (size_t i = 0; i < S_COUNT; i++) {
        values[i] = (int)((i * 104729) % 997);
        heap[i] = i;
    }
    heap_build (heap, S_COUNT, s_less, values);
    assert_int_equal (values[heap[0]], 0);
    s_drain (heap, S_COUNT, values);
    heap_build (heap, 0, s_less, values); /* empty: nothing to do */
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_push_then_drain),
        cmocka_unit_test (test_build_then_drain),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
