#!/usr/bin/env bash
# Builds KooDesk's Debian packages into target/package/ (make package runs it after building the UI):
#   koodesk_<version>_amd64.deb          the desktop app, by Tauri's bundler (--bundles deb)
#   koodesk-gateway_<version>_amd64.deb  the `koodesk` command with the gateway's systemd unit, by cargo-deb
#   SHA256SUMS                           both, checked by `sha256sum -c SHA256SUMS` in that directory
# <version> is the workspace's one version ([workspace.package] in Cargo.toml). Each package is checked after it
# is built (its version, dependencies and the files it must carry); a package that misses one is not shipped.
# Needs: ui/dist (generate_context! embeds it), cargo-deb and help2man (the Makefile installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${KOODESK_PACKAGE_DIR:-target/package}
TARGET=${CARGO_TARGET_DIR:-target}
T=$(date +%s)
step() { echo "== $* ($(($(date +%s) - T)) s)"; }
fail() { echo "package: $*" >&2; exit 1; }

[ -f ui/dist/index.html ] || fail "ui/dist is missing: build the UI first (make ui-build)"
command -v cargo-deb >/dev/null || fail "cargo-deb is missing (cargo install cargo-deb --locked)"
command -v help2man >/dev/null || fail "help2man is missing (apt-get install help2man)"

VERSION=$(cargo metadata --locked --no-deps --format-version 1 |
  python3 -c 'import json,sys; print({p["name"]: p["version"] for p in json.load(sys.stdin)["packages"]}["koodesk-cli"])')
ARCH=$(dpkg --print-architecture)
mkdir -p "$OUT"
rm -f "$OUT"/koodesk_*.deb "$OUT"/koodesk-gateway_*.deb "$OUT"/SHA256SUMS
echo "KooDesk $VERSION ($ARCH) → $OUT"

# --- The desktop app ----------------------------------------------------------------------------------------------
# Tauri's bundler builds the release binary (cargo build --release --locked) and the .deb: the binary, the desktop
# entry, the icons of tauri.conf.json in each hicolor size, the dependencies declared there.
step "desktop: tauri build --bundles deb"
(cd src-tauri && ../ui/node_modules/.bin/tauri build --ci --bundles deb -- --locked)
desktop=$(ls -t "$TARGET"/release/bundle/deb/*_"$VERSION"_"$ARCH".deb | head -n1)
[ -f "$desktop" ] || fail "the bundler made no .deb for $VERSION"
# The bundler names the package after productName in kebab case (koo-desk) and lists its own dependencies beside
# tauri.conf.json's; the package is `koodesk`, each dependency once. Its files are the bundler's, unchanged.
rm -rf "$TARGET/package-desktop" && dpkg-deb -R "$desktop" "$TARGET/package-desktop"
awk 'BEGIN { FS = OFS = ": " }
  $1 == "Package" { $2 = "koodesk" }
  $1 == "Depends" { n = split($2, d, /, */); out = ""; delete seen
    for (i = 1; i <= n; i++) if (!(d[i] in seen)) { seen[d[i]] = 1; out = out (out == "" ? "" : ", ") d[i] }
    $2 = out }
  { print }' "$TARGET/package-desktop/DEBIAN/control" >"$TARGET/package-desktop/control.new"
mv "$TARGET/package-desktop/control.new" "$TARGET/package-desktop/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -b "$TARGET/package-desktop" "$OUT/koodesk_${VERSION}_${ARCH}.deb" >/dev/null

# --- The gateway --------------------------------------------------------------------------------------------------
step "gateway: cargo build --release -p koodesk-cli"
cargo build --release --locked -p koodesk-cli
# The man page from the binary's own --help (so it never disagrees), with `koodesk gateway --help` as a section.
step "gateway: man page"
mkdir -p "$TARGET/release/man"
{
  echo "[GATEWAY]"
  echo "The Debian package runs \\fBkoodesk gateway\\fR from the systemd unit koodesk-gateway.service as the"
  echo "koodesk-gateway system user, with settings in /etc/koodesk/gateway.env (template:"
  echo "/etc/koodesk/gateway.env.example) and its secrets in /etc/koodesk/credentials/, handed over by"
  echo "LoadCredential=. The database is /var/lib/koodesk-gateway/gateway.db on SQLite. See"
  echo "/usr/share/doc/koodesk-gateway/gateway.md. Its options:"
  echo ".PP"
  echo ".nf"
  "$TARGET/release/koodesk" gateway --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo ".fi"
  echo "[SEE ALSO]"
  echo "Every subcommand has its own help: \\fBkoodesk help\\fR \\fIcommand\\fR."
} >"$TARGET/release/man/gateway.h2m"
help2man --no-info --section 1 --name "the KooGallery seller's console from the terminal, and the KooDesk gateway" \
  --include "$TARGET/release/man/gateway.h2m" --output "$TARGET/release/man/koodesk.1" "$TARGET/release/koodesk"
gzip -9nf "$TARGET/release/man/koodesk.1"
step "gateway: cargo deb"
cargo deb --locked -p koodesk-cli --no-build --output "$OUT/koodesk-gateway_${VERSION}_${ARCH}.deb" >/dev/null

# --- Checks -------------------------------------------------------------------------------------------------------
step "checks"
field() { dpkg-deb --field "$1" "$2"; }
has() { dpkg-deb --contents "$1" | awk '{print $NF}' | grep -qx "$2" || fail "$(basename "$1") lacks $2"; }
d="$OUT/koodesk_${VERSION}_${ARCH}.deb"
g="$OUT/koodesk-gateway_${VERSION}_${ARCH}.deb"
[ "$(field "$d" Version)" = "$VERSION" ] || fail "desktop version $(field "$d" Version), workspace $VERSION"
[ "$(field "$g" Version)" = "$VERSION" ] || fail "gateway version $(field "$g" Version), workspace $VERSION"
[ "$(field "$d" Package)" = koodesk ] || fail "desktop package is named $(field "$d" Package), not koodesk"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libayatana-appindicator3-1; do
  field "$d" Depends | grep -q "$dep" || fail "the desktop package does not depend on $dep"
done
field "$d" Recommends | grep -q gnome-keyring || fail "the desktop package does not recommend gnome-keyring"
has "$d" ./usr/bin/koodesk-desktop
has "$d" ./usr/share/applications/KooDesk.desktop
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  has "$d" "./usr/share/icons/hicolor/$size/apps/koodesk-desktop.png"
done
for f in ./usr/bin/koodesk ./lib/systemd/system/koodesk-gateway.service ./etc/koodesk/gateway.env.example \
  ./usr/share/man/man1/koodesk.1.gz ./usr/share/doc/koodesk-gateway/gateway.md; do
  has "$g" "$f"
done
for dep in adduser libc6 libssl3; do
  field "$g" Depends | grep -q "$dep" || fail "the gateway package does not depend on $dep"
done
# No secret is packaged: the sandbox's and tests' well-known values never, and no credentials file.
if dpkg-deb --contents "$g" | grep -q '/etc/koodesk/credentials/.'; then fail "a credentials file is packaged"; fi

(cd "$OUT" && sha256sum -- *.deb > SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
step "done"
ls -l "$OUT"
cat "$OUT/SHA256SUMS"
