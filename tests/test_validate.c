/*  test_validate.c - USCC, VIN and plate validators.

    Real codes first, with where they are published, then tables of corrupted
    values with the reason and the check character the validator must name,
    then loops that change every position of every real code.

    The credit codes are real organisations' codes as they print them on
    invoices, procurement contracts and registration records; each passes both
    the GB 11714 and the GB 32100 check, which a made-up code does with a
    chance of 1 in 341. The VINs are the ISO 3779 / Wikipedia example, VINs
    widely used as decoder examples, and Chinese VINs as printed in public
    sample documents (insurance quote, loan contract, registration
    certificate); their check digits are correct.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "validate.h"

/* --- USCC ---------------------------------------------------------------- */

static const struct {
    const char *code;
    const char *holder;
} real_uscc[] = {
    {"914403001922038216", "华为技术有限公司 (zh.wikipedia infobox)"},
    {"91440300708461136T", "深圳市腾讯计算机系统有限公司"},
    {"91330100716105852F", "阿里巴巴（中国）网络技术有限公司"},
    {"91110108551385082Q", "小米科技有限责任公司"},
    {"91110000802100433B", "北京百度网讯科技有限公司"},
    {"91310000132260250X", "上海汽车集团股份有限公司 (check character X)"},
    {"12100000400000624D", "清华大学 (事业单位, on its invoice instructions)"},
    {"1210000042500615X0", "复旦大学 (organisation code check X)"},
    {"12100000425006133D", "华东师范大学"},
    {"11140800558745220K", "晋中市文化和旅游局 (机关, in a procurement contract)"},
};

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void
test_uscc_real (void **state)
{
    for (size_t i = 0; i < COUNT (real_uscc); i++) {
        const char *code = real_uscc[i].code;
        char expected[2] = "?";
        if (codebook_uscc_validate (code, expected) != YW_R_OK)
            fail_msg ("%s (%s) refused", code, real_uscc[i].holder);
        assert_string_equal (expected, ""); /* cleared when nothing is wrong */
        assert_int_equal (codebook_uscc_check_char (code), code[17]);
        assert_int_equal (codebook_uscc_validate (code, NULL), YW_R_OK);
    }
}

/* Real codes are mostly zeros in the region (positions 5-8), where a wrong
   weight goes unseen. These made-up codes put a non-zero value at every
   position; their check characters come from the independent implementation
   in tools/gen_sample.py. */
static const char *const synthetic_uscc[] = {
    "YYYYYYYYYYYYYYYY7K", "123456789ABCDEFG9K", "ABCDEFGHJKLMNPQRX4",
    "UWXY1234567890AB1W", "11111111111111117P", "Y1X2W3U4T5R6Q7P8XU",
};

static void
test_uscc_synthetic (void **state)
{
    for (size_t i = 0; i < COUNT (synthetic_uscc); i++) {
        const char *code = synthetic_uscc[i];
        if (codebook_uscc_validate (code, NULL) != YW_R_OK)
            fail_msg ("%s refused", code);
        assert_int_equal (codebook_uscc_check_char (code), code[17]);
    }
}

