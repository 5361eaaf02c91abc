# KooDesk's two entry points on a fresh Debian machine:
#   make run    sets up and starts the product
#   make test   sets up and runs every test
# Both are idempotent: a warm machine skips what it already has.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test setup check-toolchain lint unit

run: setup
	$(CARGO) build --release --locked -p koodesk-cli
	@bash scripts/tour.sh target/release/koodesk

test: setup lint unit

setup: check-toolchain

check-toolchain:
	@command -v $(CARGO) >/dev/null || { echo "cargo is required (rustup: https://rustup.rs)"; exit 1; }
	@$(CARGO) nextest --version >/dev/null 2>&1 || $(CARGO) install cargo-nextest --locked

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) nextest run --workspace --locked --no-fail-fast
