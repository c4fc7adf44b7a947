/*  uplink.h - a node's link to its parent hub (DESIGN 4.3; the protocol is
    docs/PROTOCOL.md): a ZeroMQ DEALER connected to the parent's downlink
    ROUTER that sends the node's outbound log, entry by entry, as BATCH
    {link_seq = log seq, origin_batch = the entry's bytes}.

    The uplink is a state machine driven by the node loop (node.c), in the
    loop's thread, on the store the loop writes:

        uplink_on_readable ()  when uplink_socket () polls readable
        uplink_tick ()         after every loop round and after every commit
                               that may have grown the log: sends what the
                               log and the credit allow, runs the timers

    States (the table is in docs/PROTOCOL.md, "The child"):

        HELLO      HELLO sent, waiting for WELCOME; HELLO again every
                   heartbeat until one comes
        STREAMING  sending log entries from the parent's next_expected,
                   as many as the credit window allows, ACKs move the
                   window and the acknowledged seq
        SNAPSHOT   the parent needs entries this log no longer has (pruned,
                   or the parent was rebuilt): sending a consistent snapshot
                   of the store, then streaming from the seq it was taken at
        STALLED    the parent refused the link (fatal ERROR: a batch fails
                   verification, unknown node id, protocol version) or its
                   store failed; HELLO again after a back-off, loudly

    From any state, a parent silent for 3 heartbeats, or a NO_SESSION error,
    means HELLO again: the parent's WELCOME says where to resume, so batches
    lost in a broken connection are simply sent again, and batches the
    parent already has are acknowledged as duplicates.

    The log's incarnation: a random id kept in the store's meta
    (UPLINK_META_LOG_ID), made the first time, said in every HELLO. A parent
    that applied this link under another incarnation (this node was rebuilt
    from nothing, its seqs start over) asks for a snapshot instead of taking
    seq numbers that mean something else now.

    Pruning: a log entry is removed once the parent has acknowledged it
    (after its durable commit) AND it has been acknowledged for at least the
    retention window (measured by this process: from the ACK, or from the
    start for what was acknowledged before). The acknowledged seq is kept in
    the store's meta (STORE_META_UPLINK_ACK) when pruning and on destroy.
*/
#ifndef YW_UPLINK_H_INCLUDED
#define YW_UPLINK_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _uplink_t uplink_t;

#define UPLINK_ERROR_SIZE 512
#define UPLINK_META_LOG_ID "log_id" /* store meta: the log's incarnation, said in HELLO */

typedef struct {
    const char *parent;       /* the parent's downlink endpoint (tcp://...) */
    const char *node_id;      /* this node's id, said in HELLO */
    const char *jurisdiction; /* this node's region code, said in HELLO */
    uint64_t retention_ms;    /* keep acknowledged entries this long */
    uint32_t heartbeat_ms;    /* until WELCOME says: HELLO retry, silence; 0 = 1000 */
    const char *log_name;     /* prefix of log lines, e.g. "yiwang-node[x] uplink" */
} uplink_options_t;

typedef enum {
    UPLINK_HELLO = 0,
    UPLINK_STREAMING = 1,
    UPLINK_SNAPSHOT = 2,
    UPLINK_STALLED = 3
} uplink_state_t;

typedef struct {
    uplink_state_t state;
    uint64_t acked;      /* the parent has every entry up to here, durably */
    uint64_t next_send;  /* next link seq to send */
    uint64_t log_last;   /* this log's head, when last looked */
    uint64_t sent;       /* BATCH messages sent since start (resends included) */
    uint64_t accepted;   /* events the parent reported applied */
    uint64_t stale;      /* ... older than what it had */
    uint64_t duplicates; /* batches it already had */
    uint64_t rejected;   /* events it refused for content */
    uint64_t hellos;     /* HELLOs sent: 1 + reconnects and retries */
    uint64_t snapshots;  /* snapshots completed */
    uint64_t pruned_upto;
} uplink_status_t;

/* Creates the DEALER in `context`, connects it to options->parent and says
   HELLO. The store is borrowed (the node's, written in the same thread).
   Returns 0 and *uplink_p, or YW_ECONFIG / YW_EPEER with `error`
   (UPLINK_ERROR_SIZE bytes). */
int uplink_new (void *context, store_t *store, const uplink_options_t *options,
                uplink_t **uplink_p, char *error);

/* Closes the socket and keeps the acknowledged seq in the store's meta.
   Idempotent; sets *self_p = NULL. */
void uplink_destroy (uplink_t **self_p);

/* The socket to poll for ZMQ_POLLIN. */
void *uplink_socket (uplink_t *self);

/* Handles every message waiting on the socket. Returns 0. */
int uplink_on_readable (uplink_t *self);

/* Sends what the log and the credit allow and runs the timers (HELLO
   retry, PING, silence, stall back-off, pruning). Returns the ms until it
   wants to be called again at the latest. */
int uplink_tick (uplink_t *self);

/* What the uplink is doing, for status and tests. */
void uplink_status (const uplink_t *self, uplink_status_t *status);

/* Name of a state ("STREAMING"). */
const char *uplink_state_name (uplink_state_t state);

#ifdef __cplusplus
}
#endif

#endif
