/*  test_check.c - a whole file through the source adapter (source.h) and
    the row mapper: what is usable input and what is not, what each row
    becomes, in GB18030, GBK, UTF-8 and JSON lines, and what the report
    counts.

    Inputs are written in UTF-8 and converted to the file's encoding by
    iconv; then \x02 becomes the byte FF and \x03 the byte 80, which no
    encoding converts. Each case gives the expected transcript of the run:
    "LINE:ok" per accepted row and "LINE:REASON:field" per rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iconv.h>

#include <cmocka.h>

#include "check.h"
#include "codebook.h"
#include "mapping.h"
#include "source.h"
#include "yw.h"

static codebook_t *s_codebook;

static int
s_setup (void **state)
{
    (void)state;
    s_codebook = codebook_new ();
    return s_codebook ? 0 : -1;
}

static int
s_teardown (void **state)
{
    (void)state;
    codebook_destroy (&s_codebook);
    return 0;
}

/* A vehicle mapping of CSV columns or JSON keys; format "csv-ascii" is CSV
   with the JSON keys as column names, "csv-mixed" the same but category
   from column 类型. */
static mapping_t *
s_mapping (const char *format, const char *encoding)
{
    char text[1024];
    bool json = strcmp (format, "csv");
    bool mixed = !strcmp (format, "csv-mixed");
    if (strcmp (format, "jsonl"))
        format = "csv";
    snprintf (text, sizeof text,
              "[source]\nkind = vehicle\nformat = %s\nencoding = %s\nregion = 370102\n"
              "[field]\nunit_code = %s\nvin = %s\ncategory = %s\nstatus = %s\nplate = %s\n"
              "brand_model = %s\n",
              format, encoding, json ? "dwdm" : "信用代码", json ? "vin" : "车架号",
              json && !mixed ? "lb" : "类型", json ? "zt" : "状态",
              json ? "hphm" : "车牌号", json ? "ppxh" : "品牌型号");
    char error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    if (mapping_parse (text, "test.ini", s_codebook, &mapping, error))
        fail_msg ("%s", error);
    return mapping;
}

/* The bytes of text in encoding, markers replaced. */
static char *
s_encode (const char *text, size_t len, const char *encoding, size_t *size)
{
    char *out = yw_malloc (len * 2 + 16);
    if (!strcmp (encoding, "utf-8")) {
        memcpy (out, text, len);
        *size = len;
    }
    else {
        iconv_t cd = iconv_open (!strcmp (encoding, "gbk") ? "GBK" : "GB18030", "UTF-8");
        assert_true (cd != (iconv_t)-1);
        char *in = (char *)text, *outp = out;
        size_t in_left = len, out_left = len * 2 + 16;
        assert_true (iconv (cd, &in, &in_left, &outp, &out_left) != (size_t)-1);
        iconv_close (cd);
        *size = (size_t)(outp - out);
    }
    for (size_t i = 0; i < *size; i++)
        if (out[i] == '\x02')
            out[i] = (char)0xFF;
        else if (out[i] == '\x03')
            out[i] = (char)0x80;
    return out;
}

typedef struct {
    char text[4096];
    size_t len;
    int stop_at; /* a callback returns -99 at this line */
} transcript_t;

static void
s_add (transcript_t *t, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    int n = vsnprintf (t->text + t->len, sizeof t->text - t->len, format, args);
    va_end (args);
    t->len += (size_t)n;
    assert_true (t->len < sizeof t->text);
}

static int
s_on_accept (void *arg, const yw_record_t *record, uint64_t line)
{
    transcript_t *t = arg;
    assert_int_equal (record->kind, YW_KIND_VEHICLE);
    s_add (t, "%s%llu:ok", t->len ? " " : "", (unsigned long long)line);
    return t->stop_at && line >= (uint64_t)t->stop_at ? -99 : 0;
}

