"""Response text: plain everywhere, HTML only in the fields named ``*_html``.

A JSON API carries text as text: a title, body, metadata value, facet value or error message
comes back with the characters the article (or the request) had, ``<script>`` included, and
the client escapes it for whatever it renders into. Control characters (other than newlines
and tabs) and the private-use highlight sentinels are dropped from every string.

Only ``title_html``, ``description_html`` and ``snippet.html`` are HTML: highlights are
requested from the engine with private-use sentinel characters instead of tags; the text
between sentinels is escaped piece by piece and only then are the API's own ``<mark>`` tags
put around the matches, so nothing the engine or the article says is ever taken for markup.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
_SENTINELS = {ord(MARK_OPEN): None, ord(MARK_CLOSE): None}


def _without_controls(text: str) -> str:
    # Control characters (other than newlines and tabs), lone surrogates and the sentinels.
    return "".join(
        c for c in text.translate(_SENTINELS) if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs")
    )


def plain(text: str | None) -> str | None:
    """Article or request text -> the text a JSON response carries (None stays None)."""
    if text is None:
        return None
    return _without_controls(text)


def escape(text: str | None) -> str | None:
    """Text -> HTML-escaped text, for the ``*_html`` fields only (None stays None)."""
    if text is None:
        return None
    return html.escape(_without_controls(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links survive (a ``javascript:`` URL is dangerous in any page that links it)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return plain(url.strip()) if scheme in ("http", "https") else None


@dataclass(frozen=True)
class Snippet:
    html: str  # escaped text with <mark>…</mark> around matches
    text: str  # the same text, plain, without marks
    matches: list[list[int]]  # [start, end) offsets of the matches in ``text``


def marked_html(text: str, matches: list[list[int]]) -> str:
    """Plain text and ``[start, end)`` match offsets -> escaped HTML with ``<mark>`` around each."""
    parts: list[str] = []
    at = 0
    for start, end in matches:
        parts += [
            html.escape(text[at:start], quote=True),
            "<mark>",
            html.escape(text[start:end], quote=True),
            "</mark>",
        ]
        at = end
    parts.append(html.escape(text[at:], quote=True))
    return "".join(parts)


def snippet(fragment: str) -> Snippet:
    """An engine fragment with sentinel marks -> a safe HTML snippet and plain text + offsets.

    Unbalanced sentinels (an article containing one) can only misplace a mark: every piece
    of text is escaped in ``html`` and every opened <mark> is closed. Marks that touch are one
    (CJK text is matched a character or pair at a time, each marked by the engine).
    """
    fragment = fragment.replace(MARK_CLOSE + MARK_OPEN, "")
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
        text = _without_controls(piece.lstrip(MARK_CLOSE))
        html_parts.append(html.escape(text, quote=True))
        text_parts.append(text)
        length += len(text)
    if open_at is not None:
        html_parts.append("</mark>")
        if length > open_at:
            matches.append([open_at, length])
    return Snippet("".join(html_parts), "".join(text_parts), matches)
