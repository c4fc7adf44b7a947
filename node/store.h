/*  store.h - a node's LMDB store (DESIGN 4.2, 4.4).

    One LMDB environment per node, in its data directory, with one writer:
    the process that holds DIR/yiwang.lock (flock; the holder's PID is written
    into it). Readers (yiwang log, rejects, dump, digest, queries) open it
    read-only at any time, take no lock, and never block the writer.

    Every change is one write transaction: bodies, claims, indexes, source
    membership, rejections, the origin batches appended to the outbound log
    and the HLC / origin-seq state in meta commit together or not at all.
    Commits are durable (neither MDB_NOSYNC nor MDB_NOMETASYNC). When the map
    fills, the store aborts the transaction, doubles the map and does the
    whole transaction again; a full disk gives YW_ENOSPC and leaves the store
    as it was at the last commit.

    LMDB's cost model decides the layout (DESIGN 4.2): every commit rewrites
    each page it touched, so large values live in append-only tables written
    in key order (body, log, reject); the index and source tables are keyed
    so that a new object's entries are appended too (idx, src); the two
    tables keyed at random, object codes and plates, are kept as sorted runs
    appended whole and merged now and then (obj, plate; runs.h); keys are
    sorted before they are touched and written through cursors (LMDB finds
    a key next to the last one without descending the tree); a transaction
    takes several ingest batches (group commit); an unchanged record costs
    one read and no write, and an unchanged batch one read (fingerprints,
    below).

    Tables (named LMDB databases; integers big-endian so memcmp order is
    numeric order):

      obj     u32 run + object_code (23 bytes) -> u64 seq: the object's
              number in this store, from an HLC value when it was first
              claimed (increasing, so a new object's claims and index
              entries go at the end of their tables and ranges). A
              transaction's new objects are one new run; runs merge as
              objmap.h says, and each has a Bloom filter in objrun.
      objrun  u32 run -> its code count and Bloom filter (objmap.h).
      rec     u64 seq -> the object's claims, one per origin node that
              reports it (DESIGN 4.4), and which one is visible:
                u8 format (2), u8 claim count, u8 visible claim (0xff: none,
                every claim is a tombstone), u8 reserved, u64 seq (again),
                the object code (23 bytes: what a plate entry's seq names),
                then per claim, sorted by origin, 64 bytes:
                  u32 origin     ordinal of the origin node (table origin)
                  u32 source     ordinal of the import source that last wrote
                                 this node's own claim; 0 for other origins
                  u64 version    HLC of the claim's last change at its origin
                  u64 body       position in `body`; 0 for a tombstone
                  u8[32]         content hash
                  u8 flags       bit 0: deleted
                  u8 kind
                  char[6]        region code (kept for tombstones and digests)
              The visible claim is the newest live one, ties going to the
              smaller origin id. A delete ends only its origin's claim.
      body    u64 position (append order) -> the encoded Record of a live
              claim, envelope included (origin_node, version, content_hash);
              written with MDB_APPEND; a superseded body is deleted.
      log     u64 link seq -> an OriginBatch, byte for byte (proto/batch.h);
              MDB_APPEND. This node's own batches and, on a hub, relayed ones.
      idx     DUPSORT|DUPFIXED: index key -> items (u64 object seq, object
              code), one per index key of the visible record of every object
              that has one:
                'u' unit_code NUL kind        a unit's objects of a kind
                'r' kind region (6)           a region's objects of a kind; any
                                              region prefix is one range
              Items are in seq order, so a new object's go at the end of
              their key's (MDB_APPENDDUP: full pages, no page in the middle
              of the table touched). A transaction queues its index changes
              and applies them sorted, at the end. VIN and certificate number
              are natural keys of the object code (codebook/objcode.h), so
              lookups by them derive the code.
      plate   u32 run + plate bytes + NUL + u64 object seq -> u8 (0 holds,
              1 a tombstone): the plates of the visible records of vehicles
              (several objects may share one), as sorted runs like obj
              (runs.h, platemap.h): a transaction's changes are one new run;
              the newest run that has a (plate, seq) says whether it holds.
      platerun u32 run -> its entry count (platemap.h).
      src     DUPSORT|DUPFIXED: u32 source, u8 kind -> items (u64 object
              seq, object code): the objects an import source wrote. An item
              is added only when a source first writes an object (new, or
              taken over from another source), never for an unchanged row,
              and a new object's is appended. Items go stale when another
              source takes the object over; the claim's own `source` is the
              truth and a --full run drops them.
      reject  u64 HLC of the rejection (48-bit ms time, 16-bit seq) -> the
              rejected row: kind, import id, source, line, field, reason code,
              value, message. Appended.
      origin  origin node id -> u32 ordinal, u64 last applied origin_seq,
              u8[32] its hash (hubs); and 0x00 u32 ordinal -> origin node id.
              This node is ordinal 1.
      batch   u32 source, u8 kind, 16-byte fingerprint -> u64 own-changes
              counter, u64 import id: batches known unchanged (below).
      chunk   the same key, for a batch that named its raw rows (a chunk
              key instead of the computed fingerprint) -> what they made:
              u8 format (3), u32 records n, u32 rejections m, n objects in
              code order (object code, first 8 bytes of the content hash),
              then m rejections (u64 line and the texts source, field,
              reason, value, message, each u16 length + bytes, as in
              reject). Written with the
              fingerprint, dropped with it. When a run ends, chunks that
              hold one object with different content are dropped: which of
              them the store holds depends on their order, and a later
              export that lacks one of the rows must not be answered from
              the other.
      meta    "yw.node_id", "yw.schema", "yw.hlc", "yw.origin_seq",
              "yw.origin_hash" (this node's last own batch), "yw.source.NAME"
              (source ordinals), "yw.run..." (open --full runs), "yw.link.ID"
              (hubs: a child's last applied link seq), "yw.own_changes" and
              "yw.fpchain..." (batch fingerprints); and names not starting
              with "yw." for callers (store_meta_get_u64 ()), e.g. the uplink's
              acknowledged link seq.

    Unchanged batches. Re-importing an export that did not change is the
    common case, and one lookup per record would cap it near a million
    records a second. Every batch applied in a transaction that writes
    leaves a fingerprint (SHA-256 of its object codes and content hashes in
    code order) with the count of transactions so far that changed a claim
    of this node; a batch found with the current count is unchanged as a
    whole and costs one read. At a run's final batch its fingerprints take
    the count as it then is, unless something other than the run changed
    this node's claims in between. Batches with an object twice, or sharing
    an object with another batch of the transaction, get none. A run that
    changed a claim older than the run re-vouches no plain fingerprint at
    its end (an earlier batch may have held that object unchanged, and only
    a chunk keeps the object list that would tell); the next run that
    changes nothing does.

    Unchanged files. Even one read per batch leaves the client normalizing
    every row, which caps a re-import well under a million rows a second.
    So `yiwang import` names the raw rows of each batch (a chunk digest);
    a batch with a chunk takes the chunk's key as its fingerprint and keeps
    what the rows made in table chunk. On the next import of the same file
    the client sends the digest alone (chunk_only), the node answers from
    the table while the fingerprint holds, and the client normalizes only
    the chunks the node does not know (report `stale`).

    --full runs. An import run with `full` set must end in tombstones for this
    node's live claims of that source and kind that the run did not contain.
    The run's object codes are kept out of LMDB, in a spill file
    DIR/runs/SOURCE-KIND.spill: each batch appends its codes as one sorted
    block (they are sorted anyway), and the final batch merges the blocks
    (k-way, a small read buffer per block) and merge-joins them with the
    source's `src` range, both in object-code order. Memory stays bounded
    (about 1.5 KiB per batch of the run) and an unchanged row of a full run
    costs 23 bytes of sequential file write instead of a random LMDB put. At
    the final batch the source's src items, kept in first-write order, are
    sorted in chunks through a scratch file the same way. The
    file is fdatasync'ed before the transaction that accounts for it commits,
    and meta records the committed length, so after a crash the next batch of
    the run cuts off whatever was written past it and the run goes on; a new
    import id for the same source and kind starts the run over.
    (A per-run LMDB table would have been transactional for free but costs a
    random put per row, which is the very write an unchanged re-import must
    not make.)

    Threads: a store_t is used by one thread at a time. Callbacks run inside a
    read transaction and must not call the store's write functions.
*/
#ifndef YW_STORE_H_INCLUDED
#define YW_STORE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _store_t store_t;

