/*  objmap.c - object code -> seq as sorted runs with Bloom filters; the
    layout and the merge policy are in objmap.h. */
#include "objmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "yw.h"

#define S_KEY (4 + OBJMAP_CODE) /* run, code */
#define S_HEADER 16             /* of an objrun value: codes, blocks, reserved */
#define S_BLOCK 64              /* bytes of a Bloom block */
#define S_BITS_PER_CODE 10
#define S_PROBES 7
#define S_RUNS_SOFT 24 /* runs a flush leaves at most */

typedef struct {
    char code[OBJMAP_CODE];
    uint8_t seq[8];
    uint64_t hash;
} s_entry_t;

/* A slot of the pending set: the code's hash's upper 32 bits, then its
   entry index + 1 (0: empty), so that a probe reads an entry only when the
   hashes agree. */
#define S_SLOT(hash, index) (((hash) >> 32) << 32 | ((uint64_t)(index) + 1))

struct _objmap_pending_t {
    s_entry_t *entry;
    size_t count, size;
    uint64_t *slot; /* open addressing */
    size_t slots;   /* a power of two, at least twice count */
};

static void
s_put32 (uint8_t *out, uint32_t value)
{
    for (int i = 3; i >= 0; i--, value >>= 8)
        out[i] = (uint8_t)value;
}

static uint32_t
s_get32 (const uint8_t *in)
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

static uint64_t
s_get64 (const uint8_t *in)
{
    return (uint64_t)s_get32 (in) << 32 | s_get32 (in + 4);
}

static void
s_put64 (uint8_t *out, uint64_t value)
{
    s_put32 (out, (uint32_t)(value >> 32));
    s_put32 (out + 4, (uint32_t)value);
}

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
objmap_bloom_has (const objmap_run_t *run, const char *code)
{
    return run->bloom && s_bloom_has (run->bloom, run->blocks, objmap_hash (code));
}

/* -------------------------------------------------------------- views */

