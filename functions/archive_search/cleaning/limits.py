"""The bounds cleaning puts on one upload, in one place (docs/limits.md gives the reasons and
the measured cost): the package's entry point, the JSON and the HTML extractors read them."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from archive_search.errors import RejectedInput
from archive_search.model import MAX_BODY_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS, Article

# The bytes one upload may hold, by format, are in archive_search.upload_formats.

# Records of one JSON upload (each becomes one article).
MAX_ARTICLES_PER_FILE = 1_000
# Levels of envelope objects searched for a JSON upload's records ({"response": {"results":
# [...]}} is two): exports wrap their records in one to three.
MAX_ENVELOPE_DEPTH = 4
# Non-blank lines of one JSON Lines upload: a record each, or a record after its _bulk action
# line; checked before any line is parsed.
MAX_JSON_LINES = 2 * MAX_ARTICLES_PER_FILE

# A news record nests a few levels (record, author, image); json.loads recurses once per level
# and raises RecursionError near Python's recursion limit.
MAX_JSON_DEPTH = 64
# A JSON string (escapes included) and the brackets: what nesting is counted over.
_JSON_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(128) if chr(b) not in "[]{}")
_DEPTH_STEP = np.zeros(256, dtype=np.int8)
_DEPTH_STEP[list(b"[{")] = 1
_DEPTH_STEP[list(b"]}")] = -1


def nesting_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON ``text`` opens more than ``limit`` arrays/objects at once, checked before
    ``json.loads``: strings are removed, then the depth after each bracket is summed up (in C,
    linear). Brackets that never close count too: ``json.loads`` recurses into each before it
    finds the text truncated."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _JSON_STRING_RE.sub("", text)
    brackets = brackets.encode("ascii", "ignore").translate(None, _NOT_BRACKETS)
    depth = np.cumsum(_DEPTH_STEP[np.frombuffer(brackets, dtype=np.uint8)], dtype=np.int32)
    return bool(depth.size) and int(depth.max()) > limit


def _unreadable_as_null(digits: str) -> int | None:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits()
        return None


def loads_numbers_lenient(text: str, object_pairs_hook: Callable[..., Any] | None = None) -> Any:
    """``json.loads``, with an integer too long for Python to read (over 4,300 digits) read as
    ``null``: one odd number in a field nobody reads must not make the whole text invalid. The
    slower reading is taken only when the fast one meets such a number."""
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except ValueError as err:
        if isinstance(err, json.JSONDecodeError):
            raise
    # The decoder raises a plain ValueError only for such an integer.
    return json.loads(text, parse_int=_unreadable_as_null, object_pairs_hook=object_pairs_hook)


def loads_bounded(text: str) -> Any:
    """``json.loads`` for untrusted text: ``ValueError`` for nesting deeper than ``MAX_JSON_DEPTH``
    (which ``json.loads`` meets as a RecursionError) as for any other invalid JSON."""
    if nesting_exceeds(text):
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    return loads_numbers_lenient(text)


def check_body(body: str, where: str) -> None:
    """``RejectedInput("body_too_long")`` for a body over ``MAX_BODY_CHARS``."""
    if len(body) > MAX_BODY_CHARS:
        raise RejectedInput(
            "body_too_long",
            f"{where}: the article body has {len(body):,} characters, over {MAX_BODY_CHARS:,} characters, "
            "the most one article may have; a file of several articles is uploaded as one file each",
        )


def cut_on_word(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters on a word boundary, an ellipsis marking the cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:-–—") + "…"


def within_field_bounds(article: Article) -> Article:
    """``article`` with its title cut to ``MAX_TITLE_CHARS`` and a url over ``MAX_URL_CHARS``
    dropped: whatever an upload states, its document stays one OpenSearch accepts."""
    title = cut_on_word(article.title, MAX_TITLE_CHARS)
    url = article.url if article.url is None or len(article.url) <= MAX_URL_CHARS else None
    if title is article.title and url is article.url:
        return article
    return dataclasses.replace(article, title=title, url=url)
