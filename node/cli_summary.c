/*  cli_summary.c - `yiwang summary`: what a store holds, by region, kind and
    dimension (summary.h): the province-wide view of a hub's store. */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "codebook.h"
#include "dump.h"
#include "store.h"
#include "summary.h"
#include "yw.h"

static const char *s_usage =
    "usage: yiwang summary --data DIR [--region PREFIX] [--json]\n"
    "\n"
    "Counts the visible records of a store by region (each county, its city\n"
    "and province), kind and dimension: 公务用车 vehicles by category and\n"
    "status, 办公用房 office buildings with building and office-room area (m²),\n"
    "公务接待 reception filings with guests and total cost (元); deleted\n"
    "objects; findings (objects reported live by more than one node); and\n"
    "the rejections the store keeps, by reason. --region keeps the objects\n"
    "whose region code starts with PREFIX (1-6 digits). --json prints one JSON\n"
    "object with codes and the standard's units (areas in 0.01 m², money in\n"
    "fen). Opens the store read-only; the node may run.\n"
    "Exit status: 0 done, 2 usage, 3 no store or the store failed.\n";

int
cli_summary (int argc, char **argv)
{
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"region", required_argument, NULL, 'r'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *data = NULL, *region = NULL;
    bool json = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long (argc, argv, "d:r:jh", options, NULL)) != -1) {
        switch (opt) {
            case 'd': data = optarg; break;
            case 'r': region = optarg; break;
            case 'j': json = true; break;
            case 'h': fputs (s_usage, stdout); return 0;
            default: fputs (s_usage, stderr); return 2;
        }
    }
    if (!data || optind != argc) {
        fprintf (stderr, "yiwang summary: %s\n%s",
                 data ? "unexpected argument" : "--data is required", s_usage);
        return 2;
    }
    if (cli_region_arg ("summary", region))
        return 2;
    store_t *store = NULL;
    if (cli_open_store ("summary", data, &store))
        return 3;
    codebook_t *codebook = codebook_new ();
    if (!codebook) {
        store_destroy (&store);
        return 3;
    }
    summary_t *summary = summary_new (codebook);
    int rc = summary_load (summary, store, region);
    store_destroy (&store);
    if (rc)
        fprintf (stderr, "yiwang summary: %s: %s\n", data, yw_strerror (rc));
    else if (json) {
        json_t *root = summary_json (summary);
        json_dumpf (root, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
        fputc ('\n', stdout);
        json_decref (root);
    }
    else
        summary_print (summary, stdout);
    summary_destroy (&summary);
    codebook_destroy (&codebook);
    return rc ? 3 : 0;
}
