/*  cli.h - the verbs of the `yiwang` command line. Each takes the arguments
    after the verb (argv[0] is the verb) and returns the process exit status
    of DESIGN 9: 0 done, 1 done with findings, 2 unusable input or usage,
    3 peer or store unavailable. */
#ifndef YW_CLI_H_INCLUDED
#define YW_CLI_H_INCLUDED

#include <jansson.h>
#include <stdint.h>

#include "reason.h"
#include "store.h"

int cli_check (int argc, char **argv);    /* yiwang check */
int cli_codebook (int argc, char **argv); /* yiwang codebook validate|region */
int cli_import (int argc, char **argv);   /* yiwang import */
int cli_log (int argc, char **argv);      /* yiwang log */
int cli_rejects (int argc, char **argv);  /* yiwang rejects */
int cli_fsck (int argc, char **argv);     /* yiwang fsck */
int cli_dump (int argc, char **argv);     /* yiwang dump */
int cli_digest (int argc, char **argv);   /* yiwang digest */
int cli_summary (int argc, char **argv);  /* yiwang summary */

/* Shared by the verbs that read a store (cli_store.c). */

/* Opens the store in data read-only; returns 0, or 3 after saying why as
   "yiwang VERB: ..." on stderr. */
int cli_open_store (const char *verb, const char *data, store_t **store_p);

/* Checks a --region value (NULL: none); returns 0, or 2 after saying why. */
int cli_region_arg (const char *verb, const char *region);

/* Parses --data DIR [--region PREFIX] [--help]. Returns -1 to go on, else
   the exit status (0 after --help, 2 for usage errors, said on stderr). */
int cli_data_region_args (const char *verb, const char *usage, int argc, char **argv,
                          const char **data, const char **region);

/* Rejections by reason (cli_reasons.c), for `yiwang check` and `import`:
   a JSON object of reason code -> count, and the same as text lines. */
json_t *cli_reasons_json (const uint64_t *by_reason);
void cli_reasons_print (const uint64_t *by_reason);

#endif
