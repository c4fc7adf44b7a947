/*  cli_dump.c - `yiwang dump`: a store's canonical dump, one line per object
    (dump.h), to compare any two stores line by line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dump.h"
#include "store.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang dump --data DIR [--region PREFIX]\n"
    "\n"
    "Prints one line per object the store knows, sorted by object code:\n"
    "  object_code<TAB>version<TAB>content_hash<TAB>deleted\n"
    "version is the HLC of the visible claim (of the newest tombstone when the\n"
    "object is deleted), content_hash its SHA-256 in hex, deleted 0 or 1.\n"
    "--region keeps the objects whose region code starts with PREFIX (1-6\n"
    "digits: 37 山东省, 3701 济南市, 370102 历下区). Opens the store read-only\n"
    "from one read transaction; the node may run.\n"
    "Exit status: 0 done, 2 usage, 3 no store or the store failed.\n";

static int
s_print_line (void *arg, const char *line, size_t size)
{
    return fwrite (line, 1, size, stdout) == size ? 0 : YW_EIO;
}

int
cli_dump (int argc, char **argv)
{
    const char *data = NULL, *region = NULL;
    int status = cli_data_region_args ("dump", s_usage, argc, argv, &data, &region);
    if (status >= 0)
        return status;
    store_t *store = NULL;
    if ((status = cli_open_store ("dump", data, &store)))
        return status;
    int rc = dump_each (store, region, s_print_line, NULL);
    store_destroy (&store);
    if (rc == 0 && fflush (stdout))
        rc = YW_EIO;
    if (rc) {
        fprintf (stderr, "yiwang dump: %s: %s\n", data,
                 rc == YW_EIO ? "cannot write the output" : yw_strerror (rc));
        return 3;
    }
    return 0;
}
