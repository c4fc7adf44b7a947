/*  source.c - CSV and JSON-lines files as rows of standard fields. */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonl.h"
#include "transcode.h"
#include "yw.h"

#define S_MAX_FIELDS 64
/* UTF-8 of a field: GBK's one-byte 0x80 (the euro sign) becomes 3 bytes,
   two-byte characters at most 3 and four-byte GB18030 sequences 4, so 3
   bytes out per byte in is room for any field. */
#define S_FIELD_OUT (YW_MAX_FIELD * 3 + 1)

struct _source_t {
    const mapping_t *mapping;
    const char *label;
    csv_reader_t *csv;
    jsonl_reader_t *jsonl;
    transcode_t *transcode;
    /* Cells the declared encoding cannot decode, and how many of them the
       other likely encoding (GB18030 for UTF-8, else UTF-8) can: the hint
       that the mapping names the wrong encoding when the header is ASCII. */
    transcode_t *other;
    uint64_t undecodable, other_decodes;
    int column[S_MAX_FIELDS]; /* CSV column of each standard field, -1 if none */
    size_t header_count;
    const csv_field_t *row; /* current CSV row */
    size_t row_count;
    char *out[S_MAX_FIELDS]; /* transcoded text of each mapped field */
    bool seen[S_MAX_FIELDS]; /* JSON: the key was in some line */
    char error[YW_SOURCE_ERROR];
};

static void
s_free (source_t *self)
{
    csv_reader_destroy (&self->csv);
    jsonl_reader_destroy (&self->jsonl);
    transcode_destroy (&self->transcode);
    transcode_destroy (&self->other);
    for (size_t i = 0; i < S_MAX_FIELDS; i++)
        free (self->out[i]);
    free (self);
}

/* Trims the spaces and tabs that spreadsheet exports leave around names. */
static char *
s_trim (char *name)
{
    while (*name == ' ' || *name == '\t')
        name++;
    char *end = name + strlen (name);
    while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    return name;
}

/* True if the raw header has column as UTF-8 text (any column at all if
   column is NULL): the file is UTF-8 while the mapping declares another
   encoding (which may well decode it, to nonsense, without a single invalid
   byte). */
static bool
s_header_is_utf8 (const csv_field_t *fields, size_t count, const char *column)
{
    transcode_t *utf8 = transcode_new ("utf-8");
    char *name = yw_malloc (S_FIELD_OUT);
    bool found = false;
    for (size_t i = 0; i < count && !found; i++) {
        int len =
            transcode_field (utf8, fields[i].data, fields[i].size, name, S_FIELD_OUT, NULL);
        found = len >= 0 && (!column || !strcmp (s_trim (name), column));
    }
    free (name);
    transcode_destroy (&utf8);
    return found;
}

/* Reads the header and finds every mapped column in it, exactly once. */
static int
s_read_header (source_t *self, char *error)
{
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    int rc = csv_reader_next (self->csv, &fields, &count, &line);
    if (rc == 0) {
        snprintf (error, YW_SOURCE_ERROR,
                  "%s: empty file: no header line, nothing to check", self->label);
        return YW_EPARSE;
    }
    if (rc < 0) {
        snprintf (error, YW_SOURCE_ERROR, "%s:%llu: header: %s", self->label,
                  (unsigned long long)line, csv_reader_error (self->csv));
        return rc == YW_EIO ? YW_EIO : YW_EPARSE;
    }
    self->header_count = count;
    char **names = yw_calloc (count, sizeof *names);
    char *name = yw_malloc (S_FIELD_OUT);
    int result = 0;
    for (size_t i = 0; i < count && !result; i++) {
        size_t bad = 0;
        int len = transcode_field (self->transcode, fields[i].data, fields[i].size, name,
                                   S_FIELD_OUT, &bad);
        if (len < 0) {
            bool utf8 = strcmp (transcode_encoding (self->transcode), "utf-8") &&
                        s_header_is_utf8 (&fields[i], 1, NULL);
            snprintf (error, YW_SOURCE_ERROR,
                      "%s:%llu: header column %zu is not valid %s (byte %zu); %s",
                      self->label, (unsigned long long)line, i + 1,
                      transcode_encoding (self->transcode), bad,
                      utf8 ? "it is UTF-8: set [source] encoding = utf-8"
                           : "is [source] encoding right? (utf-8, gb18030, gbk)");
            result = YW_EENCODING;
            break;
        }
        /* A byte-order mark: U+FEFF is what GB18030's 84 31 95 33 decodes to
           (the reader skips only the UTF-8 one, before transcoding). */
        char *start = name;
        if (i == 0 && !strncmp (start, "\xEF\xBB\xBF", 3))
            start += 3;
        names[i] = yw_strdup (s_trim (start));
    }
    for (size_t f = 0; yw_fields[f].name && !result; f++) {
        const char *column = mapping_column (self->mapping, f);
        if (!column)
            continue;
        for (size_t i = 0; i < count; i++) {
            if (strcmp (names[i], column))
                continue;
            if (self->column[f] >= 0) {
                snprintf (error, YW_SOURCE_ERROR,
                          "%s: column \"%s\" (mapped to %s) appears twice in the "
                          "header, as columns %d and %zu: which one is meant?",
                          self->label, column, yw_fields[f].name, self->column[f] + 1,
                          i + 1);
                result = YW_EMAPPING;
                break;
            }
            self->column[f] = (int)i;
        }
        if (self->column[f] < 0 && !result) {
            int off = snprintf (error, YW_SOURCE_ERROR,
                                "%s: column \"%s\" (mapped to %s) is not in the header",
                                self->label, column, yw_fields[f].name);
            if (strcmp (transcode_encoding (self->transcode), "utf-8") &&
                s_header_is_utf8 (fields, count, column))
                off += snprintf (error + off, YW_SOURCE_ERROR - off,
                                 " as %s, but it is there as UTF-8: the file is UTF-8; "
                                 "set [source] encoding = utf-8",
                                 transcode_encoding (self->transcode));
            else {
                off += snprintf (error + off, YW_SOURCE_ERROR - off, "; the header has:");
                for (size_t i = 0; i < count && off < YW_SOURCE_ERROR; i++)
                    off +=
                        snprintf (error + off, YW_SOURCE_ERROR - off, " \"%s\"", names[i]);
            }
            result = YW_EMAPPING;
        }
    }
    for (size_t i = 0; i < count; i++)
        free (names[i]);
    free (names);
    free (name);
    return result;
}

