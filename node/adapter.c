/*  adapter.c - the external-adapter SDK: raw rows in, IngestBatch frames out
    over a DEALER socket, IngestReports summed (see adapter.h).

    The batch being filled keeps its strings in one text buffer and refers to
    them by offset, so growing the buffer never invalidates anything and a
    batch costs a handful of allocations, not one per value. The protobuf-c
    message tree is built only for the moment of packing.
*/
#include "adapter.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>
#include <zmq.h>

#include "yiwang.pb-c.h"

typedef enum { S_READY, S_IN_ROW, S_FINISHED, S_BROKEN } s_state_t;

/* Upper bounds of encoded sizes, so that no frame can outgrow YW_MAX_FRAME:
   every value is at most YW_MAX_FIELD bytes, every row has at most
   YW_MAX_COLUMNS fields, standard field names are short, and a rejection's
   strings are cut to S_REASON_MAX / YW_MAX_FIELD. */
#define S_NAME_MAX 64
#define S_REASON_MAX 31  /* the node keeps 31 bytes of a reason code */
#define S_SOURCE_MAX 255 /* ... and 255 of a source name */
#define S_FIELD_BOUND(name, value) ((name) + (value) + 16)
#define S_ROW_BOUND (YW_MAX_COLUMNS * S_FIELD_BOUND (S_NAME_MAX, YW_MAX_FIELD) + 32)
#define S_FRAME_BUDGET (YW_MAX_FRAME - 64 * 1024) /* room for the batch header */
#define S_ERROR_SIZE 512

typedef struct {
    int index;    /* in yw_fields */
    size_t value; /* offset in text */
} s_field_t;

typedef struct {
    uint64_t line;
    size_t first; /* first field in fields */
    size_t count;
} s_row_t;

typedef struct {
    uint64_t line;
    size_t field, reason, value, message; /* offsets in text */
} s_reject_t;

struct _adapter_t {
    s_state_t state;
    int broken; /* the run-ending code, when BROKEN */
    char *endpoint;
    char *source;
    yw_kind_t kind;
    char region[YW_REGION_SIZE];
    uint64_t import_id;
    size_t batch_rows;
    size_t window;
    int timeout; /* msec, -1 for ever */
    void *context;
    void *socket;
    size_t in_flight; /* batches sent and not yet answered */
    uint64_t batches_sent;

    /* The batch being filled. */
    char *text;
    size_t text_size, text_cap;
    s_field_t *fields;
    size_t field_count, field_cap;
    s_row_t *rows;
    size_t row_count, row_cap;
    s_reject_t *rejects;
    size_t reject_count, reject_cap;
    size_t batch_bytes; /* upper bound of the encoded rows and rejections */

    /* The row being built; its fields are the tail of the batch's. */
    uint64_t row_line;
    size_t row_first;
    size_t row_text; /* text_size when the row began */
    size_t row_bytes;
    const char *fault_field;  /* set: the row goes as a rejection instead */
    const char *fault_reason; /* TOO_LONG or BAD_ENCODING */
    char fault_value[YW_MAX_FIELD + 1];
    char fault_message[S_ERROR_SIZE];
    char scratch[YW_MAX_FIELD + 1]; /* a rejection's message, made UTF-8 */

    /* The reports so far. */
    adapter_report_t report;
    adapter_reason_t *reasons; /* reason strings owned */
    size_t reason_count;
    adapter_rejection_t samples[ADAPTER_MAX_SAMPLES]; /* strings owned */
    size_t sample_count;

    char error[S_ERROR_SIZE];
};

static int
s_fail (adapter_t *self, int code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    return code;
}

/* Ends the run: every later call returns code. */
static int
s_break (adapter_t *self, int code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    self->state = S_BROKEN;
    self->broken = code;
    return code;
}

/* Length of text cut to at most max bytes, not inside a UTF-8 sequence. */
static size_t
s_utf8_cut (const char *text, size_t max)
{
    size_t size = strnlen (text, max + 1);
    if (size <= max)
        return size;
    size = max;
    while (size > 0 && ((unsigned char)text[size] & 0xC0) == 0x80)
        size--;
    return size;
}

