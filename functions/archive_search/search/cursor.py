"""Opaque pagination cursors.

A cursor holds where the previous page ended (the engine's ``search_after`` sort values,
always ending in where the document came from: bucket, key, ordinal; so the order is total
and stable while documents are added or removed), the fingerprints of the near-duplicate groups already shown (so a
collapsed group never comes back on a later page), and a digest of the request it belongs
to: a cursor replayed with another query, filter or sort is refused rather than silently
returning the wrong page. It is URL-safe base64 of compressed JSON; clients must treat it
as opaque.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from archive_search.errors import InvalidRequest

VERSION = 1
MAX_CURSOR_CHARS = 4096
# Groups remembered across pages; a group shown more than this many groups ago may
# reappear once (documented), which keeps the cursor small enough for a URL.
MAX_SEEN_GROUPS = 200
SEEN_PREFIX_CHARS = 10


@dataclass(frozen=True)
class Cursor:
    after: list[Any]
    request_digest: str
    seen: tuple[str, ...] = field(default_factory=tuple)

    def has_seen(self, fingerprint: str) -> bool:
        return fingerprint[:SEEN_PREFIX_CHARS] in self.seen


def request_digest(parts: dict[str, Any]) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()


def encode(after: list[Any], digest: str, seen: list[str]) -> str:
    short = list(dict.fromkeys(fp[:SEEN_PREFIX_CHARS] for fp in seen))[-MAX_SEEN_GROUPS:]
    payload = json.dumps({"v": VERSION, "a": after, "d": digest, "s": short}, separators=(",", ":"))
    return base64.urlsafe_b64encode(zlib.compress(payload.encode(), 9)).decode().rstrip("=")


def decode(token: str, digest: str) -> Cursor:
    invalid = InvalidRequest(
        "cursor is not valid: pass the next_cursor value of the previous response unchanged", "cursor"
    )
    if len(token) > MAX_CURSOR_CHARS:
        raise invalid
    try:
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), 65536)
        if not decompressor.eof:  # truncated, or larger than any cursor this API makes
            raise invalid
        data = json.loads(raw)
    except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise invalid
    after, seen, cursor_digest = data.get("a"), data.get("s"), data.get("d")
    if (
        not isinstance(after, list)
        or not after
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in after)
        or not isinstance(seen, list)
        or not all(isinstance(s, str) for s in seen)
        or not isinstance(cursor_digest, str)
    ):
        raise invalid
    if cursor_digest != digest:
        raise InvalidRequest(
            "cursor belongs to a different query, filter, sort or collapse setting: "
            "repeat the request the cursor came from with only cursor added",
            "cursor",
        )
    return Cursor(after=after, request_digest=cursor_digest, seen=tuple(seen))
