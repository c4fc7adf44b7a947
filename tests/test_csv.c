/*  test_csv.c - the streaming RFC 4180 reader.

    Most cases are a table of input and expected transcript: every result of
    csv_reader_next () in order, as LINE:FIELDS; with fields joined by |,
    quoted fields in "", CR and LF shown as \r and \n, and errors as
    LINE:!parse; or LINE:!toobig;. Each case runs from a memory buffer, from
    a file, and from a file where it starts at every position around the
    64 KiB read boundary.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "yw.h"

#define READ_SIZE (64 * 1024) /* the reader's read buffer */

/* A growable string for transcripts and generated inputs. */
typedef struct {
    char *data;
    size_t size;
    size_t cap;
} text_t;

static void
text_add (text_t *text, const char *data, size_t size)
{
    if (text->size + size + 1 > text->cap) {
        text->cap = (text->size + size + 1) * 2;
        text->data = yw_realloc (text->data, text->cap);
    }
    memcpy (text->data + text->size, data, size);
    text->size += size;
    text->data[text->size] = '\0';
}

static void
text_printf (text_t *text, const char *format, ...)
{
    char buffer[256];
    va_list args;
    va_start (args, format);
    int size = vsnprintf (buffer, sizeof buffer, format, args);
    va_end (args);
    text_add (text, buffer, (size_t)size);
}

static void
text_repeat (text_t *text, char byte, size_t count)
{
    for (size_t i = 0; i < count; i++)
        text_add (text, &byte, 1);
}

/* Reads everything; records whose line is <= skip_lines are left out, and
   the others are shown with their line less skip_lines. */
static char *
transcript (csv_reader_t *reader, uint64_t skip_lines)
{
    text_t out = {0};
    text_add (&out, "", 0);
    uint64_t last_line = 0;
    while (true) {
        const csv_field_t *fields = NULL;
        size_t count = 0;
        uint64_t line = 0;
        int rc = csv_reader_next (reader, &fields, &count, &line);
        if (rc == 0)
            break;
        assert_true (line > last_line);
        last_line = line;
        if (line <= skip_lines)
            continue;
        text_printf (&out, "%llu:", (unsigned long long)(line - skip_lines));
        if (rc < 0) {
            assert_true (rc == YW_EPARSE || rc == YW_ETOOBIG);
            assert_true (strlen (csv_reader_error (reader)) > 0);
            text_add (&out, rc == YW_EPARSE ? "!parse;" : "!toobig;",
                      rc == YW_EPARSE ? 7 : 8);
            continue;
        }
        assert_int_equal (rc, 1);
        assert_true (count >= 1 && count <= YW_MAX_COLUMNS);
        for (size_t i = 0; i < count; i++) {
            assert_int_equal (fields[i].data[fields[i].size], '\0');
            if (i)
                text_add (&out, "|", 1);
            if (fields[i].quoted)
                text_add (&out, "\"", 1);
            for (size_t k = 0; k < fields[i].size; k++) {
                char c = fields[i].data[k];
                if (c == '\n')
                    text_add (&out, "\\n", 2);
                else if (c == '\r')
                    text_add (&out, "\\r", 2);
                else if (c == '\0')
                    text_add (&out, "\\0", 2);
                else
                    text_add (&out, &c, 1);
            }
            if (fields[i].quoted)
                text_add (&out, "\"", 1);
        }
        text_add (&out, ";", 1);
    }
    return out.data;
}

static char *
transcript_of_buffer (const char *data, size_t size)
{
    csv_reader_t *reader = csv_reader_new_buffer (data, size);
    assert_non_null (reader);
    char *out = transcript (reader, 0);
    assert_int_equal (csv_reader_offset (reader), size);
    csv_reader_destroy (&reader);
    assert_null (reader);
    return out;
}

static FILE *
file_of (const char *data, size_t size)
{
    FILE *file = tmpfile ();
    assert_non_null (file);
    assert_int_equal (fwrite (data, 1, size, file), size);
    rewind (file);
    return file;
}

