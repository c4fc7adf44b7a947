/*  jsonl.c - a streaming JSON-lines reader (see jsonl.h).

    The boundary module for jansson: no json_t leaves this file. Lines are
    split here (memchr over the caller's buffer, or over a 64 KiB read buffer
    copied into a line buffer of at most YW_MAX_LINE bytes), and each line is
    parsed on its own with json_loadb, so a broken line costs one record.
*/
#include "jsonl.h"

#include <assert.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "yw.h"

#define S_READ_SIZE (64 * 1024)
#define S_LINE_SIZE (16 * 1024) /* initial line buffer; grows to the limit */

struct _jsonl_reader_t {
    FILE *file;           /* NULL when reading a memory buffer */
    char *chunk;          /* read buffer, S_READ_SIZE bytes (file only) */
    const char *base;     /* first byte of the current chunk */
    const char *pos;      /* next byte to read */
    const char *end;      /* end of the current chunk */
    uint64_t base_offset; /* input offset of base */
    bool eof;             /* the current chunk is the last */
    bool failed;          /* reading the file failed: YW_EIO from now on */
    bool started;         /* past the BOM check */

    char *line; /* the current line (file only) */
    size_t line_size;
    size_t line_cap;
    uint64_t line_number; /* lines read so far */

    json_t *object; /* the current object, or NULL */
    char **texts;   /* numbers formatted for the current object */
    size_t text_count;
    size_t text_cap;
    char error[256];
};

