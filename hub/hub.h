/*  hub.h - a hub process (DESIGN 5): a node (its own store, ingest socket
    and, when it has a parent, uplink) plus the downlink its children send
    to (downlink.h), all driven by the node's loop in one thread.

    A city hub relays: every batch it applies from a child is appended
    verbatim to its own log in the same transaction, and its uplink sends
    it on to the province. The province (no parent) applies and keeps.
*/
#ifndef YW_HUB_H_INCLUDED
#define YW_HUB_H_INCLUDED

#include "config.h"
#include "downlink.h"
#include "node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _hub_t hub_t;

/* Opens the node (store, ingest, uplink) and binds the downlink on
   config->listen. Returns 0 and *hub_p, or the node's errors, or YW_EPEER
   when the downlink cannot bind, with `error` (YW_NODE_ERROR bytes). */
int hub_new (const config_t *config, hub_t **hub_p, char *error);
void hub_destroy (hub_t **self_p);

/* Serves until node_stop () or a signal. Returns 0 on a clean stop. */
int hub_run (hub_t *self);

node_t *hub_node (hub_t *self);
downlink_t *hub_downlink (hub_t *self);

#ifdef __cplusplus
}
#endif

#endif
