/*  ingestmsg.c - IngestBatch and IngestReport on the wire (field numbers
    from proto/yiwang.proto). */
#include "ingestmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "codec.h"
#include "yw.h"

/* IngestBatch */
enum {
    B_SOURCE = 1,
    B_KIND,
    B_IMPORT_ID,
    B_FULL,
    B_FINAL,
    B_RECORDS,
    B_ROWS,
    B_REJECTIONS,
    B_REGION,
    B_CHUNK,
    B_CHUNK_ONLY
};
/* RawRow, RawField */
enum { ROW_LINE = 1, ROW_FIELDS };
enum { RF_NAME = 1, RF_VALUE };
/* Rejection */
enum { RJ_SOURCE = 1, RJ_LINE, RJ_FIELD, RJ_REASON, RJ_VALUE, RJ_MESSAGE };
/* IngestReport, ReasonCount */
enum {
    R_STATUS = 1,
    R_ERROR,
    R_ROWS,
    R_NEW,
    R_CHANGED,
    R_UNCHANGED,
    R_DELETED,
    R_REJECTED,
    R_REASONS,
    R_REJECTIONS
};
enum { RC_REASON = 1, RC_COUNT };

static bool
s_utf8 (const uint8_t *data, size_t size)
{
    size_t i = 0;
    while (i < size) {
        if (data[i] < 0x80 && data[i]) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate (data + i, (utf8proc_ssize_t)(size - i), &cp);
        if (n <= 0 || cp == 0)
            return false;
        i += (size_t)n;
    }
    return true;
}

/* A text field: bytes type, bounded, UTF-8. */
static int
s_text (const wire_field_t *field, ingestmsg_text_t *text, const char *what, char *error)
{
    if (field->type != 2 || field->size > YW_MAX_FIELD ||
        !s_utf8 (field->data, field->size)) {
        snprintf (error, YW_INGESTMSG_ERROR, "%s: %s", what,
                  field->type != 2             ? "wrong wire type"
                  : field->size > YW_MAX_FIELD ? "longer than the field limit"
                                               : "not UTF-8");
        return YW_EPARSE;
    }
    text->data = (const char *)field->data;
    text->size = field->size;
    return 0;
}

static int
s_varint (const wire_field_t *field, uint64_t *value, const char *what, char *error)
{
    if (field->type != 0) {
        snprintf (error, YW_INGESTMSG_ERROR, "%s: wrong wire type", what);
        return YW_EPARSE;
    }
    *value = field->value;
    return 0;
}

/* Grows an array of `item` bytes per element to hold one more. */
static void *
s_push (void *array, size_t count, size_t *capacity, size_t item)
{
    if (count == *capacity) {
        *capacity = *capacity ? *capacity * 2 : 64;
        array = yw_realloc (array, *capacity * item);
    }
    return array;
}

typedef struct {
    size_t records, rows, fields, rejections;
} s_capacity_t;