static char *
transcript_of_file (const char *data, size_t size, uint64_t skip_lines)
{
    FILE *file = file_of (data, size);
    csv_reader_t *reader = csv_reader_new (file);
    char *out = transcript (reader, skip_lines);
    assert_int_equal (csv_reader_offset (reader), size);
    csv_reader_destroy (&reader);
    fclose (file);
    return out;
}

typedef struct {
    const char *name;
    const char *input;
    size_t size; /* 0: strlen (input) */
    const char *expected;
} csv_case_t;

static const csv_case_t s_cases[] = {
    /* RFC 4180 */
    {"simple", "a,b,c\n1,2,3\n", 0, "1:a|b|c;2:1|2|3;"},
    {"no final newline", "a,b\n1,2", 0, "1:a|b;2:1|2;"},
    {"crlf", "a,b\r\n1,2\r\n", 0, "1:a|b;2:1|2;"},
    {"crlf, no final newline", "a,b\r\n1,2", 0, "1:a|b;2:1|2;"},
    {"mixed line ends", "a\r\nb\nc\r\n", 0, "1:a;2:b;3:c;"},
    {"empty fields", ",,\na,,b\n", 0, "1:||;2:a||b;"},
    {"trailing comma", "a,b,\n1,2,\r\n", 0, "1:a|b|;2:1|2|;"},
    {"trailing comma at end", "a,", 0, "1:a|;"},
    {"quoted comma", "\"a,b\",c\n", 0, "1:\"a,b\"|c;"},
    {"escaped quotes", "\"he said \"\"hi\"\"\",x\n", 0, "1:\"he said \"hi\"\"|x;"},
    {"only escaped quote", "\"\"\"\"\n", 0, "1:\"\"\";"},
    {"empty quoted", "\"\",a\n", 0, "1:\"\"|a;"},
    {"empty quoted alone is not blank", "\"\"\n\"\"", 0, "1:\"\";2:\"\";"},
    {"quoted last without newline", "a,\"b\"", 0, "1:a|\"b\";"},
    {"quoted with crlf after", "\"a\"\r\n\"b\"\r\n", 0, "1:\"a\";2:\"b\";"},
    {"quoted then cr at end", "\"a\"\r", 0, "1:\"a\";"},
    {"embedded lf", "\"x\ny\",z\n2,3\n", 0, "1:\"x\\ny\"|z;3:2|3;"},
    {"embedded crlf kept", "\"x\r\ny\"\r\nnext\r\n", 0, "1:\"x\\r\\ny\";3:next;"},
    {"many embedded lines", "h\n\"1\n2\n3\n\",\"\n\"\nz\n", 0,
     "1:h;2:\"1\\n2\\n3\\n\"|\"\\n\";7:z;"},
    {"embedded comma and quote", "\"a,\"\"b\"\",\nc\",d\n", 0, "1:\"a,\"b\",\\nc\"|d;"},

    /* BOM, blank lines, empty input */
    {"bom skipped",
     "\xEF\xBB\xBF"
     "a,b\n1,2\n",
     0, "1:a|b;2:1|2;"},
    {"bom only at start",
     "a\n\xEF\xBB\xBF"
     "b\n",
     0,
     "1:a;2:\xEF\xBB\xBF"
     "b;"},
    {"bom alone", "\xEF\xBB\xBF", 0, ""},
    {"bom and quoted", "\xEF\xBB\xBF\"a\"\n", 0, "1:\"a\";"},
    {"blank lines skipped", "\n\na\n\r\n\nb\n\n", 0, "3:a;6:b;"},
    {"empty", "", 0, ""},
    {"only newlines", "\n\n\r\n\n", 0, ""},
    {"only a header", "plate,vin\n", 0, "1:plate|vin;"},
    {"spaces are data", " \n a , b \n", 0, "1: ;2: a | b ;"},

    /* Tolerated as data */
    {"lone cr is data", "a\rb,c\n", 0, "1:a\\rb|c;"},
    {"cr before comma", "a\r,b\n", 0, "1:a\\r|b;"},
    {"final cr ends the line", "a,b\r", 0, "1:a|b;"},
    {"stray quote in unquoted", "abc\"def,g\n5\" pipe,x\n", 0,
     "1:abc\"def|g;2:5\" pipe|x;"},
    {"quotes mid field", "a\"b\"c,d\n", 0, "1:a\"b\"c|d;"},
    {"quote after space", " \"a\",b\n", 0, "1: \"a\"|b;"},
    {"quote at end of unquoted", "ab\"\ncd\n", 0, "1:ab\";2:cd;"},
    {"nul byte is data", "a\0b,c\nd", 7, "1:a\\0b|c;2:d;"},

    /* Encodings pass through untouched: GB18030 鲁A1, 𠀀, € */
    {"gb18030 bytes",
     "\xC2\xB3"
     "A1,\x95\x32\x82\x36,\xA2\xE3\n",
     0,
     "1:\xC2\xB3"
     "A1|\x95\x32\x82\x36|\xA2\xE3;"},
    {"gb18030 quoted", "\"\xC2\xB3,\xB3\"\"\"\n", 0, "1:\"\xC2\xB3,\xB3\"\";"},
    {"utf-8 bytes",
     "\xE9\xB2\x81"
     "A12345,\xE2\x82\xAC\n",
     0,
     "1:\xE9\xB2\x81"
     "A12345|\xE2\x82\xAC;"},

    /* Malformed records; the next good row is still read */
    {"text after closing quote", "\"abc\"x,1\nok,2\n", 0, "1:!parse;2:ok|2;"},
    {"space after closing quote", "\"abc\" ,1\nok\n", 0, "1:!parse;2:ok;"},
    {"cr after closing quote without lf", "\"a\"\rb\nok\n", 0, "1:!parse;2:ok;"},
    {"error later in the record", "a,\"b\"c,d\ne\n", 0, "1:!parse;2:e;"},
    {"one error per record", "\"a\"x,\"b\"y\nok\n", 0, "1:!parse;2:ok;"},
    {"quoted newline in a discarded record", "\"a\"x,\"p\nq\",r\nok\n", 0,
     "1:!parse;3:ok;"},
    {"unterminated quote at end", "a,b\n\"c,d\ne,f\ng,h\n", 0,
     "1:a|b;2:!parse;3:e|f;4:g|h;"},
    {"unterminated quote, no newline", "a\n\"bc", 0, "1:a;2:!parse;"},
    {"unterminated quote with escapes", "a\n\"x\"\"y\nb,\"\"\"\"\nc,\"\"\n", 0,
     "1:a;2:!parse;3:b|\"\"\";4:c|\"\";"},
    {"escapes read again", "\"a\n\"\"b\nc", 0, "1:!parse;2:!parse;3:c;"},
    {"unterminated quote in a later field", "1,\"2\n3,4\n5,6", 0, "1:!parse;2:3|4;3:5|6;"},
    {"quote closed at the next line start", "\"a\n\"b\nc\n", 0, "1:!parse;3:c;"},
    {"quote reopened by a later row", "\"abc\nx,\"y\"\nz\n", 0, "1:!parse;3:z;"},
    {"quote closed by a later row is a field", "\"abc\ndef,1\nxyz\",2\n3,4\n", 0,
     "1:\"abc\\ndef,1\\nxyz\"|2;4:3|4;"},
};

