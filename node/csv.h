/*  csv.h - a streaming RFC 4180 reader over raw bytes.

    The reader splits records and fields without interpreting the encoding:
    UTF-8, GB18030 and GBK are all ASCII-transparent for the bytes that matter
    to CSV (comma, double quote, CR, LF never occur inside a multi-byte
    character), so each field is transcoded later on its own and a bad byte
    costs one row, not the file.

    It handles quoted fields with embedded commas, quotes ("") and newlines,
    CRLF and LF line ends, a UTF-8 BOM at the start (skipped), a missing final
    newline, and blank lines (skipped). Memory is bounded: one record buffer
    of at most YW_MAX_LINE bytes plus a fixed read buffer, whatever the file
    size.

    Errors are per record: csv_reader_next () returns a negative code with a
    message for a malformed record (unterminated quote, text after a closing
    quote as in "abc"x, field over YW_MAX_FIELD, record over YW_MAX_LINE,
    more than YW_MAX_COLUMNS columns), then resynchronises at the next line
    and goes on. A quoted field that runs past YW_MAX_FIELD bytes or to the
    end of input is taken for an unterminated quote: reading resumes at the
    first line end inside it, so one stray quote costs one record.

    Tolerated as data, as spreadsheet exports write them: a quote inside an
    unquoted field (abc"def is the 7 bytes abc"def) and a CR not followed by
    LF. A CR at the very end of the input ends the line.
*/
#ifndef YW_CSV_H_INCLUDED
#define YW_CSV_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _csv_reader_t csv_reader_t;

typedef struct {
    const char *data;   /* field bytes, quotes removed, "" unescaped; NUL-terminated */
    size_t size;        /* bytes, without the NUL */
    int quoted;         /* 1 if the field was quoted */
} csv_field_t;

/* Creates a reader over file (borrowed; the caller closes it after
   csv_reader_destroy). */
csv_reader_t *csv_reader_new (FILE *file);

/* Creates a reader over a memory buffer (borrowed; must outlive the reader). */
csv_reader_t *csv_reader_new_buffer (const char *data, size_t size);

void csv_reader_destroy (csv_reader_t **self_p);

/* Reads the next record. Returns 1 and sets *fields / *count (valid until the
   next call) and *line (1-based physical line where the record starts);
   0 at end of input; YW_EPARSE / YW_ETOOBIG for a malformed record (then
   *line is set, csv_reader_error () says what, and the next call continues
   after it); YW_EIO if reading the file failed (final). */
int csv_reader_next (csv_reader_t *self, const csv_field_t **fields,
                     size_t *count, uint64_t *line);

/* Message of the last error ("unterminated quoted field starting at line 12"). */
const char *csv_reader_error (const csv_reader_t *self);

/* Bytes consumed so far (for progress). */
uint64_t csv_reader_offset (const csv_reader_t *self);

/* True, with *offset the input offset where the next record starts, when
   the reader stands between records of the input itself: a new reader over
   the header and the input from *offset reads the same records from there.
   False while it replays the tail of an unterminated quoted field. */
bool csv_reader_boundary (const csv_reader_t *self, uint64_t *offset);

#ifdef __cplusplus
}
#endif

#endif
