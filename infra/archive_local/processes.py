"""The local stack's child processes and threads: ports, launching, supervising, stopping.

Every child runs in a session of its own, so Ctrl-C in the terminal (sent to the whole
foreground process group) reaches the stack only, which stops the children in order after
taking the last copies of the bucket and the engine; and each is told to die with the stack
(``PR_SET_PDEATHSIG``), so a killed stack never leaves one holding its port.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from archive_local.config import LocalConfig, StartupError
from archive_local.snapshot import IndexSnapshot

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
    so a killed stack never leaves a moto server holding its port (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def _sigint_ignored_by_children() -> Iterator[None]:
    """Processes started inside inherit an ignored SIGINT, so Ctrl-C in the terminal
    (sent to the whole process group) reaches the stack only, which stops them in order."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def start_moto(host: str, log_file: IO[bytes]) -> tuple[subprocess.Popen[Any], int]:
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


def start_osmem(config: LocalConfig, snapshot: IndexSnapshot) -> Any:
    """osmem-server on SEARCH_PORT, seeded from the last snapshot when there is one (and
    without it when the snapshot cannot be loaded: everything is then ingested again)."""
    from osmem_server import OsmemServer

    addr = f"{config.host}:{config.search_port}"
    if snapshot.exists():
        started = time.monotonic()
        try:
            with _sigint_ignored_by_children():
                server = OsmemServer.start(addr=addr, japanese=False, seed=[str(snapshot.root)])
            log.info(
                "search engine: osmem-server %s on %s, loaded from %s in %.1f s",
                server.version,
                server.url,
                snapshot.root,
                time.monotonic() - started,
            )
            return server
        except Exception as exc:
            log.warning(
                "the engine snapshot in %s could not be loaded (%s); starting empty", snapshot.root, exc
            )
    with _sigint_ignored_by_children():
        server = OsmemServer.start(addr=addr, japanese=False)
    log.info("search engine: osmem-server %s on %s (in memory)", server.version, server.url)
    return server
