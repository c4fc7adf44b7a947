#!/usr/bin/env bash
# it_check.sh - `yiwang check` end to end, as a user runs it.
#
# For each kind (vehicle, office_building, reception_filing) and each input
# (CSV in GB18030, GBK and UTF-8, JSON lines), tools/gen_sample.py writes a
# messy export and a truth file naming every bad row and its reason; the
# check must reject exactly those rows for exactly those reasons, write the
# rejects TSV and the --emit JSON lines in their documented formats, count
# what the truth counts, and exit 0. Then the unusable inputs (bad mappings,
# unreadable, empty, wrong encoding) must exit 2 with a message that says
# what is wrong, and hostile rows (over-long cells and lines, broken CSV)
# must cost their own row only.
set -euo pipefail

: "${YW_BUILD_DIR:?set YW_BUILD_DIR to the build directory}"
: "${YW_SOURCE_DIR:?set YW_SOURCE_DIR to the source directory}"
YIWANG="$YW_BUILD_DIR/node/yiwang"
SAMPLES="$YW_SOURCE_DIR/deploy/samples"
GEN=(python3 "$YW_SOURCE_DIR/tools/gen_sample.py")
T="$(mktemp -d "${TMPDIR:-/tmp}/it_check.XXXXXX")"
trap 'rm -rf "$T"' EXIT

fail () {
    echo "it_check: FAIL: $*" >&2
    exit 1
}

# run EXPECTED_EXIT NAME ARGS...: runs `yiwang check ARGS`, output in
# $T/NAME.out and $T/NAME.err, and checks the exit status.
run () {
    local expected="$1" name="$2"
    shift 2
    local status=0
    "$YIWANG" check "$@" >"$T/$name.out" 2>"$T/$name.err" || status=$?
    if [ "$status" -ne "$expected" ]; then
        cat "$T/$name.out" "$T/$name.err" >&2
        fail "$name: exit $status, expected $expected"
    fi
}

# says NAME.STREAM TEXT: the output contains TEXT (fixed string).
says () {
    grep -qF -- "$2" "$T/$1" || { cat "$T/$1" >&2; fail "$1 does not say: $2"; }
}

# A mapping like the sample one, with sed expressions applied.
mapping () {
    local from="$1" to="$2"
    shift 2
    sed "$@" "$SAMPLES/$from" >"$T/$to"
}

# --- the checker of outputs against the truth ------------------------------
cat >"$T/verify.py" <<'EOF'
"""verify.py TRUTH REJECTS EMIT REPORT KIND PROTO: the outputs of one
`yiwang check` run against the generator's truth file."""
import json
import re
import sys

truth_path, rejects_path, emit_path, report_path, kind, proto_path = sys.argv[1:7]

def die(message):
    sys.exit('verify %s: %s' % (truth_path, message))

# Standard field names: the kind's body message and the envelope (DESIGN 2).
proto = open(proto_path, encoding='utf-8').read()
message = {'vehicle': 'Vehicle', 'office_building': 'OfficeBuilding',
           'reception_filing': 'ReceptionFiling'}[kind]
body = re.search(r'message %s \{(.*?)\n\}' % message, proto, re.S).group(1)
fields = set(re.findall(r'^\s*\w+ (\w+) = \d+;', body, re.M))
fields |= {'region_code', 'unit_code'}
allowed = fields | {'object_code', 'kind', 'content_hash'}

truth = {}
repeats = []
for line in open(truth_path, encoding='utf-8'):
    number, expected, field, note = line.rstrip('\n').split('\t')
    truth[int(number)] = (expected, field)
    if note.startswith('repeat of line '):
        repeats.append((int(number), int(note[len('repeat of line '):])))
bad = {n: t for n, t in truth.items() if t[0] != 'ok'}

# The rejects TSV: line<TAB>field<TAB>reason_code<TAB>value<TAB>message
got = {}
for row in open(rejects_path, encoding='utf-8'):
    parts = row.rstrip('\n').split('\t')
    if len(parts) != 5:
        die('rejects line is not 5 tab-separated columns: %r' % row)
    number, field, reason, value, text = parts
    if not number.isdigit() or not re.fullmatch(r'[A-Z_]+', reason) or not text:
        die('malformed rejects line: %r' % row)
    if field != '-' and field not in fields:
        die('rejects line names %r, not a %s field' % (field, kind))
    if int(number) in got:
        die('line %s rejected twice' % number)
    got[int(number)] = (reason, '' if field == '-' else field)
