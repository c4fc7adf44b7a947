/*  ingest.c - one IngestBatch frame to store work: decode, normalize,
    re-validate, gather rejections. */
#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "mapping.h"
#include "rowmap.h"
#include "validate.h"
#include "yw.h"

struct _ingest_t {
    const codebook_t *codebook;
    char jurisdiction[YW_REGION_SIZE];
    mapping_t *mappings[YW_KIND_COUNT]; /* identity: standard name -> itself */
    rowmap_t *rowmaps[YW_KIND_COUNT];
};

/* A raw row as rowmap reads it: standard field names straight from the
   adapter, the batch's default region for rows without one. */
typedef struct {
    const ingestmsg_batch_t *batch;
    const ingestmsg_row_t *row;
} s_row_t;

static int
s_get (void *arg, size_t index, const char **value, size_t *size)
{
    s_row_t *raw = arg;
    const char *name = yw_fields[index].name;
    size_t name_len = strlen (name);
    for (size_t i = 0; i < raw->row->count; i++) {
        const ingestmsg_field_t *field = &raw->batch->fields[raw->row->first + i];
        if (field->name.size == name_len &&
            memcmp (field->name.data, name, name_len) == 0) {
            if (field->value.size == 0)
                break;              /* empty is absent: the batch's region applies */
            if (field->value.size > YW_MAX_FIELD)
                return YW_ETOOBIG;
            *value = field->value.data;
            *size = field->value.size;
            return 0;
        }
    }
    if (strcmp (name, "region_code") == 0 && raw->batch->region.size) {
        *value = raw->batch->region.data;
        *size = raw->batch->region.size;
        return 0;
    }
    return YW_ENOTFOUND;
}

ingest_t *
ingest_new (const codebook_t *codebook, const char *jurisdiction)
{
    ingest_t *self = yw_calloc (1, sizeof *self);
    self->codebook = codebook;
    snprintf (self->jurisdiction, sizeof self->jurisdiction, "%s", jurisdiction);
    for (int kind = 1; kind < YW_KIND_COUNT; kind++) {
        char text[4096];
        size_t len = (size_t)snprintf (text, sizeof text,
                                       "[source]\nkind = %s\nformat = jsonl\n[field]\n",
                                       yw_kind_name ((yw_kind_t)kind));
        for (size_t i = 0; yw_fields[i].name; i++)
            if (yw_fields[i].kind == YW_KIND_NONE || yw_fields[i].kind == (yw_kind_t)kind)
                len += (size_t)snprintf (text + len, sizeof text - len, "%s = %s\n",
                                         yw_fields[i].name, yw_fields[i].name);
        char error[YW_MAPPING_ERROR];
        if (mapping_parse (text, "built-in ingest mapping", codebook, &self->mappings[kind],
                           error)) {
            fprintf (stderr, "ingest: %s\n", error);
            ingest_destroy (&self);
            return NULL;
        }
        self->rowmaps[kind] =
            rowmap_new (codebook, self->mappings[kind], self->jurisdiction);
    }
    return self;
}

void
ingest_destroy (ingest_t **self_p)
{
    if (!*self_p)
        return;
    ingest_t *self = *self_p;
    for (int kind = 1; kind < YW_KIND_COUNT; kind++) {
        rowmap_destroy (&self->rowmaps[kind]);
        mapping_destroy (&self->mappings[kind]);
    }
    free (self);
    *self_p = NULL;
}

void
ingest_work_init (ingest_work_t *work)
{
    memset (work, 0, sizeof *work);
}

static void
s_free_rejections (ingest_work_t *work)
{
    for (size_t i = 0; i < work->batch.rejection_count; i++) {
        store_rejection_t *item = &work->rejections[i];
        free ((char *)item->field);
        free ((char *)item->reason);
        free ((char *)item->value);
        free ((char *)item->message);
    }
    work->batch.rejection_count = 0;
}

void
ingest_work_free (ingest_work_t *work)
{
    s_free_rejections (work);
    free (work->records);
    free (work->rejections);
    memset (work, 0, sizeof *work);
}

static char *
s_dup (const char *data, size_t size)
{
    return yw_strndup (data ? data : "", data ? size : 0);
}

static yw_record_t *
s_next_record (ingest_work_t *work)
{
    if (work->batch.record_count == work->record_capacity) {
        work->record_capacity = work->record_capacity ? work->record_capacity * 2 : 256;
        work->records =
            yw_realloc (work->records, work->record_capacity * sizeof (yw_record_t));
    }
    return &work->records[work->batch.record_count];
}