static int s_fail (jsonl_reader_t *self, int code, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (jsonl_reader_t *self, int code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    return code;
}

jsonl_reader_t *
jsonl_reader_new (FILE *file)
{
    assert (file);
    jsonl_reader_t *self = yw_calloc (1, sizeof *self);
    self->file = file;
    self->chunk = yw_malloc (S_READ_SIZE);
    self->line_cap = S_LINE_SIZE;
    self->line = yw_malloc (self->line_cap);
    return self;
}

jsonl_reader_t *
jsonl_reader_new_buffer (const char *data, size_t size)
{
    assert (data || size == 0);
    jsonl_reader_t *self = yw_calloc (1, sizeof *self);
    static const char empty[1] = "";
    self->base = self->pos = data ? data : empty;
    self->end = self->base + size;
    self->eof = true;
    return self;
}

/* Drops the current object and the texts made from it. */
static void
s_clear (jsonl_reader_t *self)
{
    json_decref (self->object);
    self->object = NULL;
    for (size_t i = 0; i < self->text_count; i++)
        free (self->texts[i]);
    self->text_count = 0;
}

void
jsonl_reader_destroy (jsonl_reader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    jsonl_reader_t *self = *self_p;
    s_clear (self);
    free (self->texts);
    free (self->chunk);
    free (self->line);
    free (self);
    *self_p = NULL;
}

static void
s_fill (jsonl_reader_t *self)
{
    size_t got = fread (self->chunk, 1, S_READ_SIZE, self->file);
    if (got < S_READ_SIZE) {
        if (ferror (self->file)) {
            self->failed = true;
            s_fail (self, YW_EIO, "read failed after %llu bytes",
                    (unsigned long long)(self->base_offset +
                                         (uint64_t)(self->end - self->base)));
            return;
        }
        self->eof = true;
    }
    if (self->base)
        self->base_offset += (uint64_t)(self->end - self->base);
    self->base = self->pos = self->chunk;
    self->end = self->chunk + got;
}

/* Finds the next physical line. Returns 1 with *text / *size (without the
   LF), 0 at end of input, YW_ETOOBIG for a line over YW_MAX_LINE (consumed),
   or YW_EIO. */
static int
s_next_line (jsonl_reader_t *self, const char **text, size_t *size)
{
    if (!self->file) {
        if (self->pos == self->end)
            return 0;
        const char *newline = memchr (self->pos, '\n', (size_t)(self->end - self->pos));
        const char *stop = newline ? newline : self->end;
        *text = self->pos;
        *size = (size_t)(stop - self->pos);
        self->pos = newline ? newline + 1 : stop;
        self->line_number++;
        return *size > YW_MAX_LINE ? YW_ETOOBIG : 1;
    }
    /* From a file: gather the line; past the limit, keep counting only. */
    size_t total = 0;
    self->line_size = 0;
    bool any = false;
    while (true) {
        if (self->pos == self->end) {
            if (self->failed)
                return YW_EIO;
            if (self->eof)
                break;
            s_fill (self);
            continue;
        }
        any = true;
        const char *newline = memchr (self->pos, '\n', (size_t)(self->end - self->pos));
        const char *stop = newline ? newline : self->end;
        size_t run = (size_t)(stop - self->pos);
        if (total + run <= YW_MAX_LINE) {
            if (self->line_size + run > self->line_cap) {
                while (self->line_size + run > self->line_cap)
                    self->line_cap *= 2;
                self->line = yw_realloc (self->line, self->line_cap);
            }
            memcpy (self->line + self->line_size, self->pos, run);
            self->line_size += run;
        }
        total += run;
        self->pos = newline ? newline + 1 : stop;
        if (newline)
            break;
    }
    if (!any)
        return 0;
    self->line_number++;
    *text = self->line;
    *size = self->line_size;
    return total > YW_MAX_LINE ? YW_ETOOBIG : 1;
}

static bool
s_blank (const char *text, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
            return false;
    return true;
}

static const char *
s_type_name (const json_t *value)
{
    switch (json_typeof (value)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a number";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        case JSON_NULL: return "null";
    }
    return "a value";
}

int
jsonl_reader_next (jsonl_reader_t *self, uint64_t *line)
{
    assert (self);
    assert (line);
    s_clear (self);
    while (true) {
        if (self->failed) {
            *line = self->line_number;
            return YW_EIO;
        }
        const char *text = NULL;
        size_t size = 0;
        int rc = s_next_line (self, &text, &size);
        *line = self->line_number;
        if (rc == YW_ETOOBIG)
            return s_fail (self, YW_ETOOBIG, "line %llu is longer than %d bytes",
                           (unsigned long long)self->line_number, YW_MAX_LINE);
        if (rc <= 0)
            return rc;
        if (!self->started) {
            self->started = true;
            if (size >= 3 && !memcmp (text, "\xEF\xBB\xBF", 3)) {
                text += 3;
                size -= 3;
            }
        }
        if (size && text[size - 1] == '\r')
            size--;
        if (s_blank (text, size))
            continue;

        json_error_t error;
        json_t *value = json_loadb (text, size, JSON_REJECT_DUPLICATES, &error);
        if (!value)
            return s_fail (self, YW_EPARSE, "line %llu, column %d: %s",
                           (unsigned long long)self->line_number, error.column, error.text);
        if (!json_is_object (value)) {
            rc = s_fail (self, YW_EPARSE, "line %llu is %s, not a JSON object",
                         (unsigned long long)self->line_number, s_type_name (value));
            json_decref (value);
            return rc;
        }
        self->object = value;
        return 1;
    }
}

/* Writes the shortest decimal text that reads back as value, in plain
   notation: the fewest significant digits that round-trip, from "%.*e",
   then placed around the decimal point by hand. */
static char *
s_format_real (double value)
{
    char scientific[40];
    for (int precision = 0; precision <= 17; precision++) {
        snprintf (scientific, sizeof scientific, "%.*e", precision, value);
        if (strtod (scientific, NULL) == value)
            break;
    }
    /* scientific is [-]D[.DDD]e(+|-)XX */
    const char *p = scientific;
    bool negative = *p == '-';
    if (negative)
        p++;
    char digits[24];
    size_t count = 0;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[count++] = *p;
    int exponent = atoi (p + 1);
    while (count > 1 && digits[count - 1] == '0')
        count--;
    if (count == 1 && digits[0] == '0')
        return yw_strdup ("0"); /* also for -0.0 */

    /* At most 1 + 308 + 1 + 324 + 17 characters (DBL_MAX, DBL_TRUE_MIN). */
    char *text = yw_malloc (16 + 340 + count);
    char *out = text;
    if (negative)
        *out++ = '-';
    if (exponent < 0) {
        *out++ = '0';
        *out++ = '.';
        for (int i = -1; i > exponent; i--)
            *out++ = '0';
        memcpy (out, digits, count);
        out += count;
    }
    else {
        size_t whole = (size_t)exponent + 1;
        for (size_t i = 0; i < whole; i++)
            *out++ = i < count ? digits[i] : '0';
        if (count > whole) {
            *out++ = '.';
            memcpy (out, digits + whole, count - whole);
            out += count - whole;
        }
    }
    *out = '\0';
    return text;
}

/* Keeps text until the next object. */
static const char *
s_keep (jsonl_reader_t *self, char *text)
{
    if (self->text_count == self->text_cap) {
        self->text_cap = self->text_cap ? self->text_cap * 2 : 8;
        self->texts = yw_realloc (self->texts, self->text_cap * sizeof *self->texts);
    }
    self->texts[self->text_count++] = text;
    return text;
}

int
jsonl_reader_get (jsonl_reader_t *self, const char *key, const char **value, size_t *size)
{
    assert (self);
    assert (key && value && size);
    if (!self->object)
        return YW_ENOTFOUND;
    json_t *item = json_object_get (self->object, key);
    if (!item)
        return YW_ENOTFOUND;
    switch (json_typeof (item)) {
        case JSON_STRING:
            *size = json_string_length (item);
            if (*size > YW_MAX_FIELD)
                return s_fail (self, YW_ETOOBIG, "field \"%s\" is longer than %d bytes",
                               key, YW_MAX_FIELD);
            *value = json_string_value (item);
            return 0;
        case JSON_INTEGER: {
            char number[32];
            snprintf (number, sizeof number, "%" JSON_INTEGER_FORMAT,
                      json_integer_value (item));
            *value = s_keep (self, yw_strdup (number));
            break;
        }
        case JSON_REAL:
            *value = s_keep (self, s_format_real (json_real_value (item)));
            break;
        case JSON_TRUE: *value = "true"; break;
        case JSON_FALSE: *value = "false"; break;
        case JSON_NULL: return YW_ENOTFOUND;
        case JSON_OBJECT:
        case JSON_ARRAY:
            return s_fail (self, YW_EPARSE, "field \"%s\" is %s, not a value", key,
                           s_type_name (item));
    }
    *size = strlen (*value);
    return 0;
}

const char *
jsonl_reader_error (const jsonl_reader_t *self)
{
    assert (self);
    return self->error;
}

uint64_t
jsonl_reader_offset (const jsonl_reader_t *self)
{
    assert (self);
    if (!self->base)
        return 0;
    return self->base_offset + (uint64_t)(self->pos - self->base);
}
