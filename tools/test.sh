#!/usr/bin/env bash
# Installs what is needed, builds with AddressSanitizer + UndefinedBehaviorSanitizer
# and warnings as errors, and runs the whole test suite (unit, integration,
# fuzz-corpus replay). This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
build=${YW_TEST_BUILD:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYW_WERROR=ON -DYW_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
