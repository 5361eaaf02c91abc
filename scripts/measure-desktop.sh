#!/usr/bin/env bash
# Startup time and idle memory of the release desktop app, each beside a minimal Tauri window measured the same
# way (the floor). Startup: from just before the process is started to the overview drawn with data (the UI
# reports it through the `rendered` command; the minimal window reports its one-line page). Memory: the whole
# process tree (the app and WebKit's web and network processes) after 60 s idle, as the sum of RSS and of PSS.
#
#   scripts/measure-desktop.sh [RUNS]        (default 5 startup runs; builds the release binaries first)
#   KOODESK_APP=… KOODESK_MINIMAL=… scripts/measure-desktop.sh [RUNS]   (measures those binaries, builds nothing:
#                                            e.g. a copy of an earlier build, to compare before and after a change)
# Needs a display: with none it re-runs itself under xvfb-run, inside a D-Bus session.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
IDLE=${IDLE_SECONDS:-60}
if [ -z "${DISPLAY:-}" ] && [ -z "${KOODESK_UNDER_XVFB:-}" ]; then
  exec env KOODESK_UNDER_XVFB=1 xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- "$0" "$@"
fi
if [ -z "${KOODESK_APP:-}${KOODESK_MINIMAL:-}" ]; then
  [ -f ui/dist/index.html ] || (cd ui && npm run build >/dev/null)
  cargo build --release --locked -p koodesk-desktop --bin koodesk-desktop --example minimal 2>&1 | tail -1
fi
APP=${KOODESK_APP:-target/release/koodesk-desktop}
MIN=${KOODESK_MINIMAL:-target/release/examples/minimal}

tree_pids() { # a pid and all its descendants
  local p=$1; echo "$p"
  for c in $(pgrep -P "$p" || true); do tree_pids "$c"; done
}
memory_kb() { # "rss pss" summed over the tree
  local rss=0 pss=0
  for p in $(tree_pids "$1"); do
    [ -r /proc/$p/smaps_rollup ] || continue
    r=$(awk '/^Rss:/ {print $2}' /proc/$p/smaps_rollup); s=$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup)
    rss=$((rss + ${r:-0})); pss=$((pss + ${s:-0}))
  done
  echo "$rss $pss"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

measure() { # name binary → prints startup ms of each run, then memory after IDLE s on the last run
  local name=$1 bin=$2 i
  for i in $(seq 1 "$RUNS"); do
    local dir mark; dir=$(mktemp -d); mark=$dir/rendered
    local t0; t0=$(date +%s%3N)
    KOODESK_MEASURE_FILE=$mark KOODESK_DATA_DIR=$dir/data "$bin" >"$dir/log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 600); do [ -s "$mark" ] && break; sleep 0.05; done
    if [ ! -s "$mark" ]; then echo "$name: never rendered; log:" >&2; cat "$dir/log" >&2; kill "$pid"; exit 1; fi
    echo "startup $name $(( $(cat "$mark") - t0 ))"
    if [ "$i" = "$RUNS" ]; then
      sleep "$IDLE"
      echo "memory $name $(memory_kb "$pid")"
    fi
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
  done
}

out=$(mktemp)
measure minimal "$MIN" | tee -a "$out"
measure koodesk "$APP" | tee -a "$out"
for n in minimal koodesk; do
  s=$(awk -v n=$n '$1=="startup" && $2==n {print $3}' "$out" | median)
  read -r rss pss < <(awk -v n=$n '$1=="memory" && $2==n {print $3, $4}' "$out")
  printf '%-8s startup median %6s ms (%s runs)   memory after %ss idle: RSS %6.1f MB, PSS %6.1f MB\n' \
    "$n" "$s" "$RUNS" "$IDLE" "$(echo "$rss/1024" | bc -l)" "$(echo "$pss/1024" | bc -l)"
done
rm -f "$out"
