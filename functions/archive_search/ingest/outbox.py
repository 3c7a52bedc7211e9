"""The events outbox: an event is stored before it is published and deleted once the bus has
accepted it, so an event the bus refused, or one a Lambda died before publishing, is late,
never lost: ``republish`` (run on a schedule) sends what is still stored after a grace period.

Where: an index of its own behind ``<alias>-outbox`` (receipts live in the engine, not in the
bucket), one document per event whose ``_id`` is its ``event_id``: storing the same event
again overwrites it. The index holds only the backlog, since entries are deleted on success,
so a run reads the oldest page of it with one sorted search, never the receipts or a bucket
listing, however large the archive.

Order at ingest (``IngestService``): a batch's outcome events are stored after its documents
and before its receipts (``OutboxPublisher.stage_outcomes``). A receipt is therefore never
written without its event stored; a Lambda that dies in between leaves the message to SQS,
whose retry builds the same event (same ``event_id``); an object whose event could not be
stored is retried like a failed write. ``Alert Matched`` events are stored when they are
matched, just before they are published (``OutboxPublisher.publish``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from archive_search.errors import ArchiveSearchError, IndexMissing
from archive_search.index_schema import outbox_index_body
from archive_search.ingest.outcomes import (
    BusEvent,
    Outcome,
    Publisher,
    PublishReport,
    build_event,
    is_news,
    publish_events,
)
from archive_search.ingest.writer import BulkItem, BulkWriter
from archive_search.model import ObjectRef
from archive_search.observability import logger, metrics

# The time a write may take when its caller states none (a call outside a Lambda's deadline).
_NO_DEADLINE: Callable[[], int] = lambda: 60_000  # noqa: E731

# Per run: at most this many events, read in pages, and no page started with less than the
# reserve of the Lambda's time left (a page's PutEvents calls stop at their own reserve).
MAX_EVENTS_PER_RUN = 500
PAGE_SIZE = 100
TIME_RESERVE_MS = 15_000


def event_id_of(event: BusEvent) -> str:
    return str(event.detail["event_id"])


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Outbox:
    """The stored events, in the engine behind ``alias`` (``SearchEngine`` passed in)."""

    def __init__(
        self,
        engine: Any,
        alias: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.engine = engine
        self.alias = alias
        self.clock = clock
        self.writer = BulkWriter(engine, sleep=sleep, on_missing_index=self._recreate)
        self._ready = False

    def ensure(self) -> None:
        """Create the outbox index behind its alias once per execution environment."""
        if not self._ready:
            self.engine.ensure_index(self.alias, outbox_index_body())
            self._ready = True

    def _recreate(self) -> None:
        """A write found the alias gone (404: deleted to drop a backlog): create it again before
        the retry, or every batch of this warm environment would fail to store its events."""
        self._ready = False
        with contextlib.suppress(ArchiveSearchError):
            self.ensure()

    def put(self, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None) -> set[str]:
        """Store ``events``; returns the ids of those that could not be stored (all of them
        when the engine is unavailable). 429s and 5xx are retried as the documents' are, within
        ``remaining_ms`` (the caller's time left). Never raises."""
        if not events:
            return set()
        moment = self.clock()
        # The version is when it was stored: storing an event again replaces its entry.
        version = int(moment.timestamp() * 1000)
        items = [
            BulkItem(
                event_id_of(event),
                version,
                {
                    "event_id": event_id_of(event),
                    "source": event.source,
                    "detail_type": event.detail_type,
                    "detail": event.detail,
                    "created_at": iso(moment),
                },
                event_id_of(event),
            )
            for event in events
        ]
        try:
            self.ensure()
            report = self.writer.write(items, remaining_ms or _NO_DEADLINE, index=self.alias)
        except Exception as exc:  # engine down or refusing: the caller decides what that means
            logger.warning(
                "events not stored in the outbox", extra={"events": len(events), "error": str(exc)}
            )
            return {event_id_of(e) for e in events}
        return {str(owner) for owner in report.failures}

    def remove(self, event_ids: Iterable[str]) -> None:
        """Delete the entries of ``event_ids`` (published). Never raises: an entry left behind
        is published again later, a copy its subscribers drop by ``event_id``."""
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return
        operations: list[dict[str, Any] | None] = []
        for event_id in ids:
            operations.extend(({"delete": {"_id": event_id}}, None))
        try:
            results = self.engine.bulk(operations, index=self.alias)
        except Exception as exc:
            logger.warning(
                "published events left in the outbox", extra={"events": len(ids), "error": str(exc)}
            )
            return
        # 404: already removed (by another run, or an entry that was never stored).
        left = [r for r in results if int(r.get("status", 500)) not in (200, 404)]
        if left:
            logger.warning("published events left in the outbox", extra={"events": len(left)})

    def due(
        self, before: datetime, size: int, after: list[Any] | None = None
    ) -> tuple[list[BusEvent], list[Any] | None]:
        """The oldest entries stored at or before ``before`` (at most ``size``), and the sort
        values to continue after (``None`` when there are no more)."""
        self.ensure()
        body: dict[str, Any] = {
            "size": size,
            "query": {"bool": {"filter": [{"range": {"created_at": {"lte": iso(before)}}}]}},
            "sort": [{"created_at": {"order": "asc"}}, {"event_id": {"order": "asc"}}],
        }
        if after:
            body["search_after"] = after
        hits = self._search(body)["hits"]["hits"]
        events = [_event(hit["_source"]) for hit in hits]
        return events, (list(hits[-1]["sort"]) if len(hits) == size else None)

    def backlog(self) -> tuple[int, datetime | None]:
        """How many events are stored, and when the oldest was (``None`` when none is)."""
        self.ensure()
        body = {
            "size": 1,
            "track_total_hits": True,
            "_source": ["created_at"],
            "sort": [{"created_at": {"order": "asc"}}, {"event_id": {"order": "asc"}}],
        }
        hits = self._search(body)["hits"]
        total = hits["total"]["value"] if isinstance(hits["total"], Mapping) else hits["total"]
        if not hits["hits"]:
            return int(total), None
        oldest = datetime.fromisoformat(str(hits["hits"][0]["_source"]["created_at"]).replace("Z", "+00:00"))
        return int(total), oldest

    def _search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """A search of the outbox. An index deleted under a warm environment (to drop a backlog)
        holds nothing: it is created again and the answer is empty, not a failed run."""
        try:
            return self.engine.search(body, index=self.alias)
        except IndexMissing:
            self._recreate()
            return {"hits": {"total": {"value": 0}, "hits": []}}


def _event(source: Mapping[str, Any]) -> BusEvent:
    return BusEvent(str(source["detail_type"]), dict(source["detail"]), str(source["source"]))


class OutboxPublisher:
    """A ``Publisher`` that stores each event in the outbox before publishing it and deletes
    it once the bus accepted it. Events staged earlier in the invocation (``stage``) are not
    stored twice."""

    def __init__(self, publisher: Publisher, outbox: Outbox) -> None:
        self.publisher = publisher
        self.outbox = outbox
        self._staged: set[str] = set()

    def stage(self, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None) -> set[str]:
        """Store ``events`` ahead of publishing them; returns the ids not stored."""
        unstored = self.outbox.put(events, remaining_ms)
        self._staged.update(event_id_of(e) for e in events if event_id_of(e) not in unstored)
        return unstored

    def stage_outcomes(
        self, outcomes: Sequence[Outcome], remaining_ms: Callable[[], int] | None = None
    ) -> set[ObjectRef]:
        """Store the events of ``outcomes`` (the news among them, as ``OutcomeAnnouncer`` will
        publish them); returns the objects whose event could not be stored."""
        # One batch at a time: what an earlier batch staged and never published (its receipt
        # failed) is in the outbox for the republisher, and need not be remembered here.
        self._staged.clear()
        try:
            by_id = {
                event_id_of(event): (event, _ref(o))
                for o in outcomes
                if is_news(o.receipt, o.previous)
                for event in (build_event(o),)
            }
        except Exception:  # a bug: the announcer fails the same way and counts it; never fail ingest
            logger.exception("building events to store failed", extra={"outcomes": len(outcomes)})
            return set()
        unstored = self.stage([event for event, _ in by_id.values()], remaining_ms)
        return {by_id[event_id][1] for event_id in unstored}

    def withdraw_outcomes(self, outcomes: Sequence[Outcome]) -> None:
        """Drop the stored events of ``outcomes``, which will not be announced (a newer event on
        the key won the race to the receipt and withdrew their articles)."""
        try:
            ids = [event_id_of(build_event(o)) for o in outcomes if is_news(o.receipt, o.previous)]
        except Exception:  # a bug: the event stays stored and is published late; never fail ingest
            logger.exception("building events to withdraw failed", extra={"outcomes": len(outcomes)})
            return
        self._staged.difference_update(ids)
        self.outbox.remove(ids)

    def publish(
        self, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None
    ) -> PublishReport:
        unstaged = [e for e in events if event_id_of(e) not in self._staged]
        unstored = self.outbox.put(unstaged, remaining_ms)
        if unstored:  # published all the same: late delivery is then not guaranteed for these
            metrics.add_metric(name="EventsNotStored", unit=MetricUnit.Count, value=len(unstored))
        try:
            report = self.publisher.publish(events, remaining_ms)
        finally:
            self._staged.difference_update(event_id_of(e) for e in events)
        kept = report.kept_ids()
        self.outbox.remove(event_id_of(e) for e in events if event_id_of(e) not in kept)
        # Unsent and not stored: no later run will send it, so it is not published, not waiting.
        lost = [e for e in report.unsent if event_id_of(e) in unstored]
        report.failed.extend((e, "no time left, and not stored in the outbox") for e in lost)
        report.unsent = [e for e in report.unsent if event_id_of(e) not in unstored]
        return report


def _ref(outcome: Outcome) -> ObjectRef:
    return ObjectRef(str(outcome.receipt["bucket"]), str(outcome.receipt["key"]))


@dataclass
class RepublishReport:
    republished: int = 0
    failed: int = 0  # still not accepted: left in the outbox for the next run
    pending: int = 0  # events in the outbox after the run
    oldest_age_s: float = 0.0  # age of the oldest of them (0 when none)
    stopped: str | None = None  # "max_events" or "time" when the run ended with due events unread

    def as_dict(self) -> dict[str, Any]:
        return {
            "republished": self.republished,
            "failed": self.failed,
            "pending": self.pending,
            "oldest_age_seconds": round(self.oldest_age_s, 3),
            "stopped": self.stopped,
        }


def republish(
    outbox: Outbox,
    publisher: Publisher,
    remaining_ms: Callable[[], int],
    *,
    grace_s: float,
    max_events: int = MAX_EVENTS_PER_RUN,
    page_size: int = PAGE_SIZE,
    time_reserve_ms: int = TIME_RESERVE_MS,
) -> RepublishReport:
    """Publish again the events stored more than ``grace_s`` ago, oldest first, with their
    ``event_id`` unchanged; delete those the bus accepts. Younger entries are left to the
    invocation that stored them, which publishes them within its own time (at most the ingest
    timeout): a grace above that keeps a run from sending them a second time. Bounded by ``max_events`` and by the
    time left; reports the backlog (``EventsPending``, ``EventsPendingOldestAgeSeconds``)."""
    report = RepublishReport()
    now = outbox.clock()
    before = now - timedelta(seconds=grace_s)
    after: list[Any] | None = None
    while True:
        read = report.republished + report.failed
        if read >= max_events:
            # The last page ended at the bound: a full page says nothing of what is left.
            if after is not None and outbox.due(before, 1, after)[0]:
                report.stopped = "max_events"
            break
        if remaining_ms() < time_reserve_ms:
            report.stopped = "time"
            break
        events, after = outbox.due(before, min(page_size, max_events - read), after)
        if not events:
            break
        result = publish_events(publisher, events, remaining_ms)
        kept = result.kept_ids()
        outbox.remove(event_id_of(e) for e in events if event_id_of(e) not in kept)
        report.republished += result.published
        report.failed += len(result.failed)
        if result.unsent:  # the time ran out mid-page: the rest waits for the next run
            report.stopped = "time"
            break
        if after is None:
            break
    pending, oldest = outbox.backlog()
    report.pending = pending
    report.oldest_age_s = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    metrics.add_metric(name="EventsRepublished", unit=MetricUnit.Count, value=report.republished)
    metrics.add_metric(name="EventsPending", unit=MetricUnit.Count, value=report.pending)
    metrics.add_metric(
        name="EventsPendingOldestAgeSeconds", unit=MetricUnit.Seconds, value=report.oldest_age_s
    )
    # A run with nothing to do (the usual one) logs at debug: the schedule runs every few minutes.
    quiet = not (report.republished or report.failed or report.pending)
    (logger.debug if quiet else logger.info)("events republished", extra=report.as_dict())
    return report
