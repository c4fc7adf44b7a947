/*  dump.h - a store's canonical dump and its digest, so that any two stores
    can be compared: line by line (`yiwang dump`) or by one hash (`yiwang
    digest`). A province has converged when its digest equals the digest of
    the union of its counties' dumps (issue 4).

    One line per object the store has ever known, in object_code order:

        object_code TAB version TAB content_hash TAB deleted LF

    version is the decimal HLC of the object's visible claim (DESIGN 4.4) or,
    when every claim is a tombstone, of the newest tombstone; content_hash is
    that claim's SHA-256 in 64 lower-case hex digits; deleted is 1 when no
    live claim is left, else 0. Nothing in a line depends on which node holds
    the store or through which path the claim arrived, so a county's store and
    the province's print the same line for the same claim.

    A region prefix keeps only the objects whose region_code (of the claim
    shown) starts with it: `--region 3701` is 济南市. The digest is the
    SHA-256 of exactly the dump's bytes: `yiwang dump | sha256sum` agrees
    with `yiwang digest`.
*/
#ifndef YW_DUMP_H_INCLUDED
#define YW_DUMP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a dump line buffer: code, 20 digits, 64 hex digits, a digit,
   three tabs, LF and NUL fit. */
#define DUMP_LINE_SIZE 128
#define DUMP_DIGEST_HEX 65 /* 64 hex digits and NUL */

/* Formats one object's line, LF included and NUL-terminated, into `line`
   (DUMP_LINE_SIZE bytes). Returns its length without the NUL. */
size_t dump_line (const char *object_code, const store_object_t *info, char *line);

/* True if a region prefix is usable: 1 to 6 ASCII digits, or NULL / "" for
   every region. */
bool dump_prefix_valid (const char *prefix);

/* True if the object's region starts with prefix (NULL or "": always). */
bool dump_region_match (const store_object_t *info, const char *prefix);

/* Receives each line; returns 0 to go on, anything else to stop (returned
   by dump_each ()). line is valid during the call only. */
typedef int (dump_line_fn) (void *arg, const char *line, size_t size);

/* Calls fn with the line of every object of the store that matches prefix,
   in object_code order, from one consistent read transaction. Returns 0,
   fn's value, or a store error (YW_ESTORE). */
int dump_each (store_t *store, const char *prefix, dump_line_fn *fn, void *arg);

/* SHA-256 of the dump of the store (prefix as for dump_each) as hex into
   `hex` (DUMP_DIGEST_HEX bytes); *lines (may be NULL) receives the number of
   lines it covers. Memory is constant, whatever the store's size. Returns 0
   or a store error. */
int dump_digest (store_t *store, const char *prefix, char *hex, uint64_t *lines);

#ifdef __cplusplus
}
#endif

#endif