static void
test_cases_from_buffer (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const csv_case_t *c = &s_cases[i];
        size_t size = c->size ? c->size : strlen (c->input);
        char *out = transcript_of_buffer (c->input, size);
        if (strcmp (out, c->expected) != 0)
            fail_msg ("case \"%s\": got %s, expected %s", c->name, out, c->expected);
        free (out);
    }
}

static void
test_cases_from_file (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const csv_case_t *c = &s_cases[i];
        size_t size = c->size ? c->size : strlen (c->input);
        char *from_buffer = transcript_of_buffer (c->input, size);
        char *from_file = transcript_of_file (c->input, size, 0);
        if (strcmp (from_file, from_buffer))
            fail_msg ("case \"%s\": file gives %s, buffer %s", c->name, from_file,
                      from_buffer);
        free (from_buffer);
        free (from_file);
    }
}

/* Lines of 'z' (a last one maybe blank) that fill exactly `size` bytes. */
static void
add_padding (text_t *text, size_t size, uint64_t *lines)
{
    for (; size > 0; (*lines)++) {
        size_t line = size > 4000 ? 2000 : size;
        text_repeat (text, 'z', line - 1);
        text_add (text, "\n", 1);
        size -= line;
    }
}

static void
test_cases_across_read_boundary (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const csv_case_t *c = &s_cases[i];
        if (c->size || !strncmp (c->input, "\xEF\xBB\xBF", 3))
            continue; /* NUL and BOM cases: not position-independent */
        size_t size = strlen (c->input);
        char *expected = transcript_of_buffer (c->input, size);
        for (size_t shift = 0; shift <= size + 1; shift++) {
            text_t input = {0};
            uint64_t lines = 0;
            add_padding (&input, READ_SIZE - shift, &lines);
            text_add (&input, c->input, size);
            char *out = transcript_of_file (input.data, input.size, lines);
            if (strcmp (out, expected))
                fail_msg ("case \"%s\" at shift %zu: got %s, expected %s", c->name, shift,
                          out, expected);
            free (out);
            free (input.data);
        }
        free (expected);
    }
}

