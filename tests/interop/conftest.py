"""Starts the real sandbox (`koodesk sandbox --port 0 --json`) for the interop tests and stops it after."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sandbox():
    binary = os.environ.get("KOODESK_BIN", str(ROOT / "target" / "debug" / "koodesk"))
    proc = subprocess.Popen(
        [binary, "sandbox", "--port", "0", "--json", "--speed", "0", "--seed", "9",
         "--start", "2026-11-29T10:00:00", "--history-days", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox did not start: " + proc.stderr.read())
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