static const struct {
    const char *text;
    yw_reason_t reason;
    const char *expected; /* check character the value should carry */
} uscc_cases[] = {
    /* 华为: the mod-31 check character changed */
    {"914403001922038217", YW_R_USCC_CHECK, "6"},
    /* a digit of the organisation code changed: its own check says so first */
    {"914403001922038316", YW_R_USCC_ORG_CHECK, "X"},
    /* the region changed (position 7): only the mod-31 check sees it */
    {"914403101922038216", YW_R_USCC_CHECK, "M"},
    /* two organisation code digits transposed */
    {"914403001922083216", YW_R_USCC_ORG_CHECK, "3"},
    /* 复旦: organisation check X typed as Y; the mod-31 check of X kept */
    {"1210000042500615Y0", YW_R_USCC_ORG_CHECK, "X"},
    {"1210000042500615X1", YW_R_USCC_CHECK, "0"},
    {"11140800558745220L", YW_R_USCC_CHECK, "K"},
    {"11140800558745221K", YW_R_USCC_ORG_CHECK, "0"},
    /* lengths */
    {"91440300192203821", YW_R_USCC_LENGTH, ""},   /* last character lost */
    {"9144030019220382166", YW_R_USCC_LENGTH, ""}, /* one too many */
    {"9.14403E+17", YW_R_USCC_LENGTH, ""},         /* as a spreadsheet shows it */
    {"", YW_R_USCC_LENGTH, ""},
    {"91440300708461136T91440300708461136T", YW_R_USCC_LENGTH, ""},
    /* characters outside 0-9 A-Z without I O Z S V */
    {"91440300192203821O", YW_R_USCC_CHARSET, ""},
    {"914403001922O38216", YW_R_USCC_CHARSET, ""}, /* 0 typed as O */
    {"9144030019220382I6", YW_R_USCC_CHARSET, ""},
    {"91440300708461136Z", YW_R_USCC_CHARSET, ""},
    {"9144030070846113S6", YW_R_USCC_CHARSET, ""},
    {"91440300708461136V", YW_R_USCC_CHARSET, ""},
    {"91440300708461136t", YW_R_USCC_CHARSET, ""}, /* lower case */
    {"9144030070846113 6T", YW_R_USCC_LENGTH, ""},
    {"914403007084611 6T", YW_R_USCC_CHARSET, ""},
    {"91440300708461136-", YW_R_USCC_CHARSET, ""},
    /* 18 characters, one of them Chinese: a charset error, not a length */
    {"9144030070846113号T", YW_R_USCC_CHARSET, ""},
    /* a valid code and stray UTF-8 continuation bytes: 18 lead bytes, but
       not 18 characters of the charset (found by fuzz_validate) */
    {"914403001922038216\x85", YW_R_USCC_CHARSET, ""},
    {"914403001922038316\x85\x85\x85\x85\x85\x85\x85\x85\x85", YW_R_USCC_CHARSET, ""},
    {"\x80"
     "914403001922038216",
     YW_R_USCC_CHARSET, ""},
    /* full-width digits (normalization comes first) */
    {"９１440300708461136T", YW_R_USCC_CHARSET, ""},
};

static void
test_uscc_cases (void **state)
{
    for (size_t i = 0; i < COUNT (uscc_cases); i++) {
        char expected[2] = "?";
        yw_reason_t reason = codebook_uscc_validate (uscc_cases[i].text, expected);
        if (reason != uscc_cases[i].reason)
            fail_msg ("%s: %s, expected %s", uscc_cases[i].text, yw_reason_code (reason),
                      yw_reason_code (uscc_cases[i].reason));
        assert_string_equal (expected, uscc_cases[i].expected);
    }
    assert_int_equal (codebook_uscc_validate (NULL, NULL), YW_R_USCC_LENGTH);
}

/* Every other charset character at every position of every real code is
   caught, with the character that belongs there when it is a check
   character. */
static void
test_uscc_every_substitution (void **state)
{
    for (size_t i = 0; i < COUNT (real_uscc); i++) {
        const char *code = real_uscc[i].code;
        for (int pos = 0; pos < 18; pos++) {
            for (const char *c = uscc_charset; *c; c++) {
                if (*c == code[pos])
                    continue;
                char text[19];
                memcpy (text, code, sizeof text);
                text[pos] = *c;
                char expected[2];
                yw_reason_t reason = codebook_uscc_validate (text, expected);
                if (pos < 8)
                    assert_int_equal (reason, YW_R_USCC_CHECK);
                else if (pos < 16)
                    assert_true (reason == YW_R_USCC_ORG_CHECK ||
                                 reason == YW_R_USCC_CHECK);
                else if (pos == 16) {
                    assert_int_equal (reason, YW_R_USCC_ORG_CHECK);
                    assert_int_equal (expected[0], code[16]);
                }
                else {
                    assert_int_equal (reason, YW_R_USCC_CHECK);
                    assert_int_equal (expected[0], code[17]);
                    assert_int_equal (expected[1], '\0');
                }
            }
            for (const char *c = "IOZSVa z-*"; *c; c++) {
                char text[19];
                memcpy (text, code, sizeof text);
                text[pos] = *c;
                assert_int_equal (codebook_uscc_validate (text, NULL), YW_R_USCC_CHARSET);
            }
        }
    }
}

/* The mod-31 weights differ at every position, so every transposition of
   two different neighbours is caught, including of the two check characters. */
