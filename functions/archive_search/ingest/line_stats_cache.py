"""The line statistics of each bucket, kept for a warm execution environment.

The text-dump cleaner reads per-bucket line statistics (``settings.line_stats_key``). They
are read once, trusted for ``refresh`` seconds, then checked with one conditional read
(a HEAD's worth: nothing is downloaded while they have not changed). The cleaner version
they imply (``cleaning.cleaner_version(stats)`` hashes all of them) is worked out once per
statistics object.

Never raises: without statistics (none written yet, ``LINE_STATS_KEY`` empty) the cleaner
works without them; a corrupt or oversized object is logged once and ignored; when S3 does
not answer, the statistics read before are kept (none at a cold start) and the read is
tried again ``LINE_STATS_RETRY_SECONDS`` later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive_search.cleaning.lines import LineStats
from archive_search.errors import NotFound, RejectedInput
from archive_search.model import ObjectRef
from archive_search.observability import logger

# How long a warm execution environment trusts the line statistics it read (then one HEAD
# tells whether they changed), and how soon it tries again after S3 failed to answer.
LINE_STATS_REFRESH_SECONDS = 600.0
LINE_STATS_RETRY_SECONDS = 30.0
# The statistics object is read whole: bound it (2 million lines take about 24 MB).
LINE_STATS_MAX_BYTES = 64 * 1024 * 1024
# Cleaner versions remembered at once: statistics are replaced over a long warm life.
_MAX_VERSIONS = 16


@dataclass
class _CachedStats:
    """The line statistics of one bucket as last read (``None``: none, or unreadable)."""

    stats: LineStats | None
    etag: str | None  # of the object they were read from; None when there was none
    checked: float  # clock time of the read or of the last check that they had not changed


@dataclass
class LineStatsCache:
    """Per-bucket line statistics read from ``store`` at ``key`` (``None``: turned off)."""

    store: Any
    key: str | None
    cleaner_version: Callable[[LineStats | None], str]
    refresh: float  # seconds the statistics read are trusted before one check for a change
    clock: Callable[[], float]
    _cached: dict[str, _CachedStats] = field(default_factory=dict, init=False, repr=False)
    _versions: dict[LineStats, str] = field(default_factory=dict, init=False, repr=False)

    def get(self, bucket: str, *, refresh: bool = False) -> LineStats | None:
        """The statistics of ``bucket``; ``refresh`` checks now whether they changed."""
        if not self.key:
            return None
        cached = self._cached.get(bucket)
        now = self.clock()
        if cached is not None and not refresh and now - cached.checked < self.refresh:
            return cached.stats
        ref = ObjectRef(bucket, self.key)
        where = {"bucket": bucket, "key": self.key}
        try:
            if cached is not None and cached.etag is not None:
                stored = self.store.read_if_changed(ref, etag=cached.etag, max_bytes=LINE_STATS_MAX_BYTES)
                if stored is None:
                    cached.checked = now
                    return cached.stats
            else:
                stored = self.store.read(ref, max_bytes=LINE_STATS_MAX_BYTES)
        except NotFound:
            if cached is not None and cached.etag is not None:
                logger.info("line statistics removed: cleaning without them", extra=where)
            self._cached[bucket] = _CachedStats(None, None, now)
            return None
        except RejectedInput as exc:  # over LINE_STATS_MAX_BYTES
            logger.warning("line statistics ignored", extra={**where, "error": exc.message})
            self._cached[bucket] = _CachedStats(None, None, now)
            return None
        except Exception as exc:  # S3 throttled, denied or unreachable: keep what we had
            logger.warning("line statistics could not be read", extra={**where, "error": str(exc)})
            kept = cached.stats if cached is not None else None
            etag = cached.etag if cached is not None else None
            retry_at = now - self.refresh + LINE_STATS_RETRY_SECONDS
            self._cached[bucket] = _CachedStats(kept, etag, retry_at)
            return kept
        stats = _parse(stored.data, where)
        self._cached[bucket] = _CachedStats(stats, stored.etag, now)
        return stats

    def version_with(self, stats: LineStats | None) -> str:
        """``cleaner_version(stats)``, worked out once per statistics object."""
        if stats is None:
            return self.cleaner_version(None)
        if stats not in self._versions:
            if len(self._versions) >= _MAX_VERSIONS:
                self._versions.clear()
            self._versions[stats] = self.cleaner_version(stats)
        return self._versions[stats]


def _parse(data: bytes, where: dict[str, str]) -> LineStats | None:
    try:
        stats = LineStats.from_bytes(data)
    except ValueError as exc:
        logger.warning(
            "line statistics are corrupt: cleaning without them", extra={**where, "error": str(exc)}
        )
        return None
    logger.info(
        "line statistics loaded",
        extra={
            **where,
            "documents": stats.documents,
            "lines": len(stats.keys),
            "digest": stats.digest,
            "usable": stats.usable,
        },
    )
    return stats
