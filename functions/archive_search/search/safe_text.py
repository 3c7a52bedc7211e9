"""Text that is safe to put in a web page, by construction.

Every string that leaves the API and came from an article is HTML-escaped here (``&``,
``<``, ``>``, quotes), so markup in an upload (``<script>``) can only ever come back as text.
Highlights are requested from the engine with private-use sentinel characters instead of
tags; the text between sentinels is escaped piece by piece and only then are the API's own
``<mark>`` tags put around the matches. Nothing the engine or the article says is trusted to
be markup.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
_SENTINELS = {ord(MARK_OPEN): None, ord(MARK_CLOSE): None}


def _plain(text: str) -> str:
    # Control characters (other than newlines and tabs) and the sentinels are dropped.
    return "".join(
        c for c in text.translate(_SENTINELS) if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs")
    )


def escape(text: str | None) -> str | None:
    """Article text -> HTML-escaped text (None stays None)."""
    if text is None:
        return None
    return html.escape(_plain(text), quote=True)


def escape_tree(value: Any) -> Any:
    """Every string inside a JSON-like value escaped (for responses of routes that do not
    shape their own strings, such as the included ingest status route)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: escape_tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [escape_tree(item) for item in value]
    return value


def safe_url(url: str | None) -> str | None:
    """Only http(s) links survive (a ``javascript:`` URL is dangerous even when escaped)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return escape(url.strip()) if scheme in ("http", "https") else None


@dataclass(frozen=True)
class Snippet:
    html: str  # escaped text with <mark>…</mark> around matches
    text: str  # the same text without marks (escaped like every string)
    matches: list[list[int]]  # [start, end) offsets of the matches in ``text``


def snippet(fragment: str) -> Snippet:
    """An engine fragment with sentinel marks -> a safe HTML snippet and plain text + offsets.

    Unbalanced sentinels (an article containing one) can only misplace a mark: every piece
    of text is escaped and every opened <mark> is closed.
    """
    html_parts: list[str] = []
    text_parts: list[str] = []
    matches: list[list[int]] = []
    length = 0
    open_at: int | None = None
    for index, piece in enumerate(fragment.replace(MARK_CLOSE, MARK_OPEN + MARK_CLOSE).split(MARK_OPEN)):
        closing = piece.startswith(MARK_CLOSE)
        if index > 0 and not closing and open_at is None:
            html_parts.append("<mark>")
            open_at = length
        elif closing and open_at is not None:
            html_parts.append("</mark>")
            if length > open_at:
                matches.append([open_at, length])
            open_at = None
        escaped = escape(piece.lstrip(MARK_CLOSE)) or ""
        html_parts.append(escaped)
        text_parts.append(escaped)
        length += len(escaped)
    if open_at is not None:
        html_parts.append("</mark>")
        if length > open_at:
            matches.append([open_at, length])
    return Snippet("".join(html_parts), "".join(text_parts), matches)
