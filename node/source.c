/*  source.c - CSV and JSON-lines files as rows of standard fields. */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonl.h"
#include "transcode.h"
#include "yw.h"

#define S_MAX_FIELDS 64
/* GB18030 expands at most 2 bytes to 3 (4 stay 4): room for any field. */
#define S_FIELD_OUT (YW_MAX_FIELD * 2 + 1)

struct _source_t {
    const mapping_t *mapping;
    const char *label;
    csv_reader_t *csv;
    jsonl_reader_t *jsonl;
    transcode_t *transcode;
    int column[S_MAX_FIELDS];        /* CSV column of each standard field, -1 if none */
    size_t header_count;
    const csv_field_t *row;          /* current CSV row */
    size_t row_count;
    char *out[S_MAX_FIELDS];         /* transcoded text of each mapped field */
    char error[YW_SOURCE_ERROR];
};

static void
s_free (source_t *self)
{
    csv_reader_destroy (&self->csv);
    jsonl_reader_destroy (&self->jsonl);
    transcode_destroy (&self->transcode);
    for (size_t i = 0; i < S_MAX_FIELDS; i++)
        free (self->out[i]);
    free (self);
}

/* Reads the header and finds every mapped column in it. */
static int
s_read_header (source_t *self, char *error)
{
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    int rc = csv_reader_next (self->csv, &fields, &count, &line);
    if (rc == 0) {
        snprintf (error, YW_SOURCE_ERROR, "%s: empty file, expected a header line",
                  self->label);
        return YW_EPARSE;
    }
    if (rc < 0) {
        snprintf (error, YW_SOURCE_ERROR, "%s:%llu: header: %s", self->label,
                  (unsigned long long) line, csv_reader_error (self->csv));
        return rc == YW_EIO ? YW_EIO : YW_EPARSE;
    }
    self->header_count = count;
    char **names = yw_calloc (count, sizeof *names);
    char name[S_FIELD_OUT];
    int result = 0;
    for (size_t i = 0; i < count && !result; i++) {
        size_t bad = 0;
        int len = transcode_field (self->transcode, fields[i].data, fields[i].size,
                                   name, sizeof name, &bad);
        if (len < 0) {
            snprintf (error, YW_SOURCE_ERROR,
                      "%s:%llu: header column %zu is not valid %s (byte %zu); "
                      "is [source] encoding right? (utf-8, gb18030, gbk)",
                      self->label, (unsigned long long) line, i + 1,
                      transcode_encoding (self->transcode), bad);
            result = YW_EENCODING;
            break;
        }
        /* Trim spaces that spreadsheet exports leave around names. */
        char *start = name;
        while (*start == ' ' || *start == '\t')
            start++;
        char *end = start + strlen (start);
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        names[i] = yw_strdup (start);
    }
    for (size_t f = 0; yw_fields[f].name && !result; f++) {
        const char *column = mapping_column (self->mapping, f);
        if (!column)
            continue;
        for (size_t i = 0; i < count; i++)
            if (names[i] && !strcmp (names[i], column)) {
                self->column[f] = (int) i;
                break;
            }
        if (self->column[f] < 0) {
            int off = snprintf (error, YW_SOURCE_ERROR,
                                "%s: column \"%s\" (mapped to %s) is not in the header; "
                                "the header has:", self->label, column, yw_fields[f].name);
            for (size_t i = 0; i < count && off < YW_SOURCE_ERROR; i++)
                off += snprintf (error + off, YW_SOURCE_ERROR - off, " \"%s\"",
                                 names[i] ? names[i] : "?");
            result = YW_EMAPPING;
        }
    }
    for (size_t i = 0; i < count; i++)
        free (names[i]);
    free (names);
    return result;
}

int
source_open (const mapping_t *mapping, FILE *file, const char *label,
             source_t **source_p, char *error)
{
    source_t *self = yw_calloc (1, sizeof *self);
    self->mapping = mapping;
    self->label = label;
    for (size_t i = 0; i < S_MAX_FIELDS; i++)
        self->column[i] = -1;
    for (size_t f = 0; yw_fields[f].name; f++)
        if (mapping_column (mapping, f))
            self->out[f] = yw_malloc (S_FIELD_OUT);
    int rc = 0;
    if (!strcmp (mapping_format (mapping), "jsonl")) {
        if (strcmp (mapping_encoding (mapping), "utf-8")) {
            snprintf (error, YW_SOURCE_ERROR, "%s: JSON lines are UTF-8 "
                      "(RFC 8259); the mapping says encoding = %s",
                      label, mapping_encoding (mapping));
            rc = YW_EMAPPING;
        }
        else
            self->jsonl = jsonl_reader_new (file);
    }
    else {
        self->transcode = transcode_new (mapping_encoding (mapping));
        if (!self->transcode) {
            snprintf (error, YW_SOURCE_ERROR, "%s: encoding %s is not available",
                      label, mapping_encoding (mapping));
            rc = YW_EENCODING;
        }
        else {
            self->csv = csv_reader_new (file);
            rc = s_read_header (self, error);
        }
    }
    if (rc) {
        s_free (self);
        return rc;
    }
    *source_p = self;
    return 0;
}

void
source_destroy (source_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_free (*self_p);
    *self_p = NULL;
}

int
source_next (source_t *self, uint64_t *line)
{
    if (self->jsonl) {
        int rc = jsonl_reader_next (self->jsonl, line);
        if (rc < 0 && rc != YW_EIO)
            snprintf (self->error, sizeof self->error, "%s",
                      jsonl_reader_error (self->jsonl));
        return rc;
    }
    int rc = csv_reader_next (self->csv, &self->row, &self->row_count, line);
    if (rc < 0) {
        snprintf (self->error, sizeof self->error, "%s", csv_reader_error (self->csv));
        return rc;
    }
    if (rc == 1 && self->row_count != self->header_count) {
        snprintf (self->error, sizeof self->error,
                  "row has %zu fields, the header has %zu", self->row_count,
                  self->header_count);
        return YW_EPARSE;
    }
    return rc;
}

int
source_field (source_t *self, size_t index, const char **value, size_t *size)
{
    if (index >= S_MAX_FIELDS || !self->out[index])
        return YW_ENOTFOUND;
    if (self->jsonl) {
        const char *column = mapping_column (self->mapping, index);
        int rc = jsonl_reader_get (self->jsonl, column, value, size);
        if (rc == YW_EPARSE)
            snprintf (self->error, sizeof self->error, "%s",
                      jsonl_reader_error (self->jsonl));
        return rc;
    }
    const csv_field_t *field = &self->row[self->column[index]];
    size_t bad = 0;
    int len = transcode_field (self->transcode, field->data, field->size,
                               self->out[index], S_FIELD_OUT, &bad);
    if (len < 0) {
        snprintf (self->error, sizeof self->error, "column \"%s\": %s at byte %zu",
                  mapping_column (self->mapping, index),
                  len == YW_EENCODING ? "not valid text in the file's encoding"
                                      : "too long",
                  bad);
        return len == YW_EENCODING ? YW_EENCODING : YW_ETOOBIG;
    }
    *value = self->out[index];
    *size = (size_t) len;
    return 0;
}

const char *
source_error (const source_t *self)
{
    return self->error;
}

const char *
source_column (const source_t *self, size_t index)
{
    const char *column = mapping_column (self->mapping, index);
    return column ? column : yw_fields[index].name;
}

uint64_t
source_offset (const source_t *self)
{
    return self->csv ? csv_reader_offset (self->csv) : jsonl_reader_offset (self->jsonl);
}
