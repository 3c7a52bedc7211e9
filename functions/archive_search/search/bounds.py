"""Response size bounds: every response fits Lambda's 6 MB synchronous response payload.

Lambda refuses a response whose payload (the API Gateway envelope, with the body as one JSON
string inside it) exceeds 6 MB, and API Gateway then answers a bare 502. So:

- ``/articles/{id}`` returns its body in pages of at most ``model.MAX_BODY_CHARS`` characters
  (``body_offset``/``body_chars``; the response says ``body_truncated`` and
  ``next_body_offset``). A character costs at most 12 bytes in the envelope (an astral
  character escaped as two ``\\uXXXX`` by a runtime that escapes non-ASCII), so a page is at
  most 2.4 MB whatever the text.
- Each string of a search hit is cut to ``MAX_HIT_TEXT_CHARS`` characters and its tags to
  ``MAX_HIT_TAGS`` (the hit then says
  ``truncated: true``; ``/articles/{id}`` has the whole text).
- Whatever the route, the measured envelope size is checked last (``check_response_size``):
  a page that would still not fit is a 400 naming ``size`` instead of Lambda's 502.
"""

from __future__ import annotations

import json
from typing import Any

from archive_search.errors import InvalidRequest
from archive_search.search.safe_text import escape, marked_html

# Lambda's limit is 6 MB (6,291,456 bytes) for the whole payload; the headers and status
# of the envelope need a few hundred bytes of it.
MAX_RESPONSE_BYTES = 6_000_000
MAX_HIT_TEXT_CHARS = 1_000
MAX_HIT_TAGS = 30
_HIT_TEXT_FIELDS = ("title", "description", "source", "place", "author_org", "language", "url")
_HIT_LIST_FIELDS = ("tags", "authors")


def body_page(body: str, offset: int, chars: int) -> dict[str, Any]:
    """The ``[offset, offset + chars)`` characters of ``body`` and where the next page starts."""
    page = body[offset : offset + chars]
    end = offset + len(page)
    more = end < len(body)
    return {
        "body": page,
        "body_offset": offset,
        "body_total_chars": len(body),
        "body_truncated": more,
        "next_body_offset": end if more else None,
    }


def bounded_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """A search hit with every string cut to ``MAX_HIT_TEXT_CHARS`` and its tags to
    ``MAX_HIT_TAGS``; ``truncated`` says whether anything was cut."""
    cut = False
    for name in _HIT_TEXT_FIELDS:
        value = hit.get(name)
        if isinstance(value, str) and len(value) > MAX_HIT_TEXT_CHARS:
            hit[name] = value[:MAX_HIT_TEXT_CHARS]
            cut = True
    for name in _HIT_LIST_FIELDS:
        values = hit.get(name)
        if isinstance(values, list) and (
            len(values) > MAX_HIT_TAGS or any(len(value) > MAX_HIT_TEXT_CHARS for value in values)
        ):
            hit[name] = [value[:MAX_HIT_TEXT_CHARS] for value in values[:MAX_HIT_TAGS]]
            cut = True
    for name in ("title", "description"):
        marked = hit.get(f"{name}_html")
        # Escaping at most multiplies the length by 6 (&quot;); marks add a few characters each.
        if isinstance(marked, str) and len(marked) > 8 * MAX_HIT_TEXT_CHARS:
            # Highlighted text cannot be cut without breaking its markup: the cut text, escaped.
            hit[f"{name}_html"] = escape((hit.get(name) or "")[:MAX_HIT_TEXT_CHARS])
            cut = True
    snippet = hit.get("snippet")
    if isinstance(snippet, dict) and len(snippet.get("text", "")) > MAX_HIT_TEXT_CHARS:
        # The engine's fragments are short; one made of a single huge "word" is cut like a title.
        # Its html is made again from the cut text, so it marks the same matches.
        text = snippet["text"][:MAX_HIT_TEXT_CHARS]
        matches = [
            [s, min(e, MAX_HIT_TEXT_CHARS)] for s, e in snippet.get("matches", []) if s < MAX_HIT_TEXT_CHARS
        ]
        hit["snippet"] = {"html": marked_html(text, matches), "text": text, "matches": matches}
        cut = True
    if cut:
        hit["truncated"] = True
    return hit


def envelope_bytes(body: str) -> int:
    """Bytes ``body`` takes as the JSON string inside Lambda's response payload, counted the
    costly way (non-ASCII escaped), so the figure is an upper bound for every runtime."""
    return len(json.dumps(body))


def check_response_size(body: str) -> None:
    if envelope_bytes(body) > MAX_RESPONSE_BYTES:
        raise InvalidRequest(
            f"the response would exceed the {MAX_RESPONSE_BYTES:,}-byte limit of a response: "
            "ask for fewer hits (size) or fields",
            "size",
        )
