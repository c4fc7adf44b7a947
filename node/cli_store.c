/*  cli_store.c - what the verbs that read a store share: opening it
    read-only, and the --data DIR [--region PREFIX] arguments. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "dump.h"

int
cli_open_store (const char *verb, const char *data, store_t **store_p)
{
    char error[STORE_ERROR_SIZE];
    store_options_t options = {.dir = data, .read_only = true};
    if (store_open (&options, store_p, error)) {
        fprintf (stderr, "yiwang %s: %s\n", verb, error);
        return 3;
    }
    return 0;
}

int
cli_region_arg (const char *verb, const char *region)
{
    if (!dump_prefix_valid (region) || (region && !*region)) {
        fprintf (stderr,
                 "yiwang %s: --region \"%s\": not a region code prefix (1-6 digits)\n",
                 verb, region);
        return 2;
    }
    return 0;
}

int
cli_data_region_args (const char *verb, const char *usage, int argc, char **argv,
                      const char **data, const char **region)
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
            case 'h': fputs (usage, stdout); return 0;
            default: fputs (usage, stderr); return 2;
        }
    }
    if (!*data || optind != argc) {
        fprintf (stderr, "yiwang %s: %s\n%s", verb,
                 *data ? "unexpected argument" : "--data is required", usage);
        return 2;
    }
    int status = cli_region_arg (verb, *region);
    return status ? status : -1;
}
