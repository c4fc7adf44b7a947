/*  node.c - the node loop: ingest frames, group commit, reports; the
    uplink and any attached socket (a hub's downlink) in the same loop. */
#include "node.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

#include "codebook.h"
#include "ingest.h"
#include "logline.h"
#include "store.h"
#include "uplink.h"
#include "yw.h"

/* A group commit takes every frame already waiting, up to these bounds: big
   transactions are what make LMDB fast (DESIGN 4.2), and a client that
   pipelines batches keeps the queue full. */
#define S_GROUP_FRAMES 64
#define S_GROUP_RECORDS 100000
#define S_HANDLERS 4
#define S_POLL_MS 200
#define S_IDLE_MS 1000               /* without work this long, the store merges its runs */
#define S_MAP_SIZE ((size_t)4 << 30) /* initial LMDB map */

typedef struct {
    void *socket;
    node_readable_fn *on_readable;
    node_tick_fn *on_tick;
    void *arg;
} s_handler_t;

typedef struct {
    zmq_msg_t envelope[2]; /* identity, and the empty delimiter if any */
    int envelope_count;
    ingest_work_t work;
    bool prepared; /* work holds a batch for the store */
} s_request_t;

struct _node_t {
    config_t config;
    codebook_t *codebook;
    store_t *store;
    ingest_t *ingest;
    void *context;
    void *ingest_socket;
    s_request_t requests[S_GROUP_FRAMES];
    wire_buf_t reply;
    uplink_t *uplink;
    s_handler_t handlers[S_HANDLERS];
    int handler_count;
    char who[128]; /* "yiwang-node[ID]" */
};

static volatile sig_atomic_t s_stop = 0;

void
node_stop (void)
{
    s_stop = 1;
}

static void
s_on_signal (int signal_number)
{
    (void)signal_number;
    s_stop = 1;
}

void
node_install_signals (void)
{
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
}

