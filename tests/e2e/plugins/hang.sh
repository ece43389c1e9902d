#!/bin/sh
# A deliberately broken herald plugin, for the end-to-end tests: it never reads its input,
# ignores SIGTERM and SIGHUP, and leaves a child behind; `hang.sh PIDFILE` writes both pids.
trap '' TERM HUP
sleep 3600 &
echo "$$ $!" >"${1:-/dev/null}"
wait
