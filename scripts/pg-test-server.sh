#!/usr/bin/env bash
# A private PostgreSQL server for tests (issue 13, docs/LEDGER.md "Testing"): its own data
# directory, Unix socket directory and TCP port on 127.0.0.1, trust authentication.
#   scripts/pg-test-server.sh start DIR   initdb + start; prints the server's URL
#                                          (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg-test-server.sh stop DIR    stops it (DIR is left for the caller to remove)
#   scripts/pg-test-server.sh url DIR     prints the URL of a running server
# As root the server runs as the 'postgres' user (PostgreSQL refuses root). PORT may be set
# in the environment; otherwise a free port is picked. Needs Debian's postgresql package
# (scripts/deps.sh test).
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || {
  echo "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; run scripts/deps.sh test" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    # The server outlives this script: it must not keep the caller's descriptors open (a
    # caller that waits for EOF on a pipe, as Foundation's Process does, would wait forever).
    for fd in /proc/$$/fd/*; do
      n=${fd##*/}
      if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    mkdir -p "$dir/data" "$dir/socket"
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/data" "$dir/socket"; fi
    port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2; exit 1; }
    # fsync off: test data, and the machine is shared. The log stays in DIR for failures.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/socket/server.log" -w -t 60 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
      start >/dev/null || { cat "$dir/socket/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    ;;
  url)
    echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
    ;;
  *) echo "usage: $0 start|stop|url DIR" >&2; exit 2 ;;
esac
