/*  yw.c - error texts and the aborting allocator. */
#include "yw.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *
yw_strerror (int code)
{
    switch (code) {
        case YW_OK: return "success";
        case YW_EINVAL: return "invalid argument or value";
        case YW_ENOMEM: return "out of memory";
        case YW_EIO: return "input/output error";
        case YW_ENOTFOUND: return "not found";
        case YW_EPARSE: return "malformed input";
        case YW_ETOOBIG: return "size limit exceeded";
        case YW_EENCODING: return "invalid text encoding";
        case YW_EMAPPING: return "unusable mapping";
        case YW_ESTORE: return "store failure";
        case YW_EMAPFULL: return "store map full";
        case YW_ENOSPC: return "no space left on device";
        case YW_ELOCKED: return "store locked by another process";
        case YW_EPEER: return "peer unavailable or protocol failure";
        case YW_ETIMEOUT: return "timed out";
        case YW_ECRYPTO: return "cryptographic failure";
        case YW_EDENIED: return "not authorized";
        case YW_ESEQ: return "sequence gap";
        case YW_ESTALE: return "stale";
        case YW_ECONFIG: return "unusable configuration";
        case YW_EINTERRUPTED: return "interrupted";
        default: return "unknown error";
    }
}

static void
s_out_of_memory (size_t size)
{
    fprintf (stderr, "yiwang: out of memory allocating %zu bytes\n", size);
    abort ();
}

int64_t
yw_monotonic_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *
yw_malloc (size_t size)
{
    void *ptr = malloc (size ? size : 1);
    if (!ptr)
        s_out_of_memory (size);
    return ptr;
}

void *
yw_calloc (size_t count, size_t size)
{
    void *ptr = calloc (count ? count : 1, size ? size : 1);
    if (!ptr)
        s_out_of_memory (count * size);
    return ptr;
}

void *
yw_realloc (void *ptr, size_t size)
{
    void *grown = realloc (ptr, size ? size : 1);
    if (!grown)
        s_out_of_memory (size);
    return grown;
}

char *
yw_strdup (const char *text)
{
    return yw_strndup (text, strlen (text));
}

char *
yw_strndup (const char *text, size_t size)
{
    char *copy = yw_malloc (size + 1);
    memcpy (copy, text, size);
    copy[size] = '\0';
    return copy;
}

static EVP_MD *s_sha256 = NULL;
static pthread_once_t s_sha256_once = PTHREAD_ONCE_INIT;

static void
s_fetch_sha256 (void)
{
    s_sha256 = EVP_MD_fetch (NULL, "SHA256", NULL);
}

void
yw_sha256_pieces (const yw_piece_t *pieces, size_t count, uint8_t *hash)
{
    /* One context per thread, reused: no allocation per hash either. */
    static _Thread_local EVP_MD_CTX *context = NULL;
    pthread_once (&s_sha256_once, s_fetch_sha256);
    if (!context)
        context = EVP_MD_CTX_new ();
    bool ok = s_sha256 && context && EVP_DigestInit_ex2 (context, s_sha256, NULL);
    for (size_t i = 0; ok && i < count; i++)
        ok = EVP_DigestUpdate (context, pieces[i].data, pieces[i].size);
    if (!ok || !EVP_DigestFinal_ex (context, hash, NULL)) {
        fprintf (stderr, "yiwang: OpenSSL SHA-256 is unavailable\n");
        abort ();
    }
}

void
yw_sha256 (const void *data, size_t size, uint8_t *hash)
{
    yw_piece_t piece = {data, size};
    yw_sha256_pieces (&piece, 1, hash);
}
