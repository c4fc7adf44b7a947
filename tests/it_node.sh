#!/usr/bin/env bash
# Integration: a real yiwang-node, real imports over its ingest socket.
# Import, re-import (no new events), a changed export (one newer event per
# changed car), --full (tombstones for cars gone from the export), stored
# rejections, the outbound log, a locked store, a bad config, a garbage
# frame, and a clean SIGTERM.
set -euo pipefail
source "$(dirname "$0")/node_lib.sh"

gen() { "$py" "$source/tools/gen_sample.py" --kind vehicle --region 370102 --rows 3000 \
          --bad-rate 0.02 --seed 11 --format csv --encoding gb18030 "$@"; }
gen --out "$tmp/v0.csv"
gen --revision 1 --out "$tmp/v1.csv"
map=$source/deploy/samples/vehicle-csv.ini

data=$tmp/node
start_node() {
    "$node_bin" --id county-370102 --jurisdiction 370102 --data "$data" 2>>"$tmp/node.log" &
    pids+=($!)
    node_pid=$!
    for _ in $(seq 100); do [[ -S $data/ingest.ipc ]] && return 0; sleep 0.1; done
    cat "$tmp/node.log"; fail "node did not start"
}
start_node
endpoint=ipc://$data/ingest.ipc

# What the file holds, by the same normalization without storing.
"$yiwang" check --mapping "$map" "$tmp/v0.csv" --json --emit "$tmp/v0.jsonl" > "$tmp/c0.json"
"$yiwang" check --mapping "$map" "$tmp/v1.csv" --json --emit "$tmp/v1.jsonl" > "$tmp/c1.json"
codes() { "$py" -c "import json,sys; print('\n'.join(sorted({json.loads(l)['object_code'] for l in open(sys.argv[1])})))" "$1"; }
codes "$tmp/v0.jsonl" > "$tmp/codes0"
codes "$tmp/v1.jsonl" > "$tmp/codes1"
objects0=$(wc -l < "$tmp/codes0")

# 1. First import: every distinct object is new.
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v0.csv" --json > "$tmp/i1.json"
[[ $(field "$tmp/i1.json" new) == "$objects0" ]] || fail "new $(field "$tmp/i1.json" new) != objects $objects0"
[[ $(field "$tmp/i1.json" rejected) == "$(field "$tmp/c0.json" rejected)" ]] || fail "rejected differs from check"
[[ $(field "$tmp/i1.json" rows) == "$(field "$tmp/c0.json" rows)" ]] || fail "rows differ from check"
"$yiwang" log --data "$data" > "$tmp/log1"
[[ $(wc -l < "$tmp/log1") == "$objects0" ]] || fail "log has $(wc -l < "$tmp/log1") events, want $objects0"

# 2. Re-import of the same file: zero new events.
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v0.csv" --json > "$tmp/i2.json"
[[ $(field "$tmp/i2.json" new) == 0 && $(field "$tmp/i2.json" changed) == 0 ]] || fail "re-import made changes"
[[ $(field "$tmp/i2.json" unchanged) == "$(field "$tmp/c0.json" accepted)" ]] || fail "re-import: unchanged != accepted"
"$yiwang" log --data "$data" > "$tmp/log2"
cmp -s "$tmp/log1" "$tmp/log2" || fail "re-import changed the log"

# 3. A later export: changed cars get exactly one newer event each.
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v1.csv" --json > "$tmp/i3.json"
changed=$(field "$tmp/i3.json" changed)
(( changed > 0 )) || fail "revision 1 changed nothing"
"$yiwang" log --data "$data" --from $(( $(tail -n1 "$tmp/log2" | "$py" -c "import json,sys; print(json.load(sys.stdin)['seq'])") + 1 )) > "$tmp/log3"
"$py" - "$tmp/log2" "$tmp/log3" "$changed" "$(field "$tmp/i3.json" new)" <<'PY'
import json, sys
old = {}
for line in open(sys.argv[1]):
    e = json.loads(line); old[e["object_code"]] = e["version"]
events = [json.loads(l) for l in open(sys.argv[2])]
changed, new = int(sys.argv[3]), int(sys.argv[4])
assert len(events) == changed + new, (len(events), changed, new)
codes = [e["object_code"] for e in events]
assert len(set(codes)) == len(codes), "an object has two events in one import"
for e in events:
    if e["object_code"] in old:
        assert e["version"] > old[e["object_code"]], "version did not grow"
        assert not e["deleted"]
