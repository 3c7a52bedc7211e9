"""The integration fixtures themselves: the servers start and are wired as in AWS."""

import json

import boto3
import pytest

from archive_search.adapters.opensearch import SearchEngine, build_client

pytestmark = pytest.mark.integration


def test_bucket_notifications_reach_the_ingest_queue(archive):
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    s3.put_object(Bucket=archive.bucket, Key="inbox/a b.txt", Body=b"hello")
    bodies = []
    for _ in range(5):
        messages = sqs.receive_message(QueueUrl=archive.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        bodies += [json.loads(m["Body"]) for m in messages.get("Messages", [])]
        if any("Records" in b for b in bodies):
            break
    records = [r for b in bodies for r in b.get("Records", [])]
    assert records and records[0]["eventName"] == "ObjectCreated:Put"
    assert records[0]["s3"]["object"]["key"] == "inbox%2Fa+b.txt"


def test_ensure_index_creates_a_versioned_index_behind_the_alias_once(settings):
    engine = SearchEngine(build_client(settings), settings)
    first = engine.ensure_index()
    second = engine.ensure_index()
    assert first == second
    assert first.startswith(f"{settings.index_alias}-v")
    assert engine.client.indices.get_alias(name=settings.index_alias) == {
        first: {"aliases": {settings.index_alias: {}}}
    }
