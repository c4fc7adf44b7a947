/*  cli_digest.c - `yiwang digest`: one SHA-256 over a store's canonical dump
    (dump.h), to compare any two stores with one line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dump.h"
#include "store.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang digest --data DIR [--region PREFIX]\n"
    "\n"
    "Prints the SHA-256 (hex) of exactly what `yiwang dump` prints for the same\n"
    "arguments, so that two stores can be compared with one line: a province has\n"
    "converged when its digest equals the digest of the union of its counties'\n"
    "dumps. `yiwang dump ... | sha256sum` gives the same hash.\n"
    "Exit status: 0 done, 2 usage, 3 no store or the store failed.\n";

/* Parses the arguments. Returns -1 to go on, else the exit status. */
static int
s_parse (int argc, char **argv, const char **data, const char **region)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"region", required_argument, NULL, 'r'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "d:r:h", options, NULL)) != -1) {
        switch (opt) {
            case 'd': *data = optarg; break;
            case 'r': *region = optarg; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!*data || optind != argc) {
        fprintf (stderr, "yiwang digest: %s\n%s",
                 *data ? "unexpected argument" : "--data is required", s_usage);
        return 2;
    }
    if (!dump_prefix_valid (*region) || (*region && !**region)) {
        fprintf (stderr,
                 "yiwang digest: --region \"%s\": not a region code prefix (1-6 digits)\n",
                 *region);
        return 2;
    }
    return -1;
}

static int
s_open (const char *data, store_t **store)
{
    char error[STORE_ERROR_SIZE];
    store_options_t options = {.dir = data, .read_only = true};
    if (store_open (&options, store, error)) {
        fprintf (stderr, "yiwang digest: %s\n", error);
        return 3;
    }
    return 0;
}

int
cli_digest (int argc, char **argv)
{
    const char *data = NULL, *region = NULL;
    int status = s_parse (argc, argv, &data, &region);
    if (status >= 0)
        return status;
    store_t *store = NULL;
    if ((status = s_open (data, &store)))
        return status;
    char hex[DUMP_DIGEST_HEX];
    int rc = dump_digest (store, region, hex, NULL);
    store_destroy (&store);
    if (rc) {
        fprintf (stderr, "yiwang digest: %s: %s\n", data, yw_strerror (rc));
        return 3;
    }
    printf ("%s\n", hex);
    return 0;
}
