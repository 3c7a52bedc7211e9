"""Memory and time of building the archive's line statistics (``LineStats.build``).

    make bench-line-stats                       # 200,000 pages
    .venv/bin/python bench/line_stats.py --pages 50000

Synthetic pages of 100 lines each (20 menu lines shared by the pages of one of 1,000 sites,
80 lines of their own) are counted twice, each in a fresh process so that peak memory is its
own: as ``archive-search line-stats`` counts them (keys spilled to temporary files by range
past 32 MB) and with every key held in memory (no spilling: what counting cost before). It
prints CPU time, peak resident memory and the statistics' digest for each (equal digests: the
same statistics), then the ratio of the peaks.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _pages(count: int):
    for n in range(count):
        site = n % 1000
        yield [f"site {site} menu {k}" for k in range(20)] + [
            f"page {n} paragraph {k} with some words in it" for k in range(80)
        ]


def _measure(pages: int, in_memory: bool) -> dict[str, object]:
    from archive_search.cleaning.lines import stats as line_stats

    t0 = time.process_time()
    spill_every = sys.maxsize if in_memory else line_stats.SPILL_EVERY
    stats = line_stats.LineStats.build(_pages(pages), spill_every=spill_every)
    return {
        "cpu_s": round(time.process_time() - t0, 1),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "lines": len(stats.keys),
        "digest": stats.digest,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=200_000)
    ap.add_argument("--one", choices=["spilled", "in-memory"], help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_measure(args.pages, args.one == "in-memory")))
        return
    results = {}
    for mode in ("spilled", "in-memory"):
        out = subprocess.run(
            [sys.executable, __file__, "--pages", str(args.pages), "--one", mode],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[mode] = json.loads(out)
        print(f"{mode:<9} pages {args.pages} {results[mode]}")
    spilled, held = results["spilled"], results["in-memory"]
    print(
        f"line statistics of {args.pages} pages: peak memory {spilled['peak_mb']} MB spilled, "
        f"{held['peak_mb']} MB in memory ({held['peak_mb'] / spilled['peak_mb']:.1f}x); "
        f"same statistics: {spilled['digest'] == held['digest']}"
    )


if __name__ == "__main__":
    main()
