/*  runs.c - sorted runs in an LMDB table; the layout and the merge policy
    are in runs.h. */
#include "runs.h"

#include <stdlib.h>
#include <string.h>

#include "yw.h"

#define S_ID 4      /* bytes of a run id, before every key */
#define S_HEADER 16 /* of a catalog value: entries, two reserved words */

/* LMDB's default key order: bytes, then the shorter first. */
static int
s_compare (const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size)
{
    int c = memcmp (a, b, a_size < b_size ? a_size : b_size);
    return c ? c : (a_size > b_size) - (a_size < b_size);
}

/* -------------------------------------------------------------- views */

int
runs_view (runs_view_t *view, MDB_txn *txn, MDB_dbi data, MDB_dbi catalog)
{
    view->txn = txn;
    view->data = data;
    view->catalog = catalog;
    view->count = 0;
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (txn, catalog, &cursor);
    if (rc)
        return rc;
    MDB_val key, value;
    for (rc = mdb_cursor_get (cursor, &key, &value, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        if (view->count == RUNS_MAX || key.mv_size != S_ID || value.mv_size < S_HEADER) {
            rc = MDB_CORRUPTED;
            break;
        }
        runs_run_t *run = &view->run[view->count++];
        run->id = yw_get32 (key.mv_data);
        run->entries = yw_get64 (value.mv_data);
        run->extra = (const uint8_t *)value.mv_data + S_HEADER;
        run->extra_size = value.mv_size - S_HEADER;
    }
    mdb_cursor_close (cursor);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

uint64_t
runs_entries (const runs_view_t *view)
{
    uint64_t entries = 0;
    for (size_t i = 0; i < view->count; i++)
        entries += view->run[i].entries;
    return entries;
}

int
runs_get (const runs_view_t *view, const runs_run_t *run, const void *key, size_t key_size,
          uint8_t *value, size_t *size)
{
    uint8_t data[S_ID + RUNS_KEY_MAX];
    if (key_size > RUNS_KEY_MAX)
        return MDB_BAD_VALSIZE;
    yw_put32 (data, run->id);
    memcpy (data + S_ID, key, key_size);
    MDB_val k = {S_ID + key_size, data}, v;
    int rc = mdb_get (view->txn, view->data, &k, &v);
    if (rc)
        return rc;
    if (v.mv_size > RUNS_VALUE_MAX)
        return MDB_CORRUPTED;
    memcpy (value, v.mv_data, v.mv_size);
    *size = v.mv_size;
    return 0;
}

/* ---------------------------------------------------------- iterators */

/* Reads the entry under cursor i (op), or marks run i done. */
static int
s_iter_read (runs_iter_t *iter, size_t i, MDB_val *key, MDB_cursor_op op)
{
    MDB_val value;
    int rc = mdb_cursor_get (iter->cursor[i], key, &value, op);
    iter->live[i] = false;
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc)
        return rc;
    const uint8_t *at = key->mv_data;
    if (key->mv_size < S_ID || yw_get32 (at) != iter->run[i]->id)
        return 0; /* the next run's */
    size_t size = key->mv_size - S_ID;
    if (iter->prefix_size && (size < iter->prefix_size ||
                              memcmp (at + S_ID, iter->prefix, iter->prefix_size) != 0))
        return 0; /* past the prefix */
    if (size > RUNS_KEY_MAX || value.mv_size > RUNS_VALUE_MAX)
        return MDB_CORRUPTED;
    memcpy (iter->key[i], at + S_ID, size);
    memcpy (iter->value[i], value.mv_data, value.mv_size);
    iter->key_size[i] = (uint8_t)size;
    iter->value_size[i] = (uint8_t)value.mv_size;
    iter->live[i] = true;
    return 0;
}

int
runs_iter_open (runs_iter_t *iter, const runs_view_t *view, size_t from, size_t to,
                runs_mode_t mode, const void *start, size_t start_size, bool prefix)
{
    iter->mode = mode;
    iter->from = from;
    iter->count = 0;
    iter->given = false;
    if (start_size > RUNS_KEY_MAX)
        return MDB_BAD_VALSIZE;
    iter->prefix_size = prefix ? start_size : 0;
    if (iter->prefix_size)
        memcpy (iter->prefix, start, start_size);
    for (size_t i = from; i < to; i++) {
        size_t at = iter->count++;
        iter->run[at] = &view->run[i];
        iter->live[at] = false;
        int rc = mdb_cursor_open (view->txn, view->data, &iter->cursor[at]);
        if (rc) {
            iter->cursor[at] = NULL;
            return rc;
        }
        uint8_t first[S_ID + RUNS_KEY_MAX];
        yw_put32 (first, view->run[i].id);
        if (start_size)
            memcpy (first + S_ID, start, start_size);
        MDB_val key = {S_ID + start_size, first};
        if ((rc = s_iter_read (iter, at, &key, MDB_SET_RANGE)))
            return rc;
    }
    return 0;
}

/* Moves cursor i to its run's next entry. */
static int
s_iter_advance (runs_iter_t *iter, size_t i)
{
    MDB_val key;
    return s_iter_read (iter, i, &key, MDB_NEXT);
}

int
runs_iter_next (runs_iter_t *iter, const uint8_t **key, size_t *key_size,
                const uint8_t **value, size_t *value_size, size_t *run)
{
    /* the cursors still on the key given last move on first (in NEWEST
       mode, every run that had it) */
    for (size_t i = 0; iter->given && i < iter->count; i++) {
        if (!iter->live[i] ||
            s_compare (iter->key[i], iter->key_size[i], iter->last, iter->last_size) != 0)
            continue;
        int rc = s_iter_advance (iter, i);
        if (rc)
            return rc;
    }
    iter->given = false;
    int best = -1;
    for (size_t i = 0; i < iter->count; i++) {
        if (!iter->live[i])
            continue;
        if (best >= 0) {
            int order = s_compare (iter->key[i], iter->key_size[i], iter->key[best],
                                   iter->key_size[best]);
            if (order == 0 && iter->mode == RUNS_UNIQUE)
                return MDB_CORRUPTED; /* a key in two runs */
            if (order > 0 || (order == 0 && i < (size_t)best))
                continue;
        }
        best = (int)i; /* later runs are newer: they win ties */
    }
    if (best < 0)
        return MDB_NOTFOUND;
    iter->given = true;
    iter->last_size = iter->key_size[best];
    memcpy (iter->last, iter->key[best], iter->last_size);
    *key = iter->key[best];
    *key_size = iter->key_size[best];
    *value = iter->value[best];
    *value_size = iter->value_size[best];
    if (run)
        *run = iter->from + (size_t)best;
    return 0;
}

void
runs_iter_close (runs_iter_t *iter)
{
    for (size_t i = 0; i < iter->count; i++)
        if (iter->cursor[i])
            mdb_cursor_close (iter->cursor[i]);
    iter->count = 0;
}

/* ------------------------------------------------------------ writing */

int
runs_writer_open (runs_writer_t *w, runs_view_t *view)
{
    w->view = view;
    w->id = view->count ? view->run[view->count - 1].id + 1 : 1;
    w->entries = 0;
    w->cursor = NULL;
    if (view->count == RUNS_MAX)
        return MDB_CORRUPTED;
    return mdb_cursor_open (view->txn, view->data, &w->cursor);
}

int
runs_writer_add (runs_writer_t *w, const void *key, size_t key_size, const void *value,
                 size_t value_size)
{
    uint8_t data[S_ID + RUNS_KEY_MAX];
    if (key_size > RUNS_KEY_MAX || value_size > RUNS_VALUE_MAX)
        return MDB_BAD_VALSIZE;
    yw_put32 (data, w->id);
    memcpy (data + S_ID, key, key_size);
    MDB_val k = {S_ID + key_size, data}, v = {value_size, (void *)value};
    w->entries++;
    return mdb_cursor_put (w->cursor, &k, &v, MDB_APPEND);
}

int
runs_writer_close (runs_writer_t *w, const void *extra, size_t extra_size, int rc)
{
    if (w->cursor)
        mdb_cursor_close (w->cursor);
    w->cursor = NULL;
    if (rc || w->entries == 0)
        return rc;
    uint8_t id[S_ID];
    yw_put32 (id, w->id);
    MDB_val key = {S_ID, id}, value = {S_HEADER + extra_size, NULL};
    if ((rc = mdb_put (w->view->txn, w->view->catalog, &key, &value, MDB_RESERVE)))
        return rc;
    uint8_t *data = value.mv_data;
    yw_put64 (data, w->entries);
    memset (data + 8, 0, 8);
    if (extra_size)
        memcpy (data + S_HEADER, extra, extra_size);
    w->view->run[w->view->count++] = (runs_run_t){w->id, w->entries, NULL, extra_size};
    return 0;
}

/* Deletes a run's entries and its catalog entry. */
static int
s_drop (runs_view_t *view, const runs_run_t *run)
{
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (view->txn, view->data, &cursor);
    if (rc)
        return rc;
    uint8_t id[S_ID];
    yw_put32 (id, run->id);
    MDB_val key = {S_ID, id}, value;
    uint64_t dropped = 0;
    rc = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
    while (rc == 0 && key.mv_size >= S_ID && yw_get32 (key.mv_data) == run->id) {
        if ((rc = mdb_cursor_del (cursor, 0)))
            break;
        dropped++;
        rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT); /* the one after */
    }
    mdb_cursor_close (cursor);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (dropped != run->entries)
        return MDB_CORRUPTED;
    key = (MDB_val){S_ID, id};
    return mdb_del (view->txn, view->catalog, &key, NULL);
}

