/*  test_objcode.c - unified object codes.

    The known codes below were computed once by an independent
    implementation (Python hashlib and a textbook Luhn mod N), so a change of
    the hash input, the bit order, the alphabet or the check character fails
    here: object codes are primary keys everywhere and must never drift.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "objcode.h"
#include "yw.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static const struct {
    const char *kind;
    const char *key;
    size_t key_len; /* 0: strlen (key) */
    const char *code;
} known[] = {
    {"vehicle", "1M8GDM9AXKP042788", 0, "VHEDXGY7KBG1X4GSPX2TKR1"},
    {"vehicle", "LSGBL5348HF087266", 0, "VHRHVZBV8VZJNJK68NNYS65"},
    {"office_building", "鲁(2021)济南市不动产权第0012345号", 0, "BD27B3PCC40FDCCHQM4VF7E"},
    {"office_building", "370102|泉城路1号|A", 0, "BDJY6ESYEW5KT4HGH5FX2BG"},
    {"reception_filing", "11140800558745220K|JZ-2024-0001", 0, "RFWH6SHZW98V8WNDJV2A15V"},
    /* the same key under each kind: different codes, not only prefixes */
    {"office_building", "1M8GDM9AXKP042788", 0, "BDFP0X6EE9C990VF2Y205T7"},
    {"reception_filing", "1M8GDM9AXKP042788", 0, "RF412BS0YADKQX6S0B57TW6"},
    /* the length counts, not the NUL */
    {"vehicle", "AB\0C", 4, "VHDNB3TKAN9CH6MF56EQBXZ"},
    {"vehicle", "AB", 0, "VH72YVC6253TV4CGKXXBAN0"},
    {"vehicle", "", 0, "VHVB1HYDTD9HZHB22XFY1HQ"},
};

static void
test_known_codes (void **state)
{
    for (size_t i = 0; i < COUNT (known); i++) {
        size_t len = known[i].key_len ? known[i].key_len : strlen (known[i].key);
        char code[YW_OBJCODE_LEN + 1];
        assert_int_equal (codebook_objcode (known[i].kind, known[i].key, len, code), 0);
        assert_string_equal (code, known[i].code);
        assert_true (codebook_objcode_valid (code));
    }
    /* no key at all is the empty key */
    char code[YW_OBJCODE_LEN + 1];
    assert_int_equal (codebook_objcode ("vehicle", NULL, 0, code), 0);
    assert_string_equal (code, "VHVB1HYDTD9HZHB22XFY1HQ");
}

/* Keys longer than the stack buffer are copied to the heap; both paths
   must give the same codes (1016 and 1017 bytes sit at the boundary for
   "vehicle"). */
static void
test_long_keys (void **state)
{
    static const struct {
        size_t len;
        const char *code;
    } cases[] = {
        {1016, "VHB6TESNXQEQY6JB1VST5YE"},
        {1017, "VHRW3KH0G2K0KXEP9DXQPPM"},
        {3000, "VHM0NJD3D45TQ39XZC9KM1M"},
    };
    char *key = malloc (3000);
    assert_non_null (key);
    memset (key, 'A', 3000);
    for (size_t i = 0; i < COUNT (cases); i++) {
        char code[YW_OBJCODE_LEN + 1];
        assert_int_equal (codebook_objcode ("vehicle", key, cases[i].len, code), 0);
        assert_string_equal (code, cases[i].code);
    }
    free (key);
}

static void
test_deterministic (void **state)
{
    char first[YW_OBJCODE_LEN + 1], again[YW_OBJCODE_LEN + 1];
    for (int i = 0; i < 1000; i++) {
        char key[32];
        int len = snprintf (key, sizeof key, "LSGBL5348HF%06d", i);
        assert_int_equal (codebook_objcode ("vehicle", key, (size_t)len, first), 0);
        assert_int_equal (codebook_objcode ("vehicle", key, (size_t)len, again), 0);
        assert_string_equal (first, again);
        assert_int_equal (strlen (first), YW_OBJCODE_LEN);
        assert_true (codebook_objcode_valid (first));
        for (int k = 2; k < YW_OBJCODE_LEN; k++)
            assert_non_null (strchr (alphabet, first[k]));
    }
}

static void
test_prefix_per_kind (void **state)
{
    static const struct {
        const char *kind, *prefix;
    } kinds[] = {
        {"vehicle", "VH"},
        {"office_building", "BD"},
        {"reception_filing", "RF"},
    };
    for (size_t i = 0; i < COUNT (kinds); i++) {
        char code[YW_OBJCODE_LEN + 1];
        assert_int_equal (codebook_objcode (kinds[i].kind, "k", 1, code), 0);
        assert_memory_equal (code, kinds[i].prefix, 2);
        assert_true (codebook_objcode_valid (code));
    }
}

