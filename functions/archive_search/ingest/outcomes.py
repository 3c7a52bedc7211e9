"""Final ingest outcomes -> the events other services hear (docs/events.md is the contract).

Pure functions: ``is_news`` says whether a written receipt changes what subscribers know,
``build_event`` turns it into one bus event with a versioned, bounded ``detail``, and
``OutcomeAnnouncer`` publishes a batch's events through a publisher passed in (the
EventBridge adapter in Lambda), never raising into ingest.

What is announced, per object key (the receipt just written vs the one it replaced):

- ``indexed`` -> ``Article Indexed``, every time documents were (re)written;
- ``rejected`` -> ``Upload Rejected``, unless the same bytes were already rejected for the
  same reason;
- ``deleted`` -> ``Article Deleted``, unless the key was already deleted;
- ``duplicate`` -> nothing: ingest records ``duplicate`` only when the key's previous
  receipt already holds the same bytes indexed by the same cleaner, which the
  ``Article Indexed`` of that content announced. ``Article Duplicate`` is the type
  ``build_event`` gives such an outcome, so the mapping is total.

No article body is ever part of an event; every string and list is bounded so a detail
stays under ``MAX_DETAIL_BYTES``, below EventBridge's 256 KB entry limit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from archive_search.ingest.receipts import DELETED, DUPLICATE, INDEXED, LIVE_OUTCOMES, REJECTED
from archive_search.model import Article, ObjectRef, document_id
from archive_search.observability import logger, metrics

SCHEMA_VERSION = "1"
SOURCE = "archive-search"
DETAIL_TYPES = {
    INDEXED: "Article Indexed",
    DUPLICATE: "Article Duplicate",
    REJECTED: "Upload Rejected",
    DELETED: "Article Deleted",
}

# Bounds of the detail (characters unless said otherwise). A longer string is cut and a
# longer list keeps its first entries; the counts (``article_count``) stay exact.
MAX_KEY_CHARS = 1024  # S3 keys are at most 1024 bytes
MAX_MESSAGE_CHARS = 1000
MAX_DETAIL_TITLE_CHARS = 300
MAX_SOURCE_CHARS = 200
MAX_DETAIL_URL_CHARS = 2048
MAX_SHORT_CHARS = 64  # language, reason, cleaner version, etag, version ids
MAX_LISTED_ARTICLES = 10
MAX_LISTED_IDS = 100
MAX_LISTED_SKIPPED = 10  # records an indexed file left out, documents the index refused (counted exactly)
MAX_SKIPPED_MESSAGE_CHARS = 300
# The whole detail, UTF-8 JSON: articles are dropped from the end of the list until it fits,
# leaving room under EventBridge's 256 KB entry limit (a typical detail is under 1 KB).
MAX_DETAIL_BYTES = 192 * 1024


@dataclass(frozen=True)
class Outcome:
    """One settled object of a batch: the receipt written, the one it replaced, the
    cleaned articles (indexed outcomes only, by ordinal) and the fingerprints the key's
    documents held before the write (a changed file only)."""

    receipt: Mapping[str, Any]
    previous: Mapping[str, Any] | None = None
    articles: Sequence[Article] = ()
    held_fingerprints: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BusEvent:
    """One event for the bus: ``detail`` is plain JSON data."""

    detail_type: str
    detail: dict[str, Any]
    source: str = SOURCE

    def detail_json(self) -> str:
        return _dumps(self.detail)


@dataclass
class PublishReport:
    published: int = 0
    failed: list[tuple[BusEvent, str]] = field(default_factory=list)  # event, why
    # Not sent: no time was left to try (the outbox keeps them for a later run; not a refusal).
    unsent: list[BusEvent] = field(default_factory=list)

    def kept_ids(self) -> set[str]:
        """The event ids the bus did not take (refused or unsent): their outbox entries stay."""
        return {str(e.detail["event_id"]) for e in (*(e for e, _ in self.failed), *self.unsent)}


class Publisher(Protocol):
    def publish(
        self, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None
    ) -> PublishReport: ...


def is_news(receipt: Mapping[str, Any], previous: Mapping[str, Any] | None) -> bool:
    """Whether ``receipt`` changes what subscribers were told about its key."""
    outcome = receipt.get("outcome")
    before = previous.get("outcome") if previous else None
    if outcome == DUPLICATE:
        return False
    if outcome == REJECTED and previous and before == REJECTED:
        return previous.get("reason") != receipt.get("reason") or not _same_bytes(previous, receipt)
    if outcome == DELETED:
        return before != DELETED
    return outcome in DETAIL_TYPES


def build_event(outcome: Outcome) -> BusEvent:
    """The bus event of one written receipt (schema ``SCHEMA_VERSION``, docs/events.md)."""
    receipt = outcome.receipt
    kind = str(receipt["outcome"])
    ref = ObjectRef(str(receipt["bucket"]), str(receipt["key"]))
    ids = [str(i) for i in receipt.get("document_ids") or []]
    written = set(ids)
    previous = outcome.previous or {}
    before = (
        [str(i) for i in previous.get("document_ids") or []]
        if previous.get("outcome") in LIVE_OUTCOMES
        else []
    )
    retracted = [i for i in before if i not in written]
    articles = [
        article_summary(document_id(ref, ordinal), ordinal, article)
        for ordinal, article in enumerate(outcome.articles)
        if document_id(ref, ordinal) in written
    ]
    listed = articles[:MAX_LISTED_ARTICLES]
    detail: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "event_id": event_id(ref, receipt, kind),
        "outcome": kind,
        "bucket": ref.bucket,
        "key": cut(ref.key, MAX_KEY_CHARS),
        "version": receipt.get("event_version"),
        "object_version_id": cut(receipt.get("object_version_id"), MAX_SHORT_CHARS),
        "etag": cut(receipt.get("etag"), MAX_SHORT_CHARS),
        "content_sha256": receipt.get("content_sha256"),
        "cleaner_version": cut(receipt.get("cleaner_version"), MAX_SHORT_CHARS),
        "s3_event_time": receipt.get("event_time"),
        "reason": cut(receipt.get("reason"), MAX_SHORT_CHARS),
        "message": cut(receipt.get("message"), MAX_MESSAGE_CHARS),
        "article_count": len(ids),
        "article_ids": ids[:MAX_LISTED_IDS],
        "articles": listed,
        "articles_truncated": len(listed) < len(articles),
        # Flat, so a rule can match it (an array matches when it shares a value with the pattern).
        "languages": sorted({a["language"] for a in articles if a["language"]})[:MAX_LISTED_ARTICLES],
        "retracted_ids": retracted[:MAX_LISTED_IDS],
        "duplicate_of": [str(i) for i in receipt.get("duplicate_of") or []][:MAX_LISTED_IDS],
        "skipped": int(receipt.get("skipped") or 0),
        "skipped_records": [
            skipped_summary(record) for record in (receipt.get("skipped_records") or [])[:MAX_LISTED_SKIPPED]
        ],
        # Articles the index refused: "indexed, 1 article" alone hides the two that were lost.
        "failed": len(receipt.get("failed_documents") or []),
        "failed_documents": [
            failed_summary(document)
            for document in (receipt.get("failed_documents") or [])[:MAX_LISTED_SKIPPED]
        ],
    }
    while listed and len(_dumps(detail).encode()) > MAX_DETAIL_BYTES:
        listed.pop()
        detail["articles_truncated"] = True
    return BusEvent(DETAIL_TYPES[kind], detail)


def event_id(ref: ObjectRef, receipt: Mapping[str, Any], outcome: str) -> str:
    """Stable id of one outcome of one S3 event: the same on every retry, so a consumer can
    drop the copies at-least-once delivery brings. The full sequencer and the bytes' hash are
    part of it, since two writes on a key may tie on ``version`` (ingest/events.py)."""
    parts = (
        ref.bucket,
        ref.key,
        receipt.get("event_version"),
        receipt.get("sequencer"),
        receipt.get("content_sha256"),
        outcome,
    )
    return hashlib.blake2b("\x00".join(map(str, parts)).encode(), digest_size=16).hexdigest()


class OutcomeAnnouncer:
    """Publishes the news among a batch's outcomes. Never raises: indexing is done and
    acknowledged whatever happens here; an event that could not be published is logged by
    its ids and counts (never its titles or URLs) and counted (``EventsNotPublished``)."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    def __call__(self, outcomes: Sequence[Outcome], remaining_ms: Callable[[], int] | None = None) -> None:
        try:
            events = [build_event(o) for o in outcomes if is_news(o.receipt, o.previous)]
        except Exception:  # a bug: never fail the batch
            logger.exception("building events failed", extra={"outcomes": len(outcomes)})
            metrics.add_metric(name="EventsNotPublished", unit=MetricUnit.Count, value=len(outcomes))
            return
        publish_events(self.publisher, events, remaining_ms)


