/*  downlink.c - the parent end of the children's links: sessions over a
    ROUTER, group commits into the hub's store. */
#include "downlink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "batch.h"
#include "linkmsg.h"
#include "logline.h"
#include "yw.h"

#define S_IDENTITY 256
/* A session silent this long is closed (its state freed; the child says
   HELLO again). Long: a hub busy with a big commit reads nothing meanwhile,
   and must not take its children's queued messages for silence. */
#define S_EXPIRE_BEATS 30
#define S_EXPIRE_MIN_MS 30000
#define S_STOPPED_REPEAT_MS 1000 /* a stopped session's ERROR, at most this often */

typedef struct {
    config_child_t config;
    char prefix[8]; /* jurisdiction as a region-code prefix: 3701 for 370100 */
    downlink_state_t state;
    uint8_t identity[S_IDENTITY];
    size_t identity_size;
    int64_t last_seen;
    uint64_t gap_expected; /* a GAP was answered: drop batches until this one */
    uint64_t snapshot_id;
    uint64_t snapshot_seq;   /* the child's log seq the snapshot was taken at */
    uint64_t log_id;         /* the incarnation of the child's log, from HELLO */
    uint64_t chunk_expected; /* next chunk seq */
    uint64_t snapshot_accepted, snapshot_stale, snapshot_rejected;
    int64_t stopped_said; /* when the stopped ERROR was last sent */
    linkmsg_error_t gap;  /* a GAP to say after this round's ACK */
    bool gap_pending;
    linkmsg_error_t stopped;
    /* this round's results, for the ACK */
    bool touched;
    bool failed; /* a fatal error this round: ERROR after the ACK */
    linkmsg_ack_t ack;
    linkmsg_snapshot_ack_t snapshot_ack;
    bool snapshot_touched;
    downlink_child_status_t status;
} s_session_t;

typedef struct {
    zmq_msg_t payload;
    s_session_t *session;
    linkmsg_type_t type;
    uint64_t seq; /* link seq, or chunk seq */
    const uint8_t *data;
    size_t size;
    size_t first_claim; /* chunks: where its claims start in the round's arrays */
    size_t claim_count;
} s_pending_t;

struct _downlink_t {
    store_t *store;
    void *socket;
    char endpoint[256];
    char node_id[YW_NODE_ID_SIZE];
    char who[128];
    bool relay;
    uint32_t heartbeat_ms;
    uint32_t credit;
    s_session_t *sessions;
    size_t session_count;

    s_pending_t pending[DOWNLINK_ROUND_FRAMES];
    size_t pending_count;
    size_t pending_bytes;
    store_remote_t remote[DOWNLINK_ROUND_FRAMES];
    store_remote_report_t *reports;
    store_claims_t chunks[DOWNLINK_ROUND_FRAMES];
    const uint8_t **claims; /* this round's claims, all chunks */
    size_t *claim_sizes;
    size_t claim_count, claim_capacity;

    linkmsg_t msg;
    linkmsg_t reply;
    wire_buf_t out;
    downlink_stats_t stats;
};

