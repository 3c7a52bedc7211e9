"""``archive-search redrive-relay`` against a real queue (moto server): the relay's dead letters
are invoked on the relay and leave the queue; a message that is not a webhook match stays."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from archive_search import cli
from archive_search.adapters import lambdas
from tests.events import load_event

pytestmark = pytest.mark.integration

RELAY = "archive-RelayFunction-4A5B6C"


class RecordingLambda:
    """Accepts every asynchronous invocation, as Lambda does, and keeps what it was given."""

    def __init__(self) -> None:
        self.invoked: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.invoked.append(kwargs)
        return {"StatusCode": 202}


@pytest.fixture
def relay(monkeypatch: pytest.MonkeyPatch) -> RecordingLambda:
    recording = RecordingLambda()
    monkeypatch.setattr(lambdas, "cached_lambda_client", lambda: recording)
    return recording


@pytest.fixture
def relay_dlq(aws) -> tuple[Any, str]:  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    return sqs, sqs.create_queue(QueueName=f"relay-dlq-{uuid.uuid4().hex[:10]}")["QueueUrl"]


def _waiting(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def _match(n: int) -> str:
    event = load_event("alert_matched_webhook")
    event["detail"]["event_id"] = f"{n:032x}"
    return json.dumps(event)


def test_every_dead_letter_is_invoked_on_the_relay_unchanged_and_leaves_the_queue(relay, relay_dlq, capsys):
    sqs, url = relay_dlq
    bodies = {_match(n) for n in range(12)}  # more than one receive's worth
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)

    code = cli.main(["redrive-relay", "--dlq-url", url, "--function", RELAY])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 12}
    assert {call["Payload"].decode() for call in relay.invoked} == bodies
    assert {(call["FunctionName"], call["InvocationType"]) for call in relay.invoked} == {(RELAY, "Event")}
    assert _waiting(sqs, url) == 0


def test_a_stray_message_stops_the_replay_and_stays_in_the_queue(relay, relay_dlq, capsys):
    sqs, url = relay_dlq
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(load_event("s3_object_created_put")))

    code = cli.main(["redrive-relay", "--dlq-url", url, "--function", RELAY])

    assert code == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "invalid_parameter"
    assert relay.invoked == []
    assert _waiting(sqs, url) == 1
