#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the example calendar through the
# stub platform: validate, plan, then three cron ticks at chosen times (--now), so that you
# see posts fire. Nothing leaves the machine; the posts land in a temporary outbox.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh herald

build_dir=${HERALD_BUILD_DIR:-build}
[[ $build_dir = /* ]] || build_dir=$PWD/$build_dir
herald=$build_dir/cmd/herald
work=$(mktemp -d -t herald-demo.XXXXXX)
cp -r examples/herald.yaml examples/media "$work/"
cd "$work"
export HERALD_STATE=$work/state.db
export HERALD_CALENDAR=$work/herald.yaml

step() {
  printf '\n$ herald %s\n' "${*:2}"
  "$@"
}

# --now: the example's launch week, which the ticks below replay.
step "$herald" validate --now 2026-11-30T00:00:00Z
step "$herald" plan --from 2026-11-30T00:00:00Z --days 8
# Cron would run `herald run` every minute; here five ticks at chosen times (--now) stand in.
# The first one is where herald sees the calendar for the first time: nothing is due yet.
step "$herald" run --now 2026-11-30T08:00:00Z
step "$herald" run --now 2026-11-30T09:00:20Z
step "$herald" run --now 2026-11-30T16:00:30Z
step "$herald" run --now 2026-12-01T08:00:30Z
step "$herald" run --now 2026-12-01T08:30:10Z
step "$herald" status
step "$herald" history
printf '\nThe outbox (one JSON file per published post):\n'
find outbox -type f | sort
printf '\n%s:\n' "outbox/mastodon/v2-thread~masto.json"
cat outbox/mastodon/v2-thread~masto.json
printf '\nEverything is in %s\n' "$work"
