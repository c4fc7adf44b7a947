/*  store.c - a node's LMDB store: claims, bodies, indexes, outbound log,
    rejections, --full runs. The table layouts are in store.h. */
#include "store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "batch.h"
#include "codec.h"
#include "heap.h"
#include "hlc.h"
#include "objmap.h"
#include "platemap.h"
#include "radix.h"
#include "yw.h"

#define S_CODE (YW_OBJECT_CODE_SIZE - 1) /* 23 */
#define S_HEADER (12 + S_CODE)           /* of a rec value: format .. seq, object code */
#define S_INDEX_ITEM (8 + S_CODE)        /* an index item: object seq, object code */
#define S_CLAIM 64
#define S_MAX_CLAIMS 255
#define S_NO_VISIBLE 0xff
#define S_FORMAT 2
#define S_OWN 1u /* this node's origin ordinal */
#define S_DELETED 0x01
#define S_MAX_SOURCE 255
#define S_RUN_BLOCK 64     /* items buffered per spill block while merging */
#define S_SRC_CHUNK 131072 /* src items sorted at a time for a --full run */

/* Internal: the map is full, grow it and do the transaction again. */
#define S_GROW 1

typedef struct {
    uint32_t origin;
    uint32_t source;
    uint64_t version;
    uint64_t body;
    uint8_t hash[YW_HASH_SIZE];
    bool deleted;
    uint8_t kind;
    char region[YW_REGION_SIZE];
} s_claim_t;

typedef struct {
    unsigned count;
    char code[S_CODE + 1]; /* the object code (rec keeps it for the seq's owner) */
    uint64_t seq;          /* the object's number here, from when it was first claimed */
    int visible;           /* index of the visible claim, or -1 */
    s_claim_t claim[S_MAX_CLAIMS];
} s_object_t;

/* An index key, without the object code that follows it in table idx:
   'p' plate NUL, 'u' unit NUL kind, 'r' kind region. */
typedef struct {
    uint8_t data[2 + YW_SHORT_SIZE];
    size_t size;
} s_key_t;

typedef struct {
    s_key_t key[3];
    size_t count;
} s_keys_t;

/* An index change, deferred to the end of the transaction so that all of
   them go in sorted: random puts into a B-tree cost a page touch each. */
typedef struct {
    uint32_t key_at; /* offset of the key in store_t.arena */
    uint16_t key_size;
    uint8_t remove; /* 1: delete the entry; 0: add it */
    uint8_t seq[8]; /* the object's seq, big-endian */
    char code[S_CODE];
} s_index_op_t;

/* A scratch buffer kept from one call to the next: fresh memory of many
   MiB for every transaction costs a page fault per 4 KiB. */
typedef struct {
    void *data;
    size_t size;
} s_buffer_t;

enum { S_ITEMS, S_ITEMS_SPARE, S_SORT, S_SORT_SPARE, S_BLOCK, S_BUFFERS };

static void *
s_buffer (s_buffer_t *buffer, size_t size)
{
    if (size > buffer->size) {
        free (buffer->data);
        buffer->size = size > 2 * buffer->size ? size : 2 * buffer->size;
        buffer->data = yw_malloc (buffer->size);
    }
    return buffer->data;
}

struct _store_t {
    char *dir;
    char node_id[YW_NODE_ID_SIZE];
    bool read_only;
    int lock_fd;
    MDB_env *env;
    MDB_dbi obj, objrun, rec, body, log, idx, plate, platerun, src, reject, origin, meta,
        batch, chunk;
    objmap_pending_t *pending;  /* a write transaction's new objects */
    platemap_pending_t *plates; /* ... and its plate index changes */
    bool compaction_owed;       /* a commit left run merges for later */
    MDB_txn *rtxn;              /* cached read transaction, reset between calls */
    size_t map_size, map_max;
    bool broken; /* LMDB said MDB_PANIC: reopen before the next write */
    hlc_t hlc;
    uint64_t origin_seq; /* committed head of this node's origin chain */
    uint8_t origin_hash[YW_HASH_SIZE];
    char **origins;      /* ordinal -> origin id, a cache of table origin */
    size_t origin_count; /* entries of origins (index 0 unused) */
    batch_builder_t *builder;
    yw_record_t scratch; /* bodies decoded for index keys */
    s_index_op_t *ops;   /* index changes of the transaction, applied sorted */
    size_t op_count, op_capacity;
    uint8_t *arena; /* their keys */
    s_buffer_t buffers[S_BUFFERS];
    store_snapshot_t *snapshots; /* open snapshots (they hold read transactions) */
    size_t arena_size, arena_capacity;
    s_object_t object; /* the object being changed */
    uint8_t encoded[YW_RECORD_MAX_ENCODED];
};

/* ------------------------------------------------------------ utilities */

static int s_fail (char *error, int rc, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
s_fail (char *error, int rc, const char *format, ...)
{
    if (error) {
        va_list args;
        va_start (args, format);
        vsnprintf (error, STORE_ERROR_SIZE, format, args);
        va_end (args);
    }
    return rc;
}

/* Maps an LMDB or errno code to a YW_E code; MDB_MAP_FULL to S_GROW. */
static int
s_code (int rc)
{
    switch (rc) {
        case 0: return 0;
        case MDB_MAP_FULL: return S_GROW;
        case ENOSPC:
        case EFBIG:
        case EDQUOT: return YW_ENOSPC;
        case EIO: return YW_EIO;
        case ENOMEM: return YW_ENOMEM;
        case MDB_NOTFOUND: return YW_ENOTFOUND;
        default: return YW_ESTORE;
    }
}

/* LMDB reports a write that stopped short as EIO: when the disk (or the
   process's file size limit) has no room left, that is YW_ENOSPC. */
static bool
s_out_of_space (const char *dir)
{
    struct statvfs vfs;
    if (statvfs (dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (1u << 20))
        return true;
    struct rlimit limit;
    char path[PATH_MAX];
    struct stat st;
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    return getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
           stat (path, &st) == 0 && (uint64_t)st.st_size + (1u << 20) > limit.rlim_cur;
}

/* Sets `error` for an LMDB failure of `what` and returns the mapped code. */
static int
s_lmdb_fail (char *error, int rc, const char *what)
{
    int code = s_code (rc);
    if (code != S_GROW)
        s_fail (error, code, "store: %s: %s", what, mdb_strerror (rc));
    return code;
}

static bool
s_code_valid (const char *code)
{
    size_t n = strnlen (code, YW_OBJECT_CODE_SIZE);
    if (n != S_CODE)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((code[i] >= '0' && code[i] <= '9') || (code[i] >= 'A' && code[i] <= 'Z')))
            return false;
    return true;
}

static bool
s_region_valid (const char *region)
{
    size_t n = strnlen (region, YW_REGION_SIZE);
    if (n != 0 && n != 6)
        return false;
    for (size_t i = 0; i < n; i++)
        if (region[i] < '0' || region[i] > '9')
            return false;
    return true;
}

static bool
s_hash_zero (const uint8_t *hash)
{
    for (size_t i = 0; i < YW_HASH_SIZE; i++)
        if (hash[i])
            return false;
    return true;
}

/* ------------------------------------------------------ object encoding */

static int
s_object_decode (const MDB_val *value, s_object_t *object)
{
    const uint8_t *in = value->mv_data;
    if (value->mv_size < S_HEADER + S_CLAIM || in[0] != S_FORMAT || in[1] == 0 ||
        value->mv_size != S_HEADER + (size_t)in[1] * S_CLAIM ||
        (in[2] != S_NO_VISIBLE && in[2] >= in[1]))
        return -1;
    object->count = in[1];
    object->visible = in[2] == S_NO_VISIBLE ? -1 : in[2];
    object->seq = yw_get64 (in + 4);
    memcpy (object->code, in + 12, S_CODE);
    object->code[S_CODE] = '\0';
    for (unsigned i = 0; i < object->count; i++) {
        const uint8_t *c = in + S_HEADER + i * S_CLAIM;
        s_claim_t *claim = &object->claim[i];
        claim->origin = yw_get32 (c);
        claim->source = yw_get32 (c + 4);
        claim->version = yw_get64 (c + 8);
        claim->body = yw_get64 (c + 16);
        memcpy (claim->hash, c + 24, YW_HASH_SIZE);
        claim->deleted = c[56] & S_DELETED;
        claim->kind = c[57];
        memcpy (claim->region, c + 58, 6);
        claim->region[6] = '\0';
        claim->region[strnlen (claim->region, 6)] = '\0';
    }
    return 0;
}

/* Reads the object of seq `seq_value` (obj's value for `code`, or an index
   entry's seq; code NULL when not known): its claims from table rec. 0, or
   -1 when either is malformed, the claims are missing or of another
   object. */
static int
s_object_read (store_t *self, MDB_txn *txn, const MDB_val *seq_value, const void *code,
               s_object_t *object)
{
    if (seq_value->mv_size != 8)
        return -1;
    MDB_val key = {8, seq_value->mv_data}, value;
    if (mdb_get (txn, self->rec, &key, &value) || s_object_decode (&value, object) ||
        object->seq != yw_get64 (seq_value->mv_data) ||
        (code && memcmp (object->code, code, S_CODE)))
        return -1;
    return 0;
}

static size_t
s_object_encode (const s_object_t *object, uint8_t *out)
{
    out[0] = S_FORMAT;
    out[1] = (uint8_t)object->count;
    out[2] = object->visible < 0 ? S_NO_VISIBLE : (uint8_t)object->visible;
    out[3] = 0;
    yw_put64 (out + 4, object->seq);
    memcpy (out + 12, object->code, S_CODE);
    for (unsigned i = 0; i < object->count; i++) {
        uint8_t *c = out + S_HEADER + i * S_CLAIM;
        const s_claim_t *claim = &object->claim[i];
        yw_put32 (c, claim->origin);
        yw_put32 (c + 4, claim->source);
        yw_put64 (c + 8, claim->version);
        yw_put64 (c + 16, claim->body);
        memcpy (c + 24, claim->hash, YW_HASH_SIZE);
        c[56] = claim->deleted ? S_DELETED : 0;
        c[57] = claim->kind;
        memset (c + 58, 0, 6);
        memcpy (c + 58, claim->region, strnlen (claim->region, 6));
    }
    return S_HEADER + object->count * S_CLAIM;
}

static int
s_claim_find (const s_object_t *object, uint32_t origin)
{
    for (unsigned i = 0; i < object->count; i++)
        if (object->claim[i].origin == origin)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------- index keys */

static void
s_key_add (s_keys_t *keys, char tag, const char *a, size_t a_size, const char *b,
           size_t b_size)
{
    s_key_t *key = &keys->key[keys->count++];
    key->data[0] = (uint8_t)tag;
    memcpy (key->data + 1, a, a_size);
    memcpy (key->data + 1 + a_size, b, b_size);
    key->size = 1 + a_size + b_size;
}

static void
s_keys_of (const yw_record_t *record, s_keys_t *keys)
{
    keys->count = 0;
    char kind = (char)record->kind;
    size_t n;
    if (record->kind == YW_KIND_VEHICLE &&
        (n = strnlen (record->body.vehicle.plate, YW_SHORT_SIZE)) > 0)
        s_key_add (keys, 'p', record->body.vehicle.plate, n, "", 1);
    char unit_end[2] = {'\0', kind};
    if ((n = strnlen (record->unit_code, YW_USCC_SIZE)) > 0)
        s_key_add (keys, 'u', record->unit_code, n, unit_end, 2);
    if ((n = strnlen (record->region_code, YW_REGION_SIZE)) > 0)
        s_key_add (keys, 'r', &kind, 1, record->region_code, n);
}

/* An index key's value for messages, into text (sizeof (s_key_t) bytes). */
static const char *
s_key_text (const s_key_t *key, char *text)
{
    size_t n = 0;
    for (size_t i = 1; i < key->size; i++)
        if (key->data[i] >= 0x20)
            text[n++] = (char)key->data[i];
    text[n] = '\0';
    return text;
}

static bool
s_keys_has (const s_keys_t *keys, const s_key_t *key)
{
    for (size_t i = 0; i < keys->count; i++)
        if (keys->key[i].size == key->size &&
            !memcmp (keys->key[i].data, key->data, key->size))
            return true;
    return false;
}

/* ---------------------------------------------------------- environment */

/* A store of another schema than this program's. */
static int
s_schema_fail (const store_t *self, uint64_t schema, char *error)
{
    return s_fail (error, YW_ECONFIG,
                   "store %s has schema %llu, this program reads schema %d: move the "
                   "store away and import again (deploy/README.md, Upgrading)",
                   self->dir, (unsigned long long)schema, STORE_SCHEMA);
}

static int
s_env_open (store_t *self, char *error)
{
    int rc = mdb_env_create (&self->env);
    if (rc)
        return s_lmdb_fail (error, rc, "mdb_env_create");
    mdb_env_set_maxdbs (self->env, 16);
    if (!self->read_only)
        mdb_env_set_mapsize (self->env, self->map_size);
    /* NOTLS: read transactions are not tied to the thread that began them.
       Durable commits: neither NOSYNC nor NOMETASYNC. */
    unsigned flags = MDB_NOTLS | (self->read_only ? MDB_RDONLY : 0);
    rc = mdb_env_open (self->env, self->dir, flags, 0644);
    if (rc) {
        mdb_env_close (self->env);
        self->env = NULL;
        if (rc == ENOENT)
            return s_fail (error, YW_ENOTFOUND, "store: no store in %s", self->dir);
        return s_fail (error, rc == EACCES ? YW_EIO : s_code (rc), "store: %s: %s",
                       self->dir, mdb_strerror (rc));
    }
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    self->map_size = info.me_mapsize; /* LMDB keeps the larger of ours and the file's */

    MDB_txn *txn;
    rc = mdb_txn_begin (self->env, NULL, self->read_only ? MDB_RDONLY : 0, &txn);
    if (rc)
        return s_lmdb_fail (error, rc, "open transaction");
    static const struct {
        const char *name;
        size_t offset;
        unsigned flags;
        bool optional; /* for readers: stores of before the table lack it */
    } tables[] = {
        {"obj", offsetof (store_t, obj), 0, false},
        {"objrun", offsetof (store_t, objrun), 0, false},
        {"rec", offsetof (store_t, rec), 0, false},
        {"plate", offsetof (store_t, plate), 0, false},
        {"platerun", offsetof (store_t, platerun), 0, false},
        {"body", offsetof (store_t, body), 0, false},
        {"log", offsetof (store_t, log), 0, false},
        {"idx", offsetof (store_t, idx), MDB_DUPSORT | MDB_DUPFIXED, false},
        {"src", offsetof (store_t, src), MDB_DUPSORT | MDB_DUPFIXED, false},
        {"reject", offsetof (store_t, reject), 0, false},
        {"origin", offsetof (store_t, origin), 0, false},
        {"meta", offsetof (store_t, meta), 0, false},
        {"batch", offsetof (store_t, batch), 0, false},
        {"chunk", offsetof (store_t, chunk), 0, true},
    };
    /* a store of another schema is said so before a table it lacks is
       created (or found missing by a reader): it is left as it was */
    MDB_dbi meta;
    MDB_val schema_key = {9, "yw.schema"}, schema;
    if (mdb_dbi_open (txn, "meta", 0, &meta) == 0 &&
        mdb_get (txn, meta, &schema_key, &schema) == 0 && schema.mv_size == 8 &&
        yw_get64 (schema.mv_data) != STORE_SCHEMA) {
        uint64_t found = yw_get64 (schema.mv_data);
        mdb_txn_abort (txn);
        return s_schema_fail (self, found, error);
    }
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        MDB_dbi *dbi = (MDB_dbi *)((char *)self + tables[i].offset);
        rc = mdb_dbi_open (txn, tables[i].name,
                           tables[i].flags | (self->read_only ? 0 : MDB_CREATE), dbi);
        if (rc == MDB_NOTFOUND && self->read_only && tables[i].optional) {
            *dbi = (MDB_dbi)-1;
            continue;
        }
        if (rc) {
            mdb_txn_abort (txn);
            if (rc == MDB_NOTFOUND)
                return s_fail (error, YW_ENOTFOUND,
                               "store: %s is not a yiwang store (no %s)", self->dir,
                               tables[i].name);
            if (rc == MDB_INCOMPATIBLE)
                return s_fail (error, YW_ECONFIG,
                               "store %s: table %s is not of this program's schema %d: "
                               "move the store away and import again",
                               self->dir, tables[i].name, STORE_SCHEMA);
            return s_lmdb_fail (error, rc, tables[i].name);
        }
    }
    rc = mdb_txn_commit (txn);
    if (rc)
        return s_lmdb_fail (error, rc, "open commit");
    return 0;
}

static void s_snapshots_end (store_t *self);

static void
s_env_close (store_t *self)
{
    s_snapshots_end (self);
    if (self->rtxn)
        mdb_txn_abort (self->rtxn);
    self->rtxn = NULL;
    if (self->env)
        mdb_env_close (self->env);
    self->env = NULL;
}

/* Begins the cached read transaction; follows a map grown by the writer. */
static int
s_read_begin (store_t *self, MDB_txn **txn)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int rc = self->rtxn ? mdb_txn_renew (self->rtxn)
                            : mdb_txn_begin (self->env, NULL, MDB_RDONLY, &self->rtxn);
        if (rc == MDB_MAP_RESIZED) {
            if (self->rtxn)
                mdb_txn_abort (self->rtxn);
            self->rtxn = NULL;
            mdb_env_set_mapsize (self->env, 0);
            continue;
        }
        if (rc) {
            if (self->rtxn)
                mdb_txn_abort (self->rtxn);
            self->rtxn = NULL;
            return s_code (rc) == S_GROW ? YW_ESTORE : s_code (rc);
        }
        *txn = self->rtxn;
        return 0;
    }
    return YW_ESTORE;
}

static void
s_read_end (store_t *self)
{
    if (self->rtxn)
        mdb_txn_reset (self->rtxn);
}

/* --------------------------------------------------------------- meta */

static int
s_meta_get (MDB_txn *txn, store_t *self, const char *name, MDB_val *value)
{
    MDB_val key = {strlen (name), (void *)name};
    return mdb_get (txn, self->meta, &key, value);
}

static int
s_meta_put (MDB_txn *txn, store_t *self, const char *name, const void *data, size_t size)
{
    MDB_val key = {strlen (name), (void *)name}, value = {size, (void *)data};
    return mdb_put (txn, self->meta, &key, &value, 0);
}

static int
s_meta_get_u64 (MDB_txn *txn, store_t *self, const char *name, uint64_t *out)
{
    MDB_val value;
    int rc = s_meta_get (txn, self, name, &value);
    if (rc)
        return rc;
    if (value.mv_size != 8)
        return MDB_CORRUPTED;
    *out = yw_get64 (value.mv_data);
    return 0;
}

static int
s_meta_put_u64 (MDB_txn *txn, store_t *self, const char *name, uint64_t number)
{
    uint8_t data[8];
    yw_put64 (data, number);
    return s_meta_put (txn, self, name, data, 8);
}

/* The log's bounds in txn (store_log_range): the floor is the first seq
   that was never pruned nor skipped; the last seq is the last entry or,
   past it, floor - 1. */
static int
s_log_bounds (store_t *self, MDB_txn *txn, uint64_t *first, uint64_t *last)
{
    uint64_t floor = 1;
    int rc = s_meta_get_u64 (txn, self, "yw.log_floor", &floor);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (floor == 0)
        floor = 1;
    MDB_cursor *cursor;
    if ((rc = mdb_cursor_open (txn, self->log, &cursor)))
        return rc;
    MDB_val key, value;
    uint64_t a = 0, b = 0;
    if (mdb_cursor_get (cursor, &key, &value, MDB_LAST) == 0 && key.mv_size == 8) {
        b = yw_get64 (key.mv_data);
        uint8_t start[8];
        yw_put64 (start, floor);
        key = (MDB_val){8, start};
        if (mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE) == 0 && key.mv_size == 8)
            a = yw_get64 (key.mv_data);
    }
    mdb_cursor_close (cursor);
    *last = b > floor - 1 ? b : floor - 1;
    *first = a ? a : *last + 1;
    return 0;
}

/* ------------------------------------------------------------ origins */

static void
s_origin_cache (store_t *self, uint32_t ordinal, const char *id, size_t size)
{
    if (ordinal >= self->origin_count) {
        self->origins = yw_realloc (self->origins, (ordinal + 1) * sizeof (char *));
        memset (self->origins + self->origin_count, 0,
                (ordinal + 1 - self->origin_count) * sizeof (char *));
        self->origin_count = ordinal + 1;
    }
    if (!self->origins[ordinal])
        self->origins[ordinal] = yw_strndup (id, size);
}

/* Forgets origins with ordinals from `count` on (their transaction aborted). */
static void
s_origin_truncate (store_t *self, size_t count)
{
    for (size_t i = count; i < self->origin_count; i++)
        free (self->origins[i]);
    if (count < self->origin_count)
        self->origin_count = count;
}

/* The id of an origin ordinal ("?" if the table lacks it: store_check says so). */
static const char *
s_origin_name (store_t *self, MDB_txn *txn, uint32_t ordinal)
{
    if (ordinal < self->origin_count && self->origins[ordinal])
        return self->origins[ordinal];
    uint8_t data[5] = {0};
    yw_put32 (data + 1, ordinal);
    MDB_val key = {5, data}, value;
    if (mdb_get (txn, self->origin, &key, &value) || value.mv_size == 0 ||
        value.mv_size >= YW_NODE_ID_SIZE)
        return "?";
    s_origin_cache (self, ordinal, value.mv_data, value.mv_size);
    return self->origins[ordinal];
}

/* Looks up (and with `create`, adds) an origin. *row receives the origin
   table's value (ordinal, seq, hash) when found. */
