#!/usr/bin/env bash
# The local stack on loopback: the sandbox plays KooGallery and calls the gateway (the seller's production
# interface) for every SaaS order it sells; the gateway asks the sandbox's order/query for each order's details
# and serves the seller feed; `koodesk sync` pulls that feed into a console store. Runs until Ctrl-C.
# Usage: scripts/demo-gateway.sh [DIR]   (DIR keeps the gateway's database and the store; default: a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -p koodesk-cli >/dev/null
BIN=$PWD/target/debug/koodesk
DIR=${1:-$(mktemp -d /tmp/koodesk-demo-gateway.XXXXXX)}
mkdir -p "$DIR"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SB_PORT=$(free_port)
GW_PORT=$(free_port)
# Demo credentials, shared by the three on this machine only.
export DEMO_INTERFACE_KEY=demo-interface-key-$RANDOM$RANDOM DEMO_FEED_TOKEN=demo-feed-token-$RANDOM$RANDOM
export KOODESK_SANDBOX_AK=AKDEMOGATEWAY0000001 KOODESK_SANDBOX_SK=demo-secret-key-$RANDOM$RANDOM
export DEMO_AK=$KOODESK_SANDBOX_AK DEMO_SK=$KOODESK_SANDBOX_SK
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
"$BIN" gateway --listen "127.0.0.1:$GW_PORT" --database "sqlite:$DIR/gateway.db" \
  --interface-key-env DEMO_INTERFACE_KEY --feed-token-env DEMO_FEED_TOKEN \
  --front-end-url 'https://saas.example.com/login?instance={instanceId}' \
  --open-api "http://127.0.0.1:$SB_PORT" --access-key-env DEMO_AK --secret-key-env DEMO_SK 2>"$DIR/gateway.log" &
PIDS+=($!)
"$BIN" sandbox --port "$SB_PORT" --speed 60 --history-days 7 --feed-token sandbox-demo-token \
  --call-interface "http://127.0.0.1:$GW_PORT/saasproduce" --interface-key-env DEMO_INTERFACE_KEY >"$DIR/sandbox.log" 2>&1 &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$GW_PORT/healthz" >/dev/null && curl -sf "http://127.0.0.1:$SB_PORT/" >/dev/null; do sleep 0.2; done
curl -sf -X POST "http://127.0.0.1:$SB_PORT/admin/orders" -H "Authorization: Bearer sandbox-demo-token" \
  -H 'Content-Type: application/json' -d '{"count":5,"access_type":"saas","order_type":"NEW"}' >/dev/null
echo "KooDesk local stack"
echo "  KooGallery (sandbox)   http://127.0.0.1:$SB_PORT   (an hour of marketplace a minute; sells SaaS orders)"
echo "  gateway                http://127.0.0.1:$GW_PORT/saasproduce   health /healthz, /metrics"
echo "  gateway feed           http://127.0.0.1:$GW_PORT/feed/v1/orders   (Bearer \$DEMO_FEED_TOKEN)"
echo "  console store          $DIR/koodesk.db   (synced every 10 s; Ctrl-C stops all three)"
while true; do
  KOODESK_FEED_TOKEN=$DEMO_FEED_TOKEN "$BIN" sync --db "$DIR/koodesk.db" --feed "http://127.0.0.1:$GW_PORT" --json \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  synced:", r["report"]["items"])' \
    || echo "  sync failed; retrying"
  sleep 10
done