class Announcers:
    """Several announcers that hear the same outcomes, in order (each never raises)."""

    def __init__(self, *announcers: Callable[[Sequence[Outcome], Callable[[], int] | None], Any]) -> None:
        self.announcers = announcers

    def __call__(self, outcomes: Sequence[Outcome], remaining_ms: Callable[[], int] | None = None) -> None:
        for announce in self.announcers:
            announce(outcomes, remaining_ms)


def publish_events(
    publisher: Publisher, events: Sequence[BusEvent], remaining_ms: Callable[[], int] | None = None
) -> PublishReport:
    """Publish ``events``; never raises. What could not be published is logged by its ids and
    counts, never its content (titles, URLs: a log is not the place for the archive's text),
    and counted (``EventsNotPublished``); what was is counted (``EventsPublished``). What there
    was no time to send is logged by count only: it was not refused, and waits in the outbox."""
    if not events:
        return PublishReport()
    try:
        report = publisher.publish(events, remaining_ms)
    except Exception as exc:  # a bug or an unexpected client error: never fail the batch
        logger.exception("publishing events failed", extra={"events": len(events)})
        report = PublishReport(failed=[(e, type(exc).__name__) for e in events])
    if report.published:
        metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=report.published)
    if report.failed:
        metrics.add_metric(name="EventsNotPublished", unit=MetricUnit.Count, value=len(report.failed))
        for event, why in report.failed:
            logger.error(
                "event not published", extra={"detail_type": event.detail_type, "error": why, **_ids(event)}
            )
    if report.unsent:
        logger.info(
            "events left for a later run: no time left to send them", extra={"events": len(report.unsent)}
        )
    return report


