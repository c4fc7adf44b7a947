/*  uplink.c - the child end of a replication link: a state machine over a
    DEALER, fed from the store's log. */
#include "uplink.h"

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

#define S_HEARTBEAT_DEFAULT 1000
#define S_HELLO_RETRY_MS                                                                   \
    250                    /* HELLO again this often until WELCOME (at most a heartbeat) */
#define S_SILENCE_BEATS 10 /* a parent silent this many heartbeats is gone */
#define S_STALL_BEATS 10   /* back-off after a refusal, in heartbeats */
#define S_STORE_STALL_BEATS 3    /* back-off after the parent's store failed */
#define S_PRUNE_EVERY_MS 1000    /* at most one prune commit a second */
#define S_MARKS 64               /* acknowledgement times kept for retention */
#define S_CHUNK_CLAIMS 4096      /* claims per snapshot chunk */
#define S_CHUNK_BYTES (4u << 20) /* ... and bytes */
#define S_REJECTIONS_LOGGED 20   /* rejected events logged per minute */
#define S_CONNECT_WAIT_MS 200    /* at start, for the connection before the first HELLO */
#define S_HELLO_NONCES 8         /* the latest HELLOs of an attempt a WELCOME may answer */

typedef struct {
    uint64_t seq;  /* acknowledged up to here ... */
    int64_t at_ms; /* ... at this time */
} s_mark_t;

struct _uplink_t {
    store_t *store;
    void *socket;
    char parent[256];
    char node_id[YW_NODE_ID_SIZE];
    char jurisdiction[YW_REGION_SIZE];
    char who[128];
    uint64_t retention_ms;

    uplink_state_t state;
    int64_t state_since;
    int64_t stall_ms; /* STALLED: how long */
    /* the nonces of the HELLOs sent since the uplink last went to HELLO (the
       latest S_HELLO_NONCES, in a ring): a WELCOME to any of them is taken,
       because a parent or a loop busy for longer than the retry interval
       answers, or reads the answer, after the next HELLO has gone */
    uint64_t nonces[S_HELLO_NONCES];
    unsigned nonce_count;
    int64_t hello_sent;
    int64_t last_recv;
    int64_t last_ping;
    int64_t last_progress; /* an ACK that moved, or the window opening */

    /* what the parent said in WELCOME */
    char parent_id[YW_NODE_ID_SIZE];
    uint32_t heartbeat_ms;
    uint32_t credit;
    uint32_t max_events;
    uint64_t max_bytes;

    uint64_t log_id;     /* this log's incarnation (meta UPLINK_LOG_ID) */
    uint64_t acked;      /* durable at the parent */
    uint64_t next_send;  /* next link seq to send */
    uint64_t window_end; /* may send seqs up to here */
    uint64_t log_first, log_last;

    /* pruning */
    s_mark_t marks[S_MARKS];
    size_t mark_count;
    uint64_t saved_ack; /* in meta */
    uint64_t pruned_upto;
    int64_t last_prune;

    /* snapshot being sent */
    store_snapshot_t *snapshot;
    uint64_t snapshot_id;
    uint64_t snapshot_seq;    /* log seq it was taken at */
    uint64_t snapshot_claims; /* claims sent */
    uint64_t chunk_next;      /* next chunk seq to send */
    uint64_t chunk_acked;
    bool claims_done;
    bool end_sent;

    /* rejection log budget */
    int64_t reject_window;
    int reject_logged;

    uplink_status_t stats;
    linkmsg_t msg;
    wire_buf_t out;
};

static uint64_t
s_random64 (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    static uint64_t counter = 0;
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (++counter << 48) ^
                 (uint64_t)(uintptr_t)&counter;
    /* splitmix64: nonces and snapshot ids only need to differ, not be secret */
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return (x ^ (x >> 31)) | 1;
}

