/*  yiwang_hub_main.c - `yiwang-hub`: a city or province hub. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hub.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang-hub [--config hub.ini] [--id ID] [--jurisdiction CODE]\n"
    "                  [--data DIR] [--ingest ENDPOINT] [--parent ENDPOINT]\n"
    "                  --listen ENDPOINT [--child ID=CODE ...]\n"
    "                  [--retention DURATION] [--heartbeat DURATION]\n"
    "\n"
    "Runs a hub: a node (its LMDB store in DIR, its ingest socket, the uplink to\n"
    "its own parent if it has one) plus the downlink its children's uplinks\n"
    "connect to. Children and their jurisdictions are declared, in [children]\n"
    "or with --child ID=CODE (a city code like 370100 covers 3701xx); events\n"
    "outside a child's jurisdiction are rejected. Batches applied from children\n"
    "are relayed verbatim to the parent. Flags override the config file key by\n"
    "key. SIGTERM or SIGINT stop it cleanly.\n"
    "Exit status: 0 stopped cleanly, 2 unusable configuration, 3 store locked or\n"
    "unavailable, or the listen endpoint cannot be bound.\n";

int
main (int argc, char *argv[])
{
    config_t config;
    config_init (&config, true);
    char error[YW_NODE_ERROR];
    int rc = config_parse_args (&config, argc, argv, s_usage, error);
    if (rc == 1)
        return 0;
    if (rc) {
        fprintf (stderr, "yiwang-hub: %s\n%s", error, s_usage);
        return 2;
    }
    hub_t *hub = NULL;
    rc = hub_new (&config, &hub, error);
    if (rc) {
        fprintf (stderr, "yiwang-hub: %s\n", error);
        return rc == YW_ECONFIG ? 2 : 3;
    }
    node_install_signals ();
    rc = hub_run (hub);
    hub_destroy (&hub);
    return rc ? 3 : 0;
}