static int
s_origin_ordinal (store_t *self, MDB_txn *txn, const char *id, bool create,
                  uint32_t *ordinal, uint8_t *row)
{
    MDB_val key = {strlen (id), (void *)id}, value;
    int rc = mdb_get (txn, self->origin, &key, &value);
    if (rc == 0) {
        if (value.mv_size != 4 + 8 + YW_HASH_SIZE)
            return MDB_CORRUPTED;
        *ordinal = yw_get32 (value.mv_data);
        if (row)
            memcpy (row, value.mv_data, value.mv_size);
        return 0;
    }
    if (rc != MDB_NOTFOUND || !create)
        return rc;
    uint64_t next = 1;
    rc = s_meta_get_u64 (txn, self, "yw.origin_next", &next);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    if (next > UINT32_MAX)
        return MDB_CORRUPTED;
    uint8_t data[4 + 8 + YW_HASH_SIZE] = {0};
    yw_put32 (data, (uint32_t)next);
    value.mv_size = sizeof data;
    value.mv_data = data;
    if ((rc = mdb_put (txn, self->origin, &key, &value, MDB_NOOVERWRITE)))
        return rc;
    uint8_t reverse[5] = {0};
    yw_put32 (reverse + 1, (uint32_t)next);
    MDB_val rkey = {5, reverse}, rvalue = {strlen (id), (void *)id};
    if ((rc = mdb_put (txn, self->origin, &rkey, &rvalue, 0)) ||
        (rc = s_meta_put_u64 (txn, self, "yw.origin_next", next + 1)))
        return rc;
    *ordinal = (uint32_t)next;
    if (row)
        memcpy (row, data, sizeof data);
    s_origin_cache (self, (uint32_t)next, id, strlen (id));
    return 0;
}

/* --------------------------------------------------------------- open */

static int
s_lock (store_t *self, char *error)
{
    char path[PATH_MAX];
    snprintf (path, sizeof path, "%s/yiwang.lock", self->dir);
    self->lock_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (self->lock_fd < 0)
        return s_fail (error, YW_EIO, "store: cannot open %s: %s", path, strerror (errno));
    if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        char pid[32] = "";
        ssize_t n = pread (self->lock_fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn (pid, "\n")] = '\0';
        close (self->lock_fd);
        self->lock_fd = -1;
        if (err == EWOULDBLOCK)
            return s_fail (
                error, YW_ELOCKED,
                "store %s is in use by another process%s%s%s: one writer at a time",
                self->dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
        return s_fail (error, YW_EIO, "store: cannot lock %s: %s", path, strerror (err));
    }
    char pid[32];
    int n = snprintf (pid, sizeof pid, "%ld\n", (long)getpid ());
    if (ftruncate (self->lock_fd, 0) != 0 || pwrite (self->lock_fd, pid, (size_t)n, 0) != n)
        return s_fail (error, YW_EIO, "store: cannot write %s: %s", path, strerror (errno));
    return 0;
}

/* Writer: sets up or checks identity and schema, loads HLC and chain head. */
static int
s_open_state (store_t *self, const char *node_id, char *error)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (self->env, NULL, self->read_only ? MDB_RDONLY : 0, &txn);
    if (rc)
        return s_lmdb_fail (error, rc, "open state");
    MDB_val value;
    bool dirty = false;
    rc = s_meta_get (txn, self, "yw.node_id", &value);
    if (rc == MDB_NOTFOUND && !self->read_only) {
        uint8_t schema[8];
        yw_put64 (schema, STORE_SCHEMA);
        uint32_t ordinal;
        if ((rc = s_meta_put (txn, self, "yw.node_id", node_id, strlen (node_id))) ||
            (rc = s_meta_put (txn, self, "yw.schema", schema, 8)) ||
            (rc = s_origin_ordinal (self, txn, node_id, true, &ordinal, NULL)))
            goto lmdb_failed;
        assert (ordinal == S_OWN);
        snprintf (self->node_id, sizeof self->node_id, "%s", node_id);
        dirty = true;
    }
    else if (rc == MDB_NOTFOUND) {
        mdb_txn_abort (txn);
        return s_fail (error, YW_ENOTFOUND, "store: %s has no node id: not initialized",
                       self->dir);
    }
    else if (rc)
        goto lmdb_failed;
    else {
        if (value.mv_size == 0 || value.mv_size >= YW_NODE_ID_SIZE) {
            mdb_txn_abort (txn);
            return s_fail (error, YW_ESTORE, "store: %s: bad node id in meta", self->dir);
        }
        memcpy (self->node_id, value.mv_data, value.mv_size);
        self->node_id[value.mv_size] = '\0';
        if (node_id && strcmp (node_id, self->node_id) != 0) {
            mdb_txn_abort (txn);
            return s_fail (error, YW_ECONFIG, "store %s belongs to node \"%s\", not \"%s\"",
                           self->dir, self->node_id, node_id);
        }
        uint64_t schema = 0;
        if ((rc = s_meta_get_u64 (txn, self, "yw.schema", &schema)))
            goto lmdb_failed;
        if (schema != STORE_SCHEMA) {
            mdb_txn_abort (txn);
            return s_schema_fail (self, schema, error);
        }
    }
    s_origin_cache (self, S_OWN, self->node_id, strlen (self->node_id));
    uint64_t hlc = 0;
    rc = s_meta_get_u64 (txn, self, "yw.hlc", &hlc);
    if (rc && rc != MDB_NOTFOUND)
        goto lmdb_failed;
    hlc_init (&self->hlc, hlc);
    rc = s_meta_get_u64 (txn, self, "yw.origin_seq", &self->origin_seq);
    if (rc && rc != MDB_NOTFOUND)
        goto lmdb_failed;
    if (s_meta_get (txn, self, "yw.origin_hash", &value) == 0 &&
        value.mv_size == YW_HASH_SIZE)
        memcpy (self->origin_hash, value.mv_data, YW_HASH_SIZE);
    if (dirty) {
        rc = mdb_txn_commit (txn);
        if (rc) {
            s_origin_truncate (self, 0);
            return s_lmdb_fail (error, rc, "initialize");
        }
    }
    else
        mdb_txn_abort (txn);
    return 0;

lmdb_failed:
    mdb_txn_abort (txn);
    if (rc == MDB_MAP_FULL)
        return s_fail (error, YW_EMAPFULL, "store %s: map too small to open", self->dir);
    return s_lmdb_fail (error, rc, "open state");
}

int
store_open (const store_options_t *options, store_t **store_p, char *error)
{
    *store_p = NULL;
    if (!options || !options->dir || !options->dir[0] ||
        strlen (options->dir) > PATH_MAX - 64)
        return s_fail (error, YW_EINVAL, "store: no data directory given");
    if (!options->read_only && (!options->node_id || !options->node_id[0] ||
                                strlen (options->node_id) >= YW_NODE_ID_SIZE))
        return s_fail (error, YW_EINVAL, "store: a node id of 1 to %d bytes is needed",
                       YW_NODE_ID_SIZE - 1);
    store_t *self = yw_calloc (1, sizeof *self);
    self->dir = yw_strdup (options->dir);
    self->read_only = options->read_only;
    self->lock_fd = -1;
    self->pending = objmap_pending_new ();
    self->plates = platemap_pending_new ();
    self->map_size = options->map_size ? options->map_size : STORE_DEFAULT_MAP;
    self->map_max = options->map_max ? options->map_max : STORE_DEFAULT_MAP_MAX;
    if (self->map_max < self->map_size)
        self->map_max = self->map_size;
    int rc = 0;
    if (!self->read_only) {
        if (mkdir (self->dir, 0755) != 0 && errno != EEXIST) {
            rc = s_fail (error, YW_EIO, "store: cannot create %s: %s", self->dir,
                         strerror (errno));
            goto failed;
        }
        if ((rc = s_lock (self, error)))
            goto failed;
    }
    if ((rc = s_env_open (self, error)) ||
        (rc = s_open_state (self, options->read_only ? NULL : options->node_id, error)))
        goto failed;
    if (!self->read_only)
        self->builder = batch_builder_new ();
    *store_p = self;
    return 0;

failed:
    store_destroy (&self);
    return rc;
}

void
store_destroy (store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_t *self = *self_p;
    s_env_close (self);
    if (self->lock_fd >= 0)
        close (self->lock_fd); /* releases the flock */
    s_origin_truncate (self, 0);
    free (self->origins);
    free (self->ops);
    free (self->arena);
    for (int i = 0; i < S_BUFFERS; i++)
        free (self->buffers[i].data);
    batch_builder_destroy (&self->builder);
    objmap_pending_destroy (&self->pending);
    platemap_pending_destroy (&self->plates);
    free (self->dir);
    free (self);
    *self_p = NULL;
}

const char *
store_node_id (const store_t *self)
{
    return self->node_id;
}

/* ---------------------------------------------------- write transactions */

/* One write transaction in progress. */
typedef struct {
    store_t *store;
    MDB_txn *txn;
    objmap_view_t objects; /* object code -> seq (objmap.h) */
    MDB_cursor *rec_cur;   /* cursors used in key order: LMDB finds the next */
    MDB_cursor *body_cur;
    MDB_cursor *src_cur;
    MDB_cursor *idx_cur;
    platemap_view_t plates; /* the plate index (platemap.h) */
    bool known;             /* the object s_object_load () read is in the map */
    uint64_t code_hash;     /* ... and objmap_hash () of its code */
    uint64_t seq_floor;     /* HLC at begin: objects with a larger seq are new here */
    char origin_id[YW_NODE_ID_SIZE]; /* the origin last looked up, and its ordinal */
    uint32_t origin_ordinal;
    uint64_t next_body; /* next body position */
    uint64_t next_log;  /* next link seq */
    uint64_t seq;       /* this node's origin chain head, in this txn */
    uint8_t hash[YW_HASH_SIZE];
    bool building;         /* the builder holds an open origin batch */
    bool dirty;            /* something was written: commit */
    bool own_changed;      /* a claim of this node changed */
    size_t origins_before; /* origin cache size at begin */
    char *error;
} s_txn_t;

static int s_index_flush (s_txn_t *t);

static int
s_last_key (MDB_txn *txn, MDB_dbi dbi, uint64_t *last)
{
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (txn, dbi, &cursor);
    if (rc)
        return rc;
    MDB_val key, value;
    rc = mdb_cursor_get (cursor, &key, &value, MDB_LAST);
    mdb_cursor_close (cursor);
    if (rc == MDB_NOTFOUND) {
        *last = 0;
        return 0;
    }
    if (rc)
        return rc;
    if (key.mv_size != 8)
        return MDB_CORRUPTED;
    *last = yw_get64 (key.mv_data);
    return 0;
}

/* Reopens the environment after LMDB declared it unusable (MDB_PANIC, e.g.
   after a failed meta page write on a full disk): the file on disk is still
   the last commit. */
static int
s_reopen (store_t *self, char *error)
{
    s_env_close (self);
    s_origin_truncate (self, 0);
    int rc = s_env_open (self, error);
    if (rc == 0)
        rc = s_open_state (self, self->node_id, error);
    self->broken = rc != 0;
    return rc;
}

/* Opens t's cursors on t->txn (closed with the transaction). */
static int
s_cursors_open (s_txn_t *t)
{
    store_t *self = t->store;
    int rc;
    t->known = false;
    t->origin_id[0] = '\0';
    objmap_pending_reset (self->pending);
    platemap_pending_reset (self->plates);
    if ((rc = objmap_view (&t->objects, t->txn, self->obj, self->objrun)) ||
        (rc = platemap_view (&t->plates, t->txn, self->plate, self->platerun)) ||
        (rc = mdb_cursor_open (t->txn, self->rec, &t->rec_cur)) ||
        (rc = mdb_cursor_open (t->txn, self->body, &t->body_cur)) ||
        (rc = mdb_cursor_open (t->txn, self->src, &t->src_cur)) ||
        (rc = mdb_cursor_open (t->txn, self->idx, &t->idx_cur)))
        return rc;
    return 0;
}

static int
s_txn_begin (store_t *self, s_txn_t *t, char *error)
{
    memset (t, 0, sizeof *t);
    t->store = self;
    t->error = error;
    if (self->read_only)
        return s_fail (error, YW_EINVAL, "store: opened read-only");
    if (self->broken) {
        int rc = s_reopen (self, error);
        if (rc)
            return rc;
    }
    int rc = mdb_txn_begin (self->env, NULL, 0, &t->txn);
    if (rc == MDB_PANIC) {
        if ((rc = s_reopen (self, error)))
            return rc;
        rc = mdb_txn_begin (self->env, NULL, 0, &t->txn);
    }
    if (rc) {
        t->txn = NULL;
        return s_lmdb_fail (error, rc, "begin");
    }
    t->origins_before = self->origin_count;
    t->seq_floor = self->hlc.last;
    self->op_count = 0;
    self->arena_size = 0;
    uint64_t last_body, last_log;
    if ((rc = s_cursors_open (t)) || (rc = s_last_key (t->txn, self->body, &last_body)) ||
        (rc = s_last_key (t->txn, self->log, &last_log))) {
        mdb_txn_abort (t->txn);
        t->txn = NULL;
        return s_lmdb_fail (error, rc, "begin");
    }
    t->next_body = last_body + 1;
    /* seqs below the floor were pruned or skipped: never used again */
    uint64_t floor = 1;
    if ((rc = s_meta_get_u64 (t->txn, self, "yw.log_floor", &floor)) &&
        rc != MDB_NOTFOUND) {
        mdb_txn_abort (t->txn);
        t->txn = NULL;
        return s_lmdb_fail (error, rc, "begin");
    }
    t->next_log = last_log + 1 > floor ? last_log + 1 : floor;
    t->seq = self->origin_seq;
    memcpy (t->hash, self->origin_hash, YW_HASH_SIZE);
    return 0;
}

static void
s_txn_abort (s_txn_t *t)
{
    if (t->txn) {
        mdb_txn_abort (t->txn);
        t->txn = NULL;
    }
    s_origin_truncate (t->store, t->origins_before);
}

/* Closes the open origin batch and appends it to the log. */
static int
s_events_flush (s_txn_t *t)
{
    if (!t->building)
        return 0;
    store_t *self = t->store;
    uint8_t hash[YW_HASH_SIZE];
    const uint8_t *data;
    size_t size;
    int rc = batch_builder_finish (self->builder, NULL, 0, NULL, 0, hash, &data, &size);
    if (rc)
        return s_fail (t->error, rc, "store: closing origin batch %llu",
                       (unsigned long long)(t->seq + 1));
    uint8_t seq[8];
    yw_put64 (seq, t->next_log);
    MDB_val key = {8, seq}, value = {size, (void *)data};
    rc = mdb_put (t->txn, self->log, &key, &value, MDB_APPEND);
    if (rc)
        return s_lmdb_fail (t->error, rc, "log append");
    t->next_log++;
    t->seq++;
    memcpy (t->hash, hash, YW_HASH_SIZE);
    t->building = false;
    t->dirty = true;
    return 0;
}

/* Adds an event to this transaction's origin batches, splitting them at
   BATCH_SPLIT_EVENTS events or BATCH_SPLIT_BYTES. */
static int
s_event_add (s_txn_t *t, const uint8_t *event, size_t size)
{
    store_t *self = t->store;
    int rc;
    if (t->building && batch_builder_size (self->builder) + size + 64 > BATCH_SPLIT_BYTES &&
        (rc = s_events_flush (t)))
        return rc;
    if (!t->building) {
        rc = batch_builder_start (self->builder, self->node_id, t->seq + 1, t->hash);
        if (rc)
            return s_fail (t->error, rc, "store: starting origin batch");
        t->building = true;
    }
    if ((rc = batch_builder_add (self->builder, event, size)))
        return s_fail (t->error, rc, "store: event of %zu bytes", size);
    if (batch_builder_events (self->builder) >= BATCH_SPLIT_EVENTS)
        return s_events_flush (t);
    return 0;
}

/* Ends the transaction: flushes events, saves HLC and chain head, commits
   when anything was written (aborts otherwise). */
static int
s_txn_commit (s_txn_t *t)
{
    store_t *self = t->store;
    int rc = s_events_flush (t);
    if (rc || (rc = s_index_flush (t)))
        return rc;
    bool owed_objects, owed_plates;
    if ((rc = objmap_flush (self->pending, &t->objects, true, &owed_objects)))
        return s_lmdb_fail (t->error, rc, "object map");
    if ((rc = platemap_flush (self->plates, &t->plates, true, &owed_plates)))
        return s_lmdb_fail (t->error, rc, "plate index");
    if (!t->dirty) {
        s_txn_abort (t);
        return 0;
    }
    if ((rc = s_meta_put_u64 (t->txn, self, "yw.hlc", self->hlc.last)) ||
        (rc = s_meta_put_u64 (t->txn, self, "yw.origin_seq", t->seq)) ||
        (rc = s_meta_put (t->txn, self, "yw.origin_hash", t->hash, YW_HASH_SIZE)))
        return s_lmdb_fail (t->error, rc, "meta");
    rc = mdb_txn_commit (t->txn);
    t->txn = NULL;
    if (rc) {
        s_origin_truncate (self, t->origins_before);
        if (rc == MDB_PANIC || rc == EIO || rc == ENOSPC || rc == EFBIG || rc == EDQUOT)
            self->broken = true; /* be safe: reopen from what is on disk */
        if (rc == EIO && s_out_of_space (self->dir))
            rc = ENOSPC;
        if (s_code (rc) == YW_ENOSPC)
            return s_fail (t->error, YW_ENOSPC,
                           "store %s: no space left on the disk (or over the file size "
                           "limit); nothing of this transaction was written",
                           self->dir);
        return s_lmdb_fail (t->error, rc, "commit");
    }
    self->origin_seq = t->seq;
    memcpy (self->origin_hash, t->hash, YW_HASH_SIZE);
    self->compaction_owed |= owed_objects || owed_plates;
    return 0;
}

/* The result of a write call: an I/O failure (e.g. while LMDB spilled
   pages in the middle of a large transaction) on a full disk is YW_ENOSPC. */
static int
s_write_result (store_t *self, int rc, char *error)
{
    if (rc == YW_EIO && s_out_of_space (self->dir)) {
        self->broken = true;
        return s_fail (error, YW_ENOSPC,
                       "store %s: no space left on the disk (or over the file size limit); "
                       "nothing of this transaction was written",
                       self->dir);
    }
    return rc;
}

/* Doubles the map after MDB_MAP_FULL. */
static int
s_grow (store_t *self, char *error)
{
    if (self->map_size >= self->map_max)
        return s_fail (error, YW_EMAPFULL, "store %s: map full at %zu MiB (the limit)",
                       self->dir, self->map_size >> 20);
    size_t size = self->map_size * 2 > self->map_max ? self->map_max : self->map_size * 2;
    if (self->rtxn) {
        mdb_txn_abort (self->rtxn);
        self->rtxn = NULL;
    }
    /* no transaction of this process may be open while the map moves */
    s_snapshots_end (self);
    int rc = mdb_env_set_mapsize (self->env, size);
    if (rc)
        return s_fail (error, YW_EMAPFULL, "store %s: cannot grow the map to %zu MiB: %s",
                       self->dir, size >> 20, mdb_strerror (rc));
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    self->map_size = info.me_mapsize;
    return 0;
}

int
store_compact (store_t *self, bool *merged, char *error)
{
    *merged = false;
    if (!self->compaction_owed || self->read_only)
        return 0;
    for (;;) {
        s_txn_t t;
        int rc = s_txn_begin (self, &t, error);
        if (rc)
            return rc;
        bool objects = false, plates = false;
        int lmdb = objmap_compact (&t.objects, &objects);
        if (lmdb == 0)
            lmdb = platemap_compact (&t.plates, &plates);
        if (lmdb)
            rc = s_lmdb_fail (error, lmdb, "compaction");
        else {
            t.dirty = objects || plates;
            rc = s_txn_commit (&t);
        }
        if (rc)
            s_txn_abort (&t);
        if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
            continue;
        if (rc == 0) {
            self->compaction_owed = false;
            *merged = objects || plates;
        }
        return s_write_result (self, rc, error);
    }
}

/* ------------------------------------------------------------- claims */

/* Reads and decodes the body at `position` into record. */
static int
s_body_read (s_txn_t *t, uint64_t position, const char *code, yw_record_t *record)
{
    uint8_t data[8];
    yw_put64 (data, position);
    MDB_val key = {8, data}, value;
    int rc = mdb_get (t->txn, t->store->body, &key, &value);
    if (rc)
        return rc == MDB_NOTFOUND
                   ? s_fail (t->error, YW_ESTORE, "store: object %.23s: body %llu missing",
                             code, (unsigned long long)position)
                   : s_lmdb_fail (t->error, rc, "body read");
    char message[128];
    if (codec_record_decode (value.mv_data, value.mv_size, record, message))
        return s_fail (t->error, YW_ESTORE, "store: object %.23s: body %llu: %s", code,
                       (unsigned long long)position, message);
    return 0;
}

/* The index keys of a claim's record: `record` when it is the claim being
   written, else its body. A tombstone has none. */
static int
s_claim_keys (s_txn_t *t, const char *code, const s_claim_t *claim,
              const yw_record_t *record, s_keys_t *keys)
{
    keys->count = 0;
    if (claim->deleted)
        return 0;
    if (record) {
        s_keys_of (record, keys);
        return 0;
    }
    int rc = s_body_read (t, claim->body, code, &t->store->scratch);
    if (rc == 0)
        s_keys_of (&t->store->scratch, keys);
    return rc;
}

/* Recomputes the visible claim: the newest live one, ties to the smaller
   origin id. */
static void
s_visible (store_t *self, MDB_txn *txn, s_object_t *object)
{
    int best = -1;
    for (unsigned i = 0; i < object->count; i++) {
        const s_claim_t *claim = &object->claim[i];
        if (claim->deleted)
            continue;
        if (best < 0 || claim->version > object->claim[best].version ||
            (claim->version == object->claim[best].version &&
             strcmp (s_origin_name (self, txn, claim->origin),
                     s_origin_name (self, txn, object->claim[best].origin)) < 0))
            best = (int)i;
    }
    object->visible = best;
}

static void
s_index_op (store_t *self, const s_key_t *key, const char *code, uint64_t seq, bool remove)
{
    if (self->op_count == self->op_capacity) {
        self->op_capacity = self->op_capacity ? self->op_capacity * 2 : 4096;
        self->ops = yw_realloc (self->ops, self->op_capacity * sizeof (s_index_op_t));
    }
    if (self->arena_size + key->size > self->arena_capacity) {
        self->arena_capacity = self->arena_capacity ? self->arena_capacity * 2 : 65536;
        self->arena = yw_realloc (self->arena, self->arena_capacity);
    }
    s_index_op_t *op = &self->ops[self->op_count++];
    op->key_at = (uint32_t)self->arena_size;
    op->key_size = (uint16_t)key->size;
    op->remove = remove;
    yw_put64 (op->seq, seq);
    memcpy (op->code, code, S_CODE);
    memcpy (self->arena + self->arena_size, key->data, key->size);
    self->arena_size += key->size;
}