static void
test_line_numbers_and_messages (void **state)
{
    (void)state;
    const char *input = "h1,h2\r\n\"multi\r\nline\",x\r\n\r\n\"open,y\r\nnext,row\r\n";
    csv_reader_t *reader = csv_reader_new_buffer (input, strlen (input));
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), 1);
    assert_int_equal (line, 1);
    assert_int_equal (count, 2);
    assert_string_equal (fields[1].data, "h2");
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), 1);
    assert_int_equal (line, 2);
    assert_string_equal (fields[0].data, "multi\r\nline");
    assert_int_equal (fields[0].size, 11);
    assert_true (fields[0].quoted);
    assert_false (fields[1].quoted);
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), YW_EPARSE);
    assert_int_equal (line, 5);
    assert_int_equal (count, 0);
    assert_string_equal (csv_reader_error (reader),
                         "unterminated quoted field starting at line 5");
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), 1);
    assert_int_equal (line, 6);
    assert_string_equal (fields[0].data, "next");
    assert_string_equal (fields[1].data, "row");
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), 0);
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), 0);
    assert_int_equal (csv_reader_offset (reader), strlen (input));
    csv_reader_destroy (&reader);
    csv_reader_destroy (&reader); /* idempotent */
}

/* Runs input from a buffer and from a file; both must give expected. */
static void
check_both (const char *name, const text_t *input, const char *expected)
{
    char *out = transcript_of_buffer (input->data, input->size);
    if (strcmp (out, expected))
        fail_msg ("%s (buffer): got %.200s, expected %.200s", name, out, expected);
    free (out);
    out = transcript_of_file (input->data, input->size, 0);
    if (strcmp (out, expected))
        fail_msg ("%s (file): got %.200s, expected %.200s", name, out, expected);
    free (out);
}

