/*  objcode.c - unified object codes (DESIGN 3.4).

    The hash input kind || 0x00 || key is put together on the stack (on the
    heap only for a key longer than any natural key the row mapper builds) and
    hashed by yw_sha256 (), which keeps OpenSSL's digest fetched: OpenSSL 3's
    one-shot SHA256 () fetches it on every call, several times the cost of
    hashing a key. The code is the first 100 bits of the digest in Crockford
    base32 (5 bits a character, most significant first) after the kind prefix,
    and a Luhn mod 32 check character.
*/
#include "objcode.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "yw.h"

/* Crockford base32: no I, L, O, U */
static const char s_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define S_BASE 32
#define S_PREFIX_LEN 2
#define S_HASH_CHARS 20 /* 100 bits */
#define S_BODY_LEN (S_PREFIX_LEN + S_HASH_CHARS)

/* Hash input assembled on the stack up to this size (natural keys are a few
   hundred bytes at most) */
#define S_STACK_INPUT 1024

static const struct {
    const char *kind;
    const char *prefix;
} s_kinds[] = {
    {"vehicle", "VH"},
    {"office_building", "BD"},
    {"reception_filing", "RF"},
};

/* Crockford value of each byte, or -1: a table, because a chain of range
   tests mispredicts on every random symbol of every code (measured: the
   check character cost more than the SHA-256 before it). */
static signed char s_values[256];
static pthread_once_t s_values_once = PTHREAD_ONCE_INIT;

static void
s_build_values (void)
{
    memset (s_values, -1, sizeof s_values);
    for (int i = 0; i < S_BASE; i++)
        s_values[(unsigned char)s_alphabet[i]] = (signed char)i;
}

static int
s_value (char c)
{
    return s_values[(unsigned char)c];
}

/* Luhn mod N check character of the S_BODY_LEN symbols of body: from the
   right, every second value doubled and its base-32 digits added. Catches
   every single substitution and most adjacent transpositions. */
static char
s_check_char (const char *body)
{
    int sum = 0;
    int factor = 2;
    pthread_once (&s_values_once, s_build_values);
    for (int i = S_BODY_LEN - 1; i >= 0; i--) {
        int addend = factor * s_value (body[i]);
        sum += (addend >> 5) + (addend & (S_BASE - 1));
        factor ^= 3; /* 2, 1, 2, 1 ... */
    }
    return s_alphabet[(S_BASE - sum % S_BASE) % S_BASE];
}

static void
s_digest (const char *kind, size_t kind_len, const char *key, size_t key_len,
          uint8_t *digest)
{
    unsigned char stack[S_STACK_INPUT];
    size_t size = kind_len + 1 + key_len;
    unsigned char *input = size <= sizeof stack ? stack : yw_malloc (size);
    memcpy (input, kind, kind_len);
    input[kind_len] = 0;
    if (key_len)
        memcpy (input + kind_len + 1, key, key_len);
    yw_sha256 (input, size, digest);
    if (input != stack)
        free (input);
}

int
codebook_objcode (const char *kind_name, const char *key, size_t key_len, char *out)
{
    assert (out);
    out[0] = '\0'; /* a caller that ignores the result gets no stale code */
    if (!kind_name || (!key && key_len))
        return YW_EINVAL;
    const char *prefix = NULL;
    for (size_t i = 0; i < sizeof s_kinds / sizeof s_kinds[0]; i++)
        if (!strcmp (kind_name, s_kinds[i].kind))
            prefix = s_kinds[i].prefix;
    if (!prefix)
        return YW_EINVAL;

    uint8_t digest[32];
    s_digest (kind_name, strlen (kind_name), key, key_len, digest);

    char code[YW_OBJCODE_LEN + 1];
    memcpy (code, prefix, S_PREFIX_LEN);
    /* 100 bits as 20 symbols: feed bytes into an accumulator, take 5 bits at
       a time from its top */
    unsigned int bits = 0, held = 0;
    size_t next = 0;
    for (int i = 0; i < S_HASH_CHARS; i++) {
        if (held < 5) {
            bits = bits << 8 | digest[next++];
            held += 8;
        }
        held -= 5;
        code[S_PREFIX_LEN + i] = s_alphabet[bits >> held & 0x1F];
    }
    code[S_BODY_LEN] = s_check_char (code);
    code[YW_OBJCODE_LEN] = '\0';
    memcpy (out, code, sizeof code);
    return 0;
}

bool
codebook_objcode_valid (const char *text)
{
    if (!text)
        return false;
    bool known = false;
    for (size_t i = 0; i < sizeof s_kinds / sizeof s_kinds[0]; i++)
        if (!strncmp (text, s_kinds[i].prefix, S_PREFIX_LEN))
            known = true;
    if (!known)
        return false;
    pthread_once (&s_values_once, s_build_values);
    for (int i = S_PREFIX_LEN; i < YW_OBJCODE_LEN; i++)
        if (s_value (text[i]) < 0) /* also stops at a NUL: too short */
            return false;
    if (text[YW_OBJCODE_LEN] != '\0')
        return false;
    return text[S_BODY_LEN] == s_check_char (text);
}
