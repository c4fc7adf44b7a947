#!/usr/bin/env bash
# Integration (DESIGN 4.4, issue 4): a car moves from one county to another,
# through different cities, and every level converges to the new county's
# record whatever order the old county's delete (a --full export without the
# car) and the new county's record are made and arrive in:
#
#   round  car moves             made first   arrives first   how
#   1      历下区 -> 市南区        delete       delete          one after the other
#   2      崂山区 -> 历城区        record       record          one after the other
#   3      历下区 -> 市南区        delete       record          济南市 down while 历下区 deletes
#   4      崂山区 -> 历城区        record       delete          济南市 down while 历城区 records
#
# While both claims are live upstairs the car is a finding (two live claims);
# once the delete has arrived it is not. At the end every hub holds exactly
# the union of its counties, the car counts in its new region only, and
# fsck finds every store consistent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/federation_lib.sh"
fed_init
fed_shandong

declare -A offset=([county-370102]=0 [county-370112]=1000 [county-370202]=2000
                   [county-370212]=3000)
declare -A map=()
for county in "${fed_counties[@]}"; do map[$county]=$(fed_mapping "${fed_code[$county]}"); done
for id in "${fed_ids[@]}"; do fed_start "$id"; done

# cars COUNTY ROWS OFFSET [--full]: the county exports cars OFFSET.. (clean rows,
# one per car) and imports them.
cars() {
    local county=$1 file=$tmp/$1-$2-$3.csv
    gen vehicle "${fed_code[$county]}" "$2" "$3" "$file" --bad-rate 0 --dup-rate 0 --seed 1
    "$yiwang" import --node "$(fed_ingest "$county")" --mapping "${map[$county]}" "${@:4}" "$file" \
        > /dev/null || fail "import at $county"
}
# code_of NUMBER: object code of car NUMBER (the same in every region: VIN).
code_of() {
    gen vehicle 370102 1 "$1" "$tmp/one.csv" --bad-rate 0 --dup-rate 0
    "$yiwang" check --mapping "${map[county-370102]}" "$tmp/one.csv" --emit "$tmp/one.jsonl" > /dev/null
    "$py" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["object_code"])' "$tmp/one.jsonl"
}
line_of() { fed_dump "$1" | grep "^$2" || true; }   # ID CODE
live_claims() {  # ID CODE: live claims of the object at a hub (from summary's findings)
    "$yiwang" summary --data "${fed_data[$1]}" --json | "$py" -c '
import json, sys
s = json.load(sys.stdin)
print(next((f["live_claims"] for f in s["finding_examples"] if f["object_code"] == sys.argv[1]), 1))' "$2"
}
wait_line() {  # ID CODE WANT SECONDS
    local deadline=$(( $(date +%s) + $4 ))
    until [[ $(line_of "$1" "$2") == "$3" ]]; do
        (( $(date +%s) <= deadline )) || fail "$1: $2 is '$(line_of "$1" "$2")', want '$3'"
        sleep 0.2
    done
}

for county in "${fed_counties[@]}"; do cars "$county" 200 "${offset[$county]}" --full; done
fed_wait_all 90
echo "it_moves: 4 counties, $(fed_dump province-370000 | wc -l) cars converged"

# Round 1: the delete is made and arrives first.
x1=$(code_of 199)
cars county-370102 199 0 --full
old=$(line_of county-370102 "$x1")
[[ $old == *$'\t1' ]] || fail "round 1: 历下区 did not delete $x1: '$old'"
wait_line province-370000 "$x1" "$old" 60
cars county-370202 1 199
new=$(line_of county-370202 "$x1")
wait_line province-370000 "$x1" "$new" 60
fed_wait_all 60
[[ $(live_claims province-370000 "$x1") == 1 ]] || fail "round 1: $x1 still a finding"
echo "it_moves: round 1 (delete first, arrives first): $x1 is 市南区's at the province"

# Round 2: the record is made and arrives first: a finding until the delete comes.
x2=$(code_of 3199)
cars county-370112 1 3199
new=$(line_of county-370112 "$x2")
wait_line province-370000 "$x2" "$new" 60
[[ $(live_claims province-370000 "$x2") == 2 ]] || fail "round 2: $x2 should be claimed live twice"
cars county-370212 199 3000 --full
fed_wait_all 60
[[ $(line_of province-370000 "$x2") == "$new" ]] || fail "round 2: $x2 is not 历城区's"
[[ $(live_claims province-370000 "$x2") == 1 ]] || fail "round 2: $x2 still a finding"
echo "it_moves: round 2 (record first, arrives first): $x2 is 历城区's at the province"

# Round 3: the delete is made first but arrives last (济南市 is down).
x3=$(code_of 198)
fed_stop city-370100
cars county-370102 198 0 --full
cars county-370202 1 198
new=$(line_of county-370202 "$x3")
wait_line province-370000 "$x3" "$new" 60
[[ $(live_claims province-370000 "$x3") == 2 ]] || fail "round 3: $x3 should be claimed live twice"
fed_start city-370100
fed_wait_all 60
[[ $(line_of province-370000 "$x3") == "$new" ]] || fail "round 3: $x3 is not 市南区's"
[[ $(live_claims province-370000 "$x3") == 1 ]] || fail "round 3: $x3 still a finding"
echo "it_moves: round 3 (delete first, arrives last): $x3 is 市南区's at the province"

# Round 4: the record is made first but arrives last (济南市 is down).
x4=$(code_of 3198)
fed_stop city-370100
cars county-370112 1 3198
cars county-370212 198 3000 --full
old=$(line_of county-370212 "$x4")
[[ $old == *$'\t1' ]] || fail "round 4: 崂山区 did not delete $x4: '$old'"
wait_line province-370000 "$x4" "$old" 60
fed_start city-370100
new=$(line_of county-370112 "$x4")
wait_line province-370000 "$x4" "$new" 60
fed_wait_all 60
echo "it_moves: round 4 (record first, arrives last): $x4 is 历城区's at the province"

# Everywhere: each moved car counts in its new region only, nowhere twice.
for pair in "$x1 370202" "$x3 370202" "$x2 370112" "$x4 370112"; do
    set -- $pair
    for hub in province-370000 city-370100 city-370200; do
        line=$(line_of "$hub" "$1")
        case $hub:$2 in
            province-370000:*|city-370100:3701*|city-370200:3702*)
                [[ $line == *$'\t0' ]] || fail "$hub: $1 not live: '$line'"
                "$yiwang" dump --data "${fed_data[$hub]}" --region "$2" | grep "^$1" > /dev/null \
                    || fail "$hub: $1 not in region $2" ;;
            *)  # the city of the old county knows only the delete
                [[ $line == *$'\t1' ]] || fail "$hub: $1 should be deleted there: '$line'" ;;
        esac
    done
    for old_region in 370102 370212; do
        if "$yiwang" dump --data "${fed_data[province-370000]}" --region "$old_region" \
            | grep "^$1" > /dev/null; then
            fail "province: $1 still in $old_region"
        fi
    done
done
[[ $("$yiwang" summary --data "${fed_data[province-370000]}" --json \
    | "$py" -c 'import json, sys; print(json.load(sys.stdin)["findings"])') == 0 ]] \
    || fail "findings left at the province"
for id in "${fed_ids[@]}"; do fed_fsck "$id"; done
echo "it_moves: ok"
