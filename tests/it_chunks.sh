#!/usr/bin/env bash
# Integration: `yiwang import` names each chunk of raw rows by a digest, and
# a real yiwang-node answers the chunks it already has unchanged without the
# client normalizing them again. Checks, on files of several chunks (CSV in
# GB18030 and JSON lines): a re-import normalizes nothing and reports what a
# full one does (counts, rejections and their lines); --normalize-all gives
# the same; after another export changed claims the chunks are stale and
# normalized again; one changed row costs one chunk; --full counts the
# objects of known chunks as present; an object written twice with other
# content in one run is not answered from an earlier chunk.
set -euo pipefail
source "$(dirname "$0")/node_lib.sh"

rows=12000 # three chunks of at most 5000 rows
gen() { "$py" "$source/tools/gen_sample.py" --kind vehicle --region 370102 --rows $rows \
          --bad-rate 0.02 --seed 23 "$@"; }
gen --format csv --encoding gb18030 --out "$tmp/v0.csv"
gen --format csv --encoding gb18030 --revision 1 --out "$tmp/v1.csv"
gen --format jsonl --out "$tmp/v0.jsonl"
map=$source/deploy/samples/vehicle-csv.ini
jmap=$source/deploy/samples/vehicle-jsonl.ini
[[ -f $jmap ]] || fail "no JSON-lines mapping at $jmap"

data=$tmp/node
"$node_bin" --id county-370102 --jurisdiction 370102 --data "$data" 2>>"$tmp/node.log" &
pids+=($!)
for _ in $(seq 100); do [[ -S $data/ingest.ipc ]] && break; sleep 0.1; done
[[ -S $data/ingest.ipc ]] || { cat "$tmp/node.log"; fail "node did not start"; }
endpoint=ipc://$data/ingest.ipc

# import NAME FILE [args]: report in NAME.json, the client's chunk trace in NAME.trace
import() {
    local name=$1 file=$2
    shift 2
    YIWANG_IMPORT_TRACE=1 "$yiwang" import --mapping "${MAP:-$map}" --node "$endpoint" \
        "$file" --json "$@" > "$tmp/$name.json" 2> "$tmp/$name.trace"
}
# chunks NAME KNOWN NORMALIZED: what the trace of import NAME says
chunks() {
    grep -q "^yiwang import: $2 chunks known to the node, $3 normalized$" "$tmp/$1.trace" ||
        fail "$1: want $2 chunks known and $3 normalized, got: $(cat "$tmp/$1.trace")"
}
# same A B: the two imports report the same counts
same() {
    "$py" - "$tmp/$1.json" "$tmp/$2.json" <<'EOF' || fail "$1 and $2 report differently"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["rows", "new", "changed", "unchanged", "deleted", "rejected", "rejected_by_reason"]
sys.exit(0 if all(a[k] == b[k] for k in keys) else 1)
EOF
}

"$yiwang" check --mapping "$map" "$tmp/v0.csv" --json --rejects "$tmp/c0.tsv" \
    --emit "$tmp/v0.records" > "$tmp/c0.json" || true
objects0=$("$py" -c "import json,sys; print(len({json.loads(l)['object_code'] for l in open(sys.argv[1])}))" "$tmp/v0.records")

# 1. First import: every chunk normalized, every object new.
import i1 "$tmp/v0.csv"
chunks i1 0 3
[[ $(field "$tmp/i1.json" new) == "$objects0" ]] || fail "i1: new $(field "$tmp/i1.json" new) != $objects0"
"$yiwang" log --data "$data" > "$tmp/log1"
"$yiwang" dump --data "$data" > "$tmp/dump1"

# 2. Re-import: nothing normalized, the same report as a full pass, no event,
#    and the rejections kept again with the lines `yiwang check` gives.
sleep 1 # --since has whole seconds: i1's rejections are before it
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
import i2 "$tmp/v0.csv"
chunks i2 3 0
[[ $(field "$tmp/i2.json" new) == 0 && $(field "$tmp/i2.json" changed) == 0 ]] || fail "i2 made changes"
[[ $(field "$tmp/i2.json" unchanged) == "$(field "$tmp/c0.json" accepted)" ]] || fail "i2: unchanged != accepted"
[[ $(field "$tmp/i2.json" rejected) == "$(field "$tmp/c0.json" rejected)" ]] || fail "i2: rejected != check"
"$yiwang" log --data "$data" > "$tmp/log2"
cmp -s "$tmp/log1" "$tmp/log2" || fail "re-import added events"
"$yiwang" rejects --data "$data" --since "$since" | cut -f4,6 | sort > "$tmp/r2"
cut -f1,3 "$tmp/c0.tsv" | sort > "$tmp/rc"
cmp -s "$tmp/r2" "$tmp/rc" || fail "re-import's rejections (line, reason) differ from check's"

# 3. --normalize-all reports the same.
import i3 "$tmp/v0.csv" --normalize-all
chunks i3 0 3
same i2 i3

# 4. Another export changes claims: the chunks are stale, normalized again,
#    and v0's objects return to v0's content (v1's new cars stay).
import i4 "$tmp/v1.csv"
[[ $(field "$tmp/i4.json" changed) -gt 0 ]] || fail "v1 changed nothing"
import i5 "$tmp/v0.csv"
chunks i5 0 3
[[ $(field "$tmp/i5.json" changed) == "$(field "$tmp/i4.json" changed)" ]] ||
    fail "back to v0: changed $(field "$tmp/i5.json" changed), v1 changed $(field "$tmp/i4.json" changed)"
