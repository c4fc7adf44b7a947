/*  test_dupfind.c - the bounded-memory duplicate finder: what counts as a
    repeat, which line it is reported against, and that the external-sort
    path (runs spilled to a temporary file and merged) finds exactly what
    the in-memory path finds, down to a buffer of one entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "dupfind.h"
#include "yw.h"

/* Repeats as reported, in order. */
typedef struct {
    uint64_t (*pairs)[2];
    size_t count, cap;
} repeats_t;

static void
s_collect (void *arg, uint64_t first, uint64_t line)
{
    repeats_t *repeats = arg;
    if (repeats->count == repeats->cap) {
        repeats->cap = repeats->cap ? repeats->cap * 2 : 64;
        repeats->pairs = yw_realloc (repeats->pairs, repeats->cap * sizeof *repeats->pairs);
    }
    repeats->pairs[repeats->count][0] = first;
    repeats->pairs[repeats->count][1] = line;
    repeats->count++;
}

static int
s_pair_compare (const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[1] != y[1])
        return x[1] < y[1] ? -1 : 1;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The repeats of `keys` (one key per line, lines 1..n) with a buffer of
   `capacity` entries, as "first>line" pairs sorted by line, comma-separated. */
static char *
s_find (const char *const *keys, size_t n, size_t capacity, int64_t *count)
{
    dupfind_t *finder = dupfind_new (capacity);
    for (size_t i = 0; i < n; i++)
        assert_int_equal (dupfind_add (finder, keys[i], strlen (keys[i]), i + 1), 0);
    repeats_t repeats = {0};
    *count = dupfind_finish (finder, s_collect, &repeats);
    dupfind_destroy (&finder);
    assert_null (finder);
    if (repeats.count)
        qsort (repeats.pairs, repeats.count, sizeof *repeats.pairs, s_pair_compare);
    char *text = yw_calloc (1, repeats.count * 48 + 1);
    size_t off = 0;
    for (size_t i = 0; i < repeats.count; i++)
        off += (size_t)sprintf (text + off, "%s%llu>%llu", i ? "," : "",
                                (unsigned long long)repeats.pairs[i][0],
                                (unsigned long long)repeats.pairs[i][1]);
    free (repeats.pairs);
    return text;
}

typedef struct {
    const char *what;
    const char *keys[10];
    const char *repeats; /* first>line, sorted by line */
} dup_case_t;

static const dup_case_t s_cases[] = {
    {"nothing", {NULL}, ""},
    {"one key", {"VH1", NULL}, ""},
    {"distinct keys", {"VH1", "VH2", "VH3", NULL}, ""},
    {"a pair", {"VH1", "VH2", "VH1", NULL}, "1>3"},
    {"three times: each repeat names the first",
     {"A", "B", "A", "C", "A", NULL},
     "1>3,1>5"},
    {"two pairs", {"A", "B", "B", "A", NULL}, "2>3,1>4"},
    {"all the same", {"K", "K", "K", "K", NULL}, "1>2,1>3,1>4"},
    {"prefixes are different keys", {"ABC", "AB", "ABCD", "A", NULL}, ""},
    {"only DUPFIND_KEY bytes count",
     {"0123456789ABCDEFxyz", "0123456789ABCDEFuvw", "0123456789ABCDE", NULL},
     "1>2"},
    {"bytes above 0x7F", {"\xC3\xA9", "\xC3\xA8", "\xC3\xA9", NULL}, "1>3"},
};

static void
test_cases (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const dup_case_t *c = &s_cases[i];
        size_t n = 0;
        while (c->keys[n])
            n++;
        int64_t expected = 0;
        for (const char *p = c->repeats; *p; p++)
            expected += *p == '>';
        /* In memory, and with every buffer size that makes it spill. */
        size_t capacities[] = {0, 1, 2, 3, 1000};
        for (size_t k = 0; k < sizeof capacities / sizeof capacities[0]; k++) {
            int64_t count = 0;
            char *got = s_find (c->keys, n, capacities[k], &count);
            if (strcmp (got, c->repeats) || count != expected)
                fail_msg ("%s, buffer %zu: got \"%s\" (%lld), expected \"%s\"", c->what,
                          capacities[k], got, (long long)count, c->repeats);
            free (got);
        }
    }
}

