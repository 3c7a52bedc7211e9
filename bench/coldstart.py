"""Cold-start benchmark: each handler's init in a fresh interpreter, against `import boto3`.

    make bench-coldstart                       # 7 rounds
    .venv/bin/python -m bench.coldstart --rounds 11

Runs on the bundles `make package` builds (tools/package.py, cached), in the Lambda runtime's
Python, each process started with `-I -S` and only its bundle on the path, as Lambda starts a
function. A handler's init is what a cold start does before the first event: import the handler
module, read the settings, build the engine client (SigV4 credentials from the environment; no
request is sent). The baseline is `import boto3` from the same bundle. Every round runs every
case once, in a rotated order (interleaved, so drift on the shared machine hits all alike); the
ratio (of CPU time, wall time beside it) is taken per round and its median printed.
`--before DIR` adds the search handler of another revision's search bundle to every round
(built with that revision's `tools/package.py --bundle search --out DIR --no-zip`), so a change
is compared with what it changes in the same interleaved run.
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
    importlib.import_module(sys.argv[2])
    from archive_search.adapters.opensearch import build_client
    from archive_search.settings import get_settings
    build_client(get_settings())
print((time.process_time() - start_cpu) * 1000, (time.perf_counter() - start) * 1000)
"""


def run_once(python: str, bundle: Path, target: str, *, tracing: bool) -> tuple[float, float]:
    """CPU and wall milliseconds of one init in a fresh process."""
    env = dict(LAMBDA_ENV)
    if tracing:
        env["LAMBDA_TASK_ROOT"] = str(bundle)
    result = subprocess.run(
        [python, "-I", "-S", "-c", TIMED, str(bundle), target],
        capture_output=True, text=True, env=env, cwd=bundle, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"{target} failed to start:\n{result.stderr[-2000:]}")
    cpu, wall = result.stdout.strip().splitlines()[-1].split()
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
    cases = [("boto3", "search", "boto3", False)] + [
        (f"{name}{' +tracing' if tracing else ''}", name, BUNDLES[name].handler_module, tracing)
        for name in sorted(BUNDLES)
        for tracing in (False, True)
    ]
    if args.before:
        bundles["before"] = args.before.resolve()
        cases.append(("search (before)", "before", BUNDLES["search"].handler_module, False))
    for _label, bundle, target, tracing in cases:  # warm the file cache and write nothing timed
        run_once(python, bundles[bundle], target, tracing=tracing)
    times: dict[str, list[float]] = {label: [] for label, *_ in cases}
    walls: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for round_ in range(args.rounds):
        shift = round_ % len(cases)
        for label, bundle, target, tracing in cases[shift:] + cases[:shift]:
            cpu, wall = run_once(python, bundles[bundle], target, tracing=tracing)
            times[label].append(cpu)
            walls[label].append(wall)
        print(f"round {round_ + 1}/{args.rounds} (CPU ms): " + ", ".join(f"{k} {v[-1]:.0f}" for k, v in times.items()),
              flush=True)  # fmt: skip
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    print(f"\nPython {version} (-I -S, bundle only on the path); median of {args.rounds} interleaved rounds")
    print(f"{'case':<18}{'CPU ms':>8}{'x ' + BASELINE:>18}{'wall ms':>10}{'x (wall)':>10}")
    ratios: dict[str, float] = {}
    for label, *_ in cases:
        ratios[label] = statistics.median(t / b for t, b in zip(times[label], times["boto3"], strict=True))
        wall_ratio = statistics.median(t / b for t, b in zip(walls[label], walls["boto3"], strict=True))
        print(f"{label:<18}{statistics.median(times[label]):>8.0f}{ratios[label]:>17.2f}x"
              f"{statistics.median(walls[label]):>10.0f}{wall_ratio:>9.2f}x")  # fmt: skip
    print()
    for name, target in TARGETS.items():
        verdict = "ok" if ratios[name] <= target else "OVER"
        print(f"coldstart {name} {ratios[name]:.2f}x boto3 (target <= {target:g}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