static int
s_on_reject (void *arg, uint64_t line, const rowmap_reject_t *reject)
{
    transcript_t *t = arg;
    assert_true (reject->message[0] != '\0');
    s_add (t, "%s%llu:%s:%s", t->len ? " " : "", (unsigned long long)line,
           yw_reason_code (reject->reason),
           reject->field >= 0 ? yw_fields[reject->field].name : "");
    return t->stop_at && line >= (uint64_t)t->stop_at ? -99 : 0;
}

/* Runs check_file over bytes; returns its code, fills transcript and report. */
static int
s_run (const char *format, const char *encoding, const char *bytes, size_t size,
       transcript_t *t, check_report_t *report, char *error)
{
    mapping_t *mapping = s_mapping (format, encoding);
    /* A real file, not fmemopen: an empty fmemopen buffer is refused by
       some libcs, and this is the path `yiwang check` takes. */
    FILE *file = tmpfile ();
    assert_non_null (file);
    assert_int_equal (fwrite (bytes, 1, size, file), size);
    rewind (file);
    check_options_t options = {
        .find_duplicates = true, .accept = s_on_accept, .reject = s_on_reject, .arg = t};
    int rc = check_file (s_codebook, mapping, file, "test.csv", &options, report, error);
    fclose (file);
    mapping_destroy (&mapping);
    return rc;
}

#define HEADER "信用代码,车架号,类型,状态,车牌号,品牌型号,备注\r\n"
#define ROW1 "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗,\r\n"
#define ROW2 "11370102006310480J,LFPVTJR60LA000007,03,停用,,大众,备注\r\n"
#define ROW3 "11370102005208572N,LSVX8MNK8JN535250,其他用车,在用,鲁A2A648,,\r\n"

typedef struct {
    const char *what;
    const char *format, *encoding; /* of the mapping */
    const char *file_encoding;     /* of the bytes, if not the mapping's */
    const char *input;             /* UTF-8, with markers; NULL: made by s_special */
    size_t len;                    /* 0: strlen (input) */
    int rc;
    const char *transcript; /* rc 0: expected transcript; else part of the error */
} file_case_t;

#define NUL_INPUT                                                                          \
    "信用代码,车架号,类型,状态,车牌号,品牌型号,备注\n"                 \
    "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红\0旗,\n"