PY

# 4. --full: cars absent from the export become tombstones, nothing else.
gone=$(comm -23 "$tmp/codes0" "$tmp/codes1" | wc -l)
(( gone > 0 )) || fail "the generator's revision 1 disposed of no car"
"$yiwang" import --mapping "$map" --node "$endpoint" --full "$tmp/v1.csv" --json > "$tmp/i4.json"
[[ $(field "$tmp/i4.json" deleted) == "$gone" ]] || fail "deleted $(field "$tmp/i4.json" deleted), want $gone"
[[ $(field "$tmp/i4.json" new) == 0 && $(field "$tmp/i4.json" changed) == 0 ]] || fail "--full re-import changed records"
"$yiwang" log --data "$data" | "$py" -c "
import json, sys
dead = sorted({e['object_code'] for e in map(json.loads, sys.stdin) if e['deleted']})
want = sorted(set(open('$tmp/codes0').read().split()) - set(open('$tmp/codes1').read().split()))
assert dead == want, (len(dead), len(want))"
# A second --full run deletes nothing more.
"$yiwang" import --mapping "$map" --node "$endpoint" --full "$tmp/v1.csv" --json > "$tmp/i5.json"
[[ $(field "$tmp/i5.json" deleted) == 0 ]] || fail "second --full deleted again"

# 5. Rejections are stored with reason, source, line and value.
"$yiwang" rejects --data "$data" > "$tmp/rejects"
total=$(( $(field "$tmp/i1.json" rejected) + $(field "$tmp/i2.json" rejected) + $(field "$tmp/i3.json" rejected) + $(field "$tmp/i4.json" rejected) + $(field "$tmp/i5.json" rejected) ))
[[ $(wc -l < "$tmp/rejects") == "$total" ]] || fail "rejects lists $(wc -l < "$tmp/rejects"), want $total"
grep -q "VIN_CHECK\|USCC_CHECK\|MISSING" "$tmp/rejects" || fail "no reason codes in rejects"
"$yiwang" rejects --data "$data" --since 2999-01-01 > "$tmp/none"
[[ ! -s $tmp/none ]] || fail "--since in the future listed rejections"

# 6. The store and log are consistent.
"$yiwang" fsck --data "$data" > "$tmp/fsck" || { cat "$tmp/fsck"; fail "fsck found problems"; }

# 7. A second node on the same store is refused, clearly.
set +e
"$node_bin" --id county-370102 --jurisdiction 370102 --data "$data" --ingest "ipc://$tmp/other.ipc" 2> "$tmp/locked"
rc=$?
set -e
[[ $rc == 3 ]] && grep -qiE "lock|in use" "$tmp/locked" || fail "locked store: rc $rc, $(cat "$tmp/locked")"

# 8. Bad configuration: clear message, exit 2.
set +e
"$node_bin" --id x --jurisdiction 999999 --data "$tmp/x" 2> "$tmp/badconf"; rc=$?
"$node_bin" --jurisdiction 370102 --data "$tmp/x" 2>> "$tmp/badconf"; rc2=$?
set -e
[[ $rc == 2 && $rc2 == 2 ]] || fail "bad config exit $rc/$rc2"
grep -q "999999" "$tmp/badconf" && grep -q "id" "$tmp/badconf" || fail "bad config message: $(cat "$tmp/badconf")"

# 9. A garbage frame gets an error report; the node goes on.
"$py" - "$endpoint" <<'PY'
import sys, zmq
s = zmq.Context().socket(zmq.REQ)
s.setsockopt(zmq.RCVTIMEO, 10000)
s.connect(sys.argv[1])
s.send(b"\xff\xff\xff\xff garbage")
reply = s.recv()
assert len(reply) > 0 and b"malformed" in reply, reply
PY
"$yiwang" import --mapping "$map" --node "$endpoint" "$tmp/v1.csv" --json > "$tmp/i6.json"
[[ $(field "$tmp/i6.json" new) == 0 ]] || fail "node state changed after garbage"

# 10. SIGTERM: a clean stop, exit 0.
kill -TERM "$node_pid"
wait "$node_pid" || fail "node exit status $? on SIGTERM"
echo "it_node: ok ($objects0 objects, $changed changed, $gone deleted, $total rejections)"
