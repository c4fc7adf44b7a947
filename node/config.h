/*  config.h - the configuration of a node or hub process (DESIGN 4, 5).

    A config comes from an INI file (libinih), then from command-line flags
    that override it key by key, so a process can start with no file at all:

        [node]
        id = county-370102          ; this node's id, unique in the federation
        jurisdiction = 370102       ; region-code prefix every record must lie in
        data = /var/lib/yiwang/x    ; data directory (LMDB store, ingest socket)
        ingest = ipc:///var/lib/yiwang/x/ingest.ipc ; default ipc://DATA/ingest.ipc
        parent = tcp://10.0.0.1:7301 ; parent hub's downlink, empty for the top
        retention = 24h             ; keep acknowledged log entries this long
                                    ; (ms, s, m, h, d; a bare number is seconds)

        [hub]
        listen = tcp://0.0.0.0:7301  ; downlink ROUTER (hubs only)
        heartbeat = 1s              ; children PING after this much silence

        [children]                  ; child id = jurisdiction prefix (hubs only)
        county-370102 = 370102

    Flags: --id --jurisdiction --data --ingest --parent --retention, and for
    hubs --listen, --heartbeat and --child ID=PREFIX (repeatable). config_check () says what
   is missing or wrong in one message naming the key and where it came from.
*/
#ifndef YW_CONFIG_H_INCLUDED
#define YW_CONFIG_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#include "codebook.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YW_MAX_ID 64        /* bytes of a node id */
#define YW_MAX_ENDPOINT 256 /* bytes of a ZeroMQ endpoint */
#define YW_MAX_PATH 1024
#define YW_MAX_CHILDREN 256
#define YW_CONFIG_ERROR 512

typedef struct {
    char id[YW_MAX_ID];
    char prefix[8]; /* jurisdiction region code */
} config_child_t;

typedef struct {
    char id[YW_MAX_ID];
    char jurisdiction[8]; /* GB/T 2260 code, e.g. 370102 */
    char data[YW_MAX_PATH];
    char ingest[YW_MAX_ENDPOINT];
    char parent[YW_MAX_ENDPOINT];
    char listen[YW_MAX_ENDPOINT];
    config_child_t children[YW_MAX_CHILDREN];
    size_t child_count;
    unsigned long long retention_ms; /* keep acknowledged log entries this long */
    unsigned heartbeat_ms;           /* hubs: said to children in WELCOME */
    bool hub; /* loaded for yiwang-hub: [hub] and [children] allowed */
} config_t;

#define CONFIG_DEFAULT_RETENTION_MS (24ull * 3600 * 1000)
#define CONFIG_DEFAULT_HEARTBEAT_MS 1000

/* Resets config to defaults (empty; retention and heartbeat their defaults). */
void config_init (config_t *config, bool hub);

/* Reads an INI file into config. Returns 0, YW_EIO (unreadable) or
   YW_ECONFIG (unknown section or key, bad value; `error` names the file,
   line and key). */
int config_load (config_t *config, const char *path, char *error);

/* Sets one key as a flag would ("id", "jurisdiction", "data", "ingest",
   "parent", "retention", "listen", "heartbeat", "child" with value
   ID=PREFIX). Returns 0 or
   YW_ECONFIG with `error`. */
int config_set (config_t *config, const char *key, const char *value, char *error);

/* Parses argv (after the program name) for --config FILE and the key flags,
   file first, flags over it. Returns 0, 1 when --help was asked for (usage
   printed to stdout), or YW_ECONFIG with `error`. */
int config_parse_args (config_t *config, int argc, char **argv, const char *usage,
                       char *error);

/* Checks the config is complete and consistent (id set, jurisdiction a
   current region code, data set, children inside the jurisdiction), filling
   defaults (ingest = ipc://DATA/ingest.ipc). Returns 0 or YW_ECONFIG with
   `error`. */
int config_check (config_t *config, const codebook_t *codebook, char *error);

/* The child with this id, or NULL. */
const config_child_t *config_child (const config_t *config, const char *id);

#ifdef __cplusplus
}
#endif

#endif