int
objmap_view (objmap_view_t *view, MDB_txn *txn, MDB_dbi obj, MDB_dbi objrun)
{
    view->txn = txn;
    view->obj = obj;
    view->objrun = objrun;
    view->count = 0;
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (txn, objrun, &cursor);
    if (rc)
        return rc;
    MDB_val key, value;
    for (rc = mdb_cursor_get (cursor, &key, &value, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        if (view->count == OBJMAP_MAX_RUNS || key.mv_size != 4 ||
            value.mv_size < S_HEADER) {
            rc = MDB_CORRUPTED;
            break;
        }
        const uint8_t *data = value.mv_data;
        objmap_run_t *run = &view->run[view->count++];
        run->id = s_get32 (key.mv_data);
        run->codes = s_get64 (data);
        run->blocks = s_get32 (data + 8);
        run->bloom = data + S_HEADER;
        if (run->blocks == 0 || value.mv_size != S_HEADER + (size_t)run->blocks * S_BLOCK) {
            rc = MDB_CORRUPTED;
            break;
        }
    }
    mdb_cursor_close (cursor);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

uint64_t
objmap_codes (const objmap_view_t *view)
{
    uint64_t codes = 0;
    for (size_t i = 0; i < view->count; i++)
        codes += view->run[i].codes;
    return codes;
}

int
objmap_find (const objmap_view_t *view, const char *code, uint64_t h, uint8_t *seq)
{
    uint8_t data[S_KEY];
    memcpy (data + 4, code, OBJMAP_CODE);
    for (size_t i = view->count; i-- > 0;) {
        const objmap_run_t *run = &view->run[i];
        if (!s_bloom_has (run->bloom, run->blocks, h))
            continue;
        s_put32 (data, run->id);
        MDB_val key = {S_KEY, data}, value;
        int rc = mdb_get (view->txn, view->obj, &key, &value);
        if (rc == MDB_NOTFOUND)
            continue; /* a false positive */
        if (rc)
            return rc;
        if (value.mv_size != 8)
            return MDB_CORRUPTED;
        memcpy (seq, value.mv_data, 8);
        return 0;
    }
    return MDB_NOTFOUND;
}

/* ---------------------------------------------------------- iterators */

/* Reads the entry under iter's cursor i, or marks run i done. */
static int
s_iter_read (objmap_iter_t *iter, size_t i, MDB_cursor_op op)
{
    uint8_t start[4];
    s_put32 (start, iter->run[i]->id);
    MDB_val key = {4, start}, value;
    int rc = mdb_cursor_get (iter->cursor[i], &key, &value, op);
    iter->live[i] = false;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (key.mv_size < 4 || s_get32 (key.mv_data) != iter->run[i]->id)
        return 0; /* the next run's */
    if (key.mv_size != S_KEY || value.mv_size != 8)
        return MDB_CORRUPTED;
    memcpy (iter->entry[i], (const uint8_t *)key.mv_data + 4, OBJMAP_CODE);
    memcpy (iter->entry[i] + OBJMAP_CODE, value.mv_data, 8);
    iter->live[i] = true;
    return 0;
}

int
objmap_iter_open (objmap_iter_t *iter, const objmap_view_t *view, size_t from, size_t to)
{
    iter->from = from;
    iter->count = 0;
    iter->current = -1;
    for (size_t i = from; i < to; i++) {
        size_t at = iter->count++;
        iter->run[at] = &view->run[i];
        iter->live[at] = false;
        int rc = mdb_cursor_open (view->txn, view->obj, &iter->cursor[at]);
        if (rc) {
            iter->cursor[at] = NULL;
            return rc;
        }
        if ((rc = s_iter_read (iter, at, MDB_SET_RANGE)))
            return rc;
    }
    return 0;
}

int
objmap_iter_next (objmap_iter_t *iter, const char **code, const uint8_t **seq, size_t *run)
{
    int rc;
    if (iter->current >= 0 && (rc = s_iter_read (iter, (size_t)iter->current, MDB_NEXT)))
        return rc;
    int best = -1;
    for (size_t i = 0; i < iter->count; i++) {
        if (!iter->live[i])
            continue;
        if (best >= 0) {
            int order = memcmp (iter->entry[i], iter->entry[best], OBJMAP_CODE);
            if (order == 0)
                return MDB_CORRUPTED; /* a code in two runs */
            if (order > 0)
                continue;
        }
        best = (int)i;
    }
    iter->current = best;
    if (best < 0)
        return MDB_NOTFOUND;
    *code = (const char *)iter->entry[best];
    *seq = iter->entry[best] + OBJMAP_CODE;
    if (run)
        *run = iter->from + (size_t)best;
    return 0;
}

void
objmap_iter_close (objmap_iter_t *iter)
{
    for (size_t i = 0; i < iter->count; i++)
        if (iter->cursor[i])
            mdb_cursor_close (iter->cursor[i]);
    iter->count = 0;
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

static int
s_entry_compare (const void *a, const void *b)
{
    return memcmp (a, b, OBJMAP_CODE);
}

/* A run being written: its entries go in code order at the end of obj. */
typedef struct {
    uint32_t id;
    uint64_t codes, expected;
    uint32_t blocks;
    uint8_t *bloom;
    MDB_cursor *cursor;
} s_writer_t;

static int
s_writer_open (s_writer_t *w, objmap_view_t *view, uint64_t expected)
{
    w->id = view->count ? view->run[view->count - 1].id + 1 : 1;
    w->codes = 0;
    w->expected = expected;
    w->blocks = s_blocks_for (expected);
    w->bloom = yw_calloc (w->blocks, S_BLOCK);
    return mdb_cursor_open (view->txn, view->obj, &w->cursor);
}

static int
s_writer_add (s_writer_t *w, const char *code, uint64_t hash, const uint8_t *seq)
{
    uint8_t data[S_KEY];
    s_put32 (data, w->id);
    memcpy (data + 4, code, OBJMAP_CODE);
    MDB_val key = {S_KEY, data}, value = {8, (void *)seq};
    s_bloom_add (w->bloom, w->blocks, hash);
    w->codes++;
    return mdb_cursor_put (w->cursor, &key, &value, MDB_APPEND);
}

/* Writes the run's objrun entry and frees the writer. */
static int
s_writer_close (s_writer_t *w, objmap_view_t *view, int rc)
{
    if (w->cursor)
        mdb_cursor_close (w->cursor);
    w->cursor = NULL;
    if (rc == 0 && w->codes != w->expected)
        rc = MDB_CORRUPTED;
    if (rc == 0) {
        uint8_t id[4];
        s_put32 (id, w->id);
        size_t size = S_HEADER + (size_t)w->blocks * S_BLOCK;
        MDB_val key = {4, id}, value = {size, NULL};
        rc = mdb_put (view->txn, view->objrun, &key, &value, MDB_RESERVE);
        if (rc == 0) {
            uint8_t *data = value.mv_data;
            s_put64 (data, w->codes);
            s_put32 (data + 8, w->blocks);
            s_put32 (data + 12, 0);
            memcpy (data + S_HEADER, w->bloom, (size_t)w->blocks * S_BLOCK);
        }
    }
    free (w->bloom);
    w->bloom = NULL;
    return rc;
}

/* Deletes run i's entries and its objrun entry. */
static int
s_run_drop (objmap_view_t *view, const objmap_run_t *run)
{
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (view->txn, view->obj, &cursor);
    if (rc)
        return rc;
    uint8_t id[4];
    s_put32 (id, run->id);
    MDB_val key = {4, id}, value;
    uint64_t dropped = 0;
    rc = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
    while (rc == 0 && key.mv_size >= 4 && s_get32 (key.mv_data) == run->id) {
        if ((rc = mdb_cursor_del (cursor, 0)))
            break;
        dropped++;
        rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT); /* the one after */
    }
    mdb_cursor_close (cursor);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (dropped != run->codes)
        return MDB_CORRUPTED;
    key = (MDB_val){4, id};
    return mdb_del (view->txn, view->objrun, &key, NULL);
}

/* Merges runs [from, view->count) into one new run. */
static int
s_merge (objmap_view_t *view, size_t from)
{
    uint64_t codes = 0;
    for (size_t i = from; i < view->count; i++)
        codes += view->run[i].codes;
    s_writer_t w = {0};
    objmap_iter_t iter;
    int rc = s_writer_open (&w, view, codes);
    if (rc == 0)
        rc = objmap_iter_open (&iter, view, from, view->count);
    const char *code;
    const uint8_t *seq;
    while (rc == 0 && (rc = objmap_iter_next (&iter, &code, &seq, NULL)) == 0)
        rc = s_writer_add (&w, code, objmap_hash (code), seq);
    objmap_iter_close (&iter);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    rc = s_writer_close (&w, view, rc);
    for (size_t i = from; rc == 0 && i < view->count; i++)
        rc = s_run_drop (view, &view->run[i]);
    if (rc)
        return rc;
    view->run[from] = (objmap_run_t){w.id, codes, w.blocks, NULL};
    view->count = from + 1;
    return 0;
}

int
objmap_flush (objmap_pending_t *self, objmap_view_t *view)
{
    if (self->count == 0)
        return 0;
    if (view->count == OBJMAP_MAX_RUNS)
        return MDB_CORRUPTED;
    qsort (self->entry, self->count, sizeof *self->entry, s_entry_compare);
    s_writer_t w = {0};
    int rc = s_writer_open (&w, view, self->count);
    for (size_t i = 0; rc == 0 && i < self->count; i++)
        rc =
            s_writer_add (&w, self->entry[i].code, self->entry[i].hash, self->entry[i].seq);
    if ((rc = s_writer_close (&w, view, rc)))
        return rc;
    view->run[view->count++] = (objmap_run_t){w.id, self->count, w.blocks, NULL};
    objmap_pending_reset (self);
    /* the oldest run that is no larger than a quarter of the runs after it
       starts the merge */
    uint64_t after = 0;
    size_t from = view->count;
    for (size_t i = view->count; i-- > 0;) {
        if (i + 1 < view->count && 4 * view->run[i].codes <= after)
            from = i;
        after += view->run[i].codes;
    }
    /* many small commits make many small runs: a lookup asks each, so
       past S_RUNS_SOFT the newest merge whatever their sizes */
    size_t left = from < view->count ? from + 1 : view->count;
    if (left > S_RUNS_SOFT)
        from = S_RUNS_SOFT - 1;
    return from < view->count ? s_merge (view, from) : 0;
}
