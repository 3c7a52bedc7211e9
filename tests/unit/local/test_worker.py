"""The worker deletes exactly the messages Lambda's SQS event source would delete."""

from __future__ import annotations

from typing import Any

import pytest

from archive_local.worker import IngestWorker, messages_to_delete

pytestmark = pytest.mark.unit

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:archive-ingest"


def received(*ids: str) -> list[dict[str, Any]]:
    """Messages as SQS ReceiveMessage returns them."""
    return [
        {
            "MessageId": message_id,
            "ReceiptHandle": f"handle-{message_id}",
            "MD5OfBody": "0" * 32,
            "Body": '{"Records": []}',
            "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
        }
        for message_id in ids
    ]


class FakeSqs:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.deleted.extend(entry["ReceiptHandle"] for entry in Entries)
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


def ids(messages: list[Any]) -> list[str]:
    return [m["MessageId"] for m in messages]


def test_an_empty_failure_list_means_every_message_succeeded() -> None:
    batch = received("a", "b")
    assert ids(messages_to_delete(batch, {"batchItemFailures": []})) == ["a", "b"]


def test_no_response_means_every_message_succeeded() -> None:
    batch = received("a", "b")
    assert ids(messages_to_delete(batch, None)) == ["a", "b"]
    assert ids(messages_to_delete(batch, {})) == ["a", "b"]


def test_only_messages_not_reported_as_failed_are_deleted() -> None:
    batch = received("a", "b", "c")
    result = {"batchItemFailures": [{"itemIdentifier": "b"}]}
    assert ids(messages_to_delete(batch, result)) == ["a", "c"]


def test_a_handler_exception_fails_the_whole_batch() -> None:
    assert messages_to_delete(received("a", "b"), RuntimeError("engine down")) == []


@pytest.mark.parametrize(
    "result",
    [
        {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{}]},
        {"batchItemFailures": "a"},
        "ok",
    ],
)
def test_a_malformed_response_fails_the_whole_batch(result: Any) -> None:
    assert messages_to_delete(received("a", "b"), result) == []


def test_process_hands_the_handler_a_lambda_sqs_event_and_deletes_the_successes() -> None:
    sqs = FakeSqs()
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        assert context.get_remaining_time_in_millis() > 0
        return {"batchItemFailures": [{"itemIdentifier": "a"}]}

    worker = IngestWorker(sqs, "http://queue", QUEUE_ARN, handler)
    worker.process(received("a", "b"))

    record = seen[0]["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == QUEUE_ARN
    assert record["messageId"] == "a"
    assert sqs.deleted == ["handle-b"]


def test_the_handler_sees_each_body_as_stamped_and_the_stamped_message_is_deleted() -> None:
    import hashlib

    sqs = FakeSqs()
    seen: list[dict[str, Any]] = []
    worker = IngestWorker(
        sqs,
        "http://queue",
        QUEUE_ARN,
        lambda event, context: seen.append(event),
        stamp=lambda body: body.replace("[]", '[{"stamped": true}]'),
    )
    worker.process(received("a"))

    record = seen[0]["Records"][0]
    assert record["body"] == '{"Records": [{"stamped": true}]}'
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()  # of what is handed over
    assert sqs.deleted == ["handle-a"]


def test_process_deletes_nothing_when_the_handler_raises() -> None:
    sqs = FakeSqs()

    def handler(event: dict[str, Any], context: Any) -> Any:
        raise ConnectionError("search engine unreachable")

    IngestWorker(sqs, "http://queue", QUEUE_ARN, handler).process(received("a", "b"))
    assert sqs.deleted == []


def test_a_failure_on_the_last_receive_is_logged_as_going_to_the_dlq(
    caplog: pytest.LogCaptureFixture,
) -> None:
    [message] = received("a")
    message["Attributes"]["ApproximateReceiveCount"] = "3"
    message["Body"] = '{"Records": [{"s3": {"object": {"key": "inbox%2Fbad+file.txt"}}}]}'

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": "a"}]}

    with caplog.at_level("WARNING", logger="worker"):
        IngestWorker(FakeSqs(), "http://queue", QUEUE_ARN, handler, max_receives=3).process([message])

    assert "inbox/bad file.txt" in caplog.text
    assert "DLQ" in caplog.text
