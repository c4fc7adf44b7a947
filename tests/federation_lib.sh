# federation_lib.sh - sourced by the integration tests that run a federation of
# real yiwang-hub and yiwang-node processes on 127.0.0.1 (it_faults.sh,
# it_moves.sh). Not a test itself (ctest runs it_*.sh only).
#
#   fed_init                        binaries, $tmp, cleanup on exit
#   fed_hub ID CODE [PARENT_ID]     declare a hub (a free port for its downlink)
#   fed_node ID CODE PARENT_ID      declare a county node
#   fed_start ID / fed_stop ID      start (and wait for its ingest socket) / SIGTERM and wait
#   fed_kill9 ID                    kill -9 and wait for it to be gone
#   fed_digest ID, fed_dump ID      yiwang digest / dump of its store
#   fed_union_digest ID...          digest of the union of some stores' dumps
#   fed_wait_converged HUB ID... S  poll until HUB's digest is that union (S seconds)
#   fed_fsck ID                     yiwang fsck, fail if inconsistent
#
# Synchronization is by polling with a deadline, never by a fixed sleep.
# Processes are tracked by PID; only those started here are ever signalled.

fed_init() {
    build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
    yiwang=$build/node/yiwang node_bin=$build/node/yiwang-node hub_bin=$build/hub/yiwang-hub
    py=/usr/bin/python3; [[ -x $py ]] || py=python3
    tmp=$(mktemp -d)
    declare -gA fed_pid=() fed_code=() fed_parent=() fed_kind=() fed_endpoint=() fed_data=()
    declare -ga fed_ids=()
    trap fed_cleanup EXIT
    if [[ ! -x $hub_bin ]]; then
        echo "SKIP: $hub_bin is not built (no hub yet)" >&2
        exit 0
    fi
}

fed_cleanup() {
    local id
    for id in "${fed_ids[@]}"; do
        if [[ -n ${fed_pid[$id]:-} ]]; then
            { kill -9 "${fed_pid[$id]}"; wait "${fed_pid[$id]}"; } 2>/dev/null || true
        fi
    done
    if [[ -n ${FED_KEEP:-} ]]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}

fail() {
    echo "FAIL: $*" >&2
    local id
    for id in "${fed_ids[@]}"; do
        echo "--- end of $id's log" >&2
        tail -n 8 "$tmp/$id.log" 2>/dev/null >&2 || true
    done
    exit 1
}