if got != bad:
    wrong = sorted(set(got.items()) ^ set(bad.items()))[:10]
    die('rejections differ from the truth (line, (reason, field)): %r' % wrong)

# --emit: one JSON object per accepted row, standard names only.
records = []
for row in open(emit_path, encoding='utf-8'):
    record = json.loads(row)
    if not isinstance(record, dict):
        die('emitted line is not an object')
    unknown = set(record) - allowed
    if unknown:
        die('emitted names that are not standard fields: %r' % unknown)
    if record.get('kind') != kind or not re.fullmatch(r'[0-9A-Z]{23}', record['object_code']):
        die('emitted record without kind or object code: %r' % record)
    if not re.fullmatch(r'[0-9a-f]{64}', record['content_hash']):
        die('emitted record without content hash')
    if not re.fullmatch(r'\d{6}', record.get('region_code', '')):
        die('emitted record without region: %r' % record)
    records.append(record)
good = len(truth) - len(bad)
if len(records) != good:
    die('%d records emitted, %d good rows' % (len(records), good))
objects = len({r['object_code'] for r in records})
if objects != good - len(repeats):
    die('%d objects, expected %d (%d repeats)' % (objects, good - len(repeats), len(repeats)))

# The --json report counts what the truth counts.
report = json.load(open(report_path, encoding='utf-8'))
counts = {}
for reason, _ in bad.values():
    counts[reason] = counts.get(reason, 0) + 1
expected = {'rows': len(truth), 'accepted': good, 'rejected': len(bad),
            'duplicates': len(repeats), 'rejected_by_reason': counts,
            'fields_without_values': [], 'encoding_hint': None}
for key, value in expected.items():
    if report.get(key) != value:
        die('report %s is %r, expected %r' % (key, report.get(key), value))
print('%s: %d rows, %d rejected for %d reasons, %d repeats: as the truth says'
      % (truth_path.rsplit('/', 1)[-1], len(truth), len(bad), len(counts), len(repeats)))
EOF

# --- every kind and input against the truth ---------------------------------
check_against_truth () {
    local kind="$1" short="$2" format="$3" encoding="$4" seed="$5"
    local name="$short-$format-$encoding"
    local data="$T/$name.$format"
    local map="$T/$name.ini"
    "${GEN[@]}" --kind "$kind" --region 370102 --rows 1500 --bad-rate 0.12 --dup-rate 0.01 \
        --seed "$seed" --format "$format" --encoding "$encoding" \
        --out "$data" --truth "$T/$name.truth" 2>/dev/null
    mapping "$short-$format.ini" "$name.ini" -e "s/^encoding = .*/encoding = $encoding/"
    run 0 "$name" --mapping "$map" "$data" --rejects "$T/$name.tsv" --emit "$T/$name.emit"
    run 0 "$name-json" --mapping "$map" "$data" --json
    python3 "$T/verify.py" "$T/$name.truth" "$T/$name.tsv" "$T/$name.emit" \
        "$T/$name-json.out" "$kind" "$YW_SOURCE_DIR/proto/yiwang.proto"

    # The report a person reads
    local rows bad
    rows=$(wc -l <"$T/$name.truth")
    bad=$(awk -F'\t' '$2 != "ok"' "$T/$name.truth" | wc -l)
    says "$name.out" "file        $data ($kind, $format, $encoding)"
    says "$name.out" "rows read   $rows"
    says "$name.out" "accepted    $((rows - bad))"
    says "$name.out" "rejected    $bad"
    awk -F'\t' '$2 != "ok" {print $2}' "$T/$name.truth" | sort | uniq -c |
        while read -r count reason; do
            grep -qE "^  $reason +$count  .+ / .+" "$T/$name.out" ||
                fail "$name: report has no line for $count x $reason"
        done
    # The example of a repeat is the first one in the file.
    local first
    first=$(awk -F'\t' '$4 ~ /^repeat of line / {sub("repeat of line ", "", $4);
                          print "line " $1 " repeats line " $4; exit}' "$T/$name.truth")
    [ -z "$first" ] || says "$name.out" "$first"
    [ -s "$T/$name.err" ] && fail "$name: unexpected stderr: $(cat "$T/$name.err")"
    return 0
}

