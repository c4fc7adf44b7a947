/*  test_radix.c - radix_sort_u64: items come out ordered by key, items with
    equal keys in their input order (stable), whatever the item size, with
    keys that share bytes, and for 0 and 1 items. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "radix.h"

#define S_COUNT 20000

typedef struct {
    uint64_t key;
    uint32_t input; /* position before the sort */
    char pad[12];   /* an item larger than its key */
} s_item_t;

static uint64_t s_state = 88172645463325252ull;

static uint64_t
s_random (void)
{
    s_state ^= s_state << 13;
    s_state ^= s_state >> 7;
    s_state ^= s_state << 17;
    return s_state;
}

/* Sorts items made by make (i) and checks order and stability. */
static void
s_sort_and_check (uint64_t (*make) (size_t i), size_t count)
{
    s_item_t *items = calloc (count ? count : 1, sizeof *items);
    s_item_t *spare = calloc (count ? count : 1, sizeof *spare);
    for (size_t i = 0; i < count; i++) {
        items[i].key = make (i);
        items[i].input = (uint32_t)i;
        memset (items[i].pad, (int)(i & 0x7f), sizeof items[i].pad);
    }
    s_item_t *sorted = radix_sort_u64 (items, spare, count, sizeof *items);
    assert_true (sorted == items || sorted == spare);
    for (size_t i = 0; i < count; i++) {
        /* the item moved whole */
        assert_int_equal (sorted[i].pad[11], (char)(sorted[i].input & 0x7f));
        if (i == 0)
            continue;
        assert_true (sorted[i - 1].key <= sorted[i].key);
        if (sorted[i - 1].key == sorted[i].key)
            assert_true (sorted[i - 1].input < sorted[i].input);
    }
    free (items);
    free (spare);
}

static uint64_t
s_any (size_t i)
{
    (void)i;
    return s_random ();
}

static uint64_t
s_few (size_t i)
{
    (void)i;
    return s_random () % 50; /* many equal keys */
}

static uint64_t
s_shared_bytes (size_t i)
{
    (void)i; /* the two high bytes and the low byte shared, like a kind prefix */
    return 0x5648000000000000ull | (s_random () & 0x0000ffffffffff00ull) | 0x41;
}

static uint64_t
s_same (size_t i)
{
    (void)i;
    return 7;
}

static void
test_random_keys (void **state)
{
    (void)state;
    s_sort_and_check (s_any, S_COUNT);
}

static void
test_equal_keys_keep_their_order (void **state)
{
    (void)state;
    s_sort_and_check (s_few, S_COUNT);
    s_sort_and_check (s_same, 100);
}

static void
test_shared_bytes (void **state)
{
    (void)state;
    s_sort_and_check (s_shared_bytes, S_COUNT);
}

static void
test_zero_and_one (void **state)
{
    (void)state;
    s_sort_and_check (s_any, 0);
    s_sort_and_check (s_any, 1);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_random_keys),
        cmocka_unit_test (test_equal_keys_keep_their_order),
        cmocka_unit_test (test_shared_bytes),
        cmocka_unit_test (test_zero_and_one),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