fed_free_port() {
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fed_hub() {   # ID CODE [PARENT_ID]
    fed_ids+=("$1")
    fed_kind[$1]=hub fed_code[$1]=$2 fed_parent[$1]=${3:-} fed_data[$1]=$tmp/$1
    fed_endpoint[$1]=tcp://127.0.0.1:$(fed_free_port)
}

fed_node() {  # ID CODE PARENT_ID
    fed_ids+=("$1")
    fed_kind[$1]=node fed_code[$1]=$2 fed_parent[$1]=$3 fed_data[$1]=$tmp/$1
}

fed_alive() { [[ -n ${fed_pid[$1]:-} ]] && kill -0 "${fed_pid[$1]}" 2>/dev/null; }

fed_start() { # ID: starts it with its children and parent from the declarations
    local id=$1 args=(--id "$1" --jurisdiction "${fed_code[$1]}" --data "${fed_data[$1]}") child
    fed_alive "$id" && fail "fed_start $id: already running"
    if [[ -n ${fed_parent[$id]} ]]; then args+=(--parent "${fed_endpoint[${fed_parent[$id]}]}"); fi
    # A process killed with -9 leaves its ipc socket file: readiness is the new one.
    rm -f "${fed_data[$id]}/ingest.ipc"
    if [[ ${fed_kind[$id]} == hub ]]; then
        args+=(--listen "${fed_endpoint[$id]}")
        for child in "${fed_ids[@]}"; do
            if [[ ${fed_parent[$child]} == "$id" ]]; then args+=(--child "$child=${fed_code[$child]}"); fi
        done
        "$hub_bin" "${args[@]}" >>"$tmp/$id.log" 2>&1 &
    else
        "$node_bin" "${args[@]}" >>"$tmp/$id.log" 2>&1 &
    fi
    fed_pid[$id]=$!
    local i
    for i in $(seq 300); do
        [[ -S ${fed_data[$id]}/ingest.ipc ]] && return 0
        fed_alive "$id" || fail "$id exited at start"
        sleep 0.05
    done
    fail "$id did not open its ingest socket in 15 s"
}

fed_stop() {  # ID: SIGTERM, wait for a clean exit
    local id=$1 status=0
    fed_alive "$id" || return 0
    kill -TERM "${fed_pid[$id]}"
    wait "${fed_pid[$id]}" || status=$?
    fed_pid[$id]=
    (( status == 0 )) || fail "$id exited with status $status on SIGTERM"
}

fed_kill9() { # ID
    local id=$1
    fed_alive "$id" || return 0
    { kill -9 "${fed_pid[$id]}"; wait "${fed_pid[$id]}"; } 2>/dev/null || true
    fed_pid[$id]=
}

fed_ingest() { echo "ipc://${fed_data[$1]}/ingest.ipc"; }
fed_dump() { "$yiwang" dump --data "${fed_data[$1]}"; }
fed_digest() { "$yiwang" digest --data "${fed_data[$1]}" 2>/dev/null || echo none; }

# The union of the stores' dumps as a hub merges claims (DESIGN 4.4): per
# object a live claim before tombstones, then the newest version. (Equal
# versions from two origins would go to the smaller origin id, which a dump
# does not show; the tests make no such tie.)
fed_union() {
    local id
    for id in "$@"; do fed_dump "$id"; done \
        | LC_ALL=C sort -t $'\t' -k1,1 -k4,4n -k2,2nr \
        | awk -F '\t' '$1 != previous { print; previous = $1 }'
}
fed_union_digest() { fed_union "$@" | sha256sum | cut -d' ' -f1; }

fed_wait_converged() { # HUB SECONDS ID...: HUB holds exactly the union of the IDs
    local hub=$1 seconds=$2
    shift 2
    local want got deadline=$(( $(date +%s) + seconds ))
    want=$(fed_union_digest "$@")
    while got=$(fed_digest "$hub"); [[ $got != "$want" ]]; do
        if (( $(date +%s) > deadline )); then
            fed_union "$@" > "$tmp/want.dump"
            fed_dump "$hub" > "$tmp/got.dump" 2>/dev/null || true
            echo "$hub: $(wc -l < "$tmp/got.dump") lines, union of $*: $(wc -l < "$tmp/want.dump");" \
                 "first differences:" >&2
            diff "$tmp/want.dump" "$tmp/got.dump" | head -n 6 >&2 || true
            fail "$hub did not converge to the union of $* in $seconds s"
        fi
        sleep 0.2
    done
}

fed_fsck() {  # ID
    "$yiwang" fsck --data "${fed_data[$1]}" > "$tmp/fsck.out" 2>&1 \
        || { cat "$tmp/fsck.out" >&2; fail "fsck $1"; }
}

# The standard topology of issue 4: province, two cities, four counties.
fed_shandong() {
    fed_hub province-370000 370000
    fed_hub city-370100 370100 province-370000
    fed_hub city-370200 370200 province-370000
    fed_node county-370102 370102 city-370100
    fed_node county-370112 370112 city-370100
    fed_node county-370202 370202 city-370200
    fed_node county-370212 370212 city-370200
}
fed_counties=(county-370102 county-370112 county-370202 county-370212)
fed_jinan=(county-370102 county-370112)
fed_qingdao=(county-370202 county-370212)

# Waits until all three hubs hold the union of their counties.
fed_wait_all() { # SECONDS
    fed_wait_converged city-370100 "$1" "${fed_jinan[@]}"
    fed_wait_converged city-370200 "$1" "${fed_qingdao[@]}"
    fed_wait_converged province-370000 "$1" "${fed_counties[@]}"
}

# gen KIND REGION ROWS OFFSET OUT [more gen_sample.py flags]
gen() {
    "$py" "$source/tools/gen_sample.py" --kind "$1" --region "$2" --rows "$3" --id-offset "$4" \
        --out "$5" "${@:6}"
}

# A county's vehicle mapping: the sample with its default region.
fed_mapping() { # CODE -> path
    local out=$tmp/vehicles-$1.ini
    sed -e "/^\[source\]/,/^\[/ s/^region = .*/region = $1/" \
        -e "/^\[source\]/,/^\[/ s/^name = .*/name = vehicles-$1/" \
        "$source/deploy/samples/vehicle-csv.ini" > "$out"
    echo "$out"
}
