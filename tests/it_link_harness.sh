#!/usr/bin/env bash
# Integration (DESIGN 5.1, 8; issue 4): a real yiwang-hub against a child that
# misbehaves (tests/link_harness.py): duplicated, reordered, garbage and
# truncated batches, and events outside the child's jurisdiction. The
# batches are a real node's outbound log. The hub skips duplicates, answers
# a gap with the seq it expects, refuses the foreign events with a reason
# and applies the rest of their batch, never applies a truncated batch, and
# goes on serving its other children; once the child resumes, the hub holds
# exactly the source's records of the child's jurisdiction.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/federation_lib.sh"
fed_init
command -v protoc >/dev/null || fail "protoc is missing (tools/install-deps.sh installs it)"
"$py" -c 'import zmq, google.protobuf' 2>/dev/null || fail "python3-zmq / python3-protobuf missing"
protoc -I"$source/proto" --python_out="$tmp" "$source/proto/yiwang.proto"

# The source: a node of 济南市 whose log holds six origin batches; the fourth
# has 30 cars of 历下区 and 10 of 历城区.
fed_node source-370100 370100 ""
fed_hub city-370100 370100
fed_node county-370102 370102 city-370100   # played by the harness, never started
fed_node county-370112 370112 city-370100
fed_start source-370100
map=$(fed_mapping 370102)
piece() {   # ROWS OFFSET REGION OUT
    gen vehicle "$3" "$1" "$2" "$4" --bad-rate 0 --dup-rate 0 --seed 9
}
imp() { "$yiwang" import --node "$(fed_ingest source-370100)" --mapping "$map" "$1" > /dev/null; }
for offset in 0 40 80; do piece 40 $offset 370102 "$tmp/p$offset.csv"; imp "$tmp/p$offset.csv"; done
piece 30 120 370102 "$tmp/mixed.csv"
piece 10 5000 370112 "$tmp/foreign.csv"
tail -n +2 "$tmp/foreign.csv" >> "$tmp/mixed.csv"
imp "$tmp/mixed.csv"
for offset in 160 200; do piece 40 $offset 370102 "$tmp/p$offset.csv"; imp "$tmp/p$offset.csv"; done
fed_stop source-370100
[[ $("$yiwang" log --data "${fed_data[source-370100]}" | wc -l) == 240 ]] || fail "source log: not 240 events"

# The hub knows the harness as county-370102, allowed 370102 only.
harness() { "$py" "$here/link_harness.py" "$tmp" "${fed_endpoint[city-370100]}" county-370102 370102 \
              "${fed_data[source-370100]}" "$1"; }
fed_start city-370100
harness faults || fail "harness, faults phase"
fed_alive city-370100 || fail "the hub died"
[[ $(fed_dump city-370100 | wc -l) == 150 ]] || fail "the hub holds $(fed_dump city-370100 | wc -l) objects after batches 1-4, want 150"
[[ $("$yiwang" rejects --data "${fed_data[city-370100]}" | wc -l) == 10 ]] \
    || fail "the hub keeps $("$yiwang" rejects --data "${fed_data[city-370100]}" | wc -l) rejections, want 10"

# The hub still serves its other children.
fed_start county-370112
piece 25 7000 370112 "$tmp/licheng.csv"
"$yiwang" import --node "$(fed_ingest county-370112)" --mapping "$(fed_mapping 370112)" "$tmp/licheng.csv" > /dev/null
deadline=$(( $(date +%s) + 60 ))
until [[ $("$yiwang" digest --data "${fed_data[city-370100]}" --region 370112) == $(fed_digest county-370112) ]]; do
    (( $(date +%s) < deadline )) || fail "county-370112 did not reach the hub after the harness's faults"
    sleep 0.2
done
echo "it_link_harness: the hub serves county-370112 after the faults"

# An operator restarts the hub; the child resumes where the hub says.
fed_stop city-370100
fed_start city-370100
harness resume || fail "harness, resume phase"
[[ $("$yiwang" digest --data "${fed_data[city-370100]}" --region 370102) == \
   $("$yiwang" digest --data "${fed_data[source-370100]}" --region 370102) ]] \
    || fail "the hub's 370102 differs from the source's"
[[ $("$yiwang" dump --data "${fed_data[city-370100]}" --region 370112 | wc -l) == 25 ]] \
    || fail "foreign events of the harness reached the hub's 370112"
fed_fsck city-370100
fed_stop county-370112
fed_stop city-370100
echo "it_link_harness: ok"
