"""Cold-start benchmark: each handler's init in a fresh interpreter, against `import boto3`.

    make bench-coldstart                       # 7 rounds
    .venv/bin/python -m bench.coldstart --rounds 11

Runs on the bundles `make package` builds (tools/package.py, cached), in the Lambda runtime's
Python, each process started with `-I -S` and only its bundle on the path, as Lambda starts a
function. A handler's init is what a cold start does before the first event: import the handler
module, read the settings, build the engine client (SigV4 credentials from the environment; no
request is sent; the relay, which never talks to the engine, only imports). The baseline is `import boto3` from the same bundle. Every round runs every
case once, in a rotated order (interleaved, so drift on the shared machine hits all alike); the
ratio (of CPU time, wall time beside it) is taken per round and its median printed.
`--before DIR` adds the search handler of another revision's search bundle to every round
(built with that revision's `tools/package.py --bundle search --out DIR --no-zip`), so a change
is compared with what it changes in the same interleaved run.
"search +first /search" times the init and then the first request, `GET /search?q=election`, with
the engine's answer returned by urllib3's connection pool instead of the network (signing,
compression, transport and parsing all run): an import moved from the init into the first request
shows there, not as a gain.
"Tracing on" sets LAMBDA_TASK_ROOT as Lambda does with Tracing: Active, so Powertools' Tracer
and the X-Ray SDK load; the targets are for tracing off. The last lines are always:
    coldstart search N.NNx boto3 (target <= 2x)
    coldstart ingest N.NNx boto3 (target <= 3x)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from tools.package import BUILD, BUNDLES, LAMBDA_ENV, build, lambda_python

TARGETS = {"search": 2.0, "ingest": 3.0}
FIRST_LABEL = "search +first /search"
BASELINE = "import boto3"
# Milliseconds of the work inside the process (interpreter start-up excluded: the same for all), as
# CPU time of the process and as wall time. Init is CPU-bound (the files are in the page cache),
# and CPU time is what other jobs on a shared machine disturb least, so ratios use it.
TIMED = """
import sys, time
sys.path[:0] = [sys.argv[1]]
start, start_cpu = time.perf_counter(), time.process_time()
if sys.argv[2] == "boto3":
    import boto3
else:
    import importlib
    import importlib.util
    handler = importlib.import_module(sys.argv[2]).handler
    if importlib.util.find_spec("archive_search.settings"):  # the relay never talks to the engine
        from archive_search.adapters.opensearch import build_client
        from archive_search.settings import get_settings
        build_client(get_settings())
print("init", (time.process_time() - start_cpu) * 1000, (time.perf_counter() - start) * 1000)
if sys.argv[3:4] == ["first"]:
    exec(sys.argv[4])
    status = handler(FIRST_EVENT, Context())["statusCode"]
    if status != 200:
        raise SystemExit(f"the first request answered {status}")
    print("first", (time.process_time() - start_cpu) * 1000, (time.perf_counter() - start) * 1000)
"""
# The first request of a cold start, `GET /search?q=election` (defaults: collapse, no facets),
# answered without a network: urllib3's connection pool returns the engine's answer, so signing,
# compression, the transport and the response parsing all run. Set up after the init is timed.
FIRST_REQUEST = """
import io, json, urllib3
ANSWER = json.dumps({
    "took": 1, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
    "aggregations": {"groups": {"count": {"value": 0}}},
}).encode()

def urlopen(self, method, url, body=None, headers=None, **kwargs):
    return urllib3.HTTPResponse(
        body=io.BytesIO(ANSWER), headers={"content-type": "application/json"}, status=200, preload_content=False
    )

urllib3.connectionpool.HTTPConnectionPool.urlopen = urlopen

class Context:
    function_name = "search"
    memory_limit_in_mb = 1024
    aws_request_id = "c0ffee00-0000-4000-8000-000000000001"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:search"

    def get_remaining_time_in_millis(self):
        return 29_000

