#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, as root: installs what is
# needed (apt-get), builds, and runs `yiwang check` on the bundled sample
# exports of all three kinds in deploy/samples (made by tools/gen_sample.py:
# GB18030 CSV and JSON lines with the mess and bad rows agencies really
# produce), printing the report a user gets and the first rejected rows.
#
#   bash deploy/demo.sh [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ "${1:-}" != "--no-install" ]]; then
    bash tools/install-deps.sh
fi
build=${YW_BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target yiwang >/dev/null
yiwang=$root/$build/node/yiwang

work=$root/$build/demo
mkdir -p "$work"
samples=deploy/samples

show() {   # title mapping file
    echo
    echo "=== $1"
    local name
    name=$(basename "$3")
    echo "\$ yiwang check --mapping $2 $3 --rejects $name.rejects.tsv"
    "$yiwang" check --mapping "$2" "$3" --rejects "$work/$name.rejects.tsv" \
        --emit "$work/$name.accepted.jsonl"
    echo "--- first rejected rows (line, field, reason, value, message):"
    head -n 5 "$work/$name.rejects.tsv"
}

show "公务用车 vehicles, 历下区 (GB18030 CSV)" $samples/vehicle-csv.ini $samples/vehicles-370102.csv
show "公务用车 vehicles, 市南区 (JSON lines)" $samples/vehicle-jsonl.ini $samples/vehicles-370202.jsonl
show "办公用房 office buildings, 历下区 (GB18030 CSV)" $samples/office-csv.ini $samples/offices-370102.csv
show "公务接待 reception filings, 历下区 (GB18030 CSV)" $samples/reception-csv.ini $samples/receptions-370102.csv

echo
echo "=== the coding standard at the command line"
"$yiwang" codebook region 370102 371202 || true
"$yiwang" codebook validate vin 1M8GDM9AXKP042788 1M8GDM9AYKP042788 || true
echo
echo "Samples, rejects and accepted records are in $work"
