"""Bulk writes: items in, one result per item out.

``BulkWriter.write`` sends items to one index through the engine adapter (which splits the
requests by bytes and answers 413 for an item no request may hold), then settles each item:

- 2xx, and 409 (a version conflict: a newer write already won) -> ``WRITTEN``;
- each request may take the Lambda's time left minus ``time_reserve_ms`` (the engine caps
  its timeout by that), and none starts with less than ``MIN_REQUEST_MS`` of it: a slow domain
  fails the remaining owners, which SQS delivers again, instead of the Lambda timing out;
- 429, 5xx and 404 (the alias vanished: ``on_missing_index`` re-creates it) are retried with
  bounded exponential backoff and jitter while the Lambda has time left (``remaining_ms``
  minus ``time_reserve_ms``), at most ``max_attempts`` rounds; then the item's owner fails.
  A request that fails as a whole with ``EngineUnavailable`` counts as a 503 for each of its
  items; any other exception is a bug and propagates, never retried;
- any other status refuses the item: an article document (it has an ``ordinal``) is
  ``REFUSED`` alone, anything else fails its owner.

An owner is the object the items belong to: once it failed, its other items are not sent
again. Item errors are reduced to their type and the field they name (``item_reason``):
an engine's error text can quote the article text.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from archive_search.errors import EngineUnavailable
from archive_search.observability import logger, metrics

VERSION_TYPE = "external_gte"
WRITTEN = "written"
REFUSED = "refused"
_OK_STATUS = range(200, 300)
_CONFLICT = 409
_MISSING_INDEX = 404
MIN_REQUEST_MS = 200  # the engine adapter's MIN_BULK_TIMEOUT_S: less could not be answered


@dataclass(frozen=True)
class BulkItem:
    """One document to write with its external version, and the object it belongs to."""

    doc_id: str
    version: int
    source: Mapping[str, Any]
    owner: Hashable
    ordinal: int | None = None  # an article document's ordinal; None for tombstones and receipts

    def action(self) -> dict[str, Any]:
        # No "_index": the request names it (/<alias>/_bulk), as the IAM grants require.
        return {"index": {"_id": self.doc_id, "version": self.version, "version_type": VERSION_TYPE}}


@dataclass(frozen=True)
class ItemResult:
    """How one item settled: ``WRITTEN`` or ``REFUSED`` (with the reason)."""

    item: BulkItem
    status: str
    reason: str | None = None
    superseded: bool = False  # WRITTEN as a 409: a newer version of the document was already there


@dataclass(frozen=True)
class WriteReport:
    """The settled items in the order they settled, and the owners that failed (-> why)."""

    results: tuple[ItemResult, ...]
    failures: Mapping[Hashable, str]


@dataclass(frozen=True)
class BulkWriter:
    """Executes bulk writes against ``engine`` (the OpenSearch adapter or a fake)."""

    engine: Any
    time_reserve_ms: int = 2_000
    max_attempts: int = 8
    base_delay: float = 0.05  # seconds before the first retry; doubled each round up to max_delay
    max_delay: float = 2.0
    sleep: Callable[[float], None] = time.sleep
    on_missing_index: Callable[[], None] = lambda: None

    def write(
        self,
        items: Sequence[BulkItem],
        remaining_ms: Callable[[], int],
        *,
        index: str,
        require_alias: bool = True,
    ) -> WriteReport:
        settled: list[ItemResult] = []
        failures: dict[Hashable, str] = {}
        pending = list(items)
        attempt = 0
        while pending:
            attempt += 1
            if remaining_ms() - self.time_reserve_ms < MIN_REQUEST_MS:
                for item in pending:
                    failures[item.owner] = "no time left to write to the search engine"
                metrics.add_metric(name="WritesGivenUp", unit=MetricUnit.Count, value=len(pending))
                break
            retry: list[tuple[BulkItem, str]] = []
            missing_index = False
            answers = self._send(pending, index, require_alias, remaining_ms)
            for item, answer in zip(pending, answers, strict=True):
                status = int(answer.get("status", 500))
                if status in _OK_STATUS or status == _CONFLICT:
                    settled.append(ItemResult(item, WRITTEN, superseded=status == _CONFLICT))
                elif status == 429 or status >= 500 or status == _MISSING_INDEX:
                    missing_index = missing_index or status == _MISSING_INDEX
                    retry.append((item, item_reason(answer)))
                elif item.ordinal is not None:
                    settled.append(ItemResult(item, REFUSED, item_reason(answer)))
                else:
                    failures[item.owner] = f"the index refused a write: {item_reason(answer)}"
            if not retry:
                break
            delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            if attempt >= self.max_attempts or remaining_ms() - self.time_reserve_ms < delay * 1000:
                for item, reason in retry:
                    failures[item.owner] = f"search engine did not accept the write: {reason}"
                metrics.add_metric(name="WritesGivenUp", unit=MetricUnit.Count, value=len(retry))
                break
            metrics.add_metric(name="WritesRetried", unit=MetricUnit.Count, value=len(retry))
            self.sleep(delay)
            if missing_index:
                self.on_missing_index()
            pending = [item for item, _ in retry if item.owner not in failures]
        return WriteReport(tuple(settled), failures)

    def _send(
        self, items: list[BulkItem], index: str, require_alias: bool, remaining_ms: Callable[[], int]
    ) -> list[dict[str, Any]]:
        body: list[Any] = []
        for item in items:
            body += [item.action(), item.source]

        def time_left_s() -> float:
            return (remaining_ms() - self.time_reserve_ms) / 1000

        try:
            return self.engine.bulk(body, index=index, require_alias=require_alias, time_left_s=time_left_s)
        except EngineUnavailable as exc:  # the engine is down, overloaded or timed out
            # The class and status only: an engine's error text can quote the documents.
            error = error_class(exc)
            logger.warning("bulk request failed", extra={"error": error, "items": len(items)})
            return [{"status": 503, "error": {"type": error}}] * len(items)


_FIELD_RE = re.compile(r"field \[([^\]]{1,200})\]")


def item_reason(item: Mapping[str, Any]) -> str:
    """An item's error as its type and the field it names, never the engine's text, which can
    quote the value (article text) of the field it failed on."""
    error = item.get("error") or {}
    if not isinstance(error, dict):
        return "error"
    kind = str(error.get("type") or "error")
    field_named = _FIELD_RE.search(str(error.get("reason") or ""))
    return f"{kind} (field {field_named.group(1)})" if field_named else kind


def error_class(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__} {status}" if isinstance(status, int) else type(exc).__name__
