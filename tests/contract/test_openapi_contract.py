"""schemathesis against the generated OpenAPI document, in-process through the real handler.

The API serves a small indexed archive, so valid requests reach the engine and return real
results; every response must match the document (status codes, content types, schemas)
and none may be a 5xx.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from archive_search.adapters.s3 import cached_s3_client
from archive_search.settings import Settings
from tests.contract.wsgi import HandlerWsgiApp
from tests.integration.search.support import CORPUS, SearchApi, env_for

pytestmark = pytest.mark.contract

APP = HandlerWsgiApp()
# The write routes change the bucket (S3, not served here); tests/integration/write drives them.
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).include(method="GET")


@pytest.fixture(scope="module", autouse=True)
def served_archive(search_url: str, localstack_session: Any) -> Iterator[None]:
    api = SearchApi(
        Settings.from_env({"OPENSEARCH_URL": search_url, "INDEX_ALIAS": f"k-{uuid.uuid4().hex[:12]}"})
    )
    api.create_index()
    api.index(*CORPUS.values())
    # /ingest/status lists the archive bucket (on the moto server) to count queued uploads.
    with localstack_session.botocore.patch_botocore():
        cached_s3_client.cache_clear()
        bucket = f"contract-{uuid.uuid4().hex[:10]}"
        boto3.client("s3").create_bucket(Bucket=bucket)
        APP.env = {**env_for(api.settings), "ARCHIVE_BUCKET": bucket}
        yield
        APP.env = {}
        cached_s3_client.cache_clear()
    api.drop()


# Rules OpenAPI cannot state (between parameters, or about a value's meaning); a
# schema-valid request breaking one is answered 400 naming the parameter (README, API
# section). Everything else that the document calls valid must be accepted.
RULES_OPENAPI_CANNOT_STATE = {
    "cursor": "only a next_cursor of the same request is a valid cursor",
    "page": "page and cursor exclude each other; page x size stays inside the result window",
    "from": "from must not be after to",
    "language": "a language filter names a language, by tag or by name",
    "q": "at most 32 words or phrases, brackets at most 8 deep; an alert needs q or a filter",
    # GET /ingest/status: key (one receipt) and the listing parameters exclude each other.
    "prefix": "key and prefix exclude each other",
    "outcome": "key and outcome exclude each other",
    "since": "since is a time in the calendar, in UTC too, its + offset written %2B; key and since exclude each other",
    "size": "key and size exclude each other",
    "order": "key and order exclude each other",
    "bucket": "without key, only the archive bucket is counted",
    "webhook_url": "an alert's webhook_url is required for target webhook only, and https",
}


def schema_valid_requests_are_accepted(ctx: Any, response: Any, case: schemathesis.Case) -> None:
    """positive_data_acceptance, except for the documented rules OpenAPI cannot state."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 400:
        return
    error = response.json()["error"]
    assert error["parameter"] in RULES_OPENAPI_CANNOT_STATE, f"schema-valid request rejected: {error}"


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance], additional_checks=[schema_valid_requests_are_accepted]
    )