/* Queues the index changes from old_keys to new_keys of one object. */
static void
s_index_apply (s_txn_t *t, const char *code, uint64_t seq, const s_keys_t *old_keys,
               const s_keys_t *new_keys)
{
    for (size_t i = 0; i < old_keys->count; i++)
        if (!s_keys_has (new_keys, &old_keys->key[i]))
            s_index_op (t->store, &old_keys->key[i], code, seq, true);
    for (size_t i = 0; i < new_keys->count; i++)
        if (!s_keys_has (old_keys, &new_keys->key[i]))
            s_index_op (t->store, &new_keys->key[i], code, seq, false);
}

/* LMDB's order of the entries (memcmp, then length): key, then seq. */
static int
s_index_op_compare (const store_t *self, const s_index_op_t *x, const s_index_op_t *y)
{
    size_t n = x->key_size < y->key_size ? x->key_size : y->key_size;
    int c = memcmp (self->arena + x->key_at, self->arena + y->key_at, n);
    if (c)
        return c;
    if (x->key_size != y->key_size)
        return x->key_size < y->key_size ? -1 : 1;
    return memcmp (x->seq, y->seq, 8);
}

/* A queued index change's place in the sort: the first 16 bytes of its
   table entry (key, then seq), big-endian, and the change's number. */
typedef struct {
    uint64_t high, low;
    uint32_t op;
} s_sort_entry_t;

static uint64_t
s_entry_bytes (const store_t *self, const s_index_op_t *op, size_t from)
{
    uint64_t value = 0;
    for (size_t i = from; i < from + 8; i++) {
        uint8_t byte = 0;
        if (i < op->key_size)
            byte = self->arena[op->key_at + i];
        else if (i < (size_t)op->key_size + 8)
            byte = op->seq[i - op->key_size];
        value = value << 8 | byte;
    }
    return value;
}

static int
s_sort_entry_compare (const store_t *self, const s_sort_entry_t *x, const s_sort_entry_t *y)
{
    if (x->high != y->high)
        return x->high < y->high ? -1 : 1;
    if (x->low != y->low)
        return x->low < y->low ? -1 : 1;
    return s_index_op_compare (self, &self->ops[x->op], &self->ops[y->op]);
}

/* Orders the queued index changes by table entry, keeping changes to one
   entry in the order they were made (the sort is stable). An LSD radix sort
   on the entries' first 16 bytes, skipping bytes every entry shares; entries
   that share all 16 (one unit's objects, say) are then put in order, which
   they mostly are already: the changes come in object-code order. Random
   comparisons of keys in the arena would miss the cache at every step. */
/* Sorts a run of entries by the rest of their keys, stably: a bottom-up
   merge sort through `spare` (at least n entries). */
static void
s_run_sort (const store_t *self, s_sort_entry_t *run, s_sort_entry_t *spare, size_t n)
{
    s_sort_entry_t *from = run, *to = spare;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                to[k++] = s_sort_entry_compare (self, &from[b], &from[a]) < 0 ? from[b++]
                                                                              : from[a++];
            while (a < mid)
                to[k++] = from[a++];
            while (b < hi)
                to[k++] = from[b++];
        }
        s_sort_entry_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != run)
        memcpy (run, from, n * sizeof *run);
}