static int
s_row (ingestmsg_batch_t *batch, s_capacity_t *cap, const wire_field_t *outer, char *error)
{
    if (outer->type != 2) {
        snprintf (error, YW_INGESTMSG_ERROR, "rows: wrong wire type");
        return YW_EPARSE;
    }
    batch->rows = s_push (batch->rows, batch->row_count, &cap->rows, sizeof *batch->rows);
    ingestmsg_row_t *row = &batch->rows[batch->row_count];
    row->line = 0;
    row->first = batch->field_count;
    row->count = 0;
    wire_reader_t reader;
    wire_field_t field;
    int rc;
    wire_reader_init (&reader, outer->data, outer->size);
    while ((rc = wire_next (&reader, &field)) == 1) {
        if (field.number == ROW_LINE) {
            if (s_varint (&field, &row->line, "row line", error))
                return YW_EPARSE;
        }
        else if (field.number == ROW_FIELDS) {
            if (field.type != 2) {
                snprintf (error, YW_INGESTMSG_ERROR, "row %zu: fields: wrong wire type",
                          batch->row_count + 1);
                return YW_EPARSE;
            }
            if (row->count == YW_MAX_COLUMNS) {
                snprintf (error, YW_INGESTMSG_ERROR, "row %zu: more than %d fields",
                          batch->row_count + 1, YW_MAX_COLUMNS);
                return YW_ETOOBIG;
            }
            batch->fields = s_push (batch->fields, batch->field_count, &cap->fields,
                                    sizeof *batch->fields);
            ingestmsg_field_t *item = &batch->fields[batch->field_count];
            memset (item, 0, sizeof *item);
            wire_reader_t inner;
            wire_field_t sub;
            wire_reader_init (&inner, field.data, field.size);
            while ((rc = wire_next (&inner, &sub)) == 1) {
                char what[64];
                snprintf (what, sizeof what, "row %zu field %s", batch->row_count + 1,
                          sub.number == RF_NAME ? "name" : "value");
                if (sub.number == RF_NAME && s_text (&sub, &item->name, what, error))
                    return YW_EPARSE;
                /* Values are raw local text: the row mapper judges their
                   encoding and length and rejects the row, not the batch. */
                if (sub.number == RF_VALUE) {
                    if (sub.type != 2) {
                        snprintf (error, YW_INGESTMSG_ERROR, "%s: wrong wire type", what);
                        return YW_EPARSE;
                    }
                    item->value.data = (const char *)sub.data;
                    item->value.size = sub.size;
                }
            }
            if (rc < 0) {
                snprintf (error, YW_INGESTMSG_ERROR, "row %zu: malformed field",
                          batch->row_count + 1);
                return YW_EPARSE;
            }
            batch->field_count++;
            row->count++;
        }
    }
    if (rc < 0) {
        snprintf (error, YW_INGESTMSG_ERROR, "row %zu: malformed", batch->row_count + 1);
        return YW_EPARSE;
    }
    batch->row_count++;
    return 0;
}

static int
s_rejection (ingestmsg_batch_t *batch, s_capacity_t *cap, const wire_field_t *outer,
             char *error)
{
    if (outer->type != 2) {
        snprintf (error, YW_INGESTMSG_ERROR, "rejections: wrong wire type");
        return YW_EPARSE;
    }
    batch->rejections = s_push (batch->rejections, batch->rejection_count, &cap->rejections,
                                sizeof *batch->rejections);
    ingestmsg_rejection_t *item = &batch->rejections[batch->rejection_count];
    memset (item, 0, sizeof *item);
    wire_reader_t reader;
    wire_field_t field;
    int rc;
    wire_reader_init (&reader, outer->data, outer->size);
    while ((rc = wire_next (&reader, &field)) == 1) {
        ingestmsg_text_t *text = NULL;
        switch (field.number) {
            case RJ_SOURCE: text = &item->source; break;
            case RJ_FIELD: text = &item->field; break;
            case RJ_REASON: text = &item->reason; break;
            case RJ_VALUE: text = &item->value; break;
            case RJ_MESSAGE: text = &item->message; break;
            case RJ_LINE:
                if (s_varint (&field, &item->line, "rejection line", error))
                    return YW_EPARSE;
                break;
            default: break;
        }
        if (text && s_text (&field, text, "rejection", error))
            return YW_EPARSE;
    }
    if (rc < 0) {
        snprintf (error, YW_INGESTMSG_ERROR, "rejection %zu: malformed",
                  batch->rejection_count + 1);
        return YW_EPARSE;
    }
    batch->rejection_count++;
    return 0;
}

