/*  ingestmsg.h - the ingest protocol's messages (proto/yiwang.proto
    IngestBatch and IngestReport) as plain C, for the node's ingest socket,
    `yiwang import` and the adapter SDK.

    A decoded batch borrows the frame: texts point into it and are not
    NUL-terminated (data + size); records stay encoded until the caller
    decodes each with codec_record_decode (). Decoding checks the structure,
    the limits (YW_MAX_BATCH_ROWS rows, records and rejections; YW_MAX_FIELD
    bytes per text) and that every text is UTF-8, and names what is wrong.
*/
#ifndef YW_INGESTMSG_H_INCLUDED
#define YW_INGESTMSG_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reason.h"
#include "record.h"
#include "wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *data;
    size_t size;
} ingestmsg_text_t;

typedef struct {
    ingestmsg_text_t name;  /* standard field name */
    ingestmsg_text_t value; /* raw local text */
} ingestmsg_field_t;

typedef struct {
    uint64_t line;
    size_t first; /* index of its first field in batch->fields */
    size_t count;
} ingestmsg_row_t;

typedef struct {
    ingestmsg_text_t source, field, reason, value, message;
    uint64_t line;
} ingestmsg_rejection_t;

typedef struct {
    ingestmsg_text_t source;
    yw_kind_t kind;
    uint64_t import_id;
    bool full;
    bool final;
    ingestmsg_text_t region;
    ingestmsg_text_t *records; /* encoded Record messages */
    size_t record_count;
    ingestmsg_row_t *rows;
    size_t row_count;
    ingestmsg_field_t *fields;
    size_t field_count;
    ingestmsg_rejection_t *rejections;
    size_t rejection_count;
    const uint8_t *chunk; /* YW_HASH_SIZE bytes, or NULL */
    bool chunk_only;      /* no rows: the rows of `chunk` again */
} ingestmsg_batch_t;

#define YW_INGESTMSG_ERROR 256

/* Decodes an IngestBatch frame into batch (which borrows data). Returns 0,
   or YW_EPARSE / YW_ETOOBIG with `error` naming the part that is wrong;
   on error batch is left empty. Free with ingestmsg_batch_free. */
int ingestmsg_batch_decode (const void *data, size_t size, ingestmsg_batch_t *batch,
                            char *error);
void ingestmsg_batch_free (ingestmsg_batch_t *batch);

/* Encoding a batch: header, then records and rejections in any order. */
void ingestmsg_put_header (wire_buf_t *buf, const char *source, yw_kind_t kind,
                           uint64_t import_id, bool full, bool final, const char *region);
/* Marks the batch being built as the run's last (a later scalar field wins
   in protobuf, so this may follow the header). */
void ingestmsg_put_final (wire_buf_t *buf);
/* Names the raw rows the batch holds (digest of YW_HASH_SIZE bytes); with
   chunk_only, the batch holds nothing else (the node applies what it made
   of those rows before, or answers YW_ESTALE). */
void ingestmsg_put_chunk (wire_buf_t *buf, const uint8_t *digest, bool chunk_only);

/* Appends one record (encoded by codec_record_encode). Returns 0 or YW_ETOOBIG. */
int ingestmsg_put_record (wire_buf_t *buf, const yw_record_t *record);
void ingestmsg_put_rejection (wire_buf_t *buf, const char *source, uint64_t line,
                              const char *field, const char *reason, const char *value,
                              const char *message);

/* Row of a batch, field by field: begin, fields, end. */
size_t ingestmsg_row_begin (wire_buf_t *buf, uint64_t line);
void ingestmsg_row_field (wire_buf_t *buf, const char *name, const char *value);
void ingestmsg_row_end (wire_buf_t *buf, size_t mark);

/* --- reports -------------------------------------------------------------- */

#define YW_REPORT_SAMPLES 10 /* rejections a report carries back */

typedef struct {
    uint64_t line;
    char field[64];
    char reason[32];
    char value[256];
    char message[640];
} ingestmsg_sample_t;

typedef struct {
    int status; /* 0, or a negative YW_E code */
    char error[512];
    uint64_t rows, new_count, changed, unchanged, deleted, rejected;
    uint64_t by_reason[YW_R_COUNT];
    ingestmsg_sample_t samples[YW_REPORT_SAMPLES];
    size_t sample_count;
} ingestmsg_report_t;

/* Encodes report as an IngestReport into buf (replacing its content). */
void ingestmsg_report_encode (const ingestmsg_report_t *report, wire_buf_t *buf);

/* Decodes an IngestReport. Returns 0 or YW_EPARSE (error names why). */
int ingestmsg_report_decode (const void *data, size_t size, ingestmsg_report_t *report,
                             char *error);

/* Adds the counts and samples of `part` to `sum`. */
void ingestmsg_report_add (ingestmsg_report_t *sum, const ingestmsg_report_t *part);

#ifdef __cplusplus
}
#endif

#endif
