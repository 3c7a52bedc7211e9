"""``/health``: whether search really works, and how far ingest is behind.

The engine is probed with a real read on the alias (a size-0 search) that must answer within
``PROBE_TIMEOUT_S``: a cluster that answers ``HEAD /`` while its searches hang is degraded.
The ingest backlog (messages queued and in flight on the ingest queue) is reported when the
queue is configured and readable; it informs, it never makes search unhealthy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from archive_search.errors import EngineUnavailable

PROBE_TIMEOUT_S = 1.0


class Probed(Protocol):
    def probe(self, timeout_s: float) -> None: ...


def health(
    engine: Probed, backlog: Callable[[], dict[str, int] | None] | None
) -> tuple[bool, dict[str, Any]]:
    """(healthy, the report) for the engine and the ingest queue's backlog reader (None: no
    queue configured)."""
    began = time.perf_counter()
    try:
        engine.probe(PROBE_TIMEOUT_S)
        engine_status = "ok"
    except EngineUnavailable:
        engine_status = "unavailable"
    took_ms = round((time.perf_counter() - began) * 1000, 1)
    ingest: dict[str, Any]
    if backlog is None:
        ingest = {"status": "not_configured"}
    else:
        counts = backlog()
        ingest = {"status": "ok", **counts} if counts is not None else {"status": "unavailable"}
    healthy = engine_status == "ok"
    report = {
        "status": "ok" if healthy else "degraded",
        "engine": {"status": engine_status, "took_ms": took_ms},
        "ingest": ingest,
    }
    return healthy, report
