"""tools/screenshot.py stores the page's screenshot as an indexed PNG: the same picture in
far fewer bytes, each colour outside the palette drawn in the nearest one in it."""

from __future__ import annotations

import struct
import zlib

import pytest

from tools.screenshot import PALETTE_SIZE, PNG_SIGNATURE, small_png

pytestmark = pytest.mark.unit


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _chunks(png: bytes) -> dict[bytes, bytes]:
    found, pos = {}, len(PNG_SIGNATURE)
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        assert struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])[0] == zlib.crc32(kind + body)
        found[kind] = found.get(kind, b"") + body
        pos += 12 + length
    return found


def _predicted(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 4:
        p = left + up - corner
        return min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
    return (0, left, up, (left + up) // 2)[kind]


def _rgb_png(rows: list[list[tuple[int, int, int]]]) -> bytes:
    """An RGB PNG as a browser writes one: each row filtered with another of the five filters."""
    width, lines, above = len(rows[0]), b"", bytes(len(rows[0]) * 3)
    for y, pixels in enumerate(rows):
        row, kind = bytes(c for p in pixels for c in p), y % 5
        filtered = bytes(
            (row[i] - _predicted(kind, row[i - 3] if i >= 3 else 0, above[i], above[i - 3] if i >= 3 else 0))
            & 255
            for i in range(len(row))
        )
        lines += bytes([kind]) + filtered
        above = row
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    stored = zlib.compress(lines, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", stored) + _chunk(b"IEND", b"")


def _indexed_pixels(png: bytes) -> list[list[tuple[int, int, int]]]:
    chunks = _chunks(png)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 3)
    palette = [tuple(chunks[b"PLTE"][i : i + 3]) for i in range(0, len(chunks[b"PLTE"]), 3)]
    lines = zlib.decompress(chunks[b"IDAT"])
    assert all(lines[y * (width + 1)] == 0 for y in range(height))
    return [[palette[i] for i in lines[y * (width + 1) + 1 : (y + 1) * (width + 1)]] for y in range(height)]


def test_a_screenshot_of_few_colours_keeps_every_pixel_in_far_fewer_bytes() -> None:
    colours = [(255, 255, 255), (32, 32, 32), (26, 95, 180), (255, 236, 153), (120, 120, 120)]
    rows = [[colours[(x // 7 + y // 3) % len(colours)] for x in range(120)] for y in range(40)]
    png = _rgb_png(rows)

    smaller = small_png(png)

    assert _indexed_pixels(smaller) == rows
    assert len(smaller) < len(png) // 10


def test_colours_beyond_the_palette_are_drawn_in_the_nearest_frequent_one() -> None:
    # 256 frequent greys (two pixels each) and rare near-greys (one pixel each).
    frequent = [(g, g, g) for g in range(256)]
    rare = [(g, g, g + 1) for g in range(0, 250, 10)]
    rows = [frequent, frequent, rare + [(0, 0, 0)] * (256 - len(rare))]

    pixels = _indexed_pixels(small_png(_rgb_png(rows)))

    assert pixels[:2] == [frequent, frequent]
    assert pixels[2][: len(rare)] == [(g, g, g) for g, _, _ in rare]
    assert len(_chunks(small_png(_rgb_png(rows)))[b"PLTE"]) == PALETTE_SIZE * 3


def test_bytes_that_are_not_a_png_are_refused() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        small_png(b"GIF89a")