static void
test_uscc_every_transposition (void **state)
{
    for (size_t i = 0; i < COUNT (real_uscc); i++) {
        const char *code = real_uscc[i].code;
        for (int pos = 0; pos < 17; pos++) {
            if (code[pos] == code[pos + 1])
                continue;
            char text[19];
            memcpy (text, code, sizeof text);
            text[pos] = code[pos + 1];
            text[pos + 1] = code[pos];
            yw_reason_t reason = codebook_uscc_validate (text, NULL);
            if (reason == YW_R_OK)
                fail_msg ("%s: transposition at %d not caught", text, pos + 1);
        }
    }
}

static void
test_uscc_check_char (void **state)
{
    assert_int_equal (codebook_uscc_check_char ("91440300708461136"), 'T');
    assert_int_equal (codebook_uscc_check_char ("12100000400000624"), 'D');
    assert_int_equal (codebook_uscc_check_char ("91310000132260250"), 'X');
    assert_int_equal (codebook_uscc_check_char ("1210000042500615X"), '0');
    /* characters after the 17th do not matter */
    assert_int_equal (codebook_uscc_check_char ("91440300708461136?"), 'T');
    assert_int_equal (codebook_uscc_check_char ("9144030070846113I"), 0);
    assert_int_equal (codebook_uscc_check_char ("9144030070846113"), 0); /* short */
    assert_int_equal (codebook_uscc_check_char ("9144030070846113t"), 0);
    assert_int_equal (codebook_uscc_check_char (""), 0);
    assert_int_equal (codebook_uscc_check_char (NULL), 0);
}

/* --- VIN ----------------------------------------------------------------- */

static const struct {
    const char *vin;
    const char *source;
} real_vin[] = {
    {"1M8GDM9AXKP042788", "ISO 3779 / Wikipedia example, check digit X"},
    {"1HGCM82633A004352", "Honda Accord, decoder example"},
    {"JH4KA7561PC008269", "Acura Legend, decoder example"},
    {"5GZCZ43D13S812715", "Saturn Vue, decoder example"},
    {"LSGBL5348HF087266", "SAIC-GM (Buick) 2017, in an insurance quote record"},
    {"LSGJR52U85S110284", "SAIC-GM 2005, in a car loan contract"},
    {"LFV3A28K7E3100848", "FAW-Volkswagen 2014, on a vehicle certificate page"},
    {"LJ1EFAUU2NG108654", "JAC 2022, on a 行驶证 sample"},
    {"LS5A3DBE6DA223653", "Changan 2013, on a printed vehicle form"},
};

/* ISO 3779 transliteration */
static int
vin_value (char c)
{
    static const char *groups[10] = {"0",    "1AJ", "2BKS", "3CLT", "4DMU",
                                     "5ENV", "6FW", "7GPX", "8HY",  "9RZ"};
    for (int v = 0; v < 10; v++)
        if (strchr (groups[v], c))
            return v;
    return -1;
}

