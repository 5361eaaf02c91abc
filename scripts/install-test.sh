#!/usr/bin/env bash
# The install test of KooDesk's Debian packages on a clean Debian 12, made by debootstrap from Debian's archive
# in a directory of this test's own (target/install-test/root, thrown away at the end). Run as root:
#   scripts/install-test.sh [PACKAGE_DIR]          (default target/package, as `make package` leaves it)
#   KOODESK_INSTALL_PHASES="gateway upgrade desktop"  the phases to run (all three by default)
#   KOODESK_UPGRADE_FROM=<commit>                  the earlier version the upgrade phase starts from
#   KEEP=1                                         leave the chroot in place after the run, to look around
# The base system is cached as target/install-test/debian12-base.tar, so a rerun does not debootstrap again.
#
# What each phase proves (and how):
# gateway  `apt install ./koodesk-gateway_*.deb`: the system user, the data directory owned by it, the unit, the
#          env template, the man page; `systemd-analyze verify` on the installed unit; then the binary started as
#          the unit starts it — its ExecStart= as written, as User=/Group=, with the EnvironmentFile= read, the
#          LoadCredential= files copied to $CREDENTIALS_DIRECTORY readable by that user only, its
#          WorkingDirectory=, UMask= and NoNewPrivileges= (there is no systemd running in a chroot, so the rest of
#          the sandbox is checked by `systemd-analyze verify` only) — in a network namespace of its own, so the
#          unit's fixed 127.0.0.1:8443 cannot meet another test's server; /healthz answers 200 with the version;
#          `koodesk check-interface` passes against it; `apt purge` leaves only the operator's data.
# upgrade  version N is the gateway package with the `koodesk` binary of an earlier commit (KOODESK_UPGRADE_FROM,
#          whose store and gateway database schemas are older), built once in a git worktree under
#          target/upgrade-n and labelled <version>~git.<commit> (which sorts before <version>). N writes data —
#          the gateway's database through KooGallery's calls, and a seller's desktop store (koodesk demo into the
#          desktop's data directory); N+1 installed over it migrates both at first open and every order,
#          instance and journal entry is still there; installing N again is refused by both with their
#          "newer" messages, and N+1 still opens the data afterwards.
# desktop  `apt install ./koodesk_*.deb` with its dependencies from Debian's archive; koodesk-desktop started
#          under Xvfb inside the chroot as a new user with a fresh HOME, driven over WebDriver (tauri-driver and
#          WebKitWebDriver, installed inside the chroot for the test only): the overview shows the embedded
#          sandbox's orders (the KPI equals what the core's overview command answers over the app's own IPC),
#          Settings shows the package's version, and a screenshot of the window is checked for content (a
#          rendered page, not a blank one; kept as target/install-test/overview.png); `apt purge` leaves only
#          the user's data in HOME.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
REPO=$PWD
[ "$(id -u)" = 0 ] || { echo "install-test: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
PKG=$(realpath "${1:-target/package}")
WORK=$REPO/target/install-test
BASE=$WORK/debian12-base.tar
ROOT=$WORK/root
MIRROR=${KOODESK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PHASES=${KOODESK_INSTALL_PHASES:-gateway upgrade desktop}
UPGRADE_FROM=${KOODESK_UPGRADE_FROM:-e8b62d5}
NS=koodesk-install-$$
T0=$(date +%s)
STEP_T=$T0
step() {
  local now; now=$(date +%s)
  echo "== [$((now - T0)) s, previous step $((now - STEP_T)) s] $*"
  STEP_T=$now
}
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
ok() { echo "  ok: $*"; }
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
apt_in() { in_root apt-get -y -q -o Dpkg::Use-Pty=0 "$@"; }
in_ns() { ip netns exec "$NS" "$@"; }

cd "$PKG" && sha256sum -c --quiet SHA256SUMS && cd "$REPO" || fail "the packages do not match $PKG/SHA256SUMS"
GW_DEB=$(ls "$PKG"/koodesk-gateway_*.deb)
DESK_DEB=$(ls "$PKG"/koodesk_*.deb)
VERSION=$(dpkg-deb --field "$GW_DEB" Version)
[ "$(dpkg-deb --field "$DESK_DEB" Version)" = "$VERSION" ] || fail "the two packages' versions differ"
echo "KooDesk $VERSION: $(basename "$GW_DEB"), $(basename "$DESK_DEB")"

# --- A clean Debian 12 --------------------------------------------------------------------------------------------
MOUNTS=()
cleanup() {
  set +e
  for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  ip netns del "$NS" 2>/dev/null
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null; done
  if [ "${KEEP:-}" != 1 ] && [ -d "$ROOT" ]; then rm -rf --one-file-system "$ROOT"; fi
}
trap cleanup EXIT
mnt() { mount "$@"; MOUNTS+=("${!#}"); }

mkdir -p "$WORK"
# One run at a time: a second would take the first's chroot away.
exec 9>"$WORK/lock"
flock -n 9 || fail "another install test is running (lock $WORK/lock)"
if [ ! -f "$BASE" ]; then
  step "debootstrap bookworm from $MIRROR (cached afterwards as $BASE)"
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  rm -rf "$WORK/base-build"
  debootstrap --arch="$(dpkg --print-architecture)" bookworm "$WORK/base-build" "$MIRROR" >"$WORK/debootstrap.log"
  tar -C "$WORK/base-build" --numeric-owner -cf "$BASE.partial" . && mv "$BASE.partial" "$BASE"
  rm -rf --one-file-system "$WORK/base-build"
fi
step "a fresh chroot from the base system"
[ ! -e "$ROOT" ] || { umount -R -l "$ROOT" 2>/dev/null || true; rm -rf --one-file-system "$ROOT"; }
mkdir -p "$ROOT"
tar -C "$ROOT" --numeric-owner -xf "$BASE"
mnt -t proc proc "$ROOT/proc"
mnt -t sysfs sys "$ROOT/sys"
mnt --bind /dev "$ROOT/dev"
mnt -t devpts -o newinstance,ptmxmode=0666 devpts "$ROOT/dev/pts"
mnt -t tmpfs tmpfs "$ROOT/dev/shm"
mnt -t tmpfs tmpfs "$ROOT/run"
mnt -t tmpfs tmpfs "$ROOT/tmp"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# A chroot does not start services (the usual policy-rc.d of a chroot: nothing is running there to start them).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod 755 "$ROOT/usr/sbin/policy-rc.d"
cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
EOF
apt_in update >/dev/null
mkdir -p "$ROOT/tmp/pkgs" && cp "$GW_DEB" "$DESK_DEB" "$ROOT/tmp/pkgs/"
ip netns add "$NS" && ip -n "$NS" link set lo up

# What the chroot holds now, to compare with after a purge.
MARK=$ROOT/var/tmp/install-test.mark
touch "$MARK"

# Every file a package installed that is still there after its purge, and every file that appeared since
# $MARK, belongs to no installed package and names koodesk (outside the allowed user-data paths $@).
leftovers() {
  local list=$1; shift
  local left=0 f
  while read -r f; do
    # Directories (and /lib, a symlink to one on merged-/usr Debian) are shared with other packages.
    [ -d "$ROOT$f" ] && continue
    if [ -f "$ROOT$f" ] || [ -L "$ROOT$f" ]; then echo "  left behind: $f"; left=1; fi
  done <"$list"
  cat "$ROOT"/var/lib/dpkg/info/*.list | sort -u >"$WORK/owned.txt"
  (cd "$ROOT" && find etc usr opt var srv home root -xdev \( -type f -o -type l \) -newer "$MARK" \
    -not -path 'var/lib/dpkg/*' -not -path 'var/lib/apt/*' -not -path 'var/cache/*' -not -path 'var/log/*' \
    -not -path 'var/tmp/*' | sed 's|^|/|' | sort) >"$WORK/new.txt"
  comm -23 "$WORK/new.txt" "$WORK/owned.txt" >"$WORK/unowned.txt"
  while read -r f; do
    local allowed=0 a
    for a in "$@"; do case "$f" in "$a"|"$a"/*) allowed=1 ;; esac; done
    case "$f" in /etc/passwd* | /etc/group* | /etc/shadow* | /etc/gshadow* | /etc/subuid* | /etc/subgid*) allowed=1 ;; esac
    [ $allowed = 1 ] && continue
    if [[ "${f,,}" == *koodesk* ]] || grep -qil koodesk "$ROOT$f" 2>/dev/null; then
      echo "  left behind: $f"; left=1
    fi
  done <"$WORK/unowned.txt"
  return $left
}

# The gateway started as its unit starts it (see the header): its pid in GW_PID, its output in $WORK/$1.log.
UNIT=/lib/systemd/system/koodesk-gateway.service
unit_key() { sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$ROOT$UNIT" | sed -n "s/^$1=//p"; }
start_gateway() {
  local log=$WORK/$1.log user group envfile cred_dir cmd k v
  user=$(unit_key User); group=$(unit_key Group); envfile=$(unit_key EnvironmentFile)
  cred_dir=/run/credentials/koodesk-gateway.service
  rm -rf "$ROOT$cred_dir" && install -d -m 0500 -o "$(in_root id -u "$user")" "$ROOT$cred_dir"
  while IFS=: read -r k v; do
    install -m 0400 -o "$(in_root id -u "$user")" "$ROOT$v" "$ROOT$cred_dir/$k"
  done < <(unit_key LoadCredential)
  local -a env=(PATH=/usr/sbin:/usr/bin:/sbin:/bin "CREDENTIALS_DIRECTORY=$cred_dir" "USER=$user" "HOME=/var/lib/$user")
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; *=*) env+=("$line") ;; esac
  done <"$ROOT$envfile"
  # ExecStart=: ${VAR} replaced whole, $VAR split at whitespace (an empty one gives no argument), as systemd does.
  cmd=$(unit_key ExecStart)
  cmd=${cmd//'${CREDENTIALS_DIRECTORY}'/$cred_dir}
  local -a argv=() word
  set -f
  for word in $cmd; do
    if [[ $word == \$* ]]; then
      v=$(printf '%s\n' "${env[@]}" | sed -n "s/^${word#\$}=//p" | tail -n1)
      # shellcheck disable=SC2206
      argv+=($v)
    else
      argv+=("$word")
    fi
  done
  set +f
  # Not through in_ns (a function, which would fork a subshell): $! is the gateway itself, each step an exec.
  ip netns exec "$NS" chroot "$ROOT" /bin/sh -c "umask $(unit_key UMask); cd $(unit_key WorkingDirectory) && exec \"\$@\"" sh \
    setpriv --reuid="$user" --regid="$group" --clear-groups --no-new-privs env -i "${env[@]}" "${argv[@]}" \
    >"$log" 2>&1 &
  GW_PID=$!
}
# Waits for /healthz to answer 200 (the gateway up, its database open), or fails when the gateway exits first.
await_healthz() {
  local pid=$1 end=$((SECONDS + 60))
  until in_ns curl -sf -o "$WORK/healthz.json" http://127.0.0.1:8443/healthz; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$2.log" >&2; fail "the gateway exited before answering /healthz"; }
    [ $SECONDS -lt $end ] || fail "the gateway did not answer /healthz within 60 s"
    sleep 0.2
  done
}
stop_gateway() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# An operator's settings and secrets, as docs/gateway.md has them: SQLite, the built-in front-end provisioning.
configure_gateway() {
  sed -e 's|^KOODESK_GATEWAY_DATABASE=.*|KOODESK_GATEWAY_DATABASE=sqlite:/var/lib/koodesk-gateway/gateway.db|' \
    -e 's|^KOODESK_GATEWAY_PROVISIONING=.*|KOODESK_GATEWAY_PROVISIONING=--front-end-url=https://app.example.com/login?instance={instanceId}|' \
    "$ROOT/etc/koodesk/gateway.env.example" >"$ROOT/etc/koodesk/gateway.env"
  chmod 0600 "$ROOT/etc/koodesk/gateway.env"
  local name
  for name in interface-key feed-token access-key secret-key; do
    head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$ROOT/etc/koodesk/credentials/$name"
    chmod 0400 "$ROOT/etc/koodesk/credentials/$name"
  done
}
check_interface() {
  # The key reaches the checker in its environment (--key-env), never on a command line.
  (
    KEY=$(cat "$ROOT/etc/koodesk/credentials/interface-key")
    export KEY
    in_ns chroot "$ROOT" koodesk check-interface --url http://127.0.0.1:8443/saasproduce --key-env KEY --suite period
  ) >"$WORK/$1.txt" 2>&1 || { cat "$WORK/$1.txt" >&2; fail "koodesk check-interface failed against the installed gateway"; }
}
gateway_schema() { sqlite3 "$ROOT/var/lib/koodesk-gateway/gateway.db" 'SELECT MAX(version) FROM schema_version'; }
# The seller feed answers with the feed token, and only with it. (Its orders wait for the open API's order/query,
# which this offline chroot cannot reach, and the checker's calls are test calls: the database holds them.)
check_feed() {
  local code
  code=$(in_ns curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8443/feed/v1/orders)
  [ "$code" = 401 ] || fail "the feed without its token answered $code"
  (
    TOKEN=$(cat "$ROOT/etc/koodesk/credentials/feed-token")
    printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" | in_ns curl -sf -K - -o "$WORK/feed.json" \
      http://127.0.0.1:8443/feed/v1/orders
  ) || fail "the feed did not answer its token"
}
# What the gateway's database holds: every instance and every journalled call (the gateway stopped).
db_snapshot() {
  sqlite3 "$ROOT/var/lib/koodesk-gateway/gateway.db" \
    "SELECT 'instance', instance_id, order_id, order_line_id FROM instances ORDER BY instance_id;
     SELECT 'call', id, activity, order_id, instance_id FROM journal ORDER BY id;" >"$WORK/$1.txt"
  echo "$(grep -c '^instance' "$WORK/$1.txt") instances, $(grep -c '^call' "$WORK/$1.txt") journalled calls"
}

# --- The gateway --------------------------------------------------------------------------------------------------
phase_gateway() {
  touch "$MARK"
  step "gateway: apt install ./$(basename "$GW_DEB")"
  apt_in install "/tmp/pkgs/$(basename "$GW_DEB")" >"$WORK/apt-gateway.log" 2>&1 || { tail -30 "$WORK/apt-gateway.log"; fail "apt install"; }
  in_root dpkg -L koodesk-gateway >"$WORK/gateway-files.txt"
  [ "$(in_root koodesk --version)" = "koodesk $VERSION" ] || fail "koodesk --version: $(in_root koodesk --version)"
  ok "koodesk --version: koodesk $VERSION"
  local pw; pw=$(in_root getent passwd koodesk-gateway) || fail "no koodesk-gateway user"
  [[ $pw == *:/var/lib/koodesk-gateway:/usr/sbin/nologin ]] || fail "the user: $pw"
  [ "$(in_root id -u koodesk-gateway)" -lt 1000 ] || fail "koodesk-gateway is not a system user"
  ok "system user: $pw"
  # Owners compared by number: the host's /etc/passwd names other users.
  GW_IDS="$(in_root id -u koodesk-gateway):$(in_root id -g koodesk-gateway)"
  [ "$(stat -c '%u:%g %a' "$ROOT/var/lib/koodesk-gateway")" = "$GW_IDS 700" ] ||
    fail "/var/lib/koodesk-gateway: $(stat -c '%u:%g %a' "$ROOT/var/lib/koodesk-gateway"), not $GW_IDS 700"
  [ "$(stat -c '%u %a' "$ROOT/etc/koodesk/credentials")" = "0 700" ] || fail "/etc/koodesk/credentials"
  ok "data directory koodesk-gateway:koodesk-gateway 0700, /etc/koodesk/credentials root 0700"
  grep -q '^/etc/koodesk/gateway.env.example$' "$ROOT/var/lib/dpkg/info/koodesk-gateway.conffiles" || fail "env template not a conffile"
  zcat "$ROOT/usr/share/man/man1/koodesk.1.gz" | grep -q '^\.SH GATEWAY' || fail "the man page has no GATEWAY section"
  ok "env template /etc/koodesk/gateway.env.example (conffile), man page koodesk(1)"

  step "gateway: systemd-analyze verify $UNIT"
  in_root systemd-analyze verify "$UNIT" >"$WORK/verify.txt" 2>&1 || { cat "$WORK/verify.txt"; fail "systemd-analyze verify"; }
  [ ! -s "$WORK/verify.txt" ] || { cat "$WORK/verify.txt"; fail "systemd-analyze verify printed warnings"; }
  for k in ProtectSystem=strict NoNewPrivileges=yes User=koodesk-gateway; do grep -qx "$k" "$ROOT$UNIT" || fail "$k"; done
  ok "verified, no warnings; ProtectSystem=strict, NoNewPrivileges=yes, User=koodesk-gateway"

  step "gateway: started as the unit starts it; /healthz; koodesk check-interface"
  configure_gateway
  start_gateway gateway
  local pid=$GW_PID
  await_healthz "$pid" gateway
  python3 - "$WORK/healthz.json" "$VERSION" <<'EOF' || fail "/healthz: $(cat "$WORK/healthz.json")"
import json, sys
h = json.load(open(sys.argv[1]))
assert h["status"] == "ok" and h["database"] == "sqlite" and h["version"] == sys.argv[2], h
EOF
  ok "/healthz 200: $(cat "$WORK/healthz.json")"
  local uid; uid=$(ps -o uid= -p "$pid" | tr -d ' ')
  [ "$uid" = "$(in_root id -u koodesk-gateway)" ] || fail "the gateway runs as uid $uid"
  ok "running as koodesk-gateway (uid $uid): $(tr '\0' ' ' </proc/"$pid"/cmdline | cut -c1-160)…"
  check_interface check-interface
  ok "koodesk check-interface --suite period: $(tail -n1 "$WORK/check-interface.txt")"
  check_feed
  ok "the seller feed answers its token (401 without)"
  stop_gateway "$pid"
  local held; held=$(db_snapshot db)
  grep -q '^instance' "$WORK/db.txt" || fail "no instance in the database after check-interface"
  ok "the database holds what KooGallery's calls made: $held"
  [ "$(stat -c '%u:%g %a' "$ROOT/var/lib/koodesk-gateway/gateway.db")" = "$GW_IDS 600" ] || fail "gateway.db owner/mode"
  ok "the database /var/lib/koodesk-gateway/gateway.db: koodesk-gateway 0600"

  step "gateway: apt purge"
  apt_in purge koodesk-gateway >"$WORK/purge-gateway.log" 2>&1 || { tail "$WORK/purge-gateway.log"; fail "apt purge"; }
  leftovers "$WORK/gateway-files.txt" /var/lib/koodesk-gateway /etc/koodesk/gateway.env /etc/koodesk/credentials \
    /etc/koodesk || fail "the purge left files behind"
  [ ! -e "$ROOT/etc/koodesk/gateway.env.example" ] || fail "the conffile survived the purge"
  ok "nothing left but the operator's data: $(cd "$ROOT" && find var/lib/koodesk-gateway etc/koodesk -type f | tr '\n' ' ')"
  # The operator's data go too, for the next phase to start from nothing.
  rm -rf "$ROOT/var/lib/koodesk-gateway" "$ROOT/etc/koodesk"
}

# --- Upgrade: N → N+1, and back refused ---------------------------------------------------------------------------
old_binary() {
  local src=$REPO/target/upgrade-n/src out=$REPO/target/upgrade-n/target
  if [ ! -d "$src" ]; then git -C "$REPO" worktree add --detach "$src" "$UPGRADE_FROM" >/dev/null; fi
  [ "$(git -C "$src" rev-parse HEAD)" = "$(git -C "$REPO" rev-parse "$UPGRADE_FROM^{commit}")" ] ||
    git -C "$src" checkout -q --detach "$UPGRADE_FROM"
  (cd "$src" && CARGO_TARGET_DIR=$out cargo build --locked -q -p koodesk-cli --bin koodesk)
  echo "$out/debug/koodesk"
}
phase_upgrade() {
  step "upgrade: version N, the koodesk binary of $UPGRADE_FROM (built once under target/upgrade-n)"
  local bin short old_version old_deb
  bin=$(old_binary)
  short=$(git -C "$REPO" rev-parse --short "$UPGRADE_FROM")
  old_version="$VERSION~git.$short"
  old_deb=$WORK/koodesk-gateway_${old_version}_amd64.deb
  rm -rf "$WORK/old-deb" && dpkg-deb -R "$GW_DEB" "$WORK/old-deb"
  install -m 0755 "$bin" "$WORK/old-deb/usr/bin/koodesk"
  sed -i "s/^Version: .*/Version: $old_version/" "$WORK/old-deb/DEBIAN/control"
  (cd "$WORK/old-deb" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | sort | xargs md5sum >DEBIAN/md5sums)
  dpkg-deb --root-owner-group -Zxz -b "$WORK/old-deb" "$old_deb" >/dev/null
  dpkg --compare-versions "$old_version" lt "$VERSION" || fail "$old_version does not sort before $VERSION"
  cp "$old_deb" "$ROOT/tmp/pkgs/"
  local gw_old store_old gw_new store_new

  step "upgrade: N installed; it writes the gateway's database and a seller's desktop store"
  apt_in install "/tmp/pkgs/$(basename "$old_deb")" >"$WORK/apt-old.log" 2>&1 || { tail "$WORK/apt-old.log"; fail "apt install N"; }
  configure_gateway
  start_gateway gateway-n
  local pid=$GW_PID
  await_healthz "$pid" gateway-n
  check_interface check-interface-n
  stop_gateway "$pid"
  local before; before=$(db_snapshot db-n)
  gw_old=$(gateway_schema)
  grep -q '^instance' "$WORK/db-n.txt" || fail "N's gateway stored no instance"
  ok "N's gateway: schema $gw_old, $before"
  in_root adduser --disabled-password --gecos '' --quiet upgrader
  local data=/home/upgrader/.local/share/com.koodesk.desktop
  in_root su upgrader -c "mkdir -p $data && echo '{\"mode\": \"files\"}' >$data/settings.json && \
    koodesk demo --db $data/koodesk.db --orders 3000 --seed 7 >/dev/null && koodesk orders --db $data/koodesk.db --json" \
    >"$WORK/orders-n.json" || fail "N could not write the store"
  store_old=$(sqlite3 "$ROOT$data/koodesk.db" 'PRAGMA user_version')
  ok "N's desktop store: schema $store_old, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["orders"]))' "$WORK/orders-n.json") orders"

  step "upgrade: apt install N+1 over N; both migrate, nothing lost"
  apt_in install "/tmp/pkgs/$(basename "$GW_DEB")" >"$WORK/apt-upgrade.log" 2>&1 || { tail "$WORK/apt-upgrade.log"; fail "apt upgrade"; }
  [ "$(in_root dpkg-query -W -f '${Version}' koodesk-gateway)" = "$VERSION" ] || fail "not upgraded"
  start_gateway gateway-n1
  pid=$GW_PID
  await_healthz "$pid" gateway-n1
  stop_gateway "$pid"
  local after; after=$(db_snapshot db-n1)
  gw_new=$(gateway_schema)
  [ "$gw_new" -gt "$gw_old" ] || fail "the gateway database was not migrated ($gw_old → $gw_new)"
  cmp -s "$WORK/db-n.txt" "$WORK/db-n1.txt" || { diff "$WORK/db-n.txt" "$WORK/db-n1.txt" | head; fail "the gateway lost data in the upgrade"; }
  ok "gateway database migrated schema $gw_old → $gw_new; the same $after"
  start_gateway gateway-n1b
  pid=$GW_PID
  await_healthz "$pid" gateway-n1b
  check_interface check-interface-n1
  check_feed
  stop_gateway "$pid"
  ok "N+1 on the migrated database: /healthz, check-interface and the feed pass"
  in_root su upgrader -c "koodesk orders --db $data/koodesk.db --json" >"$WORK/orders-n1.json" ||
    fail "N+1 could not open N's store"
  store_new=$(sqlite3 "$ROOT$data/koodesk.db" 'PRAGMA user_version')
  [ "$store_new" -gt "$store_old" ] || fail "the store was not migrated ($store_old → $store_new)"
  python3 - "$WORK/orders-n.json" "$WORK/orders-n1.json" <<'EOF' || fail "the store lost data in the upgrade"
import json, sys
ids = lambda p: sorted((o["order_id"], o["order_line_id"], str(o["amount"])) for o in json.load(open(p))["orders"])
old, new = ids(sys.argv[1]), ids(sys.argv[2])
assert old and old == new, (len(old), len(new))
EOF
  [ -f "$ROOT$data/koodesk.db.v$store_old.bak" ] || fail "no backup of the store was made before migrating: $(ls "$ROOT$data")"
  ok "desktop store migrated schema $store_old → $store_new, backed up first as koodesk.db.v$store_old.bak; the same orders"

  step "upgrade: N again (a downgrade) is refused by both, and N+1 still opens the data"
  apt_in install --allow-downgrades "/tmp/pkgs/$(basename "$old_deb")" >"$WORK/apt-downgrade.log" 2>&1 || fail "apt downgrade"
  start_gateway gateway-down
  pid=$GW_PID
  wait "$pid" && fail "N's gateway started on N+1's database" || true
  grep -q "newer than this gateway" "$WORK/gateway-down.log" || { cat "$WORK/gateway-down.log"; fail "no 'newer' refusal from the gateway"; }
  ok "gateway: $(grep -o 'the database is at schema version.*' "$WORK/gateway-down.log" | head -n1 | cut -c1-120)"
  if in_root su upgrader -c "koodesk orders --db $data/koodesk.db --json" >"$WORK/orders-down.txt" 2>&1; then
    fail "N opened N+1's store"
  fi
  grep -q "made by a newer KooDesk" "$WORK/orders-down.txt" || { cat "$WORK/orders-down.txt"; fail "no 'newer store' refusal"; }
  ok "store: $(grep -o 'made by a newer KooDesk.*' "$WORK/orders-down.txt" | head -n1)"
  apt_in install "/tmp/pkgs/$(basename "$GW_DEB")" >"$WORK/apt-reupgrade.log" 2>&1 || fail "apt reinstall N+1"
  in_root su upgrader -c "koodesk orders --db $data/koodesk.db --json" >"$WORK/orders-again.json" || fail "N+1 reopen"
  cmp -s "$WORK/orders-n1.json" "$WORK/orders-again.json" || fail "the refused downgrade changed the store"
  start_gateway gateway-again
  pid=$GW_PID
  await_healthz "$pid" gateway-again
  stop_gateway "$pid"
  ok "N+1 opens both again, unchanged"
  apt_in purge koodesk-gateway >/dev/null
  rm -rf "$ROOT/var/lib/koodesk-gateway" "$ROOT/etc/koodesk"
}

# --- The desktop app ----------------------------------------------------------------------------------------------
phase_desktop() {
  touch "$MARK"
  step "desktop: apt install ./$(basename "$DESK_DEB") (dependencies from Debian's archive)"
  apt_in install "/tmp/pkgs/$(basename "$DESK_DEB")" >"$WORK/apt-desktop.log" 2>&1 || { tail -30 "$WORK/apt-desktop.log"; fail "apt install"; }
  ok "$(grep -c '^Setting up' "$WORK/apt-desktop.log") packages set up, among them: $(grep -o '^Setting up \(libwebkit2gtk-4.1-0\|libgtk-3-0\|libayatana-appindicator3-1\|gnome-keyring\|koodesk\)[: ]' "$WORK/apt-desktop.log" | cut -d' ' -f3 | tr -d ':' | tr '\n' ' ')"
  in_root dpkg -L koodesk >"$WORK/desktop-files.txt"
  grep -qx /usr/bin/koodesk-desktop "$WORK/desktop-files.txt" || fail "no /usr/bin/koodesk-desktop"
  grep -q '^Exec=koodesk-desktop' "$ROOT/usr/share/applications/KooDesk.desktop" || fail "the desktop entry's Exec="
  ok "$(grep -c 'hicolor/.*png$' "$WORK/desktop-files.txt") icons, the desktop entry, the binary"

  step "desktop: test tools in the chroot (Xvfb, WebKitWebDriver, tauri-driver); a new user"
  apt_in install --no-install-recommends xvfb xauth webkit2gtk-driver dbus-x11 >"$WORK/apt-tools.log" 2>&1 || fail "test tools"
  install -m 0755 "$(command -v tauri-driver)" "$ROOT/usr/local/bin/tauri-driver"
  in_root adduser --disabled-password --gecos '' --quiet seller
  [ -z "$(ls -A "$ROOT/home/seller" | grep -v '^\.\(bashrc\|profile\|bash_logout\)$')" ] || fail "HOME is not fresh"

  step "desktop: koodesk-desktop under Xvfb, driven over WebDriver"
  in_ns chroot "$ROOT" su seller -c "cd && exec xvfb-run -a -s '-screen 0 1600x1000x24' dbus-run-session -- \
      tauri-driver --port 4444 --native-port 4445" >"$WORK/tauri-driver.log" 2>&1 &
  local drv=$!
  local end=$((SECONDS + 60))
  until in_ns curl -sf -o /dev/null http://127.0.0.1:4444/status 2>/dev/null || in_ns bash -c '(exec 3<>/dev/tcp/127.0.0.1/4444)' 2>/dev/null; do
    kill -0 "$drv" 2>/dev/null || { cat "$WORK/tauri-driver.log"; fail "tauri-driver exited"; }
    [ $SECONDS -lt $end ] || fail "tauri-driver did not listen"
    sleep 0.2
  done
  in_ns python3 - "$VERSION" "$WORK/overview.png" <<'EOF' || { cat "$WORK/tauri-driver.log" >&2; fail "the desktop app"; }
import base64, json, sys, time, urllib.request, zlib
VERSION, SHOT = sys.argv[1], sys.argv[2]
D, E = "http://127.0.0.1:4444", "element-6066-11e4-a52e-4f735466cecf"
def wd(method, path, body=None):
    req = urllib.request.Request(D + path, method=method, headers={"content-type": "application/json"},
                                 data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.load(r)["value"]
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method} {path}: {e.code} {e.read()[:300]!r}")
def wait_for(what, f, secs=90):
    end, last = time.time() + secs, None
    while time.time() < end:
        try:
            v = f()
            if v:
                return v
        except Exception as e:
            last = e
        time.sleep(0.25)
    raise SystemExit(f"timed out waiting for {what}: {last}")
caps = {"tauri:options": {"application": "/usr/bin/koodesk-desktop"}, "webkitgtk:browserOptions": {"args": []}}
s = wd("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]
def text(css):
    el = wd("POST", f"/session/{s}/element", {"using": "css selector", "value": css})
    return wd("GET", f"/session/{s}/element/{el[E]}/text")
def ipc(command, args={}):
    out = wd("POST", f"/session/{s}/execute/async", {"script":
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke('call', { command: arguments[0], args: arguments[1] })"
        ".then((r) => done({ ok: r }), (e) => done({ err: String(e) }))", "args": [command, args]})
    if "err" in out:
        raise RuntimeError(out["err"])
    return out["ok"]
try:
    shown = wait_for("the overview with the sandbox's orders",
                     lambda: (lambda t: int(t) if t.isdigit() and int(t) > 0 else None)(text('[data-test="kpi-orders"]').strip()))
    overview = ipc("overview")
    assert shown == overview["dashboard"]["orders"], (shown, overview["dashboard"]["orders"])
    assert overview["inbox"]["items"], "the demo marketplace has work to do"
    assert overview["status"]["mode"] == "sandbox", overview["status"]["mode"]
    assert wd("GET", f"/session/{s}/title") == "KooDesk"
    print(f"  ok: the overview shows {shown} orders, as the core's overview answers; {len(overview['inbox']['items'])} inbox items; mode sandbox")
    png = base64.b64decode(wd("GET", f"/session/{s}/screenshot"))
    open(SHOT, "wb").write(png)
    # Decode the PNG (8-bit RGB or RGBA, as WebKit writes it) and count its colours: a rendered overview has text,
    # charts and a status bar in many colours; a blank or failed page has one or two.
    w, h, depth, ctype = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big"), png[24], png[25]
    assert depth == 8 and ctype in (2, 6), (depth, ctype)
    i, idat = 8, b""
    while i < len(png):
        n = int.from_bytes(png[i:i + 4], "big"); kind = png[i + 4:i + 8]
        if kind == b"IDAT":
            idat += png[i + 8:i + 8 + n]
        i += 12 + n
    raw, bpp = zlib.decompress(idat), (3 if ctype == 2 else 4)
    stride, prev, colours, counts = w * bpp, bytearray(w * bpp), set(), {}
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 4 == 0:
            for x in range(0, stride, bpp * 4):
                px = bytes(line[x:x + 3]); colours.add(px); counts[px] = counts.get(px, 0) + 1
    top = max(counts.values()) / sum(counts.values())
    assert w >= 800 and h >= 500, (w, h)
    assert len(colours) >= 50 and top < 0.9, (len(colours), top)
    print(f"  ok: screenshot {w}x{h}, {len(colours)} colours, the commonest {top:.0%} of the window")
    wd("POST", f"/session/{s}/execute/sync", {"script": "location.hash = '#/settings'", "args": []})
    v = wait_for("Settings' version", lambda: (lambda t: t if VERSION in t else None)(text('[data-test="version"]')))
    print(f"  ok: Settings shows “{v.strip()}”")
finally:
    wd("DELETE", f"/session/{s}")
EOF
  kill "$drv" 2>/dev/null || true
  for pid in $(ip netns pids "$NS"); do kill "$pid" 2>/dev/null || true; done
  wait "$drv" 2>/dev/null || true
  local data=/home/seller/.local/share/com.koodesk.desktop
  [ -f "$ROOT$data/sandbox.db" ] || fail "no store in $data: $(find "$ROOT/home/seller" -maxdepth 4 | head)"
  ok "the user's data: $data ($(ls "$ROOT$data" | tr '\n' ' '))"

  step "desktop: apt purge"
  apt_in purge koodesk >"$WORK/purge-desktop.log" 2>&1 || { tail "$WORK/purge-desktop.log"; fail "apt purge"; }
  leftovers "$WORK/desktop-files.txt" /home/seller /usr/local/bin/tauri-driver || fail "the purge left files behind"
  [ -f "$ROOT$data/sandbox.db" ] || fail "the purge removed the user's data"
  ok "nothing left but the user's data in /home/seller"
}

for phase in $PHASES; do "phase_$phase"; done
step "install test passed: $PHASES"
