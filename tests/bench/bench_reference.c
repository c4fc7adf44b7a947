/*  bench_reference.c - plain LMDB, without yiwang: the workloads that the
    issues and the design quote as the yardstick for the speed bars, measured
    on the machine the bench runs on. The bars were set on another machine;
    a project figure divided by the reference figure of the same machine
    compares machines fairly.

      reference_random_10k_rate         random 20-byte keys, 300-byte values,
                                        10,000 puts per transaction
                                        (quoted: about 90,000/s)
      reference_random_100k_rate        the same, 100,000 puts per transaction
                                        (quoted: about 268,000/s)
      reference_random_small_100k_rate  random 20-byte keys, 8-byte values,
                                        100,000 puts per transaction
                                        (quoted: about 978,000/s)
      reference_append_rate             8-byte big-endian increasing keys,
                                        300-byte values, MDB_APPEND, 100,000
                                        puts per transaction
                                        (quoted: about 2,300,000/s)

    Each workload writes --rows records (default 1,000,000) into a fresh
    environment with one unnamed database. Every commit is durable: default
    flags, no MDB_NOSYNC or MDB_NOMETASYNC. Random keys come from a
    fixed-seed xorshift generator, one at a time, so memory does not grow
    with the rows. Each workload is timed from its first put to its last
    commit.

    This file calls LMDB directly, not through node/store.c, because what it
    measures is LMDB alone. */
#include <errno.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

#define S_KEY_SIZE 20
#define S_VALUE_MAX 300
#define S_MAP_MIN (4ull << 30) /* bytes; more for large --rows */
#define S_MAP_PER_ROW 1024     /* bytes of map per row, page splits included */
#define S_KEY_SEED 0x9e3779b97f4a7c15ull
#define S_VALUE_SEED 0x2545f4914f6cdd1dull

typedef struct {
    const char *name; /* the figure is reference_NAME_rate */
    bool append;      /* increasing 8-byte big-endian keys and MDB_APPEND;
                         else random 20-byte keys */
    size_t value_size;
    long per_txn;  /* puts per durable write transaction */
    double quoted; /* records/s on the machine the bars were set on */
} s_workload_t;

static const s_workload_t s_workloads[] = {
    {"random_10k", false, 300, 10000, 90000},
    {"random_100k", false, 300, 100000, 268000},
    {"random_small_100k", false, 8, 100000, 978000},
    {"append", true, 300, 100000, 2300000},
};
#define S_WORKLOADS (sizeof s_workloads / sizeof s_workloads[0])

