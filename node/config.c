/*  config.c - INI file and flags for node and hub processes. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yw.h"

void
config_init (config_t *config, bool hub)
{
    memset (config, 0, sizeof *config);
    config->hub = hub;
    config->retention_ms = CONFIG_DEFAULT_RETENTION_MS;
    config->heartbeat_ms = CONFIG_DEFAULT_HEARTBEAT_MS;
}

static int
s_copy (char *out, size_t size, const char *key, const char *value, char *error)
{
    size_t len = strlen (value);
    if (len >= size) {
        snprintf (error, YW_CONFIG_ERROR, "%s: value longer than %zu bytes", key, size - 1);
        return YW_ECONFIG;
    }
    memcpy (out, value, len + 1);
    return 0;
}

static bool
s_is_id (const char *text)
{
    if (!*text)
        return false;
    for (; *text; text++)
        if (!((*text >= 'a' && *text <= 'z') || (*text >= 'A' && *text <= 'Z') ||
              (*text >= '0' && *text <= '9') || *text == '-' || *text == '_' ||
              *text == '.'))
            return false;
    return true;
}

/* A duration: digits and a unit (ms, s, m, h, d; none is seconds). */
static int
s_duration (const char *key, const char *value, unsigned long long max_ms,
            unsigned long long *out, char *error)
{
    char *end;
    errno = 0;
    unsigned long long number = strtoull (value, &end, 10);
    unsigned long long unit = 0;
    if (end != value && value[0] >= '0' && value[0] <= '9' && errno == 0) {
        if (strcmp (end, "ms") == 0)
            unit = 1;
        else if (strcmp (end, "") == 0 || strcmp (end, "s") == 0)
            unit = 1000;
        else if (strcmp (end, "m") == 0)
            unit = 60000;
        else if (strcmp (end, "h") == 0)
            unit = 3600000;
        else if (strcmp (end, "d") == 0)
            unit = 86400000;
    }
    if (!unit || number > max_ms / unit) {
        snprintf (error, YW_CONFIG_ERROR,
                  "%s \"%s\": expected a duration such as 500ms, 90s, 15m, 24h or 7d "
                  "(at most %llu ms)",
                  key, value, max_ms);
        return YW_ECONFIG;
    }
    *out = number * unit;
    return 0;
}

static int
s_add_child (config_t *config, const char *id, const char *prefix, char *error)
{
    if (!s_is_id (id) || strlen (id) >= YW_MAX_ID) {
        snprintf (error, YW_CONFIG_ERROR,
                  "child \"%s\": an id is 1-%d letters, digits, '-', '_' or '.'", id,
                  YW_MAX_ID - 1);
        return YW_ECONFIG;
    }
    if (strlen (prefix) != 6 || strspn (prefix, "0123456789") != 6) {
        snprintf (error, YW_CONFIG_ERROR,
                  "child %s: jurisdiction \"%s\" is not a 6-digit region code", id, prefix);
        return YW_ECONFIG;
    }
    if (config_child (config, id)) {
        snprintf (error, YW_CONFIG_ERROR, "child %s: declared twice", id);
        return YW_ECONFIG;
    }
    if (config->child_count == YW_MAX_CHILDREN) {
        snprintf (error, YW_CONFIG_ERROR, "more than %d children", YW_MAX_CHILDREN);
        return YW_ECONFIG;
    }
    config_child_t *child = &config->children[config->child_count++];
    strcpy (child->id, id);
    strcpy (child->prefix, prefix);
    return 0;
}

