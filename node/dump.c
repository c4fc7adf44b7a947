/*  dump.c - a store's canonical dump and its digest (see dump.h). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "yw.h"

static void
s_hex (const uint8_t *hash, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < YW_HASH_SIZE; i++) {
        hex[2 * i] = digits[hash[i] >> 4];
        hex[2 * i + 1] = digits[hash[i] & 15];
    }
    hex[YW_HASH_SIZE * 2] = '\0';
}

size_t
dump_line (const char *object_code, const store_object_t *info, char *line)
{
    char hash[YW_HASH_SIZE * 2 + 1];
    s_hex (info->content_hash, hash);
    int size = snprintf (line, DUMP_LINE_SIZE, "%.23s\t%llu\t%s\t%d\n", object_code,
                         (unsigned long long)info->version, hash, info->deleted ? 1 : 0);
    if (size < 0 || size >= DUMP_LINE_SIZE)
        abort (); /* cannot happen: every part has a bounded width */
    return (size_t)size;
}

bool
dump_prefix_valid (const char *prefix)
{
    if (!prefix)
        return true;
    size_t size = strlen (prefix);
    if (size > 6)
        return false;
    for (size_t i = 0; i < size; i++)
        if (prefix[i] < '0' || prefix[i] > '9')
            return false;
    return true;
}

bool
dump_region_match (const store_object_t *info, const char *prefix)
{
    return !prefix || strncmp (info->region_code, prefix, strlen (prefix)) == 0;
}

typedef struct {
    const char *prefix;
    dump_line_fn *fn;
    void *arg;
} s_walk_t;

static int
s_each_object (void *arg, const char *object_code, const store_object_t *info)
{
    s_walk_t *walk = arg;
    if (!dump_region_match (info, walk->prefix))
        return 0;
    char line[DUMP_LINE_SIZE];
    size_t size = dump_line (object_code, info, line);
    return walk->fn (walk->arg, line, size);
}

int
dump_each (store_t *store, const char *prefix, dump_line_fn *fn, void *arg)
{
    s_walk_t walk = {prefix && *prefix ? prefix : NULL, fn, arg};
    return store_each_object (store, s_each_object, &walk);
}

/* yw_sha256 () hashes one buffer; the dump of a province store is far too
   big to hold, so the digest streams through OpenSSL here. */
typedef struct {
    EVP_MD_CTX *context;
    uint64_t lines;
} s_digest_t;

static int
s_digest_line (void *arg, const char *line, size_t size)
{
    s_digest_t *digest = arg;
    digest->lines++;
    return EVP_DigestUpdate (digest->context, line, size) ? 0 : YW_ECRYPTO;
}

int
dump_digest (store_t *store, const char *prefix, char *hex, uint64_t *lines)
{
    s_digest_t digest = {EVP_MD_CTX_new (), 0};
    if (!digest.context || !EVP_DigestInit_ex2 (digest.context, EVP_sha256 (), NULL)) {
        EVP_MD_CTX_free (digest.context);
        return YW_ECRYPTO;
    }
    int rc = dump_each (store, prefix, s_digest_line, &digest);
    uint8_t hash[YW_HASH_SIZE];
    if (rc == 0 && !EVP_DigestFinal_ex (digest.context, hash, NULL))
        rc = YW_ECRYPTO;
    EVP_MD_CTX_free (digest.context);
    if (rc)
        return rc;
    s_hex (hash, hex);
    if (lines)
        *lines = digest.lines;
    return 0;
}