int
ingestmsg_batch_decode (const void *data, size_t size, ingestmsg_batch_t *batch,
                        char *error)
{
    memset (batch, 0, sizeof *batch);
    s_capacity_t cap = {0, 0, 0, 0};
    wire_reader_t reader;
    wire_field_t field;
    uint64_t value;
    int rc = 0, next;
    if (size > YW_MAX_FRAME) {
        snprintf (error, YW_INGESTMSG_ERROR, "batch of %zu bytes exceeds %d", size,
                  YW_MAX_FRAME);
        return YW_ETOOBIG;
    }
    wire_reader_init (&reader, data, size);
    while (rc == 0 && (next = wire_next (&reader, &field)) == 1) {
        switch (field.number) {
            case B_SOURCE: rc = s_text (&field, &batch->source, "source", error); break;
            case B_REGION: rc = s_text (&field, &batch->region, "region", error); break;
            case B_KIND:
                rc = s_varint (&field, &value, "kind", error);
                if (rc == 0 && (value == 0 || value >= YW_KIND_COUNT)) {
                    snprintf (error, YW_INGESTMSG_ERROR, "kind %llu: unknown",
                              (unsigned long long)value);
                    rc = YW_EPARSE;
                }
                batch->kind = (yw_kind_t)value;
                break;
            case B_IMPORT_ID:
                rc = s_varint (&field, &batch->import_id, "import_id", error);
                break;
            case B_FULL:
                rc = s_varint (&field, &value, "full", error);
                batch->full = value != 0;
                break;
            case B_FINAL:
                rc = s_varint (&field, &value, "final", error);
                batch->final = value != 0;
                break;
            case B_RECORDS:
                if (field.type != 2) {
                    snprintf (error, YW_INGESTMSG_ERROR, "records: wrong wire type");
                    rc = YW_EPARSE;
                    break;
                }
                batch->records = s_push (batch->records, batch->record_count, &cap.records,
                                         sizeof *batch->records);
                batch->records[batch->record_count].data = (const char *)field.data;
                batch->records[batch->record_count++].size = field.size;
                break;
            case B_ROWS: rc = s_row (batch, &cap, &field, error); break;
            case B_REJECTIONS: rc = s_rejection (batch, &cap, &field, error); break;
            case B_CHUNK:
                if (field.type != 2 || field.size != YW_HASH_SIZE) {
                    snprintf (error, YW_INGESTMSG_ERROR, "chunk: not a %d-byte digest",
                              YW_HASH_SIZE);
                    rc = YW_EPARSE;
                    break;
                }
                batch->chunk = field.data;
                break;
            case B_CHUNK_ONLY:
                rc = s_varint (&field, &value, "chunk_only", error);
                batch->chunk_only = value != 0;
                break;
            default: break; /* unknown fields: a newer client; skip */
        }
        if (rc == 0 && (batch->record_count > YW_MAX_BATCH_ROWS ||
                        batch->row_count > YW_MAX_BATCH_ROWS ||
                        batch->rejection_count > YW_MAX_BATCH_ROWS)) {
            snprintf (error, YW_INGESTMSG_ERROR, "more than %d rows in one batch",
                      YW_MAX_BATCH_ROWS);
            rc = YW_ETOOBIG;
        }
    }
    if (rc == 0 && next < 0) {
        snprintf (error, YW_INGESTMSG_ERROR, "malformed protobuf at byte %zu",
                  (size_t)(reader.pos - (const uint8_t *)data));
        rc = YW_EPARSE;
    }
    if (rc == 0 && batch->kind == YW_KIND_NONE) {
        snprintf (error, YW_INGESTMSG_ERROR, "kind missing");
        rc = YW_EPARSE;
    }
    if (rc == 0 && batch->chunk_only &&
        (!batch->chunk || batch->record_count || batch->row_count ||
         batch->rejection_count || batch->final)) {
        snprintf (error, YW_INGESTMSG_ERROR,
                  "chunk_only: needs a chunk digest and no records, rows, rejections "
                  "or final");
        rc = YW_EPARSE;
    }
    if (rc)
        ingestmsg_batch_free (batch);
    return rc;
}

void
ingestmsg_batch_free (ingestmsg_batch_t *batch)
{
    free (batch->records);
    free (batch->rows);
    free (batch->fields);
    free (batch->rejections);
    memset (batch, 0, sizeof *batch);
}

void
ingestmsg_put_header (wire_buf_t *buf, const char *source, yw_kind_t kind,
                      uint64_t import_id, bool full, bool final, const char *region)
{
    wire_put_string (buf, B_SOURCE, source);
    wire_put_varint (buf, B_KIND, (uint64_t)kind);
    wire_put_varint (buf, B_IMPORT_ID, import_id);
    if (full)
        wire_put_varint (buf, B_FULL, 1);
    if (final)
        wire_put_varint (buf, B_FINAL, 1);
    if (region && *region)
        wire_put_string (buf, B_REGION, region);
}

void
ingestmsg_put_final (wire_buf_t *buf)
{
    wire_put_varint (buf, B_FINAL, 1);
}

