/*  dupfind.h - finds objects that occur more than once in a file, in bounded
    memory.

    Keys are kept in a fixed in-memory buffer; when it fills, it is sorted and
    written as a run to an anonymous temporary file in $TMPDIR (else /tmp),
    and dupfind_finish merges the runs. Memory is the buffer and its sort scratch (2 x 6 MiB by
    default) plus a 12 KiB read buffer per run: 1,000,000 rows with the
    default buffer make 4 runs, 100,000,000 rows 382 (under 5 MiB).
*/
#ifndef YW_DUPFIND_H_INCLUDED
#define YW_DUPFIND_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _dupfind_t dupfind_t;

#define DUPFIND_KEY 16                 /* bytes of a key compared */

/* Creates a finder holding at most `entries` keys in memory (0: 262,144). */
dupfind_t *dupfind_new (size_t entries);

void dupfind_destroy (dupfind_t **self_p);

/* Adds a key (the first DUPFIND_KEY bytes of key are used; shorter keys are
   zero-padded) seen at line. Returns 0, or YW_EIO if a run could not be
   written to the temporary directory. */
int dupfind_add (dupfind_t *self, const char *key, size_t key_len, uint64_t line);

/* Called for every repeat: `line` repeats the key first seen at `first`. */
typedef void (dupfind_fn) (void *arg, uint64_t first, uint64_t line);

/* Merges everything added and reports each repeat in key order. Returns the
   number of repeats (rows whose key was already seen), or YW_EIO. */
int64_t dupfind_finish (dupfind_t *self, dupfind_fn *report, void *arg);

#ifdef __cplusplus
}
#endif

#endif