static s_sort_entry_t *
s_index_sort (store_t *self)
{
    size_t n = self->op_count;
    s_sort_entry_t *from = s_buffer (&self->buffers[S_SORT], (n ? n : 1) * sizeof *from);
    s_sort_entry_t *to = s_buffer (&self->buffers[S_SORT_SPARE], (n ? n : 1) * sizeof *to);
    for (size_t i = 0; i < n; i++) {
        from[i].high = s_entry_bytes (self, &self->ops[i], 0);
        from[i].low = s_entry_bytes (self, &self->ops[i], 8);
        from[i].op = (uint32_t)i;
    }
    for (int digit = 0; digit < 16 && n; digit++) {
        int shift = (digit % 8) * 8;
        bool high = digit >= 8;
        size_t counts[256] = {0};
        for (size_t i = 0; i < n; i++)
            counts[((high ? from[i].high : from[i].low) >> shift) & 0xff]++;
        if (counts[((high ? from[0].high : from[0].low) >> shift) & 0xff] == n)
            continue;
        size_t at = 0;
        for (int b = 0; b < 256; b++) {
            size_t count = counts[b];
            counts[b] = at;
            at += count;
        }
        for (size_t i = 0; i < n; i++)
            to[counts[((high ? from[i].high : from[i].low) >> shift) & 0xff]++] = from[i];
        s_sort_entry_t *swap = from;
        from = to;
        to = swap;
    }
    /* runs that share the 16 bytes (a unit's objects: 'u' and 16 bytes of
       its code) sorted by the rest, ties in queue order. Not an insertion
       sort: a hub's transaction holds many batches, each sorted, together
       not, and a unit's run of thousands went quadratic. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && from[j].high == from[i].high && from[j].low == from[i].low)
            j++;
        if (j - i > 1)
            s_run_sort (self, from + i, to, j - i);
        i = j;
    }
    return from;
}

/* Queues a plate index change (written as one run at the commit). */
static void
s_plate_op (s_txn_t *t, const s_index_op_t *op)
{
    const uint8_t *key = t->store->arena + op->key_at; /* 'p' plate NUL */
    platemap_pending_put (t->store->plates, key + 1, op->key_size - 2u, op->seq,
                          op->remove);
}

/* Applies the queued index changes in key order. */
static int
s_index_flush (s_txn_t *t)
{
    store_t *self = t->store;
    s_sort_entry_t *order = s_index_sort (self);
    int rc = 0;
    for (size_t i = 0; i < self->op_count && rc == 0; i++) {
        const s_index_op_t *op = &self->ops[order[i].op];
        MDB_val key = {op->key_size, self->arena + op->key_at};
        if (key.mv_size >= 2 && self->arena[op->key_at] == 'p') {
            s_plate_op (t, op);
            continue;
        }
        bool fresh = !op->remove && yw_get64 (op->seq) > t->seq_floor;
        if (fresh) {
            /* objects new in this transaction have seqs above every stored
               one, and the changes come sorted: their items go at the end of
               their key's items, all of a key's in one put (MDB_MULTIPLE),
               where LMDB appends and fills pages */
            size_t n = 1;
            while (i + n < self->op_count) {
                const s_index_op_t *next = &self->ops[order[i + n].op];
                if (next->remove || yw_get64 (next->seq) <= t->seq_floor ||
                    next->key_size != op->key_size ||
                    memcmp (self->arena + next->key_at, key.mv_data, op->key_size))
                    break;
                n++;
            }
            uint8_t *items = s_buffer (&self->buffers[S_BLOCK], n * S_INDEX_ITEM);
            for (size_t k = 0; k < n; k++) {
                const s_index_op_t *each = &self->ops[order[i + k].op];
                memcpy (items + k * S_INDEX_ITEM, each->seq, 8);
                memcpy (items + k * S_INDEX_ITEM + 8, each->code, S_CODE);
            }
            MDB_val data[2] = {{S_INDEX_ITEM, items}, {n, NULL}};
            int lmdb =
                mdb_cursor_put (t->idx_cur, &key, data, MDB_MULTIPLE | MDB_APPENDDUP);
            if (lmdb == 0 && data[1].mv_size != n)
                lmdb = MDB_CORRUPTED; /* LMDB wrote fewer than it was given */
            if (lmdb)
                rc = s_lmdb_fail (t->error, lmdb, "index append");
            i += n - 1;
            continue;
        }
        uint8_t item[S_INDEX_ITEM];
        memcpy (item, op->seq, 8);
        memcpy (item + 8, op->code, S_CODE);
        MDB_val data = {S_INDEX_ITEM, item};
        if (op->remove) {
            int lmdb = mdb_cursor_get (t->idx_cur, &key, &data, MDB_GET_BOTH);
            if (lmdb == 0)
                lmdb = mdb_cursor_del (t->idx_cur, 0);
            if (lmdb && lmdb != MDB_NOTFOUND)
                rc = s_lmdb_fail (t->error, lmdb, "index delete");
        }
        else {
            int lmdb = mdb_cursor_put (t->idx_cur, &key, &data, MDB_NODUPDATA);
            if (lmdb && lmdb != MDB_KEYEXIST)
                rc = s_lmdb_fail (t->error, lmdb, "index put");
        }
    }
    if (rc == 0) {
        self->op_count = 0;
        self->arena_size = 0;
    }
    return rc;
}

/* Sets the claim of claim->origin on object `code` (current state in
   *object; count 0 if new) to *claim: appends the body `encoded` when the
   claim is live (claim->body is assigned here), deletes the body it
   replaces, re-indexes when the visible claim changes, and writes the
   object. `record` is the claim's record when live (for its index keys). */
static int
s_claim_set (s_txn_t *t, const char *code, s_object_t *object, s_claim_t *claim,
             const yw_record_t *record, const uint8_t *encoded, size_t encoded_size)
{
    store_t *self = t->store;
    int rc;
    int previous = s_claim_find (object, claim->origin);
    uint64_t old_body = previous >= 0 ? object->claim[previous].body : 0;
    bool had_visible = object->visible >= 0;
    s_claim_t old_visible = {0};
    if (had_visible)
        old_visible = object->claim[object->visible];
    /* a new object's number: increasing, so a new object's index entries
       go to the end of their key's range instead of anywhere in it */
    if (object->count == 0)
        object->seq = hlc_next (&self->hlc);

    if (!claim->deleted) {
        uint8_t position[8];
        yw_put64 (position, t->next_body);
        MDB_val key = {8, position}, value = {encoded_size, (void *)encoded};
        if ((rc = mdb_cursor_put (t->body_cur, &key, &value, MDB_APPEND)))
            return s_lmdb_fail (t->error, rc, "body append");
        claim->body = t->next_body++;
    }
    else
        claim->body = 0;

    if (previous >= 0)
        object->claim[previous] = *claim;
    else {
        if (object->count >= S_MAX_CLAIMS)
            return s_fail (t->error, YW_ESTORE, "store: object %.23s: more than %d claims",
                           code, S_MAX_CLAIMS);
        unsigned at = object->count;
        while (at > 0 && object->claim[at - 1].origin > claim->origin) {
            object->claim[at] = object->claim[at - 1];
            at--;
        }
        object->claim[at] = *claim;
        object->count++;
    }
    s_visible (self, t->txn, object);

    const s_claim_t *now = object->visible >= 0 ? &object->claim[object->visible] : NULL;
    bool same = had_visible && now && now->origin == old_visible.origin &&
                now->body == old_visible.body;
    if (!same && (had_visible || now)) {
        s_keys_t old_keys = {.count = 0}, new_keys = {.count = 0};
        if (had_visible && (rc = s_claim_keys (t, code, &old_visible, NULL, &old_keys)))
            return rc;
        if (now &&
            (rc = s_claim_keys (t, code, now, now->origin == claim->origin ? record : NULL,
                                &new_keys)))
            return rc;
        s_index_apply (t, code, object->seq, &old_keys, &new_keys);
    }
    if (old_body) {
        uint8_t position[8];
        yw_put64 (position, old_body);
        MDB_val key = {8, position};
        if ((rc = mdb_del (t->txn, self->body, &key, NULL)) && rc != MDB_NOTFOUND)
            return s_lmdb_fail (t->error, rc, "body delete");
    }
    uint8_t value_data[S_HEADER + S_MAX_CLAIMS * S_CLAIM], seq[8];
    yw_put64 (seq, object->seq);
    memcpy (object->code, code, S_CODE);
    MDB_val rec_key = {8, seq}, value = {s_object_encode (object, value_data), value_data};
    if (claim->origin == S_OWN)
        t->own_changed = true;
    if (!t->known) {
        /* a new object: code -> seq into this transaction's new run of the
           map, and its claims at the end of rec (its seq is above every
           other) */
        objmap_pending_add (self->pending, code, t->code_hash, seq);
        rc = mdb_cursor_put (t->rec_cur, &rec_key, &value, MDB_APPEND);
        if (rc == MDB_KEYEXIST) /* a seq below the last one: not expected */
            rc = mdb_cursor_put (t->rec_cur, &rec_key, &value, 0);
    }
    else
        rc = mdb_cursor_put (t->rec_cur, &rec_key, &value, 0);
    if (rc)
        return s_lmdb_fail (t->error, rc, "claims put");
    t->known = true;
    t->dirty = true;
    return 0;
}

/* Looks the object up into self->object (count 0 when absent). */
static int
s_object_load (s_txn_t *t, const char *code)
{
    uint8_t seq[8];
    t->code_hash = objmap_hash (code);
    int rc = objmap_pending_find (t->store->pending, code, t->code_hash, seq)
                 ? 0
                 : objmap_find (&t->objects, code, t->code_hash, seq);
    t->known = rc == 0;
    if (rc == MDB_NOTFOUND) {
        t->store->object.count = 0;
        t->store->object.visible = -1;
        return 0;
    }
    if (rc)
        return s_lmdb_fail (t->error, rc, "object read");
    MDB_val rec_key = {8, seq}, value;
    rc = mdb_cursor_get (t->rec_cur, &rec_key, &value, MDB_SET_KEY);
    if (rc && rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc, "claims read");
    if (rc || s_object_decode (&value, &t->store->object) ||
        t->store->object.seq != yw_get64 (rec_key.mv_data) ||
        memcmp (t->store->object.code, code, S_CODE))
        return s_fail (t->error, YW_ESTORE, "store: object %.23s: malformed claims", code);
    return 0;
}

/* ------------------------------------------------------------ sources */

static int
s_source_ordinal (s_txn_t *t, const char *source, uint32_t *ordinal)
{
    store_t *self = t->store;
    char name[16 + S_MAX_SOURCE];
    snprintf (name, sizeof name, "yw.source.%s", source);
    MDB_val value;
    int rc = s_meta_get (t->txn, self, name, &value);
    if (rc == 0 && value.mv_size == 4) {
        *ordinal = yw_get32 (value.mv_data);
        return 0;
    }
    if (rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc ? rc : MDB_CORRUPTED, "source ordinal");
    uint64_t next = 1;
    rc = s_meta_get_u64 (t->txn, self, "yw.source_next", &next);
    if (rc && rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc, "source ordinal");
    uint8_t data[4];
    yw_put32 (data, (uint32_t)next);
    if ((rc = s_meta_put (t->txn, self, name, data, 4)) ||
        (rc = s_meta_put_u64 (t->txn, self, "yw.source_next", next + 1)))
        return s_lmdb_fail (t->error, rc, "source ordinal");
    *ordinal = (uint32_t)next;
    t->dirty = true;
    return 0;
}

/* ---------------------------------------------------------- rejections */

static size_t
s_put_text (uint8_t *out, const char *text)
{
    size_t n = text ? strnlen (text, YW_MAX_FIELD) : 0;
    out[0] = (uint8_t)(n >> 8);
    out[1] = (uint8_t)n;
    memcpy (out + 2, text ? text : "", n);
    return 2 + n;
}

static const char *
s_get_text (const uint8_t **in, const uint8_t *end, char *out)
{
    if (end - *in < 2)
        return NULL;
    size_t n = (size_t)(*in)[0] << 8 | (*in)[1];
    if ((size_t)(end - *in - 2) < n || n > YW_MAX_FIELD)
        return NULL;
    memcpy (out, *in + 2, n);
    out[n] = '\0';
    *in += 2 + n;
    return out;
}

/* A rejected row as tables reject and chunk keep it: u64 line, then
   source, field, reason, value and message (u16 length + bytes each). */
#define S_ROW_MAX (8 + 5 * (2 + YW_MAX_FIELD))

static size_t
s_row_put (uint8_t *out, const store_rejection_t *row)
{
    yw_put64 (out, row->line);
    size_t n = 8;
    n += s_put_text (out + n, row->source);
    n += s_put_text (out + n, row->field);
    n += s_put_text (out + n, row->reason);
    n += s_put_text (out + n, row->value);
    n += s_put_text (out + n, row->message);
    return n;
}

static size_t
s_row_size (const store_rejection_t *row)
{
    const char *texts[] = {row->source, row->field, row->reason, row->value, row->message};
    size_t n = 8;
    for (size_t i = 0; i < 5; i++)
        n += 2 + (texts[i] ? strnlen (texts[i], YW_MAX_FIELD) : 0);
    return n;
}

/* Reads a row written by s_row_put; its texts go to `texts` (5 x
   (YW_MAX_FIELD + 1) bytes). Returns false when it is malformed. */
static bool
s_row_get (const uint8_t **in, const uint8_t *end, char *texts, store_rejection_t *row)
{
    if (end - *in < 8)
        return false;
    row->line = yw_get64 (*in);
    *in += 8;
    char *t = texts;
    return (row->source = s_get_text (in, end, t)) &&
           (row->field = s_get_text (in, end, t += YW_MAX_FIELD + 1)) &&
           (row->reason = s_get_text (in, end, t += YW_MAX_FIELD + 1)) &&
           (row->value = s_get_text (in, end, t += YW_MAX_FIELD + 1)) &&
           (row->message = s_get_text (in, end, t += YW_MAX_FIELD + 1));
}

static int
s_reject_put (s_txn_t *t, yw_kind_t kind, uint64_t import_id, const store_rejection_t *row)
{
    store_t *self = t->store;
    uint8_t data[1 + 1 + 8 + S_ROW_MAX];
    size_t n = 0;
    data[n++] = 1; /* format */
    data[n++] = (uint8_t)kind;
    yw_put64 (data + n, import_id);
    n += 8;
    n += s_row_put (data + n, row);
    uint8_t at[8];
    yw_put64 (at, hlc_next (&self->hlc));
    MDB_val key = {8, at}, value = {n, data};
    /* HLC values only grow, so this appends; the fallback covers a clock
       that was reset under an existing store */
    int rc = mdb_put (t->txn, self->reject, &key, &value, MDB_APPEND);
    if (rc == MDB_KEYEXIST) {
        uint64_t last;
        if ((rc = s_last_key (t->txn, self->reject, &last)) == 0) {
            hlc_observe (&self->hlc, last, UINT64_MAX >> 16);
            yw_put64 (at, hlc_next (&self->hlc));
            rc = mdb_put (t->txn, self->reject, &key, &value, MDB_APPEND);
        }
    }
    if (rc)
        return s_lmdb_fail (t->error, rc, "reject put");
    t->dirty = true;
    return 0;
}

/* ------------------------------------------------------------ sorting */

typedef struct {
    uint64_t prefix; /* first 8 bytes of the code, big-endian */
    const char *code;
    uint32_t batch;
    uint32_t index;
} s_item_t;

static int
s_item_compare (const void *a, const void *b)
{
    const s_item_t *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    int c = memcmp (x->code + 8, y->code + 8, S_CODE - 8);
    if (c)
        return c;
    if (x->batch != y->batch)
        return x->batch < y->batch ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts items by object code, then batch and index: a stable LSD radix sort
   on the codes' first 8 bytes (skipping bytes all codes share, such as the
   kind prefix), then a stable insertion sort of the rare runs that share
   them. Items come in (batch, index) order. */
static void
s_items_sort (store_t *self, s_item_t *items, size_t count)
{
    s_item_t *spare =
        s_buffer (&self->buffers[S_ITEMS_SPARE], (count ? count : 1) * sizeof *spare);
    s_item_t *from = radix_sort_u64 (items, spare, count, sizeof *items);
    if (from != items)
        memcpy (items, from, count * sizeof *items);
    for (size_t i = 1; i < count; i++) {
        if (items[i].prefix != items[i - 1].prefix)
            continue;
        s_item_t item = items[i];
        size_t j = i;
        while (j > 0 && items[j - 1].prefix == item.prefix &&
               s_item_compare (&items[j - 1], &item) > 0) {
            items[j] = items[j - 1];
            j--;
        }
        items[j] = item;
    }
}

/* -------------------------------------------------------- --full runs */

/* An open --full run of one (source, kind) in this transaction. */
typedef struct {
    uint32_t source;
    yw_kind_t kind;
    uint64_t import_id;
    int fd;
    uint64_t length; /* bytes of the spill file that count */
    bool finished;   /* final batch seen: merge done, registry gone */
    char path[PATH_MAX];
} s_run_t;

static void
s_run_name (const s_run_t *run, char *name, size_t size)
{
    snprintf (name, size, "yw.run.%08x.%d", (unsigned)run->source, (int)run->kind);
}

/* Opens the run's spill file at the length its registry entry in meta
   committed (cutting off what an aborted attempt or a crash left beyond
   it), or starts it over for a new import id. */
static int
s_run_open (s_txn_t *t, s_run_t *run, uint32_t source, yw_kind_t kind, uint64_t import_id)
{
    store_t *self = t->store;
    memset (run, 0, sizeof *run);
    run->source = source;
    run->kind = kind;
    run->import_id = import_id;
    run->fd = -1;
    char dir[PATH_MAX];
    snprintf (dir, sizeof dir, "%s/runs", self->dir);
    if (mkdir (dir, 0755) != 0 && errno != EEXIST)
        return s_fail (t->error, YW_EIO, "store: cannot create %s: %s", dir,
                       strerror (errno));
    snprintf (run->path, sizeof run->path, "%s/%08x-%d.spill", dir, (unsigned)source,
              (int)kind);
    char name[64];
    s_run_name (run, name, sizeof name);
    MDB_val value;
    int rc = s_meta_get (t->txn, self, name, &value);
    if (rc == 0 && value.mv_size == 16 && yw_get64 (value.mv_data) == import_id)
        run->length = yw_get64 ((const uint8_t *)value.mv_data + 8);
    else if (rc && rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc, "run registry");
    run->fd = open (run->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (run->fd < 0)
        return s_fail (t->error, YW_EIO, "store: cannot open %s: %s", run->path,
                       strerror (errno));
    struct stat st = {0};
    if (fstat (run->fd, &st) != 0 || (uint64_t)st.st_size < run->length)
        return s_fail (t->error, YW_ESTORE,
                       "store: --full run %llu of source %u: spill file %s lost (%lld of "
                       "%llu bytes); import the whole file again",
                       (unsigned long long)import_id, (unsigned)source, run->path,
                       (long long)st.st_size, (unsigned long long)run->length);
    if (ftruncate (run->fd, (off_t)run->length) != 0)
        return s_fail (t->error, YW_EIO, "store: %s: %s", run->path, strerror (errno));
    return 0;
}

/* Appends a sorted block of codes: u32 count, then the codes. */
static int
s_run_append (s_txn_t *t, s_run_t *run, const char *const *codes, size_t count)
{
    size_t size = 4 + count * S_CODE;
    uint8_t *block = yw_malloc (size);
    yw_put32 (block, (uint32_t)count);
    for (size_t i = 0; i < count; i++)
        memcpy (block + 4 + i * S_CODE, codes[i], S_CODE);
    ssize_t n = pwrite (run->fd, block, size, (off_t)run->length);
    free (block);
    if (n != (ssize_t)size)
        return s_fail (t->error, n < 0 && errno == ENOSPC ? YW_ENOSPC : YW_EIO,
                       "store: writing %s: %s", run->path,
                       n < 0 ? strerror (errno) : "short");
    run->length += size;
    char name[64];
    s_run_name (run, name, sizeof name);
    uint8_t value[16];
    yw_put64 (value, run->import_id);
    yw_put64 (value + 8, run->length);
    int rc = s_meta_put (t->txn, t->store, name, value, sizeof value);
    if (rc)
        return s_lmdb_fail (t->error, rc, "run registry");
    t->dirty = true;
    return 0;
}

/* k-way merge of a spill file's sorted blocks, each read through a small
   buffer: the items in object-code order, without repeats. An item is an
   object code, maybe followed by more (the src table's object seq). */
typedef struct {
    uint64_t offset;     /* next item to read from the file */
    uint32_t remaining;  /* items not yet read into buffer */
    uint32_t have, next; /* items in buffer, and the next one */
    uint8_t buffer[S_RUN_BLOCK * S_INDEX_ITEM];
} s_block_t;

typedef struct {
    int fd;
    size_t item; /* bytes of an item: S_CODE or S_INDEX_ITEM */
    s_block_t *blocks;
    size_t *heap; /* block indexes, min-heap on their next code */
    size_t heap_size;
    uint8_t last[S_CODE];
    bool has_last;
} s_merge_t;

static const uint8_t *
s_block_head (const s_merge_t *m, size_t block)
{
    const s_block_t *b = &m->blocks[block];
    return b->buffer + b->next * m->item;
}

static bool
s_block_less (void *arg, size_t x, size_t y)
{
    const s_merge_t *m = arg;
    return memcmp (s_block_head (m, x), s_block_head (m, y), S_CODE) < 0;
}

/* Refills a block's buffer; returns 1 if it has a code, 0 if done, -1 on error. */
static int
s_block_fill (s_merge_t *m, s_block_t *b)
{
    if (b->next < b->have)
        return 1;
    if (b->remaining == 0)
        return 0;
    uint32_t take = b->remaining < S_RUN_BLOCK ? b->remaining : S_RUN_BLOCK;
    ssize_t n = pread (m->fd, b->buffer, (size_t)take * m->item, (off_t)b->offset);
    if (n != (ssize_t)(take * m->item))
        return -1;
    b->offset += (uint64_t)take * m->item;
    b->remaining -= take;
    b->have = take;
    b->next = 0;
    return 1;
}

static int
s_merge_open (s_merge_t *m, int fd, uint64_t length, size_t item)
{
    memset (m, 0, sizeof *m);
    m->fd = fd;
    m->item = item;
    size_t count = 0, capacity = 0;
    uint64_t at = 0;
    while (at < length) {
        uint8_t header[4];
        if (length - at < 4 || pread (fd, header, 4, (off_t)at) != 4)
            return -1;
        uint32_t codes = yw_get32 (header);
        if ((length - at - 4) / item < codes)
            return -1;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            m->blocks = yw_realloc (m->blocks, capacity * sizeof (s_block_t));
        }
        s_block_t *b = &m->blocks[count++];
        b->offset = at + 4;
        b->remaining = codes;
        b->have = b->next = 0;
        at += 4 + (uint64_t)codes * item;
    }
    m->heap = yw_malloc ((count ? count : 1) * sizeof (size_t));
    for (size_t i = 0; i < count; i++) {
        int rc = s_block_fill (m, &m->blocks[i]);
        if (rc < 0)
            return -1;
        if (rc > 0)
            m->heap[m->heap_size++] = i;
    }
    heap_build (m->heap, m->heap_size, s_block_less, m);
    return 0;
}

/* Next item of a code not seen before into out (m->item bytes); returns 1,
   0 at the end, -1 on a read error. */
static int
s_merge_next (s_merge_t *m, uint8_t *out)
{
    while (m->heap_size) {
        size_t top = m->heap[0];
        s_block_t *b = &m->blocks[top];
        memcpy (out, s_block_head (m, top), m->item);
        b->next++;
        int rc = s_block_fill (m, b);
        if (rc < 0)
            return -1;
        if (rc == 0)
            m->heap[0] = m->heap[--m->heap_size];
        heap_down (m->heap, m->heap_size, 0, s_block_less, m);
        if (m->has_last && memcmp (out, m->last, S_CODE) == 0)
            continue;
        memcpy (m->last, out, S_CODE);
        m->has_last = true;
        return 1;
    }
    return 0;
}

static void
s_merge_close (s_merge_t *m)
{
    free (m->blocks);
    free (m->heap);
}

/* Ends this node's live claim on `code` if `source` wrote it: a tombstone
   event with a new version. Returns 0 (also when there is nothing to end). */
static int
s_tombstone_own (s_txn_t *t, const char *code, uint32_t source, bool *done)
{
    store_t *self = t->store;
    *done = false;
    int rc = s_object_load (t, code);
    if (rc)
        return rc;
    s_object_t *object = &self->object;
    int own = s_claim_find (object, S_OWN);
    if (own < 0 || object->claim[own].deleted || object->claim[own].source != source)
        return 0;
    s_claim_t claim = object->claim[own];
    /* the event's envelope: what the body said, without the body */
    yw_record_t *tomb = &self->scratch;
    if ((rc = s_body_read (t, claim.body, code, tomb)))
        return rc;
    yw_kind_t kind = tomb->kind;
    char region[YW_REGION_SIZE], unit[YW_USCC_SIZE];
    memcpy (region, tomb->region_code, sizeof region);
    memcpy (unit, tomb->unit_code, sizeof unit);
    yw_record_reset (tomb, kind);
    memcpy (tomb->object_code, code, S_CODE);
    memcpy (tomb->region_code, region, sizeof region);
    memcpy (tomb->unit_code, unit, sizeof unit);
    snprintf (tomb->origin_node, sizeof tomb->origin_node, "%s", self->node_id);
    tomb->version = hlc_next (&self->hlc);
    tomb->deleted = true;
    memcpy (tomb->content_hash, claim.hash, YW_HASH_SIZE);
    int size = codec_record_encode (tomb, self->encoded, sizeof self->encoded);
    if (size < 0)
        return s_fail (t->error, YW_ESTORE, "store: object %.23s: tombstone encoding",
                       code);
    claim.version = tomb->version;
    claim.deleted = true;
    if ((rc = s_claim_set (t, code, object, &claim, NULL, NULL, 0)) ||
        (rc = s_event_add (t, self->encoded, (size_t)size)))
        return rc;
    *done = true;
    return 0;
}

/* Sorts a chunk of src items (object code, then seq) by code and appends
   it to the file as one block (u32 count, items). */
static int
s_src_chunk_write (s_txn_t *t, int fd, const char *path, uint64_t *length,
                   const uint8_t *chunk, size_t count)
{
    store_t *self = t->store;
    s_item_t *items =
        s_buffer (&self->buffers[S_SORT], (count ? count : 1) * sizeof *items);
    for (size_t i = 0; i < count; i++) {
        const uint8_t *item = chunk + i * S_INDEX_ITEM;
        items[i] = (s_item_t){yw_get64 (item), (const char *)item, 0, (uint32_t)i};
    }
    s_items_sort (self, items, count);
    size_t size = 4 + count * S_INDEX_ITEM;
    uint8_t *block = s_buffer (&self->buffers[S_BLOCK], size);
    yw_put32 (block, (uint32_t)count);
    for (size_t i = 0; i < count; i++)
        memcpy (block + 4 + i * S_INDEX_ITEM, items[i].code, S_INDEX_ITEM);
    ssize_t n = pwrite (fd, block, size, (off_t)*length);
    if (n != (ssize_t)size)
        return s_fail (t->error, n < 0 && errno == ENOSPC ? YW_ENOSPC : YW_EIO,
                       "store: writing %s: %s", path, n < 0 ? strerror (errno) : "short");
    *length += size;
    return 0;
}

/* Writes the codes (and seqs) of the source's objects of the run's kind,
   which src keeps in the order they were first written, to a temporary file
   as blocks sorted by code: chunks of S_SRC_CHUNK, so memory stays bounded
   whatever the size of the source. */
static int
s_src_collect (s_txn_t *t, const s_run_t *run, int fd, const char *path, uint64_t *length)
{
    store_t *self = t->store;
    uint8_t *chunk = s_buffer (&self->buffers[S_SORT_SPARE], S_SRC_CHUNK * S_INDEX_ITEM);
    size_t count = 0;
    uint8_t key_data[5];
    yw_put32 (key_data, run->source);
    key_data[4] = (uint8_t)run->kind;
    MDB_val key = {5, key_data}, data;
    int rc = 0;
    int lmdb = mdb_cursor_get (t->src_cur, &key, &data, MDB_SET_KEY);
    if (lmdb == 0)
        lmdb = mdb_cursor_get (t->src_cur, &key, &data, MDB_GET_MULTIPLE);
    while (lmdb == 0 && rc == 0) {
        /* a page of items at once (DUPFIXED): stored seq first, sorted code first */
        for (size_t at = 0; at + S_INDEX_ITEM <= data.mv_size && rc == 0;
             at += S_INDEX_ITEM) {
            const uint8_t *item = (const uint8_t *)data.mv_data + at;
            memcpy (chunk + count * S_INDEX_ITEM, item + 8, S_CODE);
            memcpy (chunk + count * S_INDEX_ITEM + S_CODE, item, 8);
            if (++count == S_SRC_CHUNK) {
                rc = s_src_chunk_write (t, fd, path, length, chunk, count);
                count = 0;
            }
        }
        lmdb = mdb_cursor_get (t->src_cur, &key, &data, MDB_NEXT_MULTIPLE);
    }
    if (rc)
        return rc;
    if (lmdb != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, lmdb, "src walk");
    return count ? s_src_chunk_write (t, fd, path, length, chunk, count) : 0;
}

/* The final batch of a --full run: tombstones the source's objects of this
   kind that no batch of the run contained, by merge-joining the run's codes
   with the source's, both in code order. Their src items go too, as do
   stale ones (objects another source took over). */
static int
s_run_finish (s_txn_t *t, s_run_t *run, store_ingest_report_t *report)
{
    store_t *self = t->store;
    s_merge_t merge, src_merge;
    memset (&merge, 0, sizeof merge);
    memset (&src_merge, 0, sizeof src_merge);
    char path[PATH_MAX + 8];
    snprintf (path, sizeof path, "%s.src", run->path);
    int fd = open (path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return s_fail (t->error, YW_EIO, "store: cannot open %s: %s", path,
                       strerror (errno));
    unlink (path); /* a scratch file: gone with the descriptor */
    uint64_t length = 0;
    int rc = s_src_collect (t, run, fd, path, &length);
    if (rc)
        goto done;
    if (s_merge_open (&merge, run->fd, run->length, S_CODE) ||
        s_merge_open (&src_merge, fd, length, S_INDEX_ITEM)) {
        rc = s_fail (t->error, YW_ESTORE, "store: spill file %s is damaged", run->path);
        goto done;
    }
    uint8_t key_data[5];
    yw_put32 (key_data, run->source);
    key_data[4] = (uint8_t)run->kind;
    uint8_t head[S_CODE], item[S_INDEX_ITEM];
    int more = s_merge_next (&merge, head), got;
    while ((got = s_merge_next (&src_merge, item)) == 1) {
        while (more == 1 && memcmp (head, item, S_CODE) < 0)
            more = s_merge_next (&merge, head);
        if (more < 0)
            break;
        if (more == 1 && memcmp (head, item, S_CODE) == 0)
            continue;
        char code[YW_OBJECT_CODE_SIZE];
        memcpy (code, item, S_CODE);
        code[S_CODE] = '\0';
        bool done;
        if ((rc = s_tombstone_own (t, code, run->source, &done)))
            goto done;
        report->deleted += done;
        /* the object is gone for this source, or another source has it */
        uint8_t stored[S_INDEX_ITEM];
        memcpy (stored, item + S_CODE, 8);
        memcpy (stored + 8, item, S_CODE);
        MDB_val key = {5, key_data}, data = {S_INDEX_ITEM, stored};
        int lmdb = mdb_cursor_get (t->src_cur, &key, &data, MDB_GET_BOTH);
        if (lmdb == 0)
            lmdb = mdb_cursor_del (t->src_cur, 0);
        if (lmdb && lmdb != MDB_NOTFOUND) {
            rc = s_lmdb_fail (t->error, lmdb, "src delete");
            goto done;
        }
        t->dirty = true;
    }
    if (got < 0 || more < 0) {
        rc = s_fail (t->error, YW_EIO, "store: reading %s", got < 0 ? path : run->path);
        goto done;
    }
    char name[64];
    s_run_name (run, name, sizeof name);
    MDB_val name_key = {strlen (name), name};
    int lmdb = mdb_del (t->txn, self->meta, &name_key, NULL);
    if (lmdb && lmdb != MDB_NOTFOUND) {
        rc = s_lmdb_fail (t->error, lmdb, "run registry");
        goto done;
    }
    t->dirty = true;
    run->finished = true;
    rc = 0;
done:
    close (fd);
    s_merge_close (&merge);
    s_merge_close (&src_merge);
    return rc;
}

/* ------------------------------------------------------------- ingest */

/* Applies one local record (see store_ingest). */
static int
s_ingest_record (s_txn_t *t, yw_record_t *record, uint32_t source,
                 store_ingest_report_t *report, uint64_t run_floor, bool *conflict,
                 bool *rewrite)
{
    store_t *self = t->store;
    const char *code = record->object_code;
    int rc = s_object_load (t, code);
    if (rc)
        return rc;
    s_object_t *object = &self->object;
    int own = s_claim_find (object, S_OWN);
    if (own >= 0 && !object->claim[own].deleted &&
        memcmp (object->claim[own].hash, record->content_hash, YW_HASH_SIZE) == 0) {
        report->unchanged++;
        return 0;
    }
    /* a tombstone made by --full took its src entry along */
    bool known_to_source =
        own >= 0 && !object->claim[own].deleted && object->claim[own].source == source;
    if (own >= 0 && !object->claim[own].deleted)
        report->changed++;
    else
        report->new_count++;
    /* the run wrote this object before, with other content: an earlier
       batch's fingerprint no longer describes the store */
    if (own >= 0 && object->claim[own].version > run_floor)
        *conflict = true;
    /* a claim from before the run, changed: an earlier batch of the run may
       have held it unchanged (a plain fingerprint keeps no object list to
       tell) */
    else if (own >= 0 && !object->claim[own].deleted)
        *rewrite = true;

    snprintf (record->origin_node, sizeof record->origin_node, "%s", self->node_id);
    record->version = hlc_next (&self->hlc);
    record->deleted = false;
    int size = codec_record_encode (record, self->encoded, sizeof self->encoded);
    if (size < 0)
        return s_fail (t->error, YW_EINVAL, "store: object %.23s: cannot encode", code);
    s_claim_t claim = {.origin = S_OWN,
                       .source = source,
                       .version = record->version,
                       .deleted = false,
                       .kind = (uint8_t)record->kind};
    memcpy (claim.hash, record->content_hash, YW_HASH_SIZE);
    memcpy (claim.region, record->region_code, sizeof claim.region);
    if ((rc = s_claim_set (t, code, object, &claim, record, self->encoded, (size_t)size)))
        return rc;
    if (!known_to_source) {
        /* (source, kind) -> (object seq, code): a new object's seq is above
           every stored one, so it is appended */
        uint8_t key_data[5], item[S_INDEX_ITEM];
        yw_put32 (key_data, source);
        key_data[4] = (uint8_t)record->kind;
        yw_put64 (item, object->seq);
        memcpy (item + 8, code, S_CODE);
        MDB_val key = {5, key_data}, value = {S_INDEX_ITEM, item};
        rc = mdb_cursor_put (t->src_cur, &key, &value,
                             object->seq > t->seq_floor ? MDB_APPENDDUP : MDB_NODUPDATA);
        if (rc && rc != MDB_KEYEXIST)
            return s_lmdb_fail (t->error, rc, "src put");
    }
    return s_event_add (t, self->encoded, (size_t)size);
}

/* Checks the batches before any transaction. */
static int
s_ingest_validate (store_ingest_t *batches, size_t count, char *error)
{
    for (size_t b = 0; b < count; b++) {
        store_ingest_t *batch = &batches[b];
        if (batch->kind <= YW_KIND_NONE || batch->kind >= YW_KIND_COUNT)
            return s_fail (error, YW_EINVAL, "store: batch %zu: no kind", b);
        if (batch->source && strlen (batch->source) > S_MAX_SOURCE)
            return s_fail (error, YW_EINVAL, "store: batch %zu: source over %d bytes", b,
                           S_MAX_SOURCE);
        if (batch->record_count > YW_MAX_BATCH_ROWS)
            return s_fail (error, YW_EINVAL, "store: batch %zu: %zu records, at most %d", b,
                           batch->record_count, YW_MAX_BATCH_ROWS);
        if (batch->record_count && !batch->records)
            return s_fail (error, YW_EINVAL, "store: batch %zu: no records", b);
        for (size_t i = 0; i < batch->record_count; i++) {
            yw_record_t *record = &batch->records[i];
            if (record->kind != batch->kind)
                return s_fail (error, YW_EINVAL,
                               "store: batch %zu record %zu: kind %d in a %s batch", b, i,
                               (int)record->kind, yw_kind_name (batch->kind));
            if (!s_code_valid (record->object_code))
                return s_fail (
                    error, YW_EINVAL,
                    "store: batch %zu record %zu: object code \"%.32s\" is not 23 "
                    "letters and digits",
                    b, i, record->object_code);
            if (!s_region_valid (record->region_code))
                return s_fail (
                    error, YW_EINVAL,
                    "store: batch %zu record %zu: region \"%.8s\" is not 6 digits", b, i,
                    record->region_code);
            if (s_hash_zero (record->content_hash))
                codec_record_hash (record, record->content_hash);
        }
    }
    return 0;
}

/* --------------------------------------------------- batch fingerprints

   Re-importing an export that did not change is the common case, and even
   one lookup per record caps it at about a million records a second. So
   every batch leaves a fingerprint: SHA-256 (16 bytes kept) over its
   records' object codes and content hashes in code order, in table batch
   under (source, kind), with the value of meta "yw.own_changes" (a counter
   of transactions that changed a claim of this node) after its transaction.
   A batch whose fingerprint is there with the current counter has, object
   for object, this node's live claims with these hashes: it is unchanged as
   a whole, and costs one read. A batch qualifies only when no object occurs
   twice in it or in another batch of the same transaction. At the final
   batch of a run, the run's fingerprints take the counter as it then is
   (objects do not change between a run's batches: one export), and
   fingerprints of other runs that no longer match it are dropped. */

#define S_FINGERPRINT 16

static void
s_fingerprint_key (uint8_t *key, uint32_t source, yw_kind_t kind,
                   const uint8_t *fingerprint)
{
    yw_put32 (key, source);
    key[4] = (uint8_t)kind;
    memcpy (key + 5, fingerprint, S_FINGERPRINT);
}

/* Fingerprints of the batches that may have one (eligible[b]). */
static void
s_fingerprints (store_t *self, store_ingest_t *batches, size_t count, const s_item_t *items,
                size_t item_count, bool *eligible, uint8_t (*fingerprints)[S_FINGERPRINT])
{
    for (size_t b = 0; b < count; b++)
        eligible[b] = batches[b].record_count > 0 || batches[b].chunk;
    /* an object twice with other content: the order of the batches decides,
       and a batch alone says nothing (the same content twice is harmless) */
    for (size_t i = 1; i < item_count; i++)
        if (!memcmp (items[i].code, items[i - 1].code, S_CODE) &&
            memcmp (batches[items[i].batch].records[items[i].index].content_hash,
                    batches[items[i - 1].batch].records[items[i - 1].index].content_hash,
                    YW_HASH_SIZE))
            eligible[items[i].batch] = eligible[items[i - 1].batch] = false;
    size_t most = 0;
    for (size_t b = 0; b < count; b++)
        if (batches[b].record_count > most)
            most = batches[b].record_count;
    size_t pair = S_CODE + YW_HASH_SIZE;
    uint8_t *text = s_buffer (&self->buffers[S_BLOCK], (most ? most : 1) * pair);
    for (size_t b = 0; b < count; b++) {
        if (!eligible[b])
            continue;
        if (batches[b].chunk) {
            memcpy (fingerprints[b], batches[b].chunk, S_FINGERPRINT);
            continue;
        }
        size_t n = 0;
        for (size_t i = 0; i < item_count; i++)
            if (items[i].batch == b) {
                const yw_record_t *record = &batches[b].records[items[i].index];
                memcpy (text + n * pair, record->object_code, S_CODE);
                memcpy (text + n * pair + S_CODE, record->content_hash, YW_HASH_SIZE);
                n++;
            }
        uint8_t hash[YW_HASH_SIZE];
        yw_sha256 (text, n * pair, hash);
        memcpy (fingerprints[b], hash, S_FINGERPRINT);
    }
}

/* Whether batches a and b belong to one run (source, kind, import id). */
static bool
s_same_run (const store_ingest_t *batches, const uint32_t *sources, size_t a, size_t b)
{
    return sources[a] == sources[b] && batches[a].kind == batches[b].kind &&
           batches[a].import_id == batches[b].import_id;
}

/* Whether every batch of this transaction that changed a claim of this
   node belongs to run (source, kind, import_id). */
static bool
s_changes_only_by (store_ingest_t *batches, size_t count, const uint32_t *sources,
                   const store_ingest_report_t *reports, size_t run)
{
    for (size_t b = 0; b < count; b++)
        if (reports[b].new_count + reports[b].changed + reports[b].deleted > 0 &&
            !s_same_run (batches, sources, b, run))
            return false;
    return true;
}

/* ------------------------------------------------------------ chunks */

/* A chunk's object: its code and the first bytes of its content hash. */
#define S_CHUNK_ITEM (S_CODE + 8)

/* What a chunk made, loaded (a copy: the map may move during the
   transaction): its objects in code order and its rejections. */
typedef struct {
    uint8_t *data;
    size_t size;
    uint32_t records, rejections;
    const uint8_t *codes;    /* records x S_CHUNK_ITEM */
    const uint8_t *rejected; /* the rejections, encoded */
} s_chunk_t;

/* The counts of a chunk entry (format 3); false when it is not one. */
static bool
s_chunk_view (const MDB_val *value, uint32_t *records, uint32_t *rejections)
{
    const uint8_t *in = value->mv_data;
    if (value->mv_size < 9 || in[0] != 3)
        return false;
    *records = yw_get32 (in + 1);
    *rejections = yw_get32 (in + 5);
    return (value->mv_size - 9) / S_CHUNK_ITEM >= *records;
}

/* Keeps what batch b (applied record by record) made of its chunk. */
static int
s_chunk_save (s_txn_t *t, const uint8_t *key_data, const store_ingest_t *batch, size_t b,
              const s_item_t *items, size_t item_count)
{
    store_t *self = t->store;
    size_t size = 9 + batch->record_count * S_CHUNK_ITEM;
    for (size_t i = 0; i < batch->rejection_count; i++)
        size += s_row_size (&batch->rejections[i]);
    MDB_val key = {5 + S_FINGERPRINT, (void *)key_data}, value = {size, NULL};
    int rc = mdb_put (t->txn, self->chunk, &key, &value, MDB_RESERVE);
    if (rc)
        return s_lmdb_fail (t->error, rc, "chunk put");
    uint8_t *out = value.mv_data;
    out[0] = 3; /* format */
    yw_put32 (out + 1, (uint32_t)batch->record_count);
    yw_put32 (out + 5, (uint32_t)batch->rejection_count);
    size_t n = 9;
    for (size_t i = 0; i < item_count; i++)
        if (items[i].batch == b) {
            memcpy (out + n, items[i].code, S_CODE);
            memcpy (out + n + S_CODE, batch->records[items[i].index].content_hash,
                    S_CHUNK_ITEM - S_CODE);
            n += S_CHUNK_ITEM;
        }
    for (size_t i = 0; i < batch->rejection_count; i++)
        n += s_row_put (out + n, &batch->rejections[i]);
    assert (n == size);
    t->dirty = true;
    return 0;
}

/* Loads what chunk key_data made; YW_ENOTFOUND when it is not there. */
static int
s_chunk_load (s_txn_t *t, const uint8_t *key_data, s_chunk_t *chunk)
{
    store_t *self = t->store;
    memset (chunk, 0, sizeof *chunk);
    MDB_val key = {5 + S_FINGERPRINT, (void *)key_data}, value;
    int rc = mdb_get (t->txn, self->chunk, &key, &value);
    if (rc == MDB_NOTFOUND)
        return YW_ENOTFOUND;
    if (rc)
        return s_lmdb_fail (t->error, rc, "chunk read");
    if (!s_chunk_view (&value, &chunk->records, &chunk->rejections))
        return s_fail (t->error, YW_ESTORE, "store: chunk entry of %zu bytes: malformed",
                       value.mv_size);
    chunk->data = yw_malloc (value.mv_size);
    memcpy (chunk->data, value.mv_data, value.mv_size);
    chunk->size = value.mv_size;
    chunk->codes = chunk->data + 9;
    chunk->rejected = chunk->codes + (size_t)chunk->records * S_CHUNK_ITEM;
    return 0;
}

/* Keeps a loaded chunk's rejections again, as rejections of this batch's
   import (keep), or hands each to the batch's on_rejection (after the
   commit: an attempt may be redone after map growth). */
static int
s_chunk_replay (s_txn_t *t, const store_ingest_t *batch, const s_chunk_t *chunk, bool keep)
{
    const uint8_t *in = chunk->rejected, *end = chunk->data + chunk->size;
    char *texts = yw_malloc (5 * (YW_MAX_FIELD + 1));
    int rc = 0;
    for (uint32_t i = 0; i < chunk->rejections && rc == 0; i++) {
        store_rejection_t row;
        if (!s_row_get (&in, end, texts, &row)) {
            rc = s_fail (t->error, YW_ESTORE, "store: chunk entry: rejection %u malformed",
                         i + 1);
            break;
        }
        row.source = batch->source; /* the same feed: chunks are kept per source */
        if (keep)
            rc = s_reject_put (t, batch->kind, batch->import_id, &row);
        else if (batch->on_rejection)
            batch->on_rejection (batch->arg, &row);
    }
    free (texts);
    return rc;
}

/* Meta name of the fingerprint chain of a source's runs of a kind. */
static void
s_fpchain_name (char *name, size_t size, uint32_t source, yw_kind_t kind)
{
    snprintf (name, size, "yw.fpchain.%08x.%d", (unsigned)source, (int)kind);
}

/* A run's fingerprint chain (meta "yw.fpchain.SOURCE.KIND"): import id,
   own-changes counter after its last transaction, ok, and the HLC before
   its first transaction (older chains lack it: 0), and whether no claim
   older than the run was changed (older chains: ok). */
typedef struct {
    bool found; /* there is a chain, and it is of this batch's run */
    uint64_t after, start;
    bool ok;
    bool plain_ok; /* ok, and no claim older than the run was changed */
} s_fpchain_t;

static int
s_fpchain_get (s_txn_t *t, uint32_t source, const store_ingest_t *batch, s_fpchain_t *chain)
{
    memset (chain, 0, sizeof *chain);
    char name[48];
    s_fpchain_name (name, sizeof name, source, batch->kind);
    MDB_val value;
    int rc = s_meta_get (t->txn, t->store, name, &value);
    if (rc && rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc, "fingerprint chain");
    const uint8_t *in = value.mv_data;
    if (rc == 0 && value.mv_size >= 17 && yw_get64 (in) == batch->import_id) {
        chain->found = true;
        chain->after = yw_get64 (in + 8);
        chain->ok = in[16];
        chain->start = value.mv_size >= 25 ? yw_get64 (in + 17) : 0;
        chain->plain_ok = value.mv_size >= 26 ? in[25] : chain->ok;
    }
    return 0;
}

/* The HLC before the first transaction of batch's run: its chain's start
   when the run has begun, else this transaction's. */
static int
s_run_floor (s_txn_t *t, uint32_t source, const store_ingest_t *batch, uint64_t *floor)
{
    s_fpchain_t chain;
    int rc = s_fpchain_get (t, source, batch, &chain);
    *floor = chain.found ? chain.start : t->seq_floor;
    return rc;
}

/* At the end of a run: drops the chunks of (source, kind) that hold one
   object with different content (a k-way merge of their object lists, in
   code order; memory per chunk, not per object). */
typedef struct {
    uint8_t key[5 + S_FINGERPRINT];
    const uint8_t *items; /* in the map: nothing is written during the merge */
    uint32_t count, at;
    bool drop;
} s_chunk_list_t;

static const uint8_t *
s_chunk_list_head (const s_chunk_list_t *list)
{
    return list->items + (size_t)list->at * S_CHUNK_ITEM;
}

static bool
s_chunk_list_less (void *arg, size_t x, size_t y)
{
    const s_chunk_list_t *lists = arg;
    return memcmp (s_chunk_list_head (&lists[x]), s_chunk_list_head (&lists[y]), S_CODE) <
           0;
}

static int
s_chunks_settle (s_txn_t *t, uint32_t source, yw_kind_t kind)
{
    store_t *self = t->store;
    uint8_t prefix[5];
    yw_put32 (prefix, source);
    prefix[4] = (uint8_t)kind;
    s_chunk_list_t *lists = NULL;
    size_t count = 0, capacity = 0;
    MDB_cursor *cursor;
    int rc = mdb_cursor_open (t->txn, self->chunk, &cursor);
    if (rc)
        return s_lmdb_fail (t->error, rc, "chunks");
    MDB_val key = {5, prefix}, value;
    for (rc = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
         rc == 0 && key.mv_size == 5 + S_FINGERPRINT &&
         memcmp (key.mv_data, prefix, 5) == 0;
         rc = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        uint32_t records, rejections;
        if (!s_chunk_view (&value, &records, &rejections) || !records)
            continue; /* unusable ones are never answered from (s_chunk_load) */
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            lists = yw_realloc (lists, capacity * sizeof *lists);
        }
        s_chunk_list_t *list = &lists[count++];
        memcpy (list->key, key.mv_data, sizeof list->key);
        list->items = (const uint8_t *)value.mv_data + 9;
        list->count = records;
        list->at = 0;
        list->drop = false;
    }
    mdb_cursor_close (cursor);
    if (rc && rc != MDB_NOTFOUND) {
        free (lists);
        return s_lmdb_fail (t->error, rc, "chunks");
    }
    size_t *heap = yw_malloc ((count ? count : 1) * sizeof *heap), size = count;
    for (size_t i = 0; i < count; i++)
        heap[i] = i;
    heap_build (heap, size, s_chunk_list_less, lists);
    /* the lists that hold the current object, and whether their contents differ */
    size_t *group = yw_malloc ((count ? count : 1) * sizeof *group), members = 0;
    uint8_t code[S_CODE], hash[S_CHUNK_ITEM - S_CODE];
    bool mixed = false;
    while (size || members) {
        const uint8_t *item = size ? s_chunk_list_head (&lists[heap[0]]) : NULL;
        if (members && (!item || memcmp (item, code, S_CODE))) {
            for (size_t i = 0; mixed && i < members; i++)
                lists[group[i]].drop = true;
            members = 0;
        }
        if (!item)
            break;
        if (!members) {
            memcpy (code, item, S_CODE);
            memcpy (hash, item + S_CODE, sizeof hash);
            mixed = false;
        }
        mixed |= memcmp (hash, item + S_CODE, sizeof hash) != 0;
        size_t top = heap[0];
        if (!members || group[members - 1] != top)
            group[members++] = top;
        if (++lists[top].at == lists[top].count)
            heap[0] = heap[--size];
        heap_down (heap, size, 0, s_chunk_list_less, lists);
    }
    free (group);
    free (heap);
    rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        if (!lists[i].drop)
            continue;
        MDB_val drop = {sizeof lists[i].key, lists[i].key};
        rc = mdb_del (t->txn, self->batch, &drop, NULL);
        if (rc == 0 || rc == MDB_NOTFOUND)
            rc = mdb_del (t->txn, self->chunk, &drop, NULL);
        if (rc == MDB_NOTFOUND)
            rc = 0;
        t->dirty = true;
    }
    free (lists);
    return rc ? s_lmdb_fail (t->error, rc, "chunks") : 0;
}

