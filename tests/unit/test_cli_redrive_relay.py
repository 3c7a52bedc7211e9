"""``archive-search redrive-relay``: the relay's dead letters invoked on the relay again, each
deleted only once Lambda accepted it; anything else in the queue is left there, named."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from archive_search import cli
from archive_search.adapters import lambdas, sqs
from tests.events import load_event

pytestmark = pytest.mark.unit

DLQ = "https://sqs.eu-west-1.amazonaws.com/123456789012/archive-RelayDeadLetterQueue-1X2Y3Z"
RELAY = "archive-RelayFunction-4A5B6C"
ARGS = ["redrive-relay", "--dlq-url", DLQ, "--function", RELAY]


def _client(service: str):  # type: ignore[no-untyped-def]
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    queue, functions = _client("sqs"), _client("lambda")
    monkeypatch.setattr(sqs, "cached_sqs_client", lambda: queue)
    monkeypatch.setattr(lambdas, "cached_lambda_client", lambda: functions)
    with Stubber(queue) as queue_stub, Stubber(functions) as lambda_stub:
        yield queue_stub, lambda_stub
        queue_stub.assert_no_pending_responses()
        lambda_stub.assert_no_pending_responses()


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


def _invoked(stub: Stubber, message: dict) -> None:
    stub.add_response(
        "invoke",
        {"StatusCode": 202},
        {"FunctionName": RELAY, "InvocationType": "Event", "Payload": message["Body"].encode()},
    )


def _deleted(stub: Stubber, messages: list[dict]) -> None:
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    stub.add_response(
        "delete_message_batch",
        {"Successful": [{"Id": e["Id"]} for e in entries], "Failed": []},
        {"QueueUrl": DLQ, "Entries": entries},
    )


def test_each_dead_letter_is_invoked_on_the_relay_unchanged_then_deleted(stubbed, capsys):
    queue, functions = stubbed
    letters = [_dead_letter(1), _dead_letter(2)]
    _receive(queue, letters)
    for letter in letters:
        _invoked(functions, letter)
    _deleted(queue, letters)
    _receive(queue, [])

    code = cli.main(ARGS)

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 2}


def test_replay_stops_at_the_limit(stubbed, capsys):
    queue, functions = stubbed
    letter = _dead_letter(1)
    _receive(queue, [letter])
    _invoked(functions, letter)
    _deleted(queue, [letter])

    code = cli.main([*ARGS, "--limit", "1"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"replayed": 1}


def test_a_message_that_is_not_a_webhook_match_stays_in_the_dlq_and_is_named(stubbed, capsys):
    # An ingest DLQ named by mistake: its S3 notifications must not be fed to the relay and lost.
    queue, functions = stubbed
    good, stray = _dead_letter(1), _dead_letter(2, body=json.dumps(load_event("s3_object_created_put")))
    _receive(queue, [good, stray])
    _invoked(functions, good)
    _deleted(queue, [good])

    code = cli.main(ARGS)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "invalid_parameter"
    assert "m2" in error["message"] and "Alert Matched" in error["message"]


def test_a_relay_that_does_not_exist_is_an_error_naming_it_and_deletes_nothing(stubbed, capsys):
    queue, functions = stubbed
    _receive(queue, [_dead_letter(1)])
    functions.add_client_error("invoke", service_error_code="ResourceNotFoundException", http_status_code=404)

    code = cli.main(ARGS)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "not_found" and RELAY in error["message"]


def test_a_refused_invocation_keeps_that_message_and_the_rest_and_deletes_those_accepted(stubbed, capsys):
    queue, functions = stubbed
    letters = [_dead_letter(1), _dead_letter(2), _dead_letter(3)]
    _receive(queue, letters)
    _invoked(functions, letters[0])
    functions.add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)
    _deleted(queue, letters[:1])

    code = cli.main(ARGS)

    assert code == 1
    assert "TooManyRequestsException" in json.loads(capsys.readouterr().err)["error"]["message"]


@pytest.mark.parametrize("missing", ["--dlq-url", "--function"])
def test_replay_without_the_queue_or_the_function_is_refused_before_any_call(
    stubbed, capsys, monkeypatch, missing
):
    monkeypatch.delenv("RELAY_DLQ_URL", raising=False)
    monkeypatch.delenv("RELAY_FUNCTION_NAME", raising=False)
    args = [a for i, a in enumerate(ARGS) if missing not in (a, ARGS[i - 1])]

    code = cli.main(args)

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "invalid_parameter" and "RELAY_" in error["message"]
