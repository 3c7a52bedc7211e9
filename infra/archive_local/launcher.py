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
        self.process: subprocess.Popen[str] | None = None
        self.ready_at: float | None = None
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
        self.lines = []
        self.ready_at = None
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command(),
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        if wait:
            self.wait_ready(timeout)
        return (self.ready_at or time.monotonic()) - started

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if self.ready_at is None and READY.search(line):
                self.ready_at = time.monotonic()
            self.lines.append(line.rstrip("\n"))

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
