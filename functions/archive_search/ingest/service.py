"""Ingest: a batch of SQS messages (S3 notifications) -> versioned writes, receipts.

One call processes a whole batch:

1. parse every message (``s3:TestEvent`` is acknowledged; a body that is not an S3
   notification fails so it ends in the DLQ for a person to look at); events on keys under
   the reserved prefix ``_archive-search/`` (the service's own objects, such as the line
   statistics) are acknowledged and logged, never ingested;
2. keep, per object, the event with the highest version (the rest are superseded);
3. read all the objects' receipts in one request; an event older than its receipt
   is stale and acknowledged;
4. read each object (HEAD first: too large is rejected unread), clean it (a text dump with the
   line statistics of its bucket: see ``line_stats``; the documents record
   ``cleaning.cleaner_version(stats)``, ``stats`` being ``None`` for HTML and JSON), and plan
   its writes: article documents, tombstones (``deleted: true``) for ordinals the
   object no longer has, or nothing when the same bytes are already indexed;
5. send every document of the batch in ONE bulk request, all with the event's
   external version (``external_gte``): a stale write gets a version conflict,
   which counts as success; per-item 429/5xx are retried with bounded exponential
   backoff inside the Lambda's remaining time; a document the mapping refuses is
   rejected alone;
6. write the receipts of the settled objects (a second bulk request, so a receipt
   never records documents that were not written);
7. return the message ids that must be retried (Powertools reports them as
   ``batchItemFailures``). Nothing is ever written to the bucket.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from archive_search import cleaning
from archive_search.cleaning.lines import LineStats
from archive_search.documents import article_document
from archive_search.errors import ArchiveSearchError, EngineUnavailable, NotFound, RejectedInput
from archive_search.fingerprint import fingerprint
from archive_search.index_schema import alerts_index_body, receipts_index_body
from archive_search.ingest import receipts
from archive_search.ingest.events import (
    CREATED,
    MalformedMessage,
    ObjectEvent,
    is_not_older,
    parse_message_body,
)
from archive_search.ingest.line_stats_cache import LINE_STATS_REFRESH_SECONDS, LineStatsCache
from archive_search.ingest.outcomes import Outcome
from archive_search.ingest.writer import REFUSED, WRITTEN, BulkItem, BulkWriter
from archive_search.model import Article, ObjectRef, document_id, receipt_id
from archive_search.observability import logger, metrics
from archive_search.settings import RESERVED_PREFIX, Settings, is_reserved_key

# GETs in flight at once while a batch's objects are read (a batch holds 10 messages).
MAX_CONCURRENT_READS = 10


@dataclass(frozen=True)
class Message:
    """One SQS record: its id (for batchItemFailures) and its body."""

    message_id: str
    body: str


@dataclass
class BatchResult:
    failed: dict[str, str] = field(default_factory=dict)  # message id -> why
    outcomes: dict[ObjectRef, str] = field(default_factory=dict)  # written receipts' outcomes

    @property
    def failed_ids(self) -> list[str]:
        return list(self.failed)


@dataclass
class _Op:
    """One bulk item and whom it belongs to."""

    action: dict[str, Any]
    source: dict[str, Any]
    work: _Work
    ordinal: int | None = None  # article document ordinal; None for tombstones and receipts


@dataclass
class _Work:
    """The winning event of one object in this batch and what it will write."""

    event: ObjectEvent
    message_ids: set[str]
    previous: dict[str, Any] | None = None
    outcome: str | None = None
    receipt: dict[str, Any] = field(default_factory=dict)
    document_ids: list[str] = field(default_factory=list)
    failed_documents: list[dict[str, Any]] = field(default_factory=list)
    failure: str | None = None
    articles: list[Article] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)  # of the articles, worked out once
    sha256: str | None = None
    etag: str | None = None
    cleaner_version: str | None = None  # set when the object was cleaned


class IngestService:
    """Everything ingest does, with its collaborators passed in (store, engine, cleaner)."""

    def __init__(
        self,
        store: Any,
        engine: Any,
        settings: Settings,
        *,
        clean: Callable[..., list[Article]] = cleaning.clean,
        cleaner_version: Callable[[LineStats | None], str] = cleaning.cleaner_version,
        line_stats_refresh: float = LINE_STATS_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        time_reserve_ms: int = 2_000,
        max_attempts: int = 8,
        base_delay: float = 0.05,
        max_delay: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        announce: Callable[[Sequence[Outcome], Callable[[], int]], None] | None = None,
    ) -> None:
        self.store = store
        self.announce = announce  # hears the settled outcomes (outcomes.OutcomeAnnouncer)
        self.engine = engine
        self.settings = settings
        self.clean = clean
        self.cleaner_version = cleaner_version
        self.clock = clock
        self._line_stats = LineStatsCache(
            store,
            settings.line_stats_key,
            cleaner_version=cleaner_version,
            refresh=line_stats_refresh,
            clock=clock,
        )
        self.time_reserve_ms = time_reserve_ms
        self._slowest_clean_ms = 0.0  # of the current batch
        self.writer = BulkWriter(
            engine,
            time_reserve_ms=time_reserve_ms,
            max_attempts=max_attempts,
            base_delay=base_delay,
            max_delay=max_delay,
            sleep=sleep,
            on_missing_index=self._recreate_indices,
        )
        self._indices_ready = False

    # -- the batch -----------------------------------------------------------
    def process(self, messages: Sequence[Message], remaining_ms: Callable[[], int]) -> BatchResult:
        result = BatchResult()
        self._slowest_clean_ms = 0.0
        works = self._collect(messages, result)
        if not works:
            return result
        try:
            self.ensure_indices()
            known = receipts.read_receipts(self.engine, self.settings.receipts_alias, list(works))
        except Exception as exc:  # down, or refusing to create the indices: retry later
            logger.warning("search engine unavailable", extra={"error": str(exc)})
            self._fail_all(works.values(), f"search engine unavailable: {exc}", result)
            return result
        ops: list[_Op] = []
        current: list[_Work] = []
        for ref, work in works.items():
            version, previous = known.get(ref, (None, None))
            if version is not None and not is_not_older(work.event, version, previous.get("sequencer")):
                logger.info("stale event acknowledged", extra=_log(work, receipt_version=version))
                metrics.add_metric(name="StaleEvents", unit=MetricUnit.Count, value=1)
                continue
            work.previous = previous
            current.append(work)
        self._plan(current, remaining_ms)
        self._skip_unchanged([w for w in works.values() if w.outcome is None and w.failure is None])
        self._find_copies([w for w in works.values() if w.articles])
        for work in works.values():
            ops.extend(self._operations(work))
        self._write(ops, remaining_ms, index=self.settings.index_alias)
        settled = [w for w in works.values() if w.outcome and w.failure is None]
        receipt_ops = [self._receipt_op(w) for w in settled]
        self._write(receipt_ops, remaining_ms, index=self.settings.receipts_alias)
        for work in works.values():
            if work.failure:
                for message_id in work.message_ids:
                    result.failed.setdefault(message_id, work.failure)
            elif work.outcome:
                result.outcomes[work.event.ref] = work.outcome
                self._count(work)
        if self.announce is not None:  # after the receipts: events never run ahead of the index
            written = [op for op in receipt_ops if op.work.failure is None]
            self.announce(
                [Outcome(op.source, op.work.previous, op.work.articles) for op in written], remaining_ms
            )
        if result.failed:
            metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=len(result.failed))
        return result

    def rebuild(
        self,
        events: Sequence[ObjectEvent],
        previous: dict[ObjectRef, dict[str, Any]],
        index: str,
        remaining_ms: Callable[[], int] = lambda: 3_600_000,
    ) -> BatchResult:
        """Write ``events`` into ``index`` (reindex): no stale or duplicate checks and no
        receipts, since the receipts already record these events; ``previous`` only tells
        how many ordinals a removed object had."""
        result = BatchResult()
        self._slowest_clean_ms = 0.0
        works = [_Work(event=e, message_ids={str(e.ref)}, previous=previous.get(e.ref)) for e in events]
        self._plan(works, remaining_ms)
        ops: list[_Op] = []
        for work in works:
            ops.extend(self._operations(work))
        self._write(ops, remaining_ms, index=index, require_alias=index == self.settings.index_alias)
        for work in works:
            if work.failure:
                result.failed[str(work.event.ref)] = work.failure
            elif work.outcome:
                result.outcomes[work.event.ref] = work.outcome
        return result

    def ensure_indices(self) -> None:
        """Create the article and receipt indices once per execution environment."""
        if not self._indices_ready:
            self.engine.ensure_index()
            self.engine.ensure_index(self.settings.receipts_alias, receipts_index_body())
            self.engine.ensure_index(self.settings.alerts_alias, alerts_index_body())
            self._indices_ready = True

    def _recreate_indices(self) -> None:
        """A write found the alias gone (404): create it again before the retry."""
        self._indices_ready = False
        with contextlib.suppress(ArchiveSearchError):
            self.ensure_indices()

    # -- line statistics ------------------------------------------------------
    @property
    def line_stats_refresh(self) -> float:
        """Seconds the line statistics read are trusted before one check for a change."""
        return self._line_stats.refresh

    @line_stats_refresh.setter
    def line_stats_refresh(self, seconds: float) -> None:
        self._line_stats.refresh = seconds

    def line_stats(self, bucket: str, *, refresh: bool = False) -> LineStats | None:
        """The line statistics of ``bucket`` (see ``line_stats_cache``); ``refresh`` checks now."""
        return self._line_stats.get(bucket, refresh=refresh)

    def version_with(self, stats: LineStats | None) -> str:
        """``cleaner_version(stats)``, worked out once per statistics object."""
        return self._line_stats.version_with(stats)

    def _version_of(self, work: _Work) -> str:
        """The cleaner version a work's documents and receipt record (objects that were
        not cleaned, such as deletes, record the version without statistics)."""
        return work.cleaner_version or self.cleaner_version(None)

    # -- parsing --------------------------------------------------------------
    def _collect(self, messages: Sequence[Message], result: BatchResult) -> dict[ObjectRef, _Work]:
        """The newest event per object; older ones in the same batch are superseded."""
        works: dict[ObjectRef, _Work] = {}
        for message in messages:
            try:
                events = parse_message_body(message.body)
            except MalformedMessage as exc:
                logger.error(
                    "message is not an S3 notification: left for a retry (then the DLQ)",
                    extra={"message_id": message.message_id, "reason": str(exc)},
                )
                metrics.add_metric(name="MalformedMessages", unit=MetricUnit.Count, value=1)
                result.failed[message.message_id] = str(exc)
                continue
            for event in events:
                if is_reserved_key(event.ref.key):
                    logger.info(
                        "reserved key ignored",
                        extra={
                            "bucket": event.ref.bucket,
                            "key": event.ref.key,
                            "event": event.event_name,
                            "reason": f"keys under {RESERVED_PREFIX} are the service's own objects, not uploads",
                        },
                    )
                    metrics.add_metric(name="ReservedKeysIgnored", unit=MetricUnit.Count, value=1)
                    continue
                current = works.get(event.ref)
                if current is None or event.version >= current.event.version:
                    works[event.ref] = _Work(event=event, message_ids={message.message_id})
        return works

    # -- planning -------------------------------------------------------------
    def _plan(self, works: list[_Work], remaining_ms: Callable[[], int]) -> None:
        """Read the works' objects, concurrently (one GET each), then clean them one after
        another (cleaning is CPU-bound: threads would only share one core's time)."""
        created = [w for w in works if w.event.action == CREATED]
        for work in works:
            if work.event.action != CREATED:
                work.outcome = receipts.DELETED
        if len(created) > 1:
            with ThreadPoolExecutor(max_workers=min(len(created), MAX_CONCURRENT_READS)) as pool:
                objects = list(pool.map(self._read, created))
        else:
            objects = [self._read(w) for w in created]
        for work, stored in zip(created, objects, strict=True):
            if stored is not None:
                self._clean(work, stored, remaining_ms)

    def _read(self, work: _Work) -> Any:
        """The object of ``work``, or ``None`` with the work settled (gone, over its bound,
        unreadable). The event's size refuses an object over its bound without a request."""
        ref = work.event.ref
        # The format the key names bounds the read (the content type is known after it).
        max_bytes = min(self.settings.max_object_bytes, cleaning.max_input_bytes(ref.key))
        try:
            if work.event.size is not None and work.event.size > max_bytes:
                raise RejectedInput(
                    "too_large", f"object is {work.event.size} bytes, over the limit of {max_bytes} bytes"
                )
            return self.store.read(ref, max_bytes=max_bytes)
        except NotFound:
            # Gone since the event: the bucket no longer has it, so neither does the index.
            work.outcome = receipts.DELETED
        except RejectedInput as exc:
            self._reject(work, exc)
        except EngineUnavailable as exc:
            work.failure = f"reading the object failed: {exc}"
        return None

    def _clean(self, work: _Work, stored: Any, remaining_ms: Callable[[], int]) -> None:
        event = work.event
        if remaining_ms() < 2 * self._slowest_clean_ms + self.time_reserve_ms:
            # Cleaning it could outlast the invocation and lose the whole batch: retry it later.
            work.failure = "not enough time left in this invocation to clean the object"
            logger.warning("object left for a retry", extra=_log(work, reason=work.failure))
            return
        work.etag = stored.etag
        work.sha256 = hashlib.sha256(stored.data).hexdigest()
        # HTML and JSON never read the statistics: they need not be fetched, nor named in the version.
        uses_stats = cleaning.reads_line_stats(event.ref.key, stored.content_type)
        stats = self.line_stats(event.ref.bucket) if uses_stats else None
        work.cleaner_version = self.version_with(stats)
        started = self.clock()
        try:
            articles = self.clean(
                stored.data,
                event.ref.key,
                content_type=stored.content_type,
                max_decompressed_bytes=self.settings.max_decompressed_bytes,
                line_stats=stats,
            )
        except Exception as exc:  # whatever cleaning one object raises rejects that object alone
            self._reject(work, cleaning.rejection_for_failure(exc, event.ref.key))
            return
        finally:
            took = (self.clock() - started) * 1000
            self._slowest_clean_ms = max(self._slowest_clean_ms, took)
        if not articles:
            self._reject(work, RejectedInput("no_article_text", "no article text found"))
            return
        work.articles = articles
        work.fingerprints = [fingerprint(a) for a in articles]

    def _reject(self, work: _Work, exc: RejectedInput) -> None:
        logger.warning("upload rejected", extra=_log(work, reason=exc.reason, detail=exc.message))
        work.outcome = receipts.REJECTED
        work.receipt.update(reason=exc.reason, message=exc.message)

    def _find_copies(self, works: list[_Work]) -> None:
        """Record in ``duplicate_of`` the live documents of OTHER keys with the same near-duplicate
        fingerprint (one search per batch; informational, so a failure is only logged). The
        copies are still indexed: search collapses them on ``fingerprint``."""
        prints = {p: w for w in works for p in w.fingerprints}
        if not prints:
            return
        query = {
            "size": 100,
            "_source": ["fingerprint", "bucket", "key"],
            "query": {
                "bool": {
                    "filter": [{"terms": {"fingerprint": sorted(prints)}}],
                    "must_not": [{"term": {"deleted": True}}],
                }
            },
        }
        try:
            hits = self.engine.search(query)["hits"]["hits"]
        except Exception as exc:
            logger.info("looking for copies failed", extra={"error": str(exc)})
            return
        for hit in hits:
            work = prints.get(hit["_source"].get("fingerprint"))
            if work and (hit["_source"].get("bucket"), hit["_source"].get("key")) != (
                work.event.ref.bucket,
                work.event.ref.key,
            ):
                copies = work.receipt.setdefault("duplicate_of", [])
                if hit["_id"] not in copies:
                    copies.append(hit["_id"])

    def _skip_unchanged(self, candidates: list[_Work]) -> None:
        """Identical bytes already indexed by the same cleaner: write nothing but the receipt.

        The receipt alone is not trusted: the documents must exist, live, with that hash."""
        candidates = [
            w
            for w in candidates
            if w.previous
            and w.previous.get("outcome") in receipts.LIVE_OUTCOMES
            and w.previous.get("content_sha256") == w.sha256
            and w.previous.get("cleaner_version") == w.cleaner_version
            and receipts.live_articles(w.previous) == len(w.articles)
        ]
        if not candidates:
            return
        ids = [document_id(w.event.ref, i) for w in candidates for i in range(len(w.articles))]
        try:
            found = self.engine.mget(ids)
        except ArchiveSearchError:
            found = {}
        for work in candidates:
            own = [document_id(work.event.ref, i) for i in range(len(work.articles))]
            docs = [found.get(i, {}).get("_source") for i in own]
            if all(d and not d.get("deleted") and d.get("content_sha256") == work.sha256 for d in docs):
                work.outcome = receipts.DUPLICATE
                work.articles = []
                work.receipt["duplicate_of"] = own
                work.document_ids = own
                work.receipt["articles"] = len(own)

    # -- writes ---------------------------------------------------------------
    def _operations(self, work: _Work) -> list[_Op]:
        if work.failure or (work.outcome is None and not work.articles):
            return []
        ref, version = work.event.ref, work.event.version
        now = _now()
        ops: list[_Op] = []
        if work.articles:
            work.outcome = receipts.INDEXED
            for ordinal, article in enumerate(work.articles):
                source = article_document(
                    article,
                    ref,
                    ordinal,
                    content_sha256=work.sha256,
                    cleaner_version=self._version_of(work),
                    ingested_at=now,
                    article_fingerprint=work.fingerprints[ordinal] if work.fingerprints else None,
                )
                ops.append(_Op(self._action(document_id(ref, ordinal), version), source, work, ordinal))
            work.receipt["articles"] = len(work.articles)
        keep = (
            len(work.articles)
            if work.outcome != receipts.DUPLICATE
            else receipts.live_articles(work.previous)
        )
        stale_until = receipts.live_articles(work.previous)
        if work.outcome == receipts.DELETED:
            # Without a receipt the count is unknown: tombstone ordinal 0 at least, so a
            # late PUT racing this delete cannot bring it back.
            stale_until = max(stale_until, 1)
        for ordinal in range(keep, stale_until):
            tombstone = {
                "bucket": ref.bucket,
                "key": ref.key,
                "ordinal": ordinal,
                "deleted": True,
                "ingested_at": now,
            }
            ops.append(_Op(self._action(document_id(ref, ordinal), version), tombstone, work))
        return ops

    @staticmethod
    def _action(doc_id: str, version: int) -> dict[str, Any]:
        return BulkItem(doc_id, version, {}, None).action()

    def _receipt_op(self, work: _Work) -> _Op:
        event = work.event
        source = {
            "bucket": event.ref.bucket,
            "key": event.ref.key,
            "outcome": work.outcome,
            "reason": None,
            "message": None,
            "document_ids": work.document_ids,
            "articles": 0,
            "duplicate_of": [],
            "failed_documents": work.failed_documents,
            "content_sha256": work.sha256,
            "cleaner_version": self._version_of(work),
            "etag": work.etag or event.etag,
            "object_version_id": event.version_id,
            "sequencer": event.sequencer,
            "event_name": event.event_name,
            "event_time": event.event_time,
            "event_version": event.version,
            "updated_at": _now(),
        }
        source.update(work.receipt)
        action = self._action(receipt_id(event.ref), event.version)
        return _Op(action, source, work)

    def _write(
        self, ops: list[_Op], remaining_ms: Callable[[], int], *, index: str, require_alias: bool = True
    ) -> None:
        """Send the items to ``index`` through the bulk writer, then settle every item on its work."""
        works = {op.work.event.ref: op.work for op in ops}
        items = [
            BulkItem(
                op.action["index"]["_id"], op.work.event.version, op.source, op.work.event.ref, op.ordinal
            )
            for op in ops
            if op.work.failure is None
        ]
        report = self.writer.write(items, remaining_ms, index=index, require_alias=require_alias)
        for settled in report.results:
            item, work = settled.item, works[settled.item.owner]
            if item.ordinal is None:
                continue
            if settled.status == WRITTEN:
                work.document_ids.append(item.doc_id)
            elif settled.status == REFUSED:
                logger.warning(
                    "document refused by the index",
                    extra=_log(work, ordinal=item.ordinal, error=settled.reason),
                )
                metrics.add_metric(name="DocumentsRefused", unit=MetricUnit.Count, value=1)
                work.failed_documents.append(
                    {"id": item.doc_id, "ordinal": item.ordinal, "reason": settled.reason}
                )
        for ref, why in report.failures.items():
            works[ref].failure = why

    # -- bookkeeping ------------------------------------------------------------
    def _fail_all(self, works: Any, why: str, result: BatchResult) -> None:
        for work in works:
            for message_id in work.message_ids:
                result.failed.setdefault(message_id, why)
        metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=len(result.failed))

    def _count(self, work: _Work) -> None:
        names = {
            receipts.INDEXED: "UploadsIndexed",
            receipts.DUPLICATE: "UploadsUnchanged",
            receipts.REJECTED: "UploadsRejected",
            receipts.DELETED: "UploadsDeleted",
        }
        metrics.add_metric(name=names[work.outcome], unit=MetricUnit.Count, value=1)
        if work.outcome == receipts.INDEXED:
            logger.info("upload indexed", extra=_log(work, documents=len(work.document_ids)))
        elif work.outcome == receipts.DELETED:
            logger.info("upload deleted", extra=_log(work))


def _log(work: _Work, **extra: Any) -> dict[str, Any]:
    event = work.event
    return {
        "bucket": event.ref.bucket,
        "key": event.ref.key,
        "event": event.event_name,
        "version": event.version,
        **extra,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
