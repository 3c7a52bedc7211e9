"""Ingest: a batch of SQS messages (S3 notifications) -> versioned writes, receipts.

``IngestService.process`` is the orchestration, one step per line:

1. collect: parse every message (``s3:TestEvent`` is acknowledged; a body that is not an S3
   notification fails so it ends in the DLQ for a person to look at), keep the newest event
   per object; events on keys under ``_archive-search/`` (the service's own objects, such as
   the line statistics) are acknowledged and logged, never ingested;
2. read all the objects' receipts in one request; an event older than its receipt is stale
   and acknowledged;
3. read the objects (one GET each, concurrently; the event's size refuses an object over its
   bound unread; one still unread when only the time to clean and write is left is retried),
   clean them as they arrive (text dumps with their bucket's line statistics:
   ``line_stats_cache``; what a file of records left out goes with its articles to the
   receipt) and plan each one (``plans``: index, unchanged, rejected, deleted,
   retry), checking unchanged candidates' documents and looking for copies;
4. write every document of the batch with the event's external version (``writer``: a
   stale write gets a version conflict, which counts as success; 429/5xx are retried inside
   the Lambda's remaining time; a document the mapping refuses is refused alone);
5. store the settled objects' events in the outbox (``outbox``), write their receipts (after
   their documents, so a receipt never records documents that were not written), clear what
   a racing event on the same key left live (``plans``: writes that raced), then announce them;
6. return the message ids that must be retried (Powertools reports them as
   ``batchItemFailures``). Nothing is ever written to the bucket.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from archive_search import cleaning
from archive_search.cleaning.limits import MAX_ARTICLES_PER_FILE
from archive_search.cleaning.lines import LineStats
from archive_search.errors import ArchiveSearchError, EngineUnavailable, NotFound, RejectedInput
from archive_search.fingerprint import fingerprint
from archive_search.index_schema import alerts_index_body, receipts_index_body
from archive_search.ingest import plans, receipts
from archive_search.ingest.events import ObjectEvent, reads_object
from archive_search.ingest.line_stats_cache import LINE_STATS_REFRESH_SECONDS, LineStatsCache
from archive_search.ingest.outcomes import Outcome
from archive_search.ingest.plans import RETRY, Latest, ObjectRead, Plan, Written
from archive_search.ingest.writer import BulkItem, BulkWriter
from archive_search.model import Article, ObjectRef
from archive_search.observability import logger, metrics
from archive_search.settings import EVENT_TIME, RESERVED_PREFIX, Settings
from archive_search.upload_formats import named_format, over_limit

# GETs in flight at once while a batch's objects are read (a batch holds 10 messages); the S3
# client keeps at least as many connections alive (adapters/s3.py), so each read reuses one.
MAX_CONCURRENT_READS = 10
# The threads that read them: one pool per execution environment, like the clients, so a batch
# does not start (and wait for) threads of its own. Idle threads cost no CPU.
_READERS = ThreadPoolExecutor(MAX_CONCURRENT_READS, thread_name_prefix="ingest-read")
LEFTOVERS_FAILED = "checking for articles a racing write left live failed"
_COUNTED = {
    receipts.INDEXED: "UploadsIndexed",
    receipts.DUPLICATE: "UploadsUnchanged",
    receipts.REJECTED: "UploadsRejected",
    receipts.DELETED: "UploadsDeleted",
}


@dataclass(frozen=True)
class Message:
    """One SQS record: its id (for batchItemFailures) and its body."""

    message_id: str
    body: str


@dataclass(frozen=True)
class Raced:
    """What clearing a batch's races did: the objects that withdrew their articles (a newer
    receipt won), and per object the racing write's articles it took out of search."""

    withdrawn: set[ObjectRef] = field(default_factory=set)
    retracted: dict[ObjectRef, list[str]] = field(default_factory=dict)


@dataclass
class BatchResult:
    failed: dict[str, str] = field(default_factory=dict)  # message id -> why
    outcomes: dict[ObjectRef, str] = field(default_factory=dict)  # written receipts' outcomes

    @property
    def failed_ids(self) -> list[str]:
        return list(self.failed)