/* Keys are zero-padded, so a key and the same key with NULs after it are
   one key; that never happens with object codes, which are fixed-length. */
static void
test_key_padding (void **state)
{
    (void)state;
    dupfind_t *finder = dupfind_new (0);
    assert_int_equal (dupfind_add (finder, "AB\0\0", 4, 1), 0);
    assert_int_equal (dupfind_add (finder, "AB", 2, 2), 0);
    assert_int_equal (dupfind_add (finder, "", 0, 3), 0);
    assert_int_equal (dupfind_add (finder, "\0", 1, 4), 0);
    assert_int_equal (dupfind_finish (finder, NULL, NULL), 2);
    dupfind_destroy (&finder);
    dupfind_destroy (&finder); /* idempotent */
    dupfind_destroy (NULL);
}

/* A deterministic pseudo-random key of object number n. */
static void
s_key (uint64_t n, char *key)
{
    uint64_t x = n * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32;
    snprintf (key, DUPFIND_KEY + 1, "%016llX", (unsigned long long)x);
}

typedef struct {
    uint64_t repeats;
    uint64_t line_sum; /* sum of repeat lines */
    uint64_t pair_hash;
    bool ordered; /* every first < its line */
} summary_t;

static void
s_summarize (void *arg, uint64_t first, uint64_t line)
{
    summary_t *summary = arg;
    summary->repeats++;
    summary->line_sum += line;
    summary->pair_hash += (first * 0x100000001B3ULL) ^ line; /* order-free */
    summary->ordered &= first < line;
}

/* Rows i = 1..n name object (i * 7919) % m: m distinct objects, with
   repeats spread across the whole file (and so across runs). The first
   line of object o is the smallest i with the same residue. */
static void
s_run_many (size_t n, size_t m, size_t capacity, summary_t *summary, int64_t *count)
{
    dupfind_t *finder = dupfind_new (capacity);
    char key[DUPFIND_KEY + 1];
    for (size_t i = 1; i <= n; i++) {
        s_key ((i * 7919) % m, key);
        assert_int_equal (dupfind_add (finder, key, DUPFIND_KEY, i), 0);
    }
    memset (summary, 0, sizeof *summary);
    summary->ordered = true;
    *count = dupfind_finish (finder, s_summarize, summary);
    dupfind_destroy (&finder);
}

static void
test_spill_matches_memory (void **state)
{
    (void)state;
    const size_t n = 60000, m = 41000;
    /* Expected: every row past the first of its object is a repeat of it. */
    uint64_t *first = yw_calloc (m, sizeof *first);
    summary_t expected = {0, 0, 0, true};
    for (size_t i = 1; i <= n; i++) {
        size_t object = (i * 7919) % m;
        if (!first[object])
            first[object] = i;
        else
            s_summarize (&expected, first[object], i);
    }
    free (first);
    assert_int_equal (expected.repeats, n - m);

    size_t capacities[] = {0, n, n - 1, n / 2, 4096, 1000, 97};
    for (size_t k = 0; k < sizeof capacities / sizeof capacities[0]; k++) {
        summary_t got;
        int64_t count;
        s_run_many (n, m, capacities[k], &got, &count);
        if (count != (int64_t)expected.repeats || got.repeats != expected.repeats ||
            got.line_sum != expected.line_sum || got.pair_hash != expected.pair_hash ||
            !got.ordered)
            fail_msg ("buffer %zu: %lld repeats (expected %llu)", capacities[k],
                      (long long)count, (unsigned long long)expected.repeats);
    }
}