/* Counts a rejection in the work's report and samples it. */
static void
s_count (ingest_work_t *work, const store_rejection_t *item, yw_reason_t code)
{
    ingestmsg_report_t *report = &work->report;
    report->rejected++;
    if (code != YW_R_COUNT)
        report->by_reason[code]++;
    if (report->sample_count < YW_REPORT_SAMPLES) {
        ingestmsg_sample_t *sample = &report->samples[report->sample_count++];
        sample->line = item->line;
        snprintf (sample->field, sizeof sample->field, "%s", item->field);
        snprintf (sample->reason, sizeof sample->reason, "%s", item->reason);
        snprintf (sample->value, sizeof sample->value, "%s", item->value);
        snprintf (sample->message, sizeof sample->message, "%s", item->message);
    }
}

/* A rejection the store brings back from a remembered chunk. */
static void
s_on_replayed (void *arg, const store_rejection_t *row)
{
    s_count ((ingest_work_t *)arg, row, yw_reason_parse (row->reason));
}

/* Keeps a rejection: counted, sampled for the report, stored. */
static void
s_reject (ingest_work_t *work, uint64_t line, const char *field, size_t field_len,
          const char *reason, yw_reason_t code, const char *value, size_t value_len,
          const char *message, size_t message_len)
{
    if (work->batch.rejection_count == work->rejection_capacity) {
        work->rejection_capacity =
            work->rejection_capacity ? work->rejection_capacity * 2 : 64;
        work->rejections = yw_realloc (work->rejections, work->rejection_capacity *
                                                             sizeof (store_rejection_t));
    }
    store_rejection_t *item = &work->rejections[work->batch.rejection_count++];
    item->source = work->source;
    item->line = line;
    item->field = s_dup (field, field_len);
    item->reason = s_dup (reason, strlen (reason));
    item->value = s_dup (value, value_len);
    item->message = s_dup (message, message_len);
    s_count (work, item, code);
}

static void
s_reject_row (ingest_work_t *work, uint64_t line, const rowmap_reject_t *reject)
{
    const char *field = reject->field >= 0 ? yw_fields[reject->field].name : "-";
    s_reject (work, line, field, strlen (field), yw_reason_code (reject->reason),
              reject->reason, reject->value, strlen (reject->value), reject->message,
              strlen (reject->message));
}

/* A record from a client that normalized it itself: the same rules as for
   a row, on the typed values (DESIGN 3.2), then identity recomputed. */
static yw_reason_t
s_validate (ingest_t *self, yw_record_t *record, rowmap_reject_t *reject)
{
    char detail[128] = "";
    reject->field = -1;
    reject->value[0] = 0;
    for (size_t i = 0; yw_fields[i].name; i++) {
        const yw_field_t *field = &yw_fields[i];
        if (field->kind != YW_KIND_NONE && field->kind != record->kind)
            continue;
        const char *text = (const char *)yw_field_cptr (record, field);
        bool is_text = field->type == YW_FT_TEXT || field->type == YW_FT_CODE ||
                       field->type == YW_FT_REGION || field->type == YW_FT_USCC ||
                       field->type == YW_FT_PLATE || field->type == YW_FT_VIN ||
                       field->type == YW_FT_ENUM;
        bool empty = is_text ? text[0] == 0 : !(record->present & (1ull << i));
        yw_reason_t reason = YW_R_OK;
        char expected[2] = "";
        detail[0] = 0;
        if (empty)
            reason = field->required ? YW_R_MISSING : YW_R_OK;
        else
            switch (field->type) {
                case YW_FT_REGION: {
                    const codebook_region_t *current = NULL;
                    reason = codebook_region_validate (self->codebook, text,
                                                       self->jurisdiction, &current);
                    if (reason == YW_R_OK && strcmp (current->code, text) != 0)
                        snprintf (record->region_code, sizeof record->region_code, "%s",
                                  current->code);
                    break;
                }
                case YW_FT_USCC: reason = codebook_uscc_validate (text, expected); break;
                case YW_FT_VIN: reason = codebook_vin_validate (text, expected); break;
                case YW_FT_PLATE: reason = codebook_plate_validate (text); break;
                case YW_FT_ENUM:
                    if (!codebook_enum_name (self->codebook, field->table, text))
                        reason = YW_R_ENUM_UNKNOWN;
                    break;
                default: break;
            }
        if (reason) {
            if (expected[0])
                snprintf (detail, sizeof detail, "check character should be %s", expected);
            reject->field = (int)i;
            reject->reason = reason;
            snprintf (reject->column, sizeof reject->column, "%s", field->name);
            snprintf (reject->value, sizeof reject->value, "%s", is_text ? text : "");
            yw_reason_format (reason, field->name, is_text ? text : NULL,
                              detail[0] ? detail : NULL, reject->message,
                              sizeof reject->message);
            return reason;
        }
    }
    yw_reason_t reason = rowmap_identify (record);
    if (reason) {
        reject->reason = reason;
        yw_reason_format (reason, "-", NULL, "no natural key to identify the object",
                          reject->message, sizeof reject->message);
    }
    return reason;
}

