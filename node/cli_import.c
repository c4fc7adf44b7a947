/*  cli_import.c - `yiwang import`: a file through the same normalization as
    `yiwang check`, streamed into a running node's ingest socket. */
#include <errno.h>
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
#include "source.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang import --mapping M.ini FILE [--node ENDPOINT] [--full]\n"
    "                     [--source NAME] [--timeout SECONDS] [--json]\n"
    "                     [--normalize-all]\n"
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
    "  --normalize-all  normalize and send every row, even of the parts of FILE\n"
    "                   the node already has unchanged (by default those are\n"
    "                   named by a digest and not normalized again)\n"
    "Exit status: 0 imported (rejections included), 2 unusable input, 3 the node\n"
    "is unavailable or failed.\n";

/* A chunk: at most this many rows, cut at a row boundary once it holds at
   least S_CHUNK_BYTES of the file, so that its batch stays far under the
   frame limit. */
#define S_CHUNK_ROWS 5000
#define S_CHUNK_BYTES (2u << 20)
#define S_WINDOW 32 /* batches in flight: the node commits what is waiting as one group */
#define S_DIGEST_TAG "yiwang import chunk 1"

/* A chunk of the file: its rows' bytes and what names them. */
typedef struct {
    uint64_t offset, size; /* the rows' bytes in the file */
    uint64_t lines_before; /* LFs in the file before offset */
    uint64_t rows;         /* rows in it, as the first pass counted them */
    uint8_t digest[YW_HASH_SIZE];
} s_chunk_t;

/* What a batch in flight was; the node answers in the order it was sent. */
typedef enum { S_SENT_CHUNK_ONLY, S_SENT_ROWS, S_SENT_FINAL } s_sent_t;

typedef struct {
    void *socket;
    int timeout_ms;
    const char *source;
    yw_kind_t kind;
    uint64_t import_id;
    bool full;
    bool chunks; /* name chunks and let the node answer known ones */
    const char *region;
    const codebook_t *codebook;
    const mapping_t *mapping;
    const char *path;
    FILE *file;
    char *prefix; /* the file's bytes before the first row (BOM, header) */
    size_t prefix_size;
    uint64_t prefix_lines;      /* LFs in prefix */
    uint8_t base[YW_HASH_SIZE]; /* SHA-256 of what every chunk digest covers */
    char *bytes;                /* a chunk's bytes after the prefix */
    size_t bytes_cap;
    wire_buf_t buf;
    uint64_t line_offset; /* line in the file = line in the chunk parse + this */
    /* batches in flight, oldest first (a ring of S_WINDOW) */
    s_sent_t sent[S_WINDOW];
    s_chunk_t sent_chunk[S_WINDOW];
    int first, in_flight;
    /* chunks the node did not know: normalized and sent next */
    s_chunk_t *todo;
    size_t todo_count, todo_cap;
    ingestmsg_report_t total;
    uint64_t chunks_known, chunks_sent;
    int failure; /* YW_E code once the node failed */
    char error[600];
} s_import_t;

static void
s_begin (s_import_t *self, bool final)
{
    self->buf.size = 0;
    ingestmsg_put_header (&self->buf, self->source, self->kind, self->import_id, self->full,
                          final, self->region);
}

static void
s_todo_push (s_import_t *self, const s_chunk_t *chunk)
{
    if (self->todo_count == self->todo_cap) {
        self->todo_cap = self->todo_cap ? self->todo_cap * 2 : 16;
        self->todo = yw_realloc (self->todo, self->todo_cap * sizeof *self->todo);
    }
    self->todo[self->todo_count++] = *chunk;
}

/* Waits for the oldest batch's report. */
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
    s_sent_t sent = self->sent[self->first];
    const s_chunk_t *chunk = &self->sent_chunk[self->first];
    self->first = (self->first + 1) % S_WINDOW;
    self->in_flight--;
    if (rc) {
        snprintf (self->error, sizeof self->error, "the node's answer: %s", error);
        return self->failure = YW_EPEER;
    }
    if (sent == S_SENT_CHUNK_ONLY && report.status == YW_ESTALE) {
        s_todo_push (self, chunk); /* not known there: send its rows */
        return 0;
    }
    if (report.status) {
        snprintf (self->error, sizeof self->error, "the node refused a batch: %s (%s)",
                  report.error, yw_strerror (report.status));
        return self->failure = report.status;
    }
    if (sent == S_SENT_CHUNK_ONLY)
        self->chunks_known++;
    ingestmsg_report_add (&self->total, &report);
    return 0;
}

