/*  cli_digest.c - `yiwang digest`: one SHA-256 over a store's canonical dump
    (dump.h), to compare any two stores with one line. */
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

int
cli_digest (int argc, char **argv)
{
    const char *data = NULL, *region = NULL;
    int status = cli_data_region_args ("digest", s_usage, argc, argv, &data, &region);
    if (status >= 0)
        return status;
    store_t *store = NULL;
    if ((status = cli_open_store ("digest", data, &store)))
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
