/*  test_platemap.c - the plate index as runs on a real LMDB environment:
    a plate gives the seqs that have it, in seq order and only its own (not
    a longer plate's); a removal in a later run hides an older entry; the
    last change of a transaction holds; merges keep the newest entry of a
    key and drop tombstones once they take in the oldest run; the count and
    the walk agree with a model kept in the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lmdb_test.h"
#include "platemap.h"

#define S_OBJECTS 3000
#define S_PLATES 500

static bool owed; /* platemap_flush's */

typedef struct {
    char dir[64];
    MDB_env *env;
    MDB_dbi plate, platerun;
    platemap_pending_t *pending;
    int model[S_OBJECTS]; /* the plate number each object has, or -1 */
} s_fixture_t;

static int
s_setup (void **state)
{
    s_fixture_t *f = calloc (1, sizeof *f);
    if (lmdb_test_open (f->dir, sizeof f->dir, "platemap", &f->env, "plate", &f->plate,
                        "platerun", &f->platerun))
        return -1;
    f->pending = platemap_pending_new ();
    for (int i = 0; i < S_OBJECTS; i++)
        f->model[i] = -1;
    *state = f;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *f = *state;
    platemap_pending_destroy (&f->pending);
    int rc = lmdb_test_close (f->dir, f->env);
    free (f);
    return rc;
}

/* Plate number n: 鲁A and 5 characters; plate n + S_PLATES has one more,
   so that a plate is the prefix of another. */
static size_t
s_plate (int n, char *plate)
{
    if (n >= S_PLATES)
        return (size_t)snprintf (plate, 32, "鲁A%05d7", n - S_PLATES);
    return (size_t)snprintf (plate, 32, "鲁A%05d", n);
}

static void
s_seq (int object, uint8_t *seq)
{
    uint64_t n = 1000 + (uint64_t)object;
    for (int i = 7; i >= 0; i--, n >>= 8)
        seq[i] = (uint8_t)n;
}

static int
s_object (const uint8_t *seq)
{
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n = n << 8 | seq[i];
    return (int)(n - 1000);
}

/* Queues: object has plate (or none: -1), as the store does: the old
   plate's removal, the new one's addition. */
static void
s_set (s_fixture_t *f, int object, int plate)
{
    char text[32];
    uint8_t seq[8];
    s_seq (object, seq);
    if (f->model[object] >= 0) {
        size_t n = s_plate (f->model[object], text);
        platemap_pending_put (f->pending, text, n, seq, true);
    }
    if (plate >= 0) {
        size_t n = s_plate (plate, text);
        platemap_pending_put (f->pending, text, n, seq, false);
    }
    f->model[object] = plate;
}

static MDB_txn *
s_begin (s_fixture_t *f, platemap_view_t *view, unsigned flags)
{
    MDB_txn *txn;
    assert_int_equal (mdb_txn_begin (f->env, NULL, flags, &txn), 0);
    assert_int_equal (platemap_view (view, txn, f->plate, f->platerun), 0);
    return txn;
}

static void
s_commit (s_fixture_t *f, MDB_txn *txn, platemap_view_t *view)
{
    assert_int_equal (platemap_flush (f->pending, view, false, &owed), 0);
    assert_int_equal (mdb_txn_commit (txn), 0);
}

typedef struct {
    int seen[S_OBJECTS];
    int count;
    int last;
} s_found_t;

static int
s_found (void *arg, const uint8_t *seq)
{
    s_found_t *found = arg;
    int object = s_object (seq);
    assert_true (object >= 0 && object < S_OBJECTS);
    assert_true (object > found->last); /* in seq order */
    found->last = object;
    found->seen[object]++;
    found->count++;
    return 0;
}

/* Every plate gives exactly the objects the model says; the walk gives
   every (plate, object) of the model once, the count agrees, and every
   run holds what its catalog entry says. */
static void
s_check (s_fixture_t *f)
{
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, MDB_RDONLY);
    size_t bad_run;
    uint64_t entries;
    assert_int_equal (runs_verify (&view.runs, &bad_run, &entries), 0);
    static s_found_t found;
    int total = 0;
    for (int p = 0; p < 2 * S_PLATES; p++) {
        char text[32];
        size_t n = s_plate (p, text);
        memset (&found, 0, sizeof found);
        found.last = -1;
        assert_int_equal (platemap_each (&view, text, n, s_found, &found), 0);
        for (int o = 0; o < S_OBJECTS; o++) {
            assert_int_equal (found.seen[o], f->model[o] == p);
            total += found.seen[o];
        }
        uint8_t seq[8];
        for (int o = 0; o < S_OBJECTS; o += 97) {
            bool has;
            s_seq (o, seq);
            assert_int_equal (platemap_has (&view, text, n, seq, &has), 0);
            assert_int_equal (has, f->model[o] == p);
        }
    }
    uint64_t count;
    assert_int_equal (platemap_count (&view, &count), 0);
    assert_int_equal (count, (uint64_t)total);
    int expected = 0;
    for (int o = 0; o < S_OBJECTS; o++)
        expected += f->model[o] >= 0;
    assert_int_equal (total, expected);
    platemap_iter_t iter;
    assert_int_equal (platemap_iter_open (&iter, &view), 0);
    const uint8_t *plate, *seq;
    size_t size;
    int walked = 0, rc;
    while ((rc = platemap_iter_next (&iter, &plate, &size, &seq)) == 0) {
        int object = s_object (seq);
        char text[32];
        assert_true (f->model[object] >= 0);
        size_t n = s_plate (f->model[object], text);
        assert_int_equal (size, n);
        assert_memory_equal (plate, text, n);
        walked++;
    }
    assert_int_equal (rc, MDB_NOTFOUND);
    assert_int_equal (walked, expected);
    platemap_iter_close (&iter);
    mdb_txn_abort (txn);
}

