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

from archive_local.events import EventLog, provision_events
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
