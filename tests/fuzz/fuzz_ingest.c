/*  fuzz_ingest.c - libFuzzer target for what a node's ingest socket
    decodes: an IngestBatch frame (ingestmsg), each record inside it (the
    Record codec), and an IngestReport (what `yiwang import` and adapters
    decode). Also the whole node-side preparation (ingest_prepare: raw rows
    normalized, records re-validated), which must fail cleanly or hand the
    store records that are complete.

    Promises checked: decoding fails with YW_EPARSE / YW_ETOOBIG and a
    message, or succeeds with every text inside the input; a prepared batch
    has as many rows as records + rejections it reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "codec.h"
#include "ingest.h"
#include "ingestmsg.h"
#include "yw.h"

#define CHECK(condition)                                                                   \
    do {                                                                                   \
        if (!(condition)) {                                                                \
            fprintf (stderr, "fuzz_ingest: %s failed at line %d\n", #condition, __LINE__); \
            abort ();                                                                      \
        }                                                                                  \
    } while (0)

static codebook_t *s_codebook = NULL;
static ingest_t *s_ingest = NULL;

static bool
s_inside (const void *text, size_t size, const uint8_t *data, size_t data_size)
{
    const uint8_t *p = text;
    return size == 0 || (p >= data && p + size <= data + data_size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_codebook) {
        s_codebook = codebook_new ();
        s_ingest = ingest_new (s_codebook, "370000");
    }
    ingestmsg_batch_t batch;
    char error[YW_INGESTMSG_ERROR] = "";
    int rc = ingestmsg_batch_decode (data, size, &batch, error);
    CHECK (rc == 0 || rc == YW_EPARSE || rc == YW_ETOOBIG);
    if (rc)
        CHECK (error[0]);
    else {
        CHECK (s_inside (batch.source.data, batch.source.size, data, size));
        for (size_t i = 0; i < batch.record_count; i++) {
            CHECK (s_inside (batch.records[i].data, batch.records[i].size, data, size));
            yw_record_t record;
            char record_error[128] = "";
            int decoded =
                codec_record_decode ((const uint8_t *)batch.records[i].data,
                                     batch.records[i].size, &record, record_error);
            CHECK (decoded == 0 || decoded == YW_EPARSE || decoded == YW_ETOOBIG);
            if (decoded == 0) {
                /* what decodes re-encodes, and decodes to the same (a
                   tombstone travels without its body) */
                uint8_t again[YW_RECORD_MAX_ENCODED];
                int encoded = codec_record_encode (&record, again, sizeof again);
                CHECK (encoded >= 0);
                yw_record_t back;
                CHECK (codec_record_decode (again, (size_t)encoded, &back, NULL) == 0);
                CHECK (strcmp (back.object_code, record.object_code) == 0 &&
                       back.kind == record.kind &&
                       (record.deleted || back.present == record.present));
            }
        }
        for (size_t i = 0; i < batch.row_count; i++)
            CHECK (batch.rows[i].first + batch.rows[i].count <= batch.field_count);
        ingestmsg_batch_free (&batch);
    }

    ingest_work_t work;
    ingest_work_init (&work);
    rc = ingest_prepare (s_ingest, data, size, &work);
    CHECK (rc == 0 || rc == YW_EPARSE || rc == YW_ETOOBIG);
    if (rc)
        CHECK (work.report.status == rc && work.report.error[0]);
    else {
        CHECK (work.report.rows >= work.batch.record_count + work.report.rejected - 0);
        for (size_t i = 0; i < work.batch.record_count; i++)
            CHECK (work.batch.records[i].object_code[0] != 0);
    }
    ingest_work_free (&work);

    ingestmsg_report_t report;
    rc = ingestmsg_report_decode (data, size, &report, error);
    CHECK (rc == 0 || rc == YW_EPARSE);
    CHECK (report.sample_count <= YW_REPORT_SAMPLES);
    return 0;
}
