"""Putting the mirrored bucket back on start, and readiness: the stack says ``ready:`` only
once every object restored for ingest or uploaded as a sample has a receipt of its content
(docs/local-stack.md, Readiness)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from archive_local.config import LocalConfig
from archive_local.provisioning import archive_settings

log = logging.getLogger("stack")


def put_back(mirror: Any) -> tuple[dict[str, str], set[str]]:
    """Put every mirrored object back into the bucket; returns key -> ETag of each one put
    back, and the keys whose copy could not be read. Done while the engine loads its
    snapshot: the notifications wait in the queue, because the worker starts only once
    ``settle_restored`` has said which to drop."""
    started = time.monotonic()
    wanted = set(mirror.entries)
    restored: dict[str, str] = mirror.restore()
    log.info(
        "put back %d object(s) from %s in %.1f s", len(restored), mirror.root, time.monotonic() - started
    )
    return restored, wanted - set(restored)


def settle_restored(
    config: LocalConfig,
    mirror: Any,
    restored: Mapping[str, str],
    unreadable: set[str],
    quiet: Any,
    sqs: Any,
    queue_url: str,
    engine_url: str,
) -> dict[str, str]:
    """Once the engine serves, compare the objects put back with its receipts (from the
    snapshot, or a cluster's own). Those whose receipt settled the same bytes are made
    quiet (the worker drops their notifications); the others go through ingest; objects
    the engine holds but the bucket no longer does get the removal notification. Returns
    the keys ingest must settle before the stack is ready, with their sha256."""
    from archive_local.deletes import delete_marker_notification
    from archive_local.snapshot import engine_receipts, plan_restore
    from archive_search.settings import RESERVED_PREFIX

    started = time.monotonic()
    entries = dict(mirror.entries)  # with what was uploaded since the objects were put back
    mirrored = {k: e["sha256"] for k, e in entries.items() if not k.startswith(RESERVED_PREFIX)}
    receipts = engine_receipts(engine_url, archive_settings().receipts_alias, config.bucket)
    plan = plan_restore(mirrored, receipts)
    reserved = [k for k in entries if k.startswith(RESERVED_PREFIX)]
    quiet.add({key: restored[key] for key in plan.unchanged + reserved if key in restored})
    now = datetime.now(UTC)
    for key in plan.vanished:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=delete_marker_notification(
                config.bucket, key, now, None, sequencer=mirror.sequencers.removed(key)
            ),
        )
    log.info(
        "restored %d object(s), compared in %.1f s: %d already indexed, %d to ingest, %d removed",
        len(restored),
        time.monotonic() - started,
        len(plan.unchanged),
        len(plan.changed),
        len(plan.vanished),
    )
    # A copy that could not be put back (damaged on disk) sends no notification to wait for.
    return {key: mirrored[key] for key in plan.changed if key not in unreadable}


class Readiness:
    """How many expected objects still lack a receipt while the stack starts (None once ready)."""

    def __init__(self) -> None:
        self.waiting: int | None = 0

    def pending(self) -> int | None:
        return self.waiting


def wait_for_receipts(
    bucket: str,
    keys: Mapping[str, str | None],
    readiness: Readiness,
    stop: threading.Event,
    timeout: float = 1800.0,
) -> None:
    """Wait (bounded) until every key has an ingest receipt (indexed, duplicate or
    rejected) of its content (sha256; a receipt without one counts), so that ``ready``
    means the samples or the restored archive are searchable; then make the writes
    visible to searches (a refresh)."""
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.errors import ArchiveSearchError
    from archive_search.ingest.receipts import read_receipts
    from archive_search.model import ObjectRef

    settings = archive_settings()
    engine = cached_engine(settings)
    started = time.monotonic()
    left = set(keys)
    readiness.waiting = len(left)
    while left and not stop.is_set() and time.monotonic() - started < timeout:
        for chunk in _chunks(sorted(left), 500):
            try:
                found = read_receipts(engine, settings.receipts_alias, [ObjectRef(bucket, k) for k in chunk])
            except ArchiveSearchError:
                break  # the receipts index does not exist yet
            left.difference_update(
                ref.key
                for ref, (_, receipt) in found.items()
                if receipt.get("content_sha256") in (None, keys[ref.key])
            )
        readiness.waiting = len(left)
        if left:
            stop.wait(0.5)
    if left and not stop.is_set():
        log.warning("%d object(s) still have no receipt after %.0f s; serving anyway", len(left), timeout)
    elif keys:
        log.info("archive indexed in %.1f s (%d object(s))", time.monotonic() - started, len(keys))
    for alias in (settings.index_alias, settings.receipts_alias) if keys else ():
        try:
            engine.refresh(alias)
        except ArchiveSearchError as exc:
            log.warning("could not refresh %s (%s)", alias, exc)
    readiness.waiting = None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