class IngestService:
    """Ingest orchestration, with its collaborators passed in (store, engine, cleaner)."""

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
        stage: Callable[[Sequence[Outcome], Callable[[], int]], set[ObjectRef]] | None = None,
        withdraw: Callable[[Sequence[Outcome]], None] | None = None,
    ) -> None:
        self.store = store
        self.announce = announce  # hears the settled outcomes (outcomes.OutcomeAnnouncer)
        # stores their events before the receipts are written (outbox.OutboxPublisher.stage_outcomes)
        self.stage = stage
        # drops the stored events of outcomes that will never be announced (withdraw_outcomes)
        self.withdraw = withdraw
        self.engine = engine
        self.settings = settings
        self.clean = clean
        self.cleaner_version = cleaner_version
        self.clock = clock
        self.time_reserve_ms = time_reserve_ms
        self._line_stats = LineStatsCache(
            store,
            settings.line_stats_key,
            cleaner_version=cleaner_version,
            refresh=line_stats_refresh,
            clock=clock,
        )
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
        collected = plans.collect(
            ((m.message_id, m.body) for m in messages),
            event_time_order=self.settings.event_order == EVENT_TIME,
        )
        _log_collected(collected, result)
        if not collected.latest:
            return result
        try:
            self.ensure_indices()
            known = receipts.read_receipts(self.engine, self.settings.receipts_alias, list(collected.latest))
        except Exception as exc:  # down, or refusing to create the indices: retry later
            logger.warning("search engine unavailable", extra={"error": str(exc)})
            _fail(collected.latest.values(), f"search engine unavailable: {exc}", result)
            metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=len(result.failed))
            return result
        current: list[Latest] = []
        recorded: dict[ObjectRef, Latest] = {}  # events their receipt already records, or a newer one
        for ref, latest in collected.latest.items():
            if _stale(latest, known.get(ref)) or _redelivered(latest, known.get(ref)):
                recorded[ref] = latest
            else:
                current.append(latest)
        batch = self._plan(current, {ref: source for ref, (_, source) in known.items()}, remaining_ms)
        batch = self._find_copies(self._read_held(batch))
        batch, written = self._write_documents(batch, remaining_ms, index=self.settings.index_alias)
        batch, receipt_sources, superseded = self._write_receipts(batch, written, remaining_ms)
        batch, raced = self._clear_raced(batch, superseded, remaining_ms)
        left = self.clear_leftovers({ref: known[ref] for ref in recorded}, remaining_ms)
        _fail([recorded[ref] for ref in left], LEFTOVERS_FAILED, result)
        _settle(batch, written, result)
        # After the receipts: events never run ahead of the index.
        self._announce(batch, receipt_sources, raced, remaining_ms)
        if result.failed:
            metrics.add_metric(name="FailedRecords", unit=MetricUnit.Count, value=len(result.failed))
        return result

    def rebuild(
        self,
        events: Sequence[ObjectEvent],
        previous: dict[ObjectRef, dict[str, Any]],
        index: str,
        live: Mapping[ObjectRef, Mapping[str, Any]],
        remaining_ms: Callable[[], int] = lambda: 3_600_000,
    ) -> BatchResult:
        """Write ``events`` into ``index`` (reindex): no stale or duplicate checks and no
        receipts, since the receipts already record these events; ``previous`` only tells
        how many ordinals a removed object had; ``live``: the receipts whose documents, read
        through the alias, give each unchanged article its first indexing time."""
        result = BatchResult()
        batch = self._plan([Latest(e, frozenset((str(e.ref),))) for e in events], previous, remaining_ms)
        batch = self._read_held(batch, live)
        require_alias = index == self.settings.index_alias
        batch, _ = self._write_documents(batch, remaining_ms, index=index, require_alias=require_alias)
        for plan in batch:
            if plan.kind == RETRY:
                result.failed[str(plan.ref)] = plan.reason or ""
            else:
                result.outcomes[plan.ref] = plan.outcome or ""
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

    # -- read and clean -> plans ------------------------------------------------
    def _plan(
        self, current: list[Latest], previous: Mapping[ObjectRef, Any], remaining_ms: Callable[[], int]
    ) -> list[Plan]:
        """Read the created objects concurrently (one GET each) and clean them one after
        another as they arrive (cleaning is CPU-bound: threads would only share one core's
        time), so the reads still in flight overlap the cleaning of those already read."""
        created = [latest.event for latest in current if reads_object(latest.event)]
        reads: dict[ObjectRef, ObjectRead] = {}
        slowest_ms = 0.0
        # Every GET starts now; the results are taken in order.
        pending = [_READERS.submit(self._read, event) for event in created]
        for event, future in zip(created, pending, strict=True):
            # A GET is waited for only while cleaning it and writing the batch still fit: a stalled
            # one (up to 4 tries of the S3 client's timeouts) would otherwise outlast the invocation.
            wait_ms = remaining_ms() - 2 * slowest_ms - 2 * self.time_reserve_ms
            try:
                stored = future.result(timeout=max(0.0, wait_ms) / 1000)
            except FuturesTimeout:
                why = "reading the object did not finish in this invocation"
                logger.warning("object left for a retry", extra=_log(event, reason=why))
                reads[event.ref] = ObjectRead(failure=why)
                continue
            if isinstance(stored, ObjectRead):
                reads[event.ref] = stored
                continue
            if remaining_ms() < 2 * slowest_ms + self.time_reserve_ms:
                # Cleaning it could outlast the invocation and lose the whole batch: retry it later.
                why = "not enough time left in this invocation to clean the object"
                logger.warning("object left for a retry", extra=_log(event, reason=why))
                reads[event.ref] = ObjectRead(failure=why)
                continue
            reads[event.ref], took_ms = self._clean(event, stored)
            slowest_ms = max(slowest_ms, took_ms)
        return [
            plans.plan_object(lt.event, lt.message_ids, previous.get(lt.event.ref), reads.get(lt.event.ref))
            for lt in current
        ]

    def _read(self, event: ObjectEvent) -> Any:
        """The object of ``event``, or an ``ObjectRead`` saying why not (gone, over its bound,
        unreadable). The event's size refuses an object over its bound without a request."""
        ref = event.ref
        # The format the key names bounds the read (the content type is known after it).
        max_bytes = min(self.settings.max_object_bytes, cleaning.max_input_bytes(ref.key))
        try:
            if event.size is not None and event.size > max_bytes:
                raise RejectedInput(
                    "too_large",
                    f"{ref.key}: {over_limit(event.size, max_bytes, named_format(ref.key, None))}",
                )
            return self.store.read(ref, max_bytes=max_bytes)
        except NotFound:
            # Gone since the event: the bucket no longer has it, so neither does the index.
            return ObjectRead(gone=True)
        except RejectedInput as exc:
            return _rejected(event, exc, ObjectRead())
        except EngineUnavailable as exc:
            return ObjectRead(failure=f"reading the object failed: {exc}")

    def _clean(self, event: ObjectEvent, stored: Any) -> tuple[ObjectRead, float]:
        """What cleaning ``stored`` gave, and how long the cleaner took (milliseconds)."""
        # HTML and JSON never read the statistics: they need not be fetched, nor named in the version.
        uses_stats = cleaning.reads_line_stats(event.ref.key, stored.content_type)
        stats = self.line_stats(event.ref.bucket) if uses_stats else None
        read = ObjectRead(
            sha256=hashlib.sha256(stored.data).hexdigest(),
            etag=stored.etag,
            cleaner_version=self.version_with(stats),
        )
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
            rejection = _coding_named(cleaning.rejection_for_failure(exc, event.ref.key), event, stored)
            return _rejected(event, rejection, read), (self.clock() - started) * 1000
        took_ms = (self.clock() - started) * 1000
        if not articles:
            return _rejected(
                event, RejectedInput("no_article_text", f"{event.ref.key}: no article text found"), read
            ), took_ms
        cleaned = ObjectRead(
            sha256=read.sha256,
            etag=read.etag,
            cleaner_version=read.cleaner_version,
            articles=tuple(articles),
            fingerprints=tuple(fingerprint(a) for a in articles),
            skipped=cleaning.skipped_in(articles),
        )
        return cleaned, took_ms

    def _find_copies(self, batch: list[Plan]) -> list[Plan]:
        """Near-duplicates under other keys (one search per batch; informational, so a failure
        is only logged)."""
        query = plans.copies_query([p for p in batch if p.kind == plans.INDEX])
        if query is None:
            return batch
        try:
            hits = self.engine.search(query)["hits"]["hits"]
        except Exception as exc:
            logger.info("looking for copies failed", extra={"error": str(exc)})
            return batch
        return plans.with_copies(batch, hits)

    def _read_held(
        self, batch: list[Plan], receipts_of: Mapping[ObjectRef, Mapping[str, Any]] | None = None
    ) -> list[Plan]:
        """The live documents of the keys an index plan rewrites, as their receipts (the plans'
        own, or ``receipts_of``) record them, in one mget per batch through the alias: identical
        bytes by the same cleaner write nothing but the receipt (``UNCHANGED``); otherwise each
        article whose content the key held keeps its indexing time, and an alert fires only for
        the new ones. A failure writes everything anew (logged; alerts are at least once)."""
        live = {p.ref: (receipts_of or {}).get(p.ref, p.previous) for p in batch if p.kind == plans.INDEX}
        live = {ref: receipt for ref, receipt in live.items() if receipts.live_articles(receipt)}
        if not live:
            return batch
        try:
            found = self.engine.mget(
                [i for ref, receipt in live.items() for i in plans.held_ids(ref, receipt)]
            )
        except Exception as exc:
            logger.info("reading the documents rewritten failed", extra={"error": str(exc)})
            found = {}
        if receipts_of is None:  # ingest: a rebuild writes every object it lists
            batch = [plans.mark_unchanged(p, found) if plans.may_be_unchanged(p) else p for p in batch]
        return [plans.with_held(p, found) if p.ref in live and p.kind == plans.INDEX else p for p in batch]

    # -- writes ---------------------------------------------------------------
    def _write_documents(
        self, batch: list[Plan], remaining_ms: Callable[[], int], *, index: str, require_alias: bool = True
    ) -> tuple[list[Plan], dict[ObjectRef, Written]]:
        """Write every plan's documents in one bulk write; a plan whose writes failed becomes
        a retry."""
        default_version = self.cleaner_version(None)
        items = [
            i for p in batch for i in plans.document_items(p, now=_now(), default_version=default_version)
        ]
        report = self.writer.write(items, remaining_ms, index=index, require_alias=require_alias)
        failures = dict(report.failures)
        tombstones = plans.refused_tombstones(report.results, now=_now())
        if tombstones:  # a refused document's id may still hold the object's previous article
            replaced = self.writer.write(tombstones, remaining_ms, index=index, require_alias=require_alias)
            failures.update(replaced.failures)
        written = plans.written_documents(batch, report.results)
        for plan in batch:
            for refused in written[plan.ref].failed_documents:
                logger.warning(
                    "document refused by the index",
                    extra=_log(plan.event, ordinal=refused["ordinal"], error=refused["reason"]),
                )
                metrics.add_metric(name="DocumentsRefused", unit=MetricUnit.Count, value=1)
        return plans.with_failures(batch, failures), written

    def _write_receipts(
        self, batch: list[Plan], written: Mapping[ObjectRef, Written], remaining_ms: Callable[[], int]
    ) -> tuple[list[Plan], dict[ObjectRef, Mapping[str, Any]], set[ObjectRef]]:
        """Write the receipts of the settled plans (after their documents, so a receipt never
        records documents that were not written); returns the receipts written and the objects
        whose receipt lost to a newer one."""
        default_version = self.cleaner_version(None)
        stamped_ms, now = remaining_ms(), _now()

        def window_ms() -> int:
            # The receipts must be written within RECEIPT_WRITE_WINDOW_S of their updated_at, or
            # a poller following receipts oldest first may already have passed it.
            return remaining_ms() - max(0, stamped_ms - receipts.RECEIPT_WRITE_WINDOW_S * 1000)

        items = [
            plans.receipt_item(
                p,
                document_ids=written[p.ref].document_ids,
                failed_documents=written[p.ref].failed_documents,
                now=now,
                default_version=default_version,
            )
            for p in batch
            if p.kind != RETRY
        ]
        unstaged: dict[ObjectRef, str] = {}
        if self.stage is not None:
            # The events go to the outbox first: a receipt is never written without its event
            # stored, so a failure after this point makes the event late, never lost.
            by_ref = {p.ref: p for p in batch}
            outcomes = [Outcome(i.source, by_ref[i.owner].previous, by_ref[i.owner].articles) for i in items]
            why = "storing the object's event in the outbox failed"
            unstaged = dict.fromkeys(self.stage(outcomes, window_ms), why)
            items = [i for i in items if i.owner not in unstaged]
        report = self.writer.write(items, window_ms, index=self.settings.receipts_alias)
        sources = {i.owner: i.source for i in items if i.owner not in report.failures}
        superseded = {r.item.owner for r in report.results if r.superseded}
        return plans.with_failures(batch, {**unstaged, **report.failures}), sources, superseded

    def _clear_raced(
        self, batch: list[Plan], superseded: set[ObjectRef], remaining_ms: Callable[[], int]
    ) -> tuple[list[Plan], Raced]:
        """Tombstone what a racing write on the same key left live (``plans``: writes that
        raced): one mget per batch of the document past each plan's ordinals, a second only
        when an older live one is there, and one of the winning receipts of the objects whose
        receipt lost (rare). Tombstones that could not be written retry their object; a check
        that could not be made is logged and counted (``RaceCheckFailed``): retrying every
        object of the batch for a rare race would cost more than it guards."""
        now = _now()
        lost = [p for p in batch if p.ref in superseded]
        probes = {
            probe: p for p in batch if p.ref not in superseded and (probe := plans.probe_id(p)) is not None
        }
        withdrawn: dict[ObjectRef, list[BulkItem]] = {}
        raced: list[Plan] = []
        found: dict[str, Any] = {}
        try:
            winners = receipts.read_receipts(self.engine, self.settings.receipts_alias, [p.ref for p in lost])
            withdrawn = {
                p.ref: plans.withdrawn_items(p, winners.get(p.ref, (0, None))[1], now=now) for p in lost
            }
            found = self.engine.mget(list(probes)) if probes else {}
            raced = [p for probe, p in probes.items() if plans.older_live(p, found.get(probe))]
            found = self.engine.mget([i for p in raced for i in plans.raced_ids(p, MAX_ARTICLES_PER_FILE)])
        except ArchiveSearchError as exc:
            logger.warning("checking for racing writes failed", extra={"error": str(exc)})
            metrics.add_metric(name="RaceCheckFailed", unit=MetricUnit.Count, value=1)
            raced = []
        cleared = {
            p.ref: plans.raced_tombstones(p, found, now=now, max_ordinals=MAX_ARTICLES_PER_FILE)
            for p in raced
        }
        items = [i for each in (*withdrawn.values(), *cleared.values()) for i in each]
        if not items:
            return batch, Raced()
        logger.warning("documents a racing write left live tombstoned", extra={"documents": len(items)})
        report = self.writer.write(items, remaining_ms, index=self.settings.index_alias)
        return plans.with_failures(batch, dict(report.failures)), Raced(
            withdrawn={ref for ref, tombstones in withdrawn.items() if tombstones},
            retracted={p.ref: plans.raced_retracted(p, cleared[p.ref]) for p in raced if cleared[p.ref]},
        )

    def clear_leftovers(
        self, known: Mapping[ObjectRef, tuple[int, Mapping[str, Any]]], remaining_ms: Callable[[], int]
    ) -> set[ObjectRef]:
        """Tombstone the live articles of ``known``'s keys past what their receipts hold, written
        by an older event (``plans.leftovers_query``: one search); returns the objects whose check
        or tombstones failed. Events their receipt already records (redelivered) or a newer one
        (stale) are acknowledged, not processed again, but the Lambda that wrote the receipt may
        have died before clearing what a racing older write left live, and a stale event's own
        Lambda after its documents and before withdrawing them when its receipt lost: SQS
        delivering such an event again, which comes here, is what converges the key. A reindex's
        catch-up comes here too: the rebuild wrote what the bucket held before the receipt."""
        if not known:
            return set()
        try:
            query = plans.leftovers_query(known, MAX_ARTICLES_PER_FILE)
            hits = self.engine.search(query, index=self.settings.index_alias)["hits"]["hits"]
        except ArchiveSearchError as exc:
            logger.warning(LEFTOVERS_FAILED, extra={"error": str(exc)})
            metrics.add_metric(name="RaceCheckFailed", unit=MetricUnit.Count, value=1)
            return set(known)
        items = plans.leftover_tombstones(known, hits, now=_now())
        if not items:
            return set()
        logger.warning("documents a racing write left live tombstoned", extra={"documents": len(items)})
        report = self.writer.write(items, remaining_ms, index=self.settings.index_alias)
        return {ref for ref in report.failures if isinstance(ref, ObjectRef)}

    def _announce(
        self,
        batch: list[Plan],
        sources: Mapping[ObjectRef, Mapping[str, Any]],
        raced: Raced,
        remaining_ms: Callable[[], int],
    ) -> None:
        """Announce the written receipts. An object that withdrew articles after losing the race
        to the receipt announces nothing and its stored event is dropped (the winner's event
        tells the key's state); one that tombstoned a racing write's articles names them in
        ``retracted_ids``, its stored event updated first."""
        if self.announce is None:
            return

        def outcome(p: Plan) -> Outcome:
            previous = plans.previous_with_raced(p.previous, raced.retracted.get(p.ref, ()))
            return Outcome(sources[p.ref], previous, p.articles, p.held_fingerprints)

        settled = [p for p in batch if p.ref in sources]
        if self.withdraw is not None and raced.withdrawn:
            self.withdraw([outcome(p) for p in settled if p.ref in raced.withdrawn])
        if self.stage is not None and raced.retracted:
            self.stage([outcome(p) for p in settled if p.ref in raced.retracted], remaining_ms)
        self.announce([outcome(p) for p in settled if p.ref not in raced.withdrawn], remaining_ms)


