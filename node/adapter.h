/*  adapter.h - the SDK for external adapters: a program that reads a local
    system's data sends it, row by row, to a node's ingest socket (DESIGN 4.1;
    the protocol and a walk-through are in docs/ADAPTERS.md).

    An adapter_t is one import run of one source. The program gives it raw
    rows - standard field names (DESIGN 2, e.g. "vin", "purchase_date") with
    the local text as it is - and the node normalizes them exactly as
    `yiwang check` does. Rows the program already knows are bad go in as
    rejections, so the node keeps and counts them like its own.

        adapter_t *adapter = adapter_new ("ipc:///var/lib/yiwang/ingest.ipc",
                                          "county-fleet", YW_KIND_VEHICLE);
        adapter_set_region (adapter, "370102");
        int rc = 0;
        while (!rc && next_local_row (&row)) {
            adapter_row_begin (adapter, row.line);
            adapter_row_field (adapter, "vin", row.vin);
            adapter_row_field (adapter, "purchase_date", row.bought);
            rc = adapter_row_end (adapter);
        }
        if (!rc)
            rc = adapter_finish (adapter, false);
        if (rc)
            fprintf (stderr, "%s\n", adapter_error (adapter));
        const adapter_report_t *report = adapter_report (adapter);
        adapter_destroy (&adapter);

    Rows are sent in batches of adapter_set_batch_rows () rows (default 5,000)
    over a ZeroMQ DEALER socket, with up to adapter_set_window () batches
    (default 4) in flight: reading the local data overlaps with the node's
    work, and memory stays bounded. A batch is also cut early so that its frame
    stays under YW_MAX_FRAME. Every batch of the run carries the same random
    import id; the last one, sent by adapter_finish (), is marked final.

    States (one run per adapter; a call in the wrong state is a programmer
    error and asserts):

        state     call                 next      action
        READY     row_begin            IN_ROW    send the pending batch if it is full
        IN_ROW    row_field            IN_ROW    add a field to the row
        IN_ROW    row_end              READY     append the row to the batch
        READY     reject               READY     send the pending batch if full; append
        READY     finish               FINISHED  send the final batch, await all reports
        any       node failure         BROKEN    every later call returns that error

    Failures that end the run (the adapter goes BROKEN and every later call
    returns the same code, with the same adapter_error () text):
        YW_ETIMEOUT      no report from the node within the timeout (default
                         30 s; the node is not running, not listening on that
                         endpoint, or stuck), or a batch could not be queued
                         within it
        YW_EPEER         the node's answer is not a well-formed IngestReport
        YW_EINVAL        the endpoint is malformed, or the source name is not
                         1 to 255 bytes of UTF-8
        YW_EINTERRUPTED  a signal interrupted a wait
        any YW_E code    the node refused a batch (IngestReport.status), e.g.
                         YW_EPARSE, YW_ESTORE, YW_EDENIED
    Calls the program can recover from return YW_EINVAL and leave the state as
    it was: an unknown field name in adapter_row_field (), a bad argument to
    adapter_reject () or to a setter.

    Data problems are never errors here: a value the node cannot normalize
    becomes a rejection in the report. Three are caught before sending,
    because the node refuses a whole batch that has them: a value over
    YW_MAX_FIELD bytes or a row with more than YW_MAX_COLUMNS fields (sent as
    a rejection with reason TOO_LONG instead of as a row), and a value that is
    not UTF-8 (reason BAD_ENCODING; the rejection shows the bad bytes as
    \xNN). Transcode GB18030/GBK exports to UTF-8 before giving them here.

    An adapter_t belongs to one thread. It owns its ZeroMQ context and socket.
*/
#ifndef YW_ADAPTER_H_INCLUDED
#define YW_ADAPTER_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "yw.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _adapter_t adapter_t;

#define ADAPTER_BATCH_ROWS 5000 /* default rows per batch */
#define ADAPTER_WINDOW 4        /* default batches in flight */
#define ADAPTER_MAX_WINDOW 64
#define ADAPTER_TIMEOUT 30000  /* default msec to wait for a report */
#define ADAPTER_MAX_SAMPLES 20 /* rejections kept in the summed report */
#define ADAPTER_MAX_REASONS 64 /* distinct reasons kept; the rest count as OTHER */

typedef struct {
    const char *reason; /* stable reason code, e.g. "VIN_CHECK" */
    uint64_t count;
} adapter_reason_t;

typedef struct {
    uint64_t line;
    const char *field; /* standard field name, or "" for the row */
    const char *reason;
    const char *value;
    const char *message;
} adapter_rejection_t;

