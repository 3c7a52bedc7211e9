"""moto sends no notification for a delete marker; the stack sends the one AWS sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archive_local.deletes import DeleteMarkerWatcher, delete_marker_notification
from archive_local.sequencers import Sequencers
from archive_search.ingest.events import REMOVED, parse_message_body, sequencer_value
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
    body = delete_marker_notification(
        "archive", "inbox/a b+c.txt", when, "v-123", sequencer="00000000000000A1"
    )

    [event] = parse_message_body(body)

    assert event.action == REMOVED
    assert event.event_name == "ObjectRemoved:DeleteMarkerCreated"
    assert (event.ref.bucket, event.ref.key) == ("archive", "inbox/a b+c.txt")
    assert event.version_id == "v-123"
    assert event.event_time == "2024-05-01T12:30:15.250Z"
    assert (event.sequencer, event.version) == ("00000000000000A1", 0xA1)


def test_each_new_delete_marker_is_notified_once_with_the_deletes_sequencer(tmp_path: Path) -> None:
    s3, sqs = FakeS3(), FakeSqs()
    sequencers = Sequencers(tmp_path / "sequencer.json")
    watcher = DeleteMarkerWatcher(s3, sqs, "archive", "http://queue")
    s3.put_object(Bucket="archive", Key="short-lived.txt", Body=b"x")
    put = sequencers.assign("short-lived.txt", s3.objects[("archive", "short-lived.txt")]["ETag"])
    s3.delete_object(Bucket="archive", Key="short-lived.txt")
    deleted = sequencers.assign("short-lived.txt", None, s3.delete_markers[-1]["VersionId"])
    sequencers.assign("other.txt", None)  # another key's later write changes nothing here

    assert watcher.poll() == ["short-lived.txt"]
    assert watcher.poll() == []

    [event] = parse_message_body(sequencers.stamp(sqs.sent[0]))  # as the worker hands it over
    assert event.ref.key == "short-lived.txt"
    assert event.sequencer == deleted
    assert sequencer_value(deleted) > sequencer_value(put)  # never ordered before the PUT


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
