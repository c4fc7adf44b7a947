/*  cli_rejects.c - `yiwang rejects`: the rows a node rejected, with reasons. */
#define _XOPEN_SOURCE 700
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hlc.h"
#include "recjson.h"
#include "store.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang rejects --data DIR [--since TIME] [--json]\n"
    "\n"
    "Lists the rejected rows a node keeps, oldest first, one per line:\n"
    "  time<TAB>kind<TAB>source<TAB>line<TAB>field<TAB>reason<TAB>value<TAB>message\n"
    "TIME is an ISO date or time in UTC (2026-11-25, 2026-11-25T08:00:00) or\n"
    "seconds since the epoch. --json prints JSON lines instead. Opens the store\n"
    "read-only; the node may run.\n"
    "Exit status: 0 done, 2 usage, 3 no store or the store failed.\n";

/* Parses TIME into ms since the epoch; -1 if it is not one. */
static int64_t
s_parse_time (const char *text)
{
    char *end;
    long long seconds = strtoll (text, &end, 10);
    if (*text && !*end && seconds >= 0)
        return (int64_t)seconds * 1000;
    struct tm tm;
    memset (&tm, 0, sizeof tm);
    const char *rest = strptime (text, "%Y-%m-%d", &tm);
    if (!rest)
        return -1;
    if (*rest == 'T' || *rest == ' ')
        rest = strptime (rest + 1, "%H:%M:%S", &tm);
    if (rest && *rest == 'Z')
        rest++;
    if (!rest || *rest)
        return -1;
    return (int64_t)timegm (&tm) * 1000;
}

typedef struct {
    bool json;
} s_printer_t;

static int
s_print (void *arg, const store_reject_t *reject)
{
    s_printer_t *printer = arg;
    char stamp[40];
    time_t seconds = (time_t)(hlc_ms (reject->at) / 1000);
    struct tm tm;
    gmtime_r (&seconds, &tm);
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const store_rejection_t *row = &reject->row;
    if (printer->json) {
        json_t *line = json_pack (
            "{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "time", stamp, "kind",
            yw_kind_name (reject->kind), "source", row->source ? row->source : "", "line",
            (json_int_t)row->line, "field", row->field ? row->field : "", "reason",
            row->reason ? row->reason : "", "value", row->value ? row->value : "",
            "message", row->message ? row->message : "");
        if (line) {
            json_dumpf (line, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
            json_decref (line);
        }
        fputc ('\n', stdout);
    }
    else {
        printf ("%s\t%s\t", stamp, yw_kind_name (reject->kind));
        recjson_put_tsv (stdout, row->source);
        printf ("\t%llu\t", (unsigned long long)row->line);
        recjson_put_tsv (stdout, row->field);
        fputc ('\t', stdout);
        recjson_put_tsv (stdout, row->reason);
        fputc ('\t', stdout);
        recjson_put_tsv (stdout, row->value);
        fputc ('\t', stdout);
        recjson_put_tsv (stdout, row->message);
        fputc ('\n', stdout);
    }
    return ferror (stdout) ? YW_EIO : 0;
}

int
cli_rejects (int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"since", required_argument, NULL, 's'},
                                            {"json", no_argument, NULL, 'J'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *data = NULL;
    int64_t since = 0;
    s_printer_t printer = {false};
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "d:s:Jh", options, NULL)) != -1) {
        switch (opt) {
            case 'd': data = optarg; break;
            case 's':
                since = s_parse_time (optarg);
                if (since < 0) {
                    fprintf (stderr,
                             "yiwang rejects: --since %s: not a date, time or epoch "
                             "seconds\n",
                             optarg);
                    return 2;
                }
                break;
            case 'J': printer.json = true; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!data || optind != argc) {
        fprintf (stderr, "yiwang rejects: %s\n%s",
                 data ? "unexpected argument" : "--data is required", s_usage);
        return 2;
    }
    store_t *store = NULL;
    if (cli_open_store ("rejects", data, &store))
        return 3;
    int rc = store_rejects_each (store, (uint64_t)since, s_print, &printer);
    store_destroy (&store);
    if (rc) {
        fprintf (stderr, "yiwang rejects: %s\n", yw_strerror (rc));
        return 3;
    }
    return 0;
}
