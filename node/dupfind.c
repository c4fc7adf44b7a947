/*  dupfind.c - external sort of (key, line) pairs to find repeated keys. */
#include "dupfind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yw.h"

typedef struct {
    uint8_t key[DUPFIND_KEY];
    uint64_t line;
} s_entry_t;

typedef struct {
    FILE *file;
    long begin;                 /* offset of the run's first entry */
    size_t remaining;           /* entries not yet read */
    s_entry_t buffer[512];
    size_t size, next;
} s_run_t;

struct _dupfind_t {
    s_entry_t *entries;
    size_t capacity, count;
    FILE *spill;                /* temporary file of sorted runs */
    s_run_t *runs;
    size_t run_count;
};

static int
s_compare (const void *a, const void *b)
{
    const s_entry_t *x = a, *y = b;
    int c = memcmp (x->key, y->key, DUPFIND_KEY);
    if (c)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

dupfind_t *
dupfind_new (size_t entries)
{
    dupfind_t *self = yw_calloc (1, sizeof *self);
    self->capacity = entries ? entries : 262144;
    self->entries = yw_malloc (self->capacity * sizeof (s_entry_t));
    return self;
}

void
dupfind_destroy (dupfind_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dupfind_t *self = *self_p;
    if (self->spill)
        fclose (self->spill);
    free (self->runs);
    free (self->entries);
    free (self);
    *self_p = NULL;
}

static int
s_spill (dupfind_t *self)
{
    if (!self->spill && !(self->spill = tmpfile ()))
        return YW_EIO;
    qsort (self->entries, self->count, sizeof (s_entry_t), s_compare);
    if (fseek (self->spill, 0, SEEK_END) != 0)
        return YW_EIO;
    long begin = ftell (self->spill);
    if (fwrite (self->entries, sizeof (s_entry_t), self->count, self->spill) != self->count)
        return YW_EIO;
    self->runs = yw_realloc (self->runs, (self->run_count + 1) * sizeof (s_run_t));
    s_run_t *run = &self->runs[self->run_count++];
    memset (run, 0, sizeof *run);
    run->file = self->spill;
    run->begin = begin;
    run->remaining = self->count;
    self->count = 0;
    return 0;
}

int
dupfind_add (dupfind_t *self, const char *key, size_t key_len, uint64_t line)
{
    if (self->count == self->capacity) {
        int rc = s_spill (self);
        if (rc)
            return rc;
    }
    s_entry_t *entry = &self->entries[self->count++];
    memset (entry->key, 0, DUPFIND_KEY);
    memcpy (entry->key, key, key_len < DUPFIND_KEY ? key_len : DUPFIND_KEY);
    entry->line = line;
    return 0;
}

/* Next entry of a run, refilling its buffer from the spill file. */
static const s_entry_t *
s_run_peek (s_run_t *run)
{
    if (run->next < run->size)
        return &run->buffer[run->next];
    if (run->remaining == 0)
        return NULL;
    size_t want = run->remaining < 512 ? run->remaining : 512;
    if (fseek (run->file, run->begin, SEEK_SET) != 0
        || fread (run->buffer, sizeof (s_entry_t), want, run->file) != want)
        return NULL;
    run->begin += (long) (want * sizeof (s_entry_t));
    run->remaining -= want;
    run->size = want;
    run->next = 0;
    return &run->buffer[0];
}

int64_t
dupfind_finish (dupfind_t *self, dupfind_fn *report, void *arg)
{
    int64_t repeats = 0;
    s_entry_t previous;
    bool have_previous = false;
    if (self->run_count == 0) {
        qsort (self->entries, self->count, sizeof (s_entry_t), s_compare);
        for (size_t i = 0; i < self->count; i++) {
            const s_entry_t *entry = &self->entries[i];
            if (have_previous && !memcmp (entry->key, previous.key, DUPFIND_KEY)) {
                repeats++;
                if (report)
                    report (arg, previous.line, entry->line);
            }
            else {
                previous = *entry;
                have_previous = true;
            }
        }
        self->count = 0;
        return repeats;
    }
    if (self->count && s_spill (self))
        return YW_EIO;
    /* k-way merge; runs are few (one per `capacity` rows), so a linear pick
       of the smallest head is cheaper than keeping a heap. */
    for (;;) {
        s_run_t *best = NULL;
        const s_entry_t *best_entry = NULL;
        for (size_t r = 0; r < self->run_count; r++) {
            const s_entry_t *head = s_run_peek (&self->runs[r]);
            if (head && (!best_entry || s_compare (head, best_entry) < 0)) {
                best = &self->runs[r];
                best_entry = head;
            }
        }
        if (!best)
            break;
        if (have_previous && !memcmp (best_entry->key, previous.key, DUPFIND_KEY)) {
            repeats++;
            if (report)
                report (arg, previous.line, best_entry->line);
        }
        else {
            previous = *best_entry;
            have_previous = true;
        }
        best->next++;
    }
    for (size_t r = 0; r < self->run_count; r++)
        if (self->runs[r].remaining)
            return YW_EIO;          /* a read failed part-way */
    self->run_count = 0;
    return repeats;
}
