/*  objmap.h - a store's map from object code to object seq, kept as sorted
    runs (runs.h; tables obj and objrun of store.h).

    Object codes are random keys, so the map is a runs table (runs.h):

      obj     u32 run (big-endian) + object code (23 bytes) -> u64 seq
      objrun  u32 run -> u64 codes, 8 bytes 0, then the run's Bloom filter:
              blocks of 64 bytes; a code sets 7 bits of the one block its
              hash (xxhash XXH3) picks (10 bits per code: about 1% false
              positives)

    A code is in exactly one run (a merge that meets one twice fails: the
    store is damaged); codes are never removed. A lookup asks each run's
    Bloom filter, newest first, and searches only the runs that may hold the
    code: a new object costs no tree search in most cases. The filters are
    read where LMDB maps them (no copy); a merge builds its run's filter in
    memory (10 bits per code of the merged runs). */
#ifndef YW_OBJMAP_H
#define YW_OBJMAP_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "runs.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OBJMAP_CODE (YW_OBJECT_CODE_SIZE - 1) /* 23 */

/* The runs as a transaction sees them (runs.run[i].extra: Bloom filter). */
typedef struct {
    runs_view_t runs;
} objmap_view_t;

/* Reads the run list of txn. 0, or an LMDB code (MDB_CORRUPTED for a
   malformed objrun entry, or too many runs). */
int objmap_view (objmap_view_t *view, MDB_txn *txn, MDB_dbi obj, MDB_dbi objrun);

/* All the codes of the view. */
uint64_t objmap_codes (const objmap_view_t *view);

/* The hash of a code that the lookups below take (computed once per code). */
uint64_t objmap_hash (const char *code);

/* code's seq (8 bytes, big-endian) into seq; hash is objmap_hash (code).
   0, MDB_NOTFOUND, or an LMDB code. */
int objmap_find (const objmap_view_t *view, const char *code, uint64_t hash, uint8_t *seq);

/* Whether a run's Bloom filter admits code (for checks). */
bool objmap_bloom_has (const runs_run_t *run, const char *code);

/* Every code of a view in code order. */
typedef struct {
    runs_iter_t runs;
} objmap_iter_t;

/* 0 or an LMDB code; objmap_iter_close () either way. */
int objmap_iter_open (objmap_iter_t *iter, const objmap_view_t *view);

/* The next code (OBJMAP_CODE bytes, not terminated), its seq (8 bytes) and
   the index of its run in the view (run may be NULL). Valid until the next
   call. 0, MDB_NOTFOUND at the end, MDB_CORRUPTED for a code in two runs or
   a malformed entry, or an LMDB code. */
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

/* Writes the pending codes as a new run of view's transaction and merges
   runs (runs.h; busy: a busy writer's, which leaves a merge that is due for
   later and says so in *owed); the view then lists the runs as they are
   (without Bloom filters: a view is for lookups before its flush). Resets
   pending. 0 or an LMDB code (MDB_MAP_FULL: the caller grows the map and
   does the transaction again). */
int objmap_flush (objmap_pending_t *self, objmap_view_t *view, bool busy, bool *owed);

/* Merges the runs that are due (an idle writer's). *merged: whether it
   wrote. 0 or an LMDB code. */
int objmap_compact (objmap_view_t *view, bool *merged);

#ifdef __cplusplus
}
#endif

#endif