# -- bookkeeping ----------------------------------------------------------------
def _log_collected(collected: plans.Collected, result: BatchResult) -> None:
    for message_id, why in collected.malformed.items():
        logger.error(
            "message is not an S3 notification: left for a retry (then the DLQ)",
            extra={"message_id": message_id, "reason": why},
        )
        metrics.add_metric(name="MalformedMessages", unit=MetricUnit.Count, value=1)
        result.failed[message_id] = why
    for event, why in collected.ignored:
        reserved = event.ref.key.startswith(RESERVED_PREFIX)
        logger.info(
            "reserved key ignored" if reserved else "folder key ignored",
            extra={
                "bucket": event.ref.bucket,
                "key": event.ref.key,
                "event": event.event_name,
                "reason": why,
            },
        )
        metrics.add_metric(
            name="ReservedKeysIgnored" if reserved else "FolderKeysIgnored", unit=MetricUnit.Count, value=1
        )


def _stale(latest: Latest, known: tuple[int, Mapping[str, Any]] | None) -> bool:
    if not plans.is_stale(latest.event, known):
        return False
    logger.info(
        "stale event acknowledged", extra=_log(latest.event, receipt_version=known[0] if known else None)
    )
    metrics.add_metric(name="StaleEvents", unit=MetricUnit.Count, value=1)
    return True


