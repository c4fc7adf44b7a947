/*  downlink.h - a hub's end of its children's links (DESIGN 5.1; the
    protocol is docs/PROTOCOL.md): a ZeroMQ ROUTER on the hub's `listen`
    endpoint with one session per configured child.

    Driven by the node loop (node.c) in the loop's thread, on the store the
    loop writes: downlink_on_readable () when the socket polls readable,
    downlink_tick () every round.

    One poll round is one group commit: every frame already waiting (up to
    DOWNLINK_ROUND_FRAMES frames or DOWNLINK_ROUND_BYTES bytes) is read; the
    BATCH frames of all children go to store_apply_remote () together, in
    ONE write transaction (with relay when the hub has a parent, so the
    batches land verbatim in its own log in the same transaction), and
    snapshot chunks likewise to store_apply_claims (); only after the
    durable commit is each child sent its ACK. A HELLO or SNAPSHOT_END from
    a child with work pending in the round applies that work first, so
    every answer reflects everything before it.

    A session's states (the table is in docs/PROTOCOL.md, "The parent"):

        NONE       no HELLO yet (or expired): BATCH and the rest get
                   ERROR NO_SESSION; HELLO opens the session
        STREAMING  WELCOME sent; BATCHes applied and acknowledged; a gap
                   is answered once with ERROR GAP{expected} and batches
                   until the expected one are dropped (the child resends)
        SNAPSHOT   SNAPSHOT_BEGIN seen: chunks applied in order and
                   acknowledged, SNAPSHOT_END sets the link to the seq the
                   snapshot was taken at and the origin table, then
                   STREAMING
        STOPPED    a batch failed verification (malformed, hash, its origin's
                   chain broken): nothing of it was applied or relayed, every
                   further BATCH gets the same fatal ERROR, until the child's
                   next HELLO tries again (fail closed, loudly)

    What a child may write is its configured jurisdiction (config [children]
    ID = region code; a city code such as 370100 covers 3701xx): events
    outside it are rejected with a reason in the ACK and the rest of the
    batch is applied. An unknown node id gets ERROR UNKNOWN_NODE; a frame
    that does not decode gets ERROR MALFORMED; neither disturbs any session.
*/
#ifndef YW_DOWNLINK_H_INCLUDED
#define YW_DOWNLINK_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _downlink_t downlink_t;

#define DOWNLINK_ERROR_SIZE 512
#define DOWNLINK_ROUND_FRAMES 256        /* frames read in one poll round */
#define DOWNLINK_ROUND_BYTES (32u << 20) /* bytes of BATCH/CHUNK payload per round */
#define DOWNLINK_CREDIT 64               /* batches a child may have unacknowledged */
#define DOWNLINK_HEARTBEAT_MS 1000

typedef struct {
    const char *listen;             /* endpoint to bind; tcp://127.0.0.1:* picks a port */
    const char *node_id;            /* the hub's id, said in WELCOME */
    const config_child_t *children; /* copied */
    size_t child_count;
    bool relay;            /* append applied batches to this hub's log (it has a parent) */
    uint32_t heartbeat_ms; /* said in WELCOME; 0 = DOWNLINK_HEARTBEAT_MS */
    uint32_t credit;       /* said in WELCOME and ACKs; 0 = DOWNLINK_CREDIT */
    const char *log_name;  /* prefix of log lines */
} downlink_options_t;

typedef enum {
    DOWNLINK_NONE = 0,
    DOWNLINK_STREAMING = 1,
    DOWNLINK_SNAPSHOT = 2,
    DOWNLINK_STOPPED = 3
} downlink_state_t;

typedef struct {
    char id[YW_MAX_ID];
    char jurisdiction[8];
    downlink_state_t state;
    uint64_t applied_seq; /* last link seq applied (the store's link state) */
    uint64_t log_last;    /* the child's log head, as it last said */
    int64_t last_seen_ms; /* monotonic ms of its last message, 0 never */
    uint64_t batches;     /* applied since start */
    uint64_t accepted, stale, duplicates, rejected;
    uint64_t snapshots;
    char stopped[256]; /* why, when STOPPED */
} downlink_child_status_t;

typedef struct {
    uint64_t rounds;          /* group commits */
    uint64_t batches;         /* BATCH frames applied or skipped */
    uint64_t events;          /* events accepted */
    uint64_t malformed;       /* frames that did not decode */
    uint64_t last_commit_us;  /* duration of the last group commit */
    uint64_t max_commit_us;   /* the longest */
    uint64_t total_commit_us; /* all of them */
} downlink_stats_t;

/* Binds the ROUTER in `context`. The store is borrowed (the hub's node's).
   Returns 0 and *downlink_p, or YW_ECONFIG / YW_EPEER with `error`
   (DOWNLINK_ERROR_SIZE bytes). */
int downlink_new (void *context, store_t *store, const downlink_options_t *options,
                  downlink_t **downlink_p, char *error);

void downlink_destroy (downlink_t **self_p);

/* The socket to poll for ZMQ_POLLIN. */
void *downlink_socket (downlink_t *self);

/* The endpoint actually bound (the port chosen for tcp://...:*). */
const char *downlink_endpoint (const downlink_t *self);

/* One poll round: reads what is waiting, applies it in one transaction,
   answers. Returns 0, or the store's error after answering LINK_STORE. */
int downlink_on_readable (downlink_t *self);

/* Expires silent sessions. Returns the ms until it wants to run again. */
int downlink_tick (downlink_t *self);

/* Children, in config order. */
size_t downlink_child_count (const downlink_t *self);
void downlink_child_status (const downlink_t *self, size_t index,
                            downlink_child_status_t *status);
void downlink_stats (const downlink_t *self, downlink_stats_t *stats);

const char *downlink_state_name (downlink_state_t state);

#ifdef __cplusplus
}
#endif

#endif