static uint64_t
s_xorshift (uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static void
s_random_key (uint64_t *state, uint8_t *key)
{
    uint64_t words[3] = {s_xorshift (state), s_xorshift (state), s_xorshift (state)};
    memcpy (key, words, S_KEY_SIZE);
}

/* Big-endian, so that LMDB's default (memcmp) order is numeric order, as
   MDB_APPEND requires. */
static void
s_sequence_key (uint64_t n, uint8_t *key)
{
    for (int i = 7; i >= 0; i--) {
        key[i] = (uint8_t)n;
        n >>= 8;
    }
}

/* An LMDB call's result, reported with the workload and the call's name. */
static int
s_check (int rc, const s_workload_t *workload, const char *call)
{
    if (rc)
        fprintf (stderr, "bench reference: %s: %s: %s\n", workload->name, call,
                 mdb_strerror (rc));
    return rc;
}

/* One workload into a fresh environment in dir: its rate, or -1. */
static double
s_run (const s_workload_t *workload, const char *dir, long rows)
{
    double rate = -1;
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    MDB_stat stat;
    uint8_t key[S_KEY_SIZE], value[S_VALUE_MAX];
    uint64_t key_state = S_KEY_SEED, value_state = S_VALUE_SEED;
    /* one random fill, stamped with the row number below: making 300 random
       bytes per put would cost a share of the fastest workload's time */
    for (size_t i = 0; i < sizeof value; i++)
        value[i] = (uint8_t)s_xorshift (&value_state);
    size_t map_size = (size_t)rows * S_MAP_PER_ROW;
    if (map_size < S_MAP_MIN)
        map_size = S_MAP_MIN;

    if (s_check (mdb_env_create (&env), workload, "mdb_env_create") ||
        s_check (mdb_env_set_mapsize (env, map_size), workload, "mdb_env_set_mapsize") ||
        s_check (mdb_env_open (env, dir, 0, 0644), workload, "mdb_env_open") ||
        s_check (mdb_txn_begin (env, NULL, 0, &txn), workload, "mdb_txn_begin") ||
        s_check (mdb_dbi_open (txn, NULL, 0, &dbi), workload, "mdb_dbi_open"))
        goto cleanup;
    /* a commit frees the transaction, whether it succeeds or not */
    int rc = mdb_txn_commit (txn);
    txn = NULL;
    if (s_check (rc, workload, "mdb_txn_commit"))
        goto cleanup;

    unsigned flags = workload->append ? MDB_APPEND : 0;
    double start = bench_now ();
    for (long first = 0; first < rows; first += workload->per_txn) {
        long end = rows - first < workload->per_txn ? rows : first + workload->per_txn;
        if (s_check (mdb_txn_begin (env, NULL, 0, &txn), workload, "mdb_txn_begin"))
            goto cleanup;
        for (long i = first; i < end; i++) {
            uint64_t row = (uint64_t)i;
            if (workload->append)
                s_sequence_key (row, key);
            else
                s_random_key (&key_state, key);
            memcpy (value, &row, sizeof row);
            MDB_val k = {.mv_size = workload->append ? 8 : S_KEY_SIZE, .mv_data = key};
            MDB_val v = {.mv_size = workload->value_size, .mv_data = value};
            if (s_check (mdb_put (txn, dbi, &k, &v, flags), workload, "mdb_put"))
                goto cleanup;
        }
        rc = mdb_txn_commit (txn);
        txn = NULL;
        if (s_check (rc, workload, "mdb_txn_commit"))
            goto cleanup;
    }
    double seconds = bench_now () - start;

    /* a repeated random key would overwrite, not add: the rate would be of
       fewer records than claimed */
    if (s_check (mdb_env_stat (env, &stat), workload, "mdb_env_stat"))
        goto cleanup;
    if (stat.ms_entries != (size_t)rows) {
        fprintf (stderr, "bench reference: %s: %zu entries, not %ld\n", workload->name,
                 stat.ms_entries, rows);
        goto cleanup;
    }
    fprintf (stderr,
             "bench reference: %s: %ld puts, %ld per transaction, %.2f s "
             "(quoted on the bars' machine: about %.0f/s)\n",
             workload->name, rows, workload->per_txn, seconds, workload->quoted);
    rate = (double)rows / seconds;
cleanup:
    if (txn)
        mdb_txn_abort (txn);
    if (env)
        mdb_env_close (env);
    return rate;
}

static int
s_remove (const char *dir)
{
    char command[700];
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    return system (command) == 0 ? 0 : -1;
}

int
bench_reference (const bench_context_t *context)
{
    for (size_t i = 0; i < S_WORKLOADS; i++) {
        const s_workload_t *workload = &s_workloads[i];
        char dir[600];
        snprintf (dir, sizeof dir, "%s/reference-%s", context->dir, workload->name);
        if (s_remove (dir)) {
            fprintf (stderr, "bench reference: %s: could not remove %s\n", workload->name,
                     dir);
            return -1;
        }
        if (mkdir (dir, 0755)) {
            fprintf (stderr, "bench reference: %s: cannot make %s: %s\n", workload->name,
                     dir, strerror (errno));
            return -1;
        }
        double rate = s_run (workload, dir, context->rows);
        /* one workload's data on disk at a time (about 0.5 GB per million
           rows) */
        if (!context->keep && s_remove (dir))
            fprintf (stderr, "bench reference: could not remove %s\n", dir);
        if (rate < 0)
            return -1;
        char name[64];
        snprintf (name, sizeof name, "reference_%s_rate", workload->name);
        bench_figure (name, rate, "records/s");
    }
    return 0;
}
