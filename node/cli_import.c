/*  cli_import.c - `yiwang import`: a file through the same normalization as
    `yiwang check`, streamed into a running node's ingest socket. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "check.h"
#include "cli.h"
#include "codebook.h"
#include "ingestmsg.h"
#include "mapping.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang import --mapping M.ini FILE [--node ENDPOINT] [--full]\n"
    "                     [--source NAME] [--timeout SECONDS] [--json]\n"
    "\n"
    "Normalizes FILE as `yiwang check` does and streams the records and the\n"
    "rejected rows into a running node, then prints what the node made of them:\n"
    "rows, new, changed, unchanged, deleted (--full), rejected by reason.\n"
    "  --node ENDPOINT  the node's ingest socket (default $YIWANG_NODE, else\n"
    "                   ipc:///var/lib/yiwang/node/ingest.ipc)\n"
    "  --full           FILE is a full export: objects of this kind and source\n"
    "                   that it no longer contains are deleted (tombstoned)\n"
    "  --source NAME    the feed's name (default: the mapping's [source] name,\n"
    "                   else the file name); --full is scoped by it\n"
    "  --timeout S      give up when the node does not answer for S seconds (60)\n"
    "Exit status: 0 imported (rejections included), 2 unusable input, 3 the node\n"
    "is unavailable or failed.\n";

#define S_BATCH_ROWS 5000
#define S_BATCH_BYTES (8 << 20)
#define S_WINDOW 32 /* batches in flight: the node commits what is waiting as one group */

typedef struct {
    void *socket;
    int timeout_ms;
    const char *source;
    yw_kind_t kind;
    uint64_t import_id;
    bool full;
    const char *region;
    wire_buf_t buf;
    size_t rows; /* rows in the batch being built */
    int in_flight;
    ingestmsg_report_t total;
    int failure; /* YW_E code once the node failed */
    char error[600];
} s_import_t;

static void
s_begin (s_import_t *self, bool final)
{
    self->buf.size = 0;
    self->rows = 0;
    ingestmsg_put_header (&self->buf, self->source, self->kind, self->import_id, self->full,
                          final, self->region);
}

/* Waits for one report. */
static int
s_collect (s_import_t *self)
{
    zmq_pollitem_t item = {self->socket, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll (&item, 1, self->timeout_ms);
    if (rc <= 0) {
        snprintf (self->error, sizeof self->error,
                  "the node did not answer within %d s (is yiwang-node running there?)",
                  self->timeout_ms / 1000);
        return self->failure = YW_ETIMEOUT;
    }
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    /* empty delimiter, then the report */
    do {
        zmq_msg_close (&frame);
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, self->socket, 0) < 0) {
            zmq_msg_close (&frame);
            snprintf (self->error, sizeof self->error, "receive failed: %s",
                      zmq_strerror (zmq_errno ()));
            return self->failure = YW_EPEER;
        }
    } while (zmq_msg_more (&frame));
    ingestmsg_report_t report;
    char error[YW_INGESTMSG_ERROR];
    rc = ingestmsg_report_decode (zmq_msg_data (&frame), zmq_msg_size (&frame), &report,
                                  error);
    zmq_msg_close (&frame);
    self->in_flight--;
    if (rc) {
        snprintf (self->error, sizeof self->error, "the node's answer: %s", error);
        return self->failure = YW_EPEER;
    }
    if (report.status) {
        snprintf (self->error, sizeof self->error, "the node refused a batch: %s (%s)",
                  report.error, yw_strerror (report.status));
        return self->failure = report.status;
    }
    ingestmsg_report_add (&self->total, &report);
    return 0;
}

static int
s_send (s_import_t *self)
{
    while (self->in_flight >= S_WINDOW)
        if (s_collect (self))
            return self->failure;
    if (zmq_send (self->socket, "", 0, ZMQ_SNDMORE) < 0 ||
        zmq_send (self->socket, self->buf.data, self->buf.size, 0) < 0) {
        snprintf (self->error, sizeof self->error, "send failed: %s",
                  zmq_strerror (zmq_errno ()));
        return self->failure = YW_EPEER;
    }
    self->in_flight++;
    s_begin (self, false);
    return 0;
}