static const file_case_t s_files[] = {
    /* Usable files */
    {"three rows", "csv", "gb18030", NULL, HEADER ROW1 ROW2 ROW3, 0, 0, "2:ok 3:ok 4:ok"},
    {"in GBK", "csv", "gbk", NULL, HEADER ROW1 ROW2 ROW3, 0, 0, "2:ok 3:ok 4:ok"},
    {"in UTF-8", "csv", "utf-8", NULL, HEADER ROW1 ROW2 ROW3, 0, 0, "2:ok 3:ok 4:ok"},
    {"UTF-8 with a BOM", "csv", "utf-8", NULL, "\xEF\xBB\xBF" HEADER ROW1, 0, 0, "2:ok"},
    {"GB18030 with its BOM (U+FEFF is 84 31 95 33)", "csv", "gb18030", NULL,
     "\xEF\xBB\xBF" HEADER ROW1, 0, 0, "2:ok"},
    {"LF line ends, no final newline", "csv", "utf-8", NULL,
     "信用代码,车架号,类型,状态,车牌号,品牌型号,备注\n"
     "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗,",
     0, 0, "2:ok"},
    {"header names padded with spaces, columns in any order", "csv", "gb18030", NULL,
     " 备注 ,品牌型号, 状态,类型 ,车牌号,车架号,信用代码\r\n"
     ",红旗,在用,执法车,鲁A84A86,LFVXCEB55EF605737,11370102006310480J\r\n",
     0, 0, "2:ok"},
    {"a quoted cell with a line break moves the next row's line", "csv", "gb18030", NULL,
     HEADER
     "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,\"红旗\r\nH9\",\r\n" ROW2,
     0, 0, "2:ok 4:ok"},
    {"blank lines are skipped", "csv", "gb18030", NULL, HEADER "\r\n" ROW1 "\r\n\r\n" ROW2,
     0, 0, "3:ok 6:ok"},
    {"header and no rows: processed, 0 rows", "csv", "gb18030", NULL, HEADER, 0, 0, ""},
    {"JSON lines", "jsonl", "utf-8", NULL,
     "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFVXCEB55EF605737\",\"lb\":\"执法车\","
     "\"zt\":\"在用\",\"hphm\":\"鲁A84A86\",\"ppxh\":null}\n"
     "\n"
     "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFPVTJR60LA000007\",\"lb\":\"03\","
     "\"zt\":\"停用\"}\n",
     0, 0, "1:ok 3:ok"},

    /* Rows that are rejected */
    {"a row of empty cells", "csv", "gb18030", NULL, HEADER ",,,,,,\r\n" ROW1, 0, 0,
     "2:MISSING: 3:ok"},
    {"a comma nobody quoted", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗,一汽,\r\n" ROW2,
     0, 0, "2:BAD_CSV: 3:ok"},
    {"two columns missing", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86\r\n" ROW2, 0, 0,
     "2:BAD_CSV: 3:ok"},
    {"text after a closing quote", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,\"LFVXCEB55EF605737\"x,执法车,在用,鲁A84A86,红旗,\r\n" ROW2,
     0, 0, "2:BAD_CSV: 3:ok"},
    {"an unterminated quote costs its own record only", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,\"红旗,\r\n" ROW2, 0,
     0, "2:BAD_CSV: 3:ok"},
    {"a byte that is not GB18030 in a mapped cell", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红\x02旗,\r\n" ROW2,
     0, 0, "2:BAD_ENCODING:brand_model 3:ok"},
    {"... in a cell nobody maps: harmless", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗,备\x02注\r\n",
     0, 0, "2:ok"},
    {"GBK's euro byte is text in GBK", "csv", "gbk", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗\x03,\r\n", 0, 0,
     "2:ok"},
    {"... and not in GB18030", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗\x03,\r\n", 0, 0,
     "2:BAD_ENCODING:brand_model"},
    {"GB18030 rows with an ASCII header, declared UTF-8: rejected, never garbage",
     "csv-ascii", "utf-8", "gb18030",
     "dwdm,vin,lb,zt,hphm,ppxh\r\n"
     "11370102006310480J,LFVXCEB55EF605737,执法车,在用,,\r\n"
     "11370102006310480J,LFPVTJR60LA000007,03,01,,\r\n",
     0, 0, "2:BAD_ENCODING:category 3:ok"},
    {"a NUL byte in a cell", "csv", "utf-8", NULL, NUL_INPUT, sizeof NUL_INPUT - 1, 0,
     "2:BAD_ENCODING:brand_model"},
    {"bad values", "csv", "gb18030", NULL,
     HEADER "11370102006310480J,LFVXCEB55EF605738,执法车,在用,鲁A84A86,红旗,\r\n"
            "11370102006310480J,LFPVTJR60LA000007,见附表,在用,,,\r\n"
            "11370102006310480J,LFPVTJR60LA000007,03,,,,\r\n",
     0, 0, "2:VIN_CHECK:vin 3:ENUM_UNKNOWN:category 4:MISSING:status"},
    {"JSON: a broken line, an array, a null row, a line of another type", "jsonl", "utf-8",
     NULL,
     "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFVXCEB55EF605737\",\n"
     "{\"dwdm\":\"11370102006310480J\",\"vin\":[1],\"lb\":\"03\",\"zt\":\"在用\"}\n"
     "{\"dwdm\":null,\"vin\":null}\n"
     "[1,2]\n"
     "{'dwdm':'x'}\n"
     "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFPVTJR60LA000007\",\"lb\":\"03\","
     "\"zt\":\"停用\"}\n",
     0, 0, "1:BAD_JSON: 2:BAD_JSON:vin 3:MISSING: 4:BAD_JSON: 5:BAD_JSON: 6:ok"},
    {"JSON: bytes that are not UTF-8", "jsonl", "utf-8", NULL,
     "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFPVTJR60LA000007\",\"lb\":\"03\","
     "\"zt\":\"停\x02用\"}\n",
     0, 0, "1:BAD_JSON:"},

    /* Unusable files */
    {"empty", "csv", "gb18030", NULL, "", 0, YW_EPARSE, "empty file"},
    {"only blank lines", "csv", "gb18030", NULL, "\r\n\r\n\n", 0, YW_EPARSE, "empty file"},
    {"only a BOM", "csv", "utf-8", NULL, "\xEF\xBB\xBF", 0, YW_EPARSE, "empty file"},
    {"empty JSON lines", "jsonl", "utf-8", NULL, "\n  \n", 0, YW_EPARSE, "empty file"},
    {"a mapped column not in the header", "csv", "gb18030", NULL,
     "信用代码,车架号,车辆类型,状态,车牌号,品牌型号\r\n" ROW1, 0, YW_EMAPPING,
     "column \"类型\" (mapped to category) is not in the header; the header has: "
     "\"信用代码\" \"车架号\" \"车辆类型\""},
    {"a mapped column twice in the header", "csv", "gb18030", NULL,
     "信用代码,车架号,类型,状态,车牌号,品牌型号,车架号\r\n" ROW1, 0, YW_EMAPPING,
     "column \"车架号\" (mapped to vin) appears twice in the header, as columns 2 and 7"},
    {"a GB18030 header declared UTF-8", "csv", "utf-8", "gb18030", HEADER ROW1, 0,
     YW_EENCODING,
     "header column 1 is not valid utf-8 (byte 0); is [source] encoding right?"},
    {"a UTF-8 file declared GB18030 (decodes, to nonsense)", "csv-mixed", "gb18030",
     "utf-8",
     "dwdm,vin,类型,zt,hphm,ppxh\r\n"
     "11370102006310480J,LFVXCEB55EF605737,执法车,在用,,\r\n",
     0, YW_EMAPPING,
     "it is there as UTF-8: the file is UTF-8; set [source] encoding = utf-8"},
    {"a UTF-8 file declared GBK (does not decode)", "csv", "gbk", "utf-8", HEADER ROW1, 0,
     YW_EENCODING, "it is UTF-8: set [source] encoding = utf-8"},
    {"a header over the line limit", "csv", "gb18030", NULL, NULL, 0, YW_EPARSE, "header"},
    {"JSON lines in GB18030", "jsonl", "gb18030", NULL, "{}\n", 0, YW_EMAPPING,
     "JSON lines are UTF-8"},
};

