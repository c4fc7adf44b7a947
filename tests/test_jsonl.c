/*  test_jsonl.c - the JSON-lines reader.

    Table cases give an input, the keys to ask each object for, and the
    expected transcript: per result of jsonl_reader_next (), LINE:key=value|...;
    with "-" for a key not present, !parse / !toobig for a value error, and
    LINE:!parse; or LINE:!toobig; for a line in error. Each case runs from a
    memory buffer, from a file, and from a file where it starts around the
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

#include "jsonl.h"
#include "yw.h"

#define READ_SIZE (64 * 1024)

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
    char buffer[512];
    va_list args;
    va_start (args, format);
    int size = vsnprintf (buffer, sizeof buffer, format, args);
    va_end (args);
    text_add (text, buffer, (size_t)size);
}

static char *
transcript (jsonl_reader_t *reader, const char *const *keys, uint64_t skip_lines)
{
    text_t out = {0};
    text_add (&out, "", 0);
    uint64_t last = 0;
    while (true) {
        uint64_t line = 0;
        int rc = jsonl_reader_next (reader, &line);
        if (rc == 0)
            break;
        assert_true (line > last);
        last = line;
        if (line <= skip_lines)
            continue;
        text_printf (&out, "%llu:", (unsigned long long)(line - skip_lines));
        if (rc < 0) {
            assert_true (rc == YW_EPARSE || rc == YW_ETOOBIG);
            assert_true (strlen (jsonl_reader_error (reader)) > 0);
            const char *value;
            size_t size;
            assert_int_equal (jsonl_reader_get (reader, "a", &value, &size), YW_ENOTFOUND);
            text_add (&out, rc == YW_EPARSE ? "!parse;" : "!toobig;",
                      rc == YW_EPARSE ? 7 : 8);
            continue;
        }
        assert_int_equal (rc, 1);
        for (size_t k = 0; keys[k]; k++) {
            const char *value = NULL;
            size_t size = 0;
            rc = jsonl_reader_get (reader, keys[k], &value, &size);
            text_printf (&out, "%s%s=", k ? "|" : "", keys[k]);
            if (rc == 0) {
                assert_int_equal (value[size], '\0');
                assert_int_equal (strlen (value), size);
                text_add (&out, value, size);
            }
            else if (rc == YW_ENOTFOUND)
                text_add (&out, "-", 1);
            else {
                assert_true (strlen (jsonl_reader_error (reader)) > 0);
                text_add (&out, rc == YW_EPARSE ? "!parse" : "!toobig",
                          rc == YW_EPARSE ? 6 : 7);
            }
        }
        text_add (&out, ";", 1);
    }
    return out.data;
}

static char *
transcript_of_buffer (const char *data, size_t size, const char *const *keys)
{
    jsonl_reader_t *reader = jsonl_reader_new_buffer (data, size);
    char *out = transcript (reader, keys, 0);
    assert_int_equal (jsonl_reader_offset (reader), size);
    jsonl_reader_destroy (&reader);
    assert_null (reader);
    return out;
}

static char *
transcript_of_file (const char *data, size_t size, const char *const *keys,
                    uint64_t skip_lines)
{
    FILE *file = tmpfile ();
    assert_non_null (file);
    assert_int_equal (fwrite (data, 1, size, file), size);
    rewind (file);
    jsonl_reader_t *reader = jsonl_reader_new (file);
    char *out = transcript (reader, keys, skip_lines);
    assert_int_equal (jsonl_reader_offset (reader), size);
    jsonl_reader_destroy (&reader);
    fclose (file);
    return out;
}

static const char *const s_a[] = {"a", NULL};
static const char *const s_ab[] = {"a", "b", NULL};

typedef struct {
    const char *name;
    const char *input;
    const char *const *keys;
    const char *expected;
} jsonl_case_t;

static const jsonl_case_t s_cases[] = {
    {"simple", "{\"a\":\"x\",\"b\":\"y\"}\n{\"a\":\"z\"}\n", s_ab, "1:a=x|b=y;2:a=z|b=-;"},
    {"no final newline", "{\"a\":\"1\"}\n{\"a\":\"2\"}", s_a, "1:a=1;2:a=2;"},
    {"crlf", "{\"a\":\"1\"}\r\n{\"a\":\"2\"}\r\n", s_a, "1:a=1;2:a=2;"},
    {"bom", "\xEF\xBB\xBF{\"a\":\"1\"}\n", s_a, "1:a=1;"},
    {"bom only at start", "{\"a\":1}\n\xEF\xBB\xBF{\"a\":2}\n", s_a, "1:a=1;2:!parse;"},
    {"blank lines", "\n  \n\t\r\n{\"a\":\"1\"}\n\n", s_a, "4:a=1;"},
    {"empty", "", s_a, ""},
    {"spaces around", "  {\"a\" : \"1\" }  \n", s_a, "1:a=1;"},
    {"chinese", "{\"a\":\"鲁A12345\",\"b\":\"\\u516c\\u52a1\"}\n", s_ab,
     "1:a=鲁A12345|b=公务;"},
    {"escapes", "{\"a\":\"x\\\"y\\\\z\\n\\t\"}\n", s_a, "1:a=x\"y\\z\n\t;"},
    {"surrogate pair", "{\"a\":\"\\ud840\\udc00\"}\n", s_a, "1:a=𠀀;"},
    {"empty string", "{\"a\":\"\"}\n", s_a, "1:a=;"},

    /* values that are not strings */
    {"integers", "{\"a\":0,\"b\":-42}\n{\"a\":9223372036854775807}\n", s_ab,
     "1:a=0|b=-42;2:a=9223372036854775807|b=-;"},
    {"reals", "{\"a\":0.1,\"b\":123.45}\n{\"a\":1.50,\"b\":-2.5}\n", s_ab,
     "1:a=0.1|b=123.45;2:a=1.5|b=-2.5;"},
    {"reals in exponent form", "{\"a\":1e3,\"b\":1.5E-7}\n{\"a\":1e21,\"b\":-0.0}\n", s_ab,
     "1:a=1000|b=0.00000015;2:a=1000000000000000000000|b=0;"},
    {"reals round trip", "{\"a\":0.30000000000000004,\"b\":1234567.891}\n", s_ab,
     "1:a=0.30000000000000004|b=1234567.891;"},
    {"booleans", "{\"a\":true,\"b\":false}\n", s_ab, "1:a=true|b=false;"},
    {"null is absent", "{\"a\":null,\"b\":\"\"}\n", s_ab, "1:a=-|b=;"},
    {"array value", "{\"a\":[1,2],\"b\":\"ok\"}\n", s_ab, "1:a=!parse|b=ok;"},
    {"object value", "{\"a\":{\"x\":1},\"b\":\"ok\"}\n", s_ab, "1:a=!parse|b=ok;"},
    {"empty object", "{}\n", s_a, "1:a=-;"},

    /* malformed lines; the next good line is still read */
    {"syntax error", "{\"a\":\"1\"}\n{\"a\":\n{\"a\":\"3\"}\n", s_a,
     "1:a=1;2:!parse;3:a=3;"},
    {"not an object", "[1,2]\n\"str\"\n42\nnull\n{\"a\":\"5\"}\n", s_a,
     "1:!parse;2:!parse;3:!parse;4:!parse;5:a=5;"},
    {"two objects on a line", "{\"a\":1}{\"a\":2}\n{\"a\":3}\n", s_a, "1:!parse;2:a=3;"},
    {"duplicate key", "{\"a\":1,\"a\":2}\n{\"a\":3}\n", s_a, "1:!parse;2:a=3;"},
    {"invalid utf-8", "{\"a\":\"\xC2\xB3\xFF\"}\n{\"a\":\"ok\"}\n", s_a,
     "1:!parse;2:a=ok;"},
    {"gb18030 bytes", "{\"a\":\"\xB9\xAB\xCE\xF1\"}\n", s_a, "1:!parse;"},
    {"nul escape", "{\"a\":\"x\\u0000y\"}\n{\"a\":\"ok\"}\n", s_a, "1:!parse;2:a=ok;"},
    {"integer too big", "{\"a\":99999999999999999999}\n{\"a\":1}\n", s_a,
     "1:!parse;2:a=1;"},
    {"real overflow", "{\"a\":1e999}\n", s_a, "1:!parse;"},
    {"nan", "{\"a\":NaN}\n", s_a, "1:!parse;"},
    {"trailing comma", "{\"a\":1,}\n", s_a, "1:!parse;"},
    {"truncated last line", "{\"a\":1}\n{\"a\":", s_a, "1:a=1;2:!parse;"},
    {"string with raw newline splits", "{\"a\":\"x\ny\"}\n{\"a\":1}\n", s_a,
     "1:!parse;2:!parse;3:a=1;"},
};

