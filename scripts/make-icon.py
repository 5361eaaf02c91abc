#!/usr/bin/env python3
"""Draws KooDesk's icon (a blue tile with a white 'K' and an orange badge dot) as PNGs, without dependencies."""
import struct, sys, zlib
from pathlib import Path

def png(size: int) -> bytes:
    rows = []
    r = size * 0.18
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # Rounded square.
            cx = min(max(x, r), size - 1 - r); cy = min(max(y, r), size - 1 - r)
            inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
            px = (20, 118, 255, 255) if inside else (0, 0, 0, 0)
            u, v = x / size, y / size
            # The K: a vertical bar and two diagonals.
            if inside and ((0.28 <= u <= 0.40 and 0.22 <= v <= 0.78)
                           or (abs((u - 0.40) - (0.50 - v) * 0.9) < 0.07 and 0.22 <= v <= 0.52 and u >= 0.38)
                           or (abs((u - 0.40) - (v - 0.50) * 0.9) < 0.07 and 0.48 <= v <= 0.78 and u >= 0.38)):
                px = (255, 255, 255, 255)
            if (u - 0.80) ** 2 + (v - 0.20) ** 2 <= 0.12 ** 2:
                px = (255, 136, 0, 255)
            row.extend(px)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")

out = Path(sys.argv[1] if len(sys.argv) > 1 else "icons")
out.mkdir(parents=True, exist_ok=True)
# Every size the freedesktop icon theme (hicolor) looks for, so the desktop .deb installs a sharp one for each.
SIZES = [("16x16.png", 16), ("24x24.png", 24), ("32x32.png", 32), ("48x48.png", 48), ("64x64.png", 64),
         ("128x128.png", 128), ("128x128@2x.png", 256), ("256x256.png", 256), ("icon.png", 512)]
for name, size in SIZES:
    (out / name).write_bytes(png(size))
