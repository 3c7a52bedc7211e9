"""Load benchmark: mixed search requests through the local stack's HTTP front.

    make bench-load
    .venv/bin/python bench/load.py --articles 300 --requests 240 --rounds 2

Starts the local stack as ``make run`` does (a subprocess on free loopback ports, a
temporary data directory, the samples), uploads ``--articles`` synthetic articles to its
bucket and waits until they are searchable. Then it sends a fixed mix of search requests
(one word, two words, a phrase, a prefix, filters with facets, newest first without
collapse, browsing) at concurrency 1 and at concurrency 8, alternating the two in
``--rounds`` rounds so drift on the shared machine falls on both. Prints, per concurrency,
requests per second and p50/p99 latency (client wall time per request, loopback HTTP
included), and the throughput ratio of 8 to 1. Bounded: loopback only, ``--timeout``
seconds for the archive to be searchable. The last line is always:
    concurrency 8 / 1 throughput: X.XX
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from archive_local.launcher import WORDS, StackProcess, synthetic_paragraph, temporary_stack

MIX: list[dict[str, Any]] = [
    {"q": "harbour"},
    {"q": "flood river"},
    {"q": '"storm minister"'},
    {"q": "parliam*"},
    {"q": "budget", "facets": "source,language,published"},
    {"q": "market", "sort": "newest", "collapse": "false"},
    {"sort": "newest", "size": 50},
    {"q": "festival museum library"},
]


def article(i: int, rng: random.Random) -> bytes:
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
    return f"{title} {i}\n\nLoadbench report. {synthetic_paragraph(rng, 8)}\n".encode()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_load(url: str, concurrency: int, count: int) -> tuple[float, list[float]]:
    """(wall seconds, per-request seconds) for ``count`` requests of the mix."""
    local = threading.local()

    def one(i: int) -> float:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        started = time.perf_counter()
        response = session.get(f"{url}/search", params=MIX[i % len(MIX)], timeout=60)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {MIX[i % len(MIX)]}: {response.text[:200]}")
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(one, range(count)))
    return time.perf_counter() - started, latencies


def measure(stack: StackProcess, args: argparse.Namespace) -> dict[int, tuple[float, list[float]]]:
    """Start the stack, build the archive, run the rounds; (wall s, latencies) per concurrency."""
    stack.start()
    s3 = stack.s3()
    rng = random.Random(11)
    for i in range(args.articles):
        s3.put_object(Bucket="archive", Key=f"load/{i:05d}.txt", Body=article(i, rng))
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        found = requests.get(
            f"{stack.url}/search", params={"q": "loadbench", "collapse": "false"}, timeout=30
        )
        if found.status_code == 200 and found.json()["total"] >= args.articles:
            break
        time.sleep(1.0)
    run_load(stack.url, 8, len(MIX) * 2)  # warm every environment
    results: dict[int, tuple[float, list[float]]] = {1: (0.0, []), 8: (0.0, [])}
    for _ in range(args.rounds):
        for concurrency in (1, 8):
            wall, latencies = run_load(stack.url, concurrency, args.requests)
            results[concurrency] = (results[concurrency][0] + wall, results[concurrency][1] + latencies)
    stack.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--requests", type=int, default=240, help="requests per concurrency per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if not 1 <= args.articles <= 5000 or not 8 <= args.requests <= 10000 or not 1 <= args.rounds <= 20:
        parser.error("bounds: --articles 1..5000, --requests 8..10000, --rounds 1..20")
    with temporary_stack("bench-load-", {"POWERTOOLS_LOG_LEVEL": "WARNING"}) as stack:
        results = measure(stack, args)
    throughput = {}
    for concurrency, (wall, latencies) in results.items():
        throughput[concurrency] = len(latencies) / wall
        print(
            f"concurrency {concurrency}: {throughput[concurrency]:.1f} requests/s, "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms "
            f"({len(latencies)} requests)"
        )
    print(f"concurrency 8 / 1 throughput: {throughput[8] / throughput[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
