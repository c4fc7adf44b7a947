/*  platemap.c - the plate index as sorted runs with tombstones; the layout
    is in platemap.h. */
#include "platemap.h"

#include <stdlib.h>
#include <string.h>

#include "yw.h"

#define S_HOLDS 0
#define S_GONE 1

/* A queued change: its key (plate NUL seq) in the arena. */
typedef struct {
    const uint8_t *key; /* set when the changes are sorted (the arena moves) */
    uint32_t at;
    uint8_t size;
    uint8_t remove;
    uint32_t order; /* queue position: the last change of a key holds */
} s_change_t;

struct _platemap_pending_t {
    s_change_t *change;
    size_t count, capacity;
    uint8_t *arena;
    size_t arena_size, arena_capacity;
};

/* A key: plate NUL seq. */
static size_t
s_key (uint8_t *out, const void *plate, size_t size, const uint8_t *seq)
{
    if (size > PLATEMAP_PLATE_MAX)
        size = PLATEMAP_PLATE_MAX;
    memcpy (out, plate, size);
    out[size] = '\0';
    memcpy (out + size + 1, seq, 8);
    return size + 9;
}

int
platemap_view (platemap_view_t *view, MDB_txn *txn, MDB_dbi plate, MDB_dbi platerun)
{
    return runs_view (&view->runs, txn, plate, platerun);
}

int
platemap_has (const platemap_view_t *view, const void *plate, size_t size,
              const uint8_t *seq, bool *has)
{
    uint8_t key[RUNS_KEY_MAX], value[RUNS_VALUE_MAX];
    size_t key_size = s_key (key, plate, size, seq), value_size;
    *has = false;
    for (size_t i = view->runs.count; i-- > 0;) {
        int rc =
            runs_get (&view->runs, &view->runs.run[i], key, key_size, value, &value_size);
        if (rc == MDB_NOTFOUND)
            continue;
        if (rc)
            return rc;
        if (value_size != 1 || value[0] > S_GONE)
            return MDB_CORRUPTED;
        *has = value[0] == S_HOLDS;
        return 0;
    }
    return 0;
}

/* The next entry of iter that holds. */
static int
s_next_holding (runs_iter_t *iter, const uint8_t **key, size_t *key_size)
{
    const uint8_t *value;
    size_t value_size;
    int rc;
    while ((rc = runs_iter_next (iter, key, key_size, &value, &value_size, NULL)) == 0) {
        if (value_size != 1 || value[0] > S_GONE || *key_size < 10 ||
            (*key)[*key_size - 9] != '\0')
            return MDB_CORRUPTED;
        if (value[0] == S_HOLDS)
            return 0;
    }
    return rc;
}