static int64_t
s_now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void s_log (downlink_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
s_log (downlink_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    logline_v (self->who, format, args);
    va_end (args);
}

const char *
downlink_state_name (downlink_state_t state)
{
    switch (state) {
        case DOWNLINK_NONE: return "NONE";
        case DOWNLINK_STREAMING: return "STREAMING";
        case DOWNLINK_SNAPSHOT: return "SNAPSHOT";
        case DOWNLINK_STOPPED: return "STOPPED";
    }
    return "?";
}

/* ---------------------------------------------------------- replies */

static void
s_send_to (downlink_t *self, const uint8_t *identity, size_t identity_size,
           const linkmsg_t *msg)
{
    linkmsg_encode (msg, &self->out);
    /* a child that went away (EHOSTUNREACH) or is not reading (EAGAIN)
       misses this answer; it says HELLO again and learns where it stands */
    if (zmq_send (self->socket, identity, identity_size, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return;
    zmq_send (self->socket, self->out.data, self->out.size, ZMQ_DONTWAIT);
}

static void s_send_error (downlink_t *self, const uint8_t *identity, size_t identity_size,
                          linkmsg_error_code_t code, bool fatal, uint64_t link_seq,
                          uint64_t expected, const char *format, ...)
    __attribute__ ((format (printf, 8, 9)));

static void
s_send_error (downlink_t *self, const uint8_t *identity, size_t identity_size,
              linkmsg_error_code_t code, bool fatal, uint64_t link_seq, uint64_t expected,
              const char *format, ...)
{
    self->reply.type = LINKMSG_ERROR;
    linkmsg_error_t *error = &self->reply.error;
    memset (error, 0, sizeof *error);
    error->code = code;
    error->fatal = fatal;
    error->link_seq = link_seq;
    error->expected = expected;
    char text[1024];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    linkmsg_text (error->message, sizeof error->message, text);
    s_send_to (self, identity, identity_size, &self->reply);
}

static void
s_session_send (downlink_t *self, s_session_t *session, const linkmsg_t *msg)
{
    s_send_to (self, session->identity, session->identity_size, msg);
}

/* --------------------------------------------------------- sessions */

static s_session_t *
s_session_by_id (downlink_t *self, const char *id)
{
    for (size_t i = 0; i < self->session_count; i++)
        if (strcmp (self->sessions[i].config.id, id) == 0)
            return &self->sessions[i];
    return NULL;
}

static s_session_t *
s_session_by_identity (downlink_t *self, const uint8_t *identity, size_t size)
{
    for (size_t i = 0; i < self->session_count; i++) {
        s_session_t *s = &self->sessions[i];
        if (s->state != DOWNLINK_NONE && s->identity_size == size &&
            memcmp (s->identity, identity, size) == 0)
            return s;
    }
    return NULL;
}

static void
s_set_state (s_session_t *session, downlink_state_t state)
{
    session->state = state;
    session->status.state = state;
}

static void
s_stop (downlink_t *self, s_session_t *session, linkmsg_error_code_t code,
        uint64_t link_seq, uint64_t expected, const char *why)
{
    s_set_state (session, DOWNLINK_STOPPED);
    session->stopped = (linkmsg_error_t){
        .code = code, .fatal = true, .link_seq = link_seq, .expected = expected};
    linkmsg_text (session->stopped.message, sizeof session->stopped.message, why);
    snprintf (session->status.stopped, sizeof session->status.stopped, "%s",
              session->stopped.message);
    session->failed = true;
    s_log (self,
           "LINK STOPPED: child %s, seq %llu: %s: %s (nothing of it applied; the "
           "link stays stopped until an operator acts)",
           session->config.id, (unsigned long long)link_seq, linkmsg_error_name (code),
           why);
}

/* Store meta name of the log id last seen from a child (its log's
   incarnation: HELLO.log_id). */
static void
s_log_id_name (char *name, size_t size, const char *child)
{
    snprintf (name, size, "link_log_id.%s", child);
}

static void
s_send_stopped (downlink_t *self, s_session_t *session)
{
    self->reply.type = LINKMSG_ERROR;
    self->reply.error = session->stopped;
    s_session_send (self, session, &self->reply);
    session->stopped_said = yw_monotonic_ms ();
}

/* ------------------------------------------------------- group commit */

static void
s_pending_release (downlink_t *self)
{
    for (size_t i = 0; i < self->pending_count; i++)
        zmq_msg_close (&self->pending[i].payload);
    self->pending_count = 0;
    self->pending_bytes = 0;
    self->claim_count = 0;
}

static void
s_ack_add_rejections (linkmsg_rejection_t *rejections, size_t *count, uint64_t link_seq,
                      const store_remote_report_t *report)
{
    for (size_t i = 0; i < report->sample_count && *count < LINKMSG_MAX_REJECTIONS; i++) {
        linkmsg_rejection_t *r = &rejections[(*count)++];
        memset (r, 0, sizeof *r);
        r->link_seq = link_seq;
        linkmsg_text (r->object_code, sizeof r->object_code,
                      report->samples[i].object_code);
        linkmsg_text (r->reason, sizeof r->reason, report->samples[i].reason);
        linkmsg_text (r->message, sizeof r->message, report->samples[i].message);
    }
}

static void
s_round_begin (downlink_t *self)
{
    for (size_t i = 0; i < self->session_count; i++) {
        s_session_t *s = &self->sessions[i];
        s->touched = s->failed = s->snapshot_touched = false;
        memset (&s->ack, 0, offsetof (linkmsg_ack_t, rejections));
        s->ack.rejection_count = 0;
        memset (&s->snapshot_ack, 0, offsetof (linkmsg_snapshot_ack_t, rejections));
        s->snapshot_ack.rejection_count = 0;
        s->snapshot_ack.done = false;
    }
}

/* Applies the round's batches in one transaction; fills the sessions' ACKs. */
static int
s_apply_batches (downlink_t *self)
{
    size_t count = 0;
    for (size_t i = 0; i < self->pending_count; i++) {
        s_pending_t *p = &self->pending[i];
        if (p->type != LINKMSG_BATCH)
            continue;
        self->remote[count++] = (store_remote_t){.data = p->data,
                                                 .size = p->size,
                                                 .link = p->session->config.id,
                                                 .link_seq = p->seq,
                                                 .jurisdiction = p->session->prefix};
    }
    if (!count)
        return 0;
    char error[STORE_ERROR_SIZE] = "";
    int64_t start = s_now_us ();
    int rc = store_apply_remote (self->store, self->remote, count, self->relay,
                                 self->reports, error);
    uint64_t took = (uint64_t)(s_now_us () - start);
    self->stats.rounds++;
    self->stats.last_commit_us = took;
    self->stats.total_commit_us += took;
    if (took > self->stats.max_commit_us)
        self->stats.max_commit_us = took;
    size_t r = 0;
    for (size_t i = 0; i < self->pending_count; i++) {
        s_pending_t *p = &self->pending[i];
        if (p->type != LINKMSG_BATCH)
            continue;
        s_session_t *s = p->session;
        const store_remote_report_t *report = &self->reports[r++];
        self->stats.batches++;
        if (rc) {
            /* nothing was applied: the child stalls briefly and resumes from
               what the next WELCOME says */
            if (!s->failed) {
                s_send_error (self, s->identity, s->identity_size, LINK_STORE, false,
                              p->seq, 0, "parent store: %s", error);
                s->failed = true;
            }
            continue;
        }
        if (s->state != DOWNLINK_STREAMING)
            continue; /* stopped earlier in this round: its later batches were refused */
        linkmsg_ack_t *ack = &s->ack;
        if (report->status == 0 || report->status == YW_ESTALE) {
            s->touched = true;
            ack->upto_link_seq = report->expected_link_seq - 1;
            ack->next_expected = report->expected_link_seq;
            s->status.applied_seq = report->expected_link_seq - 1;
        }
        switch (report->status) {
            case 0:
                ack->accepted += report->applied;
                ack->stale += report->stale;
                ack->rejected += report->rejected;
                s_ack_add_rejections (ack->rejections, &ack->rejection_count, p->seq,
                                      report);
                s->status.batches++;
                s->status.accepted += report->applied;
                s->status.stale += report->stale;
                s->status.rejected += report->rejected;
                self->stats.events += report->applied;
                break;
            case YW_ESTALE:
                ack->duplicates++;
                s->status.duplicates++;
                break;
            case YW_ESEQ:
                if (p->seq != report->expected_link_seq) {
                    /* a gap on the link: say it once, then drop batches until
                       the child resends from the expected one */
                    if (!s->gap_expected) {
                        s->gap_expected = report->expected_link_seq;
                        s->gap = (linkmsg_error_t){.code = LINK_GAP,
                                                   .link_seq = p->seq,
                                                   .expected = report->expected_link_seq};
                        linkmsg_text (s->gap.message, sizeof s->gap.message, report->error);
                        s->gap_pending = true;
                        s_log (self, "child %s: %s", s->config.id, report->error);
                    }
                }
                else
                    s_stop (self, s, LINK_ORIGIN_GAP, p->seq, report->expected_link_seq,
                            report->error);
                break;
            default:
                s_stop (self, s, LINK_BATCH_INVALID, p->seq, report->expected_link_seq,
                        report->error);
                break;
        }
    }
    return rc;
}

/* Applies the round's snapshot chunks in one transaction. */
static int
s_apply_chunks (downlink_t *self)
{
    size_t count = 0;
    for (size_t i = 0; i < self->pending_count; i++) {
        s_pending_t *p = &self->pending[i];
        if (p->type != LINKMSG_SNAPSHOT_CHUNK)
            continue;
        self->chunks[count++] =
            (store_claims_t){.claims = self->claims + p->first_claim,
                             .sizes = self->claim_sizes + p->first_claim,
                             .count = p->claim_count,
                             .jurisdiction = p->session->prefix};
    }
    if (!count)
        return 0;
    char error[STORE_ERROR_SIZE] = "";
    int64_t start = s_now_us ();
    int rc = store_apply_claims (self->store, self->chunks, count, self->reports, error);
    uint64_t took = (uint64_t)(s_now_us () - start);
    self->stats.rounds++;
    self->stats.last_commit_us = took;
    self->stats.total_commit_us += took;
    size_t r = 0;
    for (size_t i = 0; i < self->pending_count; i++) {
        s_pending_t *p = &self->pending[i];
        if (p->type != LINKMSG_SNAPSHOT_CHUNK)
            continue;
        s_session_t *s = p->session;
        const store_remote_report_t *report = &self->reports[r++];
        if (rc) {
            if (!s->failed) {
                s_send_error (self, s->identity, s->identity_size, LINK_STORE, false, 0, 0,
                              "parent store: %s", error);
                s->failed = true;
                s_set_state (s, DOWNLINK_STREAMING); /* the child starts over */
            }
            continue;
        }
        linkmsg_snapshot_ack_t *ack = &s->snapshot_ack;
        s->snapshot_touched = true;
        ack->snapshot_id = s->snapshot_id;
        ack->upto_chunk = p->seq;
        ack->accepted += report->applied;
        ack->stale += report->stale;
        ack->rejected += report->rejected;
        s_ack_add_rejections (ack->rejections, &ack->rejection_count, 0, report);
        s->snapshot_accepted += report->applied;
        s->snapshot_stale += report->stale;
        s->snapshot_rejected += report->rejected;
        s->status.accepted += report->applied;
        s->status.rejected += report->rejected;
    }
    return rc;
}

/* Applies everything pending, then answers: ACKs after the commit. */
static int
s_flush (downlink_t *self)
{
    int rc = s_apply_batches (self);
    int rc2 = s_apply_chunks (self);
    for (size_t i = 0; i < self->session_count; i++) {
        s_session_t *s = &self->sessions[i];
        if (s->touched) {
            s->ack.credit = self->credit;
            self->reply.type = LINKMSG_ACK;
            memcpy (&self->reply.ack, &s->ack, sizeof s->ack);
            s_session_send (self, s, &self->reply);
        }
        if (s->snapshot_touched && !s->failed) {
            s->snapshot_ack.credit = self->credit;
            self->reply.type = LINKMSG_SNAPSHOT_ACK;
            memcpy (&self->reply.snapshot_ack, &s->snapshot_ack, sizeof s->snapshot_ack);
            s_session_send (self, s, &self->reply);
        }
        if (s->gap_pending) {
            self->reply.type = LINKMSG_ERROR;
            self->reply.error = s->gap;
            s_session_send (self, s, &self->reply);
            s->gap_pending = false;
        }
        if (s->failed && s->state == DOWNLINK_STOPPED)
            s_send_stopped (self, s);
        s->touched = s->snapshot_touched = s->failed = false;
        memset (&s->ack, 0, offsetof (linkmsg_ack_t, rejections));
        s->ack.rejection_count = 0;
        memset (&s->snapshot_ack, 0, offsetof (linkmsg_snapshot_ack_t, rejections));
        s->snapshot_ack.rejection_count = 0;
    }
    s_pending_release (self);
    return rc ? rc : rc2;
}

/* ------------------------------------------------------------ actions */

static void
s_on_hello (downlink_t *self, const uint8_t *identity, size_t identity_size,
            const linkmsg_hello_t *hello)
{
    s_session_t *s = s_session_by_id (self, hello->node_id);
    if (!s) {
        s_log (self, "HELLO from %s, which is not a child of this hub: refused",
               hello->node_id);
        s_send_error (self, identity, identity_size, LINK_UNKNOWN_NODE, true, 0, 0,
                      "%s is not a child of %s (children are declared in its config)",
                      hello->node_id, self->node_id);
        return;
    }
    if (hello->protocol != LINK_PROTOCOL_VERSION) {
        s_send_error (self, identity, identity_size, LINK_PROTOCOL, true, 0, 0,
                      "link protocol %u is not spoken here (%d is)", hello->protocol,
                      LINK_PROTOCOL_VERSION);
        return;
    }
    /* work of this child still pending in the round goes first, so that
       WELCOME says where it really stands */
    for (size_t i = 0; i < self->pending_count; i++)
        if (self->pending[i].session == s) {
            s_flush (self);
            break;
        }
    uint64_t last = 0;
    if (store_link_last (self->store, s->config.id, &last)) {
        s_send_error (self, identity, identity_size, LINK_STORE, false, 0, 0,
                      "parent store unreadable");
        return;
    }
    bool fresh = s->state == DOWNLINK_NONE || s->identity_size != identity_size ||
                 memcmp (s->identity, identity, identity_size) != 0;
    memcpy (s->identity, identity, identity_size);
    s->identity_size = identity_size;
    s->gap_expected = 0;
    s->snapshot_id = 0;
    s->last_seen = yw_monotonic_ms ();
    s->status.last_seen_ms = s->last_seen;
    s->status.log_last = hello->log_last;
    s->status.applied_seq = last;
    s_set_state (s, DOWNLINK_STREAMING);
    uint64_t next = last + 1;
    bool snapshot = next < hello->log_first || next > hello->log_last + 1;
    /* Another incarnation of the child's log (a rebuilt child): its seqs
       are not the ones applied so far, so it sends a snapshot; the new log
       is recorded once the snapshot is applied (s_on_snapshot_end). */
    char name[32 + YW_NODE_ID_SIZE];
    s_log_id_name (name, sizeof name, s->config.id);
    uint64_t known = 0;
    bool recorded = store_meta_get_u64 (self->store, name, &known) == 0;
    s->log_id = hello->log_id;
    if (recorded && known != hello->log_id && last > 0)
        snapshot = true;
    else if (!recorded || known != hello->log_id) {
        char error[STORE_ERROR_SIZE];
        if (store_meta_set_u64 (self->store, name, hello->log_id, error))
            s_log (self, "child %s: cannot record its log id: %s", s->config.id, error);
    }
    self->reply.type = LINKMSG_WELCOME;
    self->reply.welcome = (linkmsg_welcome_t){.protocol = LINK_PROTOCOL_VERSION,
                                              .nonce = hello->nonce,
                                              .next_expected = next,
                                              .credit = self->credit,
                                              .max_batch_events = BATCH_MAX_EVENTS,
                                              .max_batch_bytes = YW_MAX_FRAME,
                                              .heartbeat_ms = self->heartbeat_ms,
                                              .snapshot_needed = snapshot};
    snprintf (self->reply.welcome.node_id, sizeof self->reply.welcome.node_id, "%s",
              self->node_id);
    s_session_send (self, s, &self->reply);
    if (fresh)
        s_log (self, "child %s connected: its log %llu..%llu, applied up to %llu%s",
               s->config.id, (unsigned long long)hello->log_first,
               (unsigned long long)hello->log_last, (unsigned long long)last,
               snapshot ? ", needs a snapshot" : "");
}

static bool
s_has_pending (downlink_t *self, const s_session_t *s)
{
    for (size_t i = 0; i < self->pending_count; i++)
        if (self->pending[i].session == s)
            return true;
    return false;
}

static void
s_on_snapshot_end (downlink_t *self, s_session_t *s, const linkmsg_snapshot_end_t *end)
{
    if (s->state != DOWNLINK_SNAPSHOT || end->snapshot_id != s->snapshot_id ||
        end->chunks != s->chunk_expected - 1) {
        s_send_error (
            self, s->identity, s->identity_size, LINK_SNAPSHOT, false, 0, 0,
            "SNAPSHOT_END for snapshot %llu with %llu chunks does not match (%llu "
            "chunks of snapshot %llu seen)",
            (unsigned long long)end->snapshot_id, (unsigned long long)end->chunks,
            (unsigned long long)(s->chunk_expected - 1),
            (unsigned long long)s->snapshot_id);
        s_set_state (s, DOWNLINK_STREAMING);
        return;
    }
    if (s_has_pending (self, s))
        s_flush (self);
    if (s->state != DOWNLINK_SNAPSHOT)
        return; /* the flush failed and answered */
    store_origin_t *origins =
        yw_calloc (end->origin_count ? end->origin_count : 1, sizeof *origins);
    for (size_t i = 0; i < end->origin_count; i++) {
        snprintf (origins[i].origin_node, sizeof origins[i].origin_node, "%s",
                  end->origins[i].origin_node);
        origins[i].seq = end->origins[i].origin_seq;
        memcpy (origins[i].hash, end->origins[i].hash, YW_HASH_SIZE);
    }
    char error[STORE_ERROR_SIZE] = "";
    int rc = store_snapshot_finish (self->store, s->config.id, s->snapshot_seq, origins,
                                    end->origin_count, self->relay, error);
    free (origins);
    if (rc) {
        s_send_error (self, s->identity, s->identity_size, LINK_STORE, false, 0, 0,
                      "parent store: %s", error);
        s_set_state (s, DOWNLINK_STREAMING);
        return;
    }
    s->status.snapshots++;
    s->status.applied_seq = s->snapshot_seq;
    char name[32 + YW_NODE_ID_SIZE];
    s_log_id_name (name, sizeof name, s->config.id);
    if (store_meta_set_u64 (self->store, name, s->log_id, error))
        s_log (self,
               "child %s: cannot record its log id: %s (the next HELLO asks for a "
               "snapshot again)",
               s->config.id, error);
    s_log (self,
           "child %s: snapshot applied (%llu claims: %llu accepted, %llu stale, %llu "
           "rejected); link at %llu",
           s->config.id, (unsigned long long)end->claims,
           (unsigned long long)s->snapshot_accepted, (unsigned long long)s->snapshot_stale,
           (unsigned long long)s->snapshot_rejected, (unsigned long long)s->snapshot_seq);
    self->reply.type = LINKMSG_SNAPSHOT_ACK;
    linkmsg_snapshot_ack_t *ack = &self->reply.snapshot_ack;
    memset (ack, 0, offsetof (linkmsg_snapshot_ack_t, rejections));
    ack->rejection_count = 0;
    ack->snapshot_id = s->snapshot_id;
    ack->upto_chunk = end->chunks;
    ack->credit = self->credit;
    ack->done = true;
    ack->next_expected = s->snapshot_seq + 1;
    s_session_send (self, s, &self->reply);
    s->snapshot_id = 0;
    s_set_state (s, DOWNLINK_STREAMING);
}

/* Reads one message (identity + payload). Returns 1 with one, 0 when none
   is waiting. */
static int
s_receive (downlink_t *self, uint8_t *identity, size_t *identity_size, zmq_msg_t *payload,
           bool *shape_ok)
{
    zmq_msg_t frame;
    zmq_msg_init (&frame);
    if (zmq_msg_recv (&frame, self->socket, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&frame);
        return 0;
    }
    *identity_size =
        zmq_msg_size (&frame) < S_IDENTITY ? zmq_msg_size (&frame) : S_IDENTITY;
    memcpy (identity, zmq_msg_data (&frame), *identity_size);
    bool more = zmq_msg_more (&frame);
    zmq_msg_close (&frame);
    *shape_ok = false;
    zmq_msg_init (payload);
    if (!more)
        return 1;
    if (zmq_msg_recv (payload, self->socket, 0) < 0)
        return 1;
    *shape_ok = !zmq_msg_more (payload);
    while (zmq_msg_more (payload)) { /* a link message is one frame */
        zmq_msg_close (payload);
        zmq_msg_init (payload);
        if (zmq_msg_recv (payload, self->socket, 0) < 0)
            break;
    }
    return 1;
}

/* One message: answered at once, or kept in the round's pending list.
   Returns true when the payload was kept. */
static bool
s_dispatch (downlink_t *self, const uint8_t *identity, size_t identity_size,
            zmq_msg_t *payload)
{
    char error[LINKMSG_ERROR_SIZE];
    linkmsg_t *msg = &self->msg;
    if (linkmsg_decode (zmq_msg_data (payload), zmq_msg_size (payload), msg, error)) {
        self->stats.malformed++;
        s_log (self, "unreadable frame of %zu bytes: %s", zmq_msg_size (payload), error);
        s_send_error (self, identity, identity_size, LINK_MALFORMED, false, 0, 0, "%s",
                      error);
        return false;
    }
    if (msg->type == LINKMSG_HELLO) {
        s_on_hello (self, identity, identity_size, &msg->hello);
        return false;
    }
    s_session_t *s = s_session_by_identity (self, identity, identity_size);
    if (!s) {
        s_send_error (self, identity, identity_size, LINK_NO_SESSION, false, 0, 0,
                      "no session: say HELLO");
        return false;
    }
    s->last_seen = yw_monotonic_ms ();
    s->status.last_seen_ms = s->last_seen;
    if (s->state == DOWNLINK_STOPPED) {
        if (msg->type != LINKMSG_PING &&
            yw_monotonic_ms () - s->stopped_said >= S_STOPPED_REPEAT_MS)
            s_send_stopped (self, s);
        return false;
    }
    switch (msg->type) {
        case LINKMSG_PING:
            s->status.log_last = msg->ping.log_last;
            self->reply.type = LINKMSG_PONG;
            self->reply.ping = msg->ping;
            s_session_send (self, s, &self->reply);
            return false;
        case LINKMSG_PONG: return false;
        case LINKMSG_BATCH: {
            if (s->state != DOWNLINK_STREAMING) {
                s_send_error (self, identity, identity_size, LINK_PROTOCOL, false,
                              msg->batch.link_seq, 0, "BATCH during a snapshot");
                return false;
            }
            if (msg->batch.link_seq > s->status.log_last)
                s->status.log_last = msg->batch.link_seq;
            if (s->gap_expected) {
                if (msg->batch.link_seq != s->gap_expected)
                    return false; /* sent before the child heard of the gap */
                s->gap_expected = 0;
            }
            s_pending_t *p = &self->pending[self->pending_count++];
            p->session = s;
            p->type = LINKMSG_BATCH;
            p->seq = msg->batch.link_seq;
            p->data = msg->batch.origin_batch;
            p->size = msg->batch.size;
            zmq_msg_init (&p->payload);
            zmq_msg_move (&p->payload, payload);
            self->pending_bytes += p->size;
            return true;
        }
        case LINKMSG_SNAPSHOT_BEGIN:
            if (s_has_pending (self, s))
                s_flush (self);
            s->snapshot_id = msg->snapshot_begin.snapshot_id;
            s->snapshot_seq = msg->snapshot_begin.log_seq;
            s->chunk_expected = 1;
            s->snapshot_accepted = s->snapshot_stale = s->snapshot_rejected = 0;
            s_set_state (s, DOWNLINK_SNAPSHOT);
            s_log (self, "child %s: snapshot of %llu objects at its seq %llu begins",
                   s->config.id, (unsigned long long)msg->snapshot_begin.objects,
                   (unsigned long long)msg->snapshot_begin.log_seq);
            return false;
        case LINKMSG_SNAPSHOT_CHUNK: {
            const linkmsg_snapshot_chunk_t *c = &msg->snapshot_chunk;
            if (s->state != DOWNLINK_SNAPSHOT || c->snapshot_id != s->snapshot_id ||
                c->chunk_seq != s->chunk_expected) {
                if (s->state == DOWNLINK_SNAPSHOT)
                    s_set_state (s, DOWNLINK_STREAMING);
                s_send_error (self, identity, identity_size, LINK_SNAPSHOT, false, 0, 0,
                              "chunk %llu of snapshot %llu out of order (expected %llu of "
                              "%llu)",
                              (unsigned long long)c->chunk_seq,
                              (unsigned long long)c->snapshot_id,
                              (unsigned long long)s->chunk_expected,
                              (unsigned long long)s->snapshot_id);
                return false;
            }
            s->chunk_expected++;
            if (self->claim_count + c->claim_count > self->claim_capacity) {
                while (self->claim_count + c->claim_count > self->claim_capacity)
                    self->claim_capacity =
                        self->claim_capacity ? self->claim_capacity * 2 : 65536;
                self->claims =
                    yw_realloc (self->claims, self->claim_capacity * sizeof *self->claims);
                self->claim_sizes = yw_realloc (
                    self->claim_sizes, self->claim_capacity * sizeof *self->claim_sizes);
            }
            s_pending_t *p = &self->pending[self->pending_count++];
            p->session = s;
            p->type = LINKMSG_SNAPSHOT_CHUNK;
            p->seq = c->chunk_seq;
            p->first_claim = self->claim_count;
            p->claim_count = c->claim_count;
            memcpy (self->claims + self->claim_count, c->claims,
                    c->claim_count * sizeof *c->claims);
            memcpy (self->claim_sizes + self->claim_count, c->sizes,
                    c->claim_count * sizeof *c->sizes);
            self->claim_count += c->claim_count;
            zmq_msg_init (&p->payload);
            zmq_msg_move (&p->payload, payload);
            self->pending_bytes += zmq_msg_size (&p->payload);
            return true;
        }
        case LINKMSG_SNAPSHOT_END:
            s_on_snapshot_end (self, s, &msg->snapshot_end);
            return false;
        default:
            s_send_error (self, identity, identity_size, LINK_PROTOCOL, false, 0, 0,
                          "%s is not something a child sends",
                          linkmsg_type_name (msg->type));
            return false;
    }
}

/* --------------------------------------------------------------- public */

int
downlink_new (void *context, store_t *store, const downlink_options_t *options,
              downlink_t **downlink_p, char *error)
{
    downlink_t *self = yw_calloc (1, sizeof *self);
    self->store = store;
    snprintf (self->node_id, sizeof self->node_id, "%s", options->node_id);
    snprintf (self->who, sizeof self->who, "%s",
              options->log_name ? options->log_name : "downlink");
    self->relay = options->relay;
    self->heartbeat_ms =
        options->heartbeat_ms ? options->heartbeat_ms : DOWNLINK_HEARTBEAT_MS;
    self->credit = options->credit ? options->credit : DOWNLINK_CREDIT;
    self->session_count = options->child_count;
    self->sessions =
        yw_calloc (options->child_count ? options->child_count : 1, sizeof *self->sessions);
    for (size_t i = 0; i < options->child_count; i++) {
        s_session_t *s = &self->sessions[i];
        s->config = options->children[i];
        /* 370100 covers 3701xx, 370000 covers 37xxxx (codebook_region_within) */
        const char *code = s->config.prefix;
        size_t prefix = memcmp (code + 2, "0000", 4) == 0 ? 2
                        : memcmp (code + 4, "00", 2) == 0 ? 4
                                                          : 6;
        memcpy (s->prefix, code, prefix);
        s->prefix[prefix] = '\0';
        snprintf (s->status.id, sizeof s->status.id, "%s", s->config.id);
        snprintf (s->status.jurisdiction, sizeof s->status.jurisdiction, "%s", code);
        store_link_last (store, s->config.id, &s->status.applied_seq);
    }
    self->reports = yw_calloc (DOWNLINK_ROUND_FRAMES, sizeof *self->reports);
    linkmsg_init (&self->msg);
    linkmsg_init (&self->reply);
    wire_buf_init (&self->out);

    self->socket = zmq_socket (context, ZMQ_ROUTER);
    if (!self->socket) {
        snprintf (error, DOWNLINK_ERROR_SIZE, "downlink: zmq_socket: %s",
                  zmq_strerror (zmq_errno ()));
        downlink_destroy (&self);
        return YW_EPEER;
    }
    int linger = 0, mandatory = 1, hwm = 10000;
    int heartbeat = (int)self->heartbeat_ms, heartbeat_timeout = 3 * heartbeat;
    int64_t max_size = YW_MAX_FRAME + 4096;
    zmq_setsockopt (self->socket, ZMQ_LINGER, &linger, sizeof linger);
    /* an answer to a child that is gone fails at once instead of queueing */
    zmq_setsockopt (self->socket, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory);
    zmq_setsockopt (self->socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt (self->socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
    /* a frame over the limit drops the connection; the child reconnects */
    zmq_setsockopt (self->socket, ZMQ_MAXMSGSIZE, &max_size, sizeof max_size);
    zmq_setsockopt (self->socket, ZMQ_HEARTBEAT_IVL, &heartbeat, sizeof heartbeat);
    zmq_setsockopt (self->socket, ZMQ_HEARTBEAT_TIMEOUT, &heartbeat_timeout,
                    sizeof heartbeat_timeout);
    if (zmq_bind (self->socket, options->listen)) {
        snprintf (error, DOWNLINK_ERROR_SIZE, "downlink endpoint %s: cannot bind: %s",
                  options->listen, zmq_strerror (zmq_errno ()));
        downlink_destroy (&self);
        return YW_EPEER;
    }
    size_t size = sizeof self->endpoint;
    zmq_getsockopt (self->socket, ZMQ_LAST_ENDPOINT, self->endpoint, &size);
    *downlink_p = self;
    return 0;
}

void
downlink_destroy (downlink_t **self_p)
{
    if (!*self_p)
        return;
    downlink_t *self = *self_p;
    if (self->stats.rounds)
        s_log (self,
               "%llu group commits of %llu batches, %llu events applied; commit %.1f ms on "
               "average, %.1f ms at most",
               (unsigned long long)self->stats.rounds,
               (unsigned long long)self->stats.batches,
               (unsigned long long)self->stats.events,
               self->stats.total_commit_us / 1000.0 / self->stats.rounds,
               self->stats.max_commit_us / 1000.0);
    s_pending_release (self);
    if (self->socket)
        zmq_close (self->socket);
    linkmsg_free (&self->msg);
    linkmsg_free (&self->reply);
    wire_buf_free (&self->out);
    free (self->claims);
    free (self->claim_sizes);
    free (self->reports);
    free (self->sessions);
    free (self);
    *self_p = NULL;
}

void *
downlink_socket (downlink_t *self)
{
    return self->socket;
}

const char *
downlink_endpoint (const downlink_t *self)
{
    return self->endpoint;
}

int
downlink_on_readable (downlink_t *self)
{
    s_round_begin (self);
    uint8_t identity[S_IDENTITY];
    size_t identity_size;
    zmq_msg_t payload;
    bool shape_ok;
    while (self->pending_count < DOWNLINK_ROUND_FRAMES &&
           self->pending_bytes < DOWNLINK_ROUND_BYTES &&
           s_receive (self, identity, &identity_size, &payload, &shape_ok)) {
        if (!shape_ok) {
            self->stats.malformed++;
            s_send_error (self, identity, identity_size, LINK_MALFORMED, false, 0, 0,
                          "a link message is exactly one frame");
        }
        else
            s_dispatch (self, identity, identity_size, &payload);
        zmq_msg_close (&payload);
    }
    return s_flush (self);
}

int
downlink_tick (downlink_t *self)
{
    int64_t now = yw_monotonic_ms ();
    int64_t silence = (int64_t)self->heartbeat_ms * S_EXPIRE_BEATS;
    if (silence < S_EXPIRE_MIN_MS)
        silence = S_EXPIRE_MIN_MS;
    for (size_t i = 0; i < self->session_count; i++) {
        s_session_t *s = &self->sessions[i];
        if (s->state != DOWNLINK_NONE && now - s->last_seen > silence) {
            s_log (self, "child %s silent for %lld ms: session closed", s->config.id,
                   (long long)(now - s->last_seen));
            s_set_state (s, DOWNLINK_NONE);
            s->identity_size = 0;
        }
    }
    return (int)self->heartbeat_ms;
}

size_t
downlink_child_count (const downlink_t *self)
{
    return self->session_count;
}

void
downlink_child_status (const downlink_t *self, size_t index,
                       downlink_child_status_t *status)
{
    *status = self->sessions[index].status;
}

void
downlink_stats (const downlink_t *self, downlink_stats_t *stats)
{
    *stats = self->stats;
}
