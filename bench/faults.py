"""Fault benchmark: acknowledged uploads survive an engine death and a SIGKILL of the stack.

    make bench-faults
    .venv/bin/python bench/faults.py --files 300 --timeout 600

Starts the local stack as ``make run`` does (a subprocess on free loopback ports, a
temporary data directory, no samples) and uploads ``--files`` synthetic articles to its S3
endpoint from 4 threads, each with a word of its own. A third of the way in, the search
engine (osmem-server) is killed with SIGKILL, so the stack stops by itself; it is started
again and the uploads go on. Two thirds of the way in the whole stack is killed with
SIGKILL; it is started again and the rest are uploaded. An upload that got no answer is
sent again after the restart, as a client would. Then every acknowledged article is looked
for through the HTTP front (``/search?q=<its word>``) until all are found or the timeout.

Bounded: loopback only, ``--timeout`` seconds in all (each phase stops by itself). The last
line is always:
    acknowledged N, searchable after restart N, lost N
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from archive_local.launcher import StackProcess, temporary_stack

BUCKET = "archive"
THREADS = 4


def word(i: int) -> str:
    return f"faultbench{i:04d}q"


def article(i: int) -> bytes:
    return (
        f"Harbour board reviews pier number {i}\n\n"
        f"The harbour board of Port Ellery met on Tuesday to review the {word(i)} pier, "
        "where engineers found worn timbers beneath the landing stage last month. "
        "Repairs are expected to take six weeks and the ferry will use the north quay meanwhile.\n"
    ).encode()


class Uploads:
    def __init__(self, files: int) -> None:
        self.pending = list(range(files))
        self.acknowledged: set[int] = set()
        self.lock = threading.Lock()
        self._local = threading.local()

    def _s3(self, stack: StackProcess):  # type: ignore[no-untyped-def]
        """One client per thread and endpoint (each restart has new ports)."""
        if getattr(self._local, "endpoint", None) != stack.endpoint:
            self._local.endpoint, self._local.client = stack.endpoint, stack.s3()
        return self._local.client

    def run(self, stack: StackProcess, fault_after: int | None, fault: threading.Event) -> None:
        """Upload what is pending; set ``fault`` once ``fault_after`` more were acknowledged."""
        start_count = len(self.acknowledged)
        todo, self.pending = self.pending, []

        def put(i: int) -> None:
            if stack.process is None or stack.process.poll() is not None:
                with self.lock:
                    self.pending.append(i)
                return
            try:
                self._s3(stack).put_object(Bucket=BUCKET, Key=f"faults/{i:04d}.txt", Body=article(i))
            except Exception:
                with self.lock:
                    self.pending.append(i)  # no answer: sent again after the restart
                return
            with self.lock:
                self.acknowledged.add(i)
                if fault_after is not None and len(self.acknowledged) - start_count >= fault_after:
                    fault.set()

        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(put, todo))
        self.pending.sort()


def searchable(stack: StackProcess, wanted: set[int], deadline: float) -> set[int]:
    found: set[int] = set()
    session = requests.Session()
    while time.monotonic() < deadline:
        for i in sorted(wanted - found):
            try:
                response = session.get(f"{stack.url}/search", params={"q": word(i)}, timeout=30)
            except requests.RequestException:
                continue
            if response.status_code == 200 and response.json().get("total", 0) >= 1:
                found.add(i)
        if found == wanted:
            break
        time.sleep(1.0)
    return found


def run_faults(stack: StackProcess, uploads: Uploads, args: argparse.Namespace) -> set[int]:
    """The three phases; returns the acknowledged articles found by search at the end."""
    deadline = time.monotonic() + args.timeout
    third = args.files // 3
    print(f"phase 1: {third} acknowledged uploads, then SIGKILL of the search engine", flush=True)
    stack.start()
    engine_died = threading.Event()

    def kill_engine() -> None:
        if engine_died.wait(args.timeout):
            pid = stack.engine_pid()
            if pid:
                os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_engine, daemon=True)
    killer.start()
    uploads.run(stack, third, engine_died)
    assert stack.process is not None
    stack.process.wait(max(1.0, deadline - time.monotonic()))
    print(f"  acknowledged {len(uploads.acknowledged)}; the stack stopped by itself", flush=True)

    # Half of what is left, however many the first phase took while the stack stopped.
    second = max(1, len(uploads.pending) // 2)
    print(f"phase 2: {second} more, then SIGKILL of the whole stack", flush=True)
    stack.start()
    stack_killed = threading.Event()
    threading.Thread(target=lambda: stack_killed.wait(args.timeout) and stack.kill(), daemon=True).start()
    uploads.run(stack, second, stack_killed)
    stack.process.wait(max(1.0, deadline - time.monotonic()))
    print(f"  acknowledged {len(uploads.acknowledged)}; the stack was killed", flush=True)

    print("phase 3: restart, the rest, then every acknowledged article searched for", flush=True)
    restart = stack.start()
    print(f"  ready after {restart:.1f} s", flush=True)
    while uploads.pending and time.monotonic() < deadline:
        uploads.run(stack, None, threading.Event())
    found = searchable(stack, set(uploads.acknowledged), deadline)
    stack.stop()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds in all")
    args = parser.parse_args()
    if not 3 <= args.files <= 5000:
        parser.error("--files must be between 3 and 5000")
    uploads = Uploads(args.files)
    with temporary_stack("bench-faults-", {"LOAD_SAMPLES": "0"}) as stack:
        found = run_faults(stack, uploads, args)
    acknowledged = len(uploads.acknowledged)
    print(
        f"acknowledged {acknowledged}, searchable after restart {len(found)}, lost {acknowledged - len(found)}"
    )
    return 0 if acknowledged == len(found) == args.files else 1


if __name__ == "__main__":
    sys.exit(main())
