"""Write docs/img/search-page.png: the search page's first screen at 1280 px, on the sample archive.

    python -m tools.screenshot       # `make screenshot`: needs /usr/bin/chromium (`make test` installs it)

Starts the local stack as ``make run`` does (a subprocess on free loopback ports, a temporary data
directory, the samples loaded), waits until every sample has its ingest receipt, opens the page in
headless Chromium through Playwright (its own browser download is not used), takes the screenshot
and stores it as an indexed PNG of 256 colours, so the repository keeps a small image. Run it after a change to what
the page shows.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
IMAGE = REPO / "docs/img/search-page.png"
CHROMIUM = "/usr/bin/chromium"
# The page as the README shows it: a search with a publisher ticked, so every part is drawn.
PAGE = "/?q=harbour&source=The+Harbour+Gazette"
VIEWPORT = {"width": 1280, "height": 900}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


PALETTE_SIZE = 256  # an indexed PNG's most colours


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def rgb_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit RGB PNG without interlacing, as
    Chromium writes screenshots."""
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, colour, interlace) != (8, 2, 0):
        raise ValueError("not an 8-bit RGB PNG without interlacing")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride, rows = width * 3, []
    above = bytearray(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left, corner = (row[i - 3], above[i - 3]) if i >= 3 else (0, 0)
            predicted = (0, left, above[i], (left + above[i]) // 2, _paeth(left, above[i], corner))[kind]
            row[i] = (row[i] + predicted) & 255
        rows.append(bytes(row))
        above = row
    return width, height, rows


def small_png(data: bytes) -> bytes:
    """The screenshot as an indexed PNG: its most frequent colours as the palette, every other
    colour (anti-aliased edges) drawn in the nearest of them. A page is mostly flat colours, so
    this keeps it sharp at a fraction of the bytes of the RGB image."""
    width, height, rows = rgb_rows(data)
    pixels = [row[i : i + 3] for row in rows for i in range(0, len(row), 3)]
    palette = [colour for colour, _ in Counter(pixels).most_common(PALETTE_SIZE)]
    index = {colour: n for n, colour in enumerate(palette)}
    for colour in set(pixels) - index.keys():
        index[colour] = min(
            range(len(palette)),
            key=lambda n: sum((a - b) ** 2 for a, b in zip(colour, palette[n], strict=True)),
        )
    indexed = bytes(index[p] for p in pixels)
    # Filter type 0 on every row: the PNG specification's advice for indexed images.
    lines = b"".join(b"\x00" + indexed[y * width : (y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", b"".join(palette))
        + chunk(b"IDAT", zlib.compress(lines, 9))
        + chunk(b"IEND", b"")
    )


def _wait_for_samples(url: str, timeout: float) -> None:
    from archive_local.provisioning import SAMPLES_PREFIX, sample_files

    keys = [SAMPLES_PREFIX + name for name, _ in sample_files()]
    deadline = time.monotonic() + timeout
    while keys:
        answer = requests.get(f"{url}/ingest/status", params={"key": keys[0]}, timeout=30)
        if answer.status_code == 200:
            keys.pop(0)
        elif time.monotonic() > deadline:
            raise TimeoutError(f"no ingest receipt for {keys[0]} after {timeout:.0f} s")
        else:
            time.sleep(0.2)


def screenshot(url: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(url + PAGE)
            page.wait_for_selector("#results > li.hit")
            page.wait_for_selector("#histogram .bar")
            page.wait_for_selector(".results-column[aria-busy=false]")
            return page.screenshot()
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=IMAGE, help=f"where to write (default: {IMAGE.relative_to(REPO)})"
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait for the stack and its samples"
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", file=sys.stderr)
        return 2
    from archive_local.launcher import temporary_stack

    with temporary_stack("archive-search-screenshot-") as stack:
        stack.start(timeout=args.timeout)
        _wait_for_samples(stack.url, args.timeout)
        image = screenshot(stack.url)
        stack.stop()
    data = small_png(image)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data):,} bytes ({len(image):,} as Chromium wrote it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
