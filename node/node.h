/*  node.h - a node process (DESIGN 4): the store, the ingest socket and,
    when the config names a parent, the uplink to it (uplink.h).

    node_run () is one thread and one loop: it polls the ingest ROUTER,
    drains every frame that is waiting (up to a bound), prepares each
    (ingest.h), applies them all in ONE store transaction (group commit),
    and only then answers each client with its IngestReport. A frame that is
    not a usable IngestBatch gets an error report and changes nothing.

    The same loop drives the uplink: after every round (so after every
    commit that grew the log) uplink_tick () sends the new log entries the
    parent's credit allows, and the uplink's socket is polled for ACKs. A
    hub attaches its downlink socket (node_attach) and the loop drives that
    too; the store has one writer, this thread.
*/
#ifndef YW_NODE_H_INCLUDED
#define YW_NODE_H_INCLUDED

#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _node_t node_t;

#define YW_NODE_ERROR 512

/* Opens the store and binds the ingest socket. Returns 0 and *node_p, or
   YW_ECONFIG / YW_ELOCKED / YW_ESTORE / YW_EPEER with `error` saying what.
   config is copied. */
int node_new (const config_t *config, node_t **node_p, char *error);
void node_destroy (node_t **self_p);

/* Another socket for the loop to poll, with what to do when it is readable
   and a tick run every round (returning the ms until it wants to run again
   at the latest). A hub's downlink. At most 4. Returns 0 or YW_EINVAL. */
typedef int (node_readable_fn) (void *arg);
typedef int (node_tick_fn) (void *arg);
int node_attach (node_t *self, void *socket, node_readable_fn *on_readable,
                 node_tick_fn *on_tick, void *arg);

/* The node's store, ZeroMQ context and config (owned by the node). */
struct _store_t *node_store (node_t *self);
void *node_context (node_t *self);
const config_t *node_config (const node_t *self);

/* The uplink, or NULL when the node has no parent. */
struct _uplink_t *node_uplink (node_t *self);

/* Serves until node_stop () or a SIGTERM/SIGINT (installed by the caller
   through node_install_signals). Returns 0 on a clean stop. */
int node_run (node_t *self);

/* Asks the loop to stop after the current transaction (signal-safe). */
void node_stop (void);

/* Installs SIGTERM and SIGINT handlers that call node_stop. */
void node_install_signals (void);

#ifdef __cplusplus
}
#endif

#endif
