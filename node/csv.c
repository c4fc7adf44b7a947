/*  csv.c - a streaming RFC 4180 reader over raw bytes (see csv.h).

    The parser is a small state machine that runs over one chunk of input at
    a time (the caller's buffer, or a 64 KiB read buffer), so a record may
    straddle any number of reads. Within a state it works on runs, not bytes:
    an unquoted field is scanned up to the next comma or LF, a quoted field
    with memchr up to the next quote, and each run is copied with memcpy into
    the record buffer, where every field ends up NUL-terminated. Nothing is
    allocated per record or per field.

    A malformed record is reported as soon as it is found; the reader then
    goes on parsing the rest of that record in "discard" mode (so a quoted
    field with a newline inside does not end it early) and starts afresh at
    the next record.

    An unterminated quote is the one error that could swallow the rest of the
    file. Its damage is bounded: a quoted field ends, as an error, when it
    grows past YW_MAX_FIELD or reaches the end of input, and the reader then
    resumes at the first LF inside that field. The bytes of the field are
    still in the record buffer (a quote inside it was stored once for its two
    input bytes), so they are re-escaped into a small replay buffer and
    parsed again; nothing after the first line of the broken field is lost.
*/
#include "csv.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "yw.h"

#define S_READ_SIZE (64 * 1024)
#define S_RECORD_SIZE (16 * 1024) /* initial record buffer; grows to the limit */
#define S_FIELDS 32               /* initial field array; grows to the limit */

typedef enum {
    S_RECORD,   /* before the first byte of a record */
    S_FIELD,    /* before the first byte of a field that follows a comma */
    S_UNQUOTED, /* inside an unquoted field */
    S_QUOTED,   /* inside a quoted field */
    S_QUOTE,    /* after a quote inside a quoted field: "" or the end */
    S_QUOTE_CR, /* after a closing quote and CR: only LF may follow */
    S_LINE      /* skipping to the next LF, quotes ignored */
} s_state_t;

/* Bytes that end a run of an unquoted field. A quote is not among them: a
   quote inside an unquoted field is data (see csv.h). */
static const unsigned char s_unquoted_stop[256] = {[','] = 1, ['\n'] = 1};

/* The first comma or LF in [at, end), or end. Most fields are short, so the
   first 16 bytes usually hold the answer: one SSE2 compare (x86-64 always
   has SSE2) instead of a loop over the bytes; the loop does the rest. */
static const char *
s_unquoted_end (const char *at, const char *end)
{
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8 (','), lf = _mm_set1_epi8 ('\n');
    while (end - at >= 16) {
        __m128i bytes = _mm_loadu_si128 ((const __m128i *)(const void *)at);
        int mask = _mm_movemask_epi8 (
            _mm_or_si128 (_mm_cmpeq_epi8 (bytes, comma), _mm_cmpeq_epi8 (bytes, lf)));
        if (mask)
            return at + __builtin_ctz ((unsigned)mask);
        at += 16;
    }
#endif
    while (at < end && !s_unquoted_stop[(unsigned char)*at])
        at++;
    return at;
}

struct _csv_reader_t {
    FILE *file;           /* NULL when reading a memory buffer */
    char *chunk;          /* read buffer, S_READ_SIZE bytes (file only) */
    const char *base;     /* first byte of the current chunk */
    const char *pos;      /* next byte to parse */
    const char *end;      /* end of the current chunk */
    uint64_t base_offset; /* input offset of base */
    bool eof;             /* the current chunk is the last */
    bool failed;          /* reading the file failed: YW_EIO from now on */

    char *replay;           /* re-escaped bytes of a broken quoted field */
    bool replaying;         /* base..end is the replay buffer */
    const char *saved_base; /* the chunk to return to after the replay */
    const char *saved_pos;
    const char *saved_end;
    uint64_t saved_offset;

    s_state_t state;
    uint64_t line;          /* physical line of pos, 1-based */
    uint64_t record_line;   /* line where the current record starts */
    uint64_t record_offset; /* input offset of its first byte */
    uint64_t quote_line;    /* line of the current field's opening quote */
    uint64_t quote_offset;  /* input offset of that quote */
    bool discard;           /* the record is in error: parse it, keep nothing */

    char *record; /* field bytes, each field NUL-terminated */
    size_t record_size;
    size_t record_cap;
    size_t field_start; /* offset of the current field in record */
    csv_field_t *fields;
    size_t count;
    size_t fields_cap;
    char error[256];
};

