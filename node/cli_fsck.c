/*  cli_fsck.c - `yiwang fsck`: a store's full consistency check. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang fsck --data DIR\n"
    "\n"
    "Checks a store from one read transaction: every claim's body present and\n"
    "matching, every visible record's index entries, no dangling index entry,\n"
    "the log's seqs contiguous and every origin's hash chain unbroken, every\n"
    "change of this node present in the log. The node may run.\n"
    "Exit status: 0 consistent, 1 a problem found (printed), 2 usage, 3 no store.\n";

int
cli_fsck (int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *data = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "d:h", options, NULL)) != -1) {
        switch (opt) {
            case 'd': data = optarg; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!data || optind != argc) {
        fprintf (stderr, "yiwang fsck: %s\n%s",
                 data ? "unexpected argument" : "--data is required", s_usage);
        return 2;
    }
    store_t *store = NULL;
    if (cli_open_store ("fsck", data, &store))
        return 3;
    char error[STORE_ERROR_SIZE];
    store_check_report_t report;
    memset (&report, 0, sizeof report);
    int rc = store_check (store, &report, error);
    store_destroy (&store);
    printf ("objects %llu, claims %llu (%llu live), bodies %llu, index entries %llu, "
            "log entries %llu (%llu own batches, %llu events)\n",
            (unsigned long long)report.objects, (unsigned long long)report.claims,
            (unsigned long long)report.live_claims, (unsigned long long)report.bodies,
            (unsigned long long)report.index_entries,
            (unsigned long long)report.log_entries, (unsigned long long)report.own_batches,
            (unsigned long long)report.events);
    if (rc) {
        printf ("INCONSISTENT: %s\n", error);
        return 1;
    }
    printf ("consistent\n");
    return 0;
}