int
platemap_each (const platemap_view_t *view, const void *plate, size_t size,
               platemap_seq_fn *fn, void *arg)
{
    uint8_t prefix[RUNS_KEY_MAX];
    if (size > PLATEMAP_PLATE_MAX)
        return 0; /* no such plate is stored */
    memcpy (prefix, plate, size);
    prefix[size] = '\0';
    runs_iter_t *iter = yw_malloc (sizeof *iter);
    int rc = runs_iter_open (iter, &view->runs, 0, view->runs.count, RUNS_NEWEST, prefix,
                             size + 1, true);
    const uint8_t *key;
    size_t key_size;
    while (rc == 0 && (rc = s_next_holding (iter, &key, &key_size)) == 0)
        if (key_size == size + 9 && (rc = fn (arg, key + size + 1)))
            break;
    runs_iter_close (iter);
    free (iter);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int
platemap_iter_open (platemap_iter_t *iter, const platemap_view_t *view)
{
    return runs_iter_open (&iter->runs, &view->runs, 0, view->runs.count, RUNS_NEWEST, NULL,
                           0, false);
}

int
platemap_iter_next (platemap_iter_t *iter, const uint8_t **plate, size_t *size,
                    const uint8_t **seq)
{
    const uint8_t *key;
    size_t key_size;
    int rc = s_next_holding (&iter->runs, &key, &key_size);
    if (rc)
        return rc;
    *plate = key;
    *size = key_size - 9;
    *seq = key + key_size - 8;
    return 0;
}

void
platemap_iter_close (platemap_iter_t *iter)
{
    runs_iter_close (&iter->runs);
}

int
platemap_count (const platemap_view_t *view, uint64_t *count)
{
    *count = 0;
    platemap_iter_t *iter = yw_malloc (sizeof *iter);
    int rc = platemap_iter_open (iter, view);
    const uint8_t *plate, *seq;
    size_t size;
    while (rc == 0 && (rc = platemap_iter_next (iter, &plate, &size, &seq)) == 0)
        (*count)++;
    platemap_iter_close (iter);
    free (iter);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ------------------------------------------------------------ pending */

platemap_pending_t *
platemap_pending_new (void)
{
    return yw_calloc (1, sizeof (platemap_pending_t));
}

void
platemap_pending_destroy (platemap_pending_t **self_p)
{
    platemap_pending_t *self = *self_p;
    if (!self)
        return;
    free (self->change);
    free (self->arena);
    free (self);
    *self_p = NULL;
}

void
platemap_pending_reset (platemap_pending_t *self)
{
    self->count = 0;
    self->arena_size = 0;
}

void
platemap_pending_put (platemap_pending_t *self, const void *plate, size_t size,
                      const uint8_t *seq, bool remove)
{
    if (self->count == self->capacity) {
        self->capacity = self->capacity ? 2 * self->capacity : 4096;
        self->change = yw_realloc (self->change, self->capacity * sizeof *self->change);
    }
    if (self->arena_size + RUNS_KEY_MAX > self->arena_capacity) {
        self->arena_capacity = self->arena_capacity ? 2 * self->arena_capacity : 65536;
        self->arena = yw_realloc (self->arena, self->arena_capacity);
    }
    s_change_t *change = &self->change[self->count];
    change->at = (uint32_t)self->arena_size;
    change->size = (uint8_t)s_key (self->arena + self->arena_size, plate, size, seq);
    change->remove = remove;
    change->order = (uint32_t)self->count++;
    self->arena_size += change->size;
}

static int
s_change_compare (const void *a, const void *b)
{
    const s_change_t *x = a, *y = b;
    size_t n = x->size < y->size ? x->size : y->size;
    int c = memcmp (x->key, y->key, n);
    if (c == 0)
        c = (x->size > y->size) - (x->size < y->size);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* A merge keeps every entry, and drops tombstones when it takes in the
   oldest run. */
static bool
s_merge_keep (void *arg, const uint8_t *key, size_t key_size, const uint8_t *value,
              size_t value_size)
{
    const bool *oldest = arg;
    (void)key;
    (void)key_size;
    return !(*oldest && value_size == 1 && value[0] == S_GONE);
}

/* Merges the runs from `from` on into one. */
static int
s_merge (platemap_view_t *view, size_t from)
{
    bool oldest = from == 0;
    return runs_merge (&view->runs, from, RUNS_NEWEST, s_merge_keep, &oldest, NULL, 0);
}

int
platemap_compact (platemap_view_t *view, bool *merged)
{
    size_t from = runs_merge_from (&view->runs, false, NULL);
    *merged = from < view->runs.count;
    return *merged ? s_merge (view, from) : 0;
}

int
platemap_flush (platemap_pending_t *self, platemap_view_t *view, bool busy, bool *owed)
{
    *owed = false;
    if (self->count == 0)
        return 0;
    /* the store queues them sorted already (its index changes are sorted
       by 'p' plate NUL seq, ties in queue order): sort only if not */
    bool sorted = true;
    for (size_t i = 0; i < self->count; i++) {
        self->change[i].key = self->arena + self->change[i].at;
        if (i && sorted && s_change_compare (&self->change[i - 1], &self->change[i]) > 0)
            sorted = false;
    }
    if (!sorted)
        qsort (self->change, self->count, sizeof *self->change, s_change_compare);
    runs_writer_t w;
    int rc = runs_writer_open (&w, &view->runs);
    for (size_t i = 0; rc == 0 && i < self->count; i++) {
        const s_change_t *change = &self->change[i];
        const s_change_t *next = i + 1 < self->count ? &self->change[i + 1] : NULL;
        const uint8_t *key = change->key;
        if (next && next->size == change->size &&
            memcmp (next->key, key, change->size) == 0)
            continue; /* a later change of the key holds */
        if (change->remove && view->runs.count == 0)
            continue; /* nothing older to hide */
        uint8_t value = change->remove ? S_GONE : S_HOLDS;
        rc = runs_writer_add (&w, key, change->size, &value, 1);
    }
    rc = runs_writer_close (&w, NULL, 0, rc);
    platemap_pending_reset (self);
    if (rc)
        return rc;
    size_t from = runs_merge_from (&view->runs, busy, owed);
    return from < view->runs.count ? s_merge (view, from) : 0;
}
