"""Opaque, authenticated pagination cursors.

A cursor holds where the previous page ended (the engine's ``search_after`` sort values,
always ending in where the document came from: bucket, key, ordinal; so the order is total
and stable while documents are added or removed), the fingerprints of the near-duplicate
groups already shown (so a collapsed group never comes back on a later page), how many
groups came before where it ends (so a collapsed page can be read by position in one request,
see ``paging.page_at``), and a digest of the request it belongs to: a cursor replayed with another query, filter or sort is
refused rather than silently returning the wrong page.

The token is ``<payload>.<tag>``: URL-safe base64 of compressed JSON, and an HMAC-SHA256 of
the payload under the service's cursor key (``CURSOR_SECRET``). The tag is checked before
anything in the payload is read, so a forged or altered cursor is refused unread, and the
contents are still bounded (scalar sort values within 64-bit/finite ranges, a bounded list
of short group prefixes) so even a cursor made with a leaked key asks for nothing a legal
request could not. Cursors of an earlier format or another key answer 400 "expired or
invalid cursor". Clients must treat cursors as opaque.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any

from archive_search.errors import InvalidRequest
from archive_search.index_schema import ARTICLE_SETTINGS

VERSION = 2
MAX_CURSOR_CHARS = 4096
# Groups remembered across pages; a group shown more than this many groups ago may
# reappear once (documented), which keeps the cursor small enough for a URL.
MAX_SEEN_GROUPS = 200
SEEN_PREFIX_CHARS = 10
# A sort value is a score, a date as epoch milliseconds, or a bucket/key (S3 keys are at
# most 1,024 bytes) or an ordinal: nothing longer or larger is ever in a legal cursor.
MAX_SORT_VALUES = 8
MAX_SORT_STRING_CHARS = 1024
_INT64 = 2**63
MAX_ORIGIN_MS = 253_402_300_800_000  # 10000-01-01T00:00:00Z
# A position read with from/size stays inside the engine's result window; a cursor that has
# listed more groups than this never carries a position.
MAX_SHOWN: int = ARTICLE_SETTINGS["index"]["max_result_window"]
# 128 bits of the HMAC-SHA256 tag: unforgeable, and 22 characters instead of 43 in the URL.
TAG_BYTES = 16
_DOMAIN = b"archive-search cursor v2\n"


def invalid_cursor() -> InvalidRequest:
    return InvalidRequest(
        "expired or invalid cursor: pass the next_cursor value of the previous response unchanged",
        "cursor",
    )


@dataclass(frozen=True)
class Cursor:
    after: list[Any]
    request_digest: str
    seen: tuple[str, ...] = field(default_factory=tuple)
    # Collapsed groups listed up to and including the cursor's hit; None when not collapsing
    # or when the positions stopped lining up with the cursor (see paging.page_at).
    shown: int | None = None
    # sort=recent: the instant (epoch ms) the first page's recency boost decayed from, which
    # later pages keep so that scores, and so the order, do not move under the cursor.
    origin: int | None = None

    def has_seen(self, fingerprint: str) -> bool:
        return fingerprint[:SEEN_PREFIX_CHARS] in self.seen


def request_digest(parts: dict[str, Any]) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()[:TAG_BYTES]


def encode(
    after: list[Any],
    digest: str,
    seen: list[str],
    *,
    key: bytes,
    shown: int | None = None,
    origin: int | None = None,
) -> str:
    short = list(dict.fromkeys(fp[:SEEN_PREFIX_CHARS] for fp in seen))[-MAX_SEEN_GROUPS:]
    fields: dict[str, Any] = {"v": VERSION, "a": after, "d": digest, "s": short}
    if shown is not None and 0 < shown <= MAX_SHOWN:
        fields["g"] = shown
    if origin is not None:
        fields["o"] = origin
    data = json.dumps(fields, separators=(",", ":"))
    payload = zlib.compress(data.encode(), 9)
    return f"{_b64(payload)}.{_b64(_tag(key, payload))}"


def decode(token: str, digest: str, *, key: bytes) -> Cursor:
    if len(token) > MAX_CURSOR_CHARS or token.count(".") != 1:
        raise invalid_cursor()
    encoded_payload, encoded_tag = token.split(".")
    try:
        payload, tag = _unb64(encoded_payload), _unb64(encoded_tag)
    except (ValueError, binascii.Error):
        raise invalid_cursor() from None
    if not hmac.compare_digest(tag, _tag(key, payload)):
        raise invalid_cursor()
    try:
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(payload, 65536)
        if not decompressor.eof:  # truncated, or larger than any cursor this API makes
            raise invalid_cursor()
        data = json.loads(raw)
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError):
        raise invalid_cursor() from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise invalid_cursor()
    after, seen, cursor_digest, shown = data.get("a"), data.get("s"), data.get("d"), data.get("g")
    origin = data.get("o")
    if not _valid_after(after) or not _valid_seen(seen) or not isinstance(cursor_digest, str):
        raise invalid_cursor()
    if shown is not None and not _valid_shown(shown):
        raise invalid_cursor()
    if origin is not None and not _valid_origin(origin):
        raise invalid_cursor()
    if not hmac.compare_digest(cursor_digest, digest):
        raise InvalidRequest(
            "cursor belongs to a different query, filter, sort or collapse setting: "
            "repeat the request the cursor came from with only cursor added",
            "cursor",
        )
    return Cursor(after=after, request_digest=cursor_digest, seen=tuple(seen), shown=shown, origin=origin)


def _valid_sort_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and len(value) <= MAX_SORT_STRING_CHARS


def _valid_after(after: Any) -> bool:
    return (
        isinstance(after, list)
        and 0 < len(after) <= MAX_SORT_VALUES
        and all(_valid_sort_value(value) for value in after)
    )


def _valid_shown(shown: Any) -> bool:
    return isinstance(shown, int) and not isinstance(shown, bool) and 0 < shown <= MAX_SHOWN


def _valid_origin(origin: Any) -> bool:
    # An instant from 1970 to 9999 (the engine's dates), in epoch milliseconds.
    return isinstance(origin, int) and not isinstance(origin, bool) and 0 <= origin < MAX_ORIGIN_MS


def _valid_seen(seen: Any) -> bool:
    return (
        isinstance(seen, list)
        and len(seen) <= MAX_SEEN_GROUPS
        and all(isinstance(s, str) and len(s) <= SEEN_PREFIX_CHARS for s in seen)
    )