/* Size of every `error` buffer the store writes a message into. */
#define STORE_ERROR_SIZE 256

#define STORE_SCHEMA 5                          /* format of the tables above */
#define STORE_DEFAULT_MAP ((size_t)8 << 30)     /* initial map size */
#define STORE_DEFAULT_MAP_MAX ((size_t)1 << 40) /* the map never grows past */

typedef struct {
    const char *dir;     /* data directory; created if missing (writer) */
    const char *node_id; /* this node's id; must match the store's once
                            set; NULL for read-only opens */
    bool read_only;      /* open for reading; no lock taken */
    size_t map_size;     /* initial map size in bytes; 0 = STORE_DEFAULT_MAP */
    size_t map_max;      /* growth limit; 0 = STORE_DEFAULT_MAP_MAX */
} store_options_t;

/* Opens (creating if needed) the store. Returns 0 and *store_p, or
   YW_ELOCKED (another process is the writer; `error` names the directory
   and the holder's PID), YW_ECONFIG (node id differs from the store's, or
   the store is of another schema than this program), YW_ENOTFOUND (read-only
   and there is no store in dir), YW_EINVAL (bad options), YW_ESTORE /
   YW_EIO with a message in `error` (STORE_ERROR_SIZE bytes, may be NULL). */
int store_open (const store_options_t *options, store_t **store_p, char *error);

