#!/usr/bin/env bash
# Runs a command with a real Secret Service: inside `dbus-run-session -- scripts/with-keyring.sh CMD…`, starts
# gnome-keyring with a fresh, unlocked login collection in a throwaway directory (the user's own keyring is
# never touched) and enables the UI's keyring tests (KOODESK_KEYRING_TESTS=1). The Rust keyring tests are
# #[ignore]d and run inside it explicitly: `cargo nextest run --run-ignored only -E 'test(keyring)'` (make unit).
set -euo pipefail
XDG_DATA_HOME=$(mktemp -d)
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
echo -n "koodesk-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
export KOODESK_KEYRING_TESTS=1
"$@"