static int s_fail (csv_reader_t *self, int code, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Records the first error of a record and switches to discard mode. Later
   errors in the same record are not reported (returns 0 for them). */
static int
s_fail (csv_reader_t *self, int code, const char *format, ...)
{
    if (self->discard)
        return 0;
    self->discard = true;
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    return code;
}

static uint64_t
s_offset (const csv_reader_t *self, const char *at)
{
    return self->base_offset + (uint64_t)(at - self->base);
}

/* Makes room for `more` bytes after record_size. The record buffer never
   needs more than YW_MAX_LINE + 2 bytes: a field's stored bytes never
   outnumber its input bytes, and records are checked against YW_MAX_LINE
   before their bytes are stored. */
static void
s_reserve (csv_reader_t *self, size_t more)
{
    size_t need = self->record_size + more;
    if (need <= self->record_cap)
        return;
    size_t cap = self->record_cap;
    while (cap < need)
        cap *= 2;
    if (cap > YW_MAX_LINE + 2)
        cap = need > YW_MAX_LINE + 2 ? need : YW_MAX_LINE + 2;
    char *fresh = yw_malloc (cap);
    memcpy (fresh, self->record, self->record_size);
    for (size_t i = 0; i < self->count; i++)
        self->fields[i].data = fresh + (self->fields[i].data - self->record);
    free (self->record);
    self->record = fresh;
    self->record_cap = cap;
}

static void
s_append (csv_reader_t *self, const char *data, size_t size)
{
    s_reserve (self, size + 1); /* + 1: the field's NUL always fits */
    memcpy (self->record + self->record_size, data, size);
    self->record_size += size;
}

static void
s_record_begin (csv_reader_t *self)
{
    self->record_line = self->line;
    self->record_offset = s_offset (self, self->pos);
    self->count = 0;
    self->record_size = 0;
    self->discard = false;
}

/* Starts a field. In discard mode nothing is kept, except that a quoted
   field is stored from the start of the record buffer: its bytes are needed
   if it turns out to be unterminated. */
static int
s_field_begin (csv_reader_t *self, bool quoted)
{
    int rc = 0;
    if (!self->discard && self->count == YW_MAX_COLUMNS)
        rc = s_fail (self, YW_ETOOBIG, "record has more than %d columns", YW_MAX_COLUMNS);
    if (self->discard) {
        self->record_size = 0;
        self->field_start = 0;
        return rc;
    }
    if (self->count == self->fields_cap) {
        self->fields_cap *= 2;
        self->fields = yw_realloc (self->fields, self->fields_cap * sizeof *self->fields);
    }
    csv_field_t *field = &self->fields[self->count++];
    field->data = self->record + self->record_size;
    field->size = 0;
    field->quoted = quoted;
    self->field_start = self->record_size;
    return 0;
}

/* Ends the current field; at a line end, a CR before the LF of an unquoted
   field is not data. */
static int
s_field_end (csv_reader_t *self, bool line_end)
{
    if (self->discard)
        return 0;
    csv_field_t *field = &self->fields[self->count - 1];
    size_t size = self->record_size - self->field_start;
    if (line_end && !field->quoted && size > 0 &&
        self->record[self->record_size - 1] == '\r') {
        size--;
        self->record_size--;
    }
    s_reserve (self, 1);
    self->record[self->record_size++] = '\0';
    field->size = size;
    if (size > YW_MAX_FIELD)
        return s_fail (self, YW_ETOOBIG, "field %zu is longer than %d bytes", self->count,
                       YW_MAX_FIELD);
    return 0;
}

/* At the end of a record: returns 1 when it is a record to hand out, 0 for
   a blank line or a record already reported as an error. */
static int
s_record_end (csv_reader_t *self)
{
    self->state = S_RECORD;
    if (self->discard)
        return 0;
    if (self->count == 1 && self->fields[0].size == 0 && !self->fields[0].quoted)
        return 0;
    return 1;
}

static size_t
s_count_byte (const char *data, size_t size, char byte)
{
    size_t count = 0;
    const char *end = data + size;
    while ((data = memchr (data, byte, (size_t)(end - data)))) {
        count++;
        data++;
    }
    return count;
}

/* A quoted field was cut short (too long, or the input ended inside it):
   resume parsing at the first LF inside it, by replaying the field's bytes
   after that LF before the rest of the input.

   This never happens during a replay, so replays do not nest: a field read
   from the replay stores at most the replayed bytes, fewer than
   YW_MAX_FIELD, and the input cannot end inside the replay. */
static void
s_resync_quoted (csv_reader_t *self)
{
    assert (!self->replaying);
    const char *content = self->record + self->field_start;
    size_t size = self->record_size - self->field_start;
    const char *newline = memchr (content, '\n', size);
    if (!newline) {
        self->state = S_LINE;
        return;
    }
    size_t skipped = (size_t)(newline - content) + 1;
    /* Stored content is the input with each "" stored as one quote. */
    uint64_t offset =
        self->quote_offset + 1 + skipped + s_count_byte (content, skipped, '"');
    const char *tail = content + skipped;
    size_t tail_size = size - skipped;
    size_t replay_size = tail_size + s_count_byte (tail, tail_size, '"');

    free (self->replay);
    self->replay = yw_malloc (replay_size ? replay_size : 1);
    char *out = self->replay;
    for (size_t i = 0; i < tail_size; i++) {
        *out++ = tail[i];
        if (tail[i] == '"')
            *out++ = '"';
    }
    self->saved_base = self->base;
    self->saved_pos = self->pos;
    self->saved_end = self->end;
    self->saved_offset = self->base_offset;
    self->replaying = true;
    self->base = self->pos = self->replay;
    self->end = self->replay + replay_size;
    self->base_offset = offset;
    self->line = self->quote_line + 1;
    self->state = S_RECORD;
}

/* Reads the next chunk of the file; a failure is final (self->failed). */
static void
s_fill (csv_reader_t *self)
{
    bool first = self->base == NULL;
    size_t got = fread (self->chunk, 1, S_READ_SIZE, self->file);
    if (got < S_READ_SIZE) {
        if (ferror (self->file)) {
            self->failed = true;
            snprintf (self->error, sizeof self->error, "read failed after %llu bytes",
                      (unsigned long long)s_offset (self, self->end));
            return;
        }
        self->eof = true;
    }
    if (!first)
        self->base_offset += (uint64_t)(self->end - self->base);
    self->base = self->pos = self->chunk;
    self->end = self->chunk + got;
    if (first && got >= 3 && !memcmp (self->chunk, "\xEF\xBB\xBF", 3))
        self->pos += 3;
}

static csv_reader_t *
s_new (void)
{
    csv_reader_t *self = yw_calloc (1, sizeof *self);
    self->line = 1;
    self->state = S_RECORD;
    self->record_cap = S_RECORD_SIZE;
    self->record = yw_malloc (self->record_cap);
    self->fields_cap = S_FIELDS;
    self->fields = yw_malloc (self->fields_cap * sizeof *self->fields);
    return self;
}

csv_reader_t *
csv_reader_new (FILE *file)
{
    assert (file);
    csv_reader_t *self = s_new ();
    self->file = file;
    self->chunk = yw_malloc (S_READ_SIZE);
    return self;
}

csv_reader_t *
csv_reader_new_buffer (const char *data, size_t size)
{
    assert (data || size == 0);
    csv_reader_t *self = s_new ();
    static const char empty[1] = "";
    self->base = self->pos = data ? data : empty;
    self->end = self->base + size;
    self->eof = true;
    if (size >= 3 && !memcmp (data, "\xEF\xBB\xBF", 3))
        self->pos += 3;
    return self;
}

void
csv_reader_destroy (csv_reader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    csv_reader_t *self = *self_p;
    free (self->chunk);
    free (self->replay);
    free (self->record);
    free (self->fields);
    free (self);
    *self_p = NULL;
}

/* The input has ended in the current state. Returns 1 for a last record to
   hand out, 0 when there is nothing more, or an error code. */
static int
s_end_of_input (csv_reader_t *self)
{
    int rc = 0;
    switch (self->state) {
        case S_RECORD: return 0;
        case S_LINE: self->state = S_RECORD; return 0;
        case S_FIELD: /* after a trailing comma: one empty field */
            rc = s_field_begin (self, false);
            if (rc == 0)
                rc = s_field_end (self, true);
            break;
        case S_UNQUOTED: /* a CR that ends the input ends the line */
            rc = s_field_end (self, true);
            break;
        case S_QUOTE:
        case S_QUOTE_CR: rc = s_field_end (self, false); break;
        case S_QUOTED:
            rc = s_fail (self, YW_EPARSE, "unterminated quoted field starting at line %llu",
                         (unsigned long long)self->quote_line);
            s_resync_quoted (self);
            if (self->state == S_LINE)
                self->state = S_RECORD;
            return rc;
    }
    int ready = s_record_end (self);
    return rc < 0 ? rc : ready;
}

int
csv_reader_next (csv_reader_t *self, const csv_field_t **fields, size_t *count,
                 uint64_t *line)
{
    assert (self);
    assert (fields && count && line);
    *count = 0;
    int rc = 0;
    while (true) {
        if (self->failed) {
            *line = self->line;
            return YW_EIO;
        }
        if (self->pos == self->end) {
            if (self->replaying) {
                self->base = self->saved_base;
                self->pos = self->saved_pos;
                self->end = self->saved_end;
                self->base_offset = self->saved_offset;
                self->replaying = false;
                continue;
            }
            if (!self->eof) {
                s_fill (self);
                continue;
            }
            rc = s_end_of_input (self);
            if (rc == 0 && self->replaying)
                continue; /* an unterminated quote in a discarded record */
            if (rc == 0)
                return 0;
            goto done;
        }
        const char *pos = self->pos;
        const char *end = self->end;
        switch (self->state) {
            case S_RECORD:
                s_record_begin (self);
                /* fall through */
            case S_FIELD: {
                bool quoted = *pos == '"';
                if (quoted) {
                    self->quote_line = self->line;
                    self->quote_offset = s_offset (self, pos);
                    self->pos = pos + 1;
                    self->state = S_QUOTED;
                }
                else
                    self->state = S_UNQUOTED;
                rc = s_field_begin (self, quoted);
                if (rc)
                    goto done;
                break;
            }
            case S_UNQUOTED: {
                const char *stop = s_unquoted_end (pos, end);
                if (!self->discard) {
                    if (s_offset (self, stop) - self->record_offset > YW_MAX_LINE) {
                        self->pos = stop;
                        self->state = S_LINE;
                        rc = s_fail (self, YW_ETOOBIG, "record is longer than %d bytes",
                                     YW_MAX_LINE);
                        goto done;
                    }
                    s_append (self, pos, (size_t)(stop - pos));
                }
                if (stop == end) {
                    self->pos = stop;
                    break;
                }
                self->pos = stop + 1;
                if (*stop == ',') {
                    self->state = S_FIELD;
                    rc = s_field_end (self, false);
                    if (rc)
                        goto done;
                    break;
                }
                self->line++;
                rc = s_field_end (self, true);
                if (s_record_end (self) || rc)
                    goto done;
                break;
            }
            case S_QUOTED: {
                const char *quote = memchr (pos, '"', (size_t)(end - pos));
                const char *stop = quote ? quote : end;
                size_t size = (size_t)(stop - pos);
                if (self->record_size - self->field_start + size > YW_MAX_FIELD) {
                    rc = s_fail (self, YW_ETOOBIG,
                                 "quoted field starting at line %llu is "
                                 "longer than %d bytes (unterminated quote?)",
                                 (unsigned long long)self->quote_line, YW_MAX_FIELD);
                    s_resync_quoted (self);
                    if (rc)
                        goto done;
                    break;
                }
                if (!self->discard &&
                    s_offset (self, stop) - self->record_offset > YW_MAX_LINE) {
                    self->state = S_LINE;
                    rc = s_fail (self, YW_ETOOBIG, "record is longer than %d bytes",
                                 YW_MAX_LINE);
                    goto done;
                }
                self->line += s_count_byte (pos, size, '\n');
                s_append (self, pos, size);
                self->pos = stop;
                if (quote) {
                    self->pos++;
                    self->state = S_QUOTE;
                }
                break;
            }
            case S_QUOTE:
                self->pos = pos + 1;
                if (*pos == '"') {
                    s_append (self, "\"", 1);
                    self->state = S_QUOTED;
                }
                else if (*pos == ',') {
                    self->state = S_FIELD;
                    rc = s_field_end (self, false);
                    if (rc)
                        goto done;
                }
                else if (*pos == '\n') {
                    self->line++;
                    rc = s_field_end (self, false);
                    if (s_record_end (self) || rc)
                        goto done;
                }
                else if (*pos == '\r')
                    self->state = S_QUOTE_CR;
                else {
                    /* The rest of the field is parsed as unquoted, and kept
                       by nobody: the record is in error. */
                    self->pos = pos;
                    self->state = S_UNQUOTED;
                    rc = s_fail (self, YW_EPARSE,
                                 "text after the closing quote of "
                                 "field %zu",
                                 self->count);
                    if (rc)
                        goto done;
                }
                break;
            case S_QUOTE_CR:
                if (*pos == '\n') {
                    self->pos = pos + 1;
                    self->line++;
                    rc = s_field_end (self, false);
                    if (s_record_end (self) || rc)
                        goto done;
                    break;
                }
                self->state = S_UNQUOTED;
                rc = s_fail (self, YW_EPARSE, "text after the closing quote of field %zu",
                             self->count);
                if (rc)
                    goto done;
                break;
            case S_LINE: {
                const char *newline = memchr (pos, '\n', (size_t)(end - pos));
                if (newline) {
                    self->pos = newline + 1;
                    self->line++;
                    self->state = S_RECORD;
                }
                else
                    self->pos = end;
                break;
            }
        }
    }
done:
    *line = self->record_line;
    if (rc < 0)
        return rc;
    *fields = self->fields;
    *count = self->count;
    return 1;
}

const char *
csv_reader_error (const csv_reader_t *self)
{
    assert (self);
    return self->error;
}

bool
csv_reader_boundary (const csv_reader_t *self, uint64_t *offset)
{
    assert (self);
    if (self->replaying || self->state != S_RECORD)
        return false;
    *offset = s_offset (self, self->pos);
    return true;
}

uint64_t
csv_reader_offset (const csv_reader_t *self)
{
    assert (self);
    if (self->replaying)
        return self->saved_offset + (uint64_t)(self->saved_pos - self->saved_base);
    return s_offset (self, self->pos);
}