/* After the transaction's changes: counts them and, when the transaction
   writes anyway, saves the fingerprints of the batches applied record by
   record. A run keeps a chain in meta ("yw.fpchain.SOURCE.KIND": import id,
   counter after its last transaction, ok) that stays ok while every change
   to this node's claims since its first fingerprint came from the run
   itself; at the run's final batch, an ok run's fingerprints take the
   counter as it then is (they still hold: nothing else changed), and
   fingerprints of other runs that no longer match are dropped. */
static int
s_fingerprints_save (s_txn_t *t, store_ingest_t *batches, size_t count,
                     const uint32_t *sources, const store_ingest_report_t *reports,
                     const bool *eligible, const bool *skipped,
                     uint8_t (*fingerprints)[S_FINGERPRINT], uint64_t before,
                     const s_item_t *items, size_t item_count, const bool *conflict,
                     const bool *rewrite)
{
    store_t *self = t->store;
    int rc;
    uint64_t after = before + (t->own_changed ? 1 : 0);
    if (t->own_changed && (rc = s_meta_put_u64 (t->txn, self, "yw.own_changes", after)))
        return s_lmdb_fail (t->error, rc, "own changes");
    bool closes = false; /* a run ends here: its chain is settled even when
                            nothing else is written (its final batch alone) */
    bool learns = false; /* a chunk the node did not know: remembered even
                            when its rows changed nothing */
    for (size_t b = 0; b < count; b++) {
        closes |= batches[b].final;
        learns |= eligible[b] && !skipped[b] && batches[b].chunk;
    }
    if (!t->dirty && !closes && !learns)
        return 0; /* an unchanged re-import writes nothing, not even this */
    bool clean = !t->dirty && !learns;
    t->dirty = t->dirty || learns;
    uint8_t value[26];
    for (size_t b = 0; b < count; b++) {
        if (!eligible[b] || skipped[b])
            continue;
        uint8_t key_data[5 + S_FINGERPRINT];
        s_fingerprint_key (key_data, sources[b], batches[b].kind, fingerprints[b]);
        yw_put64 (value, after);
        yw_put64 (value + 8, batches[b].import_id);
        MDB_val key = {sizeof key_data, key_data}, data = {16, value};
        if ((rc = mdb_put (t->txn, self->batch, &key, &data, 0)))
            return s_lmdb_fail (t->error, rc, "batch fingerprint");
        if (batches[b].chunk &&
            (rc = s_chunk_save (t, key_data, &batches[b], b, items, item_count)))
            return rc;
    }
    for (size_t b = 0; b < count; b++) {
        bool first = true;
        for (size_t e = 0; e < b && first; e++)
            first = !s_same_run (batches, sources, e, b);
        if (!first)
            continue; /* one chain update per run and transaction */
        bool final = false;
        for (size_t e = b; e < count; e++)
            final |= batches[e].final && s_same_run (batches, sources, e, b);
        if (clean && !final)
            continue;
        bool ok = s_changes_only_by (batches, count, sources, reports, b);
        bool plain_ok = true;
        for (size_t e = b; e < count; e++) {
            ok = ok && !(conflict[e] && s_same_run (batches, sources, e, b));
            plain_ok = plain_ok && !(rewrite[e] && s_same_run (batches, sources, e, b));
        }
        s_fpchain_t chain;
        if ((rc = s_fpchain_get (t, sources[b], &batches[b], &chain)))
            return rc;
        uint64_t start = t->seq_floor;
        if (chain.found) {
            ok = ok && chain.ok && chain.after == before;
            plain_ok = plain_ok && chain.plain_ok;
            start = chain.start;
        }
        else if (clean)
            continue; /* the run wrote nothing: no fingerprints to settle */
        plain_ok = plain_ok && ok;
        char name[48];
        s_fpchain_name (name, sizeof name, sources[b], batches[b].kind);
        t->dirty = true;
        yw_put64 (value, batches[b].import_id);
        yw_put64 (value + 8, after);
        value[16] = ok;
        yw_put64 (value + 17, start);
        value[25] = plain_ok;
        MDB_val name_key = {strlen (name), name};
        rc = final ? mdb_del (t->txn, self->meta, &name_key, NULL)
                   : s_meta_put (t->txn, self, name, value, 26);
        if (rc && rc != MDB_NOTFOUND)
            return s_lmdb_fail (t->error, rc, "fingerprint chain");
        if (!final)
            continue;
        MDB_cursor *cursor;
        if ((rc = mdb_cursor_open (t->txn, self->batch, &cursor)))
            return s_lmdb_fail (t->error, rc, "batch fingerprints");
        uint8_t prefix[5];
        yw_put32 (prefix, sources[b]);
        prefix[4] = (uint8_t)batches[b].kind;
        MDB_val key = {5, prefix}, data;
        int lmdb = mdb_cursor_get (cursor, &key, &data, MDB_SET_RANGE);
        for (; lmdb == 0 && key.mv_size == 5 + S_FINGERPRINT &&
               memcmp (key.mv_data, prefix, 5) == 0 && data.mv_size == 16;
             lmdb = mdb_cursor_get (cursor, &key, &data, MDB_NEXT)) {
            uint64_t at = yw_get64 (data.mv_data);
            uint64_t run = yw_get64 ((const uint8_t *)data.mv_data + 8);
            if (at == after)
                continue;
            MDB_val probe = key, probe_value;
            bool vouch = run == batches[b].import_id && ok;
            if (vouch && !plain_ok) {
                /* a plain fingerprint of a run that changed older claims:
                   only a chunk's object list can be checked (s_chunks_settle) */
                lmdb = mdb_get (t->txn, self->chunk, &probe, &probe_value);
                if (lmdb && lmdb != MDB_NOTFOUND)
                    break;
                vouch = lmdb == 0;
            }
            if (vouch) {
                yw_put64 (value, after);
                yw_put64 (value + 8, run);
                MDB_val update = {16, value};
                lmdb = mdb_cursor_put (cursor, &key, &update, MDB_CURRENT);
            }
            else {
                /* what a chunk made goes with its fingerprint */
                uint8_t gone[5 + S_FINGERPRINT];
                memcpy (gone, key.mv_data, sizeof gone);
                MDB_val chunk_key = {sizeof gone, gone};
                lmdb = mdb_cursor_del (cursor, 0);
                if (lmdb == 0) {
                    lmdb = mdb_del (t->txn, self->chunk, &chunk_key, NULL);
                    if (lmdb == MDB_NOTFOUND)
                        lmdb = 0;
                }
            }
            if (lmdb)
                break;
        }
        mdb_cursor_close (cursor);
        if (lmdb && lmdb != MDB_NOTFOUND)
            return s_lmdb_fail (t->error, lmdb, "batch fingerprints");
        if ((rc = s_chunks_settle (t, sources[b], batches[b].kind)))
            return rc;
    }
    return 0;
}

/* One attempt at the whole ingest transaction (redone after map growth). */
static int
s_ingest_attempt (store_t *self, store_ingest_t *batches, size_t count, s_item_t *items,
                  size_t item_count, store_ingest_report_t *reports, s_run_t *runs,
                  size_t *run_count, char *error)
{
    s_txn_t t;
    int rc = s_txn_begin (self, &t, error);
    if (rc)
        return rc;
    memset (reports, 0, count * sizeof *reports);
    uint32_t *sources = yw_malloc ((count ? count : 1) * sizeof (uint32_t));
    const char **codes = NULL;
    size_t code_capacity = 0;
    *run_count = 0;
    /* batches whose fingerprint says they are unchanged as a whole */
    bool *eligible = yw_calloc (2 * (count ? count : 1), sizeof (bool));
    bool *skipped = eligible + (count ? count : 1);
    uint8_t (*fingerprints)[S_FINGERPRINT] =
        yw_malloc ((count ? count : 1) * sizeof *fingerprints);
    s_chunk_t *chunks = yw_calloc (count ? count : 1, sizeof *chunks);
    /* per batch: HLC before its run's first transaction, and whether the run
       wrote one of its objects twice with different content */
    uint64_t *run_floor = yw_malloc ((count ? count : 1) * sizeof (uint64_t));
    bool *conflict = yw_calloc (2 * (count ? count : 1), sizeof (bool));
    bool *rewrite = conflict + (count ? count : 1); /* changed a claim older than the run */
    uint64_t counter = 0;

    for (size_t b = 0; b < count; b++)
        if ((rc = s_source_ordinal (&t, batches[b].source ? batches[b].source : "",
                                    &sources[b])))
            goto failed;
    rc = s_meta_get_u64 (t.txn, self, "yw.own_changes", &counter);
    if (rc && rc != MDB_NOTFOUND) {
        rc = s_lmdb_fail (error, rc, "own changes");
        goto failed;
    }
    for (size_t b = 0; b < count; b++)
        if ((rc = s_run_floor (&t, sources[b], &batches[b], &run_floor[b])))
            goto failed;
    s_fingerprints (self, batches, count, items, item_count, eligible, fingerprints);
    for (size_t b = 0; b < count; b++) {
        if (!eligible[b])
            continue;
        uint8_t key_data[5 + S_FINGERPRINT];
        s_fingerprint_key (key_data, sources[b], batches[b].kind, fingerprints[b]);
        MDB_val key = {sizeof key_data, key_data}, data;
        if (mdb_get (t.txn, self->batch, &key, &data) == 0 && data.mv_size == 16 &&
            yw_get64 (data.mv_data) == counter) {
            skipped[b] = true;
            reports[b].unchanged = batches[b].record_count;
        }
        if (!batches[b].chunk_only)
            continue;
        if (skipped[b]) {
            rc = s_chunk_load (&t, key_data, &chunks[b]);
            if (rc && rc != YW_ENOTFOUND)
                goto failed;
            skipped[b] = rc == 0;
            reports[b].unchanged = chunks[b].records;
            rc = 0;
        }
        if (!skipped[b]) {
            /* the client sends the rows instead */
            reports[b].stale = true;
            eligible[b] = false;
        }
    }
    for (size_t i = 0; i < item_count; i++) {
        if (skipped[items[i].batch])
            continue;
        store_ingest_t *batch = &batches[items[i].batch];
        if ((rc = s_ingest_record (&t, &batch->records[items[i].index],
                                   sources[items[i].batch], &reports[items[i].batch],
                                   run_floor[items[i].batch], &conflict[items[i].batch],
                                   &rewrite[items[i].batch])))
            goto failed;
    }
    for (size_t b = 0; b < count; b++) {
        store_ingest_t *batch = &batches[b];
        if (reports[b].stale)
            continue;
        if (batch->chunk_only) {
            if ((rc = s_chunk_replay (&t, batch, &chunks[b], true)))
                goto failed;
            reports[b].rejected = chunks[b].rejections;
        }
        else {
            for (size_t i = 0; i < batch->rejection_count; i++)
                if ((rc = s_reject_put (&t, batch->kind, batch->import_id,
                                        &batch->rejections[i])))
                    goto failed;
            reports[b].rejected = batch->rejection_count;
        }
        if (!batch->full)
            continue;
        /* the run this batch belongs to, opened once per transaction */
        s_run_t *run = NULL;
        for (size_t r = 0; r < *run_count; r++)
            if (runs[r].source == sources[b] && runs[r].kind == batch->kind &&
                !runs[r].finished)
                run = &runs[r];
        if (run && run->import_id != batch->import_id) {
            /* a new import id starts the run over */
            if (ftruncate (run->fd, 0) != 0) {
                rc = s_fail (error, YW_EIO, "store: %s: %s", run->path, strerror (errno));
                goto failed;
            }
            run->length = 0;
            run->import_id = batch->import_id;
        }
        if (!run) {
            run = &runs[(*run_count)++];
            if ((rc = s_run_open (&t, run, sources[b], batch->kind, batch->import_id)))
                goto failed;
        }
        /* the batch's codes, in order: the items are sorted already, and
           so are a remembered chunk's */
        size_t most = batch->chunk_only ? chunks[b].records : batch->record_count;
        if (code_capacity < most) {
            code_capacity = most;
            codes = yw_realloc (codes, code_capacity * sizeof (char *));
        }
        size_t n = 0;
        if (batch->chunk_only)
            for (; n < chunks[b].records; n++)
                codes[n] = (const char *)chunks[b].codes + n * S_CHUNK_ITEM;
        else
            for (size_t i = 0; i < item_count; i++)
                if (items[i].batch == b)
                    codes[n++] = items[i].code;
        if ((rc = s_run_append (&t, run, codes, n)))
            goto failed;
        if (batch->final && (rc = s_run_finish (&t, run, &reports[b])))
            goto failed;
    }
    if ((rc = s_fingerprints_save (&t, batches, count, sources, reports, eligible, skipped,
                                   fingerprints, counter, items, item_count, conflict,
                                   rewrite)))
        goto failed;
    /* the spill blocks must be on disk before the commit that counts them */
    for (size_t r = 0; r < *run_count; r++)
        if (!runs[r].finished && fdatasync (runs[r].fd) != 0) {
            rc = s_fail (error, errno == ENOSPC ? YW_ENOSPC : YW_EIO,
                         "store: syncing %s: %s", runs[r].path, strerror (errno));
            goto failed;
        }
    if ((rc = s_txn_commit (&t)))
        goto failed;
    for (size_t b = 0; b < count; b++)
        if (batches[b].chunk_only && !reports[b].stale)
            s_chunk_replay (&t, &batches[b], &chunks[b], false);
    goto done;

failed:
    s_txn_abort (&t);
done:
    for (size_t b = 0; b < count; b++)
        free (chunks[b].data);
    free (chunks);
    free (run_floor);
    free (conflict);
    free (codes);
    free (sources);
    free (eligible);
    free (fingerprints);
    return rc;
}

