"""An article's description (standfirst, dek, summary): kept only when it adds words of its own.

The body leaves the standfirst out (a page's description is metadata, not article text), so a
description the page or record states is kept beside it, to be searched and shown, when it is
not empty, states at least ``MIN_DESCRIPTION_WORDS`` words, is neither the title nor the
publisher's name, and is not already in the body (compared by words, case and punctuation
ignored, a trailing ellipsis and the last, perhaps cut, word dropped). It is cut to
``MAX_DESCRIPTION_CHARS`` on a word boundary.
"""

from __future__ import annotations

import html
import re

from archive_search.cleaning.limits import cut_on_word
from archive_search.cleaning.metadata import word_count, word_key

__all__ = ["MAX_DESCRIPTION_CHARS", "MIN_DESCRIPTION_WORDS", "article_description"]

# A standfirst is a sentence or two; this bounds what a search hit carries and highlights.
MAX_DESCRIPTION_CHARS = 1_000
# Fewer words are a label ("Live updates", "World news"), not a summary.
MIN_DESCRIPTION_WORDS = 4

_TAG_RE = re.compile(r"<[a-zA-Z/!][^<>]*>")
_ELLIPSIS_RE = re.compile(r"\s*(?:\.{3}|…|\[\s*(?:\.{3}|…)\s*\])\s*$")


def _bounded(text: str) -> str:
    """``text`` cut to ``MAX_DESCRIPTION_CHARS`` on a word boundary, an ellipsis marking the cut."""
    return cut_on_word(text, MAX_DESCRIPTION_CHARS)


def article_description(value: object, *, title: str | None, source: str | None, body: str) -> str | None:
    """The description to keep for an article with this title, publisher and body, or ``None``."""
    if not isinstance(value, str):
        return None
    # Read no more than the bound needs, whatever a record holds (markup and entities count).
    text = value[: 8 * MAX_DESCRIPTION_CHARS]
    # Descriptions in JSON-LD and records often carry markup or entities escaped once more.
    text = " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())
    if word_count(text) < MIN_DESCRIPTION_WORDS:
        return None
    text = _bounded(text)
    whole = _ELLIPSIS_RE.sub("", text)
    words = word_key(whole)
    if not words or words in (word_key(title or ""), word_key(source or "")):
        return None
    # A description cut short (with or without an ellipsis) may end in part of a word.
    words = words.rpartition(" ")[0] or words
    if f" {words} " in f" {word_key(body)} ":
        return None
    return text
