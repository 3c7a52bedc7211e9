"""A web page saved as one MHTML file (a browser's "Webpage, single file": ``.mhtml``/``.mht``):
a MIME message whose HTML part is the page, quoted-printable or base64, and whose other
parts are its images and styles. The cleaner reads the HTML part; read as text, the MIME
headers and encoded lines would be indexed as the article."""

from __future__ import annotations

import email
import email.policy
import re

__all__ = ["html_part", "is_mhtml"]

_MULTIPART_RE = re.compile(rb"^content-type:\s*multipart/related", re.IGNORECASE | re.MULTILINE)
_MIME_VERSION_RE = re.compile(rb"^mime-version:", re.IGNORECASE | re.MULTILINE)
_HEADER_END_RE = re.compile(rb"\r?\n\r?\n")


def is_mhtml(data: bytes) -> bool:
    """Whether ``data`` opens with the headers of a MIME message of related parts (what every
    browser writes, whatever the file is named)."""
    head = data[:8192]
    # Both header names, in any case (as the patterns read them), or no MIME message: told
    # apart at once from a page or a text, where the search for the headers' end scans it all.
    lowered = head.lower()
    if b"mime-version:" not in lowered or b"multipart/related" not in lowered:
        return False
    end = _HEADER_END_RE.search(head)
    headers = head[: end.start()] if end else head
    return bool(_MIME_VERSION_RE.search(headers) and _MULTIPART_RE.search(headers))


def html_part(data: bytes) -> tuple[bytes, str | None] | None:
    """The first ``text/html`` part's bytes (transfer encoding undone) and the charset it
    declares, or ``None`` when the message holds none."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html" and not part.is_multipart():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, part.get_content_charset()
    return None