/* The IngestReports of the run so far, summed. */
typedef struct {
    uint64_t batches; /* reports received */
    uint64_t rows;    /* rows and rejections the node received */
    uint64_t added;   /* IngestReport.new: objects the node had not seen */
    uint64_t changed;
    uint64_t unchanged;
    uint64_t deleted; /* tombstones of a full run (final batch) */
    uint64_t rejected;
    size_t reason_count;
    const adapter_reason_t *reasons; /* rejections by reason, first seen first */
    size_t sample_count;
    const adapter_rejection_t *samples; /* the first ADAPTER_MAX_SAMPLES rejections */
} adapter_report_t;

/* Creates an adapter for one import run of `source` (names the feed: the
   node scopes a full run's tombstones to it) of records of `kind`, that
   sends to the node's ingest endpoint, e.g. "ipc:///srv/yiwang/ingest.ipc"
   or "tcp://127.0.0.1:7101". Does not wait for the node: a node that is not
   there shows as YW_ETIMEOUT at the first wait for a report. A malformed
   endpoint or an empty source leaves the adapter BROKEN (YW_EINVAL from the
   first call). kind must be a real kind; strings are copied. Never NULL. */
adapter_t *adapter_new (const char *endpoint, const char *source, yw_kind_t kind);

/* Closes the socket, dropping anything unsent, frees everything and sets
 *self_p to NULL. Idempotent. */
void adapter_destroy (adapter_t **self_p);

/* Rows per batch, 1..YW_MAX_BATCH_ROWS (default ADAPTER_BATCH_ROWS).
   Applies to the batch being filled. Returns 0 or YW_EINVAL. */
int adapter_set_batch_rows (adapter_t *self, size_t rows);

/* Batches in flight, 1..ADAPTER_MAX_WINDOW (default ADAPTER_WINDOW); 1 is
   plain request-reply. Returns 0 or YW_EINVAL. */
int adapter_set_window (adapter_t *self, size_t batches);

/* Milliseconds to wait for each report, or to queue a batch (default
   ADAPTER_TIMEOUT); -1 waits for ever. Returns 0 or YW_EINVAL. */
int adapter_set_timeout (adapter_t *self, int msec);

/* Default region (6-digit GB/T 2260 code) for rows that carry no
   region_code, or "" for none; the node checks the code. Applies to batches
   sent afterwards. Returns 0, or YW_EINVAL for text that is not 6 digits. */
int adapter_set_region (adapter_t *self, const char *region);

/* Starts a row; line is its 1-based line in the local data (shown in
   rejections). Sends the pending batch first if it is full, which may wait
   for a report. Returns 0 or a run-ending error. */
int adapter_row_begin (adapter_t *self, uint64_t line);

/* Adds a field to the row: name is a standard field name of the kind
   (DESIGN 2; envelope fields region_code and unit_code for any kind), value
   the local text, UTF-8, as it is (the node trims and normalizes it). An
   empty or NULL value is no value: it is not sent, and a row without
   region_code takes the adapter's region. Returns 0, YW_EINVAL for a name that is not a
   field of the kind (the field is not added; adapter_error () says which), or the run's
   error if BROKEN. Strings are copied. */
int adapter_row_field (adapter_t *self, const char *name, const char *value);

/* Ends the row and appends it to the batch. Returns 0 or the run's error. */
int adapter_row_end (adapter_t *self);

/* Appends a row the local system already rejected: line, the standard field
   it is about or "" for the whole row, a reason code (docs/ADAPTERS.md lists
   the standard ones, e.g. "MISSING", "BAD_CSV"; the node stores and counts
   any code, but lists only standard ones by reason), the offending value (may
   be NULL) and a message for people (may be NULL). value and message are cut
   to YW_MAX_FIELD bytes, bytes that are not UTF-8 shown as \xNN. Sends the
   pending batch first if it is full. Returns 0, YW_EINVAL (field not a
   field of the kind, reason empty or over 31 bytes) or the run's error. */
int adapter_reject (adapter_t *self, uint64_t line, const char *field, const char *reason,
                    const char *value, const char *message);

/* Ends the run: sends the pending rows as the final batch (an empty one if
   there are none) with `full` set when the run is a full export - the node
   then tombstones the objects of this kind and source that the run did not
   contain - and waits for every report. Returns 0 or the run's error. */
int adapter_finish (adapter_t *self, bool full);

/* The reports received so far, summed. Valid until the next call on self. */
const adapter_report_t *adapter_report (adapter_t *self);

/* What went wrong in the last failed call, naming the endpoint or the field;
   "" if nothing did. Valid until the next call on self. */
const char *adapter_error (adapter_t *self);

/* The run's import id (random, non-zero). */
uint64_t adapter_import_id (adapter_t *self);

#ifdef __cplusplus
}
#endif

#endif