# The fields of an event's detail a log may carry: ids, key and counts, no titles or URLs.
_LOGGED_FIELDS = (
    *("event_id", "outcome", "bucket", "key", "version", "article_count", "article_ids"),
    *("alert_id", "article_id"),  # Alert Matched
)


def _ids(event: BusEvent) -> dict[str, Any]:
    return {name: event.detail[name] for name in _LOGGED_FIELDS if name in event.detail}


def article_summary(doc_id: str, ordinal: int, article: Article) -> dict[str, Any]:
    return {
        "id": doc_id,
        "ordinal": ordinal,
        "title": cut(article.title, MAX_DETAIL_TITLE_CHARS),
        "source": cut(article.source, MAX_SOURCE_CHARS),
        "published": article.published.isoformat() if article.published else None,
        "language": cut(article.language, MAX_SHORT_CHARS),
        "url": cut(article.url, MAX_DETAIL_URL_CHARS),
    }


def skipped_summary(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "record": record.get("record"),
        "line": record.get("line"),
        "reason": cut(record.get("reason"), MAX_SHORT_CHARS),
        "message": cut(record.get("message"), MAX_SKIPPED_MESSAGE_CHARS),
    }


def failed_summary(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": cut(document.get("id"), MAX_SHORT_CHARS),
        "ordinal": document.get("ordinal"),
        "reason": cut(document.get("reason"), MAX_SKIPPED_MESSAGE_CHARS),
    }


def _same_bytes(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same content: by hash when both were read, else by ETag (a rejection for size is
    decided from the HEAD alone)."""
    if a.get("content_sha256") and b.get("content_sha256"):
        return bool(a["content_sha256"] == b["content_sha256"])
    return bool(a.get("etag")) and a.get("etag") == b.get("etag")


def cut(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= limit else text[:limit]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