int
runs_verify (const runs_view_t *view, size_t *run, uint64_t *entries)
{
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (view->txn, view->data, &cursor);
    if (rc)
        return rc;
    for (size_t i = 0; rc == 0 && i < view->count; i++) {
        uint8_t id[S_ID];
        yw_put32 (id, view->run[i].id);
        MDB_val key = {S_ID, id}, value;
        uint64_t found = 0;
        for (rc = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
             rc == 0 && key.mv_size >= S_ID && yw_get32 (key.mv_data) == view->run[i].id;
             rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT))
            found++;
        if (rc == MDB_NOTFOUND || rc == 0)
            rc = found == view->run[i].entries ? 0 : MDB_CORRUPTED;
        *run = i;
        *entries = found;
    }
    mdb_cursor_close (cursor);
    MDB_stat st;
    if (rc == 0 && (rc = mdb_stat (view->txn, view->data, &st)) == 0 &&
        st.ms_entries != runs_entries (view)) {
        *run = view->count;
        *entries = st.ms_entries - runs_entries (view);
        rc = MDB_CORRUPTED;
    }
    return rc;
}

size_t
runs_merge_from (const runs_view_t *view, bool busy, bool *owed)
{
    uint64_t after = 0;
    size_t from = view->count;
    for (size_t i = view->count; i-- > 0;) {
        if (i + 1 < view->count && 4 * view->run[i].entries <= after)
            from = i;
        after += view->run[i].entries;
    }
    /* many small commits make many small runs: a lookup asks each, so
       past RUNS_SOFT the newest merge whatever their sizes */
    size_t left = from < view->count ? from + 1 : view->count;
    if (left > RUNS_SOFT)
        from = RUNS_SOFT - 1;
    bool leave = from < view->count && busy && view->count <= RUNS_BUSY;
    if (owed)
        *owed = leave;
    return leave ? view->count : from;
}