def _redelivered(latest: Latest, known: tuple[int, Mapping[str, Any]] | None) -> bool:
    """Whether the receipt already records ``latest``'s event (acknowledged)."""
    if not plans.is_redelivery(latest.event, known):
        return False
    logger.info("redelivered event acknowledged: its receipt records it", extra=_log(latest.event))
    metrics.add_metric(name="RedeliveredEvents", unit=MetricUnit.Count, value=1)
    return True


# Content codings whose bytes cleaning reads: none, and gzip (by its magic bytes).
_READ_CODINGS = frozenset({"identity", "gzip", "x-gzip"})


def _coding_named(rejection: RejectedInput, event: ObjectEvent, stored: Any) -> RejectedInput:
    """``rejection``, or, when the bytes could not be read as text and the object is stored
    with a content coding cleaning does not decode (S3 keeps ``br``, ``deflate``, ``zstd``
    as set and serves the compressed bytes), the rejection saying so."""
    coding = (stored.content_encoding or "identity").strip()
    if rejection.reason not in ("binary", "undecodable") or coding.lower() in _READ_CODINGS:
        return rejection
    return RejectedInput(
        rejection.reason,
        f"{event.ref.key}: the object is stored with Content-Encoding {coding}, which ingest does not "
        "decode: upload the file uncompressed, or gzipped (.gz)",
    )


