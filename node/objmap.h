/*  objmap.h - a store's map from object code to object seq, kept as sorted
    runs (tables obj and objrun of store.h).

    Object codes are random keys. In one B-tree, a commit of n new objects
    rewrites min(n, pages) of its leaf pages: at a million objects, every
    commit rewrote most of the table; at the province's hundred million, it
    would touch one page per new object. So the map is log-structured:

      obj     u32 run (big-endian) + object code (23 bytes) -> u64 seq
      objrun  u32 run -> u64 codes, u32 blocks, u32 reserved (0), then the
              run's Bloom filter: `blocks` blocks of 64 bytes; a code sets 7
              bits of the one block its hash picks (10 bits per code: about
              1% false positives)

    The new objects of a write transaction are one new run, written in key
    order with MDB_APPEND (full pages; no existing page is touched). Runs are
    merged, in the same transaction, when a run is no larger than a quarter
    of all the runs after it together: the merge reads those runs in code order,
    appends them as one new run and deletes them. Sizes then shrink
    geometrically from the oldest run to the newest, so there are O(log n)
    runs (at most 5 at a million codes in commits of 100,000; 16 at a
    hundred million) and a code is rewritten O(log n) times, each time in a
    sequential pass (once on average at a million, 3 times at a hundred
    million). Commits of one new object each would leave about 30 runs at a
    million objects; a flush leaves at most 24 (the newest are merged). A lookup asks each run's Bloom filter, newest first, and
    searches only the runs that may hold the code. A code is in exactly one
    run; codes are never removed.

    The Bloom filters are read where LMDB maps them (no copy); a merge builds
    its run's filter in memory (10 bits per code of the merged runs). */
#ifndef YW_OBJMAP_H
#define YW_OBJMAP_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OBJMAP_CODE (YW_OBJECT_CODE_SIZE - 1) /* 23 */
#define OBJMAP_MAX_RUNS 64                    /* a store with more is damaged */

typedef struct {
    uint32_t id;
    uint64_t codes;
    uint32_t blocks;
    const uint8_t *bloom; /* blocks * 64 bytes, where LMDB maps it */
} objmap_run_t;

/* The runs as a transaction sees them, oldest first. */
typedef struct {
    MDB_txn *txn;
    MDB_dbi obj, objrun;
    size_t count;
    objmap_run_t run[OBJMAP_MAX_RUNS];
} objmap_view_t;

/* Reads the run list of txn. 0, or an LMDB code (MDB_CORRUPTED for a
   malformed objrun entry, or more than OBJMAP_MAX_RUNS runs). */
int objmap_view (objmap_view_t *view, MDB_txn *txn, MDB_dbi obj, MDB_dbi objrun);

/* All the codes of the view. */
uint64_t objmap_codes (const objmap_view_t *view);

/* The hash of a code that the lookups below take (computed once per code). */
uint64_t objmap_hash (const char *code);

/* code's seq (8 bytes, big-endian) into seq; hash is objmap_hash (code).
   0, MDB_NOTFOUND, or an LMDB code. */
int objmap_find (const objmap_view_t *view, const char *code, uint64_t hash, uint8_t *seq);

/* Whether the run's Bloom filter admits code (for checks). */
bool objmap_bloom_has (const objmap_run_t *run, const char *code);

/* The codes of a view's runs in code order (a merge of the runs). */
typedef struct {
    size_t from, count;
    const objmap_run_t *run[OBJMAP_MAX_RUNS];
    MDB_cursor *cursor[OBJMAP_MAX_RUNS];
    /* each cursor's entry, copied: code, then seq */
    uint8_t entry[OBJMAP_MAX_RUNS][OBJMAP_CODE + 8];
    bool live[OBJMAP_MAX_RUNS];
    int current; /* the run whose entry objmap_iter_next () returned last */
} objmap_iter_t;

/* Opens an iterator over runs [from, to) of the view (every run: 0,
   view->count). 0 or an LMDB code; objmap_iter_close () either way. */
int objmap_iter_open (objmap_iter_t *iter, const objmap_view_t *view, size_t from,
                      size_t to);

/* The next code (OBJMAP_CODE bytes, not terminated), its seq (8 bytes) and
   the index of its run in the view (run may be NULL). Valid until the next
   call; the iterator holds copies, so the transaction may write. 0,
   MDB_NOTFOUND at the end, MDB_CORRUPTED for a code in two runs or a
   malformed entry, or an LMDB code. */
int objmap_iter_next (objmap_iter_t *iter, const char **code, const uint8_t **seq,
                      size_t *run);

void objmap_iter_close (objmap_iter_t *iter);

/* The new objects of a write transaction, until objmap_flush (). */
typedef struct _objmap_pending_t objmap_pending_t;

objmap_pending_t *objmap_pending_new (void);
void objmap_pending_destroy (objmap_pending_t **self_p);

/* Forgets every pending code (a transaction begins or aborts). */
void objmap_pending_reset (objmap_pending_t *self);

/* Adds a new code (one not in the view and not pending), its hash and its
   seq. */
void objmap_pending_add (objmap_pending_t *self, const char *code, uint64_t hash,
                         const uint8_t *seq);

/* Whether code (of hash) is pending; its seq into seq. */
bool objmap_pending_find (const objmap_pending_t *self, const char *code, uint64_t hash,
                          uint8_t *seq);

size_t objmap_pending_count (const objmap_pending_t *self);

/* Writes the pending codes as a new run of view->txn and merges runs as the
   policy above says; the view then lists the runs as they are (without
   Bloom filters: a view is for lookups before its flush). Resets pending.
   0 or an LMDB code (MDB_MAP_FULL: the caller grows the map and does the
   transaction again). */
int objmap_flush (objmap_pending_t *self, objmap_view_t *view);

#ifdef __cplusplus
}
#endif

#endif