/* Closes the store and releases the lock. Idempotent; sets *self_p = NULL. */
void store_destroy (store_t **self_p);

/* This node's id (owned by the store). */
const char *store_node_id (const store_t *self);

/* ----------------------------------------------------------------- ingest */

/* A rejected row to keep (DESIGN 4.1). Strings are borrowed; longer than
   YW_MAX_FIELD bytes they are cut. */
typedef struct {
    const char *source;
    uint64_t line;
    const char *field;
    const char *reason; /* stable reason code */
    const char *value;
    const char *message;
} store_rejection_t;

/* One ingest batch: the records of one IngestBatch, normalized and
   validated, object_code (23 characters) and content_hash set (an all-zero
   hash is computed here). The store stamps origin_node, version and deleted
   of new and changed records in place; nothing else is modified. */
typedef struct {
    const char *source; /* scopes --full; at most 255 bytes */
    yw_kind_t kind;     /* every record must be of this kind */
    uint64_t import_id; /* same for every batch of one import run */
    bool full;          /* part of a full export */
    bool final;         /* last batch of the import run */
    yw_record_t *records;
    size_t record_count; /* at most YW_MAX_BATCH_ROWS */
    const store_rejection_t *rejections;
    size_t rejection_count;
    /* Chunks (yiwang import): the raw rows behind this batch, as a key of
       STORE_CHUNK_KEY bytes (the node derives it from the client's digest,
       its jurisdiction and its codebook), or NULL. A batch with a chunk that
       is applied record by record leaves, besides its fingerprint (below),
       what the chunk made: its object codes and its rejections. */
    const uint8_t *chunk;
    /* No records and no rejections: "the rows of `chunk` again". When the
       chunk's fingerprint holds (nothing changed this node's claims since),
       it is applied as remembered: its records unchanged, its rejections
       kept again for this import (each also handed to on_rejection), its
       objects counted in a --full run. Otherwise the report says `stale`
       and nothing of the batch is applied. Never final. */
    bool chunk_only;
    void (*on_rejection) (void *arg, const store_rejection_t *row);
    void *arg;
} store_ingest_t;