static char *
s_strcut (const char *text, size_t max)
{
    text = text ? text : "";
    return yw_strndup (text, s_utf8_cut (text, max));
}

/* Size of the valid UTF-8 prefix of text: the node takes nothing else. */
static size_t
s_utf8_valid (const char *text, size_t size)
{
    size_t i = 0;
    while (i < size) {
        utf8proc_int32_t code;
        utf8proc_ssize_t n = utf8proc_iterate ((const utf8proc_uint8_t *)text + i,
                                               (utf8proc_ssize_t)(size - i), &code);
        if (n <= 0)
            break;
        i += (size_t)n;
    }
    return i;
}

/* Copies text into out (YW_MAX_FIELD + 1 bytes) as UTF-8 a person can read:
   a byte that is not UTF-8 becomes \xNN; cut at a character boundary. */
static void
s_utf8_escape (const char *text, char *out)
{
    size_t size = strlen (text), done = 0, used = 0;
    while (done < size) {
        size_t valid = s_utf8_valid (text + done, size - done);
        size_t room = YW_MAX_FIELD - used;
        size_t take = valid <= room ? valid : s_utf8_cut (text + done, room);
        memcpy (out + used, text + done, take);
        used += take;
        done += take;
        if (take < valid || done == size || used + 4 > YW_MAX_FIELD)
            break;
        snprintf (out + used, 5, "\\x%02X", (unsigned char)text[done]);
        used += 4;
        done++;
    }
    out[used] = '\0';
}

