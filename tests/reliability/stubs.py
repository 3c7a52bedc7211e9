"""Tiny OpenSearch stand-ins for what osmem never does: each forwards requests to a real
engine and answers some itself (per-item 429s for overload; 413 for a request too large)."""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

_ACTIONS = {"index", "create", "update", "delete"}


class ForwardingEngine:
    """Forwards every request to the engine at ``upstream``, except those ``answer`` replies to.
    ``with Stub(...) as stub:`` then use ``stub.url``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path.split("?")[0]
                answer = stub.answer(self.command, path, body, self.headers.get("Content-Encoding"))
                if answer is not None:
                    return self._reply(*answer)
                self._forward(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def _forward(self, body: bytes) -> None:
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                request = urllib.request.Request(
                    stub.upstream + self.path, data=body or None, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        self._reply(response.status, response.read(), response.headers.get("Content-Type"))
                except urllib.error.HTTPError as error:
                    self._reply(error.code, error.read(), error.headers.get("Content-Type"))

            def _reply(self, status: int, payload: bytes, content_type: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, command: str, path: str, body: bytes, encoding: str | None) -> tuple[int, bytes] | None:
        """The stub's own (status, JSON body) for this request, or None to forward it."""
        return None

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Overloaded(ForwardingEngine):
    """Answers bulk requests with per-item 429s ``rejections`` times (None: forever), then
    forwards them too."""

    def __init__(self, upstream: str, rejections: int | None) -> None:
        super().__init__(upstream)
        self.rejections = rejections
        self.bulk_requests = 0
        self.rejected_requests = 0

    def answer(self, command: str, path: str, body: bytes, encoding: str | None) -> tuple[int, bytes] | None:
        if command == "POST" and path.endswith("/_bulk"):
            self.bulk_requests += 1
            if self.rejections is None or self.rejected_requests < self.rejections:
                self.rejected_requests += 1
                return 200, self.rejection(body, encoding)
        return None

    @staticmethod
    def rejection(body: bytes, encoding: str | None) -> bytes:
        if encoding == "gzip":
            body = gzip.decompress(body)
        items = []
        lines = iter(line for line in body.splitlines() if line.strip())
        for line in lines:
            action, meta = next(iter(json.loads(line).items()))
            if action in _ACTIONS - {"delete"}:
                next(lines)
            items.append(
                {
                    action: {
                        "_index": meta.get("_index"),
                        "_id": meta.get("_id"),
                        "status": 429,
                        "error": {"type": "es_rejected_execution_exception", "reason": "rejected execution"},
                    }
                }
            )
        return json.dumps({"took": 1, "errors": True, "items": items}).encode()
