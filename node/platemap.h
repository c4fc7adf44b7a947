/*  platemap.h - a store's plate index: plate -> the seqs of the objects
    whose visible record has it, kept as sorted runs (runs.h; tables plate
    and platerun of store.h).

    Plates are random keys, so the index is a runs table:

      plate     u32 run + plate + NUL + u64 object seq -> u8: 0 the object
                has the plate, 1 it no longer has (a tombstone)
      platerun  u32 run -> u64 entries, 8 bytes 0 (no extra bytes)

    The NUL ends the plate, so a plate's entries are exactly the keys that
    begin with plate + NUL, in seq order. The newest run that has a (plate,
    seq) says whether it holds; a merge keeps the newest entry of each key,
    and drops tombstones when it takes in the oldest run (nothing older is
    left for them to hide). The write path never reads the index: a
    transaction queues its changes and writes them as one run at its end. */
#ifndef YW_PLATEMAP_H
#define YW_PLATEMAP_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runs.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PLATEMAP_PLATE_MAX (RUNS_KEY_MAX - 9) /* bytes of a plate */

typedef struct {
    runs_view_t runs;
} platemap_view_t;

/* Reads the run list of txn. 0 or an LMDB code. */
int platemap_view (platemap_view_t *view, MDB_txn *txn, MDB_dbi plate, MDB_dbi platerun);

/* Whether the object of seq (8 bytes) has the plate: *has. 0 or an LMDB
   code. */
int platemap_has (const platemap_view_t *view, const void *plate, size_t size,
                  const uint8_t *seq, bool *has);

/* Calls fn for the seq of every object that has the plate, in seq order,
   until fn returns non-zero (which is returned). 0 or an LMDB code. */
typedef int (platemap_seq_fn) (void *arg, const uint8_t *seq);
int platemap_each (const platemap_view_t *view, const void *plate, size_t size,
                   platemap_seq_fn *fn, void *arg);

/* Every (plate, seq) that holds, in plate order. */
typedef struct {
    runs_iter_t runs;
} platemap_iter_t;

int platemap_iter_open (platemap_iter_t *iter, const platemap_view_t *view);

/* The next entry: plate (not terminated), its size, seq (8 bytes). Valid
   until the next call. 0, MDB_NOTFOUND at the end, MDB_CORRUPTED or an LMDB
   code. */
int platemap_iter_next (platemap_iter_t *iter, const uint8_t **plate, size_t *size,
                        const uint8_t **seq);

void platemap_iter_close (platemap_iter_t *iter);

/* The (plate, seq) pairs that hold: a walk of every run. */
int platemap_count (const platemap_view_t *view, uint64_t *count);

/* A write transaction's plate changes, until platemap_flush (). */
typedef struct _platemap_pending_t platemap_pending_t;

platemap_pending_t *platemap_pending_new (void);
void platemap_pending_destroy (platemap_pending_t **self_p);
void platemap_pending_reset (platemap_pending_t *self);

/* Queues: the object of seq has the plate (remove false), or no longer
   has it. The last change of a (plate, seq) in a transaction holds. A
   plate longer than PLATEMAP_PLATE_MAX is cut (the store's plates are
   shorter). */
void platemap_pending_put (platemap_pending_t *self, const void *plate, size_t size,
                           const uint8_t *seq, bool remove);

/* Writes the queued changes as a new run of view's transaction and merges
   runs (runs.h; busy and *owed as in objmap_flush ()). Resets pending. 0
   or an LMDB code. */
int platemap_flush (platemap_pending_t *self, platemap_view_t *view, bool busy, bool *owed);

/* Merges the runs that are due (an idle writer's). *merged: whether it
   wrote. 0 or an LMDB code. */
int platemap_compact (platemap_view_t *view, bool *merged);

#ifdef __cplusplus
}
#endif

#endif
