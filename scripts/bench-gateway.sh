#!/usr/bin/env bash
# The gateway's throughput and p99 (docs/performance.md): signed newInstance + queryInstance through one and
# through two replicas sharing a real PostgreSQL (fsync on, started here in a temporary directory), and one
# replica on SQLite, each beside the in-memory sample interface measured the same way in the same run (the
# floor). Everything on loopback. Usage: scripts/bench-gateway.sh [RUNS] [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SECONDS_PER_RUN=${2:-3}
CONNECTIONS=${3:-32}
cargo build --release --locked -p koodesk-cli >/dev/null
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/koodesk
PG_BIN=${KOODESK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
WORK=$(mktemp -d /tmp/koodesk-bench-gateway.XXXXXX)
cleanup() {
  # The gateways' process IDs are in files: start_gateway runs in a command substitution (a subshell).
  for f in "$WORK"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  for f in "$WORK"/*.pid; do
    [ -e "$f" ] && while kill -0 "$(cat "$f")" 2>/dev/null; do sleep 0.05; done || true
  done
  [ -n "${PG_PID:-}" ] && kill -INT "$PG_PID" 2>/dev/null && wait "$PG_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }
# The server in the background as the process itself (exec), so that PG_PID is the postmaster's and a signal to it
# stops the server instead of a shell waiting for it.
exec_as_pg() { if [ "$(id -u)" = 0 ]; then exec setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else exec "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$WORK"
as_pg "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
exec_as_pg "$PG_BIN/postgres" -D "$WORK/data" -p "$PORT" -k "$WORK" -c listen_addresses=127.0.0.1 -c max_connections=200 \
  2>"$WORK/pg.log" &
PG_PID=$!
until grep -q "ready to accept connections" "$WORK/pg.log"; do
  kill -0 "$PG_PID" 2>/dev/null || { cat "$WORK/pg.log"; exit 1; }
  sleep 0.1
done
export BENCH_KEY=bench-gateway-interface-key-0123 BENCH_TOKEN=bench-gateway-feed-token
start_gateway() { # DATABASE NAME → prints the interface URL
  "$BIN" gateway --listen 127.0.0.1:0 --database "$1" --interface-key-env BENCH_KEY --feed-token-env BENCH_TOKEN \
    --front-end-url 'https://saas.example.com/login?i={instanceId}' --replica "$2" --json >"$WORK/$2.out" 2>"$WORK/$2.err" &
  echo $! >"$WORK/$2.pid"
  until [ -s "$WORK/$2.out" ]; do sleep 0.05; done
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interface_url"])' "$WORK/$2.out"
}
PG_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
A=$(start_gateway "$PG_URL" a)
B=$(start_gateway "$PG_URL" b)
S=$(start_gateway "sqlite:$WORK/gateway.db" s)
ARGS=(--runs "$RUNS" --seconds "$SECONDS_PER_RUN" --connections "$CONNECTIONS" --key-env BENCH_KEY)
echo "== one replica on PostgreSQL =="
"$BIN" bench interface --url "$A" "${ARGS[@]}"
echo "== two replicas on one PostgreSQL =="
"$BIN" bench interface --url "$A" --url "$B" "${ARGS[@]}"
echo "== one replica on SQLite =="
"$BIN" bench interface --url "$S" "${ARGS[@]}"
