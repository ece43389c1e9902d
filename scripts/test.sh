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
# AddressSanitizer + UBSan; the fuzz targets, linked to that build's objects, each over its
# corpus and then briefly on new inputs; the threaded unit tests under ThreadSanitizer; and
# clang-tidy on lib/ and cmd/.
scripts/sanitize.sh address
HERALD_FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh
scripts/sanitize.sh thread
scripts/tidy.sh
