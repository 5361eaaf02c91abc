# KooDesk's two entry points on a fresh Debian machine:
#   make run    sets up and starts the app on its embedded default (the sandbox with demo data): the desktop
#               window when there is a display, otherwise the same console served to a browser (prints the URL)
#   make test   sets up and runs every test
# Both are idempotent: a warm machine skips what it already has.

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
NPM ?= npm
VENV := .venv-tests
PORT ?= 0
TAURI_DRIVER_VERSION := 2.1.0
MIN_FREE_GIB ?= 6

.PHONY: run test setup check-toolchain system-packages tauri-driver ui-build lint ui-unit unit interop e2e desktop bench measure

run: setup ui-build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(CARGO) build --release --locked -p koodesk-desktop && exec target/release/koodesk-desktop; \
	else \
	  echo "no display: serving the console to a browser"; \
	  $(CARGO) build --release --locked -p koodesk-cli && exec target/release/koodesk serve --ui ui/dist --port $(PORT); \
	fi

test: setup lint ui-unit unit interop e2e desktop

# The local stack on loopback: sandbox (KooGallery) → gateway (the seller's production interface) → console store.
.PHONY: demo-gateway
demo-gateway: setup
	scripts/demo-gateway.sh

setup: check-toolchain system-packages ui/node_modules/.installed $(VENV)/.installed tauri-driver

# Debian packages: Tauri's libraries; a real Secret Service for the keyring tests; Xvfb, WebKit's WebDriver and
# Chromium for the UI and desktop tests; CJK fonts so Chinese renders; OpenSSL for HTTPS production URLs; the
# invoice PDF's fonts (Droid Sans Fallback, DejaVu Sans) and poppler's pdftotext to read it back in tests.
# PostgreSQL for the gateway's replication tests (each test starts its own server in a temporary directory);
# openssl makes the certificates of its TLS tests.
SYSTEM_PACKAGES := gnome-keyring dbus libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev \
	libxdo-dev libssl-dev pkg-config xvfb xauth webkit2gtk-driver chromium fonts-noto-cjk fonts-droid-fallback \
	fonts-dejavu-core poppler-utils bc procps postgresql openssl
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

check-toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo is required (rustup: https://rustup.rs)"; exit 1; }
	@command -v node >/dev/null || { echo "Node.js 20 or later is required"; exit 1; }
	@$(CARGO) nextest --version >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked
	@# A cold `make test` writes about 6 GiB (target/ 5, node_modules, the test venv and apt's packages the rest).
	@# Say so up front, where it is read, rather than only as "No space left on device" halfway through the build,
	@# as one CI run did with 2 GiB free. A warning, not a stop: a smaller build may still fit.
	@free=$$(df -Pk . | awk 'NR==2 {print int($$4/1048576)}'); \
	  if [ "$$free" -lt $(MIN_FREE_GIB) ]; then \
	    echo "warning: only $$free GiB free on $$(df -P . | awk 'NR==2 {print $$6}'), and a cold build with its tests writes about $(MIN_FREE_GIB) GiB;"; \
	    echo "warning: if it stops with 'No space left on device', free some (an old target/ is the usual culprit: cargo clean)"; \
	  fi

tauri-driver:
	@command -v tauri-driver >/dev/null 2>&1 || $(CARGO) install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked

ui/node_modules/.installed: ui/package-lock.json
	cd ui && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

# The built UI: Tauri embeds it (generate_context! needs it to compile) and `koodesk serve` serves it.
UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) ui/index.html ui/vite.config.ts ui/package.json
ui/dist/index.html: $(UI_SOURCES) ui/node_modules/.installed
	cd ui && $(NPM) run build --silent
ui-build: ui/dist/index.html

# Python clients the sandbox must interoperate with: Huawei Cloud's SDK signer, Authlib.
$(VENV)/.installed: tests/interop/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	touch $@

lint: ui-build
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

ui-unit: ui/node_modules/.installed
	cd ui && npx vue-tsc --noEmit && npx vitest run

# Inside a D-Bus session with gnome-keyring. The keyring tests are #[ignore]d (a run without a Secret Service
# shows them as skipped), so they are run here explicitly, against the real Secret Service with-keyring.sh starts.
KEYRING_TESTS := --run-ignored only -E 'test(keyring)'
unit: ui-build
	dbus-run-session -- scripts/with-keyring.sh $(CARGO) nextest run --workspace --locked --no-fail-fast
	dbus-run-session -- scripts/with-keyring.sh $(CARGO) nextest run --workspace --locked --no-fail-fast $(KEYRING_TESTS)

# The binaries come from `unit`'s build (same features, no rebuild); built here only when run on their own.
target/debug/koodesk:
	$(CARGO) build --locked -p koodesk-cli
target/debug/koodesk-desktop: ui/dist/index.html
	$(CARGO) build --locked -p koodesk-desktop

interop: target/debug/koodesk
	KOODESK_BIN=target/debug/koodesk $(VENV)/bin/python -m pytest -q tests/interop

# The real UI in Chromium against the real core (`koodesk serve`, embedded sandbox) over HTTP.
e2e: ui-build target/debug/koodesk
	cd ui && dbus-run-session -- ../scripts/with-keyring.sh env KOODESK_BIN=../target/debug/koodesk node --test tests/

# The real desktop binary in a window under Xvfb, driven by tauri-driver + WebKitWebDriver.
desktop: ui-build target/debug/koodesk-desktop
	xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- scripts/desktop-smoke.sh target/debug/koodesk-desktop

bench:
	$(CARGO) build --release --locked -p koodesk-cli
	target/release/koodesk bench signatures
	target/release/koodesk bench sandbox
	target/release/koodesk bench interface
	target/release/koodesk bench invoices
	target/release/koodesk bench import

# Startup and idle memory of the release desktop app beside a minimal Tauri window (docs/performance.md).
measure: setup ui-build
	scripts/measure-desktop.sh

# --- Release packages (not part of `make test`: a release build of both binaries and a Debian chroot take longer
# than CI's budget; .ci/run runs them when KOODESK_PACKAGE_TESTS=1) ----------------------------------------------
# make package        target/package/: koodesk_<version>_amd64.deb (desktop, Tauri's bundler),
#                     koodesk-gateway_<version>_amd64.deb (cargo-deb) and SHA256SUMS
# make install-test   those packages installed, run, upgraded and purged on a clean Debian 12 (debootstrap; root)
.PHONY: package install-test package-tools
PACKAGE_SYSTEM_PACKAGES := help2man debootstrap dpkg-dev sqlite3 iproute2 curl
package-tools:
	@missing=""; for p in $(PACKAGE_SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v cargo-deb >/dev/null 2>&1 || $(CARGO) install cargo-deb --locked

package: check-toolchain system-packages ui/node_modules/.installed package-tools ui-build
	scripts/package.sh

install-test: package tauri-driver
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO scripts/install-test.sh target/package
