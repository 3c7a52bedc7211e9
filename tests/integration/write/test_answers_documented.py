"""Every answer of the write routes is the shape the OpenAPI document states for its status, so a
client generated from the document reads what the API sends."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

pytestmark = pytest.mark.integration

ARTICLE = {"title": "Harbour budget approved", "body": "The council approved the harbour budget."}


def _document() -> dict[str, Any]:
    from archive_search.search.api import app

    return app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True, mode="json")


def _assert_documented(document: dict[str, Any], template: str, method: str, status: int, body: Any) -> None:
    response = document["paths"][template][method.lower()]["responses"][str(status)]
    schema = response["content"]["application/json"].get("schema")
    assert schema, f"{method} {template} {status}: no schema"
    # The document's references ("#/components/...") resolve from the schema's root.
    jsonschema.Draft202012Validator({**schema, "components": document["components"]}).validate(body)


def test_every_write_answer_has_the_shape_the_document_states(api) -> None:
    document = _document()
    keyed = {"Idempotency-Key": "documented-1"}
    answers = [
        ("/articles", "POST", api.call("POST", "/articles", [ARTICLE, {**ARTICLE, "external_id": "doc-1"}])),
        ("/articles", "POST", api.call("POST", "/articles", ARTICLE, headers=keyed)),
        ("/articles", "POST", api.call("POST", "/articles", ARTICLE, headers=keyed)),
        (
            "/articles/by-external-id/{external_id}",
            "PUT",
            api.call("PUT", "/articles/by-external-id/doc-2", ARTICLE),
        ),
        (
            "/articles/by-external-id/{external_id}",
            "DELETE",
            api.call("DELETE", "/articles/by-external-id/doc-2"),
        ),
        ("/uploads", "POST", api.call("POST", "/uploads", {"filename": "a.html"})),
    ]
    (item,) = answers[1][2].body["articles"]
    api.settle()
    answers.append(("/articles/{article_id}", "DELETE", api.call("DELETE", f"/articles/{item['id']}")))

    for template, method, answer in answers:
        assert answer.status < 300, answer.body
        _assert_documented(document, template, method, answer.status, answer.body)


def test_every_ingest_status_answer_has_the_shape_the_document_states(api) -> None:
    document = _document()
    api.call("PUT", "/articles/by-external-id/status-1", ARTICLE)
    api.rig.s3.put_object(Bucket=api.rig.archive.bucket, Key="inbox/empty.txt", Body=b"\x00\x01" * 100)
    api.settle()
    listing = api.call("GET", "/ingest/status", query={"size": 1})
    key = listing.body["receipts"][0]["key"]
    answers = [
        listing,
        api.call("GET", "/ingest/status", query={"cursor": listing.body["next_cursor"]}),
        api.call("GET", "/ingest/status", query={"order": "oldest"}),
        api.call("GET", "/ingest/status", query={"key": key}),
        api.call("GET", "/ingest/status", query={"key": "inbox/empty.txt"}),
        api.call("GET", "/ingest/status", query={"key": "api/articles/no-such-upload.json"}),
        api.call("GET", "/ingest/status", query={"key": key, "size": 5}),
    ]

    assert [answer.status for answer in answers] == [200, 200, 200, 200, 200, 404, 400]
    outcomes = {receipt["outcome"] for answer in answers[:2] for receipt in answer.body["receipts"]}
    assert outcomes == {"indexed", "rejected"} and answers[4].body["reason"]
    for answer in answers:
        _assert_documented(document, "/ingest/status", "GET", answer.status, answer.body)
