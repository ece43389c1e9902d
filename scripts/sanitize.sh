#!/usr/bin/env bash
# The test suite again, on builds made to catch memory and threading bugs (clang 14):
#   scripts/sanitize.sh address   AddressSanitizer (leaks too) + UndefinedBehaviorSanitizer, in
#                                 ./build-asan: the unit tests and the end-to-end tests (which run
#                                 that build's herald), with a throwaway PostgreSQL server. The
#                                 same build carries libFuzzer's coverage hooks, so the fuzz
#                                 targets link to its objects (scripts/fuzz.sh build-asan) instead
#                                 of compiling the library a third time.
#   scripts/sanitize.sh thread    ThreadSanitizer, in ./build-tsan: the unit tests of the parts
#                                 that publish on worker threads (the runner, its pool, the daemon)
# With no argument, both. Any report stops the program with exit status 70 and fails the run;
# the sanitizers' options are built in (tests/sanitizer_options.cpp), and ASAN_OPTIONS,
# UBSAN_OPTIONS and TSAN_OPTIONS override them. $HERALD_CMAKE_ARGS go to the configure step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Configures and builds $1 (a build directory) for target $2 with the options that follow.
# -O1 with line tables only: the sanitizers' usual level, with stack traces that name file and
# line, and a shorter compile than the main build's -O2 -g.
build() {
  local build_dir=$1 target=$2
  shift 2
  # A directory configured for another compiler (an older layout) starts again.
  if [ -f "$build_dir/CMakeCache.txt" ] &&
    ! grep -q '^CMAKE_CXX_COMPILER:.*clang++-14$' "$build_dir/CMakeCache.txt"; then
    rm -rf "$build_dir"
  fi
  # shellcheck disable=SC2086
  cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DHERALD_BUILD_TESTS=ON \
    -DHERALD_BUILD_BENCH=OFF -DHERALD_WERROR=ON "$@" ${HERALD_CMAKE_ARGS:-} >/dev/null
  cmake --build "$build_dir" --target "$target" -j"$(nproc)"
}

# Left out under AddressSanitizer, each for a reason:
#   format       checks the sources, not the binary; the main build runs it
#   e2e-package  packages this build's binary (instrumented, unstripped, linked to libasan) and
#                checks it is fit to ship, which it is not meant to be
asan_excluded='^(format|e2e-package)$'

address() {
  local build_dir=${HERALD_ASAN_BUILD_DIR:-build-asan}
  build "$build_dir" all -DHERALD_ENABLE_ASAN=ON -DHERALD_ENABLE_UBSAN=ON -DHERALD_FUZZ=ON
  scripts/pg-test-server.sh run ctest --test-dir "$build_dir" --output-on-failure -j2 \
    -E "$asan_excluded"
}

thread() {
  local build_dir=${HERALD_TSAN_BUILD_DIR:-build-tsan}
  build "$build_dir" herald_threads_unittest -DHERALD_ENABLE_TSAN=ON
  scripts/pg-test-server.sh run "$build_dir/tests/herald_threads_unittest"
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
