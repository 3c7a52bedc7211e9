"""/health runs a real read with a short limit: an engine that answers ``HEAD /`` but hangs or
fails on searches is a 503, and the ingest backlog comes from the ingest queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from archive_search.settings import Settings
from tests.integration.search.support import SearchApi

pytestmark = pytest.mark.reliability


class SearchesBroken:
    """An engine whose root answers (so ``HEAD /`` pings succeed) while every other request
    hangs (``mode="hang"``, until the stub is closed) or fails with a 500 (``mode="fail"``)."""

    def __init__(self, mode: str) -> None:
        released = self.released = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.split("?")[0] != "/":
                    if mode == "hang":
                        released.wait(30)
                        return
                    return self._reply(500, b'{"error":"boom"}')
                self._reply(200, b'{"version":{"number":"2.17.0","distribution":"opensearch"}}')

            def _reply(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(params=["hang", "fail"])
def broken_engine(request: pytest.FixtureRequest) -> Iterator[SearchesBroken]:
    stub = SearchesBroken(request.param)
    yield stub
    stub.close()


def test_an_engine_that_pings_but_cannot_search_is_a_503_within_the_probe_limit(
    broken_engine: SearchesBroken,
) -> None:
    api = SearchApi(Settings.from_env({"OPENSEARCH_URL": broken_engine.url, "INDEX_ALIAS": "articles"}))
    assert api.engine.ping()  # what /health used to check
    began = time.monotonic()
    response = api.get("/health")
    elapsed = time.monotonic() - began
    assert response.status == 503, response.text
    assert response.json["status"] == "degraded"
    assert response.json["engine"]["status"] == "unavailable"
    assert response.headers["Retry-After"].isdigit()
    assert elapsed < 5  # the 1 s probe, not the 10 s search timeout or the hang


def test_health_reports_the_ingest_backlog(settings: Settings, archive) -> None:  # type: ignore[no-untyped-def]
    api = SearchApi(settings)
    api.create_index()
    try:
        sqs = boto3.client("sqs")
        for n in range(3):
            sqs.send_message(QueueUrl=archive.queue_url, MessageBody=f'{{"n": {n}}}')
        sqs.receive_message(QueueUrl=archive.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=60)
        api.env = {**api.env, "INGEST_QUEUE_URL": archive.queue_url}
        response = api.get("/health")
        assert response.status == 200, response.text
        ingest = response.json["ingest"]
        assert ingest["status"] == "ok" and ingest["in_flight"] == 1
        # SQS counts the 2 visible messages; moto counts the received one as well.
        assert ingest["queued"] in (2, 3)

        api.env = {**api.env, "INGEST_QUEUE_URL": archive.queue_url + "-missing"}
        unreadable = api.get("/health")
        assert unreadable.status == 200  # search still works: the backlog is only unknown
        assert unreadable.json["ingest"] == {"status": "unavailable"}
    finally:
        api.drop()
