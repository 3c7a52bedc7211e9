"""moto sends no notification for a delete marker; the stack sends the one AWS sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from archive_local.deletes import DeleteMarkerWatcher, delete_marker_notification
from archive_search.ingest.events import REMOVED, parse_message_body, time_version
from tests.unit.local.fake_s3 import FakeS3

pytestmark = pytest.mark.unit


class FakeSqs:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict[str, Any]:
        self.sent.append(MessageBody)
        return {"MessageId": str(len(self.sent))}


def test_the_notification_is_an_object_removed_event_the_ingest_parser_reads() -> None:
    when = datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    body = delete_marker_notification("archive", "inbox/a b+c.txt", when, "v-123")

    [event] = parse_message_body(body)

    assert event.action == REMOVED
    assert event.event_name == "ObjectRemoved:DeleteMarkerCreated"
    assert (event.ref.bucket, event.ref.key) == ("archive", "inbox/a b+c.txt")
    assert event.version_id == "v-123"
    assert event.version == time_version("2024-05-01T12:30:15.250Z")


def test_each_new_delete_marker_is_notified_once() -> None:
    s3, sqs = FakeS3(), FakeSqs()
    watcher = DeleteMarkerWatcher(s3, sqs, "archive", "http://queue")
    s3.put_object(Bucket="archive", Key="short-lived.txt", Body=b"x")
    s3.delete_object(Bucket="archive", Key="short-lived.txt")
    before = datetime.now(UTC)

    assert watcher.poll() == ["short-lived.txt"]
    assert watcher.poll() == []

    [event] = parse_message_body(sqs.sent[0])
    assert event.ref.key == "short-lived.txt"
    assert event.version >= int(before.timestamp() * 1000)  # never ordered before the delete


def test_a_key_put_back_after_its_delete_is_not_notified() -> None:
    s3, sqs = FakeS3(), FakeSqs()
    watcher = DeleteMarkerWatcher(s3, sqs, "archive", "http://queue")
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"1")
    s3.delete_object(Bucket="archive", Key="a.txt")
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"2")

    assert watcher.poll() == []
    assert sqs.sent == []


def test_deleting_again_after_a_put_back_is_notified_again() -> None:
    s3, sqs = FakeS3(), FakeSqs()
    watcher = DeleteMarkerWatcher(s3, sqs, "archive", "http://queue")
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"1")
    s3.delete_object(Bucket="archive", Key="a.txt")
    watcher.poll()
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"2")
    s3.delete_object(Bucket="archive", Key="a.txt")

    assert watcher.poll() == ["a.txt"]
    assert [json.loads(body)["Records"][0]["s3"]["object"]["key"] for body in sqs.sent] == ["a.txt", "a.txt"]
