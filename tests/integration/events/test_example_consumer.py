"""docs/events_consumer.py, run as a reader would run it, against events on the moto server:
copies and stale events are skipped, rejections and retractions applied."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import boto3
import pytest

from archive_local.events import provision_events
from archive_search.adapters.events import EventPublisher
from archive_search.alerts.events import NewArticle, build_alert_event
from archive_search.ingest.outcomes import Outcome, build_event
from archive_search.model import Article, ObjectRef, document_id
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def outcome(key: str, kind: str, version: int, title: str | None = None, **receipt):  # type: ignore[no-untyped-def]
    ref = ObjectRef("archive", key)
    ids = [document_id(ref)] if title else []
    articles = [Article(title=title, body="never sent")] if title else []
    fields = {"bucket": "archive", "key": key, "outcome": kind, "event_version": version, "document_ids": ids}
    return build_event(Outcome({**fields, **receipt}, None, articles))


def test_the_example_consumer_applies_each_change_once_and_in_order(aws, moto_endpoint):
    sqs = boto3.client("sqs")
    local = provision_events(boto3.client("events"), sqs, f"bus-{uuid.uuid4().hex[:10]}")
    indexed = outcome("inbox/a.txt", "indexed", 2, "Harbour reopens")
    ref = ObjectRef("archive", "inbox/a.txt")
    # An alert's match reaches the same subscriber queue (the rule takes every archive-search event).
    matched = build_alert_event(
        "0f5e8c1d2b3a49c7a6e5d4c3b2a19f80",
        {"name": "Harbour news", "target": "event"},
        NewArticle(document_id(ref), 0, Article(title="Harbour reopens", body="never sent"), ref, "ab" * 32),
    )
    EventPublisher(local.bus_name, boto3.client("events")).publish(
        [
            indexed,
            indexed,  # a copy, as at-least-once delivery may bring
            outcome("inbox/a.txt", "indexed", 1, "An older version"),
            matched,
            outcome("inbox/b.txt", "rejected", 3, reason="empty", message="the file is empty"),
        ]
    )

    env = {**os.environ, "AWS_ENDPOINT_URL": moto_endpoint, "AWS_REGION": "us-east-1"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "events_consumer.py"), local.queue_url, "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "Article Indexed s3://archive/inbox/a.txt: Harbour reopens -> 1 live article(s)",
        "skipped Article Indexed s3://archive/inbox/a.txt: a copy",
        "skipped Article Indexed s3://archive/inbox/a.txt: older than the last one applied",
        "Alert Matched: Harbour news, s3://archive/inbox/a.txt: Harbour reopens",
        "Upload Rejected s3://archive/inbox/b.txt (empty: the file is empty) -> 1 live article(s)",
    ]
