"""Reading a batch: one GET per message (no HEAD), and each article's fingerprint worked out once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import archive_search.documents as documents
import archive_search.ingest.service as service_module
from archive_search.fingerprint import fingerprint
from archive_search.ingest.batch import default_service
from tests.ingest_support import s3_notification

pytestmark = pytest.mark.reliability

STORY = "Harbour reopens\n\nKARACHI: The harbour reopened after the storm, officials said.\n\nMore detail.\n"
KEYS = ("a.txt", "b.txt", "c.txt")


def test_each_message_costs_one_get_and_no_head(ingest, monkeypatch):
    for key in KEYS:
        ingest.put(key, STORY.replace("Harbour", f"Harbour {key}"))
    client = default_service().store.client
    calls: list[tuple[str, str]] = []
    for name in ("head_object", "get_object"):
        original = getattr(client, name)

        def recording(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls.append((_name, kwargs["Key"]))
            return _original(*args, **kwargs)

        monkeypatch.setattr(client, name, recording)

    response = ingest.invoke([s3_notification(k, bucket=ingest.archive.bucket, sequencer="01") for k in KEYS])

    assert response == {"batchItemFailures": []}
    uploads = [(name, key) for name, key in calls if key in KEYS]
    assert sorted(uploads) == [("get_object", key) for key in KEYS]
    assert {key for key, _ in ingest.documents()} == set(KEYS)


def test_each_article_s_fingerprint_is_worked_out_once(ingest, monkeypatch):
    counted: list[str] = []

    def counting(article: Any) -> str:
        counted.append(article.title)
        return fingerprint(article)

    monkeypatch.setattr(service_module, "fingerprint", counting)
    monkeypatch.setattr(documents, "fingerprint", counting)
    for key in KEYS:
        ingest.put(key, STORY.replace("Harbour", f"Harbour {key}"))

    response = ingest.invoke([s3_notification(k, bucket=ingest.archive.bucket, sequencer="01") for k in KEYS])

    assert response == {"batchItemFailures": []}
    assert sorted(counted) == sorted(f"Harbour {key} reopens" for key in KEYS)


def test_a_read_that_never_answers_fails_its_message_alone_before_the_invocation_ends(ingest, monkeypatch):
    # A stalled GET (botocore waits 60 s per attempt, 4 attempts) must not hold the batch past the
    # Lambda's timeout, which would fail every message of it and flush no metric.
    for key in KEYS:
        ingest.put(key, STORY.replace("Harbour", f"Harbour {key}"))
    client = default_service().store.client
    original = client.get_object
    released = threading.Event()

    def stalling(*args: Any, **kwargs: Any) -> Any:
        if kwargs["Key"] == "b.txt":
            released.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(client, "get_object", stalling)
    bodies = [s3_notification(k, bucket=ingest.archive.bucket, sequencer="01") for k in KEYS]
    outcome: dict[str, Any] = {}
    caller = threading.Thread(target=lambda: outcome.update(ingest.invoke(bodies, timeout_seconds=8)))
    caller.start()
    caller.join(30)  # the read stalls for 60 s; the invocation has 8
    returned = not caller.is_alive()
    released.set()
    caller.join()

    assert returned
    assert len(outcome["batchItemFailures"]) == 1
    assert {key for key, _ in ingest.documents()} == {"a.txt", "c.txt"}
    assert ingest.receipt("b.txt") is None
