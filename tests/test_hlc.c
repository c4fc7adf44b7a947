/*  test_hlc.c - the hybrid logical clock, on a clock the test turns by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hlc.h"
#include "yw.h"

static uint64_t
s_fake_clock (void *arg)
{
    return *(uint64_t *)arg;
}

static void
s_fake_init (hlc_t *hlc, uint64_t persisted, uint64_t *wall)
{
    hlc_init (hlc, persisted);
    hlc->clock = s_fake_clock;
    hlc->clock_arg = wall;
}

static void
test_follows_wall_clock (void **state)
{
    (void)state;
    uint64_t wall = 1700000000000;
    hlc_t hlc;
    s_fake_init (&hlc, 0, &wall);
    assert_int_equal (hlc_next (&hlc), hlc_make (wall, 0));
    assert_int_equal (hlc_next (&hlc), hlc_make (wall, 1));
    assert_int_equal (hlc_next (&hlc), hlc_make (wall, 2));
    wall += 5;
    assert_int_equal (hlc_next (&hlc), hlc_make (wall, 0));
    assert_int_equal (hlc_now (&hlc), hlc_make (wall, 0));
    assert_int_equal (hlc_ms (hlc.last), wall);
}

static void
test_monotonic_when_clock_goes_back (void **state)
{
    (void)state;
    uint64_t wall = 1700000000000;
    hlc_t hlc;
    s_fake_init (&hlc, 0, &wall);
    uint64_t before = hlc_next (&hlc);
    wall -= 60000; /* NTP step back by a minute */
    uint64_t after = hlc_next (&hlc);
    assert_true (after > before);
    assert_int_equal (hlc_ms (after), hlc_ms (before));
    assert_int_equal (hlc_counter (after), 1);
}

static void
test_counter_carries_into_ms (void **state)
{
    (void)state;
    uint64_t wall = 1700000000000;
    hlc_t hlc;
    s_fake_init (&hlc, 0, &wall);
    uint64_t previous = 0;
    for (int i = 0; i < 70000; i++) {
        uint64_t version = hlc_next (&hlc);
        assert_true (version > previous);
        previous = version;
    }
    /* 70,000 versions in one millisecond run 4,464 past the next one */
    assert_int_equal (previous, hlc_make (wall + 1, 70000 - 65536 - 1));
    wall += 10;
    assert_int_equal (hlc_next (&hlc), hlc_make (wall, 0));
}

static void
test_persisted_value_wins_over_old_clock (void **state)
{
    (void)state;
    /* restart with a wall clock an hour behind what the store saved */
    uint64_t wall = 1700000000000;
    uint64_t persisted = hlc_make (wall + 3600000, 7);
    hlc_t hlc;
    s_fake_init (&hlc, persisted, &wall);
    assert_int_equal (hlc_next (&hlc), persisted + 1);
}

static void
test_observe (void **state)
{
    (void)state;
    uint64_t wall = 1700000000000;
    hlc_t hlc;
    s_fake_init (&hlc, 0, &wall);
    uint64_t local = hlc_next (&hlc);

    /* a remote version a little ahead: later local versions exceed it */
    uint64_t remote = hlc_make (wall + 2000, 9);
    assert_int_equal (hlc_observe (&hlc, remote, 0), 0);
    assert_int_equal (hlc_next (&hlc), remote + 1);

    /* an older remote version changes nothing */
    uint64_t last = hlc.last;
    assert_int_equal (hlc_observe (&hlc, local, 0), 0);
    assert_int_equal (hlc.last, last);

    /* a clock a day ahead is refused and leaves the clock as it was */
    assert_int_equal (hlc_observe (&hlc, hlc_make (wall + 86400000, 0), 0), YW_EINVAL);
    assert_int_equal (hlc.last, last);
    /* unless the caller allows that much drift */
    assert_int_equal (hlc_observe (&hlc, hlc_make (wall + 86400000, 0), 86400000), 0);
    assert_int_equal (hlc.last, hlc_make (wall + 86400000, 0));
}

static void
test_real_clock (void **state)
{
    (void)state;
    hlc_t hlc;
    hlc_init (&hlc, 0);
    uint64_t a = hlc_next (&hlc), b = hlc_next (&hlc);
    assert_true (b > a);
    /* after 2023-11-14 and before 2200 */
    assert_true (hlc_ms (a) > 1700000000000ull && hlc_ms (a) < 7258118400000ull);
}

static void
test_format (void **state)
{
    (void)state;
    char text[HLC_TEXT_SIZE];
    assert_string_equal (hlc_format (hlc_make (1700000000123, 0), text),
                         "2023-11-14T22:13:20.123Z");
    assert_string_equal (hlc_format (hlc_make (1700000000123, 42), text),
                         "2023-11-14T22:13:20.123Z+42");
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_follows_wall_clock),
        cmocka_unit_test (test_monotonic_when_clock_goes_back),
        cmocka_unit_test (test_counter_carries_into_ms),
        cmocka_unit_test (test_persisted_value_wins_over_old_clock),
        cmocka_unit_test (test_observe),
        cmocka_unit_test (test_real_clock),
        cmocka_unit_test (test_format),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
