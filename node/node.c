/*  node.c - the node loop: ingest frames, group commit, reports. */
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
#include "store.h"
#include "yw.h"

/* A group commit takes every frame already waiting, up to these bounds: big
   transactions are what make LMDB fast (DESIGN 4.2), and a client that
   pipelines batches keeps the queue full. */
#define S_GROUP_FRAMES 64
#define S_GROUP_RECORDS 200000

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
    char stamp[32];
    time_t now = time (NULL);
    struct tm tm;
    gmtime_r (&now, &tm);
    strftime (stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf (stderr, "%s yiwang-node[%s]: ", stamp, self->config.id);
    va_list args;
    va_start (args, format);
    vfprintf (stderr, format, args);
    va_end (args);
    fputc ('\n', stderr);
}

int
node_new (const config_t *config, node_t **node_p, char *error)
{
    node_t *self = yw_calloc (1, sizeof *self);
    self->config = *config;
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
    store_options_t options = {.dir = self->config.data, .node_id = self->config.id};
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
}

int
node_run (node_t *self)
{
    s_log (self, "serving jurisdiction %s, ingest %s, data %s", self->config.jurisdiction,
           self->config.ingest, self->config.data);
    while (!s_stop) {
        zmq_pollitem_t items[] = {{self->ingest_socket, 0, ZMQ_POLLIN, 0}};
        int rc = zmq_poll (items, 1, 200);
        if (rc < 0) {
            if (zmq_errno () == EINTR)
                continue;
            s_log (self, "poll failed: %s", zmq_strerror (zmq_errno ()));
            return YW_EPEER;
        }
        if (items[0].revents & ZMQ_POLLIN)
            s_serve_ingest (self);
    }
    s_log (self, "stopping");
    return 0;
}