static void
test_limits (void **state)
{
    (void)state;
    text_t input = {0};
    text_t expected = {0};

    /* YW_MAX_COLUMNS columns pass, one more is an error */
    for (int columns = YW_MAX_COLUMNS; columns <= YW_MAX_COLUMNS + 1; columns++) {
        input.size = expected.size = 0;
        for (int i = 0; i < columns; i++)
            text_add (&input, i ? ",c" : "c", i ? 2 : 1);
        text_add (&input, "\nok\n", 4);
        if (columns == YW_MAX_COLUMNS) {
            text_add (&expected, "1:", 2);
            for (int i = 0; i < columns; i++)
                text_add (&expected, i ? "|c" : "c", i ? 2 : 1);
            text_add (&expected, ";2:ok;", 6);
        }
        else
            text_add (&expected, "1:!toobig;2:ok;", 15);
        check_both ("columns", &input, expected.data);
    }

    /* A field of YW_MAX_FIELD bytes passes (also before CRLF), one more not */
    const char *shapes[] = {"u", "u\r", "q", "q\r"};
    for (size_t s = 0; s < 4; s++)
        for (size_t size = YW_MAX_FIELD; size <= YW_MAX_FIELD + 1; size++) {
            input.size = expected.size = 0;
            bool quoted = shapes[s][0] == 'q';
            bool crlf = shapes[s][1] == '\r';
            text_add (&input, "a,", 2);
            if (quoted)
                text_add (&input, "\"", 1);
            text_repeat (&input, 'x', size);
            if (quoted)
                text_add (&input, "\"", 1);
            text_add (&input, crlf ? ",b\r\nok\r\n" : ",b\nok\n", crlf ? 8 : 6);
            if (size == YW_MAX_FIELD) {
                text_add (&expected, quoted ? "1:a|\"" : "1:a|", quoted ? 5 : 4);
                text_repeat (&expected, 'x', size);
                text_add (&expected, quoted ? "\"|b;2:ok;" : "|b;2:ok;", quoted ? 9 : 8);
            }
            else
                text_add (&expected, "1:!toobig;2:ok;", 15);
            check_both ("field size", &input, expected.data);
        }

    /* A quoted field of "" escapes: 4096 quotes stored from 8192 bytes */
    input.size = expected.size = 0;
    text_add (&input, "\"", 1);
    text_repeat (&input, '"', 2 * YW_MAX_FIELD);
    text_add (&input, "\"\nok\n", 5);
    text_add (&expected, "1:\"", 3);
    text_repeat (&expected, '"', YW_MAX_FIELD);
    text_add (&expected, "\";2:ok;", 7);
    check_both ("escaped quotes at the limit", &input, expected.data);
    input.size = 0;
    text_add (&input, "\"", 1);
    text_repeat (&input, '"', 2 * YW_MAX_FIELD + 2);
    text_add (&input, "\"\nok\n", 5);
    check_both ("escaped quotes over the limit", &input, "1:!toobig;2:ok;");

    /* A record over YW_MAX_LINE, of fields each within the limit */
    for (int quoted = 0; quoted <= 1; quoted++) {
        input.size = 0;
        for (int i = 0; i < 300; i++) {
            if (i)
                text_add (&input, ",", 1);
            if (quoted)
                text_add (&input, "\"", 1);
            text_repeat (&input, 'r', 4000);
            if (quoted)
                text_add (&input, "\"", 1);
        }
        text_add (&input, "\nnext,row\n", 10);
        check_both ("record size", &input, "1:!toobig;2:next|row;");
    }

    /* An unquoted field far over the limit is one error, not one per chunk */
    input.size = 0;
    text_repeat (&input, 'u', 3 * READ_SIZE);
    text_add (&input, ",\"q\"\nnext\n", 10);
    check_both ("long unquoted field", &input, "1:!toobig;2:next;");

    free (input.data);
    free (expected.data);
}

/* An unterminated quote in a large file costs its own record only: the
   field ends at YW_MAX_FIELD bytes and reading resumes at the first line end
   inside it. */
static void
test_unterminated_quote_damage (void **state)
{
    (void)state;
    /* No quote anywhere after it: resumes at the end of its line */
    text_t input = {0};
    text_t expected = {0};
    text_add (&input, "a,\"b\n", 5);
    text_add (&expected, "1:!toobig;", 10);
    for (int i = 0; i < 5000; i++) {
        text_printf (&input, "x%d,y\n", i);
        text_printf (&expected, "%d:x%d|y;", i + 2, i);
    }
    check_both ("unterminated, no later quote", &input, expected.data);

    /* Quotes in later rows keep the field going ("" are escapes) until it is
       too long; then every row after its first line end is read again */
    input.size = expected.size = 0;
    text_add (&input, "a,\"b\n", 5);
    text_add (&expected, "1:!toobig;", 10);
    for (int i = 0; i < 5000; i++) {
        text_printf (&input, "x%d,\"\"\"\"\n", i);
        text_printf (&expected, "%d:x%d|\"\"\";", i + 2, i);
    }
    check_both ("unterminated, escapes after", &input, expected.data);

    /* The same near the end of input: the rows are read again at the end */
    input.size = expected.size = 0;
    text_add (&expected, "", 0);
    for (int i = 0; i < 2000; i++) {
        text_printf (&input, "r%d\n", i);
        text_printf (&expected, "%d:r%d;", i + 1, i);
    }
    text_add (&input, "\"open,\"\"\n", 9);
    text_printf (&expected, "2001:!parse;");
    for (int i = 0; i < 100; i++) {
        text_printf (&input, "t%d,\"\"\"\"\n", i);
        text_printf (&expected, "%d:t%d|\"\"\";", i + 2002, i);
    }
    check_both ("unterminated near the end", &input, expected.data);

    free (input.data);
    free (expected.data);
}

