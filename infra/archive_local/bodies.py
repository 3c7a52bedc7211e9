"""Request bodies read by the local fronts, bounded before they are held in memory.

Both fronts (``s3_front``, ``http_front``) read a body whole before handing it on. A
body is read only up to a stated bound: ``Content-Length`` is checked before reading,
and a ``Transfer-Encoding: chunked`` body as its chunk sizes arrive. A body that ends
before its stated length (the client went away, or the front cut it off while
stopping) is an error, never a shorter body.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any, BinaryIO


class BodyError(Exception):
    """The body cannot be read; ``too_large`` tells a body over the bound from a broken one."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def content_length(raw: str | None, max_bytes: int) -> int:
    """The length a ``Content-Length`` header states (0 when absent)."""
    text = (raw or "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise BodyError(f"Content-Length must be a non-negative integer, not {text[:40]!r}")
    length = int(text)
    if length > max_bytes:
        raise BodyError(f"request body over {max_bytes} bytes", too_large=True)
    return length


def read_exactly(rfile: BinaryIO, size: int) -> bytes:
    data = rfile.read(size) if size else b""
    if len(data) < size:
        raise BodyError("the request body ended before its stated length")
    return data


def read_chunked(rfile: BinaryIO, max_bytes: int) -> bytes:
    """A ``Transfer-Encoding: chunked`` body (trailers skipped), refused as soon as its
    chunk sizes add up to more than ``max_bytes``."""
    chunks, total = [], 0
    while True:
        line = rfile.readline(1024)
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            raise BodyError("malformed chunked request body") from None
        if size < 0:
            raise BodyError("malformed chunked request body")
        if size == 0:
            while rfile.readline(8192).strip():
                pass  # trailers
            return b"".join(chunks)
        total += size
        if total > max_bytes:
            raise BodyError(f"request body over {max_bytes} bytes", too_large=True)
        chunks.append(read_exactly(rfile, size))
        if rfile.readline(8).strip():
            raise BodyError("malformed chunked request body")


def is_chunked(transfer_encoding: str | None) -> bool:
    return "chunked" in (transfer_encoding or "").lower()


class FrontServer(ThreadingHTTPServer):
    """Both fronts' server: a client that went away before its answer (a closed browser
    tab, an SDK interrupted by Ctrl-C) is the client's business, not a traceback in the
    stack's output; any other error is still printed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)
