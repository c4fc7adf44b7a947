/*  example_fleet.c - an external adapter, as an integrator would write one
    for a local system the built-in CSV and JSON-lines adapters cannot read.

    The local system here is a small county fleet register that exports a
    pipe-separated text file, UTF-8, one car per line, a header line naming
    the columns, and `#` comment lines:

        # 历下区机关事务服务中心 公务用车台账
        车牌号|车架号|车辆类型|购置日期|购置价格|使用单位代码|使用状态
        鲁A84A86|LFVXCEB55EF605737|执法执勤车辆|2014年2月5日|20.97万元|11370102005208572N|在用

    The adapter's whole job is to say which local column is which standard
    field (the table below) and to hand the text over as it is: the node
    trims, normalizes dates, units and synonyms, validates codes and rejects
    what is wrong, exactly as `yiwang check` would. What the adapter itself
    knows to be broken - here, a line with the wrong number of columns - it
    passes on as a rejection, so the node keeps and counts it too.

    yiwang-example-adapter --node ENDPOINT [--source NAME] [--region CODE]
                           [--full] [--batch N] [--timeout SEC] FILE
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"

/* Local column -> standard field (DESIGN 2; docs/ADAPTERS.md lists them). */
static const struct {
    const char *column;
    const char *field;
} s_columns[] = {
    {"车牌号", "plate"},           {"车架号", "vin"},
    {"车辆类型", "category"},      {"车身类型", "body_type"},
    {"燃料类型", "energy_type"},   {"品牌型号", "brand_model"},
    {"排量", "displacement_ml"},   {"购置价格", "purchase_price"},
    {"购置日期", "purchase_date"}, {"使用状态", "status"},
    {"行驶里程", "odometer_km"},   {"使用单位代码", "unit_code"},
    {"所属区划", "region_code"},
};

#define MAX_COLUMNS 64

static const char *s_usage =
    "usage: yiwang-example-adapter --node ENDPOINT [--source NAME] [--region CODE]\n"
    "                              [--full] [--batch N] [--timeout SEC] FILE\n"
    "\n"
    "Sends a pipe-separated fleet export (UTF-8, header line, # comments) to a\n"
    "node's ingest socket and prints the node's report.\n"
    "  --node ENDPOINT  the node's ingest endpoint, e.g. ipc:///srv/yiwang/ingest.ipc\n"
    "  --source NAME    the feed's name (default: the file name); keep it stable,\n"
    "                   --full deletes only what this source sent before\n"
    "  --region CODE    region of rows without 所属区划\n"
    "  --full           the file is the complete fleet: cars no longer in it are deleted\n"
    "  --batch N        rows per batch (default 5000)\n"
    "  --timeout SEC    give up when the node does not answer (default 30)\n"
    "Exit status: 0 sent (rejected rows included), 2 usage or unreadable file,\n"
    "3 the node is unavailable or refused the data.\n";

static bool
s_number (const char *text, long min, long max, long *value)
{
    char *end;
    *value = strtol (text, &end, 10);
    if (end == text || *end || *value < min || *value > max) {
        fprintf (stderr, "yiwang-example-adapter: \"%s\" is not a number from %ld to %ld\n",
                 text, min, max);
        return false;
    }
    return true;
}

/* Splits line at '|' in place; returns the number of cells. */
static size_t
s_split (char *line, char **cells)
{
    size_t count = 0;
    cells[count++] = line;
    for (char *at = line; (at = strchr (at, '|')) != NULL; at++) {
        *at = '\0';
        if (count == MAX_COLUMNS)
            return MAX_COLUMNS + 1;
        cells[count++] = at + 1;
    }
    return count;
}

/* Strips the line end (LF or CRLF). */
static void
s_chomp (char *line)
{
    size_t size = strlen (line);
    while (size && (line[size - 1] == '\n' || line[size - 1] == '\r'))
        line[--size] = '\0';
}

static void
s_print_report (const adapter_report_t *report)
{
    printf ("rows       %llu\n", (unsigned long long)report->rows);
    printf ("new        %llu\n", (unsigned long long)report->added);
    printf ("changed    %llu\n", (unsigned long long)report->changed);
    printf ("unchanged  %llu\n", (unsigned long long)report->unchanged);
    printf ("deleted    %llu\n", (unsigned long long)report->deleted);
    printf ("rejected   %llu\n", (unsigned long long)report->rejected);
    for (size_t i = 0; i < report->reason_count; i++)
        printf ("  %-16s %llu\n", report->reasons[i].reason,
                (unsigned long long)report->reasons[i].count);
    for (size_t i = 0; i < report->sample_count; i++)
        printf ("line %llu: %s %s\n", (unsigned long long)report->samples[i].line,
                report->samples[i].reason, report->samples[i].message);
}

