"""What an upload of several records left out: the records (or JSON Lines lines) that could not
become articles while the others did, each with a reason code and a sentence.

``clean()`` returns ``Cleaned``, a ``list[Article]`` that also carries ``skipped``: callers that
only want the articles use it as the list it is, ingest records ``skipped`` in the upload's
receipt and event. The reasons kept are bounded (``MAX_SKIPPED_LISTED``, each message
``MAX_SKIPPED_MESSAGE_CHARS``); the count is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archive_search.model import Article

__all__ = [
    "MAX_SKIPPED_LISTED",
    "MAX_SKIPPED_MESSAGE_CHARS",
    "NOTHING_SKIPPED",
    "Cleaned",
    "Skipped",
    "SkippedRecord",
    "skipped_in",
]

# Reasons kept per upload: enough to show a person what to fix, bounded so a receipt and an
# event stay small whatever a file of 1,000 bad records holds.
MAX_SKIPPED_LISTED = 20
MAX_SKIPPED_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class SkippedRecord:
    """One record left out: ``record`` its position among the file's records (from 0, as
    document ordinals count) or ``line`` its JSON Lines line (from 1, as editors count)."""

    reason: str
    message: str
    record: int | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else f"record {self.record}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"record": self.record, "line": self.line, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class Skipped:
    """How many records were left out (exact) and the first ``MAX_SKIPPED_LISTED`` of them."""

    count: int = 0
    first: tuple[SkippedRecord, ...] = ()

    @classmethod
    def of(cls, records: Sequence[SkippedRecord]) -> Skipped:
        kept = tuple(
            SkippedRecord(r.reason, r.message[:MAX_SKIPPED_MESSAGE_CHARS], r.record, r.line)
            for r in records[:MAX_SKIPPED_LISTED]
        )
        return cls(len(records), kept)


NOTHING_SKIPPED = Skipped()


class Cleaned(list[Article]):
    """The articles of an upload, in order, and what it left out (``skipped``)."""

    def __init__(self, articles: Iterable[Article] = (), skipped: Skipped = NOTHING_SKIPPED) -> None:
        super().__init__(articles)
        self.skipped = skipped


def skipped_in(articles: Sequence[Article]) -> Skipped:
    """What the upload that gave ``articles`` left out (nothing, for a plain list)."""
    return articles.skipped if isinstance(articles, Cleaned) else NOTHING_SKIPPED
