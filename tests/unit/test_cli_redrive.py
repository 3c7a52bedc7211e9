"""``archive-search redrive`` with queues SQS does not know: a clear error, no stack trace."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from archive_search import cli
from archive_search.adapters import sqs

pytestmark = pytest.mark.unit

DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/nope-dlq"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/archive-ingest"


@pytest.fixture
def stubbed_sqs(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    client = boto3.client("sqs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(sqs, "cached_sqs_client", lambda: client)
    with Stubber(client) as stubber:
        yield stubber


def test_redrive_from_a_queue_that_does_not_exist_is_an_error_naming_it(stubbed_sqs, capsys):
    stubbed_sqs.add_client_error(
        "receive_message",
        service_error_code="AWS.SimpleQueueService.NonExistentQueue",
        service_message="The specified queue does not exist.",
        http_status_code=400,
    )

    code = cli.main(["redrive", "--dlq-url", DLQ, "--queue-url", QUEUE])

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "not_found"
    assert DLQ in error["message"]


def test_redrive_that_sqs_refuses_is_an_error_naming_the_sqs_code(stubbed_sqs, capsys):
    stubbed_sqs.add_client_error(
        "receive_message", service_error_code="AccessDenied", service_message="no", http_status_code=403
    )

    code = cli.main(["redrive", "--dlq-url", DLQ, "--queue-url", QUEUE])

    assert code == 1
    assert "AccessDenied" in json.loads(capsys.readouterr().err)["error"]["message"]


@pytest.mark.parametrize("same", [QUEUE, QUEUE + "/", QUEUE.replace("https://sqs.us-east-1.", "https://")])
def test_redrive_into_the_queue_it_reads_is_refused_before_any_call(stubbed_sqs, capsys, same):
    # Each message sent back would be received again at once: the redrive would never end.
    code = cli.main(["redrive", "--dlq-url", QUEUE, "--queue-url", same])

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "invalid_parameter" and "same queue" in error["message"]


def test_a_message_the_queue_refuses_stays_in_the_dlq_and_is_an_error_not_a_stack_trace(stubbed_sqs, capsys):
    stubbed_sqs.add_response(
        "receive_message", {"Messages": [{"MessageId": "m1", "ReceiptHandle": "r1", "Body": "{}"}]}
    )
    stubbed_sqs.add_response(
        "send_message_batch",
        {"Successful": [], "Failed": [{"Id": "0", "SenderFault": False, "Code": "InternalError"}]},
    )

    code = cli.main(["redrive", "--dlq-url", DLQ, "--queue-url", QUEUE])

    assert code == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "search_unavailable" and "refused 1 message" in error["message"]
    stubbed_sqs.assert_no_pending_responses()  # nothing deleted from the DLQ
