#!/usr/bin/env bash
# Integration (DESIGN 8, issue 4): faults in a three-level federation of real
# processes on 127.0.0.1 - province hub, two city hubs, four county nodes.
#
#  1. Parents down while children import: the counties import with no hub
#     running; the cities come up and catch up, then the province does.
#  2. kill -9 storm: while every county keeps importing larger revisions of
#     its fleet (--full: new cars, changes, tombstones), random processes
#     (counties, cities, the province) are killed with SIGKILL at random
#     moments, 20 times, and restarted. Afterwards every hub holds
#     exactly the union of its counties (digests), nothing lost and nothing
#     doubled (no origin batch or event twice in a hub's log), and fsck finds
#     every store consistent.
#  3. A parent going down mid-operation: 济南市 and the province stop, the
#     counties import again, 青岛市 keeps up alone, then 济南市 and the
#     province come back and catch up.
#
# YW_FAULT_SEED=N replays the same kill schedule; YW_FAULT_ROWS sets the cars
# per county in the storm (default 10000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/federation_lib.sh"
fed_init
fed_shandong

seed=${YW_FAULT_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
rows=${YW_FAULT_ROWS:-10000}
echo "it_faults: seed $seed, $rows cars per county in the storm"
declare -A offset=([county-370102]=0 [county-370112]=100000 [county-370202]=200000
                   [county-370212]=300000)
declare -A map=()
for county in "${fed_counties[@]}"; do map[$county]=$(fed_mapping "${fed_code[$county]}"); done

# import COUNTY FILE [--full]: one import; returns its exit status.
import() {
    "$yiwang" import --node "$(fed_ingest "$1")" --mapping "${map[$1]}" --timeout 5 "${@:3}" "$2" \
        >>"$tmp/import-$1.log" 2>&1
}

# ------------------------------------------------ 1. parents down, then up
for county in "${fed_counties[@]}"; do
    gen vehicle "${fed_code[$county]}" 3000 "${offset[$county]}" "$tmp/$county-0.csv" --seed 1
    fed_start "$county"
done
for county in "${fed_counties[@]}"; do
    import "$county" "$tmp/$county-0.csv" --full || fail "import at $county with its parent down"
done
fed_start city-370100
fed_start city-370200
fed_wait_converged city-370100 90 "${fed_jinan[@]}"
fed_wait_converged city-370200 90 "${fed_qingdao[@]}"
fed_start province-370000
fed_wait_converged province-370000 90 "${fed_counties[@]}"
echo "it_faults: 1. parents down while children imported: caught up ($(fed_dump province-370000 | wc -l) objects)"

# ------------------------------------------------------- 2. kill -9 storm
for county in "${fed_counties[@]}"; do
    for revision in 1 2 3; do
        gen vehicle "${fed_code[$county]}" "$rows" "${offset[$county]}" \
            "$tmp/$county-$revision.csv" --seed $(( revision + 1 )) --revision $revision
    done
done
# Each county keeps the federation busy for the whole storm: it imports
# revisions 1, 2, 3, 1, 2 ... of its fleet (--full: every import changes
# odometers and states and deletes or brings back cars) until the storm is
# over, each again after every failure (its node killed or not yet back):
# an import is idempotent.
importer() {
    trap - EXIT
    local county=$1 revision=1 attempts=0 imports=0
    until [[ -e $tmp/storm-over ]] && (( imports >= 2 )); do
        until import "$county" "$tmp/$county-$revision.csv" --full; do
            attempts=$(( attempts + 1 ))
            (( attempts < 200 )) || { echo "importer $county gave up" >&2; exit 1; }
        done
        imports=$(( imports + 1 )) revision=$(( revision % 3 + 1 ))
    done
    echo "$imports $attempts" > "$tmp/$county.imported"
}
importers=()
for county in "${fed_counties[@]}"; do
    importer "$county" &
    importers+=($!)
done

kills=0 started=$(date +%s)
declare -A killed=()
while (( kills < 20 )); do
    (( $(date +%s) - started < 120 )) || fail "storm: only $kills kills in 120 s"
    # random moments: 0 to 0.7 s apart; down for 0 to 0.4 s
    sleep "0.$(( RANDOM % 8 ))"
    victim=${fed_ids[$(( RANDOM % ${#fed_ids[@]} ))]}
    fed_kill9 "$victim"
    kills=$(( kills + 1 ))
    killed[$victim]=$(( ${killed[$victim]:-0} + 1 ))
    sleep "0.$(( RANDOM % 5 ))"
    fed_start "$victim"
done
touch "$tmp/storm-over"
for pid in "${importers[@]}"; do
    wait "$pid" || fail "an importer failed (see $tmp/import-*.log)"
done
summary="" imports=0 retries=0
for id in "${fed_ids[@]}"; do summary+=" $id:${killed[$id]:-0}"; done
for county in "${fed_counties[@]}"; do
    read -r done cut < "$tmp/$county.imported"
    imports=$(( imports + done )) retries=$(( retries + cut ))
done
echo "it_faults: 2. $kills kills in $(( $(date +%s) - started )) s while the counties made $imports full imports ($retries cut by a kill and done again):$summary"
(( ${#killed[@]} >= 3 )) || fail "the storm killed only ${!killed[*]}"

fed_wait_all 150
for id in "${fed_ids[@]}"; do fed_fsck "$id"; done
# Nothing doubled on the way up: each hub's log relays every origin batch once.
for hub in city-370100 city-370200 province-370000; do
    "$yiwang" log --data "${fed_data[$hub]}" | "$py" -c '
import json, sys
seen, batches = set(), {}
for line in sys.stdin:
    e = json.loads(line)
    key = (e["origin_node"], e["origin_seq"], e["event"])
    assert key not in seen, "event twice in the log: %r" % (key,)
    seen.add(key)
    prior = batches.setdefault((e["origin_node"], e["origin_seq"]), e["seq"])
    assert prior == e["seq"], "origin batch %r at link seqs %d and %d" % (key[:2], prior, e["seq"])
' || fail "$hub relayed something twice"
done
# The cars each county exported last are exactly the live ones upstairs.
for county in "${fed_counties[@]}"; do
    live=$("$yiwang" dump --data "${fed_data[province-370000]}" --region "${fed_code[$county]}" | grep -c $'\t0$' || true)
    want=$("$yiwang" dump --data "${fed_data[$county]}" | grep -c $'\t0$' || true)
    [[ $live == "$want" ]] || fail "province: $live live cars of $county, the county has $want"
done
echo "it_faults: 2. converged: $(fed_dump province-370000 | wc -l) objects, digest $(fed_digest province-370000 | cut -c1-16)…, fsck consistent on all 7 stores"

# ------------------------------------------- 3. a parent down mid-operation
fed_stop province-370000
fed_stop city-370100
for county in "${fed_counties[@]}"; do
    gen vehicle "${fed_code[$county]}" "$rows" "${offset[$county]}" "$tmp/$county-4.csv" \
        --seed 5 --revision 4
    import "$county" "$tmp/$county-4.csv" --full || fail "import at $county while a parent is down"
done
fed_wait_converged city-370200 90 "${fed_qingdao[@]}"
[[ $(fed_digest city-370100) != "$(fed_union_digest "${fed_jinan[@]}")" ]] \
    || fail "revision 3 changed nothing in 济南市"
fed_start city-370100
fed_wait_converged city-370100 90 "${fed_jinan[@]}"
fed_start province-370000
fed_wait_converged province-370000 90 "${fed_counties[@]}"
for id in "${fed_ids[@]}"; do fed_fsck "$id"; done
# A clean stop after all that.
for id in "${fed_ids[@]}"; do fed_stop "$id"; done
echo "it_faults: 3. parents down mid-operation: caught up; ok"
