"""The local stack's events (archive_local.events) on the moto server: the rule delivers each
event to the subscriber queue and to the log queue, whose reader logs one line per event and
POSTs it to LOCAL_WEBHOOK_URL."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from archive_local.events import EventLog, post_json, provision_events
from archive_search.adapters.events import EventPublisher
from archive_search.ingest.outcomes import Outcome, build_event
from archive_search.model import ObjectRef, document_id

pytestmark = pytest.mark.integration


@pytest.fixture
def webhook():  # type: ignore[no-untyped-def]
    """A local HTTP server recording the bodies POSTed to it."""
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(
                {"type": self.headers["Content-Type"], "event": json.loads(self.rfile.read(length))}
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def indexed_event(bucket: str, key: str):  # type: ignore[no-untyped-def]
    ref = ObjectRef(bucket, key)
    receipt = {"bucket": bucket, "key": key, "outcome": "indexed", "document_ids": [document_id(ref)]}
    return build_event(Outcome(receipt))


def test_each_event_reaches_the_subscriber_queue_one_log_line_and_the_webhook(aws, webhook, caplog):
    url, posted = webhook
    sqs = boto3.client("sqs")
    local = provision_events(boto3.client("events"), sqs, f"bus-{uuid.uuid4().hex[:10]}")
    assert provision_events(boto3.client("events"), sqs, local.bus_name) == local  # idempotent

    report = EventPublisher(local.bus_name, boto3.client("events")).publish(
        [indexed_event("archive", "inbox/a.txt"), indexed_event("archive", "inbox/b.txt")]
    )
    assert report.published == 2

    subscriber = sqs.receive_message(QueueUrl=local.queue_url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["detail"]["key"] for m in subscriber) == [
        "inbox/a.txt",
        "inbox/b.txt",
    ]

    with caplog.at_level(logging.INFO, logger="events"):
        assert EventLog(sqs, local.log_queue_url, url).poll_once() == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "events"]
    assert sorted(lines) == [
        "event Article Indexed s3://archive/inbox/a.txt articles=1",
        "event Article Indexed s3://archive/inbox/b.txt articles=1",
    ]
    assert sorted(p["event"]["detail"]["key"] for p in posted) == ["inbox/a.txt", "inbox/b.txt"]
    assert {p["type"] for p in posted} == {"application/json"}
    assert {p["event"]["detail-type"] for p in posted} == {"Article Indexed"}
    # Delivered and done: nothing is left for the log reader.
    assert EventLog(sqs, local.log_queue_url, url, wait_seconds=0).poll_once() == 0


@pytest.fixture
def odd_webhook():  # type: ignore[no-untyped-def]
    """A receiver that redirects /moved to /hook, and answers /huge with an endless body."""
    seen: list[tuple[str, str, int]] = []  # method, path, body length

    class Hook(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append((self.command, self.path, len(self.rfile.read(length))))

        def do_POST(self) -> None:
            self._record()
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/hook")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/huge":
                self.send_response(200)
                self.end_headers()
                try:
                    while True:  # a receiver that never stops answering
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    pass
            else:
                self.send_response(204)
                self.end_headers()

        do_GET = _record

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_a_redirecting_webhook_is_a_failure_not_a_get_without_the_event(odd_webhook) -> None:
    # urllib follows a 302 to a POST with a GET and no body: the event would be lost and
    # counted as delivered. A redirect fails the call, so it is retried and then given up loudly.
    base, seen = odd_webhook
    with pytest.raises(OSError):
        post_json(f"{base}/moved", b'{"id": "e1"}')
    assert seen == [("POST", "/moved", len(b'{"id": "e1"}'))]


def test_a_webhook_answering_without_end_is_done_with_once_it_said_2xx(odd_webhook) -> None:
    # The status is the answer: the body is not read, so an endless one cannot hold the log.
    base, seen = odd_webhook
    done = threading.Event()
    threading.Thread(target=lambda: (post_json(f"{base}/huge", b"{}"), done.set()), daemon=True).start()
    assert done.wait(10)
    assert [(method, path) for method, path, _ in seen] == [("POST", "/huge")]