int
store_ingest (store_t *self, store_ingest_t *batches, size_t count,
              store_ingest_report_t *reports, char *error)
{
    assert (self);
    if (self->read_only)
        return s_fail (error, YW_EINVAL, "store: opened read-only");
    int rc = s_ingest_validate (batches, count, error);
    if (rc)
        return rc;
    size_t item_count = 0;
    for (size_t b = 0; b < count; b++)
        item_count += batches[b].record_count;
    s_item_t *items = s_buffer (&self->buffers[S_ITEMS],
                                (item_count ? item_count : 1) * sizeof (s_item_t));
    size_t n = 0;
    for (size_t b = 0; b < count; b++)
        for (size_t i = 0; i < batches[b].record_count; i++) {
            const char *code = batches[b].records[i].object_code;
            items[n++] = (s_item_t){yw_get64 ((const uint8_t *)code), code, (uint32_t)b,
                                    (uint32_t)i};
        }
    s_items_sort (self, items, item_count);
    s_run_t *runs = yw_malloc ((count ? count : 1) * sizeof (s_run_t));
    size_t run_count = 0;
    for (;;) {
        rc = s_ingest_attempt (self, batches, count, items, item_count, reports, runs,
                               &run_count, error);
        for (size_t r = 0; r < run_count; r++) {
            if (runs[r].fd >= 0)
                close (runs[r].fd);
            if (rc == 0 && runs[r].finished)
                unlink (runs[r].path);
        }
        if (rc != S_GROW)
            break;
        if ((rc = s_grow (self, error)))
            break;
    }
    free (runs);
    return s_write_result (self, rc, error);
}

/* ------------------------------------------------------ remote batches */

/* Keeps a received record that is refused for its content as a rejection
   (source says where it came from) and counts it. */
static int
s_remote_reject (s_txn_t *t, store_remote_report_t *report, const char *source,
                 size_t index, uint64_t batch_seq, const char *code, const char *reason,
                 const char *value, const char *message)
{
    char text[STORE_ERROR_SIZE];
    snprintf (text, sizeof text, "%s%s%s", code && code[0] ? code : "",
              code && code[0] ? ": " : "", message);
    if (report->sample_count < STORE_REMOTE_SAMPLES) {
        store_sample_t *sample = &report->samples[report->sample_count++];
        snprintf (sample->object_code, sizeof sample->object_code, "%s", code ? code : "");
        snprintf (sample->reason, sizeof sample->reason, "%s", reason);
        snprintf (sample->message, sizeof sample->message, "%s", message);
    }
    if (report->rejected++ == 0)
        snprintf (report->error, sizeof report->error, "%s #%zu: %s", source, index + 1,
                  text);
    store_rejection_t row = {source, index + 1, "", reason, value, text};
    return s_reject_put (t, YW_KIND_NONE, batch_seq, &row);
}

/* Applies one received record (an event of an origin batch, or a claim of
   a snapshot) as the claim of its origin: checked, then set when newer than
   that origin's claim (last writer wins per origin), else counted stale.
   `origin_node` is the origin the record must carry (NULL: any but this
   node). bytes/size are its encoding, stored as the body when live. */
static int
s_apply_record (s_txn_t *t, const uint8_t *bytes, size_t size, const char *origin_node,
                const char *jurisdiction, const char *source, size_t index,
                uint64_t batch_seq, yw_record_t *record, store_remote_report_t *report,
                uint64_t *newest)
{
    store_t *self = t->store;
    char message[128] = "";
    if (codec_record_decode (bytes, size, record, message))
        return s_remote_reject (t, report, source, index, batch_seq, "", "EVENT_DECODE", "",
                                message);
    const char *problem = NULL, *reason = NULL, *value = "";
    uint8_t hash[YW_HASH_SIZE];
    if (origin_node
            ? strcmp (record->origin_node, origin_node) != 0
            : !record->origin_node[0] || !strcmp (record->origin_node, self->node_id))
        problem =
            origin_node ? "event of another origin" : "claim of no or this node's origin",
        reason = "EVENT_ORIGIN", value = record->origin_node;
    else if (!s_code_valid (record->object_code))
        problem = "malformed object code", reason = "EVENT_OBJECT_CODE",
        value = record->object_code;
    else if (!s_region_valid (record->region_code) || !record->region_code[0])
        problem = "region is not 6 digits", reason = "EVENT_REGION",
        value = record->region_code;
    else if (jurisdiction &&
             strncmp (record->region_code, jurisdiction, strlen (jurisdiction)))
        problem = "region outside the sender's jurisdiction", reason = "JURISDICTION",
        value = record->region_code;
    else if (!record->deleted && (codec_record_hash (record, hash),
                                  memcmp (hash, record->content_hash, YW_HASH_SIZE) != 0))
        problem = "content hash does not match the body", reason = "EVENT_HASH";
    if (problem)
        return s_remote_reject (t, report, source, index, batch_seq, record->object_code,
                                reason, value, problem);
    int rc;
    if (strcmp (record->origin_node, t->origin_id) != 0) {
        rc = s_origin_ordinal (self, t->txn, record->origin_node, true, &t->origin_ordinal,
                               NULL);
        if (rc)
            return s_lmdb_fail (t->error, rc, "origin table");
        snprintf (t->origin_id, sizeof t->origin_id, "%s", record->origin_node);
    }
    uint32_t origin = t->origin_ordinal;
    if ((rc = s_object_load (t, record->object_code)))
        return rc;
    s_object_t *object = &self->object;
    int previous = s_claim_find (object, origin);
    if (previous >= 0 && object->claim[previous].version >= record->version) {
        report->stale++;
        return 0;
    }
    /* a delete of a claim never seen is kept too, so that an older create
       arriving later through another path stays ended */
    s_claim_t claim = {.origin = origin,
                       .source = 0,
                       .version = record->version,
                       .deleted = record->deleted,
                       .kind = (uint8_t)record->kind};
    memcpy (claim.hash, record->content_hash, YW_HASH_SIZE);
    memcpy (claim.region, record->region_code, sizeof claim.region);
    if ((rc = s_claim_set (t, record->object_code, object, &claim,
                           record->deleted ? NULL : record, bytes, size)))
        return rc;
    if (record->version > *newest)
        *newest = record->version;
    report->applied++;
    return 0;
}

/* Applies the events of one verified batch. */
static int
s_remote_events (s_txn_t *t, batch_t *batch, const store_remote_t *in,
                 store_remote_report_t *report)
{
    store_t *self = t->store;
    char source[128 + 2 * YW_NODE_ID_SIZE];
    snprintf (source, sizeof source, "origin %s batch %llu%s%s event", batch->origin_node,
              (unsigned long long)batch->origin_seq, in->link ? " via " : "",
              in->link ? in->link : "");
    yw_record_t *record = yw_malloc (sizeof *record);
    const uint8_t *event;
    size_t size, index = 0;
    uint64_t newest = 0;
    int rc = 0;
    for (; rc == 0 && batch_next_event (batch, &event, &size); index++)
        rc = s_apply_record (t, event, size, batch->origin_node, in->jurisdiction, source,
                             index, batch->origin_seq, record, report, &newest);
    if (newest)
        hlc_observe (&self->hlc, newest, 0); /* a clock far ahead is not followed */
    free (record);
    return rc;
}

/* Applies one received batch in t. *keep says whether it was kept: applied,
   or a duplicate that moves the link on; a batch not kept wrote nothing (it
   is refused before the first write). */
static int
s_remote_batch (s_txn_t *t, const store_remote_t *in, bool relay,
                store_remote_report_t *report, bool *keep)
{
    *keep = false;
    store_t *self = t->store;
    int rc;
    char link_name[16 + YW_NODE_ID_SIZE];
    uint64_t link_last = 0;
    if (in->link) {
        snprintf (link_name, sizeof link_name, "yw.link.%s", in->link);
        rc = s_meta_get_u64 (t->txn, self, link_name, &link_last);
        if (rc && rc != MDB_NOTFOUND)
            return s_lmdb_fail (t->error, rc, "link state");
        report->expected_link_seq = link_last + 1;
        if (in->link_seq <= link_last) {
            report->status = YW_ESTALE;
            snprintf (report->error, sizeof report->error,
                      "link %s seq %llu: already applied (next is %llu)", in->link,
                      (unsigned long long)in->link_seq,
                      (unsigned long long)(link_last + 1));
            return 0;
        }
        if (in->link_seq != link_last + 1) {
            report->status = YW_ESEQ;
            snprintf (report->error, sizeof report->error,
                      "link %s seq %llu: gap, expected %llu", in->link,
                      (unsigned long long)in->link_seq,
                      (unsigned long long)(link_last + 1));
            return 0;
        }
    }
    batch_t batch;
    char message[BATCH_ERROR_SIZE];
    if ((rc = batch_read (in->data, in->size, &batch, message))) {
        report->status = rc;
        snprintf (report->error, sizeof report->error, "malformed origin batch: %s",
                  message);
        return 0;
    }
    if (strcmp (batch.origin_node, self->node_id) == 0) {
        report->status = YW_EINVAL;
        snprintf (report->error, sizeof report->error,
                  "origin batch %llu of this node's own origin came back",
                  (unsigned long long)batch.origin_seq);
        return 0;
    }
    /* every check before the first write: a batch refused leaves nothing */
    uint32_t origin;
    uint8_t row[4 + 8 + YW_HASH_SIZE] = {0};
    rc = s_origin_ordinal (self, t->txn, batch.origin_node, false, &origin, row);
    if (rc && rc != MDB_NOTFOUND)
        return s_lmdb_fail (t->error, rc, "origin table");
    bool known = rc == 0;
    uint64_t last_seq = yw_get64 (row + 4);
    report->expected_origin_seq = last_seq + 1;
    bool duplicate = batch.origin_seq <= last_seq;
    if (!duplicate && batch.origin_seq != last_seq + 1) {
        report->status = YW_ESEQ;
        snprintf (report->error, sizeof report->error,
                  "origin %s batch %llu: gap, expected %llu", batch.origin_node,
                  (unsigned long long)batch.origin_seq, (unsigned long long)(last_seq + 1));
        return 0;
    }
    if (!duplicate && memcmp (batch.prev_hash, row + 12, YW_HASH_SIZE) != 0) {
        char said[65], have[65];
        report->status = YW_ESEQ;
        snprintf (report->error, sizeof report->error,
                  "origin %s batch %llu: prev_hash %.16s... is not the hash of batch %llu "
                  "(%.16s...)",
                  batch.origin_node, (unsigned long long)batch.origin_seq,
                  batch_hash_hex (batch.prev_hash, said), (unsigned long long)last_seq,
                  batch_hash_hex (row + 12, have));
        return 0;
    }
    if (duplicate) {
        /* already applied through another path: acknowledged, not applied
           again; the link still moves on past it */
        report->status = YW_ESTALE;
        snprintf (report->error, sizeof report->error,
                  "origin %s batch %llu: already applied", batch.origin_node,
                  (unsigned long long)batch.origin_seq);
    }
    else {
        if (!known &&
            (rc = s_origin_ordinal (self, t->txn, batch.origin_node, true, &origin, row)))
            return s_lmdb_fail (t->error, rc, "origin table");
        if ((rc = s_remote_events (t, &batch, in, report)))
            return rc;
        yw_put64 (row + 4, batch.origin_seq);
        memcpy (row + 12, batch.hash, YW_HASH_SIZE);
        MDB_val key = {strlen (batch.origin_node), batch.origin_node};
        MDB_val value = {sizeof row, row};
        if ((rc = mdb_put (t->txn, self->origin, &key, &value, 0)))
            return s_lmdb_fail (t->error, rc, "origin table");
        if (relay) {
            uint8_t seq[8];
            yw_put64 (seq, t->next_log);
            MDB_val log_key = {8, seq}, log_value = {in->size, (void *)in->data};
            if ((rc = mdb_put (t->txn, self->log, &log_key, &log_value, MDB_APPEND)))
                return s_lmdb_fail (t->error, rc, "log append");
            t->next_log++;
        }
    }
    if (in->link) {
        if ((rc = s_meta_put_u64 (t->txn, self, link_name, in->link_seq)))
            return s_lmdb_fail (t->error, rc, "link state");
        report->expected_link_seq = in->link_seq + 1;
    }
    t->dirty = true;
    *keep = true;
    return 0;
}

int
store_apply_remote (store_t *self, const store_remote_t *batches, size_t count, bool relay,
                    store_remote_report_t *reports, char *error)
{
    assert (self);
    for (;;) {
        s_txn_t t;
        int rc = s_txn_begin (self, &t, error);
        if (rc)
            return rc;
        memset (reports, 0, count * sizeof *reports);
        /* no nested transaction per batch: a batch is refused before its
           first write, and a store error aborts the whole round (a nested
           transaction copies every page it touches that the round has
           dirtied already, which cost more than the apply itself) */
        for (size_t i = 0; i < count && rc == 0; i++) {
            bool keep;
            rc = s_remote_batch (&t, &batches[i], relay, &reports[i], &keep);
        }
        if (rc == 0)
            rc = s_txn_commit (&t);
        if (rc) {
            s_txn_abort (&t);
            if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
                continue;
        }
        return s_write_result (self, rc, error);
    }
}

int
store_origin_state (store_t *self, const char *origin_node, uint64_t *seq, uint8_t *hash)
{
    *seq = 0;
    if (hash)
        memset (hash, 0, YW_HASH_SIZE);
    if (strcmp (origin_node, self->node_id) == 0) {
        MDB_txn *txn;
        int rc = s_read_begin (self, &txn);
        if (rc)
            return rc;
        MDB_val value;
        s_meta_get_u64 (txn, self, "yw.origin_seq", seq);
        if (hash && s_meta_get (txn, self, "yw.origin_hash", &value) == 0 &&
            value.mv_size == YW_HASH_SIZE)
            memcpy (hash, value.mv_data, YW_HASH_SIZE);
        s_read_end (self);
        return 0;
    }
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    uint32_t ordinal;
    uint8_t row[4 + 8 + YW_HASH_SIZE];
    rc = s_origin_ordinal (self, txn, origin_node, false, &ordinal, row);
    s_read_end (self);
    if (rc)
        return rc == MDB_NOTFOUND ? YW_ENOTFOUND : YW_ESTORE;
    *seq = yw_get64 (row + 4);
    if (hash)
        memcpy (hash, row + 12, YW_HASH_SIZE);
    return 0;
}

int
store_link_last (store_t *self, const char *link, uint64_t *last)
{
    *last = 0;
    char name[16 + YW_NODE_ID_SIZE];
    snprintf (name, sizeof name, "yw.link.%s", link);
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    rc = s_meta_get_u64 (txn, self, name, last);
    s_read_end (self);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : YW_ESTORE;
}

/* ----------------------------------------------------------- snapshots */

struct _store_snapshot_t {
    store_t *store; /* NULL once the store ended it */
    MDB_txn *txn;
    objmap_view_t objects;
    objmap_iter_t iter; /* open while txn is */
    bool done;
    bool on;             /* the iterator is at the current object */
    bool loaded;         /* ... and `object` holds its claims */
    unsigned next_claim; /* next claim of the current object */
    s_object_t object;   /* the current object's claims */
    char code[YW_OBJECT_CODE_SIZE];
    yw_record_t record;
    uint8_t encoded[YW_RECORD_MAX_ENCODED];
    store_snapshot_t *next; /* the store's list of open snapshots */
};

static void
s_snapshot_close (store_snapshot_t *snapshot)
{
    objmap_iter_close (&snapshot->iter);
    if (snapshot->txn)
        mdb_txn_abort (snapshot->txn);
    snapshot->txn = NULL;
}

/* Ends every open snapshot (before the map moves or the store closes);
   their owners learn it at their next call. */
static void
s_snapshots_end (store_t *self)
{
    for (store_snapshot_t *snapshot = self->snapshots; snapshot;
         snapshot = snapshot->next) {
        s_snapshot_close (snapshot);
        snapshot->store = NULL;
    }
    self->snapshots = NULL;
}

int
store_snapshot_open (store_t *self, store_snapshot_t **snapshot_p, uint64_t *log_seq,
                     uint64_t *objects, char *error)
{
    *snapshot_p = NULL;
    store_snapshot_t *snapshot = yw_calloc (1, sizeof *snapshot);
    snapshot->store = self;
    int rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &snapshot->txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize (self->env, 0);
        rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &snapshot->txn);
    }
    uint64_t first = 0, last = 0;
    if (rc == 0 && (rc = objmap_view (&snapshot->objects, snapshot->txn, self->obj,
                                      self->objrun)) == 0)
        rc = objmap_iter_open (&snapshot->iter, &snapshot->objects);
    if (rc || (rc = s_log_bounds (self, snapshot->txn, &first, &last))) {
        s_snapshot_close (snapshot);
        free (snapshot);
        return s_fail (error, YW_ESTORE, "store: snapshot: %s", mdb_strerror (rc));
    }
    *log_seq = last;
    if (objects)
        *objects = objmap_codes (&snapshot->objects);
    snapshot->next = self->snapshots;
    self->snapshots = snapshot;
    *snapshot_p = snapshot;
    return 0;
}

/* The encoded Record of claim i of the current object into *data / *size. */
static int
s_snapshot_claim (store_snapshot_t *snapshot, unsigned i, const uint8_t **data,
                  size_t *size)
{
    store_t *self = snapshot->store;
    const s_claim_t *claim = &snapshot->object.claim[i];
    if (!claim->deleted) {
        uint8_t position[8];
        yw_put64 (position, claim->body);
        MDB_val key = {8, position}, value;
        int rc = mdb_get (snapshot->txn, self->body, &key, &value);
        if (rc)
            return rc;
        *data = value.mv_data;
        *size = value.mv_size;
        return 0;
    }
    yw_record_t *record = &snapshot->record;
    yw_record_reset (record, (yw_kind_t)claim->kind);
    memcpy (record->object_code, snapshot->code, sizeof record->object_code);
    memcpy (record->region_code, claim->region, sizeof record->region_code);
    snprintf (record->origin_node, sizeof record->origin_node, "%s",
              s_origin_name (self, snapshot->txn, claim->origin));
    record->version = claim->version;
    record->deleted = true;
    memcpy (record->content_hash, claim->hash, YW_HASH_SIZE);
    int n = codec_record_encode (record, snapshot->encoded, sizeof snapshot->encoded);
    if (n < 0)
        return MDB_CORRUPTED;
    *data = snapshot->encoded;
    *size = (size_t)n;
    return 0;
}

int
store_snapshot_next (store_snapshot_t *snapshot, size_t max_claims, size_t max_bytes,
                     store_claim_fn *fn, void *arg, bool *done, char *error)
{
    *done = snapshot->done;
    if (snapshot->done)
        return 0;
    if (!snapshot->store || !snapshot->txn)
        return s_fail (error, YW_ESTORE,
                       "store: the snapshot ended (the map grew or the store closed); take "
                       "a new one");
    size_t claims = 0, bytes = 0;
    int lmdb = 0;
    const char *code;
    const uint8_t *seq;
    if (!snapshot->on) {
        lmdb = objmap_iter_next (&snapshot->iter, &code, &seq, NULL);
        snapshot->on = true;
        snapshot->loaded = false;
        snapshot->next_claim = 0;
    }
    while (lmdb == 0) {
        if (!snapshot->loaded) {
            MDB_val value = {8, (void *)seq};
            if (s_object_read (snapshot->store, snapshot->txn, &value, code,
                               &snapshot->object))
                return s_fail (error, YW_ESTORE, "store: snapshot: malformed object");
            memcpy (snapshot->code, code, S_CODE);
            snapshot->code[S_CODE] = '\0';
            snapshot->loaded = true;
        }
        while (snapshot->next_claim < snapshot->object.count) {
            const uint8_t *data;
            size_t size;
            int rc = s_snapshot_claim (snapshot, snapshot->next_claim, &data, &size);
            if (rc)
                return s_fail (error, YW_ESTORE, "store: snapshot: object %s: %s",
                               snapshot->code, mdb_strerror (rc));
            if (claims >= max_claims || (claims > 0 && bytes + size > max_bytes))
                return 0;
            if ((rc = fn (arg, data, size)))
                return rc;
            claims++;
            bytes += size;
            snapshot->next_claim++;
        }
        snapshot->next_claim = 0;
        snapshot->loaded = false;
        lmdb = objmap_iter_next (&snapshot->iter, &code, &seq, NULL);
    }
    snapshot->on = false;
    if (lmdb != MDB_NOTFOUND)
        return s_fail (error, YW_ESTORE, "store: snapshot: %s", mdb_strerror (lmdb));
    snapshot->done = *done = true;
    return 0;
}

