/*  yw.h - the project's error codes, limits and allocation wrapper.

    Every function that can fail returns int: 0 on success or a negative
    YW_E... code. Library errors (LMDB, OpenSSL, errno, zmq) are mapped to these
    codes once, in the module that wraps the library. yw_strerror () gives a
    stable English text for a code; callers add what and where.

    Allocation goes through yw_malloc () and friends, which abort the process on
    out-of-memory, so call sites need no NULL checks. Every size that comes from
    outside (a file, a peer) is checked against a YW_MAX_... limit first.
*/
#ifndef YW_H_INCLUDED
#define YW_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes. Negative, stable, never renumbered (they travel in reports). */
#define YW_OK 0
#define YW_EINVAL -1        /* invalid argument or value */
#define YW_ENOMEM -2        /* out of memory (normally aborts instead) */
#define YW_EIO -3           /* read/write failure on a file or stream */
#define YW_ENOTFOUND -4     /* no such key, code or entry */
#define YW_EPARSE -5        /* malformed input (CSV, JSON, INI, protobuf) */
#define YW_ETOOBIG -6       /* a size exceeds its YW_MAX_... limit */
#define YW_EENCODING -7     /* invalid or unconvertible text encoding */
#define YW_EMAPPING -8      /* unusable mapping file */
#define YW_ESTORE -9        /* the store failed (LMDB error) */
#define YW_EMAPFULL -10     /* store map full and could not grow */
#define YW_ENOSPC -11       /* disk full */
#define YW_ELOCKED -12      /* store locked by another process */
#define YW_EPEER -13        /* peer unavailable or protocol failure */
#define YW_ETIMEOUT -14     /* no answer in time */
#define YW_ECRYPTO -15      /* OpenSSL failure */
#define YW_EDENIED -16      /* not authorized (jurisdiction, certificate) */
#define YW_ESEQ -17         /* sequence gap or continuity failure */
#define YW_ESTALE -18       /* older than what is already applied */
#define YW_ECONFIG -19      /* unusable configuration */
#define YW_EINTERRUPTED -20 /* stopped by a signal */

/* Returns a constant English description of code; never NULL. */
const char *yw_strerror (int code);

/* Limits on everything that comes from outside. */
#define YW_MAX_FIELD 4096        /* bytes of one CSV/JSON field */
#define YW_MAX_LINE (1 << 20)    /* bytes of one CSV record or JSON line */
#define YW_MAX_COLUMNS 512       /* columns of one CSV row */
#define YW_MAX_FRAME (64 << 20)  /* bytes of one ZeroMQ message */
#define YW_MAX_BATCH_ROWS 100000 /* rows of one IngestBatch */

/* Allocation: abort with a message on out-of-memory; never return NULL
   (yw_malloc (0) returns a unique pointer). */
void *yw_malloc (size_t size);

/* Milliseconds of CLOCK_MONOTONIC (for timeouts and intervals). */
int64_t yw_monotonic_ms (void);
void *yw_calloc (size_t count, size_t size);
void *yw_realloc (void *ptr, size_t size);
char *yw_strdup (const char *text);
char *yw_strndup (const char *text, size_t size);

/* SHA-256 of data into hash (32 bytes). The digest is fetched from OpenSSL
   once per process: OpenSSL 3's one-shot SHA256 () fetches it on every
   call, behind a lock, which costs more than hashing a record. */
void yw_sha256 (const void *data, size_t size, uint8_t *hash);

/* SHA-256 over several pieces in turn, as if they were one. */
typedef struct {
    const void *data;
    size_t size;
} yw_piece_t;
void yw_sha256_pieces (const yw_piece_t *pieces, size_t count, uint8_t *hash);

/* Big-endian integers in stored keys and values (memcmp order is numeric
   order). */
static inline void
yw_put32 (uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
}

static inline uint32_t
yw_get32 (const uint8_t *in)
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

static inline void
yw_put64 (uint8_t *out, uint64_t value)
{
    yw_put32 (out, (uint32_t)(value >> 32));
    yw_put32 (out + 4, (uint32_t)value);
}

static inline uint64_t
yw_get64 (const uint8_t *in)
{
    return (uint64_t)yw_get32 (in) << 32 | yw_get32 (in + 4);
}

#ifdef __cplusplus
}
#endif

#endif