seed=10
for spec in vehicle:vehicle office_building:office reception_filing:reception; do
    kind="${spec%%:*}"
    short="${spec##*:}"
    for encoding in gb18030 gbk utf-8; do
        seed=$((seed + 1))
        check_against_truth "$kind" "$short" csv "$encoding" "$seed"
    done
    seed=$((seed + 1))
    check_against_truth "$kind" "$short" jsonl utf-8 "$seed"
done

V="$T/vehicle-csv-gb18030.csv"          # a good GB18030 vehicle export
VMAP="$SAMPLES/vehicle-csv.ini"

# The same file with a GB18030 byte-order mark (84 31 95 33) checks the same.
{ printf '\x84\x31\x95\x33'; cat "$V"; } >"$T/bom.csv"
run 0 bom --mapping "$VMAP" "$T/bom.csv" --rejects "$T/bom.tsv"
cmp -s "$T/bom.tsv" "$T/vehicle-csv-gb18030.tsv" || fail "a GB18030 BOM changes the result"

# --- unusable input: exit 2 and a message that says why ----------------------
mapping vehicle-csv.ini unknown-column.ini -e 's/^vin = .*/vin = 车架号码/'
run 2 unknown-column --mapping "$T/unknown-column.ini" "$V"
says unknown-column.err 'column "车架号码" (mapped to vin) is not in the header'

mapping vehicle-csv.ini unknown-field.ini -e 's/^plate = /plate_no = /'
run 2 unknown-field --mapping "$T/unknown-field.ini" "$V"
says unknown-field.err '[field] plate_no: not a data element of vehicle'

mapping vehicle-csv.ini unknown-encoding.ini -e 's/^encoding = .*/encoding = big5/'
run 2 unknown-encoding --mapping "$T/unknown-encoding.ini" "$V"
says unknown-encoding.err 'encoding = big5: unknown encoding'

run 2 no-mapping --mapping "$T/none.ini" "$V"
says no-mapping.err "cannot open"
run 2 no-file --mapping "$VMAP" "$T/none.csv"
says no-file.err "$T/none.csv: cannot open: No such file or directory"
run 2 directory --mapping "$VMAP" "$T"
says directory.err "is a directory"
if [ "$(id -u)" -ne 0 ]; then # root reads anything
    cp "$V" "$T/secret.csv"
    chmod 000 "$T/secret.csv"
    run 2 unreadable --mapping "$VMAP" "$T/secret.csv"
    says unreadable.err "Permission denied"
fi
run 2 rejects-unwritable --mapping "$VMAP" "$V" --rejects "$T/no/such/dir/r.tsv"
says rejects-unwritable.err "--rejects $T/no/such/dir/r.tsv: cannot create"
# An output that is the input would destroy it before it is read.
cp "$V" "$T/precious.csv"
run 2 emit-over-input --mapping "$VMAP" "$T/precious.csv" --emit "$T/precious.csv"
says emit-over-input.err "is the input file"
run 2 rejects-over-input --mapping "$VMAP" "$T/precious.csv" --rejects "$T/precious.csv"
cmp -s "$V" "$T/precious.csv" || fail "the input was overwritten"
run 2 usage-no-file --mapping "$VMAP"
run 2 usage-no-mapping "$V"
run 0 help --help
says help.out "line<TAB>field<TAB>reason_code<TAB>value<TAB>message"

# Empty files are unusable: an export that came out empty has most likely
# failed. A CSV with its header and no rows is a registry with nothing in
# it: processed, 0 rows.
: >"$T/empty.csv"
run 2 empty --mapping "$VMAP" "$T/empty.csv"
says empty.err "empty file: no header line, nothing to check"
printf '\r\n\r\n' >"$T/blank.csv"
run 2 blank --mapping "$VMAP" "$T/blank.csv"
says blank.err "empty file"
: >"$T/empty.jsonl"
run 2 empty-jsonl --mapping "$SAMPLES/vehicle-jsonl.ini" "$T/empty.jsonl"
says empty-jsonl.err "empty file: no JSON lines, nothing to check"
head -n 1 "$V" >"$T/header-only.csv"
run 0 header-only --mapping "$VMAP" "$T/header-only.csv" --rejects "$T/header-only.tsv" \
    --emit "$T/header-only.jsonl"
