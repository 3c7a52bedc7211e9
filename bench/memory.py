"""Peak memory and time of ``clean()`` per MB of input, by format and size.

    make bench-memory
    .venv/bin/python bench/memory.py --sizes 0.25,1,4 --formats html

Each (format, size) runs in a fresh Python process (so one input's peak cannot hide
another's): it imports the cleaner and cleans a small page of the same format first (imports,
lookup tables, the language model: a warm Lambda), records its peak RSS, then cleans the input
once and reports the peak RSS again. ``extra`` is the growth of the peak over the warm process:
what the input itself cost; ``MB/MB`` divides it by the input's size (decompressed for ``.gz``).
Inputs are synthetic and seeded (the same bytes every run): text dumps of one long article
(past 200,000 characters its body is rejected, after the work, which is what is measured),
HTML pages of one article with the rest of their bytes teaser lists and an inline script's
state, JSON files of 5 kB records, JSON files of records each holding a 5 kB page as ``html``
(``json-html``: the most pages one upload may ask for), and text and HTML gzip-compressed. Sizes past a
format's bound (docs/limits.md) show what a rejection costs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import time
from typing import Any

WORDS = [
    "the",
    "harbour",
    "reopened",
    "after",
    "storm",
    "officials",
    "said",
    "ships",
    "began",
    "to",
    "move",
    "again",
    "on",
    "tuesday",
    "morning",
    "city",
    "council",
    "met",
    "residents",
    "water",
    "power",
    "lines",
    "were",
    "restored",
    "by",
    "crews",
    "who",
    "worked",
    "through",
    "night",
    "mayor",
    "thanked",
    "volunteers",
    "while",
    "insurers",
    "counted",
    "cost",
    "of",
    "damage",
    "along",
    "coast",
]
FORMATS = ("text", "html", "json", "json-html", "text.gz", "html.gz")
KEYS = {"text": "dump.txt", "html": "page.html", "json": "records.json", "json-html": "records.json"}


def _paragraphs(total: int, rng: random.Random) -> list[str]:
    out, size = [], 0
    while True:
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
        paragraph = " ".join(words).capitalize() + "."
        size += len(paragraph) + 2
        if size > total:
            return out
        out.append(paragraph)


def make_input(fmt: str, size: int) -> tuple[bytes, str]:
    """Seeded bytes of about ``size`` (uncompressed) and the key they are cleaned under."""
    rng = random.Random(size)
    base = fmt.removesuffix(".gz")
    if base == "text":
        data = ("Harbour reopens after the storm\n\n" + "\n\n".join(_paragraphs(size, rng))).encode()
    elif base == "html":
        # A big news page: one article (up to 60 kB of text), and the rest of the bytes half
        # teaser lists (many small elements), half an inline script's state (few elements).
        article = "".join(f'<p class="para">{p}</p>\n' for p in _paragraphs(min(size, 60_000), rng))
        rest = max(0, size - len(article) - 300)
        teaser = '<li class="teaser"><a href="/story/{0}" data-id="{0}">{1}</a></li>\n'
        teasers, total = [], 0
        while total < rest // 2:
            item = teaser.format(len(teasers), " ".join(rng.choice(WORDS) for _ in range(8)))
            teasers.append(item)
            total += len(item)
        state = json.dumps({"items": _paragraphs(rest // 2, rng)})
        data = (
            f"<html><head><title>Harbour reopens</title><script>window.__STATE__ = {state}</script>"
            f"</head><body><nav><ul>{''.join(teasers[:30])}</ul></nav><article><h1>Harbour reopens</h1>"
            f"{article}</article><aside><ul>{''.join(teasers[30:])}</ul></aside>"
            "<footer>Contact us</footer></body></html>"
        ).encode()
    elif base == "json-html":
        # Each record a small page of its own: one extraction per record, up to the record bound.
        records, total = [], 0
        while not records or total < size - 6_000:
            article = "".join(f"<p>{p}</p>" for p in _paragraphs(4_000, rng))
            menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))
            page = f"<html><body><nav><ul>{menu}</ul></nav><article>{article}</article></body></html>"
            records.append({"title": f"Story {len(records)}", "html": page})
            total += len(page) + 40
        data = json.dumps(records).encode()
    else:
        records, total = [], 0
        while not records or total < size - 6_000:
            body = "\n\n".join(_paragraphs(5_000, rng))
            records.append({"title": f"Story {len(records)}", "body": body, "published": "2024-05-29"})
            total += len(body) + 60
        data = json.dumps(records).encode()
    key = KEYS[base]
    if fmt.endswith(".gz"):
        return gzip.compress(data, compresslevel=6), key + ".gz"
    return data, key


def measure(fmt: str, size: int) -> dict[str, Any]:
    """Run in the child process: warm up, then clean the input once."""
    from archive_search.cleaning import clean
    from archive_search.errors import RejectedInput

    small, key = make_input(fmt, 4_000)
    clean(small, key)
    warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    data, key = make_input(fmt, size)
    raw = len(gzip.decompress(data)) if key.endswith(".gz") else len(data)
    started = time.perf_counter()
    try:
        articles = clean(data, key)
        outcome = f"{len(articles)} article(s)"
    except RejectedInput as exc:
        outcome = f"rejected: {exc.reason}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"bytes": raw, "seconds": seconds, "warm_mb": warm, "peak_mb": peak, "outcome": outcome}


def run_child(fmt: str, size: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(size)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="0.1,0.5,0.95,2,4.75", help="input sizes in MiB (uncompressed)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return
    print(
        f"{'format':8} {'MiB in':>7} {'s':>6} {'s/MB':>6} {'warm MB':>8} {'peak MB':>8} {'extra':>7} "
        f"{'MB/MB':>6}  outcome"
    )
    for fmt in args.formats.split(","):
        for mib in (float(s) for s in args.sizes.split(",")):
            r = run_child(fmt, int(mib * 1024 * 1024))
            mb = r["bytes"] / 1e6
            extra = r["peak_mb"] - r["warm_mb"]
            print(
                f"{fmt:8} {r['bytes'] / 2**20:7.2f} {r['seconds']:6.2f} {r['seconds'] / mb:6.2f} "
                f"{r['warm_mb']:8.0f} {r['peak_mb']:8.0f} {extra:7.0f} {extra / mb:6.1f}  {r['outcome']}"
            )


if __name__ == "__main__":
    main()
