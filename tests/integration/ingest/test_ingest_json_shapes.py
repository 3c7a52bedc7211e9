"""The real ingest handler on JSON uploads in the shapes services export (moto + osmem)."""

from __future__ import annotations

import json

import pytest

from archive_search.model import ObjectRef, document_id

pytestmark = pytest.mark.integration

STORY = (
    "The harbour authority approved on Tuesday a plan to dredge the northern channel, allowing larger "
    "cargo ships to dock at the port for the first time since 1998.\n\nWork will start in March and last "
    "eleven weeks, the authority's director said."
)


def test_a_json_lines_upload_becomes_one_document_per_good_line(ingest):
    lines = [
        json.dumps({"index": {"_index": "news", "_id": "a"}}),
        json.dumps(
            {"title": "Harbour dredging approved", "body": STORY, "source": {"name": "Harbour Gazette"}}
        ),
        '{"title": "a line cut off in the export',
        json.dumps({"_id": "b", "_source": {"headline": "Ferries leave earlier", "articleBody": STORY}}),
        json.dumps(
            {"@type": "NewsArticle", "headline": "Pier reopens", "articleBody": STORY, "inLanguage": "en"}
        ),
    ]
    ingest.put("inbox/wire.ndjson", "\n".join(lines) + "\n")
    ingest.drain()

    docs = ingest.documents()
    titles = [docs[("inbox/wire.ndjson", i)]["title"] for i in range(3)]
    assert titles == ["Harbour dredging approved", "Ferries leave earlier", "Pier reopens"]
    assert docs[("inbox/wire.ndjson", 0)]["source"] == "Harbour Gazette"
    assert ("inbox/wire.ndjson", 3) not in docs
    receipt = ingest.receipt("inbox/wire.ndjson")
    assert receipt["outcome"] == "indexed" and receipt["articles"] == 3
    assert receipt["document_ids"] == [
        document_id(ObjectRef(ingest.archive.bucket, "inbox/wire.ndjson"), i) for i in range(3)
    ]


def test_a_json_lines_upload_without_a_good_line_is_rejected_naming_its_lines(ingest):
    ingest.put("inbox/broken.jsonl", '{"title": "cut\n{"title": "no text"}\n')
    ingest.drain()

    receipt = ingest.receipt("inbox/broken.jsonl")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "no_article_text"
    assert "line 1: not valid JSON" in receipt["message"] and "line 2: no record" in receipt["message"]
    assert "inbox/broken.jsonl" in ingest.bucket_keys()
