#!/usr/bin/env bash
# Integration (issue 4): county -> city -> province replication with real
# processes on 127.0.0.1:
#
#   province-370000 (山东省)
#     city-370100 (济南市): county-370102 (历下区), county-370103 (市中区)
#     city-370200 (青岛市): county-370202 (市南区), county-370203 (市北区)
#
# 1. Each county imports generated data of its own (GB18030 CSV or JSON
#    lines, bad rows included) with `yiwang import`; every level converges:
#    each city holds exactly the union of its counties, the province the
#    union of all four (object code, version, content hash, deleted).
# 2. 济南市 is down while its counties import changes and new cars; it
#    comes back and they catch up, through to the province.
# 3. 青岛市 is rebuilt from nothing while its counties' logs are pruned
#    (retention 0): the counties send it snapshots, and the city, having
#    nothing of that in its log, sends the province a snapshot in turn.
# Synchronization is by polling with deadlines, never by fixed sleeps.
set -euo pipefail
build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
yiwang=$build/node/yiwang node_bin=$build/node/yiwang-node hub_bin=$build/hub/yiwang-hub
py=/usr/bin/python3; [[ -x $py ]] || py=python3
tmp=$(mktemp -d)
declare -A pid=() code=() parent=() kind=() endpoint=() args=()
ids=()
cleanup() {
    local id
    for id in "${ids[@]}"; do [[ -n ${pid[$id]:-} ]] && kill -9 "${pid[$id]}" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    local id
    for id in "${ids[@]}"; do echo "--- $id" >&2; tail -n 5 "$tmp/$id.log" >&2 || true; done
    exit 1
}
port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