static const char vin_charset[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

static void
test_vin_real (void **state)
{
    for (size_t i = 0; i < COUNT (real_vin); i++) {
        const char *vin = real_vin[i].vin;
        char expected[2] = "?";
        if (codebook_vin_validate (vin, expected) != YW_R_OK)
            fail_msg ("%s (%s) refused", vin, real_vin[i].source);
        assert_string_equal (expected, "");
        assert_int_equal (codebook_vin_check_char (vin), vin[8]);
    }
}

/* Every letter's transliteration at some weight; check digits from
   tools/gen_sample.py */
static const char *const synthetic_vin[] = {
    "ABCDEFGH5JKLMNPRS",
    "TUVWXYZ16Y3456789",
    "99999999999999999",
    "LLLLLLLL3LLLLLLLL",
};

static void
test_vin_synthetic (void **state)
{
    for (size_t i = 0; i < COUNT (synthetic_vin); i++) {
        const char *vin = synthetic_vin[i];
        if (codebook_vin_validate (vin, NULL) != YW_R_OK)
            fail_msg ("%s refused", vin);
        assert_int_equal (codebook_vin_check_char (vin), vin[8]);
    }
}

static const struct {
    const char *text;
    yw_reason_t reason;
    const char *expected;
} vin_cases[] = {
    {"1M8GDM9A1KP042788", YW_R_VIN_CHECK, "X"}, /* check digit X typed as 1 */
    {"1M8GDM9AXKP402788", YW_R_VIN_CHECK, "3"}, /* serial digits transposed */
    {"LSGBL5348HF087267", YW_R_VIN_CHECK, "X"}, /* last digit changed */
    {"LSGBL5348HF078266", YW_R_VIN_CHECK, "7"},
    {"LSGBL5349HF087266", YW_R_VIN_CHECK, "8"},
    {"LJ1EFAUU2NG108645", YW_R_VIN_CHECK, "1"},
    {"LFV3A28K7E3100884", YW_R_VIN_CHECK, "0"},
    {"LSGBL534AHF087266", YW_R_VIN_CHECK, "8"}, /* a letter where the digit goes */
    {"LSGBL5348HF0872661", YW_R_VIN_LENGTH, ""},
    {"LSGBL5348HF08726", YW_R_VIN_LENGTH, ""},
    {"LSVAU2180N218329", YW_R_VIN_LENGTH, ""}, /* reason.h's example, 16 */
    {"", YW_R_VIN_LENGTH, ""},
    {"LSGBL5348HF08726Q", YW_R_VIN_CHARSET, ""},
    {"LSGBL5348HF08726I", YW_R_VIN_CHARSET, ""},
    {"LSGBL5348HF08726O", YW_R_VIN_CHARSET, ""},
    {"1M8GDM9AXKP04278O", YW_R_VIN_CHARSET, ""}, /* 8 typed as O */
    {"1m8gdm9axkp042788", YW_R_VIN_CHARSET, ""}, /* lower case */
    {"LSGBL5348HF 87266", YW_R_VIN_CHARSET, ""},
    {"LSGBL5348HF08726号", YW_R_VIN_CHARSET, ""},
    {"ＬSGBL5348HF087266", YW_R_VIN_CHARSET, ""},
    {"1M8GDM9AXKP042788\x85", YW_R_VIN_CHARSET, ""}, /* found by fuzz_validate */
    {"1M8GDM9AXKP042788\xBF\xBF", YW_R_VIN_CHARSET, ""},
};

static void
test_vin_cases (void **state)
{
    for (size_t i = 0; i < COUNT (vin_cases); i++) {
        char expected[2] = "?";
        yw_reason_t reason = codebook_vin_validate (vin_cases[i].text, expected);
        if (reason != vin_cases[i].reason)
            fail_msg ("%s: %s, expected %s", vin_cases[i].text, yw_reason_code (reason),
                      yw_reason_code (vin_cases[i].reason));
        assert_string_equal (expected, vin_cases[i].expected);
    }
    assert_int_equal (codebook_vin_validate (NULL, NULL), YW_R_VIN_LENGTH);
}

/* A substitution outside position 9 goes unseen exactly when the new
   character transliterates to the same value (A, J and 1 are all 1): the
   check digit's known blind spot. At position 9 any other character is
   wrong and the right one is named. */
static void
test_vin_every_substitution (void **state)
{
    for (size_t i = 0; i < COUNT (real_vin); i++) {
        const char *vin = real_vin[i].vin;
        for (int pos = 0; pos < 17; pos++) {
            for (const char *c = vin_charset; *c; c++) {
                if (*c == vin[pos])
                    continue;
                char text[18];
                memcpy (text, vin, sizeof text);
                text[pos] = *c;
                char expected[2];
                yw_reason_t reason = codebook_vin_validate (text, expected);
                if (pos == 8) {
                    assert_int_equal (reason, YW_R_VIN_CHECK);
                    assert_int_equal (expected[0], vin[8]);
                }
                else if (vin_value (*c) == vin_value (vin[pos]))
                    assert_int_equal (reason, YW_R_OK);
                else {
                    assert_int_equal (reason, YW_R_VIN_CHECK);
                    assert_int_equal (expected[0], codebook_vin_check_char (text));
                }
            }
            for (const char *c = "IOQa -"; *c; c++) {
                char text[18];
                memcpy (text, vin, sizeof text);
                text[pos] = *c;
                assert_int_equal (codebook_vin_validate (text, NULL), YW_R_VIN_CHARSET);
            }
        }
    }
}

static void
test_vin_check_char (void **state)
{
    assert_int_equal (codebook_vin_check_char ("1M8GDM9AXKP042788"), 'X');
    /* position 9 is ignored, whatever it holds */
    assert_int_equal (codebook_vin_check_char ("1M8GDM9A?KP042788"), 'X');
    assert_int_equal (codebook_vin_check_char ("LSGBL5340HF087266"), '8');
    assert_int_equal (codebook_vin_check_char ("LSGBL5348HF08726Q"), 0);
    assert_int_equal (codebook_vin_check_char ("LSGBL5348HF08726"), 0);
    assert_int_equal (codebook_vin_check_char ("LSGBL534"), 0);
    assert_int_equal (codebook_vin_check_char (""), 0);
    assert_int_equal (codebook_vin_check_char (NULL), 0);
}

/* --- Plates -------------------------------------------------------------- */

static const struct {
    const char *text;
    yw_reason_t reason;
} plate_cases[] = {
    /* ordinary: province, issuing letter, 5 letters or digits */
    {"鲁A12345", YW_R_OK},
    {"京A12345", YW_R_OK},
    {"鲁B6F789", YW_R_OK},
    {"粤BAB123", YW_R_OK},
    {"琼E00001", YW_R_OK},
    {"鲁SA2345", YW_R_OK}, /* 莱芜's letter, kept after the 2019 merger */
    /* O: plates of the provincial public security vehicle office */
    {"粤O12345", YW_R_OK},
    {"粤OA1234", YW_R_OK},
    /* new energy, small: D/F (and A-K) first, a letter or digit, 4 digits */
    {"鲁AD12345", YW_R_OK},
    {"鲁AF12345", YW_R_OK},
    {"鲁ADF1234", YW_R_OK},
    {"沪AA12345", YW_R_OK},
    {"沪AK12345", YW_R_OK},
    /* new energy, large: 5 digits then D or F */
    {"鲁A12345D", YW_R_OK},
    {"鲁A12345F", YW_R_OK},
    /* 4 characters and a suffix */
    {"鲁A1234警", YW_R_OK},
    {"鲁A123B警", YW_R_OK},
    {"鲁A1234学", YW_R_OK},
    {"鲁A1234挂", YW_R_OK},
    {"沪A1234领", YW_R_OK},
    /* emergency rescue: team letter and 4 digits, or the ministry's 5 digits */
    {"京X2345应急", YW_R_OK},
    {"琼X1234应急", YW_R_OK},
    {"川S0012应急", YW_R_OK},
    {"京12345应急", YW_R_OK},
    /* armed police, 2012 form */
    {"WJ琼12345", YW_R_OK},
    {"WJ12345", YW_R_OK},
    {"WJ1234J", YW_R_OK},
    {"WJ粤1234X", YW_R_OK},

    /* not a province */
    {"齐A12345", YW_R_PLATE_PROVINCE},
    {"岱A12345", YW_R_PLATE_PROVINCE},
    {"台A12345", YW_R_PLATE_PROVINCE},
    {"港A12345", YW_R_PLATE_PROVINCE},
    /* foreign whole-plate forms */
    {"使014001", YW_R_PLATE_FORMAT},
    {"领A1234", YW_R_PLATE_FORMAT},
    /* no province at all */
    {"A12345", YW_R_PLATE_FORMAT},
    {"", YW_R_PLATE_FORMAT},
    {"鲁", YW_R_PLATE_FORMAT},
    {"\xE9\xB2", YW_R_PLATE_FORMAT}, /* 鲁 cut short */
    {"\xE9", YW_R_PLATE_FORMAT},
    {"ＷＪ12345", YW_R_PLATE_FORMAT}, /* full width: normalize first */
    /* issuing letter */
    {"鲁12345", YW_R_PLATE_FORMAT},
    {"鲁IA1234", YW_R_PLATE_FORMAT},
    {"鲁a12345", YW_R_PLATE_FORMAT},
    {"鲁Ａ12345", YW_R_PLATE_FORMAT},
    /* serial length and letters */
    {"鲁A1234", YW_R_PLATE_FORMAT},
    {"鲁A123", YW_R_PLATE_FORMAT},
    {"鲁A1234567", YW_R_PLATE_FORMAT},
    {"鲁A1234I", YW_R_PLATE_FORMAT},
    {"鲁A12O45", YW_R_PLATE_FORMAT},
    {"鲁A12345 ", YW_R_PLATE_FORMAT},
    {"鲁A·12345", YW_R_PLATE_FORMAT},
    {"鲁A-12345", YW_R_PLATE_FORMAT},
    /* 6 characters that are no new-energy serial */
    {"鲁AD1234A", YW_R_PLATE_FORMAT},
    {"鲁A1234D5", YW_R_PLATE_FORMAT},
    {"鲁AL12345", YW_R_PLATE_FORMAT},
    {"鲁A12345G", YW_R_PLATE_FORMAT},
    {"鲁AD12A45", YW_R_PLATE_FORMAT},
    {"鲁AI12345", YW_R_PLATE_FORMAT},
    /* suffixes */
    {"鲁A12345警", YW_R_PLATE_FORMAT},
    {"鲁A123警", YW_R_PLATE_FORMAT},
    {"鲁A1234警A", YW_R_PLATE_FORMAT},
    {"鲁A1234港", YW_R_PLATE_FORMAT},
    {"鲁A1234警警", YW_R_PLATE_FORMAT},
    {"京X234应急", YW_R_PLATE_FORMAT},
    {"京XA234应急", YW_R_PLATE_FORMAT},
    {"京X12345应急", YW_R_PLATE_FORMAT},
    {"京应急", YW_R_PLATE_FORMAT},
    {"WJ琼1234", YW_R_PLATE_FORMAT},
    {"WJ琼123456", YW_R_PLATE_FORMAT},
    {"WJ齐12345", YW_R_PLATE_FORMAT},
    {"WJ", YW_R_PLATE_FORMAT},
    /* the bad plates tools/gen_sample.py writes */
    {"鲁A123", YW_R_PLATE_FORMAT},
    {"鲁012345", YW_R_PLATE_FORMAT},
    {"鲁A0123456", YW_R_PLATE_FORMAT},
};

static void
test_plate_cases (void **state)
{
    for (size_t i = 0; i < COUNT (plate_cases); i++) {
        yw_reason_t reason = codebook_plate_validate (plate_cases[i].text);
        if (reason != plate_cases[i].reason)
            fail_msg ("%s: %s, expected %s", plate_cases[i].text, yw_reason_code (reason),
                      yw_reason_code (plate_cases[i].reason));
    }
    assert_int_equal (codebook_plate_validate (NULL), YW_R_PLATE_FORMAT);
}

/* All 31 provinces of the header are accepted with every plate form. */
static void
test_plate_every_province (void **state)
{
    const char provinces[] =
        "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
    const char *forms[] = {"A12345", "AD12345", "A12345F", "A1234警", "X1234应急"};
    assert_int_equal (sizeof provinces - 1, 31 * 3);
    for (size_t p = 0; p + 1 < sizeof provinces; p += 3) {
        for (size_t f = 0; f < COUNT (forms); f++) {
            char plate[32];
            snprintf (plate, sizeof plate, "%.3s%s", provinces + p, forms[f]);
            assert_int_equal (codebook_plate_validate (plate), YW_R_OK);
        }
    }
}

/* Every serial character of an ordinary plate: letters but I and O, digits. */
static void
test_plate_serial_characters (void **state)
{
    for (int c = 1; c < 256; c++) {
        char plate[16];
        snprintf (plate, sizeof plate, "鲁A1%c345", c);
        bool good =
            (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O');
        assert_int_equal (codebook_plate_validate (plate),
                          good ? YW_R_OK : YW_R_PLATE_FORMAT);
    }
}

int
main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_uscc_real),
        cmocka_unit_test (test_uscc_synthetic),
        cmocka_unit_test (test_uscc_cases),
        cmocka_unit_test (test_uscc_every_substitution),
        cmocka_unit_test (test_uscc_every_transposition),
        cmocka_unit_test (test_uscc_check_char),
        cmocka_unit_test (test_vin_real),
        cmocka_unit_test (test_vin_synthetic),
        cmocka_unit_test (test_vin_cases),
        cmocka_unit_test (test_vin_every_substitution),
        cmocka_unit_test (test_vin_check_char),
        cmocka_unit_test (test_plate_cases),
        cmocka_unit_test (test_plate_every_province),
        cmocka_unit_test (test_plate_serial_characters),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
