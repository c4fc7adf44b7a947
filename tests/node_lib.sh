# node_lib.sh - sourced by the integration tests that run one real
# yiwang-node (it_node.sh, it_dump.sh, it_chunks.sh). Not a test itself
# (ctest runs it_*.sh only).
#
#   $build $source $yiwang $node_bin $py   what the tests run
#   $tmp                                   scratch directory, removed on exit (KEEP=1 keeps it)
#   pids+=(PID)                            processes killed on exit
#   fail MESSAGE                           says FAIL and exits 1
#   field FILE.json KEY                    a top-level value of a JSON file

build=${YW_BUILD_DIR:?} source=${YW_SOURCE_DIR:?}
yiwang=$build/node/yiwang node_bin=$build/node/yiwang-node
py=/usr/bin/python3; [[ -x $py ]] || py=python3
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; [[ -n ${KEEP:-} ]] || rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { "$py" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
