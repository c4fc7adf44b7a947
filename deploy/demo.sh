#!/usr/bin/env bash
# The demo federation (issue 4), on a fresh Debian 12 machine as root:
# installs what is needed (apt-get), builds (Release), and starts on
# 127.0.0.1 a province hub, two city hubs and four county nodes:
#
#   province-370000 山东省  yiwang-hub
#   ├── city-370100 济南市  yiwang-hub
#   │   ├── county-370102 历下区  yiwang-node
#   │   └── county-370112 历城区  yiwang-node
#   └── city-370200 青岛市  yiwang-hub
#       ├── county-370202 市南区  yiwang-node
#       └── county-370212 崂山区  yiwang-node
#
# Each county imports realistic generated registries (tools/gen_sample.py):
# its fleet as GB18030 CSV, its office buildings as GB18030 CSV and its
# reception filings as JSON lines, with a few percent of bad rows. 历下区's
# last five cars are also in 市南区's registry: a finding only the province
# can see (fewer than five when one of those rows is a bad one).
# The demo waits until every hub holds exactly the union of its counties
# (yiwang digest), then prints the province-wide view by city and county and
# the rejections by county and reason.
#
#   bash deploy/demo.sh [--no-install] [--keep]
#
#   --no-install  do not run tools/install-deps.sh
#   --keep        leave the federation running for exploration (endpoints,
#                 data directories and example commands are printed) until
#                 Ctrl-C; without it every process the demo started is
#                 stopped when it ends
#
# Everything lives under build/demo/ (removed at the start of each run);
# YW_BUILD=DIR builds elsewhere than build/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

install=1 keep=0
for arg in "$@"; do
    case $arg in
        --no-install) install=0 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "demo.sh: unknown argument '$arg' (--no-install, --keep)" >&2; exit 2 ;;
    esac
done

if (( install )); then
    bash tools/install-deps.sh
fi
py=/usr/bin/python3; [[ -x $py ]] || py=python3

