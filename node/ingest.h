/*  ingest.h - what a node does with one IngestBatch frame before it is
    stored (DESIGN 4.1): decode, normalize raw rows exactly as `yiwang check`
    does, re-validate records a client already normalized, and gather the
    rejections, all into a store_ingest_t for the next group commit.

    The node trusts no client: records are checked against the coding
    standard and the node's jurisdiction, and their object code and content
    hash are computed again here.
*/
#ifndef YW_INGEST_H_INCLUDED
#define YW_INGEST_H_INCLUDED

#include <stddef.h>

#include "codebook.h"
#include "ingestmsg.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _ingest_t ingest_t;

/* The prepared work of one frame; owns everything store.batch points to. */
typedef struct {
    store_ingest_t batch;
    ingestmsg_report_t report; /* rows, rejected, reasons, samples so far */
    yw_record_t *records;
    size_t record_capacity;
    store_rejection_t *rejections;
    size_t rejection_capacity;
    char source[256]; /* NUL-terminated batch source */
    uint8_t chunk_key[STORE_CHUNK_KEY]; /* batch.chunk points here */
} ingest_work_t;

/* A normalizer for a node of this jurisdiction (a region code). The codebook
   is borrowed. Returns NULL if the built-in identity mappings cannot be made
   (a build error, printed). */
ingest_t *ingest_new (const codebook_t *codebook, const char *jurisdiction);
void ingest_destroy (ingest_t **self_p);

/* Prepares one frame into work (reset first). Returns 0, or YW_EPARSE /
   YW_ETOOBIG when the frame is not a usable IngestBatch: work->report then
   carries the status and an error naming what is wrong, and nothing of the
   frame may be stored. */
int ingest_prepare (ingest_t *self, const void *frame, size_t size, ingest_work_t *work);

/* The store's key for a client's chunk digest: the digest, this node's
   jurisdiction and its codebook (a node of another jurisdiction or another
   codebook would make other records of the same rows). */
void ingest_chunk_key (const ingest_t *self, const uint8_t *digest, uint8_t *key);

void ingest_work_init (ingest_work_t *work);
void ingest_work_free (ingest_work_t *work);

#ifdef __cplusplus
}
#endif

#endif