#define STORE_CHUNK_KEY 16

typedef struct {
    uint64_t new_count; /* objects this node did not claim, or had deleted */
    uint64_t changed;
    uint64_t unchanged;
    uint64_t deleted; /* tombstones made by --full at the final batch */
    uint64_t rejected;
    bool stale; /* a chunk_only batch whose chunk is not known (any more) */
} store_ingest_report_t;

/* Applies `count` ingest batches in ONE write transaction (group commit):
   for each record, compares its content hash with this node's own claim and
   makes no write at all when it is live and the same; otherwise stamps a new
   HLC version, writes the body, the claim, the visible record's indexes, and
   adds the event to this transaction's origin batches (split at
   BATCH_SPLIT_EVENTS events or BATCH_SPLIT_BYTES, chained by hash) in the
   log; keeps the rejections; for the final batch of a full run, tombstones
   this node's live claims of that kind and source that the run did not
   contain (those tombstones are events too). Records of all batches are
   applied in object-code order; a code given twice is applied in batch and
   record order. A transaction with nothing to write is not committed.
   reports[i] receives batch i's counts. Returns 0 after a durable commit, or
   with nothing applied: YW_EINVAL (a record breaks the rules above; `error`
   names it), YW_ENOSPC, YW_EMAPFULL (map_max reached), YW_EIO (spill file),
   YW_ESTORE (a --full run whose spill file is lost, or LMDB). */
int store_ingest (store_t *self, store_ingest_t *batches, size_t count,
                  store_ingest_report_t *reports, char *error);

/* ------------------------------------------------ remote batches (issue 4) */

/* One origin batch received from a child, to apply and maybe relay. */
typedef struct {
    const uint8_t *data; /* the OriginBatch as received (borrowed) */
    size_t size;
    const char *link;         /* child node it came through (NULL: no link
                                 bookkeeping, e.g. a snapshot) */
    uint64_t link_seq;        /* its link seq on that link */
    const char *jurisdiction; /* region prefix the child may write; every
                                 event's region must start with it */
} store_remote_t;

/* A rejected event as an ACK describes it to the child. */
#define STORE_REMOTE_SAMPLES 32
typedef struct {
    char object_code[YW_OBJECT_CODE_SIZE]; /* "" when the record did not decode */
    char reason[32];                       /* stable reason code */
    char message[160];
} store_sample_t;

typedef struct {
    int status;                   /* 0 applied; YW_ESTALE duplicate (link seq or
                                     origin seq already applied: acknowledge, skip);
                                     YW_ESEQ gap or broken chain (see expected_*);
                                     YW_EPARSE / YW_ETOOBIG malformed; YW_EINVAL
                                     batch of this node's own origin */
    uint64_t expected_link_seq;   /* next link seq wanted from that link */
    uint64_t expected_origin_seq; /* next origin seq wanted from that origin */
    uint64_t applied;             /* events that changed a claim */
    uint64_t stale;               /* events not newer than the claim they address */
    uint64_t rejected;            /* events refused for content (kept in `reject`) */
    char error[STORE_ERROR_SIZE]; /* why, when status != 0 or rejected > 0 */
    store_sample_t samples[STORE_REMOTE_SAMPLES]; /* the first rejected records */
    size_t sample_count;
} store_remote_report_t;

/* Applies received origin batches in ONE write transaction (DESIGN 5.1).
   Per batch: link continuity (when `link` is set), the batch's framing and
   hash (batch_read), origin continuity and chain (origin table: seq = last +
   1 and prev_hash = last hash; a batch already applied through any path is
   a duplicate), then every event: it must decode, be of the batch's origin,
   carry a content hash that matches its body, and lie in `jurisdiction`;
   else it is rejected (kept as a rejection, counted, and the rest of the
   batch goes on). A valid event sets its origin's claim when it is newer
   than that claim (last-writer-wins per origin, DESIGN 4.4), updating the
   visible record and indexes; an older one is stale. With `relay` set, each
   applied batch is appended verbatim to this node's log. The HLC observes
   the events' versions. A batch whose status is not 0 changes nothing;
   batches after a failed one are still tried (the caller stops a link that
   failed). Returns 0 after a durable commit (reports[i] says what happened
   to batch i), or YW_ENOSPC / YW_EMAPFULL / YW_ESTORE with nothing applied. */