static uint64_t
s_mix (uint64_t x)
{
    /* splitmix64 finalizer */
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Import ids only need to differ between runs of one source; getrandom
   is the source, and a clock-and-pid mix covers systems without it. */
static uint64_t
s_random_id (void)
{
    uint64_t id = 0;
    if (getrandom (&id, sizeof id, 0) != (ssize_t)sizeof id) {
        struct timespec now;
        clock_gettime (CLOCK_REALTIME, &now);
        id = s_mix ((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec) ^
             s_mix ((uint64_t)getpid ());
    }
    while (id == 0)
        id = s_mix (id + 1);
    return id;
}

static void
s_set_timeouts (adapter_t *self)
{
    if (!self->socket)
        return;
    zmq_setsockopt (self->socket, ZMQ_SNDTIMEO, &self->timeout, sizeof self->timeout);
    zmq_setsockopt (self->socket, ZMQ_RCVTIMEO, &self->timeout, sizeof self->timeout);
}

adapter_t *
adapter_new (const char *endpoint, const char *source, yw_kind_t kind)
{
    assert (endpoint);
    assert (source);
    assert (kind > YW_KIND_NONE && kind < YW_KIND_COUNT);
    adapter_t *self = yw_calloc (1, sizeof *self);
    self->state = S_READY;
    self->endpoint = yw_strdup (endpoint);
    self->source = yw_strdup (source);
    self->kind = kind;
    self->import_id = s_random_id ();
    self->batch_rows = ADAPTER_BATCH_ROWS;
    self->window = ADAPTER_WINDOW;
    self->timeout = ADAPTER_TIMEOUT;

    size_t source_size = strlen (source);
    if (!source_size || source_size > S_SOURCE_MAX ||
        s_utf8_valid (source, source_size) != source_size) {
        s_break (self, YW_EINVAL, "source name must be 1 to %d bytes of UTF-8 (%zu given)",
                 S_SOURCE_MAX, source_size);
        return self;
    }
    self->context = zmq_ctx_new ();
    if (self->context)
        self->socket = zmq_socket (self->context, ZMQ_DEALER);
    if (!self->socket) {
        s_break (self, YW_EPEER, "cannot create a ZeroMQ socket: %s", zmq_strerror (errno));
        return self;
    }
    /* Everything sent is answered before the run ends, so nothing is worth
       lingering for; and a node must not make us hold more than one frame. */
    int linger = 0;
    int64_t max_size = YW_MAX_FRAME;
    zmq_setsockopt (self->socket, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (self->socket, ZMQ_MAXMSGSIZE, &max_size, sizeof max_size);
    s_set_timeouts (self);
    if (zmq_connect (self->socket, endpoint) != 0)
        s_break (self, YW_EINVAL, "cannot connect to the node at '%s': %s", endpoint,
                 zmq_strerror (errno));
    return self;
}

static void
s_free_samples (adapter_t *self)
{
    for (size_t i = 0; i < self->sample_count; i++) {
        free ((char *)self->samples[i].field);
        free ((char *)self->samples[i].reason);
        free ((char *)self->samples[i].value);
        free ((char *)self->samples[i].message);
    }
    self->sample_count = 0;
}

void
adapter_destroy (adapter_t **self_p)
{
    assert (self_p);
    adapter_t *self = *self_p;
    if (!self)
        return;
    if (self->socket)
        zmq_close (self->socket);
    if (self->context)
        zmq_ctx_term (self->context);
    for (size_t i = 0; i < self->reason_count; i++)
        free ((char *)self->reasons[i].reason);
    free (self->reasons);
    s_free_samples (self);
    free (self->text);
    free (self->fields);
    free (self->rows);
    free (self->rejects);
    free (self->endpoint);
    free (self->source);
    free (self);
    *self_p = NULL;
}

int
adapter_set_batch_rows (adapter_t *self, size_t rows)
{
    assert (self);
    if (rows < 1 || rows > YW_MAX_BATCH_ROWS)
        return s_fail (self, YW_EINVAL, "batch size %zu: must be 1 to %d rows", rows,
                       YW_MAX_BATCH_ROWS);
    self->batch_rows = rows;
    return 0;
}

int
adapter_set_window (adapter_t *self, size_t batches)
{
    assert (self);
    if (batches < 1 || batches > ADAPTER_MAX_WINDOW)
        return s_fail (self, YW_EINVAL, "window %zu: must be 1 to %d batches", batches,
                       ADAPTER_MAX_WINDOW);
    self->window = batches;
    return 0;
}

int
adapter_set_timeout (adapter_t *self, int msec)
{
    assert (self);
    if (msec < -1)
        return s_fail (self, YW_EINVAL, "timeout %d ms: must be -1 (for ever) or more",
                       msec);
    self->timeout = msec;
    s_set_timeouts (self);
    return 0;
}

int
adapter_set_region (adapter_t *self, const char *region)
{
    assert (self);
    assert (region);
    size_t size = strlen (region);
    bool digits = size == 6;
    for (size_t i = 0; digits && i < size; i++)
        digits = region[i] >= '0' && region[i] <= '9';
    if (size && !digits)
        return s_fail (self, YW_EINVAL, "region \"%.64s\": must be 6 digits (GB/T 2260)",
                       region);
    memcpy (self->region, region, size + 1);
    return 0;
}

/* Appends size bytes of data and a NUL to the batch's text; returns the offset. */
static size_t
s_text_add (adapter_t *self, const char *data, size_t size)
{
    if (self->text_size + size + 1 > self->text_cap) {
        size_t cap = self->text_cap ? self->text_cap : 64 * 1024;
        while (cap < self->text_size + size + 1)
            cap *= 2;
        self->text = yw_realloc (self->text, cap);
        self->text_cap = cap;
    }
    size_t offset = self->text_size;
    memcpy (self->text + offset, data, size);
    self->text[offset + size] = '\0';
    self->text_size += size + 1;
    return offset;
}

#define S_GROW(array, count, cap)                                                          \
    do {                                                                                   \
        if ((count) == (cap)) {                                                            \
            (cap) = (cap) ? (cap)*2 : 256;                                                 \
            (array) = yw_realloc ((array), (cap) * sizeof *(array));                       \
        }                                                                                  \
    } while (0)

static void
s_batch_reset (adapter_t *self)
{
    self->text_size = 0;
    self->field_count = 0;
    self->row_count = 0;
    self->reject_count = 0;
    self->batch_bytes = 0;
}

static void
s_free_frame (void *data, void *hint)
{
    free (data);
}

/* Packs the batch being filled into a new buffer; *size_p gets its size. */
static uint8_t *
s_pack (adapter_t *self, bool final, bool full, size_t *size_p)
{
    Yiwang__RawField *fields = yw_calloc (self->field_count, sizeof *fields);
    Yiwang__RawField **field_refs = yw_calloc (self->field_count, sizeof *field_refs);
    Yiwang__RawRow *rows = yw_calloc (self->row_count, sizeof *rows);
    Yiwang__RawRow **row_refs = yw_calloc (self->row_count, sizeof *row_refs);
    Yiwang__Rejection *rejects = yw_calloc (self->reject_count, sizeof *rejects);
    Yiwang__Rejection **reject_refs = yw_calloc (self->reject_count, sizeof *reject_refs);

    for (size_t i = 0; i < self->field_count; i++) {
        yiwang__raw_field__init (&fields[i]);
        fields[i].name = (char *)yw_fields[self->fields[i].index].name;
        fields[i].value = self->text + self->fields[i].value;
        field_refs[i] = &fields[i];
    }
    for (size_t i = 0; i < self->row_count; i++) {
        yiwang__raw_row__init (&rows[i]);
        rows[i].line = self->rows[i].line;
        rows[i].n_fields = self->rows[i].count;
        rows[i].fields = field_refs + self->rows[i].first;
        row_refs[i] = &rows[i];
    }
    for (size_t i = 0; i < self->reject_count; i++) {
        const s_reject_t *reject = &self->rejects[i];
        yiwang__rejection__init (&rejects[i]);
        rejects[i].source = self->source;
        rejects[i].line = reject->line;
        rejects[i].field = self->text + reject->field;
        rejects[i].reason = self->text + reject->reason;
        rejects[i].value = self->text + reject->value;
        rejects[i].message = self->text + reject->message;
        reject_refs[i] = &rejects[i];
    }
    Yiwang__IngestBatch batch = YIWANG__INGEST_BATCH__INIT;
    batch.source = self->source;
    batch.kind = (Yiwang__Kind)self->kind;
    batch.import_id = self->import_id;
    batch.full = full;
    batch.final = final;
    batch.region = self->region;
    batch.n_rows = self->row_count;
    batch.rows = row_refs;
    batch.n_rejections = self->reject_count;
    batch.rejections = reject_refs;

    size_t size = yiwang__ingest_batch__get_packed_size (&batch);
    assert (size <= YW_MAX_FRAME);
    uint8_t *frame = yw_malloc (size);
    yiwang__ingest_batch__pack (&batch, frame);

    free (fields);
    free (field_refs);
    free (rows);
    free (row_refs);
    free (rejects);
    free (reject_refs);
    *size_p = size;
    return frame;
}

static int
s_wait_failed (adapter_t *self, const char *what)
{
    if (errno == EAGAIN)
        return s_break (self, YW_ETIMEOUT,
                        "no %s from the node at %s within %d ms: is yiwang-node running "
                        "and listening there?",
                        what, self->endpoint, self->timeout);
    if (errno == EINTR)
        return s_break (self, YW_EINTERRUPTED,
                        "interrupted while waiting for the node at %s", self->endpoint);
    return s_break (self, YW_EPEER, "talking to the node at %s: %s", self->endpoint,
                    zmq_strerror (errno));
}

/* Reads and drops the rest of a multipart message. */
static void
s_skip_rest (void *socket)
{
    int more = 0;
    size_t size = sizeof more;
    zmq_getsockopt (socket, ZMQ_RCVMORE, &more, &size);
    while (more) {
        zmq_msg_t part;
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, socket, 0) < 0) {
            zmq_msg_close (&part);
            return;
        }
        more = zmq_msg_more (&part);
        zmq_msg_close (&part);
    }
}

static void
s_add_reason (adapter_t *self, const char *reason, uint64_t count)
{
    char *code = s_strcut (reason, S_REASON_MAX);
    for (size_t i = 0; i < self->reason_count; i++)
        if (strcmp (self->reasons[i].reason, code) == 0) {
            self->reasons[i].count += count;
            free (code);
            return;
        }
    if (self->reason_count == ADAPTER_MAX_REASONS) {
        /* The last slot was made OTHER when the table filled. */
        self->reasons[self->reason_count - 1].count += count;
        free (code);
        return;
    }
    if (self->reason_count == ADAPTER_MAX_REASONS - 1) {
        free (code);
        code = yw_strdup ("OTHER");
    }
    self->reasons =
        yw_realloc (self->reasons, (self->reason_count + 1) * sizeof *self->reasons);
    self->reasons[self->reason_count].reason = code;
    self->reasons[self->reason_count].count = count;
    self->reason_count++;
}

static int
s_apply_report (adapter_t *self, const Yiwang__IngestReport *report)
{
    if (report->status != 0) {
        int code = report->status < 0 ? report->status : YW_EPEER;
        return s_break (self, code,
                        "the node at %s refused batch %llu of the run: %.300s (%s)",
                        self->endpoint, (unsigned long long)self->report.batches + 1,
                        report->error && *report->error ? report->error : "no message",
                        yw_strerror (code));
    }
    adapter_report_t *sum = &self->report;
    sum->batches++;
    sum->rows += report->rows;
    sum->added += report->new_;
    sum->changed += report->changed;
    sum->unchanged += report->unchanged;
    sum->deleted += report->deleted;
    sum->rejected += report->rejected;
    for (size_t i = 0; i < report->n_reasons; i++)
        s_add_reason (self, report->reasons[i]->reason, report->reasons[i]->count);
    for (size_t i = 0; i < report->n_rejections && self->sample_count < ADAPTER_MAX_SAMPLES;
         i++) {
        const Yiwang__Rejection *from = report->rejections[i];
        adapter_rejection_t *to = &self->samples[self->sample_count++];
        to->line = from->line;
        to->field = s_strcut (from->field, S_NAME_MAX);
        to->reason = s_strcut (from->reason, S_REASON_MAX);
        to->value = s_strcut (from->value, YW_MAX_FIELD);
        to->message = s_strcut (from->message, YW_MAX_FIELD);
    }
    return 0;
}

/* Receives one report: waits up to the timeout if `wait`, else takes one
   only if it is there. Returns 1 for a report applied, 0 for none there
   (not waiting), or a run-ending error. */
static int
s_receive_report (adapter_t *self, bool wait)
{
    zmq_msg_t part;
    zmq_msg_init (&part);
    if (zmq_msg_recv (&part, self->socket, wait ? 0 : ZMQ_DONTWAIT) < 0) {
        zmq_msg_close (&part);
        if (!wait && errno == EAGAIN)
            return 0;
        return s_wait_failed (self, "report");
    }
    /* A DEALER sees what a REQ socket hides: the empty delimiter first. */
    bool framed = zmq_msg_size (&part) == 0 && zmq_msg_more (&part);
    zmq_msg_close (&part);
    if (framed) {
        zmq_msg_init (&part);
        if (zmq_msg_recv (&part, self->socket, 0) < 0) {
            zmq_msg_close (&part);
            return s_wait_failed (self, "report");
        }
        framed = !zmq_msg_more (&part);
    }
    if (!framed) {
        zmq_msg_close (&part);
        s_skip_rest (self->socket);
        return s_break (self, YW_EPEER,
                        "the node at %s answered with unexpected frames (expected an empty "
                        "delimiter and one IngestReport)",
                        self->endpoint);
    }
    if (self->in_flight == 0) {
        zmq_msg_close (&part);
        return s_break (self, YW_EPEER, "the node at %s sent a report for no batch",
                        self->endpoint);
    }
    Yiwang__IngestReport *report = yiwang__ingest_report__unpack (
        NULL, zmq_msg_size (&part), (const uint8_t *)zmq_msg_data (&part));
    size_t size = zmq_msg_size (&part);
    zmq_msg_close (&part);
    if (!report)
        return s_break (
            self, YW_EPEER,
            "the node at %s answered with %zu bytes that are not an IngestReport",
            self->endpoint, size);
    self->in_flight--;
    int rc = s_apply_report (self, report);
    yiwang__ingest_report__free_unpacked (report, NULL);
    return rc < 0 ? rc : 1;
}

/* Sends the batch being filled and empties it. Waits first while the window
   is full; afterwards takes whatever reports have arrived. */
static int
s_send_batch (adapter_t *self, bool final, bool full)
{
    while (self->in_flight >= self->window) {
        int rc = s_receive_report (self, true);
        if (rc < 0)
            return rc;
    }
    size_t size;
    uint8_t *frame = s_pack (self, final, full, &size);
    s_batch_reset (self);

    zmq_msg_t msg;
    zmq_msg_init_data (&msg, frame, size, s_free_frame, NULL);
    /* The empty delimiter a REQ socket would add, so the node's ROUTER
       answers DEALER and REQ clients alike. Once the first part is queued the
       second one is too. */
    if (zmq_send (self->socket, "", 0, ZMQ_SNDMORE) < 0) {
        zmq_msg_close (&msg);
        return s_wait_failed (self, "room to queue a batch");
    }
    if (zmq_msg_send (&msg, self->socket, 0) < 0) {
        zmq_msg_close (&msg);
        return s_wait_failed (self, "room to queue a batch");
    }
    self->in_flight++;
    self->batches_sent++;
    int rc;
    while ((rc = s_receive_report (self, false)) == 1)
        ;
    return rc < 0 ? rc : 0;
}

/* Before a row or rejection is added: sends the batch if it is full, or if
   one more item could push its frame over the limit. A full batch waits
   for the next item rather than going at once, so that adapter_finish ()
   marks the last rows final instead of sending an empty final batch. */
static int
s_make_room (adapter_t *self)
{
    size_t items = self->row_count + self->reject_count;
    if (items >= self->batch_rows ||
        (items > 0 && self->batch_bytes + S_ROW_BOUND > S_FRAME_BUDGET))
        return s_send_batch (self, false, false);
    return 0;
}

int
adapter_row_begin (adapter_t *self, uint64_t line)
{
    assert (self);
    if (self->state == S_BROKEN)
        return self->broken;
    assert (self->state == S_READY);
    int rc = s_make_room (self);
    if (rc)
        return rc;
    self->state = S_IN_ROW;
    self->row_line = line;
    self->row_first = self->field_count;
    self->row_text = self->text_size;
    self->row_bytes = 0;
    self->fault_field = NULL;
    return 0;
}

/* The row cannot go as it is: drop what it has and remember why. */
static void
s_row_fault (adapter_t *self, const char *field, const char *reason, const char *value,
             const char *format, ...)
{
    self->field_count = self->row_first;
    self->text_size = self->row_text;
    self->row_bytes = 0;
    self->fault_field = field;
    self->fault_reason = reason;
    s_utf8_escape (value, self->fault_value);
    va_list args;
    va_start (args, format);
    vsnprintf (self->fault_message, sizeof self->fault_message, format, args);
    va_end (args);
}

int
adapter_row_field (adapter_t *self, const char *name, const char *value)
{
    assert (self);
    assert (name);
    if (self->state == S_BROKEN)
        return self->broken;
    assert (self->state == S_IN_ROW);
    value = value ? value : "";
    int index = yw_field_find (self->kind, name);
    if (index < 0)
        return s_fail (self, YW_EINVAL,
                       "line %llu: \"%.64s\" is not a standard field of %s "
                       "(docs/ADAPTERS.md lists them)",
                       (unsigned long long)self->row_line, name, yw_kind_name (self->kind));
    /* The node takes an empty value for no value (and only then falls back
       on the batch's region), so an empty value is not sent at all. */
    if (self->fault_field || !*value)
        return 0;
    size_t name_size = strlen (yw_fields[index].name);
    assert (name_size <= S_NAME_MAX);
    size_t size = strlen (value);
    if (size > YW_MAX_FIELD) {
        s_row_fault (self, yw_fields[index].name, "TOO_LONG", value,
                     "%s: value is %zu bytes, more than the %d allowed (内容过长)",
                     yw_fields[index].name, size, YW_MAX_FIELD);
        return 0;
    }
    size_t valid = s_utf8_valid (value, size);
    if (valid < size) {
        s_row_fault (self, yw_fields[index].name, "BAD_ENCODING", value,
                     "%s: byte %zu (0x%02X) is not UTF-8 (字符编码无效)",
                     yw_fields[index].name, valid + 1, (unsigned char)value[valid]);
        return 0;
    }
    if (self->field_count - self->row_first == YW_MAX_COLUMNS) {
        s_row_fault (self, "", "TOO_LONG", "", "row has more than %d fields (字段过多)",
                     YW_MAX_COLUMNS);
        return 0;
    }
    S_GROW (self->fields, self->field_count, self->field_cap);
    self->fields[self->field_count].index = index;
    self->fields[self->field_count].value = s_text_add (self, value, size);
    self->field_count++;
    self->row_bytes += S_FIELD_BOUND (name_size, size);
    return 0;
}

static void
s_append_reject (adapter_t *self, uint64_t line, const char *field, const char *reason,
                 const char *value, const char *message)
{
    S_GROW (self->rejects, self->reject_count, self->reject_cap);
    s_reject_t *reject = &self->rejects[self->reject_count++];
    size_t field_size = strlen (field);
    size_t reason_size = strlen (reason);
    size_t value_size = s_utf8_cut (value, YW_MAX_FIELD);
    size_t message_size = s_utf8_cut (message, YW_MAX_FIELD);
    reject->line = line;
    reject->field = s_text_add (self, field, field_size);
    reject->reason = s_text_add (self, reason, reason_size);
    reject->value = s_text_add (self, value, value_size);
    reject->message = s_text_add (self, message, message_size);
    self->batch_bytes += strlen (self->source) + field_size + reason_size + value_size +
                         message_size + 6 * 16;
}

int
adapter_row_end (adapter_t *self)
{
    assert (self);
    if (self->state == S_BROKEN)
        return self->broken;
    assert (self->state == S_IN_ROW);
    self->state = S_READY;
    if (self->fault_field) {
        s_append_reject (self, self->row_line, self->fault_field, self->fault_reason,
                         self->fault_value, self->fault_message);
        return 0;
    }
    S_GROW (self->rows, self->row_count, self->row_cap);
    s_row_t *row = &self->rows[self->row_count++];
    row->line = self->row_line;
    row->first = self->row_first;
    row->count = self->field_count - self->row_first;
    self->batch_bytes += self->row_bytes + 32;
    return 0;
}

int
adapter_reject (adapter_t *self, uint64_t line, const char *field, const char *reason,
                const char *value, const char *message)
{
    assert (self);
    if (self->state == S_BROKEN)
        return self->broken;
    assert (self->state == S_READY);
    field = field ? field : "";
    if (*field && yw_field_find (self->kind, field) < 0)
        return s_fail (self, YW_EINVAL,
                       "line %llu: rejection names \"%.64s\", not a standard field of %s",
                       (unsigned long long)line, field, yw_kind_name (self->kind));
    size_t reason_size = reason ? strlen (reason) : 0;
    if (!reason_size || reason_size > S_REASON_MAX ||
        s_utf8_valid (reason, reason_size) != reason_size)
        return s_fail (self, YW_EINVAL,
                       "line %llu: a rejection needs a reason code of 1 to %d bytes",
                       (unsigned long long)line, S_REASON_MAX);
    int rc = s_make_room (self);
    if (rc)
        return rc;
    s_utf8_escape (value ? value : "", self->fault_value);
    s_utf8_escape (message ? message : "", self->scratch);
    s_append_reject (self, line, field, reason, self->fault_value, self->scratch);
    return 0;
}

int
adapter_finish (adapter_t *self, bool full)
{
    assert (self);
    if (self->state == S_BROKEN)
        return self->broken;
    assert (self->state == S_READY);
    int rc = s_send_batch (self, true, full);
    while (!rc && self->in_flight > 0)
        rc = s_receive_report (self, true) < 0 ? self->broken : 0;
    if (rc)
        return rc;
    self->state = S_FINISHED;
    return 0;
}

const adapter_report_t *
adapter_report (adapter_t *self)
{
    assert (self);
    self->report.reasons = self->reasons;
    self->report.reason_count = self->reason_count;
    self->report.samples = self->samples;
    self->report.sample_count = self->sample_count;
    return &self->report;
}

const char *
adapter_error (adapter_t *self)
{
    assert (self);
    return self->error;
}

uint64_t
adapter_import_id (adapter_t *self)
{
    assert (self);
    return self->import_id;
}