FIRST_EVENT = {
    "version": "2.0", "routeKey": "$default", "rawPath": "/search", "rawQueryString": "q=election",
    "headers": {"host": "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "accept": "application/json"},
    "queryStringParameters": {"q": "election"},
    "requestContext": {
        "http": {"method": "GET", "path": "/search", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.10",
                 "userAgent": "bench"},
        "requestId": "BfPx-jXGIAMEYyw=", "routeKey": "$default", "stage": "$default", "apiId": "a1b2c3d4e5",
        "domainName": "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "accountId": "123456789012",
        "time": "07/Dec/2026:12:00:00 +0000", "timeEpoch": 1796644800000,
    },
    "isBase64Encoded": False,
}
"""


def run_once(
    python: str, bundle: Path, target: str, *, tracing: bool, first: bool = False
) -> tuple[float, float]:
    """CPU and wall milliseconds of one init in a fresh process (with ``first``, of the init and
    the first `/search` together)."""
    env = dict(LAMBDA_ENV)
    if tracing:
        env["LAMBDA_TASK_ROOT"] = str(bundle)
    result = subprocess.run(
        [python, "-I", "-S", "-c", TIMED, str(bundle), target, *(["first", FIRST_REQUEST] if first else [])],
        capture_output=True, text=True, env=env, cwd=bundle, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"{target} failed to start:\n{result.stderr[-2000:]}")
    wanted = "first" if first else "init"
    timed = [line.split() for line in result.stdout.splitlines() if line.startswith(f"{wanted} ")]
    if not timed:
        raise SystemExit(f"{target} printed no {wanted} time:\n{result.stdout[-2000:]}")
    _, cpu, wall = timed[-1]
    return float(cpu), float(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7, help="runs of each case (median taken; at least 5)")
    parser.add_argument(
        "--before", type=Path, help="another revision's search bundle, timed in the same rounds"
    )
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    python = lambda_python()
    print(f"building the bundles (cached): {', '.join(sorted(BUNDLES))}", flush=True)
    bundles = {name: build(bundle, BUILD / "bundles" / name, quiet=True) for name, bundle in BUNDLES.items()}
    search = BUNDLES["search"].handler_module
    cases = [("boto3", "search", "boto3", False, False)] + [
        (f"{name}{' +tracing' if tracing else ''}", name, BUNDLES[name].handler_module, tracing, False)
        for name in sorted(BUNDLES)
        for tracing in (False, True)
    ]
    cases.append((FIRST_LABEL, "search", search, False, True))
    if args.before:
        bundles["before"] = args.before.resolve()
        cases.append(("search (before)", "before", search, False, False))
        cases.append((f"{FIRST_LABEL} (before)", "before", search, False, True))
    for _label, bundle, target, tracing, first in cases:  # warm the file cache and write nothing timed
        run_once(python, bundles[bundle], target, tracing=tracing, first=first)
    times: dict[str, list[float]] = {label: [] for label, *_ in cases}
    walls: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for round_ in range(args.rounds):
        shift = round_ % len(cases)
        for label, bundle, target, tracing, first in cases[shift:] + cases[:shift]:
            cpu, wall = run_once(python, bundles[bundle], target, tracing=tracing, first=first)
            times[label].append(cpu)
            walls[label].append(wall)
        print(f"round {round_ + 1}/{args.rounds} (CPU ms): " + ", ".join(f"{k} {v[-1]:.0f}" for k, v in times.items()),
              flush=True)  # fmt: skip
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    print(f"\nPython {version} (-I -S, bundle only on the path); median of {args.rounds} interleaved rounds")
    print(f"{'case':<32}{'CPU ms':>8}{'x ' + BASELINE:>18}{'wall ms':>10}{'x (wall)':>10}")
    ratios: dict[str, float] = {}
    for label, *_ in cases:
        ratios[label] = statistics.median(t / b for t, b in zip(times[label], times["boto3"], strict=True))
        wall_ratio = statistics.median(t / b for t, b in zip(walls[label], walls["boto3"], strict=True))
        print(f"{label:<32}{statistics.median(times[label]):>8.0f}{ratios[label]:>17.2f}x"
              f"{statistics.median(walls[label]):>10.0f}{wall_ratio:>9.2f}x")  # fmt: skip
    print()
    for name, target in TARGETS.items():
        verdict = "ok" if ratios[name] <= target else "OVER"
        print(f"coldstart {name} {ratios[name]:.2f}x boto3 (target <= {target:g}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
