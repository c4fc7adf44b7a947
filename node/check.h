/*  check.h - normalizing a whole file without storing it: the work behind
    `yiwang check`, reused by `yiwang import` and the benchmark.

    check_file streams the file through the source adapter and the row mapper
    and hands each accepted record and each rejection to the caller's
    callbacks; it counts rows, acceptances, rejections by reason and objects
    that occur more than once in the file (in bounded memory, see dupfind.h).
*/
#ifndef YW_CHECK_H_INCLUDED
#define YW_CHECK_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "codebook.h"
#include "mapping.h"
#include "reason.h"
#include "record.h"
#include "rowmap.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t rows; /* rows read (header excluded) */
    uint64_t accepted;
    uint64_t rejected;
    uint64_t by_reason[YW_R_COUNT];
    uint64_t duplicates;          /* accepted rows repeating an earlier object */
    uint64_t duplicate_first;     /* the earliest repeat: line of the object's
                                     first occurrence */
    uint64_t duplicate_line;      /* ... and of the repeat */
    uint64_t unseen;              /* bit i: mapped field yw_fields[i] had a
                                     value in no row (JSON: misspelt key?) */
    const char *encoding_hint;    /* the encoding the undecodable cells are
                                     in, if it seems not the declared one
                                     (source_encoding_hint), or NULL */
    uint64_t encoding_hint_cells; /* ... and how many cells say so */
} check_report_t;

typedef struct {
    const char *jurisdiction; /* region every record must lie in, or NULL */
    bool find_duplicates;     /* count repeated objects (default on in the CLI) */
    bool progress;            /* print progress to stderr */
    bool skip_content_hash;   /* records reach accept without content hashes
                                 (see rowmap_set_content_hash) */
    /* Called for each accepted record; a non-zero return stops the run with
       that code. record is valid only during the call. */
    int (*accept) (void *arg, const yw_record_t *record, uint64_t line);
    /* Called for each rejected row; non-zero stops the run. */
    int (*reject) (void *arg, uint64_t line, const rowmap_reject_t *reject);
    void *arg;
} check_options_t;

#define YW_CHECK_ERROR 640

/* Runs the check over file (borrowed). Returns 0 when the file was processed
   (rows may have been rejected; a CSV file with a header and no rows is
   processed, with 0 rows), or a negative code when the input is unusable or
   reading failed, with `error` (YW_CHECK_ERROR bytes) saying why, or the
   first non-zero return of a callback. An empty file (nothing but blank
   lines: no CSV header, no JSON line) is unusable, YW_EPARSE: an export
   that came out empty is far more often a failed export than an empty
   registry. */
int check_file (const codebook_t *codebook, const mapping_t *mapping, FILE *file,
                const char *label, const check_options_t *options, check_report_t *report,
                char *error);

#ifdef __cplusplus
}
#endif

#endif
