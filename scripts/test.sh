#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds herald with its tests (warnings are
# errors here) and runs the whole suite: unit tests, end-to-end tests of the real binary, the
# examples and the man page lint; then the same under sanitizers, the fuzz targets and
# clang-tidy. The PostgreSQL tests run against a throwaway server that
# scripts/pg-test-server.sh starts as an unprivileged user on loopback and stops afterwards;
# when it cannot start, the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
HERALD_CMAKE_ARGS="-DHERALD_WERROR=ON ${HERALD_CMAKE_ARGS:-}" scripts/build.sh
scripts/pg-test-server.sh run ctest --test-dir "${HERALD_BUILD_DIR:-build}" --output-on-failure -j2
# Then the bug-finding builds (clang 14), each failing the run on any report: the suite under
# AddressSanitizer + UBSan; the threaded unit tests under ThreadSanitizer; the fuzz targets,
# linked to the ASan build's objects, each over its corpus and then briefly on new inputs; and
# clang-tidy on lib/ and cmd/.
scripts/sanitize.sh address
scripts/sanitize.sh thread
# A fuzz target runs on one core for a fixed time, so clang-tidy runs beside the fuzzing on both
# cores: the targets run fewer inputs while they share a core, and clang-tidy, which needs some
# 18 minutes of one core, ends a few minutes after them instead of some ten.
tidy_log=${HERALD_BUILD_DIR:-build}/tidy.log
HERALD_TIDY_JOBS=2 scripts/tidy.sh >"$tidy_log" 2>&1 &
tidy=$!
fuzz_status=0
HERALD_FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh || fuzz_status=$?
tidy_status=0
wait "$tidy" || tidy_status=$?
cat "$tidy_log"
if [ "$fuzz_status" -ne 0 ] || [ "$tidy_status" -ne 0 ]; then
  echo "test: fuzzing exited with $fuzz_status, clang-tidy with $tidy_status" >&2
  exit 1
fi
