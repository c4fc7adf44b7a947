/*  lmdb_test.h - for the unit tests of modules that work inside an LMDB
    transaction (objmap, platemap): a fresh environment in a temporary
    directory with two named tables, and its removal. Commits are not
    synced (MDB_NOSYNC): the tests are about content, not durability. */
#ifndef YW_LMDB_TEST_H
#define YW_LMDB_TEST_H

#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>

/* Creates /tmp/yw-TAG-XXXXXX into dir and opens tables a and b there.
   0, or -1 (cmocka's setup failure). */
static int
lmdb_test_open (char *dir, size_t dir_size, const char *tag, MDB_env **env, const char *a,
                MDB_dbi *dbi_a, const char *b, MDB_dbi *dbi_b)
{
    snprintf (dir, dir_size, "/tmp/yw-%s-XXXXXX", tag);
    if (!mkdtemp (dir))
        return -1;
    MDB_txn *txn;
    if (mdb_env_create (env) || mdb_env_set_maxdbs (*env, 4) ||
        mdb_env_set_mapsize (*env, (size_t)1 << 30) ||
        mdb_env_open (*env, dir, MDB_NOSYNC, 0644) || mdb_txn_begin (*env, NULL, 0, &txn) ||
        mdb_dbi_open (txn, a, MDB_CREATE, dbi_a) ||
        mdb_dbi_open (txn, b, MDB_CREATE, dbi_b) || mdb_txn_commit (txn))
        return -1;
    return 0;
}

/* Closes the environment and removes its directory. 0 or -1. */
static int
lmdb_test_close (const char *dir, MDB_env *env)
{
    mdb_env_close (env);
    char command[128];
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    return system (command) == 0 ? 0 : -1;
}

#endif
