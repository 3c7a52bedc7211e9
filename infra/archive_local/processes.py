"""The local stack's child processes and threads: ports, launching, supervising, stopping.

Every child runs in a session of its own, so Ctrl-C in the terminal (sent to the whole
foreground process group) reaches the stack only, which stops the children in order after
taking the last copies of the bucket and the engine; and each is told to die with the stack
(``PR_SET_PDEATHSIG``), so a killed stack never leaves one holding its port.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from archive_local.config import StartupError

log = logging.getLogger("stack")


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for_port(host: str, port: int, process: subprocess.Popen[Any], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"the process for port {port} exited with code {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise StartupError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the stack dies, even by SIGKILL,
    so a killed stack never leaves a child holding its port (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_moto(host: str, log_file: IO[bytes] | int) -> tuple[subprocess.Popen[Any], int]:
    """A moto server on a free private port (the public one is the S3 front)."""
    port = free_port(host)
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", host, "-p", str(port)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        # A session of its own: Ctrl-C in the terminal reaches the stack only, which
        # stops the moto server last, after taking the last copy of the bucket.
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    return moto, port


def terminate(process: subprocess.Popen[Any], name: str) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.info("%s stopped", name)


class Periodic:
    """Runs ``action`` every ``interval`` seconds in a thread until stopped."""

    def __init__(self, name: str, interval: float, action: Callable[[], Any]) -> None:
        self.name = name
        self.interval = interval
        self.action = action
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.action()
            except Exception:
                logging.getLogger(self.name).exception("%s failed; retrying", self.name)


class EngineProcess:
    """osmem-server on ``host:port``, launched without waiting for it, so that it loads its
    seed (the engine snapshot) while moto, the search environments and the bucket start.

    Besides the session of its own and ``PR_SET_PDEATHSIG``, osmem-server exits when the
    stack's pid disappears or its stdin (a pipe from the stack) closes, so it never
    outlives the stack.
    """

    def __init__(self, host: str, port: int, seed: Path | None = None) -> None:
        from osmem_server import resolve_binary

        self.url = f"http://{host}:{port}"
        self.seed = seed
        self.version = ""
        self.started = time.monotonic()
        args = [resolve_binary(), "-parent-pid", str(os.getpid()), "-no-ja", "-addr", f"{host}:{port}"]
        if seed is not None:
            args += ["-seed", str(seed)]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Loading a snapshot spends much of its CPU in Go's garbage collector at its default
            # (GOGC=100); 200 trades a little memory for a faster restart. A GOGC set wins.
            env={"GOGC": "200", **os.environ},
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self._ready = threading.Event()
        threading.Thread(target=self._read, name="osmem-server", daemon=True).start()

    def _read(self) -> None:
        """Wait for the line osmem-server prints once it serves (JSON with its url), then
        keep draining its stdout so it never blocks on a full pipe."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if self._ready.is_set():
                continue
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and "url" in message:
                self.version = str(message.get("version", ""))
                self._ready.set()

    def wait_ready(self, timeout: float) -> float:
        """Block until the engine serves; returns the seconds since launch. Raises
        StartupError when it exits first or takes longer than ``timeout``."""
        deadline = self.started + timeout
        while not self._ready.wait(0.05):
            if self.process.poll() is not None:
                raise StartupError(f"osmem-server exited with code {self.process.returncode} while starting")
            if time.monotonic() > deadline:
                self.close()
                raise StartupError(f"osmem-server did not start within {timeout:.0f} s")
        return time.monotonic() - self.started

    def close(self, grace: float = 5.0) -> None:
        """Close its stdin (osmem-server exits), then kill it after ``grace`` seconds."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                assert self.process.stdin is not None
                self.process.stdin.close()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Bounds on osmem-server's start: empty, and loading a snapshot (about a millisecond of CPU
# a document, more on a busy machine).
ENGINE_START_SECONDS = 30.0
SEEDED_ENGINE_START_SECONDS = 600.0


def serving_engine(engine: EngineProcess, host: str, port: int) -> EngineProcess:
    """Wait until ``engine`` serves. A seeded engine that cannot load its seed (or not in
    time) is replaced by an empty one: everything is then ingested again."""
    if engine.seed is not None:
        try:
            took = engine.wait_ready(SEEDED_ENGINE_START_SECONDS)
            log.info(
                "search engine: osmem-server %s on %s, loaded from %s in %.1f s",
                engine.version,
                engine.url,
                engine.seed,
                took,
            )
            return engine
        except StartupError as exc:
            engine.close()
            log.warning(
                "the engine snapshot in %s could not be loaded (%s); starting empty", engine.seed, exc
            )
            engine = EngineProcess(host, port)
    try:
        engine.wait_ready(ENGINE_START_SECONDS)
    except BaseException:  # a replacement is not the engine the caller closes
        engine.close()
        raise
    log.info("search engine: osmem-server %s on %s (in memory)", engine.version, engine.url)
    return engine
