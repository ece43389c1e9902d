#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for herald's tests, never a system one:
#   scripts/pg-test-server.sh run COMMAND...   starts a cluster, runs COMMAND with HERALD_TEST_PG
#                                              set to its URL, stops it and deletes it
#   scripts/pg-test-server.sh start DIR        starts a cluster in the empty directory DIR and
#                                              prints the lines to source (export HERALD_TEST_PG=...)
#   scripts/pg-test-server.sh restart DIR      restarts it (a test of reconnecting clients)
#   scripts/pg-test-server.sh stop DIR         stops it and deletes DIR
# The cluster listens on 127.0.0.1 at a free port and on a Unix socket in DIR, as an
# unprivileged user (`postgres` or `nobody` when run as root), with a random password (scram).
# HERALD_PG_FSYNC=on keeps fsync (the benchmarks); the tests run without it.
set -euo pipefail

fail() {
  echo "pg-test-server: $*" >&2
  exit 1
}

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] ||
    fail "no PostgreSQL server found (/usr/lib/postgresql/*/bin/initdb); run scripts/install-deps.sh"
  echo "$dir"
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=$1
  local bin
  bin=$(bindir)
  owner=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    chown "$owner" "$dir"
  fi
  chmod 700 "$dir"
  local password port
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf '%s\n' "$password" >"$dir/pwfile"
  chown "$owner" "$dir/pwfile" 2>/dev/null || true
  as_owner "$bin/initdb" -D "$dir/data" -U herald --pwfile="$dir/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; fail "initdb failed in $dir"; }
  rm -f "$dir/pwfile"
  local fsync=${HERALD_PG_FSYNC:-off}
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
        -c fsync=$fsync -c full_page_writes=$fsync -c max_connections=200" start >/dev/null ||
    { cat "$dir/server.log" >&2; fail "the server did not start (log above)"; }
  echo "$port" >"$dir/port"
  echo "export HERALD_TEST_PG='postgresql://herald@127.0.0.1:$port/postgres'"
  echo "export PGPASSWORD='$password'"
  echo "export HERALD_TEST_PG_PASSWORD='$password'"
  echo "export HERALD_TEST_PG_DIR='$dir'"
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] || fail "no cluster in $dir"
  local bin
  bin=$(bindir)
  owner=$(stat -c %U "$dir/data")
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

restart() {
  local dir=$1
  [ -d "$dir/data" ] || fail "no cluster in $dir"
  local bin
  bin=$(bindir)
  owner=$(stat -c %U "$dir/data")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null ||
    { cat "$dir/server.log" >&2; fail "the server did not restart (log above)"; }
}

case "${1:-}" in
  start)
    [ $# -eq 2 ] || fail "usage: $0 start DIR"
    start "$2"
    ;;
  restart)
    [ $# -eq 2 ] || fail "usage: $0 restart DIR"
    restart "$2"
    ;;
  stop)
    [ $# -eq 2 ] || fail "usage: $0 stop DIR"
    stop "$2"
    ;;
  run)
    shift
    [ $# -ge 1 ] || fail "usage: $0 run COMMAND..."
    dir=$(mktemp -d /tmp/herald-pg.XXXXXX)
    trap 'stop "$dir"' EXIT
    eval "$(start "$dir")"
    "$@"
    ;;
  *)
    fail "usage: $0 run COMMAND... | start DIR | restart DIR | stop DIR"
    ;;
esac
