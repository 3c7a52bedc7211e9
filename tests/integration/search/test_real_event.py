"""A real API Gateway HTTP API (v2) payload, as delivered in AWS with IAM authorization."""

from __future__ import annotations

import json

import pytest

from tests.events import load_event
from tests.integration.search.support import SearchApi, corpus_id, invoke

pytestmark = pytest.mark.integration


def test_search_handler_answers_a_real_iam_authorized_v2_event(corpus: SearchApi) -> None:
    # Given the event API Gateway sends for ?q=goggles&source=Dawn&source=Tribune (repeats
    # joined with a comma in queryStringParameters, kept apart in rawQueryString)
    event = load_event("http_api_v2_search_iam")

    result = invoke(corpus.env, event)

    assert result["statusCode"] == 200
    assert result["headers"]["Content-Type"] == "application/json"
    body = json.loads(result["body"])
    assert {hit["id"] for hit in body["hits"]} == {corpus_id("goggles"), corpus_id("goggles_copy")}
    assert {v["value"] for v in body["facets"]["source"]} >= {"Dawn", "Tribune"}
