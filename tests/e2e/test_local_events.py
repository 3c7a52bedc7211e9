"""End to end: the stack as ``make run`` starts it publishes every final outcome to its bus;
the rule delivers it to the subscriber queue, the stack logs one line per event and POSTs it
to LOCAL_WEBHOOK_URL."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest

from tests.e2e.test_local_stack import BUCKET, LocalStack, doc_id, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

SUBSCRIBER_QUEUE = "archive-search-events-subscriber"
STORY = (
    "Lifeboat crew honoured\n\nThe lifeboat crew of Port Ellery was honoured on Friday for a night rescue.\n"
)


class Webhook:
    """A local HTTP server that records the events POSTed to it, and each request's headers and
    raw body (what a signature is checked against)."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        raw: list[tuple[dict[str, str], bytes]] = []

        class Hook(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                raw.append((dict(self.headers), body))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.received = received
        self.raw = raw
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[LocalStack]:
    root = tmp_path_factory.mktemp("events-stack")
    local = LocalStack(root)
    local.env.update(LOAD_SAMPLES="false", LOCAL_WEBHOOK_URL=webhook.url)
    local.start()
    try:
        yield local
    finally:
        if local.process and local.process.poll() is None:
            local.stop()
        print(local.log())
        shutil.rmtree(root, ignore_errors=True)


class Subscriber:
    def __init__(self, stack: LocalStack) -> None:
        self.sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name="us-east-1")
        self.url = self.sqs.get_queue_url(QueueName=SUBSCRIBER_QUEUE)["QueueUrl"]
        self.events: list[dict[str, Any]] = []

    def of(self, key: str) -> list[dict[str, Any]]:
        for message in self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            self.events.append(json.loads(message["Body"]))
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return [e for e in self.events if e["detail"]["key"] == key]


def test_upload_reject_and_delete_each_reach_the_queue_the_log_and_the_webhook(
    stack: LocalStack, webhook: Webhook
) -> None:
    s3, subscriber = stack.s3(), Subscriber(stack)

    s3.put_object(Bucket=BUCKET, Key="e2e/lifeboat.txt", Body=STORY.encode())
    s3.put_object(Bucket=BUCKET, Key="e2e/blank.txt", Body=b"  \n")
    (indexed,) = eventually(lambda: subscriber.of("e2e/lifeboat.txt"), 60)
    (rejected,) = eventually(lambda: subscriber.of("e2e/blank.txt"), 30)
    assert indexed["detail-type"] == "Article Indexed"
    assert indexed["detail"]["article_ids"] == [doc_id("e2e/lifeboat.txt")]
    assert indexed["detail"]["articles"][0]["title"] == "Lifeboat crew honoured"
    assert (rejected["detail-type"], rejected["detail"]["reason"]) == ("Upload Rejected", "empty")

    s3.delete_object(Bucket=BUCKET, Key="e2e/lifeboat.txt")
    eventually(lambda: len(subscriber.of("e2e/lifeboat.txt")) == 2, 30)
    deleted = subscriber.of("e2e/lifeboat.txt")[1]
    assert deleted["detail-type"] == "Article Deleted"
    assert deleted["detail"]["retracted_ids"] == [doc_id("e2e/lifeboat.txt")]

    posted = eventually(lambda: len(webhook.received) >= 3 and webhook.received, 30)
    assert sorted(e["detail-type"] for e in posted) == [
        "Article Deleted",
        "Article Indexed",
        "Upload Rejected",
    ]
    assert sorted(e["detail"]["event_id"] for e in posted) == sorted(
        e["detail"]["event_id"] for e in subscriber.events
    )
    logged = [line for line in stack.lines if " events event " in line]
    assert len(logged) == 3
    assert any("Upload Rejected s3://archive/e2e/blank.txt reason=empty" in line for line in logged)
