#!/usr/bin/env bash
# Runs the WebDriver smoke test of the desktop binary: starts tauri-driver, waits for it, runs the test, stops it.
# Expects a display (make desktop runs it under xvfb-run and dbus-run-session).
set -euo pipefail
cd "$(dirname "$0")/.."
APP=$(realpath "${1:-target/debug/koodesk-desktop}")
PATH="$HOME/.cargo/bin:$PATH"
# The app inherits this through tauri-driver and WebKitWebDriver: a fresh sandbox workspace of its own.
KOODESK_DATA_DIR=$(mktemp -d)
export KOODESK_DATA_DIR
tauri-driver --port 4444 >/tmp/tauri-driver.$$.log 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true; rm -rf /tmp/tauri-driver.$$.log "$KOODESK_DATA_DIR"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break
  sleep 0.1
done
if ! KOODESK_DESKTOP="$APP" node --test tests/desktop/; then
  echo "--- tauri-driver log" >&2; cat /tmp/tauri-driver.$$.log >&2
  exit 1
fi