static void
test_cases (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const jsonl_case_t *c = &s_cases[i];
        size_t size = strlen (c->input);
        char *out = transcript_of_buffer (c->input, size, c->keys);
        if (strcmp (out, c->expected))
            fail_msg ("case \"%s\": got %s, expected %s", c->name, out, c->expected);
        free (out);
        out = transcript_of_file (c->input, size, c->keys, 0);
        if (strcmp (out, c->expected))
            fail_msg ("case \"%s\" (file): got %s, expected %s", c->name, out, c->expected);
        free (out);
    }
}

static void
test_cases_across_read_boundary (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        const jsonl_case_t *c = &s_cases[i];
        size_t size = strlen (c->input);
        if (size >= 3 && !memcmp (c->input, "\xEF\xBB\xBF", 3))
            continue;
        for (size_t shift = 0; shift <= size + 1; shift++) {
            text_t input = {0};
            uint64_t lines = 0;
            for (size_t pad = READ_SIZE - shift; pad > 0; lines++) {
                size_t line = pad > 4000 ? 2000 : pad;
                if (line >= 9) {
                    text_add (&input, "{\"p\":\"", 6);
                    for (size_t k = 0; k < line - 9; k++)
                        text_add (&input, "z", 1);
                    text_add (&input, "\"}\n", 3);
                }
                else
                    for (size_t k = 0; k < line; k++)
                        text_add (&input, k + 1 < line ? " " : "\n", 1);
                pad -= line;
            }
            assert_int_equal (input.size, READ_SIZE - shift);
            text_add (&input, c->input, size);
            char *out = transcript_of_file (input.data, input.size, c->keys, lines);
            if (strcmp (out, c->expected))
                fail_msg ("case \"%s\" at shift %zu: got %s, expected %s", c->name, shift,
                          out, c->expected);
            free (out);
            free (input.data);
        }
    }
}

