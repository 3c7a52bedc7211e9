"""The relay Lambda's handler on an SQS event: it signs with its secret, hides a failed match in
its own queue until the next attempt and answers with the batch's item failures."""

from __future__ import annotations

import importlib
import json

import pytest

from archive_local.lambda_events import LambdaContext, sqs_event
from archive_search.alerts import relay
from archive_search.alerts.relay import Delivery, DeliveryFailed
from archive_search.alerts.relay_queue import RETRY_DELAYS_SECONDS
from tests.events import load_event

pytestmark = pytest.mark.unit

QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/archive-RelayQueue-1A2B"


@pytest.fixture
def handler_module(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WEBHOOK_SECRET_ID", "archive-search-webhooks")
    monkeypatch.setenv("RELAY_QUEUE_URL", QUEUE_URL)
    module = importlib.reload(importlib.import_module("archive_search.handlers.relay"))
    monkeypatch.setattr(module, "secret_bytes", lambda secret_id: b"secret of " + secret_id.encode())
    return module


def test_a_failed_match_is_hidden_in_the_relays_queue_and_reported(handler_module, monkeypatch) -> None:
    hidden: list[tuple[str, str, int]] = []
    secrets: list[bytes] = []
    monkeypatch.setattr(handler_module, "change_visibility", lambda *args: hidden.append(args))

    def deliver(event: dict, secret: bytes, **kwargs: object) -> Delivery:
        secrets.append(secret)
        if event["detail"]["event_id"] == "1" * 32:
            raise DeliveryFailed("hooks.example answered 503")
        return Delivery(True, "delivered", 204)

    monkeypatch.setattr(relay, "deliver", deliver)
    messages = []
    for n in (1, 2):
        event = load_event("alert_matched_webhook")
        event["detail"]["event_id"] = str(n) * 32
        messages.append({"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": json.dumps(event)})

    answer = handler_module.handler(sqs_event(messages, "arn:aws:sqs:eu-west-1:1:q"), LambdaContext("relay"))

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert hidden == [(QUEUE_URL, "r1", RETRY_DELAYS_SECONDS[0])]
    assert secrets == [b"secret of archive-search-webhooks"] * 2
