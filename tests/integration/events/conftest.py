"""An ingest rig whose handler publishes to its own bus on the moto server, with the rule to
an SQS queue the tests read (``archive_local.events``, as ``make run`` provisions it)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pytest

from archive_local.deletes import DeleteMarkerWatcher
from archive_local.events import LocalEvents, provision_events
from archive_search.adapters.events import cached_events_client
from tests.ingest_support import IngestRig, reset_caches, use_settings


@dataclass
class EventsRig:
    ingest: IngestRig
    bus: LocalEvents

    def delete(self, key: str) -> None:
        """Delete ``key`` (a delete marker) and notify ingest as the local stack does."""
        archive = self.ingest.archive
        self.ingest.s3.delete_object(Bucket=archive.bucket, Key=key)
        DeleteMarkerWatcher(self.ingest.s3, self.ingest.sqs, archive.bucket, archive.queue_url).poll()

    def received(self) -> list[dict[str, Any]]:
        """Every event the rule delivered to the subscriber queue since the last call."""
        sqs, events = self.ingest.sqs, []
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.bus.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return events
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.bus.queue_url, ReceiptHandle=message["ReceiptHandle"])


def make_rig(archive: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, bus_name: str) -> EventsRig:
    bus = provision_events(boto3.client("events"), boto3.client("sqs"), f"bus-{uuid.uuid4().hex[:10]}")
    configured = use_settings(
        monkeypatch,
        replace(settings, archive_bucket=archive.bucket),
        EVENT_BUS_NAME=bus_name or bus.bus_name,
    )
    cached_events_client.cache_clear()
    return EventsRig(IngestRig(archive, configured, boto3.client("s3"), boto3.client("sqs")), bus)


@pytest.fixture
def events_rig(archive, settings, monkeypatch) -> Iterator[EventsRig]:  # type: ignore[no-untyped-def]
    yield make_rig(archive, settings, monkeypatch, "")
    reset_caches()
    cached_events_client.cache_clear()
