"""``archive-search status KEY --bucket B`` with no receipt says whether the bucket exists: a
misspelt bucket is "no bucket named B", not a missing receipt for an upload there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from archive_search import cli
from archive_search.adapters.s3 import cached_s3_client
from archive_search.errors import NotFound
from archive_search.ingest import receipts
from archive_search.model import ObjectRef
from archive_search.settings import get_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def no_receipts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ObjectRef]]:
    """An S3 (moto) holding the bucket "archive" and an engine holding no receipt."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "OPENSEARCH_URL": "http://engine.invalid:9200",
        "ARCHIVE_BUCKET": "archive",
    }.items():
        monkeypatch.setenv(name, value)
    asked: list[ObjectRef] = []

    def get_receipt(_engine: Any, _alias: str, ref: ObjectRef) -> dict[str, Any]:
        asked.append(ref)
        raise NotFound(f"no ingest receipt for s3://{ref.bucket}/{ref.key}")

    monkeypatch.setattr(receipts, "get_receipt", get_receipt)
    monkeypatch.setattr(cli, "_service", lambda: SimpleNamespace(engine=None, settings=get_settings()))
    get_settings.cache_clear()
    cached_s3_client.cache_clear()
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket="archive")
        yield asked
    cached_s3_client.cache_clear()
    get_settings.cache_clear()


def error_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, str]:
    assert cli.main(list(argv)) == 1
    return json.loads(capsys.readouterr().err.strip().splitlines()[-1])["error"]


def test_no_receipt_in_a_missing_bucket_says_there_is_no_such_bucket(no_receipts, capsys) -> None:
    error = error_of(capsys, "status", "inbox/a.txt", "--bucket", "nosuchbucket")

    assert error == {"code": "not_found", "message": "no bucket named nosuchbucket"}
    assert no_receipts == [ObjectRef("nosuchbucket", "inbox/a.txt")]


def test_no_receipt_in_a_bucket_that_exists_is_still_no_receipt(no_receipts, capsys) -> None:
    error = error_of(capsys, "status", "inbox/a.txt", "--bucket", "archive")

    assert error == {"code": "not_found", "message": "no ingest receipt for s3://archive/inbox/a.txt"}


class Refusing:
    """An S3 client whose head_bucket answers with one error code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def head_bucket(self, **_: Any) -> None:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": self.code}}, "HeadBucket")


def test_a_bucket_we_may_not_read_exists() -> None:
    from archive_search.adapters.s3 import ObjectStore

    assert ObjectStore(Refusing("403")).bucket_exists("theirs") is True
    assert ObjectStore(Refusing("404")).bucket_exists("none") is False


def test_a_failed_bucket_check_is_storage_unavailable_not_a_missing_bucket() -> None:
    from archive_search.adapters.s3 import ObjectStore
    from archive_search.errors import StorageUnavailable

    with pytest.raises(StorageUnavailable):
        ObjectStore(Refusing("SlowDown")).bucket_exists("archive")