static void s_log (uplink_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
s_log (uplink_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    logline_v (self->who, format, args);
    va_end (args);
}

const char *
uplink_state_name (uplink_state_t state)
{
    switch (state) {
        case UPLINK_HELLO: return "HELLO";
        case UPLINK_STREAMING: return "STREAMING";
        case UPLINK_SNAPSHOT: return "SNAPSHOT";
        case UPLINK_STALLED: return "STALLED";
    }
    return "?";
}

static int64_t
s_hello_retry (const uplink_t *self)
{
    return self->heartbeat_ms < S_HELLO_RETRY_MS ? self->heartbeat_ms : S_HELLO_RETRY_MS;
}

static void
s_set_state (uplink_t *self, uplink_state_t state)
{
    self->state = state;
    self->state_since = yw_monotonic_ms ();
}

/* Sends what is in self->out. Returns 0, or YW_EPEER when the message
   cannot go now (no connection yet, or the pipe is full): the caller tries
   again on a later tick. */
static int
s_send_out (uplink_t *self)
{
    if (zmq_send (self->socket, self->out.data, self->out.size, ZMQ_DONTWAIT) < 0)
        return YW_EPEER;
    return 0;
}

static int
s_send (uplink_t *self, const linkmsg_t *msg)
{
    linkmsg_encode (msg, &self->out);
    return s_send_out (self);
}

static void
s_refresh_log (uplink_t *self)
{
    uint64_t first = 0, last = 0;
    if (store_log_range (self->store, &first, &last) == 0) {
        self->log_first = first;
        self->log_last = last;
    }
}

/* ------------------------------------------------------------ snapshot */

static void
s_snapshot_drop (uplink_t *self)
{
    store_snapshot_destroy (&self->snapshot);
    self->snapshot_id = 0;
}

/* ------------------------------------------------------------- actions */

static void
s_send_hello (uplink_t *self)
{
    s_snapshot_drop (self);
    s_refresh_log (self);
    if (self->state != UPLINK_HELLO)
        self->nonce_count = 0;
    uint64_t nonce = s_random64 ();
    self->nonces[self->nonce_count++ % S_HELLO_NONCES] = nonce;
    memset (&self->msg.hello, 0, sizeof self->msg.hello);
    self->msg.type = LINKMSG_HELLO;
    linkmsg_hello_t *hello = &self->msg.hello;
    hello->protocol = LINK_PROTOCOL_VERSION;
    snprintf (hello->node_id, sizeof hello->node_id, "%s", self->node_id);
    snprintf (hello->jurisdiction, sizeof hello->jurisdiction, "%s", self->jurisdiction);
    hello->log_first = self->log_first;
    hello->log_last = self->log_last;
    hello->nonce = nonce;
    hello->log_id = self->log_id;
    s_send (self, &self->msg); /* not connected yet: the retry timer sends it again */
    self->hello_sent = yw_monotonic_ms ();
    self->stats.hellos++;
    if (self->state != UPLINK_HELLO)
        s_set_state (self, UPLINK_HELLO);
}

static void
s_stall (uplink_t *self, int64_t for_ms)
{
    s_snapshot_drop (self);
    self->stall_ms = for_ms;
    s_set_state (self, UPLINK_STALLED);
}

/* Remembers when `seq` was acknowledged, for the retention window. */
static void
s_mark (uplink_t *self, uint64_t seq, int64_t now)
{
    if (self->mark_count && self->marks[self->mark_count - 1].seq >= seq)
        return;
    /* a new mark at most every retention/S_MARKS: the ring then spans the
       whole window, and a full ring drops its oldest mark */
    int64_t spacing = (int64_t)(self->retention_ms / S_MARKS);
    if (self->mark_count && now - self->marks[self->mark_count - 1].at_ms < spacing)
        return;
    if (self->mark_count == S_MARKS) {
        memmove (self->marks, self->marks + 1, (S_MARKS - 1) * sizeof self->marks[0]);
        self->mark_count--;
    }
    self->marks[self->mark_count++] = (s_mark_t){seq, now};
}

static void
s_prune (uplink_t *self, int64_t now)
{
    /* an ACK that came too soon after the last mark gets its mark now */
    s_mark (self, self->acked, now);
    if (now - self->last_prune < S_PRUNE_EVERY_MS)
        return;
    /* the highest seq acknowledged at least retention_ms ago */
    uint64_t upto = 0;
    size_t used = 0;
    for (size_t i = 0; i < self->mark_count; i++) {
        if (now - self->marks[i].at_ms < (int64_t)self->retention_ms)
            break;
        upto = self->marks[i].seq;
        used = i + 1;
    }
    if (self->retention_ms == 0)
        upto = self->acked;
    if (upto > self->acked)
        upto = self->acked;
    if (used > 1) { /* keep the last used mark: later ones build on it */
        memmove (self->marks, self->marks + used - 1,
                 (self->mark_count - used + 1) * sizeof self->marks[0]);
        self->mark_count -= used - 1;
    }
    char error[STORE_ERROR_SIZE] = "";
    if (self->acked > self->saved_ack) {
        self->last_prune = now;
        if (store_meta_set_u64 (self->store, STORE_META_UPLINK_ACK, self->acked, error) ==
            0)
            self->saved_ack = self->acked;
        else
            s_log (self, "cannot keep the acknowledged seq: %s", error);
    }
    if (upto <= self->pruned_upto || upto < self->log_first)
        return;
    /* a snapshot being sent reads its own transaction: pruning does not
       disturb it, and the log after its seq is what follows it */
    self->last_prune = now;
    if (store_log_prune (self->store, upto, error) == 0) {
        self->pruned_upto = upto;
        self->stats.pruned_upto = upto;
    }
    else
        s_log (self, "cannot prune the log up to %llu: %s", (unsigned long long)upto,
               error);
}

typedef struct {
    uplink_t *self;
    uint64_t expect;
    int rc;
} s_sender_t;

static int
s_send_entry (void *arg, uint64_t seq, const uint8_t *batch, size_t size)
{
    s_sender_t *sender = arg;
    uplink_t *self = sender->self;
    if (seq != sender->expect) {
        /* the log has a hole where the parent needs an entry: only a
           snapshot can bridge it */
        sender->rc = YW_ESEQ;
        return 1;
    }
    if (self->max_bytes && size > self->max_bytes) {
        s_log (self,
               "log entry %llu is %zu bytes, over the parent's limit of %llu: the link "
               "cannot go on until the parent takes larger batches",
               (unsigned long long)seq, size, (unsigned long long)self->max_bytes);
        sender->rc = YW_ETOOBIG;
        return 1;
    }
    linkmsg_encode_batch (&self->out, seq, batch, size);
    if (s_send_out (self)) {
        sender->rc = YW_EPEER;
        return 1;
    }
    self->stats.sent++;
    sender->expect = seq + 1;
    self->next_send = seq + 1;
    return 0;
}

static void s_start_snapshot (uplink_t *self);

/* Sends log entries while the window and the log allow. */
static void
s_send_batches (uplink_t *self)
{
    if (self->next_send > self->window_end)
        return;
    s_refresh_log (self);
    if (self->next_send > self->log_last)
        return;
    if (self->next_send < self->log_first) {
        s_log (self, "the parent needs seq %llu but the log starts at %llu: snapshot",
               (unsigned long long)self->next_send, (unsigned long long)self->log_first);
        s_start_snapshot (self);
        return;
    }
    /* the wait for an ACK starts when something goes out to an idle link */
    bool idle = self->next_send == self->acked + 1;
    s_sender_t sender = {self, self->next_send, 0};
    uint64_t room = self->window_end - self->next_send + 1;
    store_log_each (self->store, self->next_send, (size_t)room, s_send_entry, &sender);
    if (idle && self->next_send > self->acked + 1)
        self->last_progress = yw_monotonic_ms ();
    if (sender.rc == YW_ETOOBIG)
        s_stall (self, (int64_t)self->heartbeat_ms * S_STALL_BEATS);
    else if (sender.rc == YW_ESEQ)
        s_start_snapshot (self);
}

static void
s_send_ping (uplink_t *self, int64_t now)
{
    self->msg.type = LINKMSG_PING;
    self->msg.ping.nonce = (uint64_t)now;
    self->msg.ping.log_last = self->log_last;
    s_send (self, &self->msg);
    self->last_ping = now;
}

/* -------------------------------------------------------- snapshot send */

static void
s_start_snapshot (uplink_t *self)
{
    s_snapshot_drop (self);
    char error[STORE_ERROR_SIZE] = "";
    uint64_t claims = 0;
    int rc = store_snapshot_open (self->store, &self->snapshot, &self->snapshot_seq,
                                  &claims, error);
    if (rc) {
        s_log (self, "cannot take a snapshot: %s", error);
        s_stall (self, (int64_t)self->heartbeat_ms * S_STORE_STALL_BEATS);
        return;
    }
    self->snapshot_id = s_random64 ();
    self->snapshot_claims = 0;
    self->chunk_next = 1;
    self->chunk_acked = 0;
    self->claims_done = false;
    self->end_sent = false;
    self->msg.type = LINKMSG_SNAPSHOT_BEGIN;
    self->msg.snapshot_begin = (linkmsg_snapshot_begin_t){
        .snapshot_id = self->snapshot_id, .log_seq = self->snapshot_seq, .objects = claims};
    s_log (self, "sending a snapshot: %llu objects, then the log from %llu",
           (unsigned long long)claims, (unsigned long long)(self->snapshot_seq + 1));
    s_set_state (self, UPLINK_SNAPSHOT);
    self->last_progress = yw_monotonic_ms ();
    if (s_send (self, &self->msg)) {
        /* the connection is not there: start over with HELLO */
        s_send_hello (self);
    }
}

static int
s_chunk_claim (void *arg, const uint8_t *record, size_t size)
{
    uplink_t *self = arg;
    linkmsg_chunk_add (&self->out, record, size);
    self->snapshot_claims++;
    return 0;
}

static void
s_send_chunks (uplink_t *self)
{
    while (!self->claims_done && self->chunk_next <= self->chunk_acked + self->credit) {
        size_t mark = linkmsg_chunk_begin (&self->out, self->snapshot_id, self->chunk_next);
        char error[STORE_ERROR_SIZE] = "";
        uint64_t before = self->snapshot_claims;
        int rc = store_snapshot_next (self->snapshot, S_CHUNK_CLAIMS, S_CHUNK_BYTES,
                                      s_chunk_claim, self, &self->claims_done, error);
        if (rc) {
            s_log (self, "snapshot read failed: %s", error);
            s_stall (self, (int64_t)self->heartbeat_ms * S_STORE_STALL_BEATS);
            return;
        }
        if (self->snapshot_claims == before)
            break; /* nothing more (an empty store sends no chunk) */
        linkmsg_chunk_end (&self->out, mark);
        if (s_send_out (self)) {
            s_send_hello (self); /* the chunk is lost: start over */
            return;
        }
        self->chunk_next++;
    }
    if (self->claims_done && !self->end_sent) {
        store_origin_t *origins = NULL;
        size_t count = 0;
        if (store_snapshot_origins (self->snapshot, &origins, &count)) {
            s_stall (self, (int64_t)self->heartbeat_ms * S_STORE_STALL_BEATS);
            return;
        }
        linkmsg_origin_t *list = yw_calloc (count ? count : 1, sizeof *list);
        for (size_t i = 0; i < count; i++) {
            snprintf (list[i].origin_node, sizeof list[i].origin_node, "%s",
                      origins[i].origin_node);
            list[i].origin_seq = origins[i].seq;
            memcpy (list[i].hash, origins[i].hash, YW_HASH_SIZE);
        }
        free (origins);
        linkmsg_t end;
        linkmsg_init (&end);
        end.type = LINKMSG_SNAPSHOT_END;
        end.snapshot_end.snapshot_id = self->snapshot_id;
        end.snapshot_end.chunks = self->chunk_next - 1;
        end.snapshot_end.claims = self->snapshot_claims;
        end.snapshot_end.origins = list;
        end.snapshot_end.origin_count = count;
        int rc = s_send (self, &end);
        free (list);
        if (rc) {
            s_send_hello (self);
            return;
        }
        self->end_sent = true;
    }
}

/* ------------------------------------------------------------- events */

static void
s_stream_from (uplink_t *self, uint64_t next_expected)
{
    self->next_send = next_expected;
    /* the parent's word wins over ours: a parent restored from a backup
       has less than it once acknowledged */
    self->acked = next_expected - 1;
    self->window_end = self->acked + self->credit;
    self->last_progress = yw_monotonic_ms ();
    s_mark (self, self->acked, yw_monotonic_ms ());
    s_set_state (self, UPLINK_STREAMING);
    s_send_batches (self);
}

/* Whether a WELCOME answers a HELLO of the attempt under way. */
static bool
s_hello_answered (const uplink_t *self, uint64_t nonce)
{
    unsigned kept = self->nonce_count < S_HELLO_NONCES ? self->nonce_count : S_HELLO_NONCES;
    for (unsigned i = 0; i < kept; i++)
        if (self->nonces[i] == nonce)
            return true;
    return false;
}

static void
s_on_welcome (uplink_t *self, const linkmsg_welcome_t *welcome)
{
    if (self->state != UPLINK_HELLO || !s_hello_answered (self, welcome->nonce))
        return; /* an answer to a HELLO of an earlier attempt */
    if (welcome->protocol != LINK_PROTOCOL_VERSION) {
        s_log (self, "parent %s speaks link protocol %u, not %d: stalled", welcome->node_id,
               welcome->protocol, LINK_PROTOCOL_VERSION);
        s_stall (self, (int64_t)self->heartbeat_ms * S_STALL_BEATS);
        return;
    }
    snprintf (self->parent_id, sizeof self->parent_id, "%s", welcome->node_id);
    self->heartbeat_ms =
        welcome->heartbeat_ms ? welcome->heartbeat_ms : S_HEARTBEAT_DEFAULT;
    self->credit = welcome->credit ? welcome->credit : 1;
    self->max_events = welcome->max_batch_events;
    self->max_bytes = welcome->max_batch_bytes;
    s_refresh_log (self);
    uint64_t next = welcome->next_expected ? welcome->next_expected : 1;
    /* the parent needs what this log no longer has (pruned), or it is
       ahead of this log (this node was rebuilt): only a snapshot of the
       store makes it whole */
    bool snapshot =
        welcome->snapshot_needed || next < self->log_first || next > self->log_last + 1;
    s_log (self, "parent %s welcomes: next seq %llu, log %llu..%llu, credit %u%s",
           welcome->node_id, (unsigned long long)next, (unsigned long long)self->log_first,
           (unsigned long long)self->log_last, self->credit, snapshot ? ", snapshot" : "");
    if (snapshot)
        s_start_snapshot (self);
    else
        s_stream_from (self, next);
}

static void
s_log_rejections (uplink_t *self, const linkmsg_rejection_t *rejections, size_t count,
                  uint64_t total)
{
    int64_t now = yw_monotonic_ms ();
    if (now - self->reject_window > 60000) {
        self->reject_window = now;
        self->reject_logged = 0;
    }
    for (size_t i = 0; i < count && self->reject_logged < S_REJECTIONS_LOGGED; i++) {
        const linkmsg_rejection_t *r = &rejections[i];
        s_log (self, "parent rejected seq %llu %s: %s: %s", (unsigned long long)r->link_seq,
               r->object_code, r->reason, r->message);
        self->reject_logged++;
    }
    if (total > count && self->reject_logged < S_REJECTIONS_LOGGED)
        s_log (self, "... %llu rejected events in all in this acknowledgement",
               (unsigned long long)total);
}

static void
s_on_ack (uplink_t *self, const linkmsg_ack_t *ack)
{
    if (self->state != UPLINK_STREAMING)
        return;
    int64_t now = yw_monotonic_ms ();
    self->stats.accepted += ack->accepted;
    self->stats.stale += ack->stale;
    self->stats.duplicates += ack->duplicates;
    self->stats.rejected += ack->rejected;
    if (ack->rejected)
        s_log_rejections (self, ack->rejections, ack->rejection_count, ack->rejected);
    if (ack->upto_link_seq > self->acked) {
        self->acked = ack->upto_link_seq;
        self->last_progress = now;
        s_mark (self, self->acked, now);
    }
    if (self->next_send < self->acked + 1)
        self->next_send = self->acked + 1;
    uint64_t credit = ack->credit ? ack->credit : self->credit;
    self->window_end = ack->upto_link_seq + credit;
    s_send_batches (self);
}

static void
s_on_error (uplink_t *self, const linkmsg_error_t *error)
{
    const char *name = linkmsg_error_name (error->code);
    switch (error->code) {
        case LINK_GAP:
        case LINK_CREDIT:
            if (self->state != UPLINK_STREAMING)
                return;
            s_log (self, "parent: %s (%s): resending from %llu", error->message, name,
                   (unsigned long long)error->expected);
            if (error->expected) {
                if (error->expected - 1 > self->acked)
                    self->acked = error->expected - 1;
                self->next_send = error->expected;
                self->window_end = self->acked + self->credit;
            }
            s_send_batches (self);
            return;
        case LINK_NO_SESSION:
            /* every batch in flight gets this answer: one HELLO will do */
            if (self->state == UPLINK_HELLO)
                return;
            s_log (self, "parent has no session for this node: HELLO again");
            s_send_hello (self);
            return;
        case LINK_STORE:
            s_log (self, "parent's store failed: %s; retrying in %u ms", error->message,
                   self->heartbeat_ms * S_STORE_STALL_BEATS);
            s_stall (self, (int64_t)self->heartbeat_ms * S_STORE_STALL_BEATS);
            return;
        case LINK_SNAPSHOT:
            s_log (self, "parent refused the snapshot: %s; HELLO again", error->message);
            s_send_hello (self);
            return;
        default:
            s_log (self,
                   "LINK STOPPED: parent %s refuses the link: %s: %s%s (seq %llu); "
                   "retrying every %u ms until an operator acts",
                   self->parent_id[0] ? self->parent_id : self->parent, name,
                   error->message, error->fatal ? " (fatal)" : "",
                   (unsigned long long)error->link_seq, self->heartbeat_ms * S_STALL_BEATS);
            s_stall (self, (int64_t)self->heartbeat_ms * S_STALL_BEATS);
            return;
    }
}

static void
s_on_snapshot_ack (uplink_t *self, const linkmsg_snapshot_ack_t *ack)
{
    if (self->state != UPLINK_SNAPSHOT || ack->snapshot_id != self->snapshot_id)
        return;
    self->stats.accepted += ack->accepted;
    self->stats.stale += ack->stale;
    self->stats.rejected += ack->rejected;
    if (ack->rejected)
        s_log_rejections (self, ack->rejections, ack->rejection_count, ack->rejected);
    if (ack->upto_chunk > self->chunk_acked) {
        self->chunk_acked = ack->upto_chunk;
        self->last_progress = yw_monotonic_ms ();
    }
    if (ack->credit)
        self->credit = ack->credit;
    if (ack->done) {
        s_log (self, "snapshot applied by the parent (%llu claims): streaming from %llu",
               (unsigned long long)self->snapshot_claims,
               (unsigned long long)ack->next_expected);
        self->stats.snapshots++;
        s_snapshot_drop (self);
        s_stream_from (self,
                       ack->next_expected ? ack->next_expected : self->snapshot_seq + 1);
        return;
    }
    s_send_chunks (self);
}

static void
s_on_message (uplink_t *self, const void *data, size_t size)
{
    char error[LINKMSG_ERROR_SIZE];
    if (linkmsg_decode (data, size, &self->msg, error)) {
        s_log (self, "unreadable message from the parent (%zu bytes): %s", size, error);
        return;
    }
    self->last_recv = yw_monotonic_ms ();
    switch (self->msg.type) {
        case LINKMSG_WELCOME: s_on_welcome (self, &self->msg.welcome); break;
        case LINKMSG_ACK: s_on_ack (self, &self->msg.ack); break;
        case LINKMSG_ERROR: s_on_error (self, &self->msg.error); break;
        case LINKMSG_SNAPSHOT_ACK: s_on_snapshot_ack (self, &self->msg.snapshot_ack); break;
        case LINKMSG_PONG: break;
        case LINKMSG_PING: /* a parent may probe too */
            self->msg.type = LINKMSG_PONG;
            s_send (self, &self->msg);
            break;
        default:
            s_log (self, "unexpected %s from the parent, ignored",
                   linkmsg_type_name (self->msg.type));
            break;
    }
}

/* --------------------------------------------------------------- public */

int
uplink_new (void *context, store_t *store, const uplink_options_t *options,
            uplink_t **uplink_p, char *error)
{
    if (!options->parent || !options->parent[0] || strlen (options->parent) >= 256) {
        snprintf (error, UPLINK_ERROR_SIZE, "uplink: no usable parent endpoint");
        return YW_ECONFIG;
    }
    uplink_t *self = yw_calloc (1, sizeof *self);
    self->store = store;
    snprintf (self->parent, sizeof self->parent, "%s", options->parent);
    snprintf (self->node_id, sizeof self->node_id, "%s", options->node_id);
    snprintf (self->jurisdiction, sizeof self->jurisdiction, "%s",
              options->jurisdiction ? options->jurisdiction : "");
    snprintf (self->who, sizeof self->who, "%s",
              options->log_name ? options->log_name : "uplink");
    self->retention_ms = options->retention_ms;
    self->heartbeat_ms =
        options->heartbeat_ms ? options->heartbeat_ms : S_HEARTBEAT_DEFAULT;
    self->credit = 1;
    linkmsg_init (&self->msg);
    wire_buf_init (&self->out);

    self->socket = zmq_socket (context, ZMQ_DEALER);
    if (!self->socket) {
        snprintf (error, UPLINK_ERROR_SIZE, "uplink: zmq_socket: %s",
                  zmq_strerror (zmq_errno ()));
        uplink_destroy (&self);
        return YW_EPEER;
    }
    int linger = 0, immediate = 1, reconnect = 100, reconnect_max = 2000;
    int hwm = 10000, heartbeat = (int)self->heartbeat_ms, heartbeat_timeout = 3 * heartbeat;
    int64_t max_size = YW_MAX_FRAME + 4096;
    zmq_setsockopt (self->socket, ZMQ_LINGER, &linger, sizeof linger);
    /* no queueing to a connection that is not up: a message that cannot go
       is sent again after the next WELCOME, from where the parent says */
    zmq_setsockopt (self->socket, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    zmq_setsockopt (self->socket, ZMQ_RECONNECT_IVL, &reconnect, sizeof reconnect);
    zmq_setsockopt (self->socket, ZMQ_RECONNECT_IVL_MAX, &reconnect_max,
                    sizeof reconnect_max);
    zmq_setsockopt (self->socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt (self->socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt (self->socket, ZMQ_MAXMSGSIZE, &max_size, sizeof max_size);
    /* ZMTP heartbeats find a dead TCP connection and make ZeroMQ reconnect */
    zmq_setsockopt (self->socket, ZMQ_HEARTBEAT_IVL, &heartbeat, sizeof heartbeat);
    zmq_setsockopt (self->socket, ZMQ_HEARTBEAT_TIMEOUT, &heartbeat_timeout,
                    sizeof heartbeat_timeout);
    if (zmq_connect (self->socket, self->parent)) {
        snprintf (error, UPLINK_ERROR_SIZE, "uplink: parent endpoint %s: %s", self->parent,
                  zmq_strerror (zmq_errno ()));
        uplink_destroy (&self);
        return YW_ECONFIG;
    }
    /* the log's incarnation: made once with the store, so that a parent
       can tell this log from one that had the same seqs before a rebuild */
    if (store_meta_get_u64 (store, UPLINK_META_LOG_ID, &self->log_id)) {
        self->log_id = s_random64 ();
        char store_error[STORE_ERROR_SIZE];
        if (store_meta_set_u64 (store, UPLINK_META_LOG_ID, self->log_id, store_error)) {
            snprintf (error, UPLINK_ERROR_SIZE, "uplink: %s", store_error);
            uplink_destroy (&self);
            return YW_ESTORE;
        }
    }
    uint64_t acked = 0;
    if (store_meta_get_u64 (store, STORE_META_UPLINK_ACK, &acked) == 0) {
        self->acked = self->saved_ack = acked;
        /* what was acknowledged before this start ages from now */
        s_mark (self, acked, yw_monotonic_ms ());
    }
    s_refresh_log (self);
    self->pruned_upto = self->log_first ? self->log_first - 1 : 0;
    int64_t now = yw_monotonic_ms ();
    self->last_recv = self->last_progress = self->last_prune = now;
    self->state = UPLINK_HELLO;
    self->state_since = now;
    /* the first HELLO as soon as the connection is up (a parent on this
       network answers within milliseconds): a HELLO sent before it is
       dropped (ZMQ_IMMEDIATE), and the retry would wait for the loop, which
       on a hub may be busy with a child's group commit for a second */
    zmq_pollitem_t item = {self->socket, 0, ZMQ_POLLOUT, 0};
    zmq_poll (&item, 1, S_CONNECT_WAIT_MS);
    s_send_hello (self);
    *uplink_p = self;
    return 0;
}

void
uplink_destroy (uplink_t **self_p)
{
    if (!*self_p)
        return;
    uplink_t *self = *self_p;
    if (self->acked > self->saved_ack) {
        char error[STORE_ERROR_SIZE];
        store_meta_set_u64 (self->store, STORE_META_UPLINK_ACK, self->acked, error);
    }
    s_snapshot_drop (self);
    if (self->socket)
        zmq_close (self->socket);
    linkmsg_free (&self->msg);
    wire_buf_free (&self->out);
    free (self);
    *self_p = NULL;
}

void *
uplink_socket (uplink_t *self)
{
    return self->socket;
}

int
uplink_on_readable (uplink_t *self)
{
    for (int i = 0; i < 1000; i++) { /* bounded: the loop has other work */
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, self->socket, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&frame);
            break;
        }
        bool more = zmq_msg_more (&frame);
        if (more) {
            /* a link message is one frame: drop the rest */
            s_log (self, "a message of several frames from the parent, dropped");
            do {
                zmq_msg_close (&frame);
                zmq_msg_init (&frame);
                if (zmq_msg_recv (&frame, self->socket, 0) < 0)
                    break;
            } while (zmq_msg_more (&frame));
            zmq_msg_close (&frame);
            continue;
        }
        s_on_message (self, zmq_msg_data (&frame), zmq_msg_size (&frame));
        zmq_msg_close (&frame);
    }
    return 0;
}

int
uplink_tick (uplink_t *self)
{
    int64_t now = yw_monotonic_ms ();
    int64_t beat = self->heartbeat_ms;
    int64_t silence = beat * S_SILENCE_BEATS;
    switch (self->state) {
        case UPLINK_HELLO:
            if (now - self->hello_sent >= s_hello_retry (self))
                s_send_hello (self);
            break;
        case UPLINK_STREAMING:
            s_send_batches (self);
            /* silence, or batches out and no ACK moving for that long */
            if (now - self->last_recv >= silence ||
                (self->next_send > self->acked + 1 &&
                 now - self->last_progress >= silence)) {
                s_log (self,
                       "parent silent for %lld ms (acknowledged %llu, sent up to %llu): "
                       "HELLO again",
                       (long long)(now - (self->last_recv > self->last_progress
                                              ? self->last_progress
                                              : self->last_recv)),
                       (unsigned long long)self->acked,
                       (unsigned long long)(self->next_send - 1));
                s_send_hello (self);
            }
            else if (now - self->last_recv >= beat && now - self->last_ping >= beat)
                s_send_ping (self, now);
            break;
        case UPLINK_SNAPSHOT:
            s_send_chunks (self);
            if (self->state == UPLINK_SNAPSHOT && now - self->last_progress >= silence &&
                now - self->last_recv >= silence) {
                s_log (self, "parent silent during the snapshot: HELLO again");
                s_send_hello (self);
            }
            else if (self->state == UPLINK_SNAPSHOT && now - self->last_recv >= beat &&
                     now - self->last_ping >= beat)
                s_send_ping (self, now);
            break;
        case UPLINK_STALLED:
            if (now - self->state_since >= self->stall_ms)
                s_send_hello (self);
            break;
    }
    s_prune (self, now);
    int64_t wait = beat;
    if (self->state == UPLINK_HELLO)
        wait = self->hello_sent + s_hello_retry (self) - now;
    if (wait < 1)
        wait = 1;
    return (int)wait;
}

void
uplink_status (const uplink_t *self, uplink_status_t *status)
{
    *status = self->stats;
    status->state = self->state;
    status->acked = self->acked;
    status->next_send = self->next_send;
    status->log_last = self->log_last;
}
