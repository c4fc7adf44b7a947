/*  objmap.c - object code -> seq as sorted runs with Bloom filters; the
    layout and the merge policy are in objmap.h. */
#include "objmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "radix.h"
#include "yw.h"

#define S_BLOCK 64 /* bytes of a Bloom block */
#define S_BITS_PER_CODE 10
#define S_PROBES 7

typedef struct {
    char code[OBJMAP_CODE];
    uint8_t seq[8];
    uint64_t hash;
} s_entry_t;

/* A slot of the pending set: the code's hash's upper 32 bits, then its
   entry index + 1 (0: empty), so that a probe reads an entry only when the
   hashes agree. */
#define S_SLOT(hash, index) (((hash) >> 32) << 32 | ((uint64_t)(index) + 1))

/* An entry's place in code order: its first 8 bytes, big-endian. */
typedef struct {
    uint64_t key;
    size_t index;
} s_order_t;

struct _objmap_pending_t {
    s_entry_t *entry;
    size_t count, size;
    uint64_t *slot;           /* open addressing */
    size_t slots;             /* a power of two, at least twice count */
    s_order_t *order, *spare; /* for sorting, size entries each */
};

uint64_t
objmap_hash (const char *code)
{
    return XXH3_64bits (code, OBJMAP_CODE);
}

/* ------------------------------------------------------------- Bloom */

static uint32_t
s_blocks_for (uint64_t codes)
{
    uint64_t blocks = (codes * S_BITS_PER_CODE + S_BLOCK * 8 - 1) / (S_BLOCK * 8);
    return blocks ? (uint32_t)blocks : 1;
}

/* The block of hash h, and its S_PROBES bit numbers (0..511). */
static const uint8_t *
s_bloom_block (const uint8_t *bloom, uint32_t blocks, uint64_t h, uint16_t *bits)
{
    uint64_t g = h * 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < S_PROBES; i++)
        bits[i] = (uint16_t)((g >> (9 * i)) & 511);
    return bloom + ((h >> 32) * blocks >> 32) * S_BLOCK;
}

static void
s_bloom_add (uint8_t *bloom, uint32_t blocks, uint64_t h)
{
    uint16_t bits[S_PROBES];
    uint8_t *block = (uint8_t *)s_bloom_block (bloom, blocks, h, bits);
    for (int i = 0; i < S_PROBES; i++)
        block[bits[i] >> 3] |= (uint8_t)(1u << (bits[i] & 7));
}

static bool
s_bloom_has (const uint8_t *bloom, uint32_t blocks, uint64_t h)
{
    uint16_t bits[S_PROBES];
    const uint8_t *block = s_bloom_block (bloom, blocks, h, bits);
    for (int i = 0; i < S_PROBES; i++)
        if (!(block[bits[i] >> 3] & (1u << (bits[i] & 7))))
            return false;
    return true;
}

bool
objmap_bloom_has (const runs_run_t *run, const char *code)
{
    return run->extra && s_bloom_has (run->extra, (uint32_t)(run->extra_size / S_BLOCK),
                                      objmap_hash (code));
}

/* -------------------------------------------------------------- views */

int
objmap_view (objmap_view_t *view, MDB_txn *txn, MDB_dbi obj, MDB_dbi objrun)
{
    int rc = runs_view (&view->runs, txn, obj, objrun);
    for (size_t i = 0; rc == 0 && i < view->runs.count; i++) {
        const runs_run_t *run = &view->runs.run[i];
        if (run->extra_size == 0 || run->extra_size % S_BLOCK ||
            run->extra_size / S_BLOCK > UINT32_MAX)
            rc = MDB_CORRUPTED;
    }
    return rc;
}

uint64_t
objmap_codes (const objmap_view_t *view)
{
    return runs_entries (&view->runs);
}

