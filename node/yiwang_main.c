/*  yiwang_main.c - the command line for people: `yiwang VERB [ARGS]`.
    Each verb lives in its own cli_<verb>.c; this file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run) (int argc, char **argv);
    const char *summary;
} s_verb_t;

static const s_verb_t s_verbs[] = {
    { "check", cli_check, "normalize a file against the coding standard without storing it" },
    { "codebook", cli_codebook, "validate codes, look up regions and code tables" },
    { "import", cli_import, "normalize a file and store it in a running node" },
    { "log", cli_log, "print a node's outbound change log as JSON lines" },
    { "rejects", cli_rejects, "list the rows a node rejected, with reasons" },
    { "fsck", cli_fsck, "check a store's consistency (records, indexes, log)" },
    { "dump", cli_dump, "print a store's objects: code, version, content hash, deleted" },
    { "digest", cli_digest, "print one SHA-256 over a store's dump, to compare stores" },
    { "summary", cli_summary, "count a store's records by region, kind and dimension" },
    { NULL, NULL, NULL }
};

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: yiwang VERB [ARGS]   (yiwang VERB --help for details)\n\nverbs:\n");
    for (const s_verb_t *verb = s_verbs; verb->name; verb++)
        fprintf (out, "  %-10s %s\n", verb->name, verb->summary);
}

int
main (int argc, char *argv[])
{
    if (argc < 2) {
        s_usage (stderr);
        return 2;
    }
    if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
        || strcmp (argv[1], "help") == 0) {
        s_usage (stdout);
        return 0;
    }
    for (const s_verb_t *verb = s_verbs; verb->name; verb++)
        if (strcmp (argv[1], verb->name) == 0)
            return verb->run (argc - 1, argv + 1);
    fprintf (stderr, "yiwang: unknown verb '%s'\n", argv[1]);
    s_usage (stderr);
    return 2;
}
