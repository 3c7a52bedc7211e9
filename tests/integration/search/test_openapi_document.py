"""The OpenAPI document's response models and schemas are filled in when the document is built
(search/http.py ``documented``, ``complete_document``): the document is the same whether it is
the first thing a fresh function serves or comes after requests to every documented route."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration

# Serves the given GET requests (the engine refuses connections: they answer 503), then the
# document, in a fresh interpreter, as a new execution environment would.
SERVE = """
import json, sys
from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.handlers.search import handler

context = LambdaContext("archive-search-search", timeout_seconds=29)
for path in json.loads(sys.argv[1]):
    handler(http_api_event("GET", path, ""), context)
response = handler(http_api_event("GET", "/openapi.json", ""), context)
print(json.dumps({"status": response["statusCode"], "body": response["body"]}))
"""
ROUTES = ["/search", "/health", "/articles/abc", "/articles/abc/similar", "/facets/source"]


def _document(after: list[str]) -> dict:
    env = {
        **os.environ,
        "OPENSEARCH_URL": "http://127.0.0.1:9",
        "INDEX_ALIAS": "articles",
        "CURSOR_SECRET": "s" * 32,
        "AWS_REGION": "eu-west-1",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", SERVE, json.dumps(after)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_document_is_the_same_before_and_after_requests_to_every_route() -> None:
    first, later = _document([]), _document(ROUTES)
    assert first["status"] == later["status"] == 200
    assert first["body"] == later["body"]
    document = json.loads(first["body"])
    search_ok = document["paths"]["/search"]["get"]["responses"]["200"]["content"]["application/json"]
    assert search_ok["schema"] == {"$ref": "#/components/schemas/SearchResponse"}
    assert "ArticleRecord" in json.dumps(document["paths"]["/articles"]["post"])
    assert "x-archive-search-details" not in first["body"], "a route's details key is replaced, never served"


def test_every_route_taking_a_json_body_documents_its_415() -> None:
    document = json.loads(_document([])["body"])
    operations = [
        (f"{method.upper()} {path}", op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    ]
    with_body = {name: op for name, op in operations if "requestBody" in op}
    assert {
        "POST /articles",
        "PUT /articles/by-external-id/{external_id}",
        "POST /uploads",
        "POST /alerts",
    } <= set(with_body)
    for name, op in with_body.items():
        assert list(op["requestBody"]["content"]) == ["application/json"], name
        assert "415" in op["responses"], name


def test_the_alert_answers_document_who_sees_a_webhooks_full_url() -> None:
    document = json.loads(_document([])["body"])
    fields = document["components"]["schemas"]["AlertResponse"]["properties"]
    assert "archive/write" in fields["webhook_url"]["description"]
    assert "SHA-256" in fields["webhook_url_sha256"]["description"]
    assert {"webhook_url", "webhook_url_sha256"} <= set(
        document["components"]["schemas"]["AlertResponse"]["required"]
    )


def test_every_answer_of_every_route_states_its_schema() -> None:
    document = json.loads(_document([])["body"])
    unstated = [
        f"{method.upper()} {path} {status} {media_type}"
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        for status, response in op["responses"].items()
        for media_type, content in response.get("content", {}).items()
        if not content.get("schema")
    ]
    assert unstated == []
    assert {
        status
        for op in (ops for p in document["paths"].values() for ops in p.values())
        for status in op["responses"]
    } >= {"200", "400"}
    assert "422" not in json.dumps({path: ops for path, ops in document["paths"].items()})
