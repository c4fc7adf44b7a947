/*  cli_log.c - `yiwang log`: the outbound change log as JSON lines, one per
    event with its origin batch and link seq: exactly what will go upward. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "codec.h"
#include "recjson.h"
#include "store.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang log --data DIR [--from SEQ] [--limit N]\n"
    "\n"
    "Prints a node's outbound log, one JSON line per event: the link seq and\n"
    "origin batch it travels in (origin_node, origin_seq, batch hash) and the\n"
    "record (object_code, kind, version, deleted, the standard fields,\n"
    "content_hash). --from starts at a link seq, --limit caps the entries\n"
    "(origin batches) read. Opens the store read-only; the node may run.\n"
    "Exit status: 0 done, 2 usage, 3 no store or the store failed.\n";

typedef struct {
    int status;
} s_printer_t;

static int
s_print_batch (void *arg, uint64_t seq, const uint8_t *data, size_t size)
{
    s_printer_t *printer = arg;
    batch_t batch;
    char error[BATCH_ERROR_SIZE];
    if (batch_read (data, size, &batch, error)) {
        fprintf (stderr, "yiwang log: link seq %llu: %s\n", (unsigned long long)seq, error);
        printer->status = 3;
        return YW_EPARSE;
    }
    char hash[YW_HASH_SIZE * 2 + 1];
    batch_hash_hex (batch.hash, hash);
    const uint8_t *event;
    size_t event_size;
    yw_record_t record;
    size_t index = 0;
    while (batch_next_event (&batch, &event, &event_size)) {
        if (codec_record_decode (event, event_size, &record, error)) {
            fprintf (stderr, "yiwang log: link seq %llu event %zu: %s\n",
                     (unsigned long long)seq, index, error);
            printer->status = 3;
            return YW_EPARSE;
        }
        json_t *line = json_object ();
        json_object_set_new (line, "seq", json_integer ((json_int_t)seq));
        json_object_set_new (line, "origin_node", json_string (batch.origin_node));
        json_object_set_new (line, "origin_seq",
                             json_integer ((json_int_t)batch.origin_seq));
        json_object_set_new (line, "batch_hash", json_string (hash));
        json_object_set_new (line, "event", json_integer ((json_int_t)index++));
        json_t *fields = recjson_record (&record, true);
        json_object_update (line, fields);
        json_decref (fields);
        json_dumpf (line, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc ('\n', stdout);
        json_decref (line);
    }
    return ferror (stdout) ? YW_EIO : 0;
}

int
cli_log (int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"from", required_argument, NULL, 'f'},
                                            {"limit", required_argument, NULL, 'l'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *data = NULL;
    uint64_t from = 0;
    size_t limit = 0;
    int opt;
    char *end;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "d:f:l:h", options, NULL)) != -1) {
        switch (opt) {
            case 'd': data = optarg; break;
            case 'f':
                from = strtoull (optarg, &end, 10);
                if (*end || !*optarg) {
                    fprintf (stderr, "yiwang log: --from %s: not a sequence number\n",
                             optarg);
                    return 2;
                }
                break;
            case 'l':
                limit = strtoull (optarg, &end, 10);
                if (*end || !*optarg) {
                    fprintf (stderr, "yiwang log: --limit %s: not a number\n", optarg);
                    return 2;
                }
                break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!data || optind != argc) {
        fprintf (stderr, "yiwang log: %s\n%s",
                 data ? "unexpected argument" : "--data is required", s_usage);
        return 2;
    }
    store_t *store = NULL;
    if (cli_open_store ("log", data, &store))
        return 3;
    s_printer_t printer = {0};
    int rc = store_log_each (store, from, limit, s_print_batch, &printer);
    if (rc && !printer.status) {
        fprintf (stderr, "yiwang log: %s\n", yw_strerror (rc));
        printer.status = 3;
    }
    store_destroy (&store);
    return printer.status;
}