static int
s_maybe_send (s_import_t *self)
{
    self->rows++;
    if (self->rows >= S_BATCH_ROWS || self->buf.size >= S_BATCH_BYTES)
        return s_send (self);
    return 0;
}

static int
s_on_accept (void *arg, const yw_record_t *record, uint64_t line)
{
    s_import_t *self = arg;
    if (ingestmsg_put_record (&self->buf, record))
        return YW_ETOOBIG;
    return s_maybe_send (self);
}

static int
s_on_reject (void *arg, uint64_t line, const rowmap_reject_t *reject)
{
    s_import_t *self = arg;
    ingestmsg_put_rejection (&self->buf, self->source, line,
                             reject->field >= 0 ? yw_fields[reject->field].name : "-",
                             yw_reason_code (reject->reason), reject->value,
                             reject->message);
    return s_maybe_send (self);
}

static void
s_print (const char *path, const char *endpoint, const mapping_t *mapping,
         const check_report_t *check, const ingestmsg_report_t *total, bool full,
         bool as_json)
{
    if (as_json) {
        json_t *object = json_pack (
            "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", path, "node", endpoint,
            "kind", yw_kind_name (mapping_kind (mapping)), "rows", (json_int_t)check->rows,
            "new", (json_int_t)total->new_count, "changed", (json_int_t)total->changed,
            "unchanged", (json_int_t)total->unchanged, "deleted",
            (json_int_t)total->deleted, "rejected", (json_int_t)total->rejected);
        json_t *reasons = json_object ();
        for (int r = 1; r < YW_R_COUNT; r++)
            if (total->by_reason[r])
                json_object_set_new (reasons, yw_reason_code ((yw_reason_t)r),
                                     json_integer ((json_int_t)total->by_reason[r]));
        json_object_set_new (object, "rejected_by_reason", reasons);
        json_dumpf (object, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
        fputc ('\n', stdout);
        json_decref (object);
        return;
    }
    printf ("file        %s (%s, %s, %s)\n", path, yw_kind_name (mapping_kind (mapping)),
            mapping_format (mapping), mapping_encoding (mapping));
    printf ("node        %s\n", endpoint);
    printf ("rows        %llu\n", (unsigned long long)check->rows);
    printf ("new         %llu\n", (unsigned long long)total->new_count);
    printf ("changed     %llu\n", (unsigned long long)total->changed);
    printf ("unchanged   %llu\n", (unsigned long long)total->unchanged);
    if (full)
        printf ("deleted     %llu\n", (unsigned long long)total->deleted);
    printf ("rejected    %llu\n", (unsigned long long)total->rejected);
    for (int r = 1; r < YW_R_COUNT; r++)
        if (total->by_reason[r])
            printf ("  %-18s %8llu  %s / %s\n", yw_reason_code ((yw_reason_t)r),
                    (unsigned long long)total->by_reason[r],
                    yw_reason_text_zh ((yw_reason_t)r), yw_reason_text_en ((yw_reason_t)r));
}

static const char *
s_basename (const char *path)
{
    const char *slash = strrchr (path, '/');
    return slash ? slash + 1 : path;
}

int
cli_import (int argc, char **argv)
{
    static const struct option options[] = {
        {"mapping", required_argument, NULL, 'm'}, {"node", required_argument, NULL, 'n'},
        {"full", no_argument, NULL, 'f'},          {"source", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *mapping_path = NULL, *source = NULL;
    const char *endpoint = getenv ("YIWANG_NODE");
    if (!endpoint || !*endpoint)
        endpoint = "ipc:///var/lib/yiwang/node/ingest.ipc";
    bool full = false, as_json = false;
    long timeout = 60;
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "m:n:fs:t:Jh", options, NULL)) != -1) {
        switch (opt) {
            case 'm': mapping_path = optarg; break;
            case 'n': endpoint = optarg; break;
            case 'f': full = true; break;
            case 's': source = optarg; break;
            case 't':
                timeout = strtol (optarg, NULL, 10);
                if (timeout <= 0 || timeout > 86400) {
                    fprintf (stderr, "yiwang import: --timeout %s: 1 to 86400 seconds\n",
                             optarg);
                    return 2;
                }
                break;
            case 'J': as_json = true; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!mapping_path || optind != argc - 1) {
        fprintf (stderr, "yiwang import: %s\n%s",
                 !mapping_path ? "--mapping is required" : "exactly one FILE is required",
                 s_usage);
        return 2;
    }
    const char *path = argv[optind];
    int status = 2;
    char error[YW_CHECK_ERROR];
    char mapping_error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    FILE *file = NULL;
    void *context = NULL;
    s_import_t import;
    memset (&import, 0, sizeof import);
    wire_buf_init (&import.buf);
    codebook_t *codebook = codebook_new ();
    if (!codebook)
        goto cleanup;
    if (mapping_load (mapping_path, codebook, &mapping, mapping_error)) {
        fprintf (stderr, "yiwang import: %s\n", mapping_error);
        goto cleanup;
    }
    if (!(file = fopen (path, "rb"))) {
        fprintf (stderr, "yiwang import: %s: cannot open: %m\n", path);
        goto cleanup;
    }
    if (strncmp (endpoint, "ipc://", 6) == 0 && access (endpoint + 6, F_OK) != 0) {
        fprintf (stderr,
                 "yiwang import: no node listens at %s (%m); start yiwang-node or "
                 "give --node\n",
                 endpoint);
        status = 3;
        goto cleanup;
    }
    context = zmq_ctx_new ();
    import.socket = zmq_socket (context, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (import.socket, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect (import.socket, endpoint)) {
        fprintf (stderr, "yiwang import: --node %s: %s\n", endpoint,
                 zmq_strerror (zmq_errno ()));
        goto cleanup;
    }
    import.timeout_ms = (int)timeout * 1000;
    import.source = source                      ? source
                    : mapping_name (mapping)[0] ? mapping_name (mapping)
                                                : s_basename (path);
    import.kind = mapping_kind (mapping);
    import.full = full;
    import.region = mapping_region (mapping);
    while (import.import_id == 0)
        if (getrandom (&import.import_id, sizeof import.import_id, 0) !=
            sizeof import.import_id)
            import.import_id = (uint64_t)getpid () << 32 ^ (uint64_t)time (NULL);
    s_begin (&import, false);
    check_options_t check = {
        .progress = isatty (STDERR_FILENO),
        .skip_content_hash = true, /* the node hashes every record itself */
        .accept = s_on_accept,
        .reject = s_on_reject,
        .arg = &import,
    };
    check_report_t report;
    int rc = check_file (codebook, mapping, file, path, &check, &report, error);
    if (rc == 0 && !import.failure) {
        /* The final batch carries the last rows and closes the run. */
        ingestmsg_put_final (&import.buf);
        rc = s_send (&import);
    }
    while (rc == 0 && import.in_flight > 0 && !import.failure)
        s_collect (&import);
    if (import.failure) {
        fprintf (stderr, "yiwang import: %s: %s\n", endpoint, import.error);
        status = 3;
        goto cleanup;
    }
    if (rc) {
        fprintf (stderr, "yiwang import: %s\n", error[0] ? error : yw_strerror (rc));
        goto cleanup;
    }
    s_print (path, endpoint, mapping, &report, &import.total, full, as_json);
    status = 0;
cleanup:
    if (import.socket)
        zmq_close (import.socket);
    if (context)
        zmq_ctx_term (context);
    wire_buf_free (&import.buf);
    if (file)
        fclose (file);
    mapping_destroy (&mapping);
    codebook_destroy (&codebook);
    return status;
}
