"""An engine whose HTTP request cap is below MAX_BULK_BYTES answers 413 (which osmem never
does): the request is split until it fits, and a document that fits no request is refused
once, never retried."""

from __future__ import annotations

import gzip
import threading
import urllib.error
import urllib.request
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive_search.adapters.opensearch import SearchEngine, build_client

pytestmark = pytest.mark.reliability


class CappedEngine:
    """Forwards every request to ``upstream`` but answers 413 to a body over ``cap`` bytes."""

    def __init__(self, upstream: str, cap: int) -> None:
        self.refused: list[int] = []
        self.forwarded_bulks: list[int] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                plain = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
                if len(plain) > cap:
                    stub.refused.append(len(plain))
                    return self._reply(413, b'{"error":"request too large"}')
                if self.path.split("?")[0].endswith("/_bulk"):
                    stub.forwarded_bulks.append(len(plain))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                }
                request = urllib.request.Request(
                    upstream + self.path, data=body or None, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        self._reply(response.status, response.read())
                except urllib.error.HTTPError as error:
                    self._reply(error.code, error.read())

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CappedEngine:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def operations(sizes: list[int]) -> list[dict[str, object]]:
    ops: list[dict[str, object]] = []
    for i, size in enumerate(sizes):
        ops += [{"index": {"_id": f"doc-{i}"}}, {"title": f"Doc {i}", "body": "x" * size, "deleted": False}]
    return ops


def test_a_413_splits_the_request_and_a_document_no_request_can_carry_is_refused_once(settings):
    real = SearchEngine(build_client(settings), settings)
    real.ensure_index()
    with CappedEngine(settings.opensearch_url, cap=20_000) as capped:
        capped_settings = replace(settings, opensearch_url=capped.url)
        engine = SearchEngine(build_client(capped_settings), capped_settings)

        results = engine.bulk(operations([3_000] * 10 + [25_000]))

    statuses = [r["status"] for r in results]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 413 and results[10]["error"]["type"] == "document_too_large"
    assert capped.refused and max(capped.forwarded_bulks) <= 20_000
    real.refresh()
    assert real.client.count(index=settings.index_alias)["count"] == 10