says header-only.out "rows read   0  (the file has a header and no rows)"
[ -s "$T/header-only.tsv" ] || [ -s "$T/header-only.jsonl" ] && fail "header-only: output"

# --- the wrong encoding: a clear error or rejections, never garbage ------------
# A GB18030 file declared UTF-8: its Chinese header does not decode.
mapping vehicle-csv.ini gb-as-utf8.ini -e 's/^encoding = .*/encoding = utf-8/'
run 2 gb-as-utf8 --mapping "$T/gb-as-utf8.ini" "$V"
says gb-as-utf8.err "is not valid utf-8"
says gb-as-utf8.err "is [source] encoding right?"
# A UTF-8 file declared GB18030: the error says it is UTF-8.
run 2 utf8-as-gb --mapping "$VMAP" "$T/vehicle-csv-utf-8.csv"
says utf8-as-gb.err "set [source] encoding = utf-8"
# A GB18030 file with an ASCII header, declared UTF-8: nothing in the header
# to notice. Chinese cells are BAD_ENCODING, or, where GB18030 bytes happen
# to be UTF-8 too (鲁 is C2 B3, which UTF-8 reads as ³), refused by their
# validator; the report says what the encoding seems to be; and whatever is
# accepted is exactly what the right encoding accepts: no garbage.
python3 - "$V" "$T/ascii-header.csv" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
header, rest = data.split(b'\r\n', 1)
names = [b'xh', b'dwmc', b'xydm', b'qh', b'hphm', b'clsbdh', b'cllx', b'cslx', b'rlzl',
         b'ppxh', b'pl', b'gzjg', b'gzrq', b'zt', b'xslc', b'bz']
assert header.count(b',') == len(names) - 1
open(sys.argv[2], 'wb').write(b','.join(names) + b'\r\n' + rest)
EOF
cat >"$T/ascii-header.ini" <<'EOF'
[source]
kind = vehicle
format = csv
encoding = utf-8
region = 370102
[field]
unit_code = xydm
region_code = qh
plate = hphm
vin = clsbdh
category = cllx
body_type = cslx
energy_type = rlzl
brand_model = ppxh
displacement_ml = pl
purchase_price = gzjg
purchase_date = gzrq
status = zt
odometer_km = xslc
EOF
run 0 ascii-header --mapping "$T/ascii-header.ini" "$T/ascii-header.csv" \
    --rejects "$T/ascii-header.tsv" --emit "$T/ascii-header.jsonl"
python3 - "$T/ascii-header.tsv" "$T/ascii-header.jsonl" "$T/vehicle-csv-gb18030.emit" <<'EOF'
import json, sys
rejects = [line.split('\t') for line in open(sys.argv[1], encoding='utf-8')]
encoding = sum(1 for r in rejects if r[2] == 'BAD_ENCODING')
assert encoding > 0.1 * len(rejects), (encoding, len(rejects))
right = {(r['object_code'], r['content_hash'])
         for r in map(json.loads, open(sys.argv[3], encoding='utf-8'))}
for line in open(sys.argv[2], encoding='utf-8'):
    record = json.loads(line)
    assert (record['object_code'], record['content_hash']) in right, record
EOF
says ascii-header.out "cells are not valid utf-8 but are valid gb18030: is the file gb18030?"

# --- hostile rows cost their own row -------------------------------------------
# Appended to the good export: a cell over 4096 bytes, a line over 1 MiB,
# an unterminated quote, a comma too many, then a good row again.
python3 - "$V" "$T/vehicle-csv-gb18030.truth" "$T/hostile.csv" "$T/hostile.lines" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
assert data.endswith(b'\r\n')
physical = data.split(b'\n')
truth = [line.split('\t') for line in open(sys.argv[2], encoding='utf-8')]
starts = {int(t[0]) for t in truth}
# A good row on one line of its own, whose last cell (备注) is not quoted.
good = next(physical[int(t[0]) - 1].rstrip(b'\r') for t in truth
            if t[1] == 'ok' and int(t[0]) + 1 in starts
            and not physical[int(t[0]) - 1].rstrip(b'\r').endswith(b'"'))
