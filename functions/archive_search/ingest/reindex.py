"""Rebuild the article index from the bucket (the source of truth) and swap the alias.

1. create a new versioned index next to the live one;
2. write every object of the bucket into it, each at the version its receipt records
   (1 when it has none), so any later event still wins and any older one still loses;
   objects are cleaned as ingest cleans them, with the bucket's current line statistics
   (read afresh when the rebuild starts: ``archive-search line-stats`` then ``reindex``
   re-cleans the archive with new statistics); an article whose content the live index holds
   under its key keeps that document's ``ingested_at`` (read through the alias), so the
   indexed feed's order survives the rebuild; the service's own objects (keys under
   ``_archive-search/``) and folder keys (ending in ``/``) are not articles and are skipped;
3. refresh it, then point the alias at it in ONE ``update_aliases`` request: search
   reads the complete old index until the instant it reads the complete new one;
   (never when an object failed to be written: the live index keeps serving);
4. catch up on what changed while the new index was being built (objects added,
   overwritten or removed, by listing and receipts) by writing those through the alias, and
   tombstone what the rebuild wrote of them past what their receipts now hold.

The old index is kept (its name is reported) so a bad rebuild can be swapped back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archive_search.index_schema import receipts_index_body
from archive_search.ingest.events import CREATED, REMOVED, ObjectEvent
from archive_search.ingest.receipts import read_receipts
from archive_search.ingest.service import LEFTOVERS_FAILED, IngestService
from archive_search.model import ObjectRef
from archive_search.settings import is_upload_key

CHUNK = 50


@dataclass
class ReindexReport:
    index: str
    replaced: list[str]
    objects: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    caught_up: int = 0
    swapped: bool = False
    failed: dict[str, str] = field(default_factory=dict)
    cleaner_version: str = ""  # what the rebuilt documents record (with the line statistics' digest)


def reindex(
    service: IngestService,
    bucket: str,
    *,
    on_swap: Callable[[str], None] | None = None,
) -> ReindexReport:
    engine, settings = service.engine, service.settings
    engine.ensure_index(settings.receipts_alias, receipts_index_body())
    # List before creating the new index: a missing bucket must not leave an empty one behind.
    before = _listing(service, bucket)
    target = engine.new_index_name()
    engine.create_index(target)

    # Read the statistics now, not as cached by a warm service: they are what the rebuild uses.
    stats = service.line_stats(bucket, refresh=True)
    refs = [ObjectRef(bucket, key) for key in before]
    versions = _receipts(service, refs)
    report = ReindexReport(
        index=target, replaced=[], objects=len(refs), cleaner_version=service.version_with(stats)
    )
    # Each article the live index holds keeps its indexing time (read through the alias).
    live = {ref: receipt for ref, (_, receipt) in versions.items()}
    for chunk in _chunks(refs):
        events = [_event(ref, CREATED, versions.get(ref)) for ref in chunk]
        _record(report, service.rebuild(events, {}, target, live))
    if report.failed:
        # Never swap to an incomplete index: the live one keeps serving; the new one is
        # left for inspection and a rerun builds another.
        return report
    engine.refresh(target)
    report.replaced = engine.swap_alias(target)
    report.swapped = True
    if on_swap:
        on_swap(target)

    after = _listing(service, bucket)
    now = _receipts(service, [ObjectRef(bucket, key) for key in set(before) | set(after)])
    changed = [
        ObjectRef(bucket, key)
        for key, etag in after.items()
        if before.get(key) != etag
        or _version(now.get(ObjectRef(bucket, key))) != _version(versions.get(ObjectRef(bucket, key)))
    ]
    removed = [ObjectRef(bucket, key) for key in before if key not in after]
    previous = {ref: receipt for ref, (_, receipt) in now.items()}
    for chunk in _chunks(changed):
        _record(
            report,
            service.rebuild(
                [_event(r, CREATED, now.get(r)) for r in chunk], previous, settings.index_alias, previous
            ),
        )
    for chunk in _chunks(removed):
        _record(
            report,
            service.rebuild(
                [_event(r, REMOVED, now.get(r)) for r in chunk], previous, settings.index_alias, previous
            ),
        )
    report.caught_up = len(changed) + len(removed)
    # The rebuild wrote what the bucket held then: a file cut down or deleted since has articles
    # in the new index past what its receipt holds, which the catch-up's own tombstones miss.
    caught = {ref: now[ref] for ref in (*changed, *removed) if ref in now}
    for ref in service.clear_leftovers(caught, lambda: 3_600_000):
        report.failed[str(ref)] = LEFTOVERS_FAILED
    engine.refresh()
    return report


def _listing(service: IngestService, bucket: str) -> dict[str, str]:
    """key -> etag of the bucket's uploads (its own objects, under the reserved prefix, and folder
    keys left out). The whole bucket: the new index replaces the live one, so a key left out would
    vanish."""
    return {key: etag for key, etag in service.store.list_keys(bucket) if is_upload_key(key)}


def _receipts(service: IngestService, refs: list[ObjectRef]) -> dict[ObjectRef, tuple[int, dict[str, Any]]]:
    found: dict[ObjectRef, tuple[int, dict[str, Any]]] = {}
    for chunk in _chunks(refs):
        found.update(read_receipts(service.engine, service.settings.receipts_alias, list(chunk)))
    return found


def _version(entry: tuple[int, dict[str, Any]] | None) -> int | None:
    return entry[0] if entry else None


def _event(ref: ObjectRef, action: str, entry: tuple[int, dict[str, Any]] | None) -> ObjectEvent:
    version, receipt = entry if entry else (1, {})
    return ObjectEvent(
        ref=ref,
        action=action,
        event_name="Reindex",
        event_time=datetime.now(UTC).isoformat(),
        version=version,
        sequencer=receipt.get("sequencer"),
    )


def _record(report: ReindexReport, result: Any) -> None:
    for outcome in result.outcomes.values():
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
    report.failed.update(result.failed)


def _chunks(items: Sequence[ObjectRef]) -> Iterator[Sequence[ObjectRef]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
