#!/usr/bin/env bash
# Configures and builds herald into ./build (or $HERALD_BUILD_DIR).
# Usage: scripts/build.sh [cmake --build target] ; $HERALD_CMAKE_ARGS go to the configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HERALD_BUILD_DIR:-build}
target=${1:-all}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_BUILD_TESTS=ON \
  ${HERALD_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" --target "$target" -j"$(nproc)"