"$yiwang" dump --data "$data" | cut -f1,3,4 > "$tmp/dump5"
cut -f1,3,4 "$tmp/dump1" | join -t $'\t' - "$tmp/dump5" | awk -F'\t' '$2 != $4 || $3 != $5' > "$tmp/diff5"
[[ $(wc -l < "$tmp/diff5") == 0 && $(join -t $'\t' "$tmp/dump1" "$tmp/dump5" | wc -l) == $(wc -l < "$tmp/dump1") ]] ||
    fail "v0's objects differ from v0's content: $(head -3 "$tmp/diff5")"

# 5. One changed row: one chunk normalized, one object changed.
"$py" - "$tmp/v0.csv" "$tmp/v0b.csv" "$tmp/c0.tsv" 7000 <<'EOF'
import sys
src, out, rejects, near = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
bad = {int(l.split("\t")[0]) for l in open(rejects, encoding="utf-8") if l[0].isdigit()}
lines = open(src, "rb").read().split(b"\r\n")
vins = {}
for line in lines:
    vin = line.split(b",")[5] if line.count(b",") >= 5 else b""
    vins[vin] = vins.get(vin, 0) + 1
for n in range(near, len(lines)):
    line = lines[n - 1]
    cells = line.split(b",")
    if (n not in bad and b'"' not in line and len(cells) == 16 and cells[14].endswith(b"km")
            and vins[cells[5]] == 1):
        cells[14] = b"4242km"
        lines[n - 1] = b",".join(cells)
        break
else:
    sys.exit("no row to change")
open(out, "wb").write(b"\r\n".join(lines))
EOF
import i6 "$tmp/v0b.csv"
chunks i6 2 1
[[ $(field "$tmp/i6.json" changed) == 1 && $(field "$tmp/i6.json" new) == 0 ]] ||
    fail "one changed row: changed $(field "$tmp/i6.json" changed), new $(field "$tmp/i6.json" new)"

# 6. --full: known chunks count as present; a shorter export deletes the rest.
#    A chunk answered from memory is vouched for again only by a run that
#    changed no claim: i6 changed one, so only the chunk it normalized is
#    known to i7; i7 deletes v1's cars (a change), so i7b knows the two
#    chunks i7 normalized; i7b changes nothing, so i7c knows all three.
import i7 "$tmp/v0b.csv" --full
chunks i7 1 2
[[ $(field "$tmp/i7.json" deleted) == "$(field "$tmp/i4.json" new)" ]] ||
    fail "i7: deleted $(field "$tmp/i7.json" deleted), want v1's $(field "$tmp/i4.json" new) new cars"
import i7b "$tmp/v0b.csv" --full
chunks i7b 2 1
import i7c "$tmp/v0b.csv" --full
chunks i7c 3 0
[[ $(field "$tmp/i7c.json" deleted) == 0 ]] || fail "i7c: --full of known chunks deleted $(field "$tmp/i7c.json" deleted)"
head -n 6001 "$tmp/v0b.csv" > "$tmp/head.csv"
"$yiwang" check --mapping "$map" "$tmp/head.csv" --json --emit "$tmp/head.records" > /dev/null || true
kept=$("$py" -c "import json,sys; print(len({json.loads(l)['object_code'] for l in open(sys.argv[1])}))" "$tmp/head.records")
import i8 "$tmp/head.csv" --full
chunks i8 1 1
[[ $(field "$tmp/i8.json" deleted) == $((objects0 - kept)) ]] ||
    fail "i8: deleted $(field "$tmp/i8.json" deleted), want $((objects0 - kept))"

# 7. JSON lines: the same, chunks of lines.
MAP=$jmap import j1 "$tmp/v0.jsonl" --source json-feed
MAP=$jmap import j2 "$tmp/v0.jsonl" --source json-feed
chunks j2 3 0
[[ $(field "$tmp/j2.json" unchanged) == $(( $(field "$tmp/j1.json" new) + $(field "$tmp/j1.json" unchanged) )) ]] ||
    fail "JSON lines re-import: unchanged $(field "$tmp/j2.json" unchanged)"

# 8. A car twice in one export, with other content in a later chunk: the
#    later row wins; when it is dropped, the earlier row applies again.
"$py" - "$tmp/v0.csv" "$tmp/dup.csv" "$tmp/c0.tsv" <<'EOF'
import sys
src, out, rejects = sys.argv[1:4]
bad = {int(l.split("\t")[0]) for l in open(rejects, encoding="utf-8") if l[0].isdigit()}
lines = open(src, "rb").read().split(b"\r\n")
for n in range(100, 4000):
    line = lines[n - 1]
    cells = line.split(b",")
    if n not in bad and b'"' not in line and len(cells) == 16 and cells[14].endswith(b"km"):
        cells[14] = b"777km"
        break
else:
    sys.exit("no row to repeat")
tail = lines[-1] == b""
body = lines[:-1] if tail else lines
body.append(b",".join(cells))
open(out, "wb").write(b"\r\n".join(body + ([b""] if tail else [])))
EOF
import d1 "$tmp/dup.csv" --source dup-feed
import d2 "$tmp/v0.csv" --source dup-feed
[[ $(field "$tmp/d2.json" changed) == 1 ]] ||
    fail "dropping the later row: changed $(field "$tmp/d2.json" changed), want 1 (the earlier row again)"

echo "it_chunks: ok"