int store_apply_remote (store_t *self, const store_remote_t *batches, size_t count,
                        bool relay, store_remote_report_t *reports, char *error);

/* Last link seq applied from child `link` (0 if none yet). Returns 0 or
   YW_ESTORE. */
int store_link_last (store_t *self, const char *link, uint64_t *last);

/* --------------------------------------------------- snapshots (issue 4)

   A parent that lacks part of a child's log (a new or rebuilt hub, or one
   that needs what the child already pruned) gets a snapshot: every claim of
   the child's store from one consistent read transaction, with the link
   seq captured with it and the origin table (so every origin's chain goes
   on after it), then the log from that seq on (DESIGN 4.3). */

/* An origin's chain head: its last applied (or, for this node, written)
   batch. */
typedef struct {
    char origin_node[YW_NODE_ID_SIZE];
    uint64_t seq;
    uint8_t hash[YW_HASH_SIZE];
} store_origin_t;

typedef struct _store_snapshot_t store_snapshot_t;

/* Opens a snapshot: a read transaction held until store_snapshot_destroy ()
   (LMDB keeps the pages it sees, so the file may grow meanwhile; a map
   growth of the writer in this process ends the snapshot, see below).
   *log_seq receives the last link seq of the log at that moment, *objects
   (may be NULL) the number of objects (each sends one claim per origin that
   reports it). Returns 0, or YW_ESTORE with `error` set. */
int store_snapshot_open (store_t *self, store_snapshot_t **snapshot_p, uint64_t *log_seq,
                         uint64_t *objects, char *error);

/* Called with each claim of a snapshot as an encoded Record: a live claim's
   body verbatim (origin_node, version and content_hash as its origin made
   them), a tombstone as its envelope with deleted set. The bytes are valid
   during the call only. Returns 0 to go on. */
typedef int (store_claim_fn) (void *arg, const uint8_t *record, size_t size);

/* Hands the next claims to fn, in object-code order: at most max_claims,
   and no more bytes than max_bytes (but at least one claim). Sets *done
   when none are left. Returns 0, fn's non-zero value, or YW_ESTORE (the
   store failed, or the snapshot ended because the writer had to grow the
   map: take a new one) with `error` set. */
int store_snapshot_next (store_snapshot_t *self, size_t max_claims, size_t max_bytes,
                         store_claim_fn *fn, void *arg, bool *done, char *error);

/* The origin table as the snapshot sees it, this node's own chain head
   included: *origins is allocated (the caller frees it), *count entries.
   Returns 0 or YW_ESTORE. */
int store_snapshot_origins (store_snapshot_t *self, store_origin_t **origins,
                            size_t *count);

/* Ends the snapshot. Idempotent; sets *self_p = NULL. Destroy snapshots
   before their store. */
void store_snapshot_destroy (store_snapshot_t **self_p);

/* Claims received in a snapshot: one chunk of them. */
typedef struct {
    const uint8_t *const *claims; /* encoded Records (borrowed) */
    const size_t *sizes;
    size_t count;
    const char *jurisdiction; /* region prefix the sender may write; NULL: any */
} store_claims_t;

/* Applies chunks of snapshot claims in ONE write transaction: each claim is
   checked like a batch event (it must decode, carry an origin other than
   this node, a valid object code and region inside `jurisdiction`, and a
   content hash that matches its body) and set as its origin's claim when
   newer than the one held (an older or equal one is stale; a refused one
   is kept as a rejection). reports[i] counts chunk i (status is always 0).
   Claims never enter this node's log: they are no origin batches (see
   store_snapshot_finish for how this node's own parent gets them). Returns 0 after a
   durable commit, or YW_ENOSPC / YW_EMAPFULL / YW_ESTORE with nothing applied. */
