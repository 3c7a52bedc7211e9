"""Build the archive's line statistics from its bucket and keep them there
(``archive-search line-stats``; then ``archive-search reindex`` re-cleans the archive with them).

Every object of the bucket is read (the statistics are the whole archive's: the cleaner of
every upload reads them, so a part of the bucket would replace them with a part's counts); the plain-text dumps among them (as the
cleaner sees them: ``cleaning.text_dump_lines``, so ``.txt.gz`` counts and HTML or JSON does
not) are counted into one ``LineStats``, written as one object at ``key``. The service's own
objects (keys under ``_archive-search/``) are skipped, so the previous statistics never count.
Objects the cleaner would reject (too large, not text) are skipped; an object deleted since
the listing is skipped; an S3 failure stops the job before anything is written.

Writing the object sends the bucket's notification like any write; ingest acknowledges it
without indexing it (reserved prefix), and warm ingest environments pick the statistics up
within their refresh interval.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from archive_search.cleaning import DEFAULT_MAX_DECOMPRESSED_BYTES, text_dump_lines
from archive_search.cleaning.lines import LineStats
from archive_search.errors import NotFound, RejectedInput
from archive_search.model import ObjectRef
from archive_search.observability import logger
from archive_search.settings import is_upload_key

__all__ = ["LineStatsReport", "build_line_stats"]

READERS = 8  # objects read at once (S3 latency, not CPU, bounds a sequential walk)

_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True)
class LineStatsReport:
    """What was written: ``documents`` (text dumps counted), ``lines`` (lines kept: held by
    two documents or more), ``digest`` (part of the cleaner version documents record),
    ``key`` (where), ``usable`` (enough documents for the cleaner to use them), ``objects``
    (objects read, text dumps or not)."""

    documents: int
    lines: int
    digest: str
    key: str
    usable: bool
    objects: int


def build_line_stats(
    store: Any,
    bucket: str,
    *,
    key: str,
    max_object_bytes: int,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
    readers: int = READERS,
) -> LineStatsReport:
    """Count the lines of the text dumps in ``bucket`` and write the
    statistics to ``key`` of the same bucket. ``store`` is an ``adapters.s3.ObjectStore``."""
    keys = [k for k, _ in store.list_keys(bucket) if is_upload_key(k)]

    def lines_of(object_key: str) -> list[str]:
        try:
            stored = store.read(ObjectRef(bucket, object_key), max_bytes=max_object_bytes)
        except (NotFound, RejectedInput) as exc:
            logger.info("object skipped", extra={"bucket": bucket, "key": object_key, "reason": str(exc)})
            return []
        return text_dump_lines(
            stored.data,
            object_key,
            content_type=stored.content_type,
            max_decompressed_bytes=max_decompressed_bytes,
        )

    documents = (lines for lines in _ordered_map(lines_of, keys, readers) if lines)
    stats = LineStats.build(documents)
    store.write(ObjectRef(bucket, key), stats.to_bytes())
    report = LineStatsReport(
        documents=stats.documents,
        lines=len(stats.keys),
        digest=stats.digest,
        key=key,
        usable=stats.usable,
        objects=len(keys),
    )
    logger.info("line statistics written", extra={"bucket": bucket, **asdict(report)})
    return report


def _ordered_map(fn: Callable[[_T], _R], items: Iterable[_T], workers: int) -> Iterator[_R]:
    """``map(fn, items)`` on ``workers`` threads, in order, with at most ``2 * workers``
    results held at once (``Executor.map`` would submit, and hold, every item)."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        window: deque[Future[_R]] = deque()
        for item in items:
            window.append(pool.submit(fn, item))
            if len(window) >= 2 * max(1, workers):
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