def _rejected(event: ObjectEvent, exc: RejectedInput, read: ObjectRead) -> ObjectRead:
    logger.warning("upload rejected", extra=_log(event, reason=exc.reason, detail=exc.message))
    return ObjectRead(
        rejection=(exc.reason, exc.message),
        sha256=read.sha256,
        etag=read.etag,
        cleaner_version=read.cleaner_version,
    )


def _fail(pending: Iterable[Latest | Plan], why: str, result: BatchResult) -> None:
    for each in pending:
        for message_id in each.message_ids:
            result.failed.setdefault(message_id, why)


def _settle(batch: list[Plan], written: Mapping[ObjectRef, Written], result: BatchResult) -> None:
    for plan in batch:
        if plan.kind == RETRY:
            _fail([plan], plan.reason or "", result)
        else:
            result.outcomes[plan.ref] = plan.outcome or ""
            _count(plan, written[plan.ref])


def _count(plan: Plan, written: Written) -> None:
    metrics.add_metric(name=_COUNTED[plan.outcome or ""], unit=MetricUnit.Count, value=1)
    if plan.outcome == receipts.INDEXED:
        logger.info(
            "upload indexed",
            extra=_log(plan.event, documents=len(written.document_ids), skipped=plan.skipped.count),
        )
    elif plan.outcome == receipts.DELETED:
        logger.info("upload deleted", extra=_log(plan.event))


def _log(event: ObjectEvent, **extra: Any) -> dict[str, Any]:
    return {
        "bucket": event.ref.bucket,
        "key": event.ref.key,
        "event": event.event_name,
        "version": event.version,
        **extra,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