int store_apply_claims (store_t *self, const store_claims_t *chunks, size_t count,
                        store_remote_report_t *reports, char *error);

/* Ends a received snapshot: sets link `link`'s last applied seq to
   `log_seq` (the child's seq captured with the snapshot) and, for every
   origin given (this node's own skipped), its chain head to (seq, hash)
   when that is past the one held, so the origin's next batch follows on.
   With `relay` (this node has a parent of its own, which has nothing of
   what the snapshot brought), the log is emptied (a snapshot of this node
   covers all of it) and its next seq skipped for good: the parent, which
   expects that seq or one before it, finds it missing in store_log_range
   and is sent a snapshot of this node in turn. One durable transaction.
   Returns 0, YW_EINVAL, or a store error with `error` set. */
int store_snapshot_finish (store_t *self, const char *link, uint64_t log_seq,
                           const store_origin_t *origins, size_t count, bool relay,
                           char *error);

/* Last applied origin seq and hash of an origin (this node's own: its last
   written batch). Returns 0, or YW_ENOTFOUND (never seen: *seq = 0, hash
   zeroed). hash may be NULL. */
int store_origin_state (store_t *self, const char *origin_node, uint64_t *seq,
                        uint8_t *hash);

/* ------------------------------------------------------------------ reads */

/* What the store knows of one object. */
typedef struct {
    yw_kind_t kind;
    char region_code[YW_REGION_SIZE];  /* of the visible (or newest) claim */
    char origin_node[YW_NODE_ID_SIZE]; /* origin of the visible claim, or of
                                          the newest tombstone */
    uint64_t version;                  /* of that claim */
    bool deleted;                      /* no live claim: the object is gone */
    uint8_t content_hash[YW_HASH_SIZE];
    unsigned claims;      /* claims, live or not */
    unsigned live_claims; /* more than 1: several origins report it (a finding) */
} store_object_t;

/* Looks an object up. Returns 0 and fills *info (may be NULL) and *record
   (may be NULL) with the visible record; for a deleted object, record holds
   only the envelope (object_code, kind, region_code, origin_node, version,
   deleted, content_hash). YW_ENOTFOUND if no origin ever claimed it. */
int store_get (store_t *self, const char *object_code, yw_record_t *record,
               store_object_t *info);

/* Calls fn for every object in object_code order, from one consistent read
   transaction. fn returns 0 to go on; anything else stops the walk and is
   returned. object_code is valid during the call only. */
typedef int (store_object_fn) (void *arg, const char *object_code,
                               const store_object_t *info);
int store_each_object (store_t *self, store_object_fn *fn, void *arg);

typedef enum {
    STORE_BY_PLATE, /* value: a normalized plate; kind ignored */
    STORE_BY_UNIT,  /* value: a unit code (USCC) */
    STORE_BY_REGION /* value: a region code or any prefix of it */
} store_index_t;

/* Calls fn with the code of every object whose visible record matches, in
   index order. kind YW_KIND_NONE means every kind. Stops like
   store_each_object (). Returns 0, fn's value, or YW_EINVAL. */
typedef int (store_code_fn) (void *arg, const char *object_code);
int store_find (store_t *self, store_index_t index, yw_kind_t kind, const char *value,
                store_code_fn *fn, void *arg);

/* Calls fn for every log entry from link seq `from` on, at most `limit`
   entries (0: all), in seq order. batch points into the map and is valid
   during the call only. Stops like store_each_object (). */
typedef int (store_log_fn) (void *arg, uint64_t seq, const uint8_t *batch, size_t size);
int store_log_each (store_t *self, uint64_t from, size_t limit, store_log_fn *fn,
                    void *arg);

