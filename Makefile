# KooDesk's two entry points on a fresh Debian machine:
#   make run    sets up and starts the product (today: the KooGallery sandbox with demo data)
#   make test   sets up and runs every test
# Both are idempotent: a warm machine skips what it already has.

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv-tests
PORT ?= 8787

.PHONY: run test setup check-toolchain system-packages lint unit interop bench

run: setup
	$(CARGO) build --release --locked -p koodesk-cli
	target/release/koodesk sandbox --port $(PORT)

test: setup lint unit interop

setup: check-toolchain system-packages $(VENV)/.installed

# Debian packages the tests need: a real Secret Service for the keyring tests.
SYSTEM_PACKAGES := gnome-keyring dbus
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

check-toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo is required (rustup: https://rustup.rs)"; exit 1; }
	@$(CARGO) nextest --version >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked

# Python clients the sandbox must interoperate with: Huawei Cloud's SDK signer, Authlib.
$(VENV)/.installed: tests/interop/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	touch $@

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

# Inside a D-Bus session with gnome-keyring, so the keyring tests run against a real Secret Service.
unit:
	dbus-run-session -- scripts/with-keyring.sh $(CARGO) nextest run --workspace --locked --no-fail-fast

interop:
	$(CARGO) build --locked -p koodesk-cli
	KOODESK_BIN=target/debug/koodesk $(VENV)/bin/python -m pytest -q tests/interop

bench:
	$(CARGO) build --release --locked -p koodesk-cli
	target/release/koodesk bench signatures
	target/release/koodesk bench sandbox