void
ingestmsg_put_chunk (wire_buf_t *buf, const uint8_t *digest, bool chunk_only)
{
    wire_put_bytes (buf, B_CHUNK, digest, YW_HASH_SIZE);
    if (chunk_only)
        wire_put_varint (buf, B_CHUNK_ONLY, 1);
}

int
ingestmsg_put_record (wire_buf_t *buf, const yw_record_t *record)
{
    size_t mark = wire_begin_bytes (buf, B_RECORDS);
    uint8_t *out = wire_buf_reserve (buf, YW_RECORD_MAX_ENCODED);
    int size = codec_record_encode (record, out, YW_RECORD_MAX_ENCODED);
    if (size < 0) {
        buf->size = mark; /* drop the half-written field */
        return size;
    }
    buf->size += (size_t)size;
    wire_end_bytes (buf, mark);
    return 0;
}

static void
s_put_text (wire_buf_t *buf, uint32_t number, const char *text)
{
    if (text && *text)
        wire_put_string (buf, number, text);
}

static void
s_put_rejection (wire_buf_t *buf, uint32_t number, const char *source, uint64_t line,
                 const char *field, const char *reason, const char *value,
                 const char *message)
{
    size_t mark = wire_begin_bytes (buf, number);
    s_put_text (buf, RJ_SOURCE, source);
    if (line)
        wire_put_varint (buf, RJ_LINE, line);
    s_put_text (buf, RJ_FIELD, field);
    s_put_text (buf, RJ_REASON, reason);
    s_put_text (buf, RJ_VALUE, value);
    s_put_text (buf, RJ_MESSAGE, message);
    wire_end_bytes (buf, mark);
}

void
ingestmsg_put_rejection (wire_buf_t *buf, const char *source, uint64_t line,
                         const char *field, const char *reason, const char *value,
                         const char *message)
{
    s_put_rejection (buf, B_REJECTIONS, source, line, field, reason, value, message);
}

size_t
ingestmsg_row_begin (wire_buf_t *buf, uint64_t line)
{
    size_t mark = wire_begin_bytes (buf, B_ROWS);
    if (line)
        wire_put_varint (buf, ROW_LINE, line);
    return mark;
}

void
ingestmsg_row_field (wire_buf_t *buf, const char *name, const char *value)
{
    size_t mark = wire_begin_bytes (buf, ROW_FIELDS);
    wire_put_string (buf, RF_NAME, name);
    wire_put_string (buf, RF_VALUE, value);
    wire_end_bytes (buf, mark);
}

void
ingestmsg_row_end (wire_buf_t *buf, size_t mark)
{
    wire_end_bytes (buf, mark);
}

/* --- reports -------------------------------------------------------------- */

void
ingestmsg_report_encode (const ingestmsg_report_t *report, wire_buf_t *buf)
{
    buf->size = 0;
    if (report->status) /* int32: negative values are sign-extended */
        wire_put_varint (buf, R_STATUS, (uint64_t)(int64_t)report->status);
    s_put_text (buf, R_ERROR, report->error);
    wire_put_varint (buf, R_ROWS, report->rows);
    wire_put_varint (buf, R_NEW, report->new_count);
    wire_put_varint (buf, R_CHANGED, report->changed);
    wire_put_varint (buf, R_UNCHANGED, report->unchanged);
    wire_put_varint (buf, R_DELETED, report->deleted);
    wire_put_varint (buf, R_REJECTED, report->rejected);
    for (int r = 1; r < YW_R_COUNT; r++)
        if (report->by_reason[r]) {
            size_t mark = wire_begin_bytes (buf, R_REASONS);
            wire_put_string (buf, RC_REASON, yw_reason_code ((yw_reason_t)r));
            wire_put_varint (buf, RC_COUNT, report->by_reason[r]);
            wire_end_bytes (buf, mark);
        }
    for (size_t i = 0; i < report->sample_count; i++) {
        const ingestmsg_sample_t *sample = &report->samples[i];
        s_put_rejection (buf, R_REJECTIONS, NULL, sample->line, sample->field,
                         sample->reason, sample->value, sample->message);
    }
}

