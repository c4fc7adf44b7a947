/*  dupfind.c - external sort of (key, line) pairs to find repeated keys. */
#include "dupfind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "yw.h"

typedef struct {
    uint8_t key[DUPFIND_KEY];
    uint64_t line;
} s_entry_t;

#define S_RUN_BUFFER 512 /* entries read at a time from each run */

typedef struct {
    FILE *file;
    long begin;        /* offset of the run's next unread entry */
    size_t remaining;  /* entries not yet read */
    s_entry_t *buffer; /* S_RUN_BUFFER entries, only while merging */
    size_t size, next;
} s_run_t;

struct _dupfind_t {
    s_entry_t *entries;
    s_entry_t *scratch; /* radix sort's other buffer, as large */
    size_t capacity, count;
    FILE *spill; /* temporary file of sorted runs */
    s_run_t *runs;
    size_t run_count, run_cap;
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
    self->scratch = yw_malloc (self->capacity * sizeof (s_entry_t));
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
    free (self->scratch);
    free (self);
    *self_p = NULL;
}

/* An anonymous file in $TMPDIR (else /tmp): tmpfile () ignores TMPDIR, and
   an operator checking a large file must be able to send the runs to a disk
   with room for them rather than a small tmpfs. */
static FILE *
s_temp_file (void)
{
    const char *dir = getenv ("TMPDIR");
    if (!dir || !dir[0])
        dir = "/tmp";
    char path[4096];
    if (snprintf (path, sizeof path, "%s/yiwang-dupfind-XXXXXX", dir) >= (int)sizeof path)
        return NULL;
    int fd = mkstemp (path);
    if (fd < 0)
        return NULL;
    unlink (path);
    FILE *file = fdopen (fd, "w+b");
    if (!file)
        close (fd);
    return file;
}

/* Sorts the buffer by key: LSD radix sort, byte by byte from the last,
   skipping bytes every key shares (object codes start with their kind's
   prefix). Stable, so equal keys stay in line order, as they were added.
   Several times faster than qsort's comparisons, on the hot path of every
   check. */
static void
s_sort (dupfind_t *self)
{
    size_t n = self->count;
    s_entry_t *from = self->entries, *to = self->scratch;
    for (int byte = DUPFIND_KEY - 1; byte >= 0; byte--) {
        size_t counts[256] = {0};
        for (size_t i = 0; i < n; i++)
            counts[from[i].key[byte]]++;
        if (n == 0 || counts[from[0].key[byte]] == n)
            continue;
        size_t offset = 0;
        for (int b = 0; b < 256; b++) {
            size_t count = counts[b];
            counts[b] = offset;
            offset += count;
        }
        for (size_t i = 0; i < n; i++)
            to[counts[from[i].key[byte]]++] = from[i];
        s_entry_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != self->entries)
        memcpy (self->entries, from, n * sizeof (s_entry_t));
}

static int
s_spill (dupfind_t *self)
{
    if (!self->spill && !(self->spill = s_temp_file ()))
        return YW_EIO;
    s_sort (self);
    if (fseek (self->spill, 0, SEEK_END) != 0)
        return YW_EIO;
    long begin = ftell (self->spill);
    if (fwrite (self->entries, sizeof (s_entry_t), self->count, self->spill) != self->count)
        return YW_EIO;
    if (self->run_count == self->run_cap) {
        self->run_cap = self->run_cap ? 2 * self->run_cap : 16;
        self->runs = yw_realloc (self->runs, self->run_cap * sizeof (s_run_t));
    }
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
    size_t want = run->remaining < S_RUN_BUFFER ? run->remaining : S_RUN_BUFFER;
    if (fseek (run->file, run->begin, SEEK_SET) != 0 ||
        fread (run->buffer, sizeof (s_entry_t), want, run->file) != want)
        return NULL;
    run->begin += (long)(want * sizeof (s_entry_t));
    run->remaining -= want;
    run->size = want;
    run->next = 0;
    return &run->buffer[0];
}

/* True if run a's head sorts before run b's (both have one). */
static bool
s_run_less (void *arg, size_t a, size_t b)
{
    s_run_t *runs = arg;
    return s_compare (s_run_peek (&runs[a]), s_run_peek (&runs[b])) < 0;
}

int64_t
dupfind_finish (dupfind_t *self, dupfind_fn *report, void *arg)
{
    int64_t repeats = 0;
    s_entry_t previous;
    bool have_previous = false;
    if (self->run_count == 0) {
        s_sort (self);
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
    /* k-way merge through a min-heap of runs keyed by their heads: a file of
       n rows makes n / capacity runs, and a linear pick per row would cost
       n x runs comparisons (quadratic in the file size). */
    size_t *heap = yw_malloc (self->run_count * sizeof *heap);
    size_t heap_size = 0;
    for (size_t r = 0; r < self->run_count; r++) {
        self->runs[r].buffer = yw_malloc (S_RUN_BUFFER * sizeof (s_entry_t));
        if (s_run_peek (&self->runs[r]))
            heap_push (heap, &heap_size, r, s_run_less, self->runs);
    }
    while (heap_size) {
        s_run_t *best = &self->runs[heap[0]];
        s_entry_t entry = *s_run_peek (best);
        if (have_previous && !memcmp (entry.key, previous.key, DUPFIND_KEY)) {
            repeats++;
            if (report)
                report (arg, previous.line, entry.line);
        }
        else {
            previous = entry;
            have_previous = true;
        }
        best->next++;
        if (!s_run_peek (best))
            heap[0] = heap[--heap_size]; /* run done (or its read failed) */
        heap_down (heap, heap_size, 0, s_run_less, self->runs);
    }
    free (heap);
    int64_t rc = repeats;
    for (size_t r = 0; r < self->run_count; r++) {
        if (self->runs[r].remaining)
            rc = YW_EIO; /* a read failed part-way */
        free (self->runs[r].buffer);
    }
    self->run_count = 0;
    return rc;
}
