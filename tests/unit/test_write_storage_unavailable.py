"""A write route whose S3 call fails answers 503 naming the archive's storage, not the search
engine (which may be fine), and without internals (the bucket, the key, botocore's words).
Nothing listens where the settings point S3 and the engine, so no server runs here."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.adapters.opensearch import cached_engine
from archive_search.adapters.s3 import cached_s3_client
from archive_search.settings import get_settings

pytestmark = pytest.mark.unit

CACHES = (get_settings, cached_engine, cached_s3_client)


@pytest.fixture(autouse=True)
def _storage_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")  # discard: nothing answers
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive-secret-name")
    for cache in CACHES:
        cache.cache_clear()
    yield
    for cache in CACHES:
        cache.cache_clear()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/articles", {"title": "Ferry", "body": "The ferry sails at noon."}),
        ("PUT", "/articles/by-external-id/ht-1", {"body": "The ferry sails at noon."}),
        ("DELETE", "/articles/by-external-id/ht-1", None),
    ],
)
def test_a_write_s3_refuses_is_a_503_naming_the_archives_storage(
    method: str, path: str, body: dict[str, str] | None
) -> None:
    from archive_search.handlers.write import handler

    event = http_api_event(
        method, path, "", {"content-type": "application/json"}, json.dumps(body).encode() if body else None
    )
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    error = json.loads(result["body"])["error"]

    assert result["statusCode"] == 503, error
    assert result["headers"]["Retry-After"]
    assert "storage" in error["message"] and "search engine" not in error["message"]
    assert "archive-secret-name" not in error["message"] and "127.0.0.1" not in error["message"]