/* Inputs too big for the table. */
static char *
s_special (const file_case_t *c, size_t *size)
{
    assert_string_equal (c->what, "a header over the line limit");
    *size = YW_MAX_LINE + 100;
    char *out = yw_malloc (*size);
    memset (out, 'a', *size);
    for (size_t i = 100; i < *size; i += 1000)
        out[i] = ',';
    return out;
}

static void
test_files (void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof s_files / sizeof s_files[0]; i++) {
        const file_case_t *c = &s_files[i];
        size_t size;
        char *bytes =
            c->input ? s_encode (c->input, c->len ? c->len : strlen (c->input),
                                 c->file_encoding ? c->file_encoding : c->encoding, &size)
                     : s_special (c, &size);
        transcript_t t = {.len = 0};
        check_report_t report;
        char error[YW_CHECK_ERROR];
        int rc = s_run (c->format, c->encoding, bytes, size, &t, &report, error);
        free (bytes);
        if (rc != c->rc)
            fail_msg ("%s: rc %d (%s), expected %d", c->what, rc, error, c->rc);
        if (rc == 0) {
            if (strcmp (t.text, c->transcript))
                fail_msg ("%s:\n  got      \"%s\"\n  expected \"%s\"", c->what, t.text,
                          c->transcript);
            uint64_t by_reason = 0;
            for (int r = 0; r < YW_R_COUNT; r++)
                by_reason += report.by_reason[r];
            assert_int_equal (report.rows, report.accepted + report.rejected);
            assert_int_equal (by_reason, report.rejected);
            assert_string_equal (error, "");
        }
        else {
            if (!strstr (error, c->transcript))
                fail_msg ("%s: \"%s\" does not say \"%s\"", c->what, error, c->transcript);
            if (strncmp (error, "test.csv", 8))
                fail_msg ("%s: \"%s\" does not name the file", c->what, error);
            assert_string_equal (t.text, "");
        }
    }
}