/* At the default buffer, a file of 600,000 rows spills two runs and merges
   three; the five planted repeats are found across them. */
static void
test_spill_at_default_size (void **state)
{
    (void)state;
    const uint64_t n = 600000;
    dupfind_t *finder = dupfind_new (0);
    char key[DUPFIND_KEY + 1];
    for (uint64_t i = 1; i <= n; i++) {
        /* Rows 500,001.. repeat rows 1, 100,000, 262,144, 262,145, 499,999. */
        static const uint64_t planted[] = {1, 100000, 262144, 262145, 499999};
        uint64_t object = i;
        if (i > 500000 && i <= 500005)
            object = planted[i - 500001];
        s_key (object, key);
        assert_int_equal (dupfind_add (finder, key, DUPFIND_KEY, i), 0);
    }
    repeats_t repeats = {0};
    assert_int_equal (dupfind_finish (finder, s_collect, &repeats), 5);
    if (repeats.count)
        qsort (repeats.pairs, repeats.count, sizeof *repeats.pairs, s_pair_compare);
    static const uint64_t expected[5][2] = {{1, 500001},
                                            {100000, 500002},
                                            {262144, 500003},
                                            {262145, 500004},
                                            {499999, 500005}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal (repeats.pairs[i][0], expected[i][0]);
        assert_int_equal (repeats.pairs[i][1], expected[i][1]);
    }
    free (repeats.pairs);
    dupfind_destroy (&finder);
}

/* The runs go to $TMPDIR: a directory that cannot be written is an error
   the caller sees, at the first spill, not a crash or a silent zero. */
static void
test_spill_unwritable (void **state)
{
    (void)state;
    const char *saved = getenv ("TMPDIR");
    char *copy = saved ? yw_strdup (saved) : NULL;
    setenv ("TMPDIR", "/nonexistent/yiwang-test", 1);
    dupfind_t *finder = dupfind_new (4);
    for (uint64_t i = 1; i <= 4; i++)
        assert_int_equal (dupfind_add (finder, "K", 1, i), 0);
    assert_int_equal (dupfind_add (finder, "K", 1, 5), YW_EIO);
    dupfind_destroy (&finder);

    /* Buffered in memory only: no temporary file needed. */
    finder = dupfind_new (4);
    for (uint64_t i = 1; i <= 4; i++)
        assert_int_equal (dupfind_add (finder, "K", 1, i), 0);
    assert_int_equal (dupfind_finish (finder, NULL, NULL), 3);
    dupfind_destroy (&finder);
    if (copy)
        setenv ("TMPDIR", copy, 1);
    else
        unsetenv ("TMPDIR");
    free (copy);
}

/* A disk that fills while runs are written: the write fails, YW_EIO. */
static void
test_spill_disk_full (void **state)
{
    (void)state;
    struct rlimit saved;
    assert_int_equal (getrlimit (RLIMIT_FSIZE, &saved), 0);
    void (*handler) (int) = signal (SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 64 * 1024;
    assert_int_equal (setrlimit (RLIMIT_FSIZE, &small), 0);

    dupfind_t *finder = dupfind_new (1000);
    char key[DUPFIND_KEY + 1];
    int rc = 0;
    for (uint64_t i = 1; i <= 20000 && rc == 0; i++) {
        s_key (i, key);
        rc = dupfind_add (finder, key, DUPFIND_KEY, i);
    }
    int64_t finished = rc ? rc : dupfind_finish (finder, NULL, NULL);
    dupfind_destroy (&finder);

    assert_int_equal (setrlimit (RLIMIT_FSIZE, &saved), 0);
    signal (SIGXFSZ, handler);
    assert_int_equal (finished, YW_EIO);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_cases),
        cmocka_unit_test (test_key_padding),
        cmocka_unit_test (test_spill_matches_memory),
        cmocka_unit_test (test_spill_at_default_size),
        cmocka_unit_test (test_spill_unwritable),
        cmocka_unit_test (test_spill_disk_full),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
