/*  cli.h - the verbs of the `yiwang` command line. Each takes the arguments
    after the verb (argv[0] is the verb) and returns the process exit status
    of DESIGN 9: 0 done, 1 done with findings, 2 unusable input or usage,
    3 peer or store unavailable. */
#ifndef YW_CLI_H_INCLUDED
#define YW_CLI_H_INCLUDED

int cli_check (int argc, char **argv);     /* yiwang check */
int cli_codebook (int argc, char **argv);  /* yiwang codebook validate|region */
int cli_import (int argc, char **argv);    /* yiwang import */
int cli_log (int argc, char **argv);       /* yiwang log */
int cli_rejects (int argc, char **argv);   /* yiwang rejects */
int cli_fsck (int argc, char **argv);      /* yiwang fsck */
int cli_dump (int argc, char **argv);      /* yiwang dump */
int cli_digest (int argc, char **argv);    /* yiwang digest */
int cli_summary (int argc, char **argv);   /* yiwang summary */

#endif