declare_hub() { ids+=("$1"); kind[$1]=hub code[$1]=$2 parent[$1]=${3:-}; endpoint[$1]=tcp://127.0.0.1:$(port); }
declare_node() { ids+=("$1"); kind[$1]=node code[$1]=$2 parent[$1]=$3; }

start() { # ID [extra flags]
    local id=$1 child
    shift
    local a=(--id "$id" --jurisdiction "${code[$id]}" --data "$tmp/$id" --retention 0 "$@")
    [[ -n ${parent[$id]} ]] && a+=(--parent "${endpoint[${parent[$id]}]}")
    rm -f "$tmp/$id/ingest.ipc"
    if [[ ${kind[$id]} == hub ]]; then
        a+=(--listen "${endpoint[$id]}" --heartbeat 500ms)
        for child in "${ids[@]}"; do
            [[ ${parent[$child]} == "$id" ]] && a+=(--child "$child=${code[$child]}")
        done
        "$hub_bin" "${a[@]}" >>"$tmp/$id.log" 2>&1 &
    else
        "$node_bin" "${a[@]}" >>"$tmp/$id.log" 2>&1 &
    fi
    pid[$id]=$!
    for _ in $(seq 300); do
        [[ -S $tmp/$id/ingest.ipc ]] && return 0
        kill -0 "${pid[$id]}" 2>/dev/null || fail "$id exited at start"
        sleep 0.05
    done
    fail "$id did not start"
}
stop() { # ID: SIGTERM, expect a clean exit
    local status=0
    kill -TERM "${pid[$1]}"
    wait "${pid[$1]}" || status=$?
    pid[$1]=
    (( status == 0 )) || fail "$1 exited with $status on SIGTERM"
}

declare_hub province-370000 370000
declare_hub city-370100 370100 province-370000
declare_hub city-370200 370200 province-370000
declare_node county-370102 370102 city-370100
declare_node county-370103 370103 city-370100
declare_node county-370202 370202 city-370200
declare_node county-370203 370203 city-370200
jinan=(county-370102 county-370103) qingdao=(county-370202 county-370203)
counties=("${jinan[@]}" "${qingdao[@]}")
declare -A offset=([county-370102]=0 [county-370103]=100000 [county-370202]=200000
                   [county-370203]=300000)
declare -A format=([county-370102]=csv [county-370103]=jsonl [county-370202]=csv
                   [county-370203]=jsonl)

# A county's mapping: the sample of its format with its own default region.
mapping() {
    local out=$tmp/map-$1.ini
    sed -e "s/^region = .*/region = ${code[$1]}/" -e "s/^name = .*/name = vehicles-$1/" \
        "$source/deploy/samples/vehicle-${format[$1]}.ini" > "$out"
    echo "$out"
}
# import COUNTY ROWS [gen_sample flags]: generate its export and import it
import() {
    local id=$1 rows=$2
    shift 2
    local file=$tmp/$id-$RANDOM.${format[$id]}
    "$py" "$source/tools/gen_sample.py" --kind vehicle --region "${code[$id]}" --rows "$rows" \
        --id-offset "${offset[$id]}" --format "${format[$id]}" --bad-rate 0.02 --seed 5 \
        --out "$file" "$@"
    "$yiwang" import --mapping "$(mapping "$id")" --node "ipc://$tmp/$id/ingest.ipc" \
        --json "$file" > "$file.report" || fail "$id: import failed"
}

dump() { "$yiwang" dump --data "$tmp/$1"; }
digest() { "$yiwang" digest --data "$tmp/$1" 2>/dev/null || echo none; }
# The union of stores: their cars are distinct, so the union of their dumps.
union_digest() {
    local id
    for id in "$@"; do dump "$id"; done | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}
converged() { # SECONDS HUB ID...: HUB holds exactly the union of the IDs
    local seconds=$1 hub=$2 want got
    shift 2
    local deadline=$(( SECONDS + seconds ))
    want=$(union_digest "$@")
    while got=$(digest "$hub"); [[ $got != "$want" ]]; do
        if (( SECONDS > deadline )); then
            for id in "$@"; do dump "$id"; done | LC_ALL=C sort > "$tmp/want"
            dump "$hub" > "$tmp/got" || true
            diff "$tmp/want" "$tmp/got" | head -n 5 >&2 || true
            fail "$hub: not the union of $* after $seconds s ($(wc -l < "$tmp/got") objects, want $(wc -l < "$tmp/want"))"
        fi
        sleep 0.2
    done
}
all_converged() {
    converged "$1" city-370100 "${jinan[@]}"
    converged "$1" city-370200 "${qingdao[@]}"
    converged "$1" province-370000 "${counties[@]}"
}

for id in "${ids[@]}"; do start "$id"; done

# 1. Every county imports its own data; every level converges.
importers=()
for id in "${counties[@]}"; do import "$id" 1500 & importers+=($!); done
for p in "${importers[@]}"; do wait "$p" || fail "an import failed"; done
all_converged 60
objects=$(dump province-370000 | wc -l)
(( objects > 5000 )) || fail "province holds only $objects objects"
for id in "${ids[@]}"; do "$yiwang" fsck --data "$tmp/$id" > /dev/null || fail "fsck $id"; done
echo "it_replication: 4 counties, 2 cities, 1 province converged ($objects objects)"

# 2. 济南市 down while its counties import; back up, they catch up.
stop city-370100
import county-370102 1500 --revision 1        # changes, retirements
import county-370103 1800                     # 300 new cars
start city-370100
all_converged 60
grep -q "HELLO again\|welcomes" "$tmp/county-370102.log" || fail "county-370102 never resumed"
echo "it_replication: 济南市 was down during imports; its counties caught up"

# 3. 青岛市 rebuilt from nothing; the counties' logs are pruned (retention 0).
for id in "${qingdao[@]}"; do
    deadline=$(( SECONDS + 30 ))
    until "$yiwang" log --data "$tmp/$id" | cmp -s - /dev/null; do
        (( SECONDS < deadline )) || fail "$id: log not pruned"
        sleep 0.2
    done
done
stop city-370200
rm -rf "$tmp/city-370200"
import county-370203 1500 --revision 1
start city-370200
all_converged 60
for id in "${qingdao[@]}"; do
    grep -q "snapshot applied by the parent" "$tmp/$id.log" || fail "$id sent no snapshot"
done
grep -q "snapshot applied by the parent" "$tmp/city-370200.log" \
    || fail "city-370200 sent the province no snapshot"
for id in "${ids[@]}"; do "$yiwang" fsck --data "$tmp/$id" > /dev/null || fail "fsck $id"; done
echo "it_replication: 青岛市 rebuilt: snapshots from its counties, and from it to the province"

for id in "${ids[@]}"; do stop "$id"; done
echo "it_replication: ok"
