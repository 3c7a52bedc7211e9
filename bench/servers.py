"""The servers a benchmark runs against, on loopback: the search engine and a moto server."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from archive_local.config import StartupError
from archive_local.processes import start_moto as start_moto_process
from archive_local.processes import terminate, wait_for_port

HOST = "127.0.0.1"


def start_engine() -> tuple[Any | None, str]:
    """The engine's URL: ``OPENSEARCH_URL`` when it is set, else a fresh osmem-server's, with
    the server (to ``close()``; None for a cluster the benchmark does not own)."""
    url = os.environ.get("OPENSEARCH_URL")
    if url:
        return None, url
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    return server, server.url


def start_moto(timeout: float = 30.0) -> tuple[subprocess.Popen[Any], str]:
    """A moto server on a free loopback port, once it accepts connections, and its endpoint."""
    moto, port = start_moto_process(HOST, subprocess.DEVNULL)
    try:
        wait_for_port(HOST, port, moto, timeout)
    except StartupError as exc:
        terminate(moto, "moto")
        raise SystemExit(f"the moto server did not start: {exc}") from None
    return moto, f"http://{HOST}:{port}"


def stop_moto(moto: subprocess.Popen[Any]) -> None:
    terminate(moto, "moto")