int
config_set (config_t *config, const char *key, const char *value, char *error)
{
    if (strcmp (key, "id") == 0) {
        if (!s_is_id (value) || strlen (value) >= YW_MAX_ID) {
            snprintf (error, YW_CONFIG_ERROR,
                      "id \"%s\": an id is 1-%d letters, digits, '-', '_' or '.'", value,
                      YW_MAX_ID - 1);
            return YW_ECONFIG;
        }
        return s_copy (config->id, sizeof config->id, key, value, error);
    }
    if (strcmp (key, "jurisdiction") == 0)
        return s_copy (config->jurisdiction, sizeof config->jurisdiction, key, value,
                       error);
    if (strcmp (key, "data") == 0)
        return s_copy (config->data, sizeof config->data, key, value, error);
    if (strcmp (key, "ingest") == 0)
        return s_copy (config->ingest, sizeof config->ingest, key, value, error);
    if (strcmp (key, "parent") == 0)
        return s_copy (config->parent, sizeof config->parent, key, value, error);
    if (strcmp (key, "retention") == 0)
        return s_duration (key, value, 3650ull * 86400000, &config->retention_ms, error);
    if (config->hub && strcmp (key, "heartbeat") == 0) {
        unsigned long long ms;
        int rc = s_duration (key, value, 600000, &ms, error);
        if (rc == 0 && ms < 50) {
            snprintf (error, YW_CONFIG_ERROR, "heartbeat \"%s\": at least 50ms", value);
            rc = YW_ECONFIG;
        }
        if (rc == 0)
            config->heartbeat_ms = (unsigned)ms;
        return rc;
    }
    if (config->hub && strcmp (key, "listen") == 0)
        return s_copy (config->listen, sizeof config->listen, key, value, error);
    if (config->hub && strcmp (key, "child") == 0) {
        const char *equals = strchr (value, '=');
        if (!equals || equals - value >= YW_MAX_ID) {
            snprintf (error, YW_CONFIG_ERROR, "child \"%s\": expected ID=PREFIX", value);
            return YW_ECONFIG;
        }
        char id[YW_MAX_ID];
        memcpy (id, value, (size_t)(equals - value));
        id[equals - value] = 0;
        return s_add_child (config, id, equals + 1, error);
    }
    snprintf (error, YW_CONFIG_ERROR, "unknown key \"%s\"", key);
    return YW_ECONFIG;
}

typedef struct {
    config_t *config;
    const char *path;
    char *error;
    int rc;
} s_loader_t;

static int
s_on_ini (void *arg, const char *section, const char *key, const char *value)
{
    s_loader_t *loader = arg;
    if (loader->rc)
        return 0;
    char error[YW_CONFIG_ERROR];
    int rc;
    if (strcmp (section, "node") == 0)
        rc = strcmp (key, "listen") == 0 || strcmp (key, "child") == 0 ||
                     strcmp (key, "heartbeat") == 0
                 ? (snprintf (error, sizeof error, "unknown key \"%s\"", key), YW_ECONFIG)
                 : config_set (loader->config, key, value, error);
    else if (strcmp (section, "hub") == 0 && loader->config->hub)
        rc = strcmp (key, "listen") == 0 || strcmp (key, "heartbeat") == 0
                 ? config_set (loader->config, key, value, error)
                 : (snprintf (error, sizeof error, "unknown key \"%s\"", key), YW_ECONFIG);
    else if (strcmp (section, "children") == 0 && loader->config->hub)
        rc = s_add_child (loader->config, key, value, error);
    else {
        snprintf (error, sizeof error, "unknown section [%s]%s", section,
                  loader->config->hub ? "" : " (a node has only [node])");
        rc = YW_ECONFIG;
    }
    if (rc) {
        snprintf (loader->error, YW_CONFIG_ERROR, "%s: [%s] %s", loader->path, section,
                  error);
        loader->rc = rc;
    }
    return 1;
}

int
config_load (config_t *config, const char *path, char *error)
{
    FILE *file = fopen (path, "r");
    if (!file) {
        snprintf (error, YW_CONFIG_ERROR, "%s: cannot open: %m", path);
        return YW_EIO;
    }
    s_loader_t loader = {config, path, error, 0};
    int line = ini_parse_file (file, s_on_ini, &loader);
    fclose (file);
    if (loader.rc)
        return loader.rc;
    if (line != 0) {
        snprintf (error, YW_CONFIG_ERROR, "%s:%d: not INI syntax", path, line);
        return YW_ECONFIG;
    }
    return 0;
}

