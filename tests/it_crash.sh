#!/usr/bin/env bash
# Crash test (issue 3): kill -9 the node again and again while a large import
# streams into it, restart it, import again. After every restart the store is
# consistent (`yiwang fsck`: every record has its index entries and its log
# entry, the log chain is whole, no half batch), and at the end a re-import
# of the same file changes nothing: no event was lost or doubled.
set -euo pipefail
build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
yiwang=$build/node/yiwang node_bin=$build/node/yiwang-node
py=/usr/bin/python3; [[ -x $py ]] || py=python3
rows=${YW_CRASH_ROWS:-60000} kills=${YW_CRASH_KILLS:-6}
tmp=$(mktemp -d)
node_pid=
cleanup() { [[ -n $node_pid ]] && kill -9 "$node_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

"$py" "$source/tools/gen_sample.py" --kind vehicle --region 370102 --rows "$rows" \
    --bad-rate 0.01 --seed 5 --format csv --encoding gb18030 --out "$tmp/v.csv"
map=$source/deploy/samples/vehicle-csv.ini
data=$tmp/node endpoint=ipc://$tmp/node/ingest.ipc

start_node() {
    rm -f "$data/ingest.ipc"
    "$node_bin" --id county-370102 --jurisdiction 370102 --data "$data" 2>>"$tmp/node.log" &
    node_pid=$!
    for _ in $(seq 200); do [[ -S $data/ingest.ipc ]] && return 0; sleep 0.05; done
    tail "$tmp/node.log"; fail "node did not start"
}

"$yiwang" check --mapping "$map" "$tmp/v.csv" --json --emit "$tmp/v.jsonl" > "$tmp/check.json"
accepted=$(field "$tmp/check.json" accepted)
objects=$("$py" -c "import json,sys; print(len({json.loads(l)['object_code'] for l in open(sys.argv[1])}))" "$tmp/v.jsonl")

for i in $(seq "$kills"); do
    start_node
    "$yiwang" import --mapping "$map" --node "$endpoint" --timeout 5 "$tmp/v.csv" \
        > /dev/null 2>&1 &
    import_pid=$!
    # a random moment inside the import
    sleep "$("$py" -c "import random; print(round(random.uniform(0.05, 1.5), 2))")"
    kill -9 "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=
    wait "$import_pid" 2>/dev/null || true
    "$yiwang" fsck --data "$data" > "$tmp/fsck.$i" || { cat "$tmp/fsck.$i"; fail "inconsistent after kill $i"; }
    echo "kill $i: $(head -1 "$tmp/fsck.$i")"
done

# Restart and import to the end: everything lands exactly once.
start_node
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v.csv" --json > "$tmp/final.json"
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v.csv" --json > "$tmp/again.json"
[[ $(field "$tmp/again.json" new) == 0 && $(field "$tmp/again.json" changed) == 0 ]] \
    || fail "re-import after the crashes still changed records"
[[ $(field "$tmp/again.json" unchanged) == "$accepted" ]] || fail "unchanged != accepted"
kill -TERM "$node_pid"; wait "$node_pid" || fail "node did not stop cleanly"; node_pid=
"$yiwang" fsck --data "$data" > "$tmp/fsck.final" || { cat "$tmp/fsck.final"; fail "inconsistent at the end"; }
# One live record per object, and the log holds exactly one creation event each.
"$yiwang" log --data "$data" | "$py" -c "
import json, sys
seen = {}
for e in map(json.loads, sys.stdin):
    assert not e['deleted']
    assert e['object_code'] not in seen, 'an unchanged object was logged twice: ' + e['object_code']
    seen[e['object_code']] = e['version']
assert len(seen) == $objects, (len(seen), $objects)"
echo "it_crash: ok ($kills kills during import of $rows rows, $objects objects, $(cat "$tmp/fsck.final" | head -1))"
