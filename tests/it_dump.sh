#!/usr/bin/env bash
# Integration: `yiwang dump`, `yiwang digest` and `yiwang summary` on the store
# of a real yiwang-node after real imports of all three kinds: the digest is
# the sha256sum of the dump (whole store and by region), the dump lists every
# object once in order and agrees with the imports' counts and the outbound
# log, a --full re-import turns the missing cars into deleted lines, summary
# counts what check accepted, and the exit statuses of DESIGN 9.
set -euo pipefail
source "$(dirname "$0")/node_lib.sh"

gen="$py $source/tools/gen_sample.py --region 370102 --bad-rate 0.03"
$gen --kind vehicle --rows 800 --seed 5 --out "$tmp/v0.csv"
$gen --kind vehicle --rows 800 --seed 5 --revision 1 --out "$tmp/v1.csv"
$gen --kind office_building --rows 150 --seed 6 --out "$tmp/o.csv"
$gen --kind reception_filing --rows 200 --seed 7 --format jsonl --out "$tmp/r.jsonl"
sed 's/^region = 370202/region = 370102/' "$source/deploy/samples/reception-jsonl.ini" > "$tmp/r.ini"

data=$tmp/node
"$node_bin" --id county-370102 --jurisdiction 370102 --data "$data" 2>>"$tmp/node.log" &
node_pid=$!
pids+=($node_pid)
for _ in $(seq 100); do [[ -S $data/ingest.ipc ]] && break; sleep 0.1; done
[[ -S $data/ingest.ipc ]] || { cat "$tmp/node.log"; fail "node did not start"; }
endpoint=ipc://$data/ingest.ipc
imp() { "$yiwang" import --node "$endpoint" --json "$@"; }

# An empty store: an empty dump, the SHA-256 of nothing.
[[ $("$yiwang" dump --data "$data" | wc -c) == 0 ]] || fail "empty store: dump not empty"
[[ $("$yiwang" digest --data "$data") == $(printf '' | sha256sum | cut -d' ' -f1) ]] \
    || fail "empty store: digest is not sha256 of nothing"

imp --mapping "$source/deploy/samples/vehicle-csv.ini" "$tmp/v0.csv" > "$tmp/i1.json"
imp --mapping "$source/deploy/samples/office-csv.ini" "$tmp/o.csv" > "$tmp/i2.json"
imp --mapping "$tmp/r.ini" "$tmp/r.jsonl" > "$tmp/i3.json"
objects=$(( $(field "$tmp/i1.json" new) + $(field "$tmp/i2.json" new) + $(field "$tmp/i3.json" new) ))

# 1. One line per object, sorted by code, four well-formed fields.
"$yiwang" dump --data "$data" > "$tmp/d1"
[[ $(wc -l < "$tmp/d1") == "$objects" ]] || fail "dump has $(wc -l < "$tmp/d1") lines, want $objects"
LC_ALL=C sort -c "$tmp/d1" || fail "dump not sorted"
[[ $(cut -f1 "$tmp/d1" | sort -u | wc -l) == "$objects" ]] || fail "an object twice in the dump"
grep -vqP '^[0-9A-Z]{23}\t[0-9]+\t[0-9a-f]{64}\t[01]$' "$tmp/d1" && fail "malformed dump line: $(grep -vP '^[0-9A-Z]{23}\t[0-9]+\t[0-9a-f]{64}\t[01]$' "$tmp/d1" | head -1)"
grep -qP '\t1$' "$tmp/d1" && fail "deleted objects before any --full import"
# every object's version and hash are those of its newest event in the log
"$yiwang" log --data "$data" | "$py" -c "
import json, sys
last = {}
for line in sys.stdin:
    e = json.loads(line)
    last[e['object_code']] = '%s\t%d\t%s\t%d' % (e['object_code'], e['version'], e['content_hash'], e['deleted'])
want = [last[c] for c in sorted(last)]
got = open('$tmp/d1').read().splitlines()
assert got == want, 'dump differs from the log: %d vs %d lines' % (len(got), len(want))
"

# 2. digest == sha256sum of dump, for the whole store and by region.
for region in "" 37 3701 370102 3702; do
    args=(); [[ -n $region ]] && args=(--region "$region")
    want=$("$yiwang" dump --data "$data" "${args[@]}" | sha256sum | cut -d' ' -f1)
    got=$("$yiwang" digest --data "$data" "${args[@]}")
    [[ $got == "$want" ]] || fail "digest ${args[*]}: $got, sha256sum of dump: $want"
