#!/usr/bin/env bash
# Integration: the external-adapter examples against a real yiwang-node.
# The C example (node/adapter.h) sends a pipe-separated fleet export, the
# Python example (stock protoc + Debian's python3-zmq/python3-protobuf, no
# yiwang code at all) a CSV file; both are run twice (the second run makes
# no new events), the C one once more in small pipelined batches and once
# with --full over a shorter export (tombstones). The reports, the stored
# rejections and the node's outbound log are checked; last, a stopped node
# must give a timeout, not a hang.
set -euo pipefail
build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
node_bin=$build/node/yiwang-node yiwang=$build/node/yiwang
example=$build/node/yiwang-example-adapter
py=/usr/bin/python3   # Debian's, with python3-zmq and python3-protobuf
tmp=$(mktemp -d)
pids=()
cleanup() {
    local status=$?
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    if [[ $status != 0 && -s $tmp/node.log ]]; then
        echo "--- node log (last 80 lines)" >&2
        tail -n 80 "$tmp/node.log" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# value KEY FILE: the number after KEY in a report ("new        12")
value() { awk -v key="$1" '$1 == key { print $2; exit }' "$2"; }
expect() {   # expect FILE KEY VALUE
    local got
    got=$(value "$2" "$1")
    [[ $got == "$3" ]] || { cat "$1"; fail "$1: $2 is '$got', want $3"; }
}

data=$tmp/node
endpoint=ipc://$data/ingest.ipc
start_node() {
    "$node_bin" --id test --jurisdiction 370102 --data "$data" --ingest "$endpoint" \
        2>>"$tmp/node.log" &
    node_pid=$!
    pids+=("$node_pid")
    for _ in $(seq 100); do [[ -S $data/ingest.ipc ]] && return 0; sleep 0.1; done
    cat "$tmp/node.log"; fail "node did not start"
}

# --- inputs -----------------------------------------------------------------
# Good cars from the sample generator; the C example gets them as the
# pipe-separated export it reads, with one car whose VIN check digit is
# wrong and one line with a column missing. Python gets other cars as CSV,
# with one bad date and one value that is not UTF-8.
"$py" "$source/tools/gen_sample.py" --kind vehicle --region 370102 --rows 120 --bad-rate 0 \
    --dup-rate 0 --seed 5 --encoding utf-8 --lf --out "$tmp/fleet.csv"
"$py" "$source/tools/gen_sample.py" --kind vehicle --region 370102 --rows 60 --bad-rate 0 \
    --dup-rate 0 --seed 6 --id-offset 5000 --encoding utf-8 --lf --out "$tmp/py.csv"
"$py" - "$tmp" <<'PY'
import csv, sys
tmp = sys.argv[1]
rows = list(csv.reader(open(f"{tmp}/fleet.csv", encoding="utf-8", newline="")))
header, cars = rows[0], rows[1:]
# the example's column names (node/adapters/example_fleet.c)
rename = {"使用单位统一社会信用代码": "使用单位代码"}
keep = ["使用单位统一社会信用代码", "所属区划", "车牌号", "车架号", "车辆类型", "车身类型",
        "燃料类型", "品牌型号", "排量", "购置价格", "购置日期", "使用状态", "行驶里程"]
index = [header.index(k) for k in keep]
clean = lambda v: v.replace("\r", " ").replace("\n", " ").replace("|", "/")
vin = keep.index("车架号")

def write(path, cars, bad):
    with open(path, "w", encoding="utf-8") as out:
        out.write("# 历下区机关事务服务中心 公务用车台账 (test export)\n")
        out.write("|".join(rename.get(k, k) for k in keep) + "\n")
        for car in cars:
            out.write("|".join(clean(car[i]) for i in index) + "\n")
        if bad:
            # line 3 + len(cars): a wrong VIN check digit; the next: a column missing
            bad_car = [clean(cars[0][i]) for i in index]
            v = bad_car[vin]
            bad_car[vin] = v[:8] + ("0" if v[8] != "0" else "1") + v[9:]
            bad_car[keep.index("车牌号")] = ""
            out.write("|".join(bad_car) + "\n")
            out.write("|".join(bad_car[:-1]) + "\n")

# the bad car repeats the first car's fields but not its (corrupted) VIN
write(f"{tmp}/fleet.txt", cars, True)
write(f"{tmp}/fleet-short.txt", cars[3:], True)     # three cars disposed of

# Python's CSV: the last car replaced by one with a date that does not exist
# and one with a value that is not UTF-8 (GBK bytes of 公务).
rows = list(csv.reader(open(f"{tmp}/py.csv", encoding="utf-8", newline="")))
header, cars = rows[0], rows[1:]
bad_date = list(cars[-1]); bad_date[header.index("购置日期")] = "2021年13月1日"
bad_text = list(cars[-1]); bad_text[header.index("品牌型号")] = "@BAD@"
with open(f"{tmp}/py-bad.csv", "w", encoding="utf-8", newline="") as out:
    csv.writer(out, lineterminator="\n").writerows([header] + cars[:-1] + [bad_date, bad_text])
data = open(f"{tmp}/py-bad.csv", "rb").read()
open(f"{tmp}/py-bad.csv", "wb").write(data.replace(b"@BAD@", b"\xb9\xab\xce\xf1"))
# where the last record starts: files end in a newline, the bad ones have none inside
open(f"{tmp}/py-bad.line", "w").write(str(data.count(b"\n")))
PY
good=120
py_good=59            # the last generated row is replaced by the two bad ones
bad_line=$((3 + good)) short_line=$((4 + good))

protoc --python_out="$tmp" -I "$source/proto" yiwang.proto
python_adapter() {
    PYTHONPATH=$tmp "$py" "$source/node/adapters/example_adapter.py" --node "$endpoint" \
        --kind vehicle --region 370102 --source py-fleet \
        --column 使用单位统一社会信用代码=unit_code --column 所属区划=region_code \
        --column 车牌号=plate --column 车架号=vin --column 车辆类型=category \
        --column 车身类型=body_type --column 燃料类型=energy_type --column 品牌型号=brand_model \
        --column 排量=displacement_ml --column 购置价格=purchase_price \
        --column 购置日期=purchase_date --column 使用状态=status --column 行驶里程=odometer_km \
        "$@" "$tmp/py-bad.csv"
}

start_node

# --- the C example ----------------------------------------------------------
"$example" --node "$endpoint" --source c-fleet --region 370102 "$tmp/fleet.txt" > "$tmp/c1.out"
expect "$tmp/c1.out" rows $((good + 2))
expect "$tmp/c1.out" new $good
expect "$tmp/c1.out" unchanged 0
expect "$tmp/c1.out" rejected 2
expect "$tmp/c1.out" VIN_CHECK 1
grep -q "^line $bad_line: VIN_CHECK " "$tmp/c1.out" || fail "no VIN_CHECK sample at line $bad_line"
grep -q "^line $short_line: BAD_CSV 12 columns, the header has 13" "$tmp/c1.out" \
    || fail "no BAD_CSV sample at line $short_line"

# Again: nothing new, every car unchanged.
"$example" --node "$endpoint" --source c-fleet --region 370102 "$tmp/fleet.txt" > "$tmp/c2.out"
expect "$tmp/c2.out" new 0
expect "$tmp/c2.out" changed 0
expect "$tmp/c2.out" unchanged $good
expect "$tmp/c2.out" rejected 2

# Small batches, many in flight at the real node: same totals.
"$example" --node "$endpoint" --source c-fleet --region 370102 --batch 7 "$tmp/fleet.txt" \
    > "$tmp/c3.out"
expect "$tmp/c3.out" rows $((good + 2))
expect "$tmp/c3.out" unchanged $good
expect "$tmp/c3.out" rejected 2

# --- the Python example -----------------------------------------------------
python_adapter > "$tmp/p1.out" 2> "$tmp/p1.err" || { cat "$tmp/p1.err"; fail "python adapter"; }
expect "$tmp/p1.out" rows $((py_good + 2))
expect "$tmp/p1.out" new $py_good
expect "$tmp/p1.out" rejected 2
expect "$tmp/p1.out" DATE_RANGE 1
expect "$tmp/p1.out" BAD_ENCODING 1
grep -q "^line $(cat "$tmp/py-bad.line"): BAD_ENCODING " "$tmp/p1.out" || fail "no BAD_ENCODING sample"
python_adapter --batch 10 --window 3 > "$tmp/p2.out" 2> "$tmp/p2.err" \
    || { cat "$tmp/p2.err"; fail "python adapter, second run"; }
expect "$tmp/p2.out" new 0
expect "$tmp/p2.out" changed 0
expect "$tmp/p2.out" unchanged $py_good

# --- a full export without three cars: three tombstones, of c-fleet only ----
"$example" --node "$endpoint" --source c-fleet --region 370102 --full "$tmp/fleet-short.txt" \
    > "$tmp/c4.out"
expect "$tmp/c4.out" deleted 3
expect "$tmp/c4.out" unchanged $((good - 3))
expect "$tmp/c4.out" new 0

# --- what the node kept ------------------------------------------------------
"$yiwang" log --data "$data" > "$tmp/log"
"$py" - "$tmp/log" $((good + py_good)) <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
objects = int(sys.argv[2])
live = [e for e in events if not e["deleted"]]
gone = [e for e in events if e["deleted"]]
assert len(live) == objects, (len(live), objects)
assert len(gone) == 3, len(gone)
assert len({e["object_code"] for e in live}) == objects
assert {e["object_code"] for e in gone} <= {e["object_code"] for e in live}
PY
"$yiwang" rejects --data "$data" > "$tmp/rejects"
for reason in VIN_CHECK BAD_CSV DATE_RANGE BAD_ENCODING; do
    grep -q "$reason" "$tmp/rejects" || { cat "$tmp/rejects"; fail "no stored $reason rejection"; }
done

# --- a node that is gone: a timeout with a clear message, exit status 3 -----
kill -TERM "$node_pid"
wait "$node_pid" || fail "node did not stop cleanly"
status=0
"$example" --node "$endpoint" --timeout 1 "$tmp/fleet.txt" > /dev/null 2> "$tmp/dead.err" \
    || status=$?
[[ $status == 3 ]] || fail "dead node: exit status $status, want 3"
grep -q "no report from the node at $endpoint" "$tmp/dead.err" || fail "dead node: $(cat "$tmp/dead.err")"
status=0
python_adapter --timeout 1 > /dev/null 2> "$tmp/dead-py.err" || status=$?
[[ $status == 3 ]] || fail "dead node (python): exit status $status, want 3"
grep -q "no report from the node" "$tmp/dead-py.err" || fail "python: $(cat "$tmp/dead-py.err")"
echo "it_adapter: ok"