/* The log's bounds as a parent sees them: `first` is the smallest seq that
   can still be sent (entries before it were pruned, or skipped by
   store_snapshot_finish with relay), `last` the last seq written or
   skipped; when nothing is left to send, first = last + 1 (a new store: 1
   and 0). A parent that needs a seq below `first` needs a snapshot. Either
   may be NULL. Returns 0 or YW_ESTORE. */
int store_log_range (store_t *self, uint64_t *first, uint64_t *last);

/* Removes log entries up to and including seq (uplink: acknowledged and past
   retention). Their seqs are never used again (meta yw.log_floor), so an
   emptied log goes on after them. Returns 0. */
int store_log_prune (store_t *self, uint64_t upto, char *error);

/* A stored rejection as handed to store_rejects_each (); strings valid
   during the call only. */
typedef struct {
    uint64_t at; /* HLC when it was stored: hlc_ms () is the time */
    yw_kind_t kind;
    uint64_t import_id;
    store_rejection_t row;
} store_reject_t;

/* Calls fn for every rejection stored at or after since_ms (ms since the
   epoch; 0: all), oldest first. Stops like store_each_object (). */
typedef int (store_reject_fn) (void *arg, const store_reject_t *reject);
int store_rejects_each (store_t *self, uint64_t since_ms, store_reject_fn *fn, void *arg);

/* Caller's durable settings in meta (names not starting with "yw."). get
   returns 0 or YW_ENOTFOUND; set commits at once (durable). */
#define STORE_META_UPLINK_ACK "uplink_ack" /* last link seq the parent acknowledged */
int store_meta_get_u64 (store_t *self, const char *name, uint64_t *value);
int store_meta_set_u64 (store_t *self, const char *name, uint64_t value, char *error);

typedef struct {
    uint64_t objects; /* entries of obj */
    uint64_t bodies;
    uint64_t index_entries;
    uint64_t log_entries;
    uint64_t rejects;
    uint64_t hlc;        /* last version handed out */
    uint64_t origin_seq; /* this node's last origin batch */
    uint64_t map_size;   /* bytes */
    uint64_t used;       /* bytes of the map in use */
    uint64_t last_txn;   /* id of the last committed write transaction:
                            an ingest that wrote nothing leaves it */
} store_stat_t;

/* Counts and sizes, from one read transaction. The plate index's entries
   are counted by a walk of its runs (a tombstone hides an older entry), so
   this reads the whole index: for tests, benchmarks and operators, not the
   hot path. Returns 0. */
int store_stat (store_t *self, store_stat_t *stat);

/* ------------------------------------------------------------------ check */

typedef struct {
    uint64_t objects, claims, live_claims, bodies, index_entries;
    uint64_t log_entries, own_batches, events;
} store_check_report_t;

/* Full consistency check, from one read transaction: every claim well
   formed and its body present, decodable, of this object, with the claim's
   version and content hash; no body without a claim; the visible claim is
   the right one; every visible record has its index entries and no index
   entry points elsewhere; the log's seqs are contiguous, every batch reads
   (hash verified), each origin's chain is unbroken and this node's ends at
   meta's origin seq and hash; every claim of this node appears as an event
   of its version in the log (unless pruned); no claim of this node is newer
   than the persisted HLC. Returns 0, or YW_ESTORE with `error` naming the
   first problem and the object, key or seq. Memory grows with the log's
   events (about 32 bytes each): a tool for tests and operators, not for the
   hot path. */
int store_check (store_t *self, store_check_report_t *report, char *error);

/* Merges the runs of obj and plate (runs.h) that commits left for an idle
   moment: a commit merges only past RUNS_BUSY runs, so that a burst of
   ingest or replication is not held up. One write transaction; nothing to
   do (no transaction) when no commit left a merge. *merged: whether runs
   were merged. 0, or an error as for store_ingest (). The node calls it
   after a second without work. */
int store_compact (store_t *self, bool *merged, char *error);

#ifdef __cplusplus
}
#endif

#endif