done
[[ $("$yiwang" dump --data "$data" --region 3702 | wc -l) == 0 ]] || fail "--region 3702 matched 历下区"
cmp -s "$tmp/d1" <("$yiwang" dump --data "$data" --region 370102) || fail "--region 370102 is not everything"

# 3. An unchanged re-import leaves the digest; a --full revision deletes cars.
d1=$("$yiwang" digest --data "$data")
imp --mapping "$source/deploy/samples/vehicle-csv.ini" "$tmp/v0.csv" > /dev/null
[[ $("$yiwang" digest --data "$data") == "$d1" ]] || fail "unchanged re-import changed the digest"
imp --mapping "$source/deploy/samples/vehicle-csv.ini" --full "$tmp/v1.csv" > "$tmp/i4.json"
gone=$(field "$tmp/i4.json" deleted)
(( gone > 0 )) || fail "revision 1 deleted nothing"
"$yiwang" dump --data "$data" > "$tmp/d2"
[[ $(grep -cP '\t1$' "$tmp/d2") == "$gone" ]] || fail "deleted lines $(grep -cP '\t1$' "$tmp/d2"), want $gone"
[[ $(wc -l < "$tmp/d2") == "$(( objects + $(field "$tmp/i4.json" new) ))" ]] || fail "deleted objects left the dump"
[[ $("$yiwang" digest --data "$data") == $(sha256sum < "$tmp/d2" | cut -d' ' -f1) ]] || fail "digest after --full"

# 4. summary: what check accepted, by kind, rolled up to 济南市 and 山东省.
"$yiwang" summary --data "$data" --json > "$tmp/s.json"
"$py" - "$tmp/s.json" "$tmp/d2" "$(field "$tmp/i2.json" new)" "$(field "$tmp/i3.json" new)" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
lines = [l.split('\t') for l in open(sys.argv[2]).read().splitlines()]
live = sum(1 for l in lines if l[3] == '0')
vehicles = sum(1 for l in lines if l[3] == '0' and l[0].startswith('VH'))
assert s['live'] == live, (s['live'], live)
assert s['deleted'] == len(lines) - live
regions = {r['region_code']: r for r in s['regions']}
assert sorted(regions) == ['370000', '370100', '370102'], sorted(regions)
for code in regions:
    r = regions[code]
    assert r['vehicle']['count'] == vehicles, (code, r['vehicle']['count'], vehicles)
    assert sum(r['vehicle']['category'].values()) == vehicles
    assert sum(r['vehicle']['status'].values()) == vehicles
    assert r['office_building']['count'] == int(sys.argv[3])
    assert r['reception_filing']['count'] == int(sys.argv[4])
    assert r['office_building']['building_area'] > 0 and r['reception_filing']['total_cost'] > 0
assert regions['370102']['name'] == '历下区' and regions['370100']['name'] == '济南市'
assert sum(s['rejections'].values()) > 0
PY
rejected=$("$yiwang" rejects --data "$data" | wc -l)
[[ $("$py" -c "import json; print(sum(json.load(open('$tmp/s.json'))['rejections'].values()))") == "$rejected" ]] \
    || fail "summary's rejections differ from yiwang rejects ($rejected)"
"$yiwang" summary --data "$data" > "$tmp/s.txt"
grep -q "370102 历下区" "$tmp/s.txt" && grep -q "执法执勤用车" "$tmp/s.txt" && grep -q "建筑面积 m²" "$tmp/s.txt" \
    || fail "summary tables: $(cat "$tmp/s.txt")"

# 5. Exit statuses: --help 0, usage 2, no store 3.
for verb in dump digest summary; do
    "$yiwang" $verb --help | grep "usage: yiwang $verb" > /dev/null || fail "$verb --help"
    set +e
    "$yiwang" $verb 2>/dev/null; a=$?
    "$yiwang" $verb --data "$data" --region 37x 2>/dev/null; b=$?
    "$yiwang" $verb --data "$data" extra 2>/dev/null; c=$?
    "$yiwang" $verb --data "$tmp/nowhere" 2>"$tmp/err"; d=$?
    set -e
    [[ $a == 2 && $b == 2 && $c == 2 && $d == 3 ]] || fail "$verb exit statuses $a $b $c $d, want 2 2 2 3"
    grep -q "nowhere" "$tmp/err" || fail "$verb: message does not name the directory: $(cat "$tmp/err")"
done

# 6. The readers never disturb the writer: the store is consistent.
"$yiwang" fsck --data "$data" > "$tmp/fsck" || { cat "$tmp/fsck"; fail "fsck"; }
kill -TERM "$node_pid"
wait "$node_pid" || fail "node exit status $? on SIGTERM"
pids=()
echo "it_dump: ok ($objects objects, $gone deleted, $rejected rejections)"
