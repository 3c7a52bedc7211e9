"""The local stack run as a person runs it (``archive-search-local``), in a subprocess on
free loopback ports: what the end-to-end tests and the benchmarks start, stop and kill."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from archive_local.processes import free_port

# The line the stack prints once it serves (not "index ready: ...").
READY = re.compile(r"\sready: http")


class StackProcess:
    """One ``archive-search-local`` process on ``root/data`` and ``root/inbox``. Each
    ``start`` picks new ports (a killed stack's ports may linger for a moment)."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        self.data_dir = Path(root) / "data"
        self.inbox = Path(root) / "inbox"
        self.env = dict(env or {})  # over the inherited environment and the ports
        self.lines: list[str] = []
        self.line_times: list[float] = []  # seconds after launch each line arrived
        self.process: subprocess.Popen[str] | None = None
        self.ready_at: float | None = None
        self.ready_cpu: float | None = None  # CPU seconds of the stack and its children at ready:
        self._pick_ports()

    def _pick_ports(self) -> None:
        self.moto_port, self.http_port, self.search_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.endpoint = f"http://127.0.0.1:{self.moto_port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "MOTO_PORT": str(self.moto_port),
            "HTTP_PORT": str(self.http_port),
            "SEARCH_PORT": str(self.search_port),
            "DATA_DIR": str(self.data_dir),
            "INBOX_DIR": str(self.inbox),
            **self.env,
        }

    def command(self) -> list[str]:
        script = Path(sys.executable).with_name("archive-search-local")
        return [str(script)] if script.exists() else [sys.executable, "-m", "archive_local.stack"]

    def start(self, *, wait: bool = True, timeout: float = 120.0) -> float:
        """Start the stack; with ``wait``, return the seconds it took to print ``ready:``."""
        if self.process is not None:
            self._pick_ports()
        self.lines, self.line_times = [], []
        self.ready_at = self.ready_cpu = None
        started = self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            self.command(),
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process, started), daemon=True).start()
        if wait:
            self.wait_ready(timeout)
        return (self.ready_at or time.monotonic()) - started

    def _read(self, process: subprocess.Popen[str], started: float) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            now = time.monotonic()
            if self.ready_at is None and READY.search(line):
                self.ready_at = now
                self.ready_cpu = tree_cpu_seconds(process.pid)
            self.lines.append(line.rstrip("\n"))
            self.line_times.append(now - started)

    def first_line(self, pattern: str) -> tuple[float, str] | None:
        """(seconds after launch, line) of the first log line matching ``pattern``."""
        compiled = re.compile(pattern)
        for at, line in zip(self.line_times, self.lines, strict=False):
            if compiled.search(line):
                return at, line
        return None

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError("the stack exited while starting:\n" + self.log())
            if self.ready_at is not None:
                return
            time.sleep(0.05)
        raise RuntimeError(f"the stack did not print 'ready:' within {timeout:.0f} s:\n" + self.log())

    def stop(self, timeout: float = 90.0) -> int:
        """SIGTERM, as Ctrl-C or a service manager stops it; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: the stack gets no chance to do anything more."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(30)

    def child_pids(self) -> list[int]:
        """The ids of the stack's direct children (moto server, osmem-server)."""
        assert self.process is not None
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def engine_pid(self) -> int | None:
        for pid in self.child_pids():
            try:
                if "osmem" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                    return pid
            except OSError:
                continue
        return None

    def log(self, last: int = 200) -> str:
        return "\n".join(self.lines[-last:])

    def s3(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60),
        )


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and every live descendant, plus
    the children they have reaped (Linux ``/proc``; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[int, float]] = {}  # pid -> (parent, CPU seconds)
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After "(comm)": state, ppid, ..., utime (12th), stime, cutime, cstime.
        stats[int(entry.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / ticks)
    wanted, total = {pid}, 0.0
    while True:
        more = {child for child, (parent, _) in stats.items() if parent in wanted} - wanted
        if not more:
            break
        wanted |= more
    for member in wanted:
        total += stats.get(member, (0, 0.0))[1]
    return total


@contextlib.contextmanager
def temporary_stack(prefix: str, env: Mapping[str, str] | None = None) -> Iterator[StackProcess]:
    """A StackProcess on a temporary folder (not started), killed if still running and
    removed with its folder on the way out; on an error its last log lines go to stderr."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    stack = StackProcess(root, env)
    try:
        yield stack
    except BaseException:
        print(stack.log(40), file=sys.stderr)
        raise
    finally:
        if stack.process and stack.process.poll() is None:
            stack.kill()
        shutil.rmtree(root, ignore_errors=True)


# A small vocabulary for synthetic articles (benchmarks).
WORDS = [
    "harbour", "council", "budget", "election", "flood", "river", "storm", "minister", "court",
    "police", "school", "hospital", "tram", "railway", "bridge", "festival", "market", "price",
    "inflation", "tariff", "water", "energy", "solar", "wind", "farm", "fishing", "fleet",
    "parliament", "strike", "teachers", "nurses", "museum", "library", "ferry", "quay", "dunes",
]  # fmt: skip


def synthetic_paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
        for _ in range(sentences)
    )