static void s_log (const node_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
s_log (const node_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    logline_v (self->who, format, args);
    va_end (args);
}

int
node_new (const config_t *config, node_t **node_p, char *error)
{
    node_t *self = yw_calloc (1, sizeof *self);
    self->config = *config;
    snprintf (self->who, sizeof self->who, "%s[%s]",
              config->hub ? "yiwang-hub" : "yiwang-node", config->id);
    int rc = YW_ECONFIG;
    self->codebook = codebook_new ();
    if (!self->codebook) {
        snprintf (error, YW_NODE_ERROR, "the compiled-in codebook is corrupt");
        goto failed;
    }
    if (config_check (&self->config, self->codebook, error))
        goto failed;
    if (mkdir (self->config.data, 0750) && errno != EEXIST) {
        snprintf (error, YW_NODE_ERROR, "data directory %s: cannot create: %s",
                  self->config.data, strerror (errno));
        goto failed;
    }
    /* A map that grows in big steps: each growth aborts and redoes the
       transaction under way, which for a hub's group commit is a lot of
       work. The map is address space, not disk: the file grows with what
       is written. */
    store_options_t options = {
        .dir = self->config.data, .node_id = self->config.id, .map_size = S_MAP_SIZE};
    char store_error[256];
    rc = store_open (&options, &self->store, store_error);
    if (rc) {
        snprintf (error, YW_NODE_ERROR, "%s", store_error);
        goto failed;
    }
    self->ingest = ingest_new (self->codebook, self->config.jurisdiction);
    if (!self->ingest) {
        snprintf (error, YW_NODE_ERROR, "cannot build the ingest normalizer");
        rc = YW_ECONFIG;
        goto failed;
    }
    self->context = zmq_ctx_new ();
    self->ingest_socket = zmq_socket (self->context, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt (self->ingest_socket, ZMQ_LINGER, &linger, sizeof linger);
    int64_t max_size = YW_MAX_FRAME;
    zmq_setsockopt (self->ingest_socket, ZMQ_MAXMSGSIZE, &max_size, sizeof max_size);
    if (zmq_bind (self->ingest_socket, self->config.ingest)) {
        snprintf (error, YW_NODE_ERROR, "ingest endpoint %s: cannot bind: %s",
                  self->config.ingest, zmq_strerror (zmq_errno ()));
        rc = YW_EPEER;
        goto failed;
    }
    for (int i = 0; i < S_GROUP_FRAMES; i++)
        ingest_work_init (&self->requests[i].work);
    wire_buf_init (&self->reply);
    if (self->config.parent[0]) {
        char name[192];
        snprintf (name, sizeof name, "%s uplink", self->who);
        uplink_options_t uplink = {.parent = self->config.parent,
                                   .node_id = self->config.id,
                                   .jurisdiction = self->config.jurisdiction,
                                   .retention_ms = self->config.retention_ms,
                                   .log_name = name};
        char uplink_error[UPLINK_ERROR_SIZE];
        rc = uplink_new (self->context, self->store, &uplink, &self->uplink, uplink_error);
        if (rc) {
            snprintf (error, YW_NODE_ERROR, "%s", uplink_error);
            goto failed;
        }
    }
    *node_p = self;
    return 0;
failed:
    node_destroy (&self);
    return rc;
}

void
node_destroy (node_t **self_p)
{
    if (!*self_p)
        return;
    node_t *self = *self_p;
    for (int i = 0; i < S_GROUP_FRAMES; i++)
        ingest_work_free (&self->requests[i].work);
    wire_buf_free (&self->reply);
    uplink_destroy (&self->uplink);
    if (self->ingest_socket)
        zmq_close (self->ingest_socket);
    if (self->context)
        zmq_ctx_term (self->context);
    ingest_destroy (&self->ingest);
    store_destroy (&self->store);
    codebook_destroy (&self->codebook);
    free (self);
    *self_p = NULL;
}

/* Receives one request without waiting: its envelope and payload. Returns 1
   with a request, 0 if none is waiting, -1 for a malformed envelope (the
   request is answered with an error later, so prepared stays false and the
   work report carries the error). */
static int
s_receive (node_t *self, s_request_t *request)
{
    zmq_msg_t frames[4];
    int count = 0;
    int more = 1;
    while (more) {
        zmq_msg_t *frame = &frames[count < 4 ? count : 3];
        if (count >= 4)
            zmq_msg_close (frame);
        zmq_msg_init (frame);
        if (zmq_msg_recv (frame, self->ingest_socket, count ? 0 : ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (frame);
            for (int i = 0; i < (count < 4 ? count : 4); i++)
                zmq_msg_close (&frames[i]);
            return 0;
        }
        more = zmq_msg_more (frame);
        count++;
    }
    memset (&request->work.report, 0, sizeof request->work.report);
    request->prepared = false;
    request->envelope_count = 0;
    /* identity [empty] payload: anything else cannot be answered properly */
    int payload = count - 1;
    bool shape_ok =
        count <= 3 && (count == 2 || (count == 3 && zmq_msg_size (&frames[1]) == 0));
    zmq_msg_init (&request->envelope[0]);
    zmq_msg_move (&request->envelope[0], &frames[0]);
    request->envelope_count = 1;
    if (count >= 3) {
        zmq_msg_init (&request->envelope[1]);
        zmq_msg_move (&request->envelope[1], &frames[1]);
        request->envelope_count = 2;
    }
    int rc = 1;
    if (!shape_ok) {
        request->work.report.status = YW_EPARSE;
        snprintf (request->work.report.error, sizeof request->work.report.error,
                  "expected one IngestBatch frame after the envelope, got %d frames",
                  count - 1);
        rc = -1;
    }
    else if (ingest_prepare (self->ingest, zmq_msg_data (&frames[payload]),
                             zmq_msg_size (&frames[payload]), &request->work) == 0)
        request->prepared = true;
    for (int i = 1; i < (count < 4 ? count : 4); i++)
        zmq_msg_close (&frames[i]);
    return rc;
}

static void
s_reply (node_t *self, s_request_t *request)
{
    ingestmsg_report_encode (&request->work.report, &self->reply);
    for (int i = 0; i < request->envelope_count; i++)
        zmq_msg_send (&request->envelope[i], self->ingest_socket, ZMQ_SNDMORE);
    zmq_send (self->ingest_socket, self->reply.data, self->reply.size, 0);
    for (int i = 0; i < request->envelope_count; i++)
        zmq_msg_close (&request->envelope[i]);
    request->envelope_count = 0;
}

/* One group: everything waiting, one transaction, then every reply. */
static void
s_serve_ingest (node_t *self)
{
    store_ingest_t batches[S_GROUP_FRAMES];
    int map[S_GROUP_FRAMES];
    store_ingest_report_t reports[S_GROUP_FRAMES];
    int count = 0, prepared = 0;
    size_t records = 0;
    while (count < S_GROUP_FRAMES && records < S_GROUP_RECORDS) {
        s_request_t *request = &self->requests[count];
        int rc = s_receive (self, request);
        if (rc == 0)
            break;
        count++;
        if (request->prepared) {
            batches[prepared] = request->work.batch;
            map[prepared++] = count - 1;
            records += request->work.batch.record_count;
        }
        else
            s_log (self, "rejected a frame: %s", request->work.report.error);
    }
    if (prepared) {
        char error[256] = "";
        memset (reports, 0, sizeof reports);
        int rc = store_ingest (self->store, batches, (size_t)prepared, reports, error);
        for (int i = 0; i < prepared; i++) {
            ingestmsg_report_t *report = &self->requests[map[i]].work.report;
            if (rc) {
                report->status = rc;
                snprintf (report->error, sizeof report->error, "store: %s", error);
                continue;
            }
            if (reports[i].stale) {
                report->status = YW_ESTALE;
                snprintf (report->error, sizeof report->error,
                          "chunk not known here (or changed since): send its rows");
                continue;
            }
            report->new_count = reports[i].new_count;
            report->changed = reports[i].changed;
            report->unchanged = reports[i].unchanged;
            report->deleted = reports[i].deleted;
        }
        if (rc)
            s_log (self, "store failed, %d batches answered with the error: %s", prepared,
                   error);
    }
    for (int i = 0; i < count; i++)
        s_reply (self, &self->requests[i]);
    /* Memory stays bounded: a slot keeps at most a normal batch's buffers. */
    for (int i = 0; i < count; i++)
        if (self->requests[i].work.record_capacity > 16384)
            ingest_work_free (&self->requests[i].work);
}

int
node_attach (node_t *self, void *socket, node_readable_fn *on_readable,
             node_tick_fn *on_tick, void *arg)
{
    if (self->handler_count == S_HANDLERS)
        return YW_EINVAL;
    self->handlers[self->handler_count++] =
        (s_handler_t){socket, on_readable, on_tick, arg};
    return 0;
}

store_t *
node_store (node_t *self)
{
    return self->store;
}

void *
node_context (node_t *self)
{
    return self->context;
}

const config_t *
node_config (const node_t *self)
{
    return &self->config;
}

uplink_t *
node_uplink (node_t *self)
{
    return self->uplink;
}

/* The timers of the uplink and the handlers; the ms until the next. */
static int
s_tick (node_t *self)
{
    int wait = S_POLL_MS;
    if (self->uplink) {
        int ms = uplink_tick (self->uplink);
        if (ms < wait)
            wait = ms;
    }
    for (int i = 0; i < self->handler_count; i++)
        if (self->handlers[i].on_tick) {
            int ms = self->handlers[i].on_tick (self->handlers[i].arg);
            if (ms < wait)
                wait = ms;
        }
    return wait < 1 ? 1 : wait;
}

int
node_run (node_t *self)
{
    s_log (self, "serving jurisdiction %s, ingest %s, data %s%s%s",
           self->config.jurisdiction, self->config.ingest, self->config.data,
           self->uplink ? ", parent " : "", self->uplink ? self->config.parent : "");
    int wait = s_tick (self);
    int64_t busy_at = yw_monotonic_ms ();
    while (!s_stop) {
        zmq_pollitem_t items[2 + S_HANDLERS];
        int count = 0;
        items[count++] = (zmq_pollitem_t){self->ingest_socket, 0, ZMQ_POLLIN, 0};
        int uplink_item = -1;
        if (self->uplink) {
            uplink_item = count;
            items[count++] =
                (zmq_pollitem_t){uplink_socket (self->uplink), 0, ZMQ_POLLIN, 0};
        }
        int first_handler = count;
        for (int i = 0; i < self->handler_count; i++)
            items[count++] = (zmq_pollitem_t){self->handlers[i].socket, 0, ZMQ_POLLIN, 0};
        int rc = zmq_poll (items, count, wait);
        if (rc < 0) {
            if (zmq_errno () == EINTR)
                continue;
            s_log (self, "poll failed: %s", zmq_strerror (zmq_errno ()));
            return YW_EPEER;
        }
        if (rc > 0)
            busy_at = yw_monotonic_ms ();
        else if (yw_monotonic_ms () - busy_at >= S_IDLE_MS) {
            char error[STORE_ERROR_SIZE] = "";
            bool merged = false;
            int64_t start = yw_monotonic_ms ();
            if (store_compact (self->store, &merged, error))
                s_log (self,
                       "store compaction failed (the next idle moment tries again): %s",
                       error);
            else if (merged)
                s_log (self, "store compaction: runs merged in %lld ms",
                       (long long)(yw_monotonic_ms () - start));
            busy_at = yw_monotonic_ms ();
        }
        if (items[0].revents & ZMQ_POLLIN)
            s_serve_ingest (self);
        if (uplink_item >= 0 && (items[uplink_item].revents & ZMQ_POLLIN))
            uplink_on_readable (self->uplink);
        for (int i = 0; i < self->handler_count; i++)
            if (items[first_handler + i].revents & ZMQ_POLLIN)
                self->handlers[i].on_readable (self->handlers[i].arg);
        /* after every round: new log entries go up at once */
        wait = s_tick (self);
    }
    s_log (self, "stopping");
    return 0;
}