static void
test_report_counts (void **state)
{
    (void)state;
    /* ROW1 again, written differently: a repeat of line 2 */
    static const char *input = HEADER ROW1 ROW2
        "11370102006310480J,lfvxceb55ef605737,执法执勤,在用,鲁Ａ84A86,红旗,\r\n" ROW3
        "x,y,z,w,v,u,t\r\n" ROW2;
    size_t size;
    char *bytes = s_encode (input, strlen (input), "gb18030", &size);
    transcript_t t = {.len = 0};
    check_report_t report;
    char error[YW_CHECK_ERROR];
    assert_int_equal (s_run ("csv", "gb18030", bytes, size, &t, &report, error), 0);
    free (bytes);
    assert_string_equal (t.text, "2:ok 3:ok 4:ok 5:ok 6:USCC_LENGTH:unit_code 7:ok");
    assert_int_equal (report.rows, 6);
    assert_int_equal (report.accepted, 5);
    assert_int_equal (report.rejected, 1);
    assert_int_equal (report.by_reason[YW_R_USCC_LENGTH], 1);
    /* line 4 repeats line 2, line 7 repeats line 3: the example is the earliest */
    assert_int_equal (report.duplicates, 2);
    assert_int_equal (report.duplicate_first, 2);
    assert_int_equal (report.duplicate_line, 4);
    assert_int_equal (report.unseen, 0);
}

/* A callback's non-zero return stops the run with that code. */
static void
test_callback_stops (void **state)
{
    (void)state;
    static const char *input = HEADER ROW1 ROW2 ROW3;
    size_t size;
    char *bytes = s_encode (input, strlen (input), "utf-8", &size);
    transcript_t t = {.len = 0, .stop_at = 3};
    check_report_t report;
    char error[YW_CHECK_ERROR];
    assert_int_equal (s_run ("csv", "utf-8", bytes, size, &t, &report, error), -99);
    assert_string_equal (t.text, "2:ok 3:ok");
    free (bytes);
}

/* A JSON key that no line has is most likely misspelt: the report says. */
static void
test_unseen_keys (void **state)
{
    (void)state;
    static const char *input =
        "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFPVTJR60LA000007\",\"lb\":\"03\","
        "\"zt\":\"停用\",\"HPHM\":\"鲁A84A86\"}\n"
        "{\"dwdm\":\"11370102006310480J\",\"vin\":\"LFVXCEB55EF605737\",\"lb\":\"03\","
        "\"zt\":\"停用\",\"ppxh\":null}\n";
    transcript_t t = {.len = 0};
    check_report_t report;
    char error[YW_CHECK_ERROR];
    assert_int_equal (s_run ("jsonl", "utf-8", input, strlen (input), &t, &report, error),
                      0);
    assert_string_equal (t.text, "1:ok 2:ok");
    int plate = yw_field_find (YW_KIND_VEHICLE, "plate");
    int brand = yw_field_find (YW_KIND_VEHICLE, "brand_model");
    assert_int_equal (report.unseen, 1ull << plate | 1ull << brand);
}

/* An ASCII header hides a wrong encoding; the undecodable cells tell. */
static void
s_hint (const char *encoding, const char *input, const char *file_encoding,
        const char *hint, uint64_t cells)
{
    size_t size;
    char *bytes = s_encode (input, strlen (input), file_encoding, &size);
    transcript_t t = {.len = 0};
    check_report_t report;
    char error[YW_CHECK_ERROR];
    assert_int_equal (s_run ("csv-ascii", encoding, bytes, size, &t, &report, error), 0);
    free (bytes);
    if (hint)
        assert_string_equal (report.encoding_hint, hint);
    else
        assert_null (report.encoding_hint);
    assert_int_equal (report.encoding_hint_cells, cells);
}

