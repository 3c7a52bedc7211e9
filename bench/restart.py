"""Restart benchmark: time from start to ``ready:`` on a 10,000-article archive, from the
engine snapshot against a full re-ingest.

    make bench-restart
    .venv/bin/python bench/restart.py --articles 10000 --per-file 25

Starts the local stack as ``make run`` does (a subprocess on free loopback ports, a
temporary data directory, no samples), uploads ``--articles`` synthetic articles as JSON
files of ``--per-file`` articles each and waits until all are searchable; stops it
(SIGTERM: the stack writes its engine snapshot). Then it restarts the stack on the same
data directory, alternately from the snapshot and without it (the snapshot folder removed:
every object is cleaned and indexed again, as every restart did before snapshots), and
measures seconds from launch to the ``ready:`` line, the CPU seconds the stack and its
children used by then (what a busy machine does not change much), the load average, and
when each phase ended, read from the stack's log. After each restart the first search
must count every article. Bounded: loopback only, ``--timeout`` seconds per phase.
The last line is always:
    restart to ready: snapshot N s (CPU N s), full re-ingest N s (CPU N s) (ratio R), N articles
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time

import requests

from archive_local.launcher import WORDS, StackProcess, synthetic_paragraph, temporary_stack

SOURCES = ["Harbour Gazette", "Valmont Post", "Northfield Courier", "Lakeside Ledger"]
# The log lines that end each phase of a start, in the order they usually come.
PHASES = [
    ("moto", r"moto server \(S3 \+ SQS\) on"),
    ("put back", r"put back \d+ object"),
    ("engine", r"search engine: osmem-server"),
    ("compared", r"restored \d+ object"),
    ("ingested", r"archive indexed in"),
    ("ready", r"\sready: http"),
]


def article_file(first: int, count: int, rng: random.Random) -> bytes:
    articles = []
    for i in range(first, first + count):
        articles.append(
            {
                "title": f"{' '.join(rng.choice(WORDS) for _ in range(5)).capitalize()} (item {i})",
                "body": f"Report number {i}. {synthetic_paragraph(rng, rng.randint(6, 12))}",
                "url": f"https://news.example/{i}",
                "published": f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "source": rng.choice(SOURCES),
                "language": "en",
            }
        )
    return json.dumps(articles).encode()


def total(stack: StackProcess) -> int:
    response = requests.get(
        f"{stack.url}/search", params={"sort": "newest", "collapse": "false", "size": 1}, timeout=60
    )
    return int(response.json()["total"]) if response.status_code == 200 else -1


def phases(stack: StackProcess) -> str:
    """When each phase ended (seconds after launch), with the durations the log states."""
    parts = []
    for name, pattern in PHASES:
        found = stack.first_line(pattern)
        if found:
            took = re.search(r" in ([\d.]+) s", found[1])
            parts.append(f"{name} {found[0]:.1f}" + (f" (took {took[1]})" if took else ""))
    return ", ".join(parts)


def run_restarts(stack: StackProcess, args: argparse.Namespace) -> dict[str, list[tuple[float, float]]]:
    """Build the archive, then restart alternately from the snapshot and without it."""
    times: dict[str, list[tuple[float, float]]] = {"snapshot": [], "full re-ingest": []}
    stack.start()
    s3, rng = stack.s3(), random.Random(5)
    started = time.monotonic()
    for first in range(0, args.articles, args.per_file):
        count = min(args.per_file, args.articles - first)
        s3.put_object(Bucket="archive", Key=f"restart/{first:06d}.json", Body=article_file(first, count, rng))
    while total(stack) < args.articles and time.monotonic() - started < args.timeout:
        time.sleep(2.0)
    print(f"archive built: {total(stack)} articles in {time.monotonic() - started:.0f} s", flush=True)
    stack.stop()
    for _ in range(args.rounds):
        for kind in ("snapshot", "full re-ingest"):
            if kind == "full re-ingest":
                shutil.rmtree(stack.data_dir / "engine-snapshot", ignore_errors=True)
            took = stack.start(timeout=args.timeout)
            found = total(stack)
            cpu = stack.ready_cpu or 0.0
            print(
                f"{kind}: ready after {took:.1f} s, CPU {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}, "
                f"first search counts {found} articles",
                flush=True,
            )
            print(f"  phases (s after launch): {phases(stack)}", flush=True)
            if found != args.articles:
                print(f"  {args.articles - found} article(s) missing right after ready:", file=sys.stderr)
            times[kind].append((took, cpu))
            stack.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=1, help="restarts of each kind, alternating")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per phase")
    args = parser.parse_args()
    if not 1 <= args.articles <= 50_000 or not 1 <= args.per_file <= 100 or not 1 <= args.rounds <= 5:
        parser.error("bounds: --articles 1..50000, --per-file 1..100, --rounds 1..5")
    with temporary_stack("bench-restart-", {"LOAD_SAMPLES": "0", "POWERTOOLS_LOG_LEVEL": "WARNING"}) as stack:
        times = run_restarts(stack, args)
    (snapshot, snapshot_cpu), (full, full_cpu) = (
        (statistics.median(t for t, _ in runs), statistics.median(c for _, c in runs))
        for runs in (times["snapshot"], times["full re-ingest"])
    )
    print(
        f"restart to ready: snapshot {snapshot:.1f} s (CPU {snapshot_cpu:.1f} s), full re-ingest {full:.1f} s "
        f"(CPU {full_cpu:.1f} s) (ratio {snapshot / full:.2f}), {args.articles} articles"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
