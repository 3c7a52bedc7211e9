"""Lines that repeat across the documents of the archive: a site's menus, footers, widget
titles and share prompts come with every page of it, an article's paragraphs with one.

A ``LineStats`` counts, for each line (by its ``line_keys`` key: the line
stripped, letter case aside), how many documents of the archive hold it. It is built from the archive's
text dumps by ``archive-search line-stats`` (and by the cleaning benchmark from its pages), kept
as one object in the bucket (``settings.LINE_STATS_KEY``), and given to the cleaner: the line
classifier then also judges a line by how many *other* documents hold it. A document being cleaned is assumed to be counted
in the statistics (they were built from the archive it belongs to), so a line's count minus one
is what the other documents say; a new upload, not counted yet, reads one less until the
statistics are built again. Cleaning with statistics is therefore reproducible for a given
statistics object: its ``digest`` is part of the cleaner version the documents record.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archive_search.cleaning.lines.profile import line_keys
from archive_search.errors import ConfigurationError

__all__ = ["MAX_LINES", "MIN_DOCUMENTS", "SPILL_EVERY", "LineStats"]
# Below this many documents the counts say little: the cleaner does not use them.
MIN_DOCUMENTS = 20
# The statistics keep the lines held by at least two documents (a line of one document has no
# other document to repeat it), the most frequent first, up to this many (12 bytes each: a key and a count).
MAX_LINES = 2_000_000


# Counting keeps this many line keys in memory (32 MB); beyond them, the keys go to temporary
# files, one per range of keys (their top bits), each counted alone at the end.
SPILL_EVERY = 4_000_000
_RANGE_BITS = 8
_KEY_BITS = 53  # a line key is the low 53 bits of the line's hash (see profile.line_keys)


class _KeyRanges:
    """Line keys kept in temporary files by range (the top ``_RANGE_BITS`` of the key), so
    that an archive of any size is counted exactly in bounded memory: one range at a time.
    The directory is made on the first spill and removed by ``close``."""

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def _path(self, at: int) -> Path:
        assert self._dir is not None
        return Path(self._dir.name) / f"{at:03d}.u64"

    def add(self, keys: np.ndarray) -> None:
        ranges = keys >> np.uint64(_KEY_BITS - _RANGE_BITS)
        order = ranges.argsort(kind="stable")
        keys, bounds = keys[order], ranges[order].searchsorted(np.arange(2**_RANGE_BITS + 1, dtype=np.uint64))
        try:
            if self._dir is None:
                self._dir = tempfile.TemporaryDirectory(prefix="archive-search-line-stats-")
            for at in np.flatnonzero(bounds[1:] > bounds[:-1]).tolist():
                with self._path(at).open("ab") as f:
                    keys[bounds[at] : bounds[at + 1]].tofile(f)
        except OSError as exc:
            raise ConfigurationError(
                f"counting the line statistics needs temporary disk space (about 8 bytes per line of "
                f"each page) in {tempfile.gettempdir()}: {exc}; set TMPDIR to a folder with room"
            ) from None

    def counted(self, rest: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Each distinct key with the number of times it was added (``rest`` too), in key order."""
        if self._dir is None:  # nothing spilled: all of it is in memory
            yield np.unique(rest, return_counts=True)
            return
        self.add(rest)
        for at in range(2**_RANGE_BITS):
            if self._path(at).exists():
                yield np.unique(np.fromfile(self._path(at), dtype=np.uint64), return_counts=True)

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def _most_frequent(keys: np.ndarray, counts: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``limit`` of the (sorted) keys, the most frequent (the smaller key first among
    equals), still sorted."""
    if len(keys) <= limit:
        return keys, counts
    kept = np.sort(np.argsort(-counts, kind="stable")[:limit])
    return keys[kept], counts[kept]


@dataclass(frozen=True, eq=False)
class LineStats:
    """Documents holding each line: ``keys`` (sorted line keys) and their ``counts``."""

    keys: np.ndarray
    counts: np.ndarray
    documents: int

    @classmethod
    def build(
        cls,
        documents: Iterable[Iterable[str]],
        *,
        max_lines: int = MAX_LINES,
        spill_every: int = SPILL_EVERY,
    ) -> LineStats:
        """Count the lines of ``documents`` (each an iterable of its lines, e.g. text blocks).

        Counting is exact, in bounded memory: the distinct line keys of each document wait in
        memory up to ``spill_every`` (32 MB), then go to temporary files by key range, each
        counted alone at the end (1/256 of the archive's keys: ~3 MB a million pages). The
        files take 8 bytes per distinct line of each document: ~0.8 GB a million pages of ~100
        lines, in the system's temporary directory (``TMPDIR``), removed when done."""
        pending: list[np.ndarray] = []
        waiting = total = 0
        ranges = _KeyRanges()
        kept_keys, kept_counts = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        try:
            for lines in documents:
                total += 1
                pending.append(np.unique(line_keys(list(lines))))  # a line counts once per document
                waiting += len(pending[-1])
                if waiting >= spill_every:
                    ranges.add(np.concatenate(pending))
                    pending, waiting = [], 0
            rest = np.concatenate(pending) if pending else np.zeros(0, dtype=np.uint64)
            for keys, counts in ranges.counted(rest):  # key order: what is kept stays sorted
                repeated = counts >= 2  # a line of one document has no other to repeat it
                kept_keys = np.concatenate((kept_keys, keys[repeated]))
                kept_counts = np.concatenate((kept_counts, counts[repeated]))
                if len(kept_keys) > 2 * max_lines:
                    kept_keys, kept_counts = _most_frequent(kept_keys, kept_counts, max_lines)
        finally:
            ranges.close()
        kept_keys, kept_counts = _most_frequent(kept_keys, kept_counts, max_lines)
        return cls(kept_keys, kept_counts.astype(np.uint32), total)

    @property
    def usable(self) -> bool:
        return self.documents >= MIN_DOCUMENTS

    @property
    def digest(self) -> str:
        """Names these statistics (12 hex digits of a SHA-256 of their content)."""
        h = hashlib.sha256(self.keys.tobytes())
        h.update(self.counts.tobytes())
        h.update(str(self.documents).encode())
        return h.hexdigest()[:12]

    def others(self, keys: np.ndarray) -> np.ndarray:
        """For each line key, how many other documents hold the line (0 for unknown lines)."""
        keys = np.asarray(keys, dtype=np.uint64)
        if not len(self.keys) or not len(keys):
            return np.zeros(len(keys))
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found = self.keys[at] == keys
        return np.where(found, self.counts[at].astype(float) - 1.0, 0.0)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        np.savez_compressed(out, keys=self.keys, counts=self.counts, documents=np.array([self.documents]))
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LineStats:
        """Read ``to_bytes`` output; ``ValueError`` when it is not line statistics."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                keys, counts, documents = npz["keys"], npz["counts"], npz["documents"]
        except Exception as exc:  # zip, npy or key errors: all mean "not our statistics"
            raise ValueError(f"not line statistics: {exc}") from None
        if (
            keys.dtype != np.uint64
            or counts.dtype != np.uint32
            or keys.shape != counts.shape
            or documents.size != 1
        ):
            raise ValueError("not line statistics: unexpected arrays")
        if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            raise ValueError("not line statistics: keys are not sorted")
        return cls(keys, counts, int(documents[0]))