int
store_snapshot_origins (store_snapshot_t *snapshot, store_origin_t **origins, size_t *count)
{
    *origins = NULL;
    *count = 0;
    store_t *self = snapshot->store;
    if (!self || !snapshot->txn)
        return YW_ESTORE;
    MDB_cursor *cursor;
    if (mdb_cursor_open (snapshot->txn, self->origin, &cursor))
        return YW_ESTORE;
    size_t capacity = 16, n = 0;
    store_origin_t *list = yw_calloc (capacity, sizeof *list);
    MDB_val key, value;
    int lmdb = mdb_cursor_get (cursor, &key, &value, MDB_FIRST);
    for (; lmdb == 0; lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        /* skip the reverse entries (0x00 ordinal -> id) */
        if (key.mv_size == 0 || ((const uint8_t *)key.mv_data)[0] == 0 ||
            key.mv_size >= YW_NODE_ID_SIZE || value.mv_size != 4 + 8 + YW_HASH_SIZE)
            continue;
        if (n == capacity)
            list = yw_realloc (list, (capacity *= 2) * sizeof *list);
        store_origin_t *origin = &list[n++];
        memcpy (origin->origin_node, key.mv_data, key.mv_size);
        origin->origin_node[key.mv_size] = '\0';
        origin->seq = yw_get64 ((const uint8_t *)value.mv_data + 4);
        memcpy (origin->hash, (const uint8_t *)value.mv_data + 12, YW_HASH_SIZE);
        if (strcmp (origin->origin_node, self->node_id) == 0) {
            /* this node's chain head lives in meta */
            MDB_val hash;
            origin->seq = 0;
            memset (origin->hash, 0, YW_HASH_SIZE);
            s_meta_get_u64 (snapshot->txn, self, "yw.origin_seq", &origin->seq);
            if (s_meta_get (snapshot->txn, self, "yw.origin_hash", &hash) == 0 &&
                hash.mv_size == YW_HASH_SIZE)
                memcpy (origin->hash, hash.mv_data, YW_HASH_SIZE);
        }
    }
    mdb_cursor_close (cursor);
    if (lmdb != MDB_NOTFOUND) {
        free (list);
        return YW_ESTORE;
    }
    *origins = list;
    *count = n;
    return 0;
}

void
store_snapshot_destroy (store_snapshot_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_snapshot_t *snapshot = *self_p;
    if (snapshot->store) {
        store_snapshot_t **link = &snapshot->store->snapshots;
        while (*link && *link != snapshot)
            link = &(*link)->next;
        if (*link)
            *link = snapshot->next;
    }
    s_snapshot_close (snapshot);
    free (snapshot);
    *self_p = NULL;
}

int
store_apply_claims (store_t *self, const store_claims_t *chunks, size_t count,
                    store_remote_report_t *reports, char *error)
{
    assert (self);
    yw_record_t *record = yw_malloc (sizeof *record);
    int rc;
    for (;;) {
        s_txn_t t;
        if ((rc = s_txn_begin (self, &t, error)))
            break;
        memset (reports, 0, count * sizeof *reports);
        uint64_t newest = 0;
        for (size_t i = 0; i < count && rc == 0; i++)
            for (size_t k = 0; k < chunks[i].count && rc == 0; k++)
                rc = s_apply_record (&t, chunks[i].claims[k], chunks[i].sizes[k], NULL,
                                     chunks[i].jurisdiction, "snapshot claim", k, 0, record,
                                     &reports[i], &newest);
        if (newest)
            hlc_observe (&self->hlc, newest, 0);
        if (rc == 0)
            rc = s_txn_commit (&t);
        if (rc) {
            s_txn_abort (&t);
            if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
                continue;
        }
        break;
    }
    free (record);
    return s_write_result (self, rc, error);
}

int
store_snapshot_finish (store_t *self, const char *link, uint64_t log_seq,
                       const store_origin_t *origins, size_t count, bool relay, char *error)
{
    (void)relay;
    if (!link || !link[0] || strlen (link) >= YW_NODE_ID_SIZE)
        return s_fail (error, YW_EINVAL, "store: snapshot of no link");
    for (;;) {
        s_txn_t t;
        int rc = s_txn_begin (self, &t, error);
        if (rc)
            return rc;
        char name[16 + YW_NODE_ID_SIZE];
        snprintf (name, sizeof name, "yw.link.%s", link);
        int lmdb = s_meta_put_u64 (t.txn, self, name, log_seq);
        for (size_t i = 0; i < count && lmdb == 0; i++) {
            const store_origin_t *o = &origins[i];
            if (!o->origin_node[0] || strcmp (o->origin_node, self->node_id) == 0 ||
                !o->seq)
                continue;
            uint32_t ordinal;
            uint8_t row[4 + 8 + YW_HASH_SIZE];
            if ((lmdb =
                     s_origin_ordinal (self, t.txn, o->origin_node, true, &ordinal, row)))
                break;
            if (yw_get64 (row + 4) >= o->seq)
                continue;
            yw_put64 (row + 4, o->seq);
            memcpy (row + 12, o->hash, YW_HASH_SIZE);
            MDB_val key = {strlen (o->origin_node), (void *)o->origin_node};
            MDB_val value = {sizeof row, row};
            lmdb = mdb_put (t.txn, self->origin, &key, &value, 0);
        }
        if (lmdb == 0 && relay) {
            /* What the snapshot brought is in no log entry, so this node's
               own parent needs a snapshot too. Everything logged so far is
               covered by that snapshot: it goes, and seq next_log is skipped
               for good, so that a parent expecting it (or anything before
               it) finds it missing and asks for a snapshot. */
            uint64_t first, last;
            MDB_cursor *cursor;
            if ((lmdb = s_log_bounds (self, t.txn, &first, &last)) == 0 &&
                (lmdb = mdb_cursor_open (t.txn, self->log, &cursor)) == 0) {
                MDB_val key, value;
                lmdb = mdb_cursor_get (cursor, &key, &value, MDB_FIRST);
                while (lmdb == 0 && (lmdb = mdb_cursor_del (cursor, 0)) == 0)
                    lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT);
                mdb_cursor_close (cursor);
                if (lmdb == MDB_NOTFOUND)
                    lmdb = 0;
                if (lmdb == 0)
                    lmdb = s_meta_put_u64 (t.txn, self, "yw.log_floor", last + 2);
                t.next_log = last + 2;
            }
        }
        t.dirty = true;
        rc = lmdb ? s_lmdb_fail (error, lmdb, "snapshot finish") : s_txn_commit (&t);
        if (rc) {
            s_txn_abort (&t);
            if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
                continue;
        }
        return s_write_result (self, rc, error);
    }
}

/* -------------------------------------------------------------- reads */

static void
s_object_info (store_t *self, MDB_txn *txn, const s_object_t *object, store_object_t *info)
{
    memset (info, 0, sizeof *info);
    int shown = object->visible;
    if (shown < 0) /* all tombstones: the newest */
        for (unsigned i = 0; i < object->count; i++)
            if (shown < 0 || object->claim[i].version > object->claim[shown].version)
                shown = (int)i;
    const s_claim_t *claim = &object->claim[shown];
    info->kind = (yw_kind_t)claim->kind;
    memcpy (info->region_code, claim->region, sizeof info->region_code);
    snprintf (info->origin_node, sizeof info->origin_node, "%s",
              s_origin_name (self, txn, claim->origin));
    info->version = claim->version;
    info->deleted = object->visible < 0;
    memcpy (info->content_hash, claim->hash, YW_HASH_SIZE);
    info->claims = object->count;
    for (unsigned i = 0; i < object->count; i++)
        info->live_claims += !object->claim[i].deleted;
}

int
store_get (store_t *self, const char *object_code, yw_record_t *record,
           store_object_t *info)
{
    if (!s_code_valid (object_code))
        return YW_ENOTFOUND;
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    uint8_t seq[8];
    MDB_val value = {8, seq};
    s_object_t *object = yw_malloc (sizeof *object);
    objmap_view_t objects;
    rc = objmap_view (&objects, txn, self->obj, self->objrun);
    if (rc == 0)
        rc = objmap_find (&objects, object_code, objmap_hash (object_code), seq);
    if (rc) {
        rc = rc == MDB_NOTFOUND ? YW_ENOTFOUND : YW_ESTORE;
        goto done;
    }
    if (s_object_read (self, txn, &value, object_code, object)) {
        rc = YW_ESTORE;
        goto done;
    }
    store_object_t local;
    if (!info)
        info = &local;
    s_object_info (self, txn, object, info);
    if (record) {
        if (object->visible >= 0) {
            uint8_t position[8];
            yw_put64 (position, object->claim[object->visible].body);
            MDB_val body_key = {8, position};
            if (mdb_get (txn, self->body, &body_key, &value) ||
                codec_record_decode (value.mv_data, value.mv_size, record, NULL)) {
                rc = YW_ESTORE;
                goto done;
            }
        }
        else {
            yw_record_reset (record, info->kind);
            memcpy (record->object_code, object_code, S_CODE);
            memcpy (record->region_code, info->region_code, sizeof record->region_code);
            memcpy (record->origin_node, info->origin_node, sizeof record->origin_node);
            record->version = info->version;
            record->deleted = true;
            memcpy (record->content_hash, info->content_hash, YW_HASH_SIZE);
        }
    }
    rc = 0;
done:
    free (object);
    s_read_end (self);
    return rc;
}

int
store_each_object (store_t *self, store_object_fn *fn, void *arg)
{
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    objmap_view_t objects;
    objmap_iter_t *iter = yw_malloc (sizeof *iter);
    iter->runs.count = 0;
    int lmdb = objmap_view (&objects, txn, self->obj, self->objrun);
    if (lmdb == 0)
        lmdb = objmap_iter_open (iter, &objects);
    s_object_t *object = yw_malloc (sizeof *object);
    const char *at;
    const uint8_t *seq;
    while (lmdb == 0 && (lmdb = objmap_iter_next (iter, &at, &seq, NULL)) == 0) {
        MDB_val value = {8, (void *)seq};
        if (s_object_read (self, txn, &value, at, object)) {
            rc = YW_ESTORE;
            break;
        }
        char code[YW_OBJECT_CODE_SIZE];
        memcpy (code, at, S_CODE);
        code[S_CODE] = '\0';
        store_object_t info;
        s_object_info (self, txn, object, &info);
        if ((rc = fn (arg, code, &info)))
            break;
    }
    if (lmdb && lmdb != MDB_NOTFOUND)
        rc = YW_ESTORE;
    free (object);
    objmap_iter_close (iter);
    free (iter);
    s_read_end (self);
    return rc;
}

/* A plate lookup's state: each seq the plate index gives is an object. */
typedef struct {
    store_t *self;
    MDB_txn *txn;
    s_object_t *object;
    store_code_fn *fn;
    void *arg;
    int rc;
} s_plate_find_t;

static int
s_plate_found (void *arg, const uint8_t *seq)
{
    s_plate_find_t *find = arg;
    MDB_val value = {8, (void *)seq};
    if (s_object_read (find->self, find->txn, &value, NULL, find->object)) {
        find->rc = YW_ESTORE;
        return 1;
    }
    char code[YW_OBJECT_CODE_SIZE];
    memcpy (code, find->object->code, S_CODE);
    code[S_CODE] = '\0';
    find->rc = find->fn (find->arg, code);
    return find->rc != 0;
}

static int
s_find_plate (store_t *self, const char *plate, size_t size, store_code_fn *fn, void *arg)
{
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    s_plate_find_t find = {self, txn, yw_malloc (sizeof (s_object_t)), fn, arg, 0};
    platemap_view_t plates;
    int lmdb = platemap_view (&plates, txn, self->plate, self->platerun);
    if (lmdb == 0)
        lmdb = platemap_each (&plates, plate, size, s_plate_found, &find);
    rc = find.rc ? find.rc : lmdb ? YW_ESTORE : 0;
    free (find.object);
    s_read_end (self);
    return rc;
}

int
store_find (store_t *self, store_index_t index, yw_kind_t kind, const char *value,
            store_code_fn *fn, void *arg)
{
    uint8_t prefix[sizeof (s_key_t)];
    size_t prefix_size = 0, n = value ? strlen (value) : 0;
    size_t entry_size = 0;
    switch (index) {
        case STORE_BY_PLATE: /* the plate index (platemap.h) */
            if (n == 0 || n >= YW_SHORT_SIZE)
                return YW_EINVAL;
            return s_find_plate (self, value, n, fn, arg);
        case STORE_BY_UNIT:
            if (n == 0 || n >= YW_USCC_SIZE)
                return YW_EINVAL;
            prefix[0] = 'u';
            memcpy (prefix + 1, value, n);
            prefix[1 + n] = '\0';
            prefix[2 + n] = (uint8_t)kind;
            prefix_size = kind ? 3 + n : 2 + n;
            entry_size = 3 + n;
            break;
        case STORE_BY_REGION:
            if (n > 6 || kind == YW_KIND_NONE)
                return YW_EINVAL;
            prefix[0] = 'r';
            prefix[1] = (uint8_t)kind;
            memcpy (prefix + 2, value, n);
            prefix_size = 2 + n;
            entry_size = 2 + 6;
            break;
        default: return YW_EINVAL;
    }
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    MDB_cursor *cursor;
    if (mdb_cursor_open (txn, self->idx, &cursor)) {
        s_read_end (self);
        return YW_ESTORE;
    }
    MDB_val key = {prefix_size, prefix}, data;
    int lmdb = mdb_cursor_get (cursor, &key, &data, MDB_SET_RANGE);
    for (; lmdb == 0 && key.mv_size >= prefix_size &&
           memcmp (key.mv_data, prefix, prefix_size) == 0;
         lmdb = mdb_cursor_get (cursor, &key, &data, MDB_NEXT)) {
        if (key.mv_size != entry_size || data.mv_size != S_INDEX_ITEM)
            continue;
        char code[YW_OBJECT_CODE_SIZE];
        memcpy (code, (const uint8_t *)data.mv_data + 8, S_CODE);
        code[S_CODE] = '\0';
        if ((rc = fn (arg, code)))
            break;
    }
    if (lmdb && lmdb != MDB_NOTFOUND)
        rc = YW_ESTORE;
    mdb_cursor_close (cursor);
    s_read_end (self);
    return rc;
}

int
store_log_each (store_t *self, uint64_t from, size_t limit, store_log_fn *fn, void *arg)
{
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    MDB_cursor *cursor;
    if (mdb_cursor_open (txn, self->log, &cursor)) {
        s_read_end (self);
        return YW_ESTORE;
    }
    uint8_t start[8];
    yw_put64 (start, from);
    MDB_val key = {8, start}, value;
    size_t done = 0;
    int lmdb = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
    for (; lmdb == 0 && (limit == 0 || done < limit); done++) {
        if (key.mv_size != 8) {
            rc = YW_ESTORE;
            break;
        }
        if ((rc = fn (arg, yw_get64 (key.mv_data), value.mv_data, value.mv_size)))
            break;
        lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT);
    }
    if (lmdb && lmdb != MDB_NOTFOUND)
        rc = YW_ESTORE;
    mdb_cursor_close (cursor);
    s_read_end (self);
    return rc;
}

int
store_log_range (store_t *self, uint64_t *first, uint64_t *last)
{
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    uint64_t a = 1, b = 0;
    rc = s_log_bounds (self, txn, &a, &b);
    s_read_end (self);
    if (rc)
        return YW_ESTORE;
    if (first)
        *first = a;
    if (last)
        *last = b;
    return 0;
}

int
store_log_prune (store_t *self, uint64_t upto, char *error)
{
    for (;;) {
        s_txn_t t;
        int rc = s_txn_begin (self, &t, error);
        if (rc)
            return rc;
        MDB_cursor *cursor;
        if ((rc = mdb_cursor_open (t.txn, self->log, &cursor))) {
            s_txn_abort (&t);
            return s_lmdb_fail (error, rc, "log prune");
        }
        MDB_val key, value;
        uint64_t removed = 0;
        int lmdb = mdb_cursor_get (cursor, &key, &value, MDB_FIRST);
        while (lmdb == 0 && key.mv_size == 8 && yw_get64 (key.mv_data) <= upto) {
            removed = yw_get64 (key.mv_data);
            if ((lmdb = mdb_cursor_del (cursor, 0)))
                break;
            t.dirty = true;
            lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT);
        }
        mdb_cursor_close (cursor);
        /* the floor keeps the seqs: an emptied log must not start over at 1 */
        if (removed && (lmdb == 0 || lmdb == MDB_NOTFOUND)) {
            uint64_t floor = 1;
            int got = s_meta_get_u64 (t.txn, self, "yw.log_floor", &floor);
            if (got && got != MDB_NOTFOUND)
                lmdb = got;
            else if (removed + 1 > floor)
                lmdb = s_meta_put_u64 (t.txn, self, "yw.log_floor", removed + 1);
        }
        rc = lmdb && lmdb != MDB_NOTFOUND ? s_lmdb_fail (error, lmdb, "log prune")
                                          : s_txn_commit (&t);
        if (rc)
            s_txn_abort (&t);
        if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
            continue;
        return rc;
    }
}

int
store_rejects_each (store_t *self, uint64_t since_ms, store_reject_fn *fn, void *arg)
{
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    MDB_cursor *cursor;
    if (mdb_cursor_open (txn, self->reject, &cursor)) {
        s_read_end (self);
        return YW_ESTORE;
    }
    char *texts = yw_malloc (5 * (YW_MAX_FIELD + 1));
    uint8_t start[8];
    yw_put64 (start, hlc_make (since_ms, 0));
    MDB_val key = {8, start}, value;
    int lmdb = mdb_cursor_get (cursor, &key, &value, MDB_SET_RANGE);
    for (; lmdb == 0; lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        const uint8_t *in = value.mv_data, *end = in + value.mv_size;
        store_reject_t reject = {.at = key.mv_size == 8 ? yw_get64 (key.mv_data) : 0};
        if (value.mv_size < 18 || in[0] != 1) {
            rc = YW_ESTORE;
            break;
        }
        reject.kind = (yw_kind_t)in[1];
        reject.import_id = yw_get64 (in + 2);
        in += 10;
        if (!s_row_get (&in, end, texts, &reject.row)) {
            rc = YW_ESTORE;
            break;
        }
        if ((rc = fn (arg, &reject)))
            break;
    }
    if (lmdb && lmdb != MDB_NOTFOUND)
        rc = YW_ESTORE;
    free (texts);
    mdb_cursor_close (cursor);
    s_read_end (self);
    return rc;
}

static bool
s_meta_name_ok (const char *name)
{
    return name && name[0] && strncmp (name, "yw.", 3) != 0 && strlen (name) < 256;
}

int
store_meta_get_u64 (store_t *self, const char *name, uint64_t *value)
{
    if (!s_meta_name_ok (name))
        return YW_EINVAL;
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    rc = s_meta_get_u64 (txn, self, name, value);
    s_read_end (self);
    return rc == 0 ? 0 : rc == MDB_NOTFOUND ? YW_ENOTFOUND : YW_ESTORE;
}

int
store_meta_set_u64 (store_t *self, const char *name, uint64_t value, char *error)
{
    if (!s_meta_name_ok (name))
        return s_fail (error, YW_EINVAL, "store: meta name \"%s\" is reserved or empty",
                       name ? name : "");
    for (;;) {
        s_txn_t t;
        int rc = s_txn_begin (self, &t, error);
        if (rc)
            return rc;
        if ((rc = s_meta_put_u64 (t.txn, self, name, value)))
            rc = s_lmdb_fail (error, rc, "meta put");
        else {
            t.dirty = true;
            rc = s_txn_commit (&t);
        }
        if (rc)
            s_txn_abort (&t);
        if (rc == S_GROW && (rc = s_grow (self, error)) == 0)
            continue;
        return rc;
    }
}

int
store_stat (store_t *self, store_stat_t *stat)
{
    memset (stat, 0, sizeof *stat);
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return rc;
    MDB_stat st;
    objmap_view_t objects;
    if (objmap_view (&objects, txn, self->obj, self->objrun) == 0)
        stat->objects = objmap_codes (&objects);
    if (mdb_stat (txn, self->body, &st) == 0)
        stat->bodies = st.ms_entries;
    if (mdb_stat (txn, self->idx, &st) == 0)
        stat->index_entries = st.ms_entries;
    platemap_view_t plates;
    uint64_t plate_entries = 0;
    if (platemap_view (&plates, txn, self->plate, self->platerun) == 0 &&
        platemap_count (&plates, &plate_entries) == 0)
        stat->index_entries += plate_entries;
    if (mdb_stat (txn, self->log, &st) == 0)
        stat->log_entries = st.ms_entries;
    if (mdb_stat (txn, self->reject, &st) == 0)
        stat->rejects = st.ms_entries;
    s_meta_get_u64 (txn, self, "yw.hlc", &stat->hlc);
    s_meta_get_u64 (txn, self, "yw.origin_seq", &stat->origin_seq);
    MDB_envinfo info;
    mdb_env_info (self->env, &info);
    MDB_stat env;
    mdb_env_stat (self->env, &env);
    stat->map_size = info.me_mapsize;
    stat->used = (uint64_t)(info.me_last_pgno + 1) * env.ms_psize;
    stat->last_txn = info.me_last_txnid;
    s_read_end (self);
    return 0;
}

/* -------------------------------------------------------------- check */

typedef struct {
    char code[S_CODE];
    uint64_t version;
} s_event_ref_t;

static int
s_event_ref_compare (const void *a, const void *b)
{
    const s_event_ref_t *x = a, *y = b;
    int c = memcmp (x->code, y->code, S_CODE);
    if (c)
        return c;
    return x->version < y->version ? -1 : x->version > y->version;
}

/* An origin's chain as the log shows it. */
typedef struct {
    char id[YW_NODE_ID_SIZE];
    uint64_t seq;
    uint8_t hash[YW_HASH_SIZE];
} s_chain_t;