static void
test_encoding_hint (void **state)
{
    (void)state;
    static const char *rows = "dwdm,vin,lb,zt,hphm,ppxh\r\n"
                              "11370102006310480J,LFVXCEB55EF605737,执法车,在用,,\r\n"
                              "11370102006310480J,LFPVTJR60LA000007,03,01,,红旗\r\n";
    s_hint ("utf-8", rows, "gb18030", "gb18030", 2);
    /* UTF-8 read as GBK: 执法车 does not decode, but 红旗 (E7 BA A2 E6 97 97)
       does, as three other characters: only the header or this hint can
       tell. */
    s_hint ("gbk", rows, "utf-8", "utf-8", 1);
    s_hint ("gb18030", rows, "gb18030", NULL, 0);
    /* A byte that is no text in either encoding is damage, not a hint. */
    static const char *damaged = "dwdm,vin,lb,zt,hphm,ppxh\r\n"
                                 "11370102006310480J,LFVXCEB55EF605737,执\x02车,在用,,\r\n";
    s_hint ("utf-8", damaged, "utf-8", NULL, 0);
    s_hint ("gb18030", damaged, "gb18030", NULL, 0);
}

/* A file that cannot be read (here: a directory) is YW_EIO. */
static void
test_unreadable (void **state)
{
    (void)state;
    static const char *formats[] = {"csv", "jsonl"};
    for (size_t i = 0; i < 2; i++) {
        mapping_t *mapping = s_mapping (formats[i], "utf-8");
        FILE *file = fopen ("/", "rb");
        assert_non_null (file);
        check_options_t options = {.find_duplicates = true};
        check_report_t report;
        char error[YW_CHECK_ERROR];
        int rc = check_file (s_codebook, mapping, file, "dir", &options, &report, error);
        assert_int_equal (rc, YW_EIO);
        assert_true (error[0] != '\0');
        fclose (file);
        mapping_destroy (&mapping);
    }
}

/* Oversized cells and lines cost their row, and reading goes on. */
static void
test_oversized (void **state)
{
    (void)state;
    size_t cap = YW_MAX_LINE + 64 * 1024;
    char *input = yw_malloc (cap);
    size_t len = 0;
    const char *header = "信用代码,车架号,类型,状态,车牌号,品牌型号,备注\n";
    const char *row = "11370102006310480J,LFVXCEB55EF605737,执法车,在用,鲁A84A86,红旗,\n";
    memcpy (input + len, header, strlen (header));
    len += strlen (header);
    /* line 2: a cell one byte over YW_MAX_FIELD */
    len += (size_t)sprintf (input + len, "11370102006310480J,LFVXCEB55EF605737,03,01,,");
    memset (input + len, 'x', YW_MAX_FIELD + 1);
    len += YW_MAX_FIELD + 1;
    input[len++] = ',';
    input[len++] = '\n';
    /* line 3: a cell of exactly YW_MAX_FIELD bytes: read, then too long as a brand */
    len += (size_t)sprintf (input + len, "11370102006310480J,LFVXCEB55EF605737,03,01,,");
    memset (input + len, 'y', YW_MAX_FIELD);
    len += YW_MAX_FIELD;
    input[len++] = ',';
    input[len++] = '\n';
    /* line 4: a line over YW_MAX_LINE made of short cells */
    while (len < 2 * YW_MAX_FIELD + YW_MAX_LINE / 2 + 8 * 1024) {
        memcpy (input + len, "abcdefg,", 8);
        len += 8;
    }
    while (len < YW_MAX_LINE + 3 * YW_MAX_FIELD)
        input[len++] = 'z';
    input[len++] = '\n';
    memcpy (input + len, row, strlen (row)); /* line 5 */
    len += strlen (row);
    transcript_t t = {.len = 0};
    check_report_t report;
    char error[YW_CHECK_ERROR];
    assert_int_equal (s_run ("csv", "utf-8", input, len, &t, &report, error), 0);
    assert_string_equal (t.text, "2:TOO_LONG: 3:TOO_LONG:brand_model 4:TOO_LONG: 5:ok");
    free (input);
}

/* --- the source adapter on its own ---------------------------------------------- */

