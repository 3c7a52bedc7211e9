"""At ingest: run every alert against the batch's new articles and announce the matches.

Which articles are new (each fires an alert at most once, docs/alerts.md):

- only ``indexed`` outcomes that are news (``outcomes.is_news``): an unchanged re-upload is a
  ``duplicate`` and fires nothing;
- not a re-clean of the same bytes (the key's previous live receipt has the same
  ``content_sha256``): the article was new when those bytes were first indexed;
- not an unchanged record of a changed file: an article whose fingerprint the key's own
  documents held before the write (``Outcome.held_fingerprints``);
- not a copy: an article whose fingerprint is that of a live document under another key
  (the receipt's ``duplicate_of``), or of an article earlier in the same batch.

How: the engine's percolator would be the natural tool, but the local engine does not
implement ``percolate``; instead every alert becomes the query ``/search`` runs, restricted
to the batch's new document ids, and the alerts go in ``_msearch`` requests of
``MATCH_CHUNK`` searches each: requests grow with alerts / ``MATCH_CHUNK``, never with
alerts x articles. The same query builder as ``/search`` means an alert matches exactly
what its search would list.

Never raises into ingest: the batch is indexed and acknowledged whatever happens here; a
failure is logged and counted (``AlertMatchingFailed``), like an event not published.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from archive_search.alerts.bounds import FILTER_NAMES, MAX_ALERTS
from archive_search.alerts.events import NewArticle, build_alert_event
from archive_search.fingerprint import fingerprint
from archive_search.ingest.outcomes import BusEvent, Outcome, Publisher, is_news, publish_events
from archive_search.ingest.receipts import INDEXED, LIVE_OUTCOMES
from archive_search.model import ObjectRef, document_id
from archive_search.observability import logger, metrics
from archive_search.search.request import SearchRequest, calendar_date, filter_values
from archive_search.search.service import SearchService

MATCH_CHUNK = 200  # alert searches per _msearch request
MATCH_TIMEOUT_S = 10.0  # per _msearch request
# No _msearch starts with less of the Lambda's time left (the request's timeout plus room).
TIME_RESERVE_MS = 12_000


class AlertSource(Protocol):
    def all(self, limit: int) -> list[tuple[str, dict[str, Any]]]: ...
    def refresh_articles(self) -> None: ...
    def msearch_articles(
        self, bodies: Sequence[Mapping[str, Any]], timeout_s: float
    ) -> list[dict[str, Any]]: ...


class Documents(Protocol):
    """The article engine (``adapters.opensearch.SearchEngine``): copies are read by id, and
    alert queries are built for its profile as /search builds them."""

    @property
    def profile(self) -> str: ...
    def mget(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...


@dataclass
class MatchReport:
    articles: int = 0  # new articles the alerts ran against
    alerts: int = 0
    matches: list[tuple[str, str]] = field(default_factory=list)  # (alert id, article id)
    failed_alerts: int = 0  # alert searches that failed or were not run


def new_articles(outcomes: Sequence[Outcome]) -> list[NewArticle]:
    """The articles of ``outcomes`` searchable for the first time (copies not yet excluded)."""
    found: list[NewArticle] = []
    for outcome in outcomes:
        receipt, previous = outcome.receipt, outcome.previous or {}
        if receipt.get("outcome") != INDEXED or not is_news(receipt, outcome.previous):
            continue
        sha = receipt.get("content_sha256")
        if previous.get("outcome") in LIVE_OUTCOMES and sha and previous.get("content_sha256") == sha:
            continue  # the same bytes re-cleaned: announced when first indexed
        ref = ObjectRef(str(receipt["bucket"]), str(receipt["key"]))
        written = set(receipt.get("document_ids") or [])
        for ordinal, article in enumerate(outcome.articles):
            doc_id = document_id(ref, ordinal)
            if doc_id in written and not (
                outcome.held_fingerprints and fingerprint(article) in outcome.held_fingerprints
            ):
                found.append(NewArticle(doc_id, ordinal, article, ref, sha))
    return found


def search_request(search: Mapping[str, Any]) -> SearchRequest:
    """The /search request of a saved search (only what filters: no facets, paging or sort)."""
    return SearchRequest(
        q=search.get("q"),
        in_field=search.get("in"),
        filters={name: filter_values(search[name]) for name in FILTER_NAMES if search.get(name)},
        date_from=_date(search.get("from"), "from"),
        date_to=_date(search.get("to"), "to"),
        has_date=search.get("has_date"),
        fields=("id",),
        collapse=False,
    )


def alert_query(service: SearchService, search: Mapping[str, Any], ids: Sequence[str]) -> dict[str, Any]:
    """The search ``/search`` runs for ``search`` (its query and filters, built by the same
    ``SearchService.search_body``), restricted to the documents ``ids``."""
    body, _ = service.search_body(search_request(search))
    filters: list[dict[str, Any]] = [{"ids": {"values": list(ids)}}]
    if "post_filter" in body:
        filters.append(body["post_filter"])
    return {
        "query": {"bool": {"must": [body["query"]], "filter": filters}},
        "size": len(ids),
        "_source": False,
        "track_total_hits": False,
    }


def _date(value: str | None, name: str) -> date | None:
    # Read as the alert was validated (year 0000 is 0001): never a ValueError for a stored alert.
    return calendar_date(value, name)


class AlertMatcher:
    """Hears a batch's settled outcomes (after ``OutcomeAnnouncer``) and publishes one
    ``Alert Matched`` per (alert, new article) whose target is ``event`` or ``webhook``."""

    def __init__(
        self,
        alerts: AlertSource,
        documents: Documents,
        publisher: Publisher,
        *,
        max_alerts: int = MAX_ALERTS,
        chunk: int = MATCH_CHUNK,
        timeout_s: float = MATCH_TIMEOUT_S,
        time_reserve_ms: int = TIME_RESERVE_MS,
    ) -> None:
        self.alerts = alerts
        self.documents = documents
        self.queries = SearchService(documents)  # type: ignore[arg-type]  # only search_body is used
        self.publisher = publisher
        self.max_alerts = max_alerts
        self.chunk = chunk
        self.timeout_s = timeout_s
        self.time_reserve_ms = time_reserve_ms

    def __call__(
        self, outcomes: Sequence[Outcome], remaining_ms: Callable[[], int] | None = None
    ) -> MatchReport:
        report = MatchReport()
        try:
            self._run(outcomes, remaining_ms, report)
        except Exception:  # a bug or an engine failure: never fail or repeat the batch
            logger.exception("matching alerts failed", extra={"articles": report.articles})
            metrics.add_metric(name="AlertMatchingFailed", unit=MetricUnit.Count, value=1)
        return report

    def _run(
        self, outcomes: Sequence[Outcome], remaining_ms: Callable[[], int] | None, report: MatchReport
    ) -> None:
        candidates = self._without_copies(outcomes, new_articles(outcomes))
        report.articles = len(candidates)
        if not candidates:
            return
        alerts = self.alerts.all(self.max_alerts)
        report.alerts = len(alerts)
        if not alerts:
            return
        self.alerts.refresh_articles()
        by_id = {a.id: a for a in candidates}
        events: list[BusEvent] = []
        for start in range(0, len(alerts), self.chunk):
            chunk = alerts[start : start + self.chunk]
            if remaining_ms is not None and remaining_ms() < self.time_reserve_ms:
                logger.error("alerts not matched: no time left", extra={"alerts": len(alerts) - start})
                report.failed_alerts += len(alerts) - start
                break
            for (alert_id, alert), hit_ids in zip(
                chunk, self._search(chunk, list(by_id), report), strict=True
            ):
                for doc_id in hit_ids:
                    report.matches.append((alert_id, doc_id))
                    if alert.get("target") != "feed":  # a feed alert is read, never pushed
                        events.append(build_alert_event(alert_id, alert, by_id[doc_id]))
        if report.failed_alerts:
            metrics.add_metric(name="AlertMatchingFailed", unit=MetricUnit.Count, value=report.failed_alerts)
        if report.matches:
            metrics.add_metric(name="AlertsMatched", unit=MetricUnit.Count, value=len(report.matches))
        if events:
            publish_events(self.publisher, events, remaining_ms)

    def _search(
        self, chunk: list[tuple[str, dict[str, Any]]], ids: list[str], report: MatchReport
    ) -> list[list[str]]:
        """The matching ids of each alert of ``chunk`` (none for an alert whose search failed)."""
        bodies, runnable = [], []
        for alert_id, alert in chunk:
            try:
                bodies.append(alert_query(self.queries, alert["search"], ids))
                runnable.append(alert_id)
            except Exception as exc:  # a stored search this version no longer accepts
                logger.warning("alert skipped", extra={"alert_id": alert_id, "error": str(exc)})
                report.failed_alerts += 1
        responses = iter(self.alerts.msearch_articles(bodies, self.timeout_s) if bodies else [])
        results: list[list[str]] = []
        for alert_id, _ in chunk:
            if alert_id not in runnable:
                results.append([])
                continue
            response = next(responses)
            if "error" in response:
                logger.warning(
                    "alert search failed", extra={"alert_id": alert_id, "error": response["error"]}
                )
                report.failed_alerts += 1
                results.append([])
            else:
                results.append([hit["_id"] for hit in response["hits"]["hits"]])
        return results

    def _without_copies(self, outcomes: Sequence[Outcome], candidates: list[NewArticle]) -> list[NewArticle]:
        """Drop copies: fingerprints of the live documents the receipts name in ``duplicate_of``
        (one mget per batch) and of articles earlier in this batch."""
        if not candidates:
            return []
        copies = sorted({str(i) for o in outcomes for i in o.receipt.get("duplicate_of") or []})
        known: set[str] = set()
        if copies:
            found = self.documents.mget(copies)
            known = {str(doc["_source"].get("fingerprint")) for doc in found.values() if "_source" in doc}
        kept: list[NewArticle] = []
        for candidate in candidates:
            print_ = fingerprint(candidate.article)
            if print_ not in known:
                kept.append(candidate)
                known.add(print_)
        return kept