static void
s_copy_text (char *out, size_t size, const wire_field_t *field)
{
    size_t n = field->size < size - 1 ? field->size : size - 1;
    memcpy (out, field->data, n);
    out[n] = 0;
}

int
ingestmsg_report_decode (const void *data, size_t size, ingestmsg_report_t *report,
                         char *error)
{
    memset (report, 0, sizeof *report);
    wire_reader_t reader;
    wire_field_t field;
    int rc;
    wire_reader_init (&reader, data, size);
    while ((rc = wire_next (&reader, &field)) == 1) {
        bool varint = field.type == 0, bytes = field.type == 2;
        switch (field.number) {
            case R_STATUS:
                if (varint)
                    report->status = (int)(int64_t)field.value;
                break;
            case R_ERROR:
                if (bytes)
                    s_copy_text (report->error, sizeof report->error, &field);
                break;
            case R_ROWS:
                if (varint)
                    report->rows = field.value;
                break;
            case R_NEW:
                if (varint)
                    report->new_count = field.value;
                break;
            case R_CHANGED:
                if (varint)
                    report->changed = field.value;
                break;
            case R_UNCHANGED:
                if (varint)
                    report->unchanged = field.value;
                break;
            case R_DELETED:
                if (varint)
                    report->deleted = field.value;
                break;
            case R_REJECTED:
                if (varint)
                    report->rejected = field.value;
                break;
            case R_REASONS: {
                if (!bytes)
                    break;
                wire_reader_t inner;
                wire_field_t sub;
                char code[32] = "";
                uint64_t count = 0;
                wire_reader_init (&inner, field.data, field.size);
                while ((rc = wire_next (&inner, &sub)) == 1) {
                    if (sub.number == RC_REASON && sub.type == 2)
                        s_copy_text (code, sizeof code, &sub);
                    else if (sub.number == RC_COUNT && sub.type == 0)
                        count = sub.value;
                }
                if (rc < 0)
                    goto malformed;
                yw_reason_t reason = yw_reason_parse (code);
                if (reason != YW_R_COUNT)
                    report->by_reason[reason] += count;
                break;
            }
            case R_REJECTIONS: {
                if (!bytes || report->sample_count == YW_REPORT_SAMPLES)
                    break;
                ingestmsg_sample_t *sample = &report->samples[report->sample_count++];
                wire_reader_t inner;
                wire_field_t sub;
                wire_reader_init (&inner, field.data, field.size);
                while ((rc = wire_next (&inner, &sub)) == 1) {
                    if (sub.number == RJ_LINE && sub.type == 0)
                        sample->line = sub.value;
                    else if (sub.type != 2)
                        continue;
                    else if (sub.number == RJ_FIELD)
                        s_copy_text (sample->field, sizeof sample->field, &sub);
                    else if (sub.number == RJ_REASON)
                        s_copy_text (sample->reason, sizeof sample->reason, &sub);
                    else if (sub.number == RJ_VALUE)
                        s_copy_text (sample->value, sizeof sample->value, &sub);
                    else if (sub.number == RJ_MESSAGE)
                        s_copy_text (sample->message, sizeof sample->message, &sub);
                }
                if (rc < 0)
                    goto malformed;
                break;
            }
            default: break;
        }
    }
    if (rc == 0)
        return 0;
malformed:
    snprintf (error, YW_INGESTMSG_ERROR, "malformed IngestReport");
    return YW_EPARSE;
}

void
ingestmsg_report_add (ingestmsg_report_t *sum, const ingestmsg_report_t *part)
{
    sum->rows += part->rows;
    sum->new_count += part->new_count;
    sum->changed += part->changed;
    sum->unchanged += part->unchanged;
    sum->deleted += part->deleted;
    sum->rejected += part->rejected;
    for (int r = 0; r < YW_R_COUNT; r++)
        sum->by_reason[r] += part->by_reason[r];
    for (size_t i = 0; i < part->sample_count && sum->sample_count < YW_REPORT_SAMPLES; i++)
        sum->samples[sum->sample_count++] = part->samples[i];
    if (part->status && !sum->status) {
        sum->status = part->status;
        memcpy (sum->error, part->error, sizeof sum->error);
    }
}
