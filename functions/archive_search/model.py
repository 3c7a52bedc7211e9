"""The domain's data: what cleaning produces and what the index stores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

# The years a published date may have: outside them a date is a typo or a placeholder (0001-01-01,
# 9999-12-31), never kept. Cleaning drops such a date; the write API refuses it.
MIN_PUBLISHED_YEAR = 1800
MAX_PUBLISHED_YEAR = 2200

# A stated publisher or dateline place is a name: longer than this (whitespace collapsed, as NFC),
# without a letter, or a social-media handle (a source opening with "@"), it is a sentence, a
# number or a credit line, and is not kept. Cleaning drops such a value (metadata/sources.py,
# places.py, which trim the edge characters below first); the write API refuses it.
MAX_SOURCE_CHARS = 80
MAX_PLACE_CHARS = 60
SOURCE_EDGE_CHARS = " |·-–—:,"
PLACE_EDGE_CHARS = " :,-–—"

# An article body longer than this is not a news article (10x a long feature; docs/limits.md):
# ingest rejects it, the write API refuses it before storing anything, and /articles/{id}
# returns a body in pages of at most this many characters.
MAX_BODY_CHARS = 200_000

# A headline is a line: cleaning cuts a longer title on a word, the write API refuses it.
MAX_TITLE_CHARS = 1_000
# A link longer than this is dropped by cleaning and refused by the write API: OpenSearch refuses
# a keyword value over 32,766 bytes, which would fail the article's whole document.
MAX_URL_CHARS = 2_048


@dataclass(frozen=True)
class Article:
    """One cleaned article. ``body`` holds paragraphs separated by a blank line.

    Metadata that the input does not state is ``None``: never invented.
    """

    title: str
    body: str
    source: str | None = None
    published: date | None = None
    place: str | None = None
    authors: tuple[str, ...] = field(default_factory=tuple)  # persons, each name alone
    author_org: str | None = None  # an agency or organisation credited as author (AP, "Staff")
    language: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    # The standfirst / summary the input states beside the body, when it adds words the body
    # lacks (cleaning.description); never a copy of the title or of the body's start.
    description: str | None = None


@dataclass(frozen=True)
class ObjectRef:
    """Where an upload lives: the bucket is the source of truth."""

    bucket: str
    key: str


# What document_id makes: a 16-byte blake2b digest in lower-case hex.
DOCUMENT_ID_PATTERN = r"^[0-9a-f]{32}$"


def document_id(ref: ObjectRef, ordinal: int = 0) -> str:
    """Deterministic id of the ``ordinal``-th article of an object.

    The same bucket and key always give the same ids, so a repeated event can
    never create a second document.
    """
    digest = hashlib.blake2b(f"{ref.bucket}\x00{ref.key}\x00{ordinal}".encode(), digest_size=16)
    return digest.hexdigest()


def receipt_id(ref: ObjectRef) -> str:
    """Deterministic id of the ingest receipt of an object."""
    return hashlib.blake2b(f"{ref.bucket}\x00{ref.key}".encode(), digest_size=16).hexdigest()