/* Sends the file; returns the exit status. */
static int
s_send_file (adapter_t *adapter, FILE *file, const char *path)
{
    char *line = NULL;
    size_t capacity = 0;
    char *cells[MAX_COLUMNS + 1];
    const char *fields[MAX_COLUMNS]; /* standard field of each column, or NULL */
    size_t columns = 0;
    uint64_t number = 0;
    int rc = 0;
    while (!rc && getline (&line, &capacity, file) >= 0) {
        number++;
        s_chomp (line);
        char *text = line;
        if (number == 1 && strncmp (text, "\xEF\xBB\xBF", 3) == 0)
            text += 3; /* a BOM, as Windows tools write it */
        if (*text == '#' || *text == '\0')
            continue;
        size_t size = strlen (text);
        size_t count = s_split (text, cells);
        if (columns == 0) {
            if (count > MAX_COLUMNS) {
                fprintf (stderr, "%s:%llu: more than %d columns\n", path,
                         (unsigned long long)number, MAX_COLUMNS);
                rc = 2;
                break;
            }
            /* The header: find each column's standard field. */
            columns = count;
            for (size_t i = 0; i < count; i++) {
                fields[i] = NULL;
                for (size_t j = 0; j < sizeof s_columns / sizeof s_columns[0]; j++)
                    if (strcmp (cells[i], s_columns[j].column) == 0)
                        fields[i] = s_columns[j].field;
                if (!fields[i])
                    fprintf (stderr,
                             "%s:%llu: column \"%s\" is not sent (no standard field)\n",
                             path, (unsigned long long)number, cells[i]);
            }
            continue;
        }
        if (count != columns) {
            /* Known bad here: tell the node, which keeps and counts it. */
            char message[128];
            snprintf (message, sizeof message, "%zu columns, the header has %zu%s", count,
                      columns, count > MAX_COLUMNS ? " or more" : "");
            for (size_t i = 0; i < size; i++)
                text[i] = text[i] ? text[i] : '|'; /* the line as it was */
            rc = adapter_reject (adapter, number, "", "BAD_CSV", text, message);
            continue;
        }
        rc = adapter_row_begin (adapter, number);
        for (size_t i = 0; !rc && i < count; i++)
            if (fields[i])
                rc = adapter_row_field (adapter, fields[i], cells[i]);
        if (!rc)
            rc = adapter_row_end (adapter);
    }
    if (!rc && ferror (file)) {
        fprintf (stderr, "%s: read error\n", path);
        rc = 2;
    }
    free (line);
    return rc;
}

int
main (int argc, char *argv[])
{
    static const struct option options[] = {
        {"node", required_argument, NULL, 'n'},   {"source", required_argument, NULL, 's'},
        {"region", required_argument, NULL, 'r'}, {"full", no_argument, NULL, 'f'},
        {"batch", required_argument, NULL, 'b'},  {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *node = NULL, *source = NULL, *region = NULL;
    bool full = false;
    long batch = ADAPTER_BATCH_ROWS, timeout = ADAPTER_TIMEOUT / 1000;
    int option;
    while ((option = getopt_long (argc, argv, "h", options, NULL)) != -1) {
        switch (option) {
            case 'n': node = optarg; break;
            case 's': source = optarg; break;
            case 'r': region = optarg; break;
            case 'f': full = true; break;
            case 'b':
                if (!s_number (optarg, 1, YW_MAX_BATCH_ROWS, &batch))
                    return 2;
                break;
            case 't':
                if (!s_number (optarg, 1, 86400, &timeout))
                    return 2;
                break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!node || optind != argc - 1) {
        fputs (s_usage, stderr);
        return 2;
    }
    const char *path = argv[optind];
    if (!source)
        source = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;
    FILE *file = fopen (path, "rb");
    if (!file) {
        perror (path);
        return 2;
    }

    adapter_t *adapter = adapter_new (node, source, YW_KIND_VEHICLE);
    int rc = adapter_set_batch_rows (adapter, (size_t)batch);
    if (!rc)
        rc = adapter_set_timeout (adapter, (int)timeout * 1000);
    if (!rc && region)
        rc = adapter_set_region (adapter, region);
    if (rc) {
        fprintf (stderr, "yiwang-example-adapter: %s\n", adapter_error (adapter));
        adapter_destroy (&adapter);
        fclose (file);
        return 2;
    }
    int status = s_send_file (adapter, file, path);
    fclose (file);
    if (status == 0)
        status = adapter_finish (adapter, full);
    if (status < 0) {
        /* Everything the adapter reports is about the node or the link. */
        fprintf (stderr, "yiwang-example-adapter: %s: %s\n", path, adapter_error (adapter));
        status = status == YW_EINVAL ? 2 : 3;
    }
    else if (status == 0) {
        printf ("%s -> %s (import %016llx)\n", path, node,
                (unsigned long long)adapter_import_id (adapter));
        s_print_report (adapter_report (adapter));
    }
    adapter_destroy (&adapter);
    return status;
}
