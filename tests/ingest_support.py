"""Helpers shared by the ingest integration and reliability tests.

``use_settings(monkeypatch, settings, **env)`` is THE way a test points the real ingest
handler at its own engine/alias/bucket: it sets the environment variables the Lambda
reads (OPENSEARCH_URL, INDEX_ALIAS, RECEIPTS_ALIAS, ARCHIVE_BUCKET, plus any extra
``NAME=value``) and clears every cached factory (settings, engine, S3 client, ingest
service) so the next call builds them from that environment, as a cold start would.
The ``ingest`` fixture uses it and hands the test an ``IngestRig``.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest

from archive_local.lambda_events import LambdaContext, sqs_event
from archive_local.worker import IngestWorker
from archive_search.adapters.opensearch import SearchEngine, build_client, cached_engine
from archive_search.adapters.s3 import cached_s3_client
from archive_search.handlers.ingest import handler
from archive_search.ingest.batch import default_events, default_service
from archive_search.ingest.receipts import read_receipts
from archive_search.model import ObjectRef
from archive_search.settings import Settings, get_settings
from tests.events import load_event


def reset_caches() -> None:
    """Forget every per-execution-environment object (the next call is a cold start)."""
    for factory in (get_settings, cached_engine, cached_s3_client, default_service, default_events):
        factory.cache_clear()


def use_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings, **env: str) -> Settings:
    values = {
        "OPENSEARCH_URL": settings.opensearch_url,
        "OPENSEARCH_AUTH": settings.opensearch_auth,
        "INDEX_ALIAS": settings.index_alias,
        "RECEIPTS_ALIAS": settings.receipts_alias,
        "EVENT_ORDER": settings.event_order,
        **({"ARCHIVE_BUCKET": settings.archive_bucket} if settings.archive_bucket else {}),
        **env,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, str(value))
    reset_caches()
    return get_settings()


def s3_notification(
    key: str,
    *,
    bucket: str,
    sequencer: str | None,
    removed: bool = False,
    event_time: str = "2024-05-29T10:15:30.123Z",
) -> str:
    """An SQS body holding one real-shaped S3 notification (tests/events) for ``key``."""
    body = load_event("s3_object_removed_delete_marker" if removed else "s3_object_created_put")
    record = body["Records"][0]
    record["eventTime"] = event_time
    record["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    record["s3"]["object"]["key"] = quote_plus(key)
    if sequencer is None:
        record["s3"]["object"].pop("sequencer", None)
    else:
        record["s3"]["object"]["sequencer"] = sequencer
    return json.dumps(body)


def blind_receipt_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next read of receipts finds none: another Lambda's receipt is not written yet."""
    from archive_search.ingest import receipts

    real, reads = receipts.read_receipts, []

    def first_blind(engine, alias, refs):  # type: ignore[no-untyped-def]
        reads.append(refs)
        return {} if len(reads) == 1 else real(engine, alias, refs)

    monkeypatch.setattr(receipts, "read_receipts", first_blind)


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


@dataclass
class IngestRig:
    """One test's archive (bucket + queue + DLQ on moto), engine and real ingest handler."""

    archive: Any
    settings: Settings
    s3: Any
    sqs: Any

    @property
    def engine(self) -> SearchEngine:
        return SearchEngine(build_client(self.settings), self.settings)

    def put(self, key: str, body: bytes | str) -> None:
        self.s3.put_object(
            Bucket=self.archive.bucket, Key=key, Body=body.encode() if isinstance(body, str) else body
        )

    def invoke(self, bodies: Iterable[str], timeout_seconds: float = 30.0) -> dict[str, Any]:
        """Call the real handler with one SQS batch made of ``bodies`` (no queue involved)."""
        messages = [
            {"MessageId": str(uuid.uuid4()), "ReceiptHandle": uuid.uuid4().hex, "Body": body}
            for body in bodies
        ]
        return handler(sqs_event(messages, self.archive.queue_arn), LambdaContext("ingest", timeout_seconds))

    def worker(self, handler_fn: Callable[..., Any] = handler, timeout_seconds: float = 30.0) -> IngestWorker:
        return IngestWorker(
            self.sqs,
            self.archive.queue_url,
            self.archive.queue_arn,
            handler_fn,
            wait_seconds=1,
            timeout_seconds=timeout_seconds,
        )

    def drain(self, quiet_rounds: int = 1, max_rounds: int = 30) -> None:
        """Run the worker until the queue stays empty for ``quiet_rounds`` polls."""
        worker, quiet = self.worker(), 0
        for _ in range(max_rounds):
            quiet = quiet + 1 if worker.poll_once() == 0 else 0
            if quiet >= quiet_rounds:
                return
        raise AssertionError("the ingest queue did not drain")

    def send(self, body: str) -> None:
        self.sqs.send_message(QueueUrl=self.archive.queue_url, MessageBody=body)

    def documents(self, include_deleted: bool = False) -> dict[tuple[str, int], dict[str, Any]]:
        """Every article document of this archive by (key, ordinal), read after a refresh."""
        engine = self.engine
        if not engine.alias_targets():
            return {}
        engine.refresh()
        query: dict[str, Any] = {"match_all": {}}
        if not include_deleted:
            query = {"bool": {"must_not": [{"term": {"deleted": True}}]}}
        hits = engine.search({"query": query, "size": 1000, "version": True})["hits"]["hits"]
        return {
            (h["_source"]["key"], h["_source"]["ordinal"]): {**h["_source"], "_version": h.get("_version")}
            for h in hits
        }

    def receipt(self, key: str) -> dict[str, Any] | None:
        found = read_receipts(
            self.engine, self.settings.receipts_alias, [ObjectRef(self.archive.bucket, key)]
        )
        return next(iter(found.values()))[1] if found else None

    def bucket_keys(self) -> set[str]:
        listing = self.s3.list_objects_v2(Bucket=self.archive.bucket)
        return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def ingest(archive, settings, monkeypatch) -> IngestRig:  # type: ignore[no-untyped-def]
    """The real ingest handler wired to this test's archive and index alias."""
    from dataclasses import replace

    configured = use_settings(monkeypatch, replace(settings, archive_bucket=archive.bucket))
    yield IngestRig(archive, configured, boto3.client("s3"), boto3.client("sqs"))
    reset_caches()