/* GBK's one-byte 0x80 is three bytes of UTF-8: a cell of YW_MAX_FIELD of
   them is 3 x YW_MAX_FIELD bytes of text, and must come out whole. */
static void
test_source_widest_field (void **state)
{
    (void)state;
    mapping_t *mapping = s_mapping ("csv", "gbk");
    size_t cap = 256 + YW_MAX_FIELD;
    char *input = yw_malloc (cap);
    size_t size;
    char *header = s_encode (HEADER, strlen (HEADER), "gbk", &size);
    memcpy (input, header, size);
    free (header);
    size_t len = size;
    len += (size_t)sprintf (input + len, "11370102006310480J,LFVXCEB55EF605737,03,01,,");
    memset (input + len, 0x80, YW_MAX_FIELD);
    len += YW_MAX_FIELD;
    input[len++] = ',';
    input[len++] = '\n';
    FILE *file = fmemopen (input, len, "rb");
    source_t *source = NULL;
    char error[YW_SOURCE_ERROR];
    assert_int_equal (source_open (mapping, file, "gbk.csv", &source, error), 0);
    uint64_t line = 0;
    assert_int_equal (source_next (source, &line), 1);
    assert_int_equal (line, 2);
    const char *value;
    size_t value_size;
    int brand = yw_field_find (YW_KIND_VEHICLE, "brand_model");
    assert_int_equal (source_field (source, (size_t)brand, &value, &value_size), 0);
    assert_int_equal (value_size, 3 * YW_MAX_FIELD);
    for (size_t i = 0; i < value_size; i += 3)
        assert_memory_equal (value + i, "\xE2\x82\xAC", 3); /* € */
    assert_int_equal (value[value_size], '\0');
    assert_true (source_field_seen (source, (size_t)brand));
    int odometer = yw_field_find (YW_KIND_VEHICLE, "odometer_km");
    assert_int_equal (source_field (source, (size_t)odometer, &value, &value_size),
                      YW_ENOTFOUND);
    assert_false (source_field_seen (source, (size_t)odometer));
    assert_string_equal (source_column (source, (size_t)brand), "品牌型号");
    assert_string_equal (source_column (source, (size_t)odometer), "odometer_km");
    assert_int_equal (source_next (source, &line), 0);
    assert_int_equal (source_offset (source), len);
    source_destroy (&source);
    assert_null (source);
    source_destroy (&source);
    fclose (file);
    free (input);
    mapping_destroy (&mapping);
}

/* The GB18030 BOM is taken off the first header name. */
static void
test_source_gb18030_bom (void **state)
{
    (void)state;
    mapping_t *mapping = s_mapping ("csv", "gb18030");
    size_t size;
    char *input = s_encode ("\xEF\xBB\xBF" HEADER ROW1, strlen ("\xEF\xBB\xBF" HEADER ROW1),
                            "gb18030", &size);
    assert_memory_equal (input, "\x84\x31\x95\x33", 4);
    FILE *file = fmemopen (input, size, "rb");
    source_t *source = NULL;
    char error[YW_SOURCE_ERROR];
    assert_int_equal (source_open (mapping, file, "bom.csv", &source, error), 0);
    uint64_t line;
    assert_int_equal (source_next (source, &line), 1);
    const char *value;
    size_t value_size;
    int unit = yw_field_find (YW_KIND_VEHICLE, "unit_code"); /* the first column */
    assert_int_equal (source_field (source, (size_t)unit, &value, &value_size), 0);
    assert_string_equal (value, "11370102006310480J");
    source_destroy (&source);
    fclose (file);
    free (input);
    mapping_destroy (&mapping);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_files),
        cmocka_unit_test (test_report_counts),
        cmocka_unit_test (test_callback_stops),
        cmocka_unit_test (test_unseen_keys),
        cmocka_unit_test (test_encoding_hint),
        cmocka_unit_test (test_unreadable),
        cmocka_unit_test (test_oversized),
        cmocka_unit_test (test_source_widest_field),
        cmocka_unit_test (test_source_gb18030_bom),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
