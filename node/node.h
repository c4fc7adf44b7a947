/*  node.h - a node process (DESIGN 4): the store, the ingest socket and,
    with the replication work, the uplink to its parent.

    node_run () is one thread and one loop: it polls the ingest ROUTER,
    drains every frame that is waiting (up to a bound), prepares each
    (ingest.h), applies them all in ONE store transaction (group commit),
    and only then answers each client with its IngestReport. A frame that is
    not a usable IngestBatch gets an error report and changes nothing.
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