int
config_parse_args (config_t *config, int argc, char **argv, const char *usage, char *error)
{
    static const struct option options[] = {{"config", required_argument, NULL, 'c'},
                                            {"id", required_argument, NULL, 'i'},
                                            {"jurisdiction", required_argument, NULL, 'j'},
                                            {"data", required_argument, NULL, 'd'},
                                            {"ingest", required_argument, NULL, 'n'},
                                            {"parent", required_argument, NULL, 'p'},
                                            {"listen", required_argument, NULL, 'l'},
                                            {"child", required_argument, NULL, 'C'},
                                            {"retention", required_argument, NULL, 'r'},
                                            {"heartbeat", required_argument, NULL, 'b'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    /* The file first, whatever its position, so flags override it. */
    for (int i = 1; i < argc; i++) {
        const char *path = NULL;
        if (strcmp (argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[i + 1];
        else if (strncmp (argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
        if (path) {
            int rc = config_load (config, path, error);
            if (rc)
                return rc == YW_EIO ? YW_ECONFIG : rc;
        }
    }
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long (argc, argv, "c:h", options, NULL)) != -1) {
        const char *key = NULL;
        switch (opt) {
            case 'c': continue;
            case 'i': key = "id"; break;
            case 'j': key = "jurisdiction"; break;
            case 'd': key = "data"; break;
            case 'n': key = "ingest"; break;
            case 'p': key = "parent"; break;
            case 'l': key = "listen"; break;
            case 'C': key = "child"; break;
            case 'r': key = "retention"; break;
            case 'b': key = "heartbeat"; break;
            case 'h': fputs (usage, stdout); return 1;
            default:
                snprintf (error, YW_CONFIG_ERROR, "unknown or incomplete option \"%s\"",
                          argv[optind - 1]);
                return YW_ECONFIG;
        }
        if (!config->hub && (opt == 'l' || opt == 'C' || opt == 'b')) {
            snprintf (error, YW_CONFIG_ERROR, "--%s is for yiwang-hub, not a node", key);
            return YW_ECONFIG;
        }
        char detail[YW_CONFIG_ERROR];
        if (config_set (config, key, optarg, detail)) {
            snprintf (error, YW_CONFIG_ERROR, "--%s: %s", key, detail);
            return YW_ECONFIG;
        }
    }
    if (optind < argc) {
        snprintf (error, YW_CONFIG_ERROR, "unexpected argument \"%s\"", argv[optind]);
        return YW_ECONFIG;
    }
    return 0;
}

int
config_check (config_t *config, const codebook_t *codebook, char *error)
{
    if (!config->id[0]) {
        snprintf (error, YW_CONFIG_ERROR, "no node id: set [node] id or --id");
        return YW_ECONFIG;
    }
    if (!config->jurisdiction[0]) {
        snprintf (
            error, YW_CONFIG_ERROR,
            "no jurisdiction: set [node] jurisdiction or --jurisdiction (a region code)");
        return YW_ECONFIG;
    }
    const codebook_region_t *region = codebook_region (codebook, config->jurisdiction);
    if (!region) {
        snprintf (error, YW_CONFIG_ERROR,
                  "jurisdiction \"%s\" is not a current GB/T 2260 region code",
                  config->jurisdiction);
        return YW_ECONFIG;
    }
    if (!config->data[0]) {
        snprintf (error, YW_CONFIG_ERROR, "no data directory: set [node] data or --data");
        return YW_ECONFIG;
    }
    if (!config->ingest[0]) {
        if (strlen (config->data) + 20 >= sizeof config->ingest) {
            snprintf (
                error, YW_CONFIG_ERROR,
                "data directory too long for the default ingest endpoint: set ingest");
            return YW_ECONFIG;
        }
        snprintf (config->ingest, sizeof config->ingest, "ipc://%s/ingest.ipc",
                  config->data);
    }
    if (config->hub && !config->listen[0]) {
        snprintf (error, YW_CONFIG_ERROR, "a hub needs [hub] listen or --listen");
        return YW_ECONFIG;
    }
    for (size_t i = 0; i < config->child_count; i++) {
        const config_child_t *child = &config->children[i];
        if (!codebook_region (codebook, child->prefix)) {
            snprintf (error, YW_CONFIG_ERROR,
                      "child %s: jurisdiction \"%s\" is not a current region code",
                      child->id, child->prefix);
            return YW_ECONFIG;
        }
        if (!codebook_region_within (child->prefix, config->jurisdiction)) {
            snprintf (error, YW_CONFIG_ERROR,
                      "child %s: jurisdiction %s lies outside this hub's %s %s", child->id,
                      child->prefix, config->jurisdiction, region->name);
            return YW_ECONFIG;
        }
        if (strcmp (child->id, config->id) == 0) {
            snprintf (error, YW_CONFIG_ERROR, "child %s has this hub's own id", child->id);
            return YW_ECONFIG;
        }
    }
    return 0;
}

const config_child_t *
config_child (const config_t *config, const char *id)
{
    for (size_t i = 0; i < config->child_count; i++)
        if (strcmp (config->children[i].id, id) == 0)
            return &config->children[i];
    return NULL;
}