build=${YW_BUILD:-build}
[[ $build == /* ]] || build=$root/$build
echo "== building (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target yiwang yiwang-node yiwang-hub >/dev/null
yiwang=$build/node/yiwang node_bin=$build/node/yiwang-node hub_bin=$build/hub/yiwang-hub
for binary in "$yiwang" "$node_bin" "$hub_bin"; do
    [[ -x $binary ]] || { echo "demo.sh: $binary was not built" >&2; exit 1; }
done

work=$build/demo
rm -rf "$work"
mkdir -p "$work/samples" "$work/mappings" "$work/logs"

# ----------------------------------------------------------- the federation
province=370000
cities=(370100 370200)
declare -A counties_of=([370100]="370102 370112" [370200]="370202 370212")
counties=(370102 370112 370202 370212)
# Object numbers of each county's cars (gen_sample.py --id-offset): disjoint,
# except that 市南区's first five cars are 历下区's last five.
vehicle_rows=800 building_rows=150 filing_rows=300
declare -A car_offset=([370102]=0 [370112]=100000 [370202]=$(( vehicle_rows - 5 )) [370212]=200000)
declare -A seed=([370102]=1 [370112]=2 [370202]=3 [370212]=4)

declare -A name id_of data_of pid_of endpoint_of
for code in $province "${cities[@]}" "${counties[@]}"; do
    name[$code]=$("$yiwang" codebook region "$code" | cut -f2 | sed 's| /.*||')
done
id_of[$province]=province-$province
for code in "${cities[@]}"; do id_of[$code]=city-$code; done
for code in "${counties[@]}"; do id_of[$code]=county-$code; done
for code in $province "${cities[@]}" "${counties[@]}"; do data_of[$code]=$work/${id_of[$code]}; done

# Free TCP ports for the hubs' downlinks, chosen now.
read -r -a ports < <("$py" -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
endpoint_of[$province]=tcp://127.0.0.1:${ports[0]}
endpoint_of[370100]=tcp://127.0.0.1:${ports[1]}
endpoint_of[370200]=tcp://127.0.0.1:${ports[2]}

pids=()
stop_all() {
    local pid
    (( ${#pids[@]} )) || return 0
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        (( alive )) || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    pids=()
}
trap stop_all EXIT
trap 'echo; echo "== stopping"; exit 0' INT TERM

die() {
    echo "demo.sh: $*" >&2
    exit 1
}

# Every process the demo started must still run.
check_alive() {
    local code
    for code in "${!pid_of[@]}"; do
        if ! kill -0 "${pid_of[$code]}" 2>/dev/null; then
            echo "demo.sh: ${id_of[$code]} stopped; the end of its log ($work/logs/${id_of[$code]}.log):" >&2
            tail -n 20 "$work/logs/${id_of[$code]}.log" >&2
            exit 1
        fi
    done
}

# start CODE PROGRAM ARGS...: starts a node or hub and waits for its ingest socket.
start() {
    local code=$1 program=$2
    shift 2
    "$program" --id "${id_of[$code]}" --jurisdiction "$code" --data "${data_of[$code]}" "$@" \
        >>"$work/logs/${id_of[$code]}.log" 2>&1 &
    pid_of[$code]=$!
    pids+=($!)
    for _ in $(seq 200); do
        [[ -S ${data_of[$code]}/ingest.ipc ]] && return 0
        check_alive
        sleep 0.05
    done
    die "${id_of[$code]} did not open its ingest socket in 10 s (log: $work/logs/${id_of[$code]}.log)"
}

echo "== starting the federation on 127.0.0.1"
start $province "$hub_bin" --listen "${endpoint_of[$province]}" \
    --child "${id_of[370100]}=370100" --child "${id_of[370200]}=370200"
printf '   %-16s %s %-8s %-10s listens on %s\n' "${id_of[$province]}" $province "${name[$province]}" \
    yiwang-hub "${endpoint_of[$province]}"
for city in "${cities[@]}"; do
    children=()
    for county in ${counties_of[$city]}; do children+=(--child "${id_of[$county]}=$county"); done
    start "$city" "$hub_bin" --listen "${endpoint_of[$city]}" --parent "${endpoint_of[$province]}" \
        "${children[@]}"
    printf '   %-16s %s %-8s %-10s listens on %s, parent %s\n' "${id_of[$city]}" "$city" \
        "${name[$city]}" yiwang-hub "${endpoint_of[$city]}" "${id_of[$province]}"
    for county in ${counties_of[$city]}; do
        start "$county" "$node_bin" --parent "${endpoint_of[$city]}"
        printf '   %-16s %s %-8s %-10s parent %s\n' "${id_of[$county]}" "$county" \
            "${name[$county]}" yiwang-node "${id_of[$city]}"
    done
done

# ------------------------------------------------------ data at each county
echo
echo "== generating each county's registries (tools/gen_sample.py) and importing them"
# mapping SAMPLE KIND CODE: a county's copy of a sample mapping with its own
# default region and source name.
mapping() {
    local out=$work/mappings/$3-$2.ini
    sed -e "/^\[source\]/,/^\[/ s/^region = .*/region = $3/" \
        -e "/^\[source\]/,/^\[/ s/^name = .*/name = county-$3-$2/" "deploy/samples/$1" > "$out"
    echo "$out"
}
# import COUNTY LABEL MAPPING FILE: imports, then says what the node made of it.
import() {
    local county=$1 label=$2 mapping=$3 file=$4 out=$work/logs/import-$(basename "$4").json
    if ! "$yiwang" import --node "ipc://${data_of[$county]}/ingest.ipc" --json --mapping "$mapping" \
        "$file" > "$out"; then
        die "yiwang import of $file into ${id_of[$county]} failed (exit status above)"
    fi
    "$py" -c '
import json, sys
r = json.load(open(sys.argv[2]))
print("     %-28s %5d rows: %5d new, %3d rejected" % (sys.argv[1], r["rows"], r["new"], r["rejected"]))
' "$label" "$out"
}
for county in "${counties[@]}"; do
    gen=("$py" tools/gen_sample.py --region "$county" --bad-rate 0.04 --seed "${seed[$county]}")
    vehicles=$work/samples/$county-vehicles.csv
    buildings=$work/samples/$county-offices.csv
    filings=$work/samples/$county-receptions.jsonl
    "${gen[@]}" --kind vehicle --rows $vehicle_rows --id-offset "${car_offset[$county]}" \
        --format csv --encoding gb18030 --out "$vehicles"
    "${gen[@]}" --kind office_building --rows $building_rows --format csv --encoding gb18030 \
        --out "$buildings"
    "${gen[@]}" --kind reception_filing --rows $filing_rows --format jsonl --out "$filings"
    echo "   ${id_of[$county]} ${name[$county]}"
    import "$county" "公务用车 $(basename "$vehicles")" \
        "$(mapping vehicle-csv.ini vehicles "$county")" "$vehicles"
    import "$county" "办公用房 $(basename "$buildings")" \
        "$(mapping office-csv.ini offices "$county")" "$buildings"
    import "$county" "公务接待 $(basename "$filings")" \
        "$(mapping reception-jsonl.ini receptions "$county")" "$filings"
done

# -------------------------------------------------------------- convergence
# The union of county dumps, merged as a hub merges claims (DESIGN 4.4): per
# object, a live claim over a tombstone, then the newest version.
union_digest() {
    local code
    for code in "$@"; do "$yiwang" dump --data "${data_of[$code]}"; done \
        | LC_ALL=C sort -t $'\t' -k1,1 -k4,4n -k2,2nr \
        | awk -F '\t' '$1 != previous { print; previous = $1 }' \
        | sha256sum | cut -d' ' -f1
}
echo
echo "== waiting for the hubs to converge"
started=$(date +%s%N)
for hub in "${cities[@]}" $province; do
    if [[ $hub == "$province" ]]; then members=("${counties[@]}"); else read -r -a members <<< "${counties_of[$hub]}"; fi
    want=$(union_digest "${members[@]}")
    deadline=$(( $(date +%s) + 120 ))
    while got=$("$yiwang" digest --data "${data_of[$hub]}" 2>/dev/null || true); [[ $got != "$want" ]]; do
        check_alive
        if (( $(date +%s) > deadline )); then
            echo "demo.sh: ${id_of[$hub]} did not converge in 120 s:" >&2
            echo "  its digest:             ${got:-(no store yet)}" >&2
            echo "  union of its counties:  $want" >&2
            echo "  compare: yiwang dump --data ${data_of[$hub]}  with the counties' dumps;" >&2
            echo "  logs: $work/logs/" >&2
            exit 1
        fi
        sleep 0.2
    done
    objects=$("$yiwang" dump --data "${data_of[$hub]}" | wc -l)
    elapsed=$(( ($(date +%s%N) - started) / 100000000 ))
    printf '   %-16s %s %s = the union of %s: %s objects, digest %.16s… (after %d.%d s)\n' \
        "${id_of[$hub]}" "$hub" "${name[$hub]}" \
        "$(for m in "${members[@]}"; do printf '%s ' "${name[$m]}"; done | sed 's/ $//')" \
        "$objects" "$got" $(( elapsed / 10 )) $(( elapsed % 10 ))
done

# ----------------------------------------------------------- the view
echo
echo "== the province-wide view: yiwang summary --data ${data_of[$province]#"$root"/}"
"$yiwang" summary --data "${data_of[$province]}"

echo
echo "== rejected rows, by county and reason (each county keeps its own: yiwang rejects --data DIR)"
for county in "${counties[@]}"; do
    "$yiwang" rejects --data "${data_of[$county]}" | sed "s/^/$county\t/"
done | "$py" -c '
import re, sys
names = dict(arg.split("=", 1) for arg in sys.argv[1:])
counties = list(names)
counts, text = {}, {}
for line in sys.stdin:
    cells = line.rstrip("\n").split("\t")
    county, reason, message = cells[0], cells[6], cells[-1]
    counts.setdefault(reason, dict.fromkeys(counties, 0))[county] += 1
    m = re.search(r"\(([^()]*)\)\s*$", message)
    if m and reason not in text:
        text[reason] = m.group(1)
def width(s):
    return sum(2 if ord(c) >= 0x2e80 else 1 for c in s)
def pad(s, n):
    return " " * max(0, n - width(s)) + s
head = "   %-16s" % "reason" + "".join(pad(c + " " + names[c], 16) for c in counties)
print(head)
for reason in sorted(counts, key=lambda r: (-sum(counts[r].values()), r)):
    print("   %-16s" % reason + "".join(pad(str(counts[reason][c]), 16) for c in counties)
          + "   " + text.get(reason, ""))
print("   %-16s" % "total" + "".join(pad(str(sum(v[c] for v in counts.values())), 16) for c in counties))
' $(for c in "${counties[@]}"; do printf '%s=%s ' "$c" "${name[$c]}"; done)

if (( ! keep )); then
    echo
    echo "Done; every process is stopped. Run with --keep to explore the running federation."
    exit 0
fi

rel() { echo "${1#"$root"/}"; }
cat <<EOF

== the federation keeps running (Ctrl-C stops every process)

   province hub   ${endpoint_of[$province]}   data $(rel "${data_of[$province]}")
   city hubs      ${endpoint_of[370100]}   data $(rel "${data_of[370100]}")
                  ${endpoint_of[370200]}   data $(rel "${data_of[370200]}")
   county nodes   ingest ipc://$(rel "${data_of[370102]}")/ingest.ipc (and the other three)
   logs           $(rel "$work/logs")/   samples and mappings $(rel "$work/samples")/ $(rel "$work/mappings")/

   Try, from $root:
     $(rel "$yiwang") summary --data $(rel "${data_of[370100]}")                 # 济南市's view
     $(rel "$yiwang") summary --data $(rel "${data_of[$province]}") --region 3702 --json
     $(rel "$yiwang") digest --data $(rel "${data_of[$province]}") --region 370102
     $(rel "$yiwang") digest --data $(rel "${data_of[370102]}")
     $(rel "$yiwang") dump --data $(rel "${data_of[$province]}") | head
     $(rel "$yiwang") rejects --data $(rel "${data_of[370212]}") | head
     $(rel "$yiwang") fsck --data $(rel "${data_of[$province]}")
     # a later export of 历下区's fleet: changes and disposals travel up
     $py tools/gen_sample.py --kind vehicle --region 370102 --rows $vehicle_rows --seed 1 --revision 1 \\
         --out /tmp/v1.csv
     $(rel "$yiwang") import --node ipc://$(rel "${data_of[370102]}")/ingest.ipc --full \\
         --mapping $(rel "$work/mappings")/370102-vehicles.ini /tmp/v1.csv
     $(rel "$yiwang") summary --data $(rel "${data_of[$province]}") --region 370102

EOF
while true; do
    check_alive
    sleep 1
done