static void
test_invalid_kind (void **state)
{
    const char *kinds[] = {"",         "Vehicle", "VEHICLE", "vehicles",
                           "vehicle ", "energy",  "housing", "VH"};
    for (size_t i = 0; i < COUNT (kinds); i++) {
        char code[YW_OBJCODE_LEN + 1] = "stale";
        assert_int_equal (codebook_objcode (kinds[i], "k", 1, code), YW_EINVAL);
        assert_string_equal (code, ""); /* nothing stale for a caller that ignores rc */
    }
    char code[YW_OBJCODE_LEN + 1];
    assert_int_equal (codebook_objcode (NULL, "k", 1, code), YW_EINVAL);
    assert_int_equal (codebook_objcode ("vehicle", NULL, 3, code), YW_EINVAL);
}

/* The Luhn mod 32 check character catches every single substitution: each
   position, each other alphabet symbol, in codes of every kind. */
static void
test_every_substitution (void **state)
{
    for (size_t i = 0; i < COUNT (known); i++) {
        const char *code = known[i].code;
        for (int pos = 0; pos < YW_OBJCODE_LEN; pos++) {
            for (const char *c = alphabet; *c; c++) {
                if (*c == code[pos])
                    continue;
                char text[YW_OBJCODE_LEN + 1];
                memcpy (text, code, sizeof text);
                text[pos] = *c;
                if (codebook_objcode_valid (text))
                    fail_msg ("%s (from %s) taken as valid", text, code);
            }
            /* and symbols outside the alphabet (no I L O U, upper case only) */
            for (const char *c = "ILOUilouvh-* "; *c; c++) {
                char text[YW_OBJCODE_LEN + 1];
                memcpy (text, code, sizeof text);
                text[pos] = *c;
                assert_false (codebook_objcode_valid (text));
            }
        }
    }
}

static void
test_valid_form (void **state)
{
    const char *code = "VHEDXGY7KBG1X4GSPX2TKR1";
    assert_true (codebook_objcode_valid (code));
    assert_false (codebook_objcode_valid ("vhedxgy7kbg1x4gspx2tkr1"));
    assert_false (codebook_objcode_valid ("VHEDXGY7KBG1X4GSPX2TKR"));   /* 22 */
    assert_false (codebook_objcode_valid ("VHEDXGY7KBG1X4GSPX2TKR10")); /* 24 */
    assert_false (codebook_objcode_valid ("VHEDXGY7KBG1X4GSPX2TKR1 "));
    assert_false (codebook_objcode_valid (" VHEDXGY7KBG1X4GSPX2TKR1"));
    assert_false (codebook_objcode_valid (""));
    assert_false (codebook_objcode_valid ("V"));
    assert_false (codebook_objcode_valid (NULL));

    /* A well-formed code with a correct check character but an unknown
       prefix: every two-symbol prefix but the three kinds is refused. */
    for (const char *a = alphabet; *a; a++)
        for (const char *b = alphabet; *b; b++) {
            char text[YW_OBJCODE_LEN + 1];
            memcpy (text, code, sizeof text);
            text[0] = *a;
            text[1] = *b;
            bool kind = !strncmp (text, "VH", 2) || !strncmp (text, "BD", 2) ||
                        !strncmp (text, "RF", 2);
            /* find the check character that makes it otherwise valid */
            bool any = false;
            for (const char *c = alphabet; *c; c++) {
                text[YW_OBJCODE_LEN - 1] = *c;
                any = any || codebook_objcode_valid (text);
            }
            assert_int_equal (any, kind);
        }
}

/* Adjacent transpositions: Luhn mod 32 doubles every second value, and a
   swap of neighbours a, b goes unseen exactly when 2a reduced - a equals
   2b reduced - b (mod 32): only for 0 and Z (0 and 31), like 09 and 90 in
   Luhn mod 10. Every other swap is caught, over many codes. */
static void
test_transpositions (void **state)
{
    int swaps = 0, missed = 0;
    for (int i = 0; i < 500; i++) {
        char key[16], code[YW_OBJCODE_LEN + 1];
        int len = snprintf (key, sizeof key, "k%d", i);
        assert_int_equal (codebook_objcode ("office_building", key, (size_t)len, code), 0);
        for (int pos = 0; pos + 1 < YW_OBJCODE_LEN; pos++) {
            if (code[pos] == code[pos + 1])
                continue;
            char text[YW_OBJCODE_LEN + 1];
            memcpy (text, code, sizeof text);
            text[pos] = code[pos + 1];
            text[pos + 1] = code[pos];
            bool zero_and_z = (code[pos] == '0' && code[pos + 1] == 'Z') ||
                              (code[pos] == 'Z' && code[pos + 1] == '0');
            swaps++;
            missed += zero_and_z;
            if (codebook_objcode_valid (text) != zero_and_z)
                fail_msg ("%s: swap at %d of %s", text, pos, code);
        }
    }
    assert_true (swaps > 10000);
    assert_true (missed > 0 && missed * 100 < swaps);
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_known_codes),   cmocka_unit_test (test_long_keys),
        cmocka_unit_test (test_deterministic), cmocka_unit_test (test_prefix_per_kind),
        cmocka_unit_test (test_invalid_kind),  cmocka_unit_test (test_every_substitution),
        cmocka_unit_test (test_valid_form),    cmocka_unit_test (test_transpositions),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