void
ingest_chunk_key (const ingest_t *self, const uint8_t *digest, uint8_t *key)
{
    uint8_t text[YW_HASH_SIZE + YW_REGION_SIZE + 32], hash[YW_HASH_SIZE];
    memcpy (text, digest, YW_HASH_SIZE);
    memset (text + YW_HASH_SIZE, 0, YW_REGION_SIZE);
    memcpy (text + YW_HASH_SIZE, self->jurisdiction, strlen (self->jurisdiction));
    memcpy (text + YW_HASH_SIZE + YW_REGION_SIZE, codebook_digest (self->codebook), 32);
    yw_sha256 (text, sizeof text, hash);
    memcpy (key, hash, STORE_CHUNK_KEY);
}

int
ingest_prepare (ingest_t *self, const void *frame, size_t size, ingest_work_t *work)
{
    s_free_rejections (work);
    memset (&work->batch, 0, sizeof work->batch);
    memset (&work->report, 0, sizeof work->report);
    ingestmsg_batch_t batch;
    int rc = ingestmsg_batch_decode (frame, size, &batch, work->report.error);
    if (rc) {
        work->report.status = rc;
        return rc;
    }
    snprintf (work->source, sizeof work->source, "%.*s", (int)batch.source.size,
              batch.source.data ? batch.source.data : "");
    if (!work->source[0]) {
        snprintf (work->report.error, sizeof work->report.error,
                  "source missing: every batch names its feed");
        work->report.status = rc = YW_EPARSE;
        goto cleanup;
    }
    work->batch.source = work->source;
    work->batch.kind = batch.kind;
    work->batch.import_id = batch.import_id;
    work->batch.full = batch.full;
    work->batch.final = batch.final;
    if (batch.chunk) {
        ingest_chunk_key (self, batch.chunk, work->chunk_key);
        work->batch.chunk = work->chunk_key;
        work->batch.chunk_only = batch.chunk_only;
        work->batch.on_rejection = s_on_replayed;
        work->batch.arg = work;
    }
    rowmap_reject_t reject;
    rowmap_t *rowmap = self->rowmaps[batch.kind];
    for (size_t i = 0; i < batch.row_count; i++) {
        s_row_t raw = {&batch, &batch.rows[i]};
        yw_record_t *record = s_next_record (work);
        if (rowmap_apply (rowmap, s_get, &raw, record, &reject) == YW_R_OK)
            work->batch.record_count++;
        else
            s_reject_row (work, batch.rows[i].line, &reject);
    }
    for (size_t i = 0; i < batch.record_count; i++) {
        yw_record_t *record = s_next_record (work);
        char error[128];
        if (codec_record_decode ((const uint8_t *)batch.records[i].data,
                                 batch.records[i].size, record, error)) {
            snprintf (work->report.error, sizeof work->report.error, "record %zu: %s",
                      i + 1, error);
            work->report.status = rc = YW_EPARSE;
            goto cleanup;
        }
        if (record->kind != batch.kind) {
            snprintf (work->report.error, sizeof work->report.error,
                      "record %zu: kind %s in a %s batch", i + 1,
                      yw_kind_name (record->kind), yw_kind_name (batch.kind));
            work->report.status = rc = YW_EPARSE;
            goto cleanup;
        }
        if (s_validate (self, record, &reject) == YW_R_OK)
            work->batch.record_count++;
        else
            s_reject_row (work, 0, &reject);
    }
    for (size_t i = 0; i < batch.rejection_count; i++) {
        const ingestmsg_rejection_t *item = &batch.rejections[i];
        char reason[64];
        snprintf (reason, sizeof reason, "%.*s", (int)item->reason.size,
                  item->reason.data ? item->reason.data : "");
        s_reject (work, item->line, item->field.data, item->field.size,
                  reason[0] ? reason : "UNKNOWN", yw_reason_parse (reason),
                  item->value.data, item->value.size, item->message.data,
                  item->message.size);
    }
    work->batch.records = work->records;
    work->batch.rejections = work->rejections;
    work->report.rows = batch.row_count + batch.record_count + batch.rejection_count;
cleanup:
    if (rc)
        s_free_rejections (work);
    ingestmsg_batch_free (&batch);
    return rc;
}