int
source_open (const mapping_t *mapping, FILE *file, const char *label, source_t **source_p,
             char *error)
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
            snprintf (error, YW_SOURCE_ERROR,
                      "%s: JSON lines are UTF-8 "
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
            snprintf (error, YW_SOURCE_ERROR, "%s: encoding %s is not available", label,
                      mapping_encoding (mapping));
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
        /* Until a mapped key has shown up with a value, look for it in every
           line: a misspelt key is otherwise a field silently never filled. */
        for (size_t f = 0; rc == 1 && f < S_MAX_FIELDS; f++) {
            const char *value;
            size_t size;
            if (self->out[f] && !self->seen[f])
                self->seen[f] =
                    jsonl_reader_get (self->jsonl, mapping_column (self->mapping, f),
                                      &value, &size) != YW_ENOTFOUND;
        }
        return rc;
    }
    int rc = csv_reader_next (self->csv, &self->row, &self->row_count, line);
    if (rc < 0) {
        snprintf (self->error, sizeof self->error, "%s", csv_reader_error (self->csv));
        return rc;
    }
    if (rc == 1 && self->row_count != self->header_count) {
        snprintf (self->error, sizeof self->error, "row has %zu fields, the header has %zu",
                  self->row_count, self->header_count);
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
    int len = transcode_field (self->transcode, field->data, field->size, self->out[index],
                               S_FIELD_OUT, &bad);
    if (len == YW_EENCODING) {
        if (!self->other)
            self->other = transcode_new (
                strcmp (transcode_encoding (self->transcode), "utf-8") ? "utf-8"
                                                                       : "gb18030");
        self->undecodable++;
        self->other_decodes += transcode_field (self->other, field->data, field->size,
                                                self->out[index], S_FIELD_OUT, NULL) >= 0;
    }
    if (len < 0) {
        snprintf (self->error, sizeof self->error, "column \"%s\": %s at byte %zu",
                  mapping_column (self->mapping, index),
                  len == YW_EENCODING ? "not valid text in the file's encoding"
                                      : "too long",
                  bad);
        return len == YW_EENCODING ? YW_EENCODING : YW_ETOOBIG;
    }
    *value = self->out[index];
    *size = (size_t)len;
    return 0;
}

bool
source_field_seen (const source_t *self, size_t index)
{
    if (index >= S_MAX_FIELDS || !self->out[index])
        return false;
    return self->csv ? true : self->seen[index];
}

const char *
source_encoding_hint (const source_t *self, uint64_t *count)
{
    *count = self->other_decodes;
    if (!self->other || self->other_decodes * 2 <= self->undecodable)
        return NULL;
    return transcode_encoding (self->other);
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

bool
source_boundary (const source_t *self, uint64_t *offset)
{
    if (self->csv)
        return csv_reader_boundary (self->csv, offset);
    *offset = jsonl_reader_offset (self->jsonl);
    return true;
}

uint64_t
source_offset (const source_t *self)
{
    return self->csv ? csv_reader_offset (self->csv) : jsonl_reader_offset (self->jsonl);
}