/* Sends the batch in buf; `chunk` is what it holds (NULL for the final). */
static int
s_send (s_import_t *self, s_sent_t sent, const s_chunk_t *chunk)
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
    int at = (self->first + self->in_flight) % S_WINDOW;
    self->sent[at] = sent;
    if (chunk)
        self->sent_chunk[at] = *chunk;
    self->in_flight++;
    return 0;
}

static int
s_on_accept (void *arg, const yw_record_t *record, uint64_t line)
{
    (void)line;
    s_import_t *self = arg;
    if (ingestmsg_put_record (&self->buf, record))
        return YW_ETOOBIG;
    return 0;
}

static int
s_on_reject (void *arg, uint64_t line, const rowmap_reject_t *reject)
{
    s_import_t *self = arg;
    ingestmsg_put_rejection (&self->buf, self->source, line + self->line_offset,
                             reject->field >= 0 ? yw_fields[reject->field].name : "-",
                             yw_reason_code (reject->reason), reject->value,
                             reject->message);
    return 0;
}

/* Reads the chunk's bytes into self->bytes, after a copy of the prefix. */
static int
s_read_chunk (s_import_t *self, const s_chunk_t *chunk)
{
    size_t need = self->prefix_size + chunk->size;
    if (need > self->bytes_cap) {
        self->bytes_cap = need;
        self->bytes = yw_realloc (self->bytes, need);
    }
    memcpy (self->bytes, self->prefix, self->prefix_size);
    if (fseeko (self->file, (off_t)chunk->offset, SEEK_SET) != 0 ||
        fread (self->bytes + self->prefix_size, 1, chunk->size, self->file) !=
            chunk->size) {
        snprintf (self->error, sizeof self->error, "%s: read failed at byte %llu",
                  self->path, (unsigned long long)chunk->offset);
        return YW_EIO;
    }
    return 0;
}

/* Normalizes a chunk's rows as `yiwang check` does and sends them. */
static int
s_send_rows (s_import_t *self, const s_chunk_t *chunk)
{
    int rc = s_read_chunk (self, chunk);
    if (rc)
        return rc;
    FILE *memory = fmemopen (self->bytes, self->prefix_size + chunk->size, "rb");
    if (!memory) {
        snprintf (self->error, sizeof self->error, "fmemopen: %s", strerror (errno));
        return YW_EIO;
    }
    s_begin (self, false);
    if (self->chunks)
        ingestmsg_put_chunk (&self->buf, chunk->digest, false);
    self->line_offset = chunk->lines_before - self->prefix_lines;
    check_options_t check = {
        .skip_content_hash = true, /* the node hashes every record itself */
        .accept = s_on_accept,
        .reject = s_on_reject,
        .arg = self,
    };
    check_report_t report;
    char error[YW_CHECK_ERROR];
    rc = check_file (self->codebook, self->mapping, memory, self->path, &check, &report,
                     error);
    fclose (memory);
    if (rc == 0 && report.rows != chunk->rows) {
        snprintf (error, sizeof error,
                  "the rows from line %llu read as %llu rows the second time, not %llu",
                  (unsigned long long)(chunk->lines_before + 1),
                  (unsigned long long)report.rows, (unsigned long long)chunk->rows);
        rc = YW_EPARSE;
    }
    if (rc) {
        snprintf (self->error, sizeof self->error, "%s: %s", self->path,
                  error[0] ? error : yw_strerror (rc));
        return rc;
    }
    self->chunks_sent++;
    return s_send (self, S_SENT_ROWS, chunk);
}

/* Names a chunk: the tag, the mapping, the codebook and the prefix (in
   base), where it starts and its bytes. */
static void
s_digest (s_import_t *self, s_chunk_t *chunk)
{
    uint8_t place[16];
    for (int i = 0; i < 8; i++) {
        place[i] = (uint8_t)(chunk->lines_before >> (56 - 8 * i));
        place[8 + i] = (uint8_t)(chunk->size >> (56 - 8 * i));
    }
    yw_piece_t pieces[] = {{self->base, YW_HASH_SIZE},
                           {place, sizeof place},
                           {self->bytes + self->prefix_size, chunk->size}};
    yw_sha256_pieces (pieces, 3, chunk->digest);
}

