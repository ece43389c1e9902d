#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with AddressSanitizer and UBSan) into
# ./build-fuzz and runs each one: over its seed corpus (tests/fuzz/corpus/<name>), then on new
# inputs for $HERALD_FUZZ_SECONDS seconds (default 15). A crash, leak, timeout or sanitizer
# report fails the run; the input that caused it is kept in build-fuzz/findings/<name>/ (add it
# to the corpus with a regression test once fixed). New inputs found go to build-fuzz, never
# into the source tree.
# Usage: scripts/fuzz.sh [name...]   (names as in tests/fuzz/fuzz_<name>.cpp; default: all)
#        $HERALD_FUZZ_BUILD_DIR: another build directory (scripts/test.sh passes build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HERALD_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${HERALD_FUZZ_SECONDS:-15}
# A fixed seed by default, so that a CI run walks the same inputs each time and a red run can be
# repeated; HERALD_FUZZ_SEED=0 lets libFuzzer pick one (longer exploratory runs).
seed=${HERALD_FUZZ_SEED:-1}

# A build directory already configured with HERALD_FUZZ=ON (scripts/sanitize.sh address makes
# one, whose objects serve the fuzz targets too) is used as it is.
if ! grep -qs '^HERALD_FUZZ:BOOL=ON$' "$build_dir/CMakeCache.txt"; then
  cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="${HERALD_FUZZ_CXX:-clang++-14}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_FUZZ=ON -DHERALD_BUILD_TESTS=OFF \
    -DHERALD_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target fuzz_targets -j"$(nproc)"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for source in tests/fuzz/fuzz_*.cpp; do
    name=${source#tests/fuzz/fuzz_}
    names+=("${name%.cpp}")
  done
fi

failed=()
for name in "${names[@]}"; do
  binary=$build_dir/tests/fuzz/fuzz_$name
  corpus=tests/fuzz/corpus/$name
  work=$build_dir/fuzz-work/$name
  findings=$build_dir/findings/$name
  log=$build_dir/fuzz-logs/$name.log
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  # -timeout: one input taking this long is a hang; -rss_limit_mb: a runaway allocation.
  if "$binary" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$work" "$corpus" </dev/null >"$log" 2>&1; then
    echo "fuzz $name: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" |
      grep -o '[0-9]*$' || echo '?') inputs)"
  else
    echo "fuzz $name: FAILED; the input is in $findings/, the log in $log:" >&2
    grep -A30 -E '^==[0-9]+==|runtime error|deadly signal|Test unit written' "$log" | head -60 >&2
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