int
objmap_find (const objmap_view_t *view, const char *code, uint64_t h, uint8_t *seq)
{
    for (size_t i = view->runs.count; i-- > 0;) {
        const runs_run_t *run = &view->runs.run[i];
        if (run->extra &&
            !s_bloom_has (run->extra, (uint32_t)(run->extra_size / S_BLOCK), h))
            continue;
        uint8_t value[RUNS_VALUE_MAX];
        size_t size;
        int rc = runs_get (&view->runs, run, code, OBJMAP_CODE, value, &size);
        if (rc == MDB_NOTFOUND)
            continue; /* a false positive */
        if (rc)
            return rc;
        if (size != 8)
            return MDB_CORRUPTED;
        memcpy (seq, value, 8);
        return 0;
    }
    return MDB_NOTFOUND;
}

/* ---------------------------------------------------------- iterators */

int
objmap_iter_open (objmap_iter_t *iter, const objmap_view_t *view)
{
    return runs_iter_open (&iter->runs, &view->runs, 0, view->runs.count, RUNS_UNIQUE, NULL,
                           0, false);
}

int
objmap_iter_next (objmap_iter_t *iter, const char **code, const uint8_t **seq, size_t *run)
{
    const uint8_t *key;
    size_t key_size, seq_size;
    int rc = runs_iter_next (&iter->runs, &key, &key_size, seq, &seq_size, run);
    if (rc)
        return rc;
    if (key_size != OBJMAP_CODE || seq_size != 8)
        return MDB_CORRUPTED;
    *code = (const char *)key;
    return 0;
}

void
objmap_iter_close (objmap_iter_t *iter)
{
    runs_iter_close (&iter->runs);
}

/* ------------------------------------------------------------ pending */

objmap_pending_t *
objmap_pending_new (void)
{
    return yw_calloc (1, sizeof (objmap_pending_t));
}

void
objmap_pending_destroy (objmap_pending_t **self_p)
{
    objmap_pending_t *self = *self_p;
    if (!self)
        return;
    free (self->entry);
    free (self->slot);
    free (self->order);
    free (self->spare);
    free (self);
    *self_p = NULL;
}

void
objmap_pending_reset (objmap_pending_t *self)
{
    if (self->count && self->slot)
        memset (self->slot, 0, self->slots * sizeof *self->slot);
    self->count = 0;
}

size_t
objmap_pending_count (const objmap_pending_t *self)
{
    return self->count;
}

static void
s_slot_put (objmap_pending_t *self, size_t index)
{
    size_t mask = self->slots - 1;
    uint64_t hash = self->entry[index].hash;
    size_t at = (size_t)hash & mask;
    while (self->slot[at])
        at = (at + 1) & mask;
    self->slot[at] = S_SLOT (hash, index);
}

void
objmap_pending_add (objmap_pending_t *self, const char *code, uint64_t hash,
                    const uint8_t *seq)
{
    if (self->count == self->size) {
        self->size = self->size ? 2 * self->size : 4096;
        self->entry = yw_realloc (self->entry, self->size * sizeof *self->entry);
        self->order = yw_realloc (self->order, self->size * sizeof *self->order);
        self->spare = yw_realloc (self->spare, self->size * sizeof *self->spare);
    }
    if (2 * (self->count + 1) > self->slots) {
        free (self->slot);
        self->slots = self->slots ? 2 * self->slots : 8192;
        self->slot = yw_calloc (self->slots, sizeof *self->slot);
        for (size_t i = 0; i < self->count; i++)
            s_slot_put (self, i);
    }
    s_entry_t *entry = &self->entry[self->count];
    memcpy (entry->code, code, OBJMAP_CODE);
    memcpy (entry->seq, seq, 8);
    entry->hash = hash;
    s_slot_put (self, self->count++);
}

