"""The worker against a real queue (moto server): failures are redelivered and, after
the redrive limit, land in the DLQ; successes are deleted. As in AWS."""

from __future__ import annotations

import time
from typing import Any

import pytest

from archive_local.aws import Archive, clients, queue_depth
from archive_local.worker import IngestWorker, object_keys

pytestmark = pytest.mark.integration


def drain(worker: IngestWorker, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.poll_once()


def dlq_keys(sqs: Any, archive: Archive) -> list[str]:
    response = sqs.receive_message(QueueUrl=archive.dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    return [key for message in response.get("Messages", []) for key in object_keys(message)]


def test_a_message_that_keeps_failing_ends_in_the_dlq(archive: Archive) -> None:
    s3, sqs = clients(None)
    calls: list[int] = []

    def failing(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    worker = IngestWorker(sqs, archive.queue_url, archive.queue_arn, failing, wait_seconds=1)
    s3.put_object(Bucket=archive.bucket, Key="inbox/broken file.txt", Body=b"x")

    drain(worker, 9)  # 3 receives, 2 s visibility timeout each

    assert "inbox/broken file.txt" in dlq_keys(sqs, archive)
    assert queue_depth(sqs, archive.queue_url) == 0
    assert len(calls) >= 3


def test_a_message_that_succeeds_is_deleted_and_never_redelivered(archive: Archive) -> None:
    s3, sqs = clients(None)
    seen: list[str] = []

    def succeeding(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.extend(r["messageId"] for r in event["Records"])
        return {"batchItemFailures": []}

    worker = IngestWorker(sqs, archive.queue_url, archive.queue_arn, succeeding, wait_seconds=1)
    s3.put_object(Bucket=archive.bucket, Key="inbox/fine.txt", Body=b"x")

    drain(worker, 4)  # longer than the visibility timeout: a kept message would come back

    assert len(seen) == len(set(seen))
    assert queue_depth(sqs, archive.queue_url) == 0
    assert dlq_keys(sqs, archive) == []