static void
test_add_and_find (void **state)
{
    s_fixture_t *f = *state;
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, 0);
    for (int o = 0; o < S_OBJECTS; o++)
        s_set (f, o, o % (2 * S_PLATES)); /* plates shared, some prefixes of others */
    s_commit (f, txn, &view);
    s_check (f);
}

/* Plates change and go over many transactions: tombstones in newer runs
   hide older entries, merges resolve them. */
static void
test_changes_over_runs (void **state)
{
    s_fixture_t *f = *state;
    uint64_t x = 7;
    for (int round = 0; round < 40; round++) {
        platemap_view_t view;
        MDB_txn *txn = s_begin (f, &view, 0);
        int changes = round == 0 ? S_OBJECTS : 1 + round * 13;
        for (int i = 0; i < changes; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int object = round == 0 ? i : (int)((x >> 33) % S_OBJECTS);
            int plate = (int)((x >> 20) % (2 * S_PLATES + 1)) - 1; /* -1: no plate */
            s_set (f, object, plate);
        }
        s_commit (f, txn, &view);
        if (round % 5 == 4)
            s_check (f);
    }
    s_check (f);
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, MDB_RDONLY);
    assert_true (view.runs.count <= RUNS_SOFT);
    mdb_txn_abort (txn);
}

/* Within one transaction the last change of an object holds: a plate set
   and taken back leaves nothing; taken and set again leaves it. */
static void
test_last_change_holds (void **state)
{
    s_fixture_t *f = *state;
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, 0);
    s_set (f, 1, 10);
    s_set (f, 2, 20);
    s_commit (f, txn, &view);
    txn = s_begin (f, &view, 0);
    s_set (f, 1, 11);
    s_set (f, 1, 10); /* back to the first plate */
    s_set (f, 2, 21);
    s_set (f, 2, -1); /* and gone */
    s_set (f, 3, 30);
    s_set (f, 3, -1); /* new and gone in one transaction */
    s_commit (f, txn, &view);
    s_check (f);
}

/* A merge that takes in the oldest run drops tombstones: after enough
   rounds everything is in one run without them, and an aborted
   transaction changes nothing. */
static void
test_merge_drops_tombstones (void **state)
{
    s_fixture_t *f = *state;
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, 0);
    for (int o = 0; o < 100; o++)
        s_set (f, o, o);
    s_commit (f, txn, &view);
    txn = s_begin (f, &view, 0);
    for (int o = 0; o < 100; o++)
        s_set (f, o, -1); /* 100 tombstones: the run is as big as the first */
    s_commit (f, txn, &view);
    txn = s_begin (f, &view, MDB_RDONLY);
    /* 100 <= a quarter of 100: no merge; then anything merged with the
       oldest run drops both */
    assert_int_equal (view.runs.count, 2);
    mdb_txn_abort (txn);
    for (int round = 0; round < 3; round++) {
        txn = s_begin (f, &view, 0);
        for (int o = 0; o < 200; o++)
            s_set (f, 1000 + round * 200 + o, o % S_PLATES);
        s_commit (f, txn, &view);
    }
    s_check (f);
    txn = s_begin (f, &view, MDB_RDONLY);
    uint64_t count;
    assert_int_equal (platemap_count (&view, &count), 0);
    assert_int_equal (runs_entries (&view.runs), count); /* no tombstone left */
    mdb_txn_abort (txn);
    /* an aborted transaction leaves nothing */
    txn = s_begin (f, &view, 0);
    char text[32];
    uint8_t seq[8];
    s_seq (5, seq);
    size_t n = s_plate (5, text);
    platemap_pending_put (f->pending, text, n, seq, false);
    assert_int_equal (platemap_flush (f->pending, &view, false, &owed), 0);
    mdb_txn_abort (txn);
    s_check (f);
}

/* Busy commits leave merges for later (up to RUNS_BUSY runs);
   platemap_compact () merges them; the index reads the same before and
   after. */
static void
test_busy_then_compact (void **state)
{
    s_fixture_t *f = *state;
    for (int round = 0; round < RUNS_BUSY; round++) {
        platemap_view_t view;
        MDB_txn *txn = s_begin (f, &view, 0);
        for (int o = round * 50; o < round * 50 + 50; o++)
            s_set (f, o % S_OBJECTS, (o * 7) % S_PLATES);
        bool left = false;
        assert_int_equal (platemap_flush (f->pending, &view, true, &left), 0);
        assert_int_equal (view.runs.count, (size_t)round + 1);
        assert_int_equal (mdb_txn_commit (txn), 0);
    }
    s_check (f);
    platemap_view_t view;
    MDB_txn *txn = s_begin (f, &view, 0);
    bool merged = false;
    assert_int_equal (platemap_compact (&view, &merged), 0);
    assert_true (merged);
    assert_true (view.runs.count < RUNS_BUSY);
    assert_int_equal (mdb_txn_commit (txn), 0);
    s_check (f);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown (test_add_and_find, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_changes_over_runs, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_last_change_holds, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_merge_drops_tombstones, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_busy_then_compact, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