bool
objmap_pending_find (const objmap_pending_t *self, const char *code, uint64_t hash,
                     uint8_t *seq)
{
    if (!self->count)
        return false;
    size_t mask = self->slots - 1;
    uint64_t tag = hash >> 32 << 32;
    for (size_t at = (size_t)hash & mask; self->slot[at]; at = (at + 1) & mask) {
        if ((self->slot[at] & ~(uint64_t)UINT32_MAX) != tag)
            continue;
        const s_entry_t *entry = &self->entry[(self->slot[at] & UINT32_MAX) - 1];
        if (memcmp (entry->code, code, OBJMAP_CODE) == 0) {
            memcpy (seq, entry->seq, 8);
            return true;
        }
    }
    return false;
}

/* -------------------------------------------------------------- flush */

/* Sorts the pending entries by code into self->order: a radix sort on
   the codes' first 8 bytes (skipping bytes all codes share, e.g. the kind
   prefix), then the rare runs of equal first bytes by the whole code. */
static const s_order_t *
s_sort (objmap_pending_t *self)
{
    size_t n = self->count;
    for (size_t i = 0; i < n; i++)
        self->order[i] = (s_order_t){yw_get64 ((const uint8_t *)self->entry[i].code), i};
    s_order_t *from = radix_sort_u64 (self->order, self->spare, n, sizeof *from);
    for (size_t i = 1; i < n; i++) { /* insertion within equal first bytes */
        s_order_t this = from[i];
        size_t j = i;
        while (j > 0 && from[j - 1].key == this.key &&
               memcmp (self->entry[from[j - 1].index].code, self->entry[this.index].code,
                       OBJMAP_CODE) > 0) {
            from[j] = from[j - 1];
            j--;
        }
        from[j] = this;
    }
    return from;
}

/* A merge's new run: its Bloom filter. */
typedef struct {
    uint8_t *bloom;
    uint32_t blocks;
} s_merge_t;

static bool
s_merge_keep (void *arg, const uint8_t *key, size_t key_size, const uint8_t *value,
              size_t value_size)
{
    s_merge_t *merge = arg;
    (void)value;
    (void)value_size;
    if (key_size == OBJMAP_CODE)
        s_bloom_add (merge->bloom, merge->blocks, objmap_hash ((const char *)key));
    return true;
}

/* Merges the runs from `from` on into one, with its Bloom filter. */
static int
s_merge (objmap_view_t *view, size_t from)
{
    uint64_t codes = 0;
    for (size_t i = from; i < view->runs.count; i++)
        codes += view->runs.run[i].entries;
    s_merge_t merge = {.blocks = s_blocks_for (codes)};
    merge.bloom = yw_calloc (merge.blocks, S_BLOCK);
    int rc = runs_merge (&view->runs, from, RUNS_UNIQUE, s_merge_keep, &merge, merge.bloom,
                         (size_t)merge.blocks * S_BLOCK);
    free (merge.bloom);
    return rc;
}

int
objmap_compact (objmap_view_t *view, bool *merged)
{
    size_t from = runs_merge_from (&view->runs, false, NULL);
    *merged = from < view->runs.count;
    return *merged ? s_merge (view, from) : 0;
}

int
objmap_flush (objmap_pending_t *self, objmap_view_t *view, bool busy, bool *owed)
{
    *owed = false;
    if (self->count == 0)
        return 0;
    const s_order_t *order = s_sort (self);
    uint32_t blocks = s_blocks_for (self->count);
    uint8_t *bloom = yw_calloc (blocks, S_BLOCK);
    runs_writer_t w;
    int rc = runs_writer_open (&w, &view->runs);
    for (size_t i = 0; rc == 0 && i < self->count; i++) {
        const s_entry_t *entry = &self->entry[order[i].index];
        s_bloom_add (bloom, blocks, entry->hash);
        rc = runs_writer_add (&w, entry->code, OBJMAP_CODE, entry->seq, 8);
    }
    rc = runs_writer_close (&w, bloom, (size_t)blocks * S_BLOCK, rc);
    free (bloom);
    objmap_pending_reset (self);
    if (rc)
        return rc;
    size_t from = runs_merge_from (&view->runs, busy, owed);
    return from < view->runs.count ? s_merge (view, from) : 0;
}
