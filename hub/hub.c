/*  hub.c - a node with a downlink. */
#include "hub.h"

#include <stdio.h>
#include <stdlib.h>

#include "logline.h"
#include "yw.h"

struct _hub_t {
    node_t *node;
    downlink_t *downlink;
};

static int
s_on_readable (void *arg)
{
    return downlink_on_readable (arg);
}

static int
s_on_tick (void *arg)
{
    return downlink_tick (arg);
}

int
hub_new (const config_t *config, hub_t **hub_p, char *error)
{
    hub_t *self = yw_calloc (1, sizeof *self);
    int rc = node_new (config, &self->node, error);
    if (rc) {
        free (self);
        return rc;
    }
    const config_t *checked = node_config (self->node);
    char name[160];
    snprintf (name, sizeof name, "yiwang-hub[%s] downlink", checked->id);
    downlink_options_t options = {.listen = checked->listen,
                                  .node_id = checked->id,
                                  .children = checked->children,
                                  .child_count = checked->child_count,
                                  .relay = checked->parent[0] != '\0',
                                  .heartbeat_ms = checked->heartbeat_ms,
                                  .log_name = name};
    char downlink_error[DOWNLINK_ERROR_SIZE];
    rc = downlink_new (node_context (self->node), node_store (self->node), &options,
                       &self->downlink, downlink_error);
    if (rc) {
        snprintf (error, YW_NODE_ERROR, "%s", downlink_error);
        hub_destroy (&self);
        return rc;
    }
    node_attach (self->node, downlink_socket (self->downlink), s_on_readable, s_on_tick,
                 self->downlink);
    char who[160];
    snprintf (who, sizeof who, "yiwang-hub[%s]", checked->id);
    logline (who, "downlink on %s, %zu children%s", downlink_endpoint (self->downlink),
             checked->child_count, options.relay ? ", relaying to the parent" : "");
    *hub_p = self;
    return 0;
}

void
hub_destroy (hub_t **self_p)
{
    if (!*self_p)
        return;
    hub_t *self = *self_p;
    /* the downlink's socket belongs to the node's context: close it first */
    downlink_destroy (&self->downlink);
    node_destroy (&self->node);
    free (self);
    *self_p = NULL;
}

int
hub_run (hub_t *self)
{
    return node_run (self->node);
}

node_t *
hub_node (hub_t *self)
{
    return self->node;
}

downlink_t *
hub_downlink (hub_t *self)
{
    return self->downlink;
}
