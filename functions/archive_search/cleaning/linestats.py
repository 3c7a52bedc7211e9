"""Lines that repeat across the documents of the archive: a site's menus, footers, widget
titles and share prompts come with every page of it, an article's paragraphs with one.

A ``LineStats`` counts, for each line (by the classifier's comparison key: the line stripped,
letter case aside), how many documents of the archive hold it. It is built from the archive's
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
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["MIN_DOCUMENTS", "LineStats"]
# Below this many documents the counts say little: the cleaner does not use them.
MIN_DOCUMENTS = 20
# The statistics keep the lines held by at least two documents (a line of one document has no
# other document to repeat it), the most frequent first, up to this many (about 16 bytes each).
MAX_LINES = 2_000_000


_MERGE_EVERY = 4_000_000


def _merged(keys: np.ndarray, counts: np.ndarray, pending: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``keys``/``counts`` (sorted, distinct) with one more count for each key in ``pending``."""
    if not pending:
        return keys, counts
    every = np.concatenate([keys, *pending])
    weights = np.concatenate([counts, np.ones(len(every) - len(keys), dtype=np.int64)])
    merged, at = np.unique(every, return_inverse=True)
    return merged, np.bincount(at, weights=weights, minlength=len(merged)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class LineStats:
    """Documents holding each line: ``keys`` (sorted line keys) and their ``counts``."""

    keys: np.ndarray
    counts: np.ndarray
    documents: int

    @classmethod
    def build(cls, documents: Iterable[Iterable[str]], *, max_lines: int = MAX_LINES) -> LineStats:
        """Count the lines of ``documents`` (each an iterable of its lines, e.g. text blocks).

        Counting is exact and holds about 16 bytes per distinct line of the archive (numpy
        arrays of keys and counts, merged every ``_MERGE_EVERY`` line keys): some 1.6 GB for
        a million pages of ~100 distinct lines each."""
        from archive_search.cleaning.classifier import line_keys

        keys = np.zeros(0, dtype=np.uint64)
        counts = np.zeros(0, dtype=np.int64)
        pending: list[np.ndarray] = []
        waiting = total = 0
        for lines in documents:
            total += 1
            pending.append(np.unique(line_keys(list(lines))))  # a line counts once per document
            waiting += len(pending[-1])
            if waiting >= _MERGE_EVERY:
                keys, counts = _merged(keys, counts, pending)
                pending, waiting = [], 0
        keys, counts = _merged(keys, counts, pending)
        repeated = np.flatnonzero(counts >= 2)
        if len(repeated) > max_lines:  # the most frequent (the smaller key first among equals)
            repeated = np.sort(repeated[np.argsort(-counts[repeated], kind="stable")[:max_lines]])
        return cls(keys[repeated], counts[repeated].astype(np.uint32), total)

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
