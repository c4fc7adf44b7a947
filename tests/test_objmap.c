/*  test_objmap.c - the object map on a real LMDB environment: new codes
    become runs at each flush, runs merge so that their sizes shrink
    geometrically, every code is found (in its transaction before the flush,
    through the runs after it), absent codes are not, iteration gives every
    code once in order, an aborted transaction leaves nothing, and damage
    (a malformed run entry, a code in two runs) is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lmdb_test.h"
#include "objmap.h"

static bool owed; /* objmap_flush's */

typedef struct {
    char dir[64];
    MDB_env *env;
    MDB_dbi obj, objrun;
    objmap_pending_t *pending;
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *f = calloc (1, sizeof *f);
    if (lmdb_test_open (f->dir, sizeof f->dir, "objmap", &f->env, "obj", &f->obj, "objrun",
                        &f->objrun))
        return -1;
    f->pending = objmap_pending_new ();
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *f = *state;
    objmap_pending_destroy (&f->pending);
    int rc = lmdb_test_close (f->dir, f->env);
    free (f);
    return rc;
}

/* Code number n: 23 characters, spread over the key space like real
   object codes (a hash of n first). */
static void
s_code (uint64_t n, char *code)
{
    static const char digits[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    uint64_t x = n * 0x9e3779b97f4a7c15ull + 12345;
    memcpy (code, "VH", 2);
    for (int i = 2; i < OBJMAP_CODE; i++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ull;
        code[i] = digits[(x >> 40) % 31];
    }
    code[OBJMAP_CODE] = '\0';
}

static void
s_seq (uint64_t n, uint8_t *seq)
{
    for (int i = 7; i >= 0; i--, n >>= 8)
        seq[i] = (uint8_t)n;
}

/* One write transaction that adds codes [from, to) and flushes. */
static void
s_add_range (s_fixture_t *f, uint64_t from, uint64_t to)
{
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    objmap_view_t view;
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    objmap_pending_reset (f->pending);
    for (uint64_t n = from; n < to; n++) {
        char code[OBJMAP_CODE + 1];
        uint8_t seq[8], found[8];
        s_code (n, code);
        assert_int_equal (objmap_find (&view, code, objmap_hash (code), found),
                          MDB_NOTFOUND);
        assert_false (objmap_pending_find (f->pending, code, objmap_hash (code), found));
        s_seq (n, seq);
        objmap_pending_add (f->pending, code, objmap_hash (code), seq);
        assert_true (objmap_pending_find (f->pending, code, objmap_hash (code), found));
        assert_memory_equal (found, seq, 8);
    }
    assert_int_equal (objmap_pending_count (f->pending), to - from);
    assert_int_equal (objmap_flush (f->pending, &view, false, &owed), 0);
    assert_int_equal (objmap_pending_count (f->pending), 0);
    assert_int_equal (mdb_txn_commit (txn), 0);
}

static void
s_read_view (s_fixture_t *f, MDB_txn **txn, objmap_view_t *view)
{
    assert_int_equal (mdb_txn_begin (f->env, NULL, MDB_RDONLY, txn), 0);
    assert_int_equal (objmap_view (view, *txn, f->obj, f->objrun), 0);
}

/* Every code of [0, count) is found with its seq; count codes after them
   are not; iteration gives [0, count) once each, in code order, each from
   a run whose Bloom filter admits it. */
static void
s_check_all (s_fixture_t *f, uint64_t count)
{
    MDB_txn *txn;
    objmap_view_t view;
    s_read_view (f, &txn, &view);
    assert_int_equal (objmap_codes (&view), count);
    for (uint64_t n = 0; n < count; n++) {
        char code[OBJMAP_CODE + 1];
        uint8_t seq[8], found[8];
        s_code (n, code);
        s_seq (n, seq);
        assert_int_equal (objmap_find (&view, code, objmap_hash (code), found), 0);
        assert_memory_equal (found, seq, 8);
        s_code (count + n, code);
        assert_int_equal (objmap_find (&view, code, objmap_hash (code), found),
                          MDB_NOTFOUND);
    }
    objmap_iter_t iter;
    assert_int_equal (objmap_iter_open (&iter, &view), 0);
    const char *code;
    const uint8_t *seq;
    size_t run;
    char last[OBJMAP_CODE] = "";
    uint64_t seen = 0;
    int rc;
    while ((rc = objmap_iter_next (&iter, &code, &seq, &run)) == 0) {
        if (seen)
            assert_true (memcmp (last, code, OBJMAP_CODE) < 0);
        memcpy (last, code, OBJMAP_CODE);
        assert_true (run < view.runs.count);
        char text[OBJMAP_CODE + 1] = "";
        memcpy (text, code, OBJMAP_CODE);
        assert_true (objmap_bloom_has (&view.runs.run[run], text));
        seen++;
    }
    assert_int_equal (rc, MDB_NOTFOUND);
    assert_int_equal (seen, count);
    objmap_iter_close (&iter);
    mdb_txn_abort (txn);
}

static void
test_empty (void **state)
{
    s_fixture_t *f = *state;
    s_check_all (f, 0);
    MDB_txn *txn;
    objmap_view_t view;
    s_read_view (f, &txn, &view);
    assert_int_equal (view.runs.count, 0);
    mdb_txn_abort (txn);
}

static void
test_one_run (void **state)
{
    s_fixture_t *f = *state;
    s_add_range (f, 0, 1000);
    s_check_all (f, 1000);
    MDB_txn *txn;
    objmap_view_t view;
    s_read_view (f, &txn, &view);
    assert_int_equal (view.runs.count, 1);
    assert_int_equal (view.runs.run[0].entries, 1000);
    mdb_txn_abort (txn);
}

/* Ten equal flushes: after each, every run is larger than a quarter of all
   the runs after it, so there are few runs (5 at most for ten) and every
   code is found. */
static void
test_runs_merge_geometrically (void **state)
{
    s_fixture_t *f = *state;
    size_t most = 0;
    for (uint64_t i = 0; i < 10; i++) {
        s_add_range (f, i * 2000, (i + 1) * 2000);
        MDB_txn *txn;
        objmap_view_t view;
        s_read_view (f, &txn, &view);
        uint64_t after = 0;
        for (size_t r = view.runs.count; r-- > 0;) {
            if (r + 1 < view.runs.count)
                assert_true (4 * view.runs.run[r].entries > after);
            after += view.runs.run[r].entries;
        }
        assert_int_equal (after, (i + 1) * 2000);
        if (view.runs.count > most)
            most = view.runs.count;
        mdb_txn_abort (txn);
    }
    assert_true (most >= 2);
    assert_true (most <= 5);
    s_check_all (f, 20000);
}

/* Runs of different sizes (a big import, then small changes) merge too. */
static void
test_uneven_flushes (void **state)
{
    s_fixture_t *f = *state;
    uint64_t at = 0;
    const uint64_t sizes[] = {30000, 10, 500, 1, 7000, 3, 3, 3, 20000, 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        s_add_range (f, at, at + sizes[i]);
        at += sizes[i];
    }
    s_check_all (f, at);
}

/* Commits of one object each: the size rule alone would leave 26 runs
   after 60,000 of them; a flush leaves at most 24. */
static void
test_small_commits_bound_the_runs (void **state)
{
    s_fixture_t *f = *state;
    size_t most = 0;
    for (uint64_t n = 0; n < 60000; n++) {
        s_add_range (f, n, n + 1);
        MDB_txn *txn;
        objmap_view_t view;
        s_read_view (f, &txn, &view);
        if (view.runs.count > most)
            most = view.runs.count;
        mdb_txn_abort (txn);
    }
    assert_int_equal (most, 24);
    s_check_all (f, 60000);
}

/* A busy writer leaves merges for later, up to RUNS_BUSY runs, and says
   so; objmap_compact () then merges them as the idle policy says. */
/* One busy flush of 100 new codes, numbers from n on. */
static bool
s_busy_flush (s_fixture_t *f, uint64_t n, size_t *runs)
{
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    objmap_view_t view;
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    objmap_pending_reset (f->pending);
    for (uint64_t k = n; k < n + 100; k++) {
        char code[OBJMAP_CODE + 1];
        uint8_t seq[8];
        s_code (k, code);
        s_seq (k, seq);
        objmap_pending_add (f->pending, code, objmap_hash (code), seq);
    }
    bool left = false;
    assert_int_equal (objmap_flush (f->pending, &view, true, &left), 0);
    *runs = view.runs.count;
    assert_int_equal (mdb_txn_commit (txn), 0);
    return left;
}

/* A busy writer leaves merges for later, up to RUNS_BUSY runs, and says
   so; objmap_compact () then merges them as the idle policy says; past
   RUNS_BUSY runs a busy writer merges too. */
static void
test_busy_writer_leaves_merges (void **state)
{
    s_fixture_t *f = *state;
    size_t runs;
    for (uint64_t i = 0; i < RUNS_BUSY; i++) {
        /* five equal runs are due to merge (the first is a quarter of the
           four after it) */
        assert_int_equal (s_busy_flush (f, i * 100, &runs), i >= 4);
        assert_int_equal (runs, i + 1);
    }
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    objmap_view_t view;
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    bool merged = false;
    assert_int_equal (objmap_compact (&view, &merged), 0);
    assert_true (merged);
    assert_true (view.runs.count < RUNS_BUSY);
    assert_int_equal (mdb_txn_commit (txn), 0);
    for (uint64_t i = RUNS_BUSY; i < 4 * RUNS_BUSY; i++) {
        s_busy_flush (f, i * 100, &runs);
        assert_true (runs <= RUNS_BUSY);
    }
    s_check_all (f, 4 * RUNS_BUSY * 100);
}

/* Codes alike in their first 20 characters, added in reverse order: the
   sort must order them by the whole code (MDB_APPEND refuses a key out of
   order). */
static void
test_codes_sharing_a_prefix (void **state)
{
    s_fixture_t *f = *state;
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    objmap_view_t view;
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    objmap_pending_reset (f->pending);
    for (int n = 999; n >= 0; n--) {
        char code[OBJMAP_CODE + 1];
        uint8_t seq[8];
        snprintf (code, sizeof code, "VH%018d%03d", 7, n);
        s_seq ((uint64_t)n, seq);
        objmap_pending_add (f->pending, code, objmap_hash (code), seq);
    }
    assert_int_equal (objmap_flush (f->pending, &view, false, &owed), 0);
    assert_int_equal (mdb_txn_commit (txn), 0);
    MDB_txn *read;
    s_read_view (f, &read, &view);
    objmap_iter_t iter;
    assert_int_equal (objmap_iter_open (&iter, &view), 0);
    const char *code;
    const uint8_t *seq;
    for (int n = 0; n < 1000; n++) {
        assert_int_equal (objmap_iter_next (&iter, &code, &seq, NULL), 0);
        uint8_t expected[8];
        s_seq ((uint64_t)n, expected);
        assert_memory_equal (seq, expected, 8);
    }
    assert_int_equal (objmap_iter_next (&iter, &code, &seq, NULL), MDB_NOTFOUND);
    objmap_iter_close (&iter);
    mdb_txn_abort (read);
}

/* Codes found before the flush, in their transaction; gone after an abort. */
static void
test_abort_leaves_nothing (void **state)
{
    s_fixture_t *f = *state;
    s_add_range (f, 0, 100);
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    objmap_view_t view;
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    objmap_pending_reset (f->pending);
    for (uint64_t n = 100; n < 200; n++) {
        char code[OBJMAP_CODE + 1];
        uint8_t seq[8];
        s_code (n, code);
        s_seq (n, seq);
        objmap_pending_add (f->pending, code, objmap_hash (code), seq);
    }
    assert_int_equal (objmap_flush (f->pending, &view, false, &owed), 0);
    mdb_txn_abort (txn);
    objmap_pending_reset (f->pending);
    s_check_all (f, 100);
}

/* The filters let through few absent codes: each costs a tree search. */
static void
test_bloom_false_positives (void **state)
{
    s_fixture_t *f = *state;
    s_add_range (f, 0, 50000);
    MDB_txn *txn;
    objmap_view_t view;
    s_read_view (f, &txn, &view);
    assert_int_equal (view.runs.count, 1);
    unsigned admitted = 0;
    for (uint64_t n = 50000; n < 150000; n++) {
        char code[OBJMAP_CODE + 1];
        s_code (n, code);
        admitted += objmap_bloom_has (&view.runs.run[0], code);
    }
    mdb_txn_abort (txn);
    assert_true (admitted < 2000); /* under 2% (about 1% expected) */
}

/* A malformed objrun entry and a code in two runs are reported. */
static void
test_damage_is_reported (void **state)
{
    s_fixture_t *f = *state;
    s_add_range (f, 0, 100);
    s_add_range (f, 100, 110);
    MDB_txn *txn;
    objmap_view_t view;
    assert_int_equal (mdb_txn_begin (f->env, NULL, 0, &txn), 0);
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), 0);
    assert_int_equal (view.runs.count, 2);
    /* code 0 again, in the newer run */
    uint8_t key[4 + OBJMAP_CODE], seq[8];
    uint32_t id = view.runs.run[1].id;
    key[0] = (uint8_t)(id >> 24), key[1] = (uint8_t)(id >> 16);
    key[2] = (uint8_t)(id >> 8), key[3] = (uint8_t)id;
    char code[OBJMAP_CODE + 1];
    s_code (0, code);
    memcpy (key + 4, code, OBJMAP_CODE);
    s_seq (0, seq);
    MDB_val k = {sizeof key, key}, v = {8, seq};
    assert_int_equal (mdb_put (txn, f->obj, &k, &v, 0), 0);
    objmap_iter_t iter;
    assert_int_equal (objmap_iter_open (&iter, &view), 0);
    const char *at;
    const uint8_t *found;
    int rc;
    while ((rc = objmap_iter_next (&iter, &at, &found, NULL)) == 0)
        ;
    assert_int_equal (rc, MDB_CORRUPTED);
    objmap_iter_close (&iter);
    /* a run entry of the wrong size */
    uint8_t run_key[4] = {0, 0, 0, 9}, short_value[8] = {0};
    MDB_val rk = {4, run_key}, rv = {sizeof short_value, short_value};
    assert_int_equal (mdb_put (txn, f->objrun, &rk, &rv, 0), 0);
    assert_int_equal (objmap_view (&view, txn, f->obj, f->objrun), MDB_CORRUPTED);
    mdb_txn_abort (txn);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_empty, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_one_run, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_runs_merge_geometrically, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_uneven_flushes, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_small_commits_bound_the_runs, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_codes_sharing_a_prefix, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_busy_writer_leaves_merges, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_abort_leaves_nothing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bloom_false_positives, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_damage_is_reported, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