static uint64_t
s_count_lf (const char *data, size_t size)
{
    uint64_t n = 0;
    for (const char *at = data, *end = data + size;
         (at = memchr (at, '\n', (size_t)(end - at))); at++)
        n++;
    return n;
}

/* First pass: the rows of the next chunk (none at the end). */
static int
s_next_chunk (s_import_t *self, source_t *source, uint64_t *offset, uint64_t *lines,
              s_chunk_t *chunk, bool *any)
{
    memset (chunk, 0, sizeof *chunk);
    chunk->offset = *offset;
    chunk->lines_before = *lines;
    uint64_t line, end = *offset;
    *any = false;
    for (;;) {
        int next = source_next (source, &line);
        if (next == 0)
            break;
        if (next == YW_EIO) {
            snprintf (self->error, sizeof self->error, "%s: read failed after line %llu",
                      self->path, (unsigned long long)line);
            return YW_EIO;
        }
        chunk->rows++;
        uint64_t at;
        if (source_boundary (source, &at) &&
            (chunk->rows >= S_CHUNK_ROWS || at - *offset >= S_CHUNK_BYTES)) {
            end = at;
            break;
        }
    }
    if (chunk->rows == 0)
        return 0;
    if (end == *offset) {
        /* the input ended: the chunk runs to the end of the file */
        if (fseeko (self->file, 0, SEEK_END) != 0) {
            snprintf (self->error, sizeof self->error, "%s: cannot seek", self->path);
            return YW_EIO;
        }
        end = (uint64_t)ftello (self->file);
    }
    chunk->size = end - *offset;
    int rc = s_read_chunk (self, chunk);
    if (rc)
        return rc;
    s_digest (self, chunk);
    *lines += s_count_lf (self->bytes + self->prefix_size, chunk->size);
    *offset = end;
    *any = true;
    return 0;
}

/* The import itself: chunks named and, when the node knows them, not
   normalized at all; the rest normalized; then the final batch. */
static int
s_run (s_import_t *self, FILE *scan, uint64_t *rows)
{
    source_t *source = NULL;
    char open_error[YW_SOURCE_ERROR];
    int rc = source_open (self->mapping, scan, self->path, &source, open_error);
    if (rc) {
        snprintf (self->error, sizeof self->error, "%s", open_error);
        return rc;
    }
    uint64_t offset = 0;
    if (!source_boundary (source, &offset)) {
        snprintf (self->error, sizeof self->error, "%s: the header does not end a line",
                  self->path);
        source_destroy (&source);
        return YW_EPARSE;
    }
    self->prefix = yw_malloc (offset ? offset : 1);
    self->prefix_size = (size_t)offset;
    if (offset && (fseeko (self->file, 0, SEEK_SET) != 0 ||
                   fread (self->prefix, 1, offset, self->file) != offset)) {
        snprintf (self->error, sizeof self->error, "%s: cannot read the header", self->path);
        source_destroy (&source);
        return YW_EIO;
    }
    self->prefix_lines = s_count_lf (self->prefix, self->prefix_size);
    uint64_t lines = self->prefix_lines;
    yw_piece_t pieces[] = {{S_DIGEST_TAG, sizeof S_DIGEST_TAG},
                           {mapping_digest (self->mapping), YW_HASH_SIZE},
                           {codebook_digest (self->codebook), YW_HASH_SIZE},
                           {self->prefix, self->prefix_size}};
    yw_sha256_pieces (pieces, 4, self->base);

    bool more = true;
    *rows = 0;
    while (rc == 0 && !self->failure) {
        while (rc == 0 && !self->failure && self->in_flight < S_WINDOW) {
            if (self->todo_count) {
                s_chunk_t chunk = self->todo[--self->todo_count];
                rc = s_send_rows (self, &chunk);
                continue;
            }
            if (!more)
                break;
            s_chunk_t chunk;
            bool any;
            if ((rc = s_next_chunk (self, source, &offset, &lines, &chunk, &any)))
                break;
            if (!any) {
                more = false;
                break;
            }
            *rows += chunk.rows;
            if (!self->chunks) {
                rc = s_send_rows (self, &chunk);
                continue;
            }
            s_begin (self, false);
            ingestmsg_put_chunk (&self->buf, chunk.digest, true);
            rc = s_send (self, S_SENT_CHUNK_ONLY, &chunk);
        }
        if (rc || self->failure)
            break;
        if (self->in_flight == 0 && !self->todo_count && !more)
            break;
        if (self->in_flight)
            s_collect (self);
    }
    source_destroy (&source);
    if (rc == 0 && !self->failure && *rows == 0 &&
        !strcmp (mapping_format (self->mapping), "jsonl")) {
        snprintf (self->error, sizeof self->error,
                  "%s: empty file: no JSON lines, nothing to import", self->path);
        return YW_EPARSE;
    }
    if (rc == 0 && !self->failure) {
        /* the final batch closes the run: --full tombstones what it lacked */
        s_begin (self, true);
        rc = s_send (self, S_SENT_FINAL, NULL);
    }
    while (rc == 0 && self->in_flight > 0 && !self->failure)
        s_collect (self);
    return rc;
}