header = physical[0].rstrip(b'\r')
line = data.count(b'\n') + 1  # the line the first appended row starts on
columns = header.count(b',') + 1
long_cell = good + b'x' * 5000                                 # last column: 备注
long_line = b','.join([b'y' * 4000] * 300)                     # 1.2 MB
quote = b','.join([b'"unterminated'] + [b''] * (columns - 1))
comma = good + b',extra'
rows = [long_cell, long_line, quote, comma, good]
open(sys.argv[3], 'wb').write(data + b'\r\n'.join(rows) + b'\r\n')
with open(sys.argv[4], 'w') as out:
    for n, reason in enumerate(['TOO_LONG', 'TOO_LONG', 'BAD_CSV', 'BAD_CSV']):
        out.write('%d\t-\t%s\n' % (line + n, reason))
EOF
run 0 hostile --mapping "$VMAP" "$T/hostile.csv" --rejects "$T/hostile.tsv"
cut -f1-3 "$T/hostile.tsv" | tail -n 4 >"$T/hostile.got"
diff "$T/hostile.lines" "$T/hostile.got" >&2 || fail "hostile rows: rejections differ"
rows=$(($(wc -l <"$T/vehicle-csv-gb18030.truth") + 5))
says hostile.out "rows read   $rows"
good=$(awk -F'\t' '$2 == "ok"' "$T/vehicle-csv-gb18030.truth" | wc -l)
says hostile.out "accepted    $((good + 1))"
# ... and a repeat: the good row appended is in the export already.
says hostile.out "duplicates  $(($(grep -c 'repeat of line' "$T/vehicle-csv-gb18030.truth") + 1))"

# JSON: an over-long line and a line that is not JSON, between good lines.
J="$T/vehicle-jsonl-utf-8.jsonl"
python3 - "$J" "$T/vehicle-jsonl-utf-8.truth" "$T/hostile.jsonl" <<'EOF'
import sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')
truth = [line.split('\t') for line in open(sys.argv[2], encoding='utf-8')]
good = lines[next(int(t[0]) for t in truth if t[1] == 'ok') - 1]
extra = [b'{"bz":"' + b'z' * (1 << 20) + b'"}', b'{"dwtyshxydm": "11370102006310480J",', good]
open(sys.argv[3], 'wb').write(b'\n'.join(lines[:-1] + extra) + b'\n')
EOF
run 0 hostile-jsonl --mapping "$SAMPLES/vehicle-jsonl.ini" "$T/hostile.jsonl" \
    --rejects "$T/hostile-jsonl.tsv"
n=$(wc -l <"$T/vehicle-jsonl-utf-8.truth")
printf '%d\t-\tTOO_LONG\n%d\t-\tBAD_JSON\n' $((n + 1)) $((n + 2)) >"$T/hostile-jsonl.lines"
cut -f1-3 "$T/hostile-jsonl.tsv" | tail -n 2 | diff "$T/hostile-jsonl.lines" - >&2 ||
    fail "hostile JSON lines: rejections differ"

# A file name that is not UTF-8 (GBK, from a Windows archive) still gives a
# JSON report.
gbk_name="$T/$(printf '\xb3\xb5\xc1\xbe').csv" # 车辆 in GBK
cp "$V" "$gbk_name"
run 0 gbk-name --mapping "$VMAP" "$gbk_name" --json
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["file"].endswith("\\xB3\\xB5\\xC1\\xBE.csv"), r["file"]; assert r["rows"] > 0' "$T/gbk-name.out"

# A misspelt JSON key is pointed out.
mapping vehicle-jsonl.ini misspelt.ini -e 's/^plate = hphm/plate = hphn/'
run 0 misspelt --mapping "$T/misspelt.ini" "$J"
says misspelt.out 'warning     no row has a value for "hphn" (mapped to plate)'

echo "it_check: all passed"
