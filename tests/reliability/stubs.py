"""A tiny OpenSearch stand-in for overload: it answers bulk requests with per-item 429s
(which osmem never produces) a given number of times, and forwards everything else,
including later bulk requests, to a real engine."""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ACTIONS = {"index", "create", "update", "delete"}


class Overloaded:
    """``with Overloaded(upstream, rejections=2) as stub:`` then use ``stub.url``.
    ``rejections=None`` rejects every bulk request forever."""

    def __init__(self, upstream: str, rejections: int | None) -> None:
        self.upstream = upstream.rstrip("/")
        self.rejections = rejections
        self.bulk_requests = 0
        self.rejected_requests = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                body = self._body()
                if self.command == "POST" and self.path.split("?")[0].endswith("/_bulk"):
                    stub.bulk_requests += 1
                    if stub.rejections is None or stub.rejected_requests < stub.rejections:
                        stub.rejected_requests += 1
                        return self._reply(200, stub.rejection(body, self.headers.get("Content-Encoding")))
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

    def __enter__(self) -> Overloaded:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
