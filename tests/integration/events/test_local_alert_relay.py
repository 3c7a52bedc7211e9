"""The local stack's alert webhook relay (archive_local.events.AlertRelay) on the moto server:
the RelayRule routes webhook alerts' matches, and only those, to the relay queue, and each
reaches its own alert's webhook_url signed with that alert's secret (derived from the local
one), as the relay Lambda sends it;
a failed one waits in the queue (ChangeMessageVisibility), reaches the DLQ by the queue's redrive
policy after the last attempt, and ``redrive-relay`` sends it back."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from archive_local.events import AlertRelay, provision_events
from archive_search import cli
from archive_search.adapters.events import EventPublisher
from archive_search.alerts.events import NewArticle, build_alert_event
from archive_search.alerts.relay import EVENT_ID_HEADER, SIGNATURE_HEADER
from archive_search.alerts.relay_queue import MAX_ATTEMPTS
from archive_search.alerts.signing import webhook_secret
from archive_search.model import Article, ObjectRef

pytestmark = pytest.mark.integration

SECRET = b"relay-test-secret"


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    """A local HTTP server recording each POST's path, headers and raw body; it answers the
    status queued in ``answers`` (204 when none is)."""
    received: list[dict] = []
    answers: list[int] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(answers.pop(0) if answers else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received, answers
    server.shutdown()
    server.server_close()


def _match(alert_id: str, target: str, webhook_url: str | None):  # type: ignore[no-untyped-def]
    article = NewArticle(
        "doc1", 0, Article("Ferry strike", "b"), ObjectRef("archive", "inbox/f.txt"), "c" * 64
    )
    alert = {"name": alert_id, "target": target, "webhook_url": webhook_url, "webhook_generation": 0}
    return build_alert_event(alert_id, alert, article)


def _publish_and_relay(sqs, *events, delay_scale: float = 1.0) -> AlertRelay:  # type: ignore[no-untyped-def]
    """A fresh bus with the local rules, the events published on it, and its relay."""
    local = provision_events(boto3.client("events"), sqs, f"bus-{uuid.uuid4().hex[:10]}")
    assert EventPublisher(local.bus_name, boto3.client("events")).publish(list(events)).published == len(
        events
    )
    assert local.relay_dlq_url == local.relay_queue_url + "-dlq"
    return AlertRelay(sqs, local.relay_queue_url, SECRET, delay_scale=delay_scale, wait_seconds=0)


def test_each_webhook_alert_match_reaches_its_own_url_signed(aws, receiver) -> None:
    base, received, _ = receiver
    sqs = boto3.client("sqs")
    relay = _publish_and_relay(
        sqs,
        _match("hook-a", "webhook", f"{base}/a"),
        _match("hook-b", "webhook", f"{base}/b?x=1"),
        _match("plain-event", "event", None),
    )
    assert relay.poll_once() == 2  # the event-target match is not the relay's
    assert sorted(r["path"] for r in received) == ["/a", "/b?x=1"]
    for request in received:
        headers, body = request["headers"], request["body"]
        assert headers["Content-Type"] == "application/json"
        timestamp, v1 = (part.split("=", 1)[1] for part in headers[SIGNATURE_HEADER].split(","))
        event = json.loads(body)
        alert_secret = webhook_secret(SECRET, event["detail"]["alert_id"], 0).encode()
        expected = hmac.new(alert_secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(v1, expected)
        assert event["detail-type"] == "Alert Matched" and event["detail"]["target"] == "webhook"
        assert headers[EVENT_ID_HEADER] == event["detail"]["event_id"]
    assert relay.poll_once() == 0  # delivered and done


def _waiting(sqs, url: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return {"visible": int(attributes[names[0]]), "hidden": int(attributes[names[1]])}


def test_a_failed_match_is_hidden_for_the_first_step_of_the_schedule(aws, receiver) -> None:
    base, received, answers = receiver
    answers.append(503)
    sqs = boto3.client("sqs")
    relay = _publish_and_relay(sqs, _match("hook-a", "webhook", f"{base}/a"))

    assert relay.poll_once() == 1 and len(received) == 1
    assert relay.poll_once() == 0  # not visible again before its next attempt
    assert _waiting(sqs, relay.queue_url) == {"visible": 0, "hidden": 1}


def test_a_match_failing_every_attempt_reaches_the_dlq_and_redrive_relay_brings_it_back(
    aws, receiver, capsys
) -> None:
    base, received, answers = receiver
    answers.extend([503] * MAX_ATTEMPTS)
    sqs = boto3.client("sqs")
    relay = _publish_and_relay(sqs, _match("hook-a", "webhook", f"{base}/a"), delay_scale=0)
    dlq = relay.queue_url + "-dlq"

    for _ in range(MAX_ATTEMPTS):
        assert relay.poll_once() == 1
    assert relay.poll_once() == 0  # the receive after the last attempt moved it to the DLQ
    assert len(received) == MAX_ATTEMPTS
    assert _waiting(sqs, dlq) == {"visible": 1, "hidden": 0}

    assert cli.main(["redrive-relay", "--dlq-url", dlq, "--queue-url", relay.queue_url]) == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 1}
    assert relay.poll_once() == 1  # the receiver is back: 204
    assert len({r["body"] for r in received}) == 1 and len(received) == MAX_ATTEMPTS + 1
    assert _waiting(sqs, relay.queue_url) == _waiting(sqs, dlq) == {"visible": 0, "hidden": 0}