/* Random records written per RFC 4180 read back field for field, from a
   buffer and from a file, whatever falls on the read boundaries. */
static void
test_round_trip (void **state)
{
    (void)state;
    static const char alphabet[] = "ab ,\"\n\r\xC2\xB3\x95\x32\x82\x36";
    srand (4180);
    text_t input = {0};
    text_t expected = {0};
    text_add (&expected, "", 0);
    uint64_t line = 1;
    for (int record = 0; record < 20000; record++) {
        int fields = 1 + rand () % 20;
        text_printf (&expected, "%llu:", (unsigned long long)line);
        for (int f = 0; f < fields; f++) {
            char value[32];
            int size = rand () % 12;
            for (int i = 0; i < size; i++)
                value[i] = alphabet[rand () % (sizeof alphabet - 1)];
            bool quote = size == 0
                             ? fields == 1
                             : rand () % 4 == 0 || memchr (value, ',', (size_t)size) ||
                                   memchr (value, '"', (size_t)size) ||
                                   memchr (value, '\n', (size_t)size) ||
                                   memchr (value, '\r', (size_t)size);
            if (f) {
                text_add (&input, ",", 1);
                text_add (&expected, "|", 1);
            }
            if (quote) {
                text_add (&input, "\"", 1);
                text_add (&expected, "\"", 1);
            }
            for (int i = 0; i < size; i++) {
                text_add (&input, &value[i], 1);
                if (value[i] == '"')
                    text_add (&input, "\"", 1);
                if (value[i] == '\n') {
                    text_add (&expected, "\\n", 2);
                    line++;
                }
                else if (value[i] == '\r')
                    text_add (&expected, "\\r", 2);
                else
                    text_add (&expected, &value[i], 1);
            }
            if (quote) {
                text_add (&input, "\"", 1);
                text_add (&expected, "\"", 1);
            }
        }
        bool crlf = rand () % 2;
        text_add (&input, crlf ? "\r\n" : "\n", crlf ? 2 : 1);
        text_add (&expected, ";", 1);
        line++;
    }
    assert_true (input.size > 4 * READ_SIZE);
    check_both ("round trip", &input, expected.data);
    free (input.data);
    free (expected.data);
}

static void
test_read_error (void **state)
{
    (void)state;
    FILE *file = fopen ("/", "r"); /* a directory: fread fails */
    if (!file)
        skip ();
    csv_reader_t *reader = csv_reader_new (file);
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), YW_EIO);
    assert_int_equal (csv_reader_next (reader, &fields, &count, &line), YW_EIO);
    assert_true (strlen (csv_reader_error (reader)) > 0);
    csv_reader_destroy (&reader);
    fclose (file);
}

static void
test_offset_progress (void **state)
{
    (void)state;
    text_t input = {0};
    for (int i = 0; i < 50000; i++)
        text_printf (&input, "%d,row %d\n", i, i);
    FILE *file = file_of (input.data, input.size);
    csv_reader_t *reader = csv_reader_new (file);
    const csv_field_t *fields;
    size_t count;
    uint64_t line;
    uint64_t last = 0;
    int rows = 0;
    while (csv_reader_next (reader, &fields, &count, &line) == 1) {
        uint64_t offset = csv_reader_offset (reader);
        assert_true (offset >= last);
        assert_true (offset <= input.size);
        last = offset;
        rows++;
    }
    assert_int_equal (rows, 50000);
    assert_int_equal (csv_reader_offset (reader), input.size);
    csv_reader_destroy (&reader);
    fclose (file);
    free (input.data);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_cases_from_buffer),
        cmocka_unit_test (test_cases_from_file),
        cmocka_unit_test (test_cases_across_read_boundary),
        cmocka_unit_test (test_line_numbers_and_messages),
        cmocka_unit_test (test_limits),
        cmocka_unit_test (test_unterminated_quote_damage),
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_read_error),
        cmocka_unit_test (test_offset_progress),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
