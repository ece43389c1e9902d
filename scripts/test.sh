#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine, builds herald with its tests (warnings are
# errors here) and runs the whole suite: unit tests, end-to-end tests of the real binary, the
# examples and the man page lint.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DHERALD_WERROR=ON
ctest --test-dir "${HERALD_BUILD_DIR:-build}" --output-on-failure -j2