static void
test_messages (void **state)
{
    (void)state;
    const char *input = "{\"a\":1}\n\n{\"a\": x}\n[1]\n{\"a\":[1],\"b\":{}}\n";
    jsonl_reader_t *reader = jsonl_reader_new_buffer (input, strlen (input));
    uint64_t line;
    const char *value;
    size_t size;
    assert_int_equal (jsonl_reader_get (reader, "a", &value, &size), YW_ENOTFOUND);
    assert_int_equal (jsonl_reader_next (reader, &line), 1);
    assert_int_equal (line, 1);
    assert_int_equal (jsonl_reader_next (reader, &line), YW_EPARSE);
    assert_int_equal (line, 3);
    const char *error = jsonl_reader_error (reader);
    assert_non_null (strstr (error, "line 3, column 7"));
    assert_non_null (strstr (error, "invalid token"));
    assert_int_equal (jsonl_reader_next (reader, &line), YW_EPARSE);
    assert_int_equal (line, 4);
    assert_string_equal (jsonl_reader_error (reader),
                         "line 4 is an array, not a JSON object");
    assert_int_equal (jsonl_reader_next (reader, &line), 1);
    assert_int_equal (jsonl_reader_get (reader, "a", &value, &size), YW_EPARSE);
    assert_string_equal (jsonl_reader_error (reader),
                         "field \"a\" is an array, not a value");
    assert_int_equal (jsonl_reader_get (reader, "b", &value, &size), YW_EPARSE);
    assert_string_equal (jsonl_reader_error (reader),
                         "field \"b\" is an object, not a value");
    assert_int_equal (jsonl_reader_next (reader, &line), 0);
    assert_int_equal (jsonl_reader_get (reader, "a", &value, &size), YW_ENOTFOUND);
    assert_int_equal (jsonl_reader_next (reader, &line), 0);
    jsonl_reader_destroy (&reader);
    jsonl_reader_destroy (&reader);
}

