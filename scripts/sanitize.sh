#!/usr/bin/env bash
# The test suite again, on builds made to catch memory and threading bugs:
#   scripts/sanitize.sh address   AddressSanitizer (leaks too) + UndefinedBehaviorSanitizer, in
#                                 ./build-asan: the unit tests and the end-to-end tests (which run
#                                 that build's herald), with a throwaway PostgreSQL server
#   scripts/sanitize.sh thread    ThreadSanitizer, in ./build-tsan: the unit tests of the parts
#                                 that publish on worker threads (the runner, its pool, the daemon)
# With no argument, both. Any report stops the program with exit status 70 and fails the run;
# the sanitizers' options are built in (tests/sanitizer_options.cpp), and ASAN_OPTIONS,
# UBSAN_OPTIONS and TSAN_OPTIONS override them. $HERALD_CMAKE_ARGS go to the configure step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Left out under AddressSanitizer, each for a reason:
#   format       checks the sources, not the binary; the main build runs it
#   e2e-package  packages this build's binary (instrumented, unstripped, linked to libasan) and
#                checks it is fit to ship, which it is not meant to be
asan_excluded='^(format|e2e-package)$'
# The unit test suites whose code runs on more than one thread.
tsan_suites='queue::Runner,queue::PublishPool,app.daemon'

address() {
  local build_dir=${HERALD_ASAN_BUILD_DIR:-build-asan}
  HERALD_BUILD_DIR=$build_dir HERALD_CMAKE_ARGS="-DHERALD_WERROR=ON -DHERALD_ENABLE_ASAN=ON \
    -DHERALD_ENABLE_UBSAN=ON -DHERALD_BUILD_BENCH=OFF ${HERALD_CMAKE_ARGS:-}" scripts/build.sh
  scripts/pg-test-server.sh run ctest --test-dir "$build_dir" --output-on-failure -j2 \
    -E "$asan_excluded"
}

thread() {
  local build_dir=${HERALD_TSAN_BUILD_DIR:-build-tsan}
  HERALD_BUILD_DIR=$build_dir HERALD_CMAKE_ARGS="-DHERALD_WERROR=ON -DHERALD_ENABLE_TSAN=ON \
    -DHERALD_BUILD_BENCH=OFF ${HERALD_CMAKE_ARGS:-}" scripts/build.sh herald_unittest
  scripts/pg-test-server.sh run "$build_dir/tests/herald_unittest" --test-suite="$tsan_suites"
}

case "${1:-all}" in
  address) address ;;
  thread) thread ;;
  all) address && thread ;;
  *)
    echo "usage: scripts/sanitize.sh [address|thread]" >&2
    exit 2
    ;;
esac