typedef struct {
    store_t *self;
    MDB_txn *txn;
    store_check_report_t *report;
    char *error;
    s_event_ref_t *events;
    size_t event_count, event_capacity;
    uint64_t own_first_seq;   /* first own batch in the log (0: none) */
    uint64_t own_min_version; /* smallest own event version in the log */
    s_chain_t *chains;
    size_t chain_count;
    uint64_t *positions; /* body positions the claims use */
    size_t position_count, position_capacity;
    objmap_view_t objects;
    platemap_view_t plates;
    yw_record_t record;
} s_check_t;

static int
s_check_log (s_check_t *c)
{
    store_t *self = c->self;
    MDB_cursor *cursor;
    if (mdb_cursor_open (c->txn, self->log, &cursor))
        return s_fail (c->error, YW_ESTORE, "check: log cursor");
    MDB_val key, value;
    uint64_t expect = 0;
    int rc = 0, lmdb = mdb_cursor_get (cursor, &key, &value, MDB_FIRST);
    for (; lmdb == 0; lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
        if (key.mv_size != 8) {
            rc = s_fail (c->error, YW_ESTORE, "check: log key of %zu bytes", key.mv_size);
            break;
        }
        uint64_t seq = yw_get64 (key.mv_data);
        if (expect && seq != expect) {
            rc = s_fail (c->error, YW_ESTORE, "check: log seq %llu follows %llu",
                         (unsigned long long)seq, (unsigned long long)(expect - 1));
            break;
        }
        expect = seq + 1;
        c->report->log_entries++;
        batch_t batch;
        char message[BATCH_ERROR_SIZE];
        if (batch_read (value.mv_data, value.mv_size, &batch, message)) {
            rc = s_fail (c->error, YW_ESTORE, "check: log seq %llu: %s",
                         (unsigned long long)seq, message);
            break;
        }
        s_chain_t *chain = NULL;
        for (size_t i = 0; i < c->chain_count; i++)
            if (strcmp (c->chains[i].id, batch.origin_node) == 0)
                chain = &c->chains[i];
        bool own = strcmp (batch.origin_node, self->node_id) == 0;
        if (!chain) {
            c->chains = yw_realloc (c->chains, (c->chain_count + 1) * sizeof (s_chain_t));
            chain = &c->chains[c->chain_count++];
            snprintf (chain->id, sizeof chain->id, "%s", batch.origin_node);
            chain->seq = batch.origin_seq - 1;
            if (batch.origin_seq == 1)
                memset (chain->hash, 0, YW_HASH_SIZE);
            else
                memcpy (chain->hash, batch.prev_hash, YW_HASH_SIZE); /* pruned before */
            if (own)
                c->own_first_seq = batch.origin_seq;
        }
        if (batch.origin_seq != chain->seq + 1 ||
            memcmp (batch.prev_hash, chain->hash, YW_HASH_SIZE) != 0) {
            rc = s_fail (
                c->error, YW_ESTORE,
                "check: log seq %llu: origin %s batch %llu does not follow batch %llu",
                (unsigned long long)seq, batch.origin_node,
                (unsigned long long)batch.origin_seq, (unsigned long long)chain->seq);
            break;
        }
        chain->seq = batch.origin_seq;
        memcpy (chain->hash, batch.hash, YW_HASH_SIZE);
        if (!own)
            continue;
        c->report->own_batches++;
        const uint8_t *event;
        size_t size;
        while (batch_next_event (&batch, &event, &size)) {
            if (codec_record_decode (event, size, &c->record, message)) {
                rc = s_fail (c->error, YW_ESTORE, "check: log seq %llu: event: %s",
                             (unsigned long long)seq, message);
                goto done;
            }
            if (strcmp (c->record.origin_node, self->node_id) != 0) {
                rc = s_fail (c->error, YW_ESTORE,
                             "check: log seq %llu: event of %s in a batch of %s",
                             (unsigned long long)seq, c->record.origin_node, self->node_id);
                goto done;
            }
            if (c->event_count == c->event_capacity) {
                c->event_capacity = c->event_capacity ? c->event_capacity * 2 : 4096;
                c->events =
                    yw_realloc (c->events, c->event_capacity * sizeof (s_event_ref_t));
            }
            s_event_ref_t *ref = &c->events[c->event_count++];
            memcpy (ref->code, c->record.object_code, S_CODE);
            ref->version = c->record.version;
            if (!c->own_min_version || ref->version < c->own_min_version)
                c->own_min_version = ref->version;
            c->report->events++;
        }
    }
    if (rc == 0 && lmdb != MDB_NOTFOUND)
        rc = s_fail (c->error, YW_ESTORE, "check: log walk: %s", mdb_strerror (lmdb));
    if (rc == 0) {
        /* this node's chain ends where meta says */
        uint64_t meta_seq = 0;
        uint8_t meta_hash[YW_HASH_SIZE] = {0};
        s_meta_get_u64 (c->txn, self, "yw.origin_seq", &meta_seq);
        if (s_meta_get (c->txn, self, "yw.origin_hash", &value) == 0 &&
            value.mv_size == YW_HASH_SIZE)
            memcpy (meta_hash, value.mv_data, YW_HASH_SIZE);
        for (size_t i = 0; i < c->chain_count; i++)
            if (strcmp (c->chains[i].id, self->node_id) == 0 &&
                (c->chains[i].seq != meta_seq ||
                 memcmp (c->chains[i].hash, meta_hash, YW_HASH_SIZE)))
                rc = s_fail (c->error, YW_ESTORE,
                             "check: own origin chain ends at batch %llu, meta says %llu",
                             (unsigned long long)c->chains[i].seq,
                             (unsigned long long)meta_seq);
    }
done:
    mdb_cursor_close (cursor);
    return rc;
}

static int
s_check_claim (s_check_t *c, const char *code, const s_object_t *object, unsigned i,
               uint64_t hlc)
{
    store_t *self = c->self;
    const s_claim_t *claim = &object->claim[i];
    const char *origin = s_origin_name (self, c->txn, claim->origin);
    c->report->claims++;
    if (strcmp (origin, "?") == 0)
        return s_fail (c->error, YW_ESTORE, "check: object %s: claim of unknown origin %u",
                       code, (unsigned)claim->origin);
    if (claim->deleted != (claim->body == 0))
        return s_fail (
            c->error, YW_ESTORE, "check: object %s: claim of %s: %s", code, origin,
            claim->deleted ? "tombstone with a body" : "live claim without body");
    if (claim->origin == S_OWN) {
        if (claim->version > hlc)
            return s_fail (c->error, YW_ESTORE,
                           "check: object %s: own version %llu is newer than the saved HLC",
                           code, (unsigned long long)claim->version);
        bool pruned = c->own_first_seq != 1 && claim->version < c->own_min_version;
        if (c->own_first_seq == 0 && c->event_count == 0)
            pruned = true; /* the whole log was pruned */
        s_event_ref_t ref;
        memcpy (ref.code, code, S_CODE);
        ref.version = claim->version;
        if (!pruned && (!c->event_count || !bsearch (&ref, c->events, c->event_count,
                                                     sizeof ref, s_event_ref_compare)))
            return s_fail (c->error, YW_ESTORE,
                           "check: object %s: own claim version %llu is not in the log",
                           code, (unsigned long long)claim->version);
    }
    if (claim->deleted)
        return 0;
    c->report->live_claims++;
    if (c->position_count == c->position_capacity) {
        c->position_capacity = c->position_capacity ? c->position_capacity * 2 : 4096;
        c->positions = yw_realloc (c->positions, c->position_capacity * sizeof (uint64_t));
    }
    c->positions[c->position_count++] = claim->body;
    uint8_t position[8];
    yw_put64 (position, claim->body);
    MDB_val key = {8, position}, value;
    if (mdb_get (c->txn, self->body, &key, &value))
        return s_fail (c->error, YW_ESTORE, "check: object %s: body %llu of %s is missing",
                       code, (unsigned long long)claim->body, origin);
    char message[128];
    yw_record_t *r = &c->record;
    if (codec_record_decode (value.mv_data, value.mv_size, r, message))
        return s_fail (c->error, YW_ESTORE, "check: object %s: body %llu: %s", code,
                       (unsigned long long)claim->body, message);
    uint8_t hash[YW_HASH_SIZE];
    codec_record_hash (r, hash);
    const char *wrong = NULL;
    if (memcmp (r->object_code, code, S_CODE + 1))
        wrong = "object code";
    else if (strcmp (r->origin_node, origin))
        wrong = "origin";
    else if (r->version != claim->version)
        wrong = "version";
    else if (memcmp (hash, claim->hash, YW_HASH_SIZE) ||
             memcmp (r->content_hash, claim->hash, YW_HASH_SIZE))
        wrong = "content hash";
    else if (r->kind != claim->kind || strcmp (r->region_code, claim->region))
        wrong = "kind or region";
    if (wrong)
        return s_fail (c->error, YW_ESTORE, "check: object %s: body %llu of %s: %s differs",
                       code, (unsigned long long)claim->body, origin, wrong);
    return 0;
}

static int
s_u64_compare (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Each run of a runs table (table `name`, catalog `catalog`) holds what
   its catalog entry says, and nothing is outside the runs. */
static int
s_check_runs (s_check_t *c, const runs_view_t *view, const char *name, const char *catalog)
{
    size_t run = 0;
    uint64_t found = 0;
    int rc = runs_verify (view, &run, &found);
    if (rc == MDB_CORRUPTED && run == view->count)
        return s_fail (c->error, YW_ESTORE, "check: %s holds %llu entries outside its runs",
                       name, (unsigned long long)found);
    if (rc == MDB_CORRUPTED)
        return s_fail (c->error, YW_ESTORE,
                       "check: %s run %u holds %llu entries, %s says %llu", name,
                       view->run[run].id, (unsigned long long)found, catalog,
                       (unsigned long long)view->run[run].entries);
    return rc ? s_fail (c->error, YW_ESTORE, "check: %s: %s", name, mdb_strerror (rc)) : 0;
}

/* Reads the object map's runs into c->objects and checks them. */
static int
s_check_object_map (s_check_t *c)
{
    int rc = objmap_view (&c->objects, c->txn, c->self->obj, c->self->objrun);
    if (rc)
        return s_fail (c->error, YW_ESTORE, "check: objrun: %s",
                       rc == MDB_CORRUPTED ? "a malformed entry, or too many runs"
                                           : mdb_strerror (rc));
    return s_check_runs (c, &c->objects.runs, "obj", "objrun");
}

static int
s_check_objects (s_check_t *c, uint64_t *expected_index)
{
    store_t *self = c->self;
    uint64_t hlc = 0;
    s_meta_get_u64 (c->txn, self, "yw.hlc", &hlc);
    MDB_cursor *idx;
    int rc = s_check_object_map (c);
    if (rc)
        return rc;
    if (mdb_cursor_open (c->txn, self->idx, &idx))
        return s_fail (c->error, YW_ESTORE, "check: idx cursor");
    objmap_iter_t *iter = yw_malloc (sizeof *iter);
    int lmdb = objmap_iter_open (iter, &c->objects);
    s_object_t *object = yw_malloc (sizeof *object);
    MDB_val value;
    const char *at;
    const uint8_t *seq;
    size_t run;
    while (lmdb == 0 && rc == 0 && (lmdb = objmap_iter_next (iter, &at, &seq, &run)) == 0) {
        char code[YW_OBJECT_CODE_SIZE] = "";
        memcpy (code, at, S_CODE);
        if (!s_code_valid (code)) {
            rc = s_fail (c->error, YW_ESTORE, "check: obj key \"%s\" is not an object code",
                         code);
            break;
        }
        if (!objmap_bloom_has (&c->objects.runs.run[run], code)) {
            rc = s_fail (c->error, YW_ESTORE,
                         "check: object %s: not in the Bloom filter of its run %u", code,
                         c->objects.runs.run[run].id);
            break;
        }
        value = (MDB_val){8, (void *)seq};
        if (s_object_read (self, c->txn, &value, code, object)) {
            rc = s_fail (c->error, YW_ESTORE, "check: object %s: malformed claims", code);
            break;
        }
        c->report->objects++;
        int stored = object->visible;
        for (unsigned i = 0; i < object->count && rc == 0; i++) {
            if (i > 0 && object->claim[i].origin <= object->claim[i - 1].origin)
                rc = s_fail (c->error, YW_ESTORE, "check: object %s: claims out of order",
                             code);
            else
                rc = s_check_claim (c, code, object, i, hlc);
        }
        if (rc)
            break;
        s_visible (self, c->txn, object);
        if (object->visible != stored) {
            rc = s_fail (c->error, YW_ESTORE,
                         "check: object %s: visible claim is %d, not %d", code, stored,
                         object->visible);
            break;
        }
        if (stored < 0)
            continue;
        /* the visible record's index entries */
        uint8_t position[8];
        yw_put64 (position, object->claim[stored].body);
        MDB_val body_key = {8, position};
        if (mdb_get (c->txn, self->body, &body_key, &value) ||
            codec_record_decode (value.mv_data, value.mv_size, &c->record, NULL)) {
            rc = s_fail (c->error, YW_ESTORE, "check: object %s: visible body unreadable",
                         code);
            break;
        }
        s_keys_t keys;
        s_keys_of (&c->record, &keys);
        for (size_t k = 0; k < keys.count; k++) {
            uint8_t item[S_INDEX_ITEM];
            yw_put64 (item, object->seq);
            memcpy (item + 8, code, S_CODE);
            MDB_val index_key = {keys.key[k].size, keys.key[k].data};
            MDB_val data = {S_INDEX_ITEM, item};
            int missing;
            if (keys.key[k].data[0] == 'p') {
                bool has = false;
                missing = platemap_has (&c->plates, keys.key[k].data + 1,
                                        keys.key[k].size - 2u, item, &has) ||
                          !has;
            }
            else
                missing = mdb_cursor_get (idx, &index_key, &data, MDB_GET_BOTH);
            if (missing) {
                char text[sizeof (s_key_t)];
                rc = s_fail (c->error, YW_ESTORE,
                             "check: object %s: index entry '%c' \"%s\" missing", code,
                             keys.key[k].data[0], s_key_text (&keys.key[k], text));
                break;
            }
        }
        *expected_index += keys.count;
    }
    if (rc == 0 && lmdb && lmdb != MDB_NOTFOUND)
        rc = s_fail (c->error, YW_ESTORE, "check: obj walk: %s",
                     lmdb == MDB_CORRUPTED
                         ? "an object code in two runs, or a malformed entry"
                         : mdb_strerror (lmdb));
    free (object);
    objmap_iter_close (iter);
    free (iter);
    mdb_cursor_close (idx);
    return rc;
}

/* Why index key `this` is not one of the keys of object's visible record
   (NULL: it is). */
static const char *
s_check_entry (s_check_t *c, const s_object_t *object, const s_key_t *this)
{
    uint8_t position[8];
    yw_put64 (position, object->claim[object->visible].body);
    MDB_val body_key = {8, position}, value;
    s_keys_t keys;
    if (mdb_get (c->txn, c->self->body, &body_key, &value) ||
        codec_record_decode (value.mv_data, value.mv_size, &c->record, NULL))
        return "an unreadable body";
    s_keys_of (&c->record, &keys);
    return s_keys_has (&keys, this) ? NULL
                                    : "an object whose visible record has another value";
}

/* When the index holds more entries than the visible records account for:
   finds one that points nowhere it should. */
static int
s_check_index_extra (s_check_t *c)
{
    store_t *self = c->self;
    MDB_cursor *cursor;
    if (mdb_cursor_open (c->txn, self->idx, &cursor))
        return s_fail (c->error, YW_ESTORE, "check: idx cursor");
    s_object_t *object = yw_malloc (sizeof *object);
    MDB_val key, data;
    int rc = YW_ESTORE;
    int lmdb = mdb_cursor_get (cursor, &key, &data, MDB_FIRST);
    for (; lmdb == 0; lmdb = mdb_cursor_get (cursor, &key, &data, MDB_NEXT)) {
        char code[YW_OBJECT_CODE_SIZE] = "";
        s_key_t this = {.size = 0};
        uint64_t seq = 0;
        if (key.mv_size > 0 && key.mv_size <= sizeof this.data &&
            data.mv_size == S_INDEX_ITEM) {
            this.size = key.mv_size;
            memcpy (this.data, key.mv_data, this.size);
            seq = yw_get64 (data.mv_data);
            memcpy (code, (const uint8_t *)data.mv_data + 8, S_CODE);
        }
        uint8_t found[8];
        MDB_val value = {8, found};
        const char *why = NULL;
        if (this.size == 0 || objmap_find (&c->objects, code, objmap_hash (code), found))
            why = "a missing object";
        else if (s_object_read (self, c->txn, &value, code, object) || object->visible < 0)
            why = "an object with no visible record";
        else if (object->seq != seq)
            why = "an object of another seq";
        else
            why = s_check_entry (c, object, &this);
        if (why) {
            char text[sizeof (s_key_t)];
            s_fail (c->error, YW_ESTORE,
                    "check: index entry '%c' \"%s\" -> %s points to %s",
                    this.size ? this.data[0] : '?', s_key_text (&this, text), code, why);
            goto done;
        }
    }
    mdb_cursor_close (cursor);
    cursor = NULL;
    /* the plate index */
    platemap_iter_t *plates = yw_malloc (sizeof *plates);
    const uint8_t *plate, *plate_seq;
    size_t plate_size;
    lmdb = platemap_iter_open (plates, &c->plates);
    while (lmdb == 0 &&
           (lmdb = platemap_iter_next (plates, &plate, &plate_size, &plate_seq)) == 0) {
        s_key_t this = {.size = 0};
        char code[YW_OBJECT_CODE_SIZE] = "?";
        const char *why = NULL;
        MDB_val seq = {8, (void *)plate_seq};
        if (plate_size + 2 > sizeof this.data)
            why = "a malformed entry";
        else {
            this.data[0] = 'p';
            memcpy (this.data + 1, plate, plate_size);
            this.data[plate_size + 1] = '\0';
            this.size = plate_size + 2;
            uint8_t found[8];
            if (s_object_read (self, c->txn, &seq, NULL, object))
                why = "a missing object";
            else {
                memcpy (code, object->code, sizeof code);
                if (object->visible < 0)
                    why = "an object with no visible record";
                else if (objmap_find (&c->objects, object->code, objmap_hash (object->code),
                                      found) ||
                         memcmp (found, seq.mv_data, 8))
                    why = "an object of another seq";
                else
                    why = s_check_entry (c, object, &this);
            }
        }
        if (why) {
            char text[sizeof (s_key_t)];
            s_fail (c->error, YW_ESTORE, "check: plate entry \"%s\" -> %s points to %s",
                    this.size ? s_key_text (&this, text) : "?", code, why);
            break;
        }
    }
    platemap_iter_close (plates);
    free (plates);
    if (lmdb == MDB_NOTFOUND)
        s_fail (c->error, YW_ESTORE, "check: index holds duplicate entries");
    else if (lmdb)
        s_fail (c->error, YW_ESTORE, "check: plate index: %s",
                lmdb == MDB_CORRUPTED ? "a malformed entry" : mdb_strerror (lmdb));
done:
    free (object);
    if (cursor)
        mdb_cursor_close (cursor);
    return rc;
}

int
store_check (store_t *self, store_check_report_t *report, char *error)
{
    store_check_report_t local;
    if (!report)
        report = &local;
    memset (report, 0, sizeof *report);
    MDB_txn *txn;
    int rc = s_read_begin (self, &txn);
    if (rc)
        return s_fail (error, rc, "check: cannot read the store");
    s_check_t *c = yw_calloc (1, sizeof *c);
    c->self = self;
    c->txn = txn;
    c->report = report;
    c->error = error;
    uint64_t expected_index = 0;
    if ((rc = platemap_view (&c->plates, txn, self->plate, self->platerun))) {
        rc = s_fail (error, YW_ESTORE, "check: platerun: %s",
                     rc == MDB_CORRUPTED ? "a malformed entry, or too many runs"
                                         : mdb_strerror (rc));
        goto done;
    }
    if ((rc = s_check_runs (c, &c->plates.runs, "plate", "platerun")) ||
        (rc = s_check_log (c)))
        goto done;
    if (c->event_count)
        qsort (c->events, c->event_count, sizeof (s_event_ref_t), s_event_ref_compare);
    if ((rc = s_check_objects (c, &expected_index)))
        goto done;
    MDB_stat st;
    uint64_t plates = 0;
    mdb_stat (txn, self->idx, &st);
    if ((rc = platemap_count (&c->plates, &plates))) {
        rc = s_fail (error, YW_ESTORE, "check: plate index: %s",
                     rc == MDB_CORRUPTED ? "a malformed entry" : mdb_strerror (rc));
        goto done;
    }
    st.ms_entries += plates;
    report->index_entries = st.ms_entries;
    if (st.ms_entries != expected_index) {
        rc = s_check_index_extra (c);
        goto done;
    }
    mdb_stat (txn, self->body, &st);
    report->bodies = st.ms_entries;
    if (st.ms_entries != c->position_count) {
        /* a body no claim uses */
        if (c->position_count)
            qsort (c->positions, c->position_count, sizeof (uint64_t), s_u64_compare);
        MDB_cursor *cursor;
        mdb_cursor_open (txn, self->body, &cursor);
        MDB_val key, value;
        rc = s_fail (error, YW_ESTORE, "check: %llu bodies for %zu live claims",
                     (unsigned long long)st.ms_entries, c->position_count);
        for (int lmdb = mdb_cursor_get (cursor, &key, &value, MDB_FIRST); lmdb == 0;
             lmdb = mdb_cursor_get (cursor, &key, &value, MDB_NEXT)) {
            uint64_t position = key.mv_size == 8 ? yw_get64 (key.mv_data) : 0;
            if (!c->position_count || !bsearch (&position, c->positions, c->position_count,
                                                sizeof (uint64_t), s_u64_compare)) {
                s_fail (error, YW_ESTORE, "check: body %llu belongs to no claim",
                        (unsigned long long)position);
                break;
            }
        }
        mdb_cursor_close (cursor);
        goto done;
    }
    rc = 0;
done:
    free (c->events);
    free (c->chains);
    free (c->positions);
    free (c);
    s_read_end (self);
    return rc;
}