/* Values stay valid together until the next object. */
static void
test_value_lifetime (void **state)
{
    (void)state;
    const char *input = "{\"a\":1.25,\"b\":7,\"c\":\"s\",\"d\":true}\n";
    jsonl_reader_t *reader = jsonl_reader_new_buffer (input, strlen (input));
    uint64_t line;
    assert_int_equal (jsonl_reader_next (reader, &line), 1);
    const char *values[6];
    size_t size;
    const char *keys[] = {"a", "b", "c", "d", "a", "b"};
    for (int i = 0; i < 6; i++)
        assert_int_equal (jsonl_reader_get (reader, keys[i], &values[i], &size), 0);
    assert_string_equal (values[0], "1.25");
    assert_string_equal (values[1], "7");
    assert_string_equal (values[2], "s");
    assert_string_equal (values[3], "true");
    assert_string_equal (values[4], "1.25");
    assert_string_equal (values[5], "7");
    jsonl_reader_destroy (&reader);
}

static void
test_reals (void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *text;
    } reals[] = {
        {"0.5", "0.5"},
        {"100.0", "100"},
        {"1e2", "100"},
        {"12345678.9", "12345678.9"},
        {"0.001", "0.001"},
        {"-1e-3", "-0.001"},
        {"2.5e1", "25"},
        {"1.7976931348623157e308", NULL},
        {"5e-324", NULL},
        {"-2.2250738585072014e-308", NULL},
        {"0.1e1", "1"},
        {"123456789012345678901234567890.0", "123456789012345680000000000000"},
    };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        char input[128];
        snprintf (input, sizeof input, "{\"a\":%s}", reals[i].json);
        jsonl_reader_t *reader = jsonl_reader_new_buffer (input, strlen (input));
        uint64_t line;
        assert_int_equal (jsonl_reader_next (reader, &line), 1);
        const char *value;
        size_t size;
        assert_int_equal (jsonl_reader_get (reader, "a", &value, &size), 0);
        if (reals[i].text)
            assert_string_equal (value, reals[i].text);
        /* always plain decimal that reads back as the same double */
        assert_null (strpbrk (value, "eE"));
        assert_true (strtod (value, NULL) == strtod (reals[i].json, NULL));
        jsonl_reader_destroy (&reader);
    }
}

static void
test_limits (void **state)
{
    (void)state;
    /* A string of YW_MAX_FIELD bytes is a value, one more is not */
    text_t input = {0};
    text_add (&input, "{\"a\":\"", 6);
    for (int i = 0; i < YW_MAX_FIELD; i++)
        text_add (&input, "x", 1);
    text_add (&input, "\",\"b\":\"", 7);
    for (int i = 0; i < YW_MAX_FIELD + 1; i++)
        text_add (&input, "y", 1);
    text_add (&input, "\"}\n", 3);
    char *out = transcript_of_buffer (input.data, input.size, s_ab);
    assert_int_equal (strlen (out), 2 + 2 + YW_MAX_FIELD + 1 + 9 + 1);
    assert_non_null (strstr (out, "|b=!toobig;"));
    free (out);

    /* A line over YW_MAX_LINE is skipped; the next line is read */
    for (int over = 0; over <= 1; over++) {
        input.size = 0;
        text_add (&input, "{\"a\":\"1\"}\n{\"p\":\"", 16);
        while (input.size < 10 + YW_MAX_LINE - 2 + (size_t)over)
            text_add (&input, "z", 1);
        text_add (&input, "\"}\n{\"a\":\"3\"}", 12);
        const char *expected = over ? "1:a=1;2:!toobig;3:a=3;" : "1:a=1;2:a=-;3:a=3;";
        out = transcript_of_buffer (input.data, input.size, s_a);
        assert_string_equal (out, expected);
        free (out);
        out = transcript_of_file (input.data, input.size, s_a, 0);
        assert_string_equal (out, expected);
        free (out);
    }
    free (input.data);
}

static void
test_read_error (void **state)
{
    (void)state;
    FILE *file = fopen ("/", "r");
    if (!file)
        skip ();
    jsonl_reader_t *reader = jsonl_reader_new (file);
    uint64_t line;
    assert_int_equal (jsonl_reader_next (reader, &line), YW_EIO);
    assert_int_equal (jsonl_reader_next (reader, &line), YW_EIO);
    jsonl_reader_destroy (&reader);
    fclose (file);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_cases),
        cmocka_unit_test (test_cases_across_read_boundary),
        cmocka_unit_test (test_messages),
        cmocka_unit_test (test_value_lifetime),
        cmocka_unit_test (test_reals),
        cmocka_unit_test (test_limits),
        cmocka_unit_test (test_read_error),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
