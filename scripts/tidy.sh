#!/usr/bin/env bash
# clang-tidy (the checks in .clang-tidy) on every C++ file of lib/ and cmd/, with the compile
# commands of a configured build (./build or $HERALD_BUILD_DIR; scripts/build.sh writes them).
# Any finding fails. Arguments go to run-clang-tidy, e.g. -fix. $HERALD_TIDY_JOBS: how many
# files at once (default: one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HERALD_BUILD_DIR:-build}
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "tidy: no $build_dir/compile_commands.json: configure the build first (scripts/build.sh)" >&2
  exit 1
fi
# The build may be GCC's: clang does not know all of its warning options.
run-clang-tidy-14 -p "$build_dir" -j"${HERALD_TIDY_JOBS:-$(nproc)}" -quiet -extra-arg=-Wno-unknown-warning-option "$@" \
  "^$PWD/(lib|cmd)/"
