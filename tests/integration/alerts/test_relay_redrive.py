"""``archive-search redrive-relay`` against real queues (moto server): the relay's dead letters go
back to the relay's queue, unchanged, and leave the DLQ; a message that is not a webhook match
stays."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from archive_search import cli
from tests.events import load_event

pytestmark = pytest.mark.integration


@pytest.fixture
def relay_queues(aws) -> tuple[Any, str, str]:  # type: ignore[no-untyped-def]
    sqs = boto3.client("sqs")
    name = f"relay-{uuid.uuid4().hex[:10]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    return sqs, dlq, sqs.create_queue(QueueName=name)["QueueUrl"]


def _waiting(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def _bodies(sqs: Any, url: str) -> set[str]:
    bodies: set[str] = set()
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies |= {m["Body"] for m in messages}
    return bodies


def _match(n: int) -> str:
    event = load_event("alert_matched_webhook")
    event["detail"]["event_id"] = f"{n:032x}"
    return json.dumps(event)


def test_every_dead_letter_goes_back_to_the_relay_queue_unchanged_and_leaves_the_dlq(relay_queues, capsys):
    sqs, dlq, queue = relay_queues
    bodies = {_match(n) for n in range(12)}  # more than one receive's worth
    for body in bodies:
        sqs.send_message(QueueUrl=dlq, MessageBody=body)

    code = cli.main(["redrive-relay", "--dlq-url", dlq, "--queue-url", queue])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 12}
    assert _waiting(sqs, dlq) == 0
    assert _bodies(sqs, queue) == bodies


def test_a_stray_message_stops_the_replay_and_stays_in_the_dlq(relay_queues, capsys):
    sqs, dlq, queue = relay_queues
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(load_event("s3_object_created_put")))

    code = cli.main(["redrive-relay", "--dlq-url", dlq, "--queue-url", queue])

    assert code == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "invalid_parameter"
    assert _waiting(sqs, queue) == 0
    assert _waiting(sqs, dlq) == 1