int
runs_merge (runs_view_t *view, size_t from, runs_mode_t mode, runs_keep_fn *keep, void *arg,
            const void *extra, size_t extra_size)
{
    uint64_t entries = 0;
    for (size_t i = from; i < view->count; i++)
        entries += view->run[i].entries;
    runs_writer_t w;
    runs_iter_t *iter = yw_malloc (sizeof *iter);
    iter->count = 0;
    int rc = runs_writer_open (&w, view);
    if (rc == 0)
        rc = runs_iter_open (iter, view, from, view->count, mode, NULL, 0, false);
    const uint8_t *key, *value;
    size_t key_size, value_size;
    while (rc == 0 &&
           (rc = runs_iter_next (iter, &key, &key_size, &value, &value_size, NULL)) == 0) {
        if (keep (arg, key, key_size, value, value_size))
            rc = runs_writer_add (&w, key, key_size, value, value_size);
    }
    runs_iter_close (iter);
    free (iter);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    if (rc == 0 && mode == RUNS_UNIQUE && w.entries != entries)
        rc = MDB_CORRUPTED;
    size_t count = view->count; /* the merged run, if any entry was kept, goes after */
    if ((rc = runs_writer_close (&w, extra, extra_size, rc)))
        return rc;
    for (size_t i = from; rc == 0 && i < count; i++)
        rc = s_drop (view, &view->run[i]);
    if (rc)
        return rc;
    size_t written = view->count - count;
    memmove (&view->run[from], &view->run[count], written * sizeof *view->run);
    view->count = from + written;
    return 0;
}
