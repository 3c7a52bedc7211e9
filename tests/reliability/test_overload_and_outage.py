"""Overload (per-item 429s), refused documents, and an engine stopped mid-batch."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import boto3
import pytest
from osmem_server import OsmemServer

from archive_search.handlers.ingest import handler
from archive_search.ingest.batch import default_service
from archive_search.model import Article, ObjectRef, document_id
from tests.conftest import free_port
from tests.ingest_support import IngestRig, s3_notification, use_settings
from tests.reliability.stubs import Overloaded

pytestmark = pytest.mark.reliability

STORY = "Harbour reopens\n\nKARACHI: The harbour reopened after the storm, officials said.\n\nMore detail.\n"


def test_per_item_429s_are_retried_with_backoff_until_the_engine_accepts(ingest, monkeypatch):
    ingest.put("a.txt", STORY)
    with Overloaded(ingest.settings.opensearch_url, rejections=2) as stub:
        use_settings(monkeypatch, replace(ingest.settings, opensearch_url=stub.url))
        started = time.monotonic()
        response = ingest.invoke([s3_notification("a.txt", bucket=ingest.archive.bucket, sequencer="01")])
        elapsed = time.monotonic() - started

    assert response == {"batchItemFailures": []}
    assert stub.rejected_requests == 2 and stub.bulk_requests >= 3
    assert elapsed < 5
    assert ("a.txt", 0) in ingest.documents()
    assert ingest.receipt("a.txt")["outcome"] == "indexed"


def test_429s_that_never_stop_become_batch_item_failures_within_the_lambda_time(ingest, monkeypatch):
    ingest.put("a.txt", STORY)
    ingest.put("b.txt", STORY.replace("Harbour", "Airport"))
    bodies = [s3_notification(k, bucket=ingest.archive.bucket, sequencer="01") for k in ("a.txt", "b.txt")]
    with Overloaded(ingest.settings.opensearch_url, rejections=None) as stub:
        use_settings(monkeypatch, replace(ingest.settings, opensearch_url=stub.url))
        started = time.monotonic()
        response = ingest.invoke(bodies, timeout_seconds=5)
        elapsed = time.monotonic() - started

    assert len(response["batchItemFailures"]) == 2
    assert stub.bulk_requests > 2  # it did retry
    assert elapsed < 5  # and gave up before the Lambda timeout
    assert ingest.documents() == {}


def test_a_document_the_mapping_refuses_is_rejected_alone(ingest, monkeypatch):
    def two_good_one_bad(data: bytes, key: str, **_: object) -> list[Article]:
        good = Article(title="Good", body="A body.")
        return [good, replace(good, tags=({"not": "a keyword"},)), good]  # type: ignore[arg-type]

    monkeypatch.setattr(default_service(), "clean", two_good_one_bad)
    ingest.put("digest.txt", STORY)
    response = ingest.invoke([s3_notification("digest.txt", bucket=ingest.archive.bucket, sequencer="01")])

    assert response == {"batchItemFailures": []}
    assert sorted(ingest.documents()) == [("digest.txt", 0), ("digest.txt", 2)]
    receipt = ingest.receipt("digest.txt")
    ref = ObjectRef(ingest.archive.bucket, "digest.txt")
    assert receipt["document_ids"] == [document_id(ref, 0), document_id(ref, 2)]
    assert [f["ordinal"] for f in receipt["failed_documents"]] == [1]


class StopEngineAfterFirstRead:
    """The S3 store, except that the search engine dies right after the first object is read."""

    def __init__(self, store, server: OsmemServer) -> None:  # type: ignore[no-untyped-def]
        self.store, self.server = store, server

    def read(self, ref, *, max_bytes):  # type: ignore[no-untyped-def]
        stored = self.store.read(ref, max_bytes=max_bytes)
        self.server.close()
        return stored

    def list_keys(self, bucket, prefix=""):  # type: ignore[no-untyped-def]
        return self.store.list_keys(bucket, prefix)


@pytest.fixture
def own_engine():  # type: ignore[no-untyped-def]
    """An osmem-server of this test alone, on a fixed port so it can be restarted."""
    addr = f"127.0.0.1:{free_port()}"
    servers = [OsmemServer.start(japanese=False, addr=addr)]
    yield servers  # the test appends the restarted server
    for server in servers:
        server.close()


def test_engine_stopped_mid_batch_loses_nothing_and_the_archive_converges_to_the_bucket(
    archive, settings, monkeypatch, own_engine
):
    """osmem keeps nothing across a restart (a real cluster keeps its data), so the batch
    that fails touches every key of the bucket: convergence is then a complete check."""
    server = own_engine[0]
    rig = IngestRig(
        archive,
        use_settings(
            monkeypatch, replace(settings, opensearch_url=server.url, archive_bucket=archive.bucket)
        ),
        boto3.client("s3"),
        boto3.client("sqs"),
    )
    rig.put("a.txt", STORY)
    rig.put("b.txt", STORY.replace("Harbour", "Airport"))
    rig.drain()
    assert sorted(rig.documents()) == [("a.txt", 0), ("b.txt", 0)]

    rig.put("a.txt", STORY.replace("Harbour reopens", "Harbour reopens again"))
    rig.put("c.txt", STORY.replace("Harbour", "Railway"))
    rig.s3.delete_object(Bucket=archive.bucket, Key="b.txt")  # moto sends no event for a delete marker
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    rig.send(s3_notification("b.txt", bucket=archive.bucket, sequencer=None, removed=True, event_time=now))

    service = default_service()
    monkeypatch.setattr(service, "store", StopEngineAfterFirstRead(service.store, server))
    responses = []

    def recording_handler(event, context):  # type: ignore[no-untyped-def]
        responses.append(handler(event, context))
        return responses[-1]

    worker = rig.worker(handler_fn=recording_handler)
    received = 0
    while received < 3:
        received += worker.poll_once()
    assert server.process.poll() is not None  # the engine really is down
    assert sum(len(r["batchItemFailures"]) for r in responses) == 3  # every record comes back

    own_engine.append(OsmemServer.start(japanese=False, addr=server.url.split("//")[1]))
    monkeypatch.setattr(service, "store", service.store.store)
    rig.drain(quiet_rounds=4)

    assert {key for key, _ in rig.documents()} == rig.bucket_keys() == {"a.txt", "c.txt"}
    assert rig.documents()[("a.txt", 0)]["title"] == "Harbour reopens again"
    assert rig.receipt("b.txt")["outcome"] == "deleted"