static void
s_print (const char *path, const char *endpoint, const mapping_t *mapping, uint64_t rows,
         const ingestmsg_report_t *total, bool full, bool as_json)
{
    if (as_json) {
        json_t *object = json_pack (
            "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "file", path, "node", endpoint,
            "kind", yw_kind_name (mapping_kind (mapping)), "rows", (json_int_t)rows,
            "new", (json_int_t)total->new_count, "changed", (json_int_t)total->changed,
            "unchanged", (json_int_t)total->unchanged, "deleted",
            (json_int_t)total->deleted, "rejected", (json_int_t)total->rejected);
        json_object_set_new (object, "rejected_by_reason",
                             cli_reasons_json (total->by_reason));
        json_dumpf (object, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
        fputc ('\n', stdout);
        json_decref (object);
        return;
    }
    printf ("file        %s (%s, %s, %s)\n", path, yw_kind_name (mapping_kind (mapping)),
            mapping_format (mapping), mapping_encoding (mapping));
    printf ("node        %s\n", endpoint);
    printf ("rows        %llu\n", (unsigned long long)rows);
    printf ("new         %llu\n", (unsigned long long)total->new_count);
    printf ("changed     %llu\n", (unsigned long long)total->changed);
    printf ("unchanged   %llu\n", (unsigned long long)total->unchanged);
    if (full)
        printf ("deleted     %llu\n", (unsigned long long)total->deleted);
    printf ("rejected    %llu\n", (unsigned long long)total->rejected);
    cli_reasons_print (total->by_reason);
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
        {"normalize-all", no_argument, NULL, 'N'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *mapping_path = NULL, *source = NULL;
    const char *endpoint = getenv ("YIWANG_NODE");
    if (!endpoint || !*endpoint)
        endpoint = "ipc:///var/lib/yiwang/node/ingest.ipc";
    bool full = false, as_json = false, chunks = true;
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
            case 'N': chunks = false; break;
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
    char mapping_error[YW_MAPPING_ERROR];
    mapping_t *mapping = NULL;
    FILE *file = NULL, *scan = NULL;
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
    if (!(file = fopen (path, "rb")) || !(scan = fopen (path, "rb"))) {
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
    import.chunks = chunks;
    import.codebook = codebook;
    import.mapping = mapping;
    import.path = path;
    import.file = file;
    uint64_t rows = 0;
    int rc = s_run (&import, scan, &rows);
    if (import.failure) {
        fprintf (stderr, "yiwang import: %s: %s\n", endpoint, import.error);
        status = 3;
        goto cleanup;
    }
    if (rc) {
        fprintf (stderr, "yiwang import: %s\n",
                 import.error[0] ? import.error : yw_strerror (rc));
        goto cleanup;
    }
    if (getenv ("YIWANG_IMPORT_TRACE"))
        fprintf (stderr, "yiwang import: %llu chunks known to the node, %llu normalized\n",
                 (unsigned long long)import.chunks_known,
                 (unsigned long long)import.chunks_sent);
    s_print (path, endpoint, mapping, rows, &import.total, full, as_json);
    status = 0;
cleanup:
    if (import.socket)
        zmq_close (import.socket);
    if (context)
        zmq_ctx_term (context);
    wire_buf_free (&import.buf);
    free (import.prefix);
    free (import.bytes);
    free (import.todo);
    if (file)
        fclose (file);
    if (scan)
        fclose (scan);
    mapping_destroy (&mapping);
    codebook_destroy (&codebook);
    return status;
}
