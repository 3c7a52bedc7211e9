"""``archive-search redrive-relay``: the relay's dead letters sent back to the relay's queue, each
deleted from the DLQ only once the queue took it; anything else in the DLQ is left there, named."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from archive_search import cli
from archive_search.adapters import sqs
from tests.events import load_event

pytestmark = pytest.mark.unit

DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/archive-RelayDeadLetterQueue-1X2Y3Z"
QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/archive-RelayQueue-4A5B6C"
ARGS = ["redrive-relay", "--dlq-url", DLQ, "--queue-url", QUEUE]


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    client = boto3.client("sqs", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(sqs, "cached_sqs_client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _dead_letter(n: int, body: str | None = None) -> dict:
    event = load_event("alert_matched_webhook")
    event["detail"]["event_id"] = f"{n:032x}"
    return {"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": body or json.dumps(event)}


def _receive(stub: Stubber, messages: list[dict]) -> None:
    stub.add_response(
        "receive_message",
        {"Messages": messages} if messages else {},
        {"QueueUrl": DLQ, "MaxNumberOfMessages": ANY, "WaitTimeSeconds": ANY, "MessageAttributeNames": ANY},
    )


def _sent(stub: Stubber, messages: list[dict], refused: int = 0) -> None:
    entries = [{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)]
    ok = entries[: len(entries) - refused]
    failed = [{"Id": e["Id"], "SenderFault": False, "Code": "InternalError"} for e in entries[len(ok) :]]
    stub.add_response(
        "send_message_batch",
        {
            "Successful": [{"Id": e["Id"], "MessageId": "x", "MD5OfMessageBody": "x"} for e in ok],
            "Failed": failed,
        },
        {"QueueUrl": QUEUE, "Entries": entries},
    )


def _deleted(stub: Stubber, messages: list[dict]) -> None:
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    stub.add_response(
        "delete_message_batch",
        {"Successful": [{"Id": e["Id"]} for e in entries], "Failed": []},
        {"QueueUrl": DLQ, "Entries": entries},
    )


def test_each_dead_letter_is_sent_back_to_the_relay_queue_unchanged_then_deleted(stub, capsys):
    letters = [_dead_letter(1), _dead_letter(2)]
    _receive(stub, letters)
    _sent(stub, letters)
    _deleted(stub, letters)
    _receive(stub, [])

    code = cli.main(ARGS)

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 2}


def test_replay_stops_at_the_limit(stub, capsys):
    letter = _dead_letter(1)
    _receive(stub, [letter])
    _sent(stub, [letter])
    _deleted(stub, [letter])

    code = cli.main([*ARGS, "--limit", "1"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 1}


def test_a_message_that_is_not_a_webhook_match_stays_in_the_dlq_and_is_named(stub, capsys):
    # An ingest DLQ named by mistake: its S3 notifications must not be fed to the relay and lost.
    good, stray = _dead_letter(1), _dead_letter(2, body=json.dumps(load_event("s3_object_created_put")))
    _receive(stub, [good, stray, _dead_letter(3)])
    _sent(stub, [good])
    _deleted(stub, [good])

    code = cli.main(ARGS)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "invalid_parameter"
    assert "m2" in error["message"] and "Alert Matched" in error["message"]


def test_a_message_the_queue_refused_stays_in_the_dlq_and_those_it_took_are_deleted(stub, capsys):
    letters = [_dead_letter(1), _dead_letter(2)]
    _receive(stub, letters)
    _sent(stub, letters, refused=1)
    _deleted(stub, letters[:1])

    code = cli.main(ARGS)

    assert code == 1
    assert "refused 1 message" in json.loads(capsys.readouterr().err)["error"]["message"]


def test_a_relay_queue_that_does_not_exist_is_an_error_naming_it_and_deletes_nothing(stub, capsys):
    _receive(stub, [_dead_letter(1)])
    stub.add_client_error("send_message_batch", service_error_code="QueueDoesNotExist", http_status_code=400)

    code = cli.main(ARGS)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "not_found" and QUEUE in error["message"]


@pytest.mark.parametrize("missing", ["--dlq-url", "--queue-url"])
def test_replay_without_either_queue_is_refused_before_any_call(stub, capsys, monkeypatch, missing):
    monkeypatch.delenv("RELAY_DLQ_URL", raising=False)
    monkeypatch.delenv("RELAY_QUEUE_URL", raising=False)
    args = [a for i, a in enumerate(ARGS) if missing not in (a, ARGS[i - 1])]

    code = cli.main(args)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "invalid_parameter" and "RELAY_" in error["message"]


def test_replay_into_the_dlq_itself_is_refused_before_any_call(stub, capsys):
    code = cli.main(["redrive-relay", "--dlq-url", DLQ, "--queue-url", DLQ + "/"])

    assert code == 1
    assert "same queue" in json.loads(capsys.readouterr().err)["error"]["message"]
