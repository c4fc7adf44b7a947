/*  yiwang_node_main.c - `yiwang-node`: the process every level runs. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "node.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang-node [--config node.ini] [--id ID] [--jurisdiction CODE]\n"
    "                   [--data DIR] [--ingest ENDPOINT] [--parent ENDPOINT]\n"
    "                   [--retention DURATION]\n"
    "\n"
    "Runs a node: its LMDB store in DIR, the ingest socket that `yiwang import`\n"
    "and adapters send to (default ipc://DIR/ingest.ipc), and the uplink to the\n"
    "parent hub (acknowledged log entries are kept for --retention, default 24h).\n"
    "Flags override the config file key by key; a node can start\n"
    "with flags alone. SIGTERM or SIGINT stop it cleanly.\n"
    "Exit status: 0 stopped cleanly, 2 unusable configuration, 3 store locked or\n"
    "unavailable.\n";

int
main (int argc, char *argv[])
{
    config_t config;
    config_init (&config, false);
    char error[YW_NODE_ERROR];
    int rc = config_parse_args (&config, argc, argv, s_usage, error);
    if (rc == 1)
        return 0;
    if (rc) {
        fprintf (stderr, "yiwang-node: %s\n%s", error, s_usage);
        return 2;
    }
    node_t *node = NULL;
    rc = node_new (&config, &node, error);
    if (rc) {
        fprintf (stderr, "yiwang-node: %s\n", error);
        return rc == YW_ECONFIG ? 2 : 3;
    }
    node_install_signals ();
    rc = node_run (node);
    node_destroy (&node);
    return rc ? 3 : 0;
}
