/*  runs.h - a log-structured table in LMDB: entries kept as sorted runs,
    each appended whole, merged so that their sizes shrink geometrically.

    A B-tree keyed at random costs a commit of n new keys min(n, pages)
    rewritten leaf pages. Two of a store's tables are keyed at random
    (object codes, plates), so they are runs instead:

      data     u32 run (big-endian) + key -> value
      catalog  u32 run -> u64 entries, u32 0, u32 0, then the run's extra
               bytes (objmap.h: its Bloom filter)

    A write transaction's new entries are one new run, written in key order
    with MDB_APPEND (full pages; no existing page is touched). After each new
    run, the runs from the oldest one that is no larger than a quarter of all
    the runs after it together are merged: read in key order, appended as
    one new run, deleted. Sizes then shrink geometrically from the oldest run
    to the newest, so there are O(log n) runs, and an entry is rewritten
    O(log n) times, each time in a sequential pass (about once at a million
    entries in commits of 100,000; 3 times at a hundred million). Many tiny
    commits would leave ~30 runs at a million entries; a merge leaves at
    most RUNS_SOFT (the newest are merged). A writer in a burst leaves the
    merges for when it is idle, up to RUNS_BUSY runs (runs_merge_from ()).

    Run ids increase: a new run's entries go after every other run's. */
#ifndef YW_RUNS_H
#define YW_RUNS_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RUNS_MAX 64      /* a table with more is damaged */
#define RUNS_SOFT 24     /* runs a merge leaves at most */
#define RUNS_BUSY 16     /* runs a busy writer leaves before it merges */
#define RUNS_KEY_MAX 128 /* bytes of a key, without the run id */
#define RUNS_VALUE_MAX 16

typedef struct {
    uint32_t id;
    uint64_t entries;
    const uint8_t *extra; /* where LMDB maps it; NULL for a run written in
                             this transaction */
    size_t extra_size;
} runs_run_t;

/* The runs as a transaction sees them, oldest first. */
typedef struct {
    MDB_txn *txn;
    MDB_dbi data, catalog;
    size_t count;
    runs_run_t run[RUNS_MAX];
} runs_view_t;

/* Reads the catalog of txn. 0, or an LMDB code (MDB_CORRUPTED for a
   malformed catalog entry, or more than RUNS_MAX runs). */
int runs_view (runs_view_t *view, MDB_txn *txn, MDB_dbi data, MDB_dbi catalog);

/* All the entries of the view's runs. */
uint64_t runs_entries (const runs_view_t *view);

/* run's value of key into value (at most RUNS_VALUE_MAX bytes; *size its
   size). 0, MDB_NOTFOUND or an LMDB code. */
int runs_get (const runs_view_t *view, const runs_run_t *run, const void *key,
              size_t key_size, uint8_t *value, size_t *size);

/* Entries of runs [from, to) in key order. UNIQUE: a key in two runs is
   MDB_CORRUPTED. NEWEST: of a key in several runs, the newest run's entry
   is the one given. */
typedef enum { RUNS_UNIQUE, RUNS_NEWEST } runs_mode_t;

typedef struct {
    runs_mode_t mode;
    size_t from, count;
    const runs_run_t *run[RUNS_MAX];
    MDB_cursor *cursor[RUNS_MAX];
    /* each cursor's entry, copied */
    uint8_t key[RUNS_MAX][RUNS_KEY_MAX], value[RUNS_MAX][RUNS_VALUE_MAX];
    uint8_t key_size[RUNS_MAX], value_size[RUNS_MAX];
    bool live[RUNS_MAX];
    uint8_t prefix[RUNS_KEY_MAX]; /* the keys it gives begin with */
    size_t prefix_size;
    bool given; /* `last` was given: the cursors on it move on first */
    uint8_t last[RUNS_KEY_MAX];
    size_t last_size;
} runs_iter_t;

/* Opens an iterator over runs [from, to) of the view, from the first key
   at or after `start` (start_size 0: from the first) and, if `prefix`, only
   over the keys that begin with start. 0 or an LMDB code; runs_iter_close
   () either way. */
int runs_iter_open (runs_iter_t *iter, const runs_view_t *view, size_t from, size_t to,
                    runs_mode_t mode, const void *start, size_t start_size, bool prefix);

/* The next entry, and the index in the view of its run (run may be NULL).
   Valid until the next call; the iterator holds copies, so the transaction
   may write. 0, MDB_NOTFOUND at the end, MDB_CORRUPTED (malformed entry; a
   key in two runs in UNIQUE mode) or an LMDB code. */
int runs_iter_next (runs_iter_t *iter, const uint8_t **key, size_t *key_size,
                    const uint8_t **value, size_t *value_size, size_t *run);

void runs_iter_close (runs_iter_t *iter);

/* A run being written: entries in strictly increasing key order. */
typedef struct {
    runs_view_t *view;
    uint32_t id;
    uint64_t entries;
    MDB_cursor *cursor;
} runs_writer_t;

int runs_writer_open (runs_writer_t *w, runs_view_t *view);
int runs_writer_add (runs_writer_t *w, const void *key, size_t key_size, const void *value,
                     size_t value_size);

/* Ends the run: writes its catalog entry with `extra`, adds it to the view
   (unless empty: nothing is written then) and returns rc, or the first
   error. */
int runs_writer_close (runs_writer_t *w, const void *extra, size_t extra_size, int rc);

/* Counts the entries of every run: 0 when each run holds what the catalog
   says and nothing is outside the runs; MDB_CORRUPTED otherwise, with the
   index of the run that differs in *run (view->count: entries outside every
   run) and the entries found there in *entries. Or an LMDB code. */
int runs_verify (const runs_view_t *view, size_t *run, uint64_t *entries);

/* Where a merge starts (view->count: none), as above. A busy writer (one
   with more work waiting) merges only past RUNS_BUSY runs, and *owed says
   whether a merge is due that it left for an idle moment (LSM stores call
   it background compaction; owed may be NULL): merges then do not hold up
   a burst, and a lookup asks at most RUNS_BUSY runs meanwhile. */
size_t runs_merge_from (const runs_view_t *view, bool busy, bool *owed);

/* Merges runs [from, view->count) into one new run. Each entry, in key
   order (NEWEST mode), is offered to keep (), which says whether it is
   written (and may note it, e.g. in `extra`); `extra` is written with the
   run, its contents as keep () left them. 0 or an LMDB code. */
typedef bool (runs_keep_fn) (void *arg, const uint8_t *key, size_t key_size,
                             const uint8_t *value, size_t value_size);
int runs_merge (runs_view_t *view, size_t from, runs_mode_t mode, runs_keep_fn *keep,
                void *arg, const void *extra, size_t extra_size);

#ifdef __cplusplus
}
#endif

#endif
