/*  jsonl.h - a streaming JSON-lines reader (one JSON object per line).

    Each non-blank line must be one JSON object (RFC 8259, UTF-8). A UTF-8
    BOM at the start of the input, a CR before each LF, and blank lines are
    skipped. Memory is bounded: a line over YW_MAX_LINE bytes is skipped
    without being kept, whatever the file size.

    Errors are per line: jsonl_reader_next () returns a negative code with a
    message for a line that is not valid JSON, not an object, repeats a key,
    or is too long, then goes on with the next line.

    Values are handed out as text, the way a CSV cell would be:
      string          its UTF-8 bytes, as is (a \u0000 escape is rejected
                      when the line is parsed, so values are C strings)
      integer         decimal digits ("-42"); integers beyond 64 bits make
                      the line malformed
      real            the shortest decimal text that reads back as the same
                      double, never in exponent form ("0.1", "1200", "0.00001");
                      trailing zeros of the source are not kept ("1.50" gives
                      "1.5"), so money and codes are best sent as strings
      true / false    "true" / "false"
      null, absent    not present (YW_ENOTFOUND)
      array, object   YW_EPARSE: not a field value
*/
#ifndef YW_JSONL_H_INCLUDED
#define YW_JSONL_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _jsonl_reader_t jsonl_reader_t;

/* Creates a reader over file (borrowed; the caller closes it after
   jsonl_reader_destroy). */
jsonl_reader_t *jsonl_reader_new (FILE *file);

/* Creates a reader over a memory buffer (borrowed; must outlive the reader).
   The reader never reads past data + size. */
jsonl_reader_t *jsonl_reader_new_buffer (const char *data, size_t size);

void jsonl_reader_destroy (jsonl_reader_t **self_p);

/* Reads the next object. Returns 1 (the object is current; *line is its
   1-based line), 0 at end of input, YW_EPARSE for a line that is not a JSON
   object (bad syntax or encoding, another JSON type, a repeated key) or
   YW_ETOOBIG for a line over YW_MAX_LINE bytes (then *line is set,
   jsonl_reader_error () says what, there is no current object, and the next
   call goes on with the next line), or YW_EIO if reading the file failed
   (final). */
int jsonl_reader_next (jsonl_reader_t *self, uint64_t *line);

/* Gives the current object's value for key as text (see above). Returns 0
   with *value (NUL-terminated) and *size (bytes, without the NUL), valid
   until the next jsonl_reader_next () or jsonl_reader_destroy (); or
   YW_ENOTFOUND (no such key, null, or no current object); YW_EPARSE (the
   value is an array or an object) or YW_ETOOBIG (a string over YW_MAX_FIELD
   bytes), with a message in jsonl_reader_error (). */
int jsonl_reader_get (jsonl_reader_t *self, const char *key, const char **value,
                      size_t *size);

/* Message of the last error ("line 12, column 7: invalid token near 'x'"). */
const char *jsonl_reader_error (const jsonl_reader_t *self);

/* Bytes consumed so far (for progress). */
uint64_t jsonl_reader_offset (const jsonl_reader_t *self);

#ifdef __cplusplus
}
#endif

#endif
