"""Records of a JSON upload that became no article: the real ingest handler indexes the others
and records the left-out ones in the receipt, which GET /ingest/status returns (moto + osmem)."""

from __future__ import annotations

import copy
import json

import pytest

from archive_search.cli import main
from archive_search.index_schema import RECEIPT_MAPPINGS, receipts_index_body
from tests.ingest_support import s3_notification

pytestmark = pytest.mark.integration

STORY = (
    "The harbour authority approved on Tuesday a plan to dredge the northern channel, allowing larger "
    "cargo ships to dock at the port for the first time since 1998.\n\nWork will start in March and last "
    "eleven weeks, the authority's director said."
)
GOOD = [{"title": f"Harbour story {i}", "body": STORY} for i in range(3)]
NO_TEXT = "the record has no body or html text"


def status(api, key: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    answer = api.call("GET", "/ingest/status", query={"key": key})
    assert answer.status == 200
    return answer.body  # type: ignore[no-any-return]


def test_a_json_upload_with_bad_records_indexes_the_good_ones_and_records_the_rest(api) -> None:
    records = [GOOD[0], {"title": "a teaser without text"}, GOOD[1], "not a record", GOOD[2]]
    api.rig.put("inbox/export.json", json.dumps(records))
    api.settle()

    titles = sorted(d["title"] for (key, _), d in api.rig.documents().items() if key == "inbox/export.json")
    assert titles == ["Harbour story 0", "Harbour story 1", "Harbour story 2"]
    receipt = status(api, "inbox/export.json")
    assert receipt["outcome"] == "indexed" and receipt["articles"] == 3
    assert receipt["skipped"] == 2
    assert receipt["skipped_records"] == [
        {"record": 1, "line": None, "reason": "no_article_text", "message": NO_TEXT},
        {"record": 3, "line": None, "reason": "not_an_object", "message": "not an object"},
    ]
    listed = api.call("GET", "/ingest/status", query={"prefix": "inbox/"}).body["receipts"]
    assert [r["skipped"] for r in listed] == [2]


def test_an_uploaded_record_that_gives_a_field_twice_is_recorded_not_indexed_with_one(api) -> None:
    doubled = json.dumps(GOOD[1]).replace("{", '{"title": "The first of two titles", ', 1)
    api.rig.put("inbox/export.json", f"[{json.dumps(GOOD[0])}, {doubled}, {json.dumps(GOOD[2])}]")
    api.settle()

    titles = sorted(d["title"] for (key, _), d in api.rig.documents().items() if key == "inbox/export.json")
    assert titles == ["Harbour story 0", "Harbour story 2"]
    assert status(api, "inbox/export.json")["skipped_records"] == [
        {
            "record": 1,
            "line": None,
            "reason": "field_given_twice",
            "message": "title: given twice; give each field once",
        }
    ]


def test_a_json_lines_upload_names_its_bad_line_and_a_re_upload_keeps_it(api) -> None:
    lines = [json.dumps(GOOD[0]), '{"title": "cut off in the export', json.dumps(GOOD[1])]
    api.rig.put("inbox/wire.ndjson", "\n".join(lines) + "\n")
    api.settle()
    api.rig.put("inbox/wire.ndjson", "\n".join(lines) + "\n")  # the same bytes again
    api.settle()

    receipt = status(api, "inbox/wire.ndjson")
    assert receipt["outcome"] == "duplicate" and receipt["articles"] == 2
    assert receipt["skipped"] == 1
    [line] = receipt["skipped_records"]
    assert line["line"] == 2 and line["record"] is None and line["reason"] == "invalid_json"
    assert (
        line["message"] == "not valid JSON at column 11: a text in double quotes begun there is never closed"
    )


def test_an_upload_that_skipped_nothing_says_so(api) -> None:
    api.rig.put("inbox/clean.json", json.dumps(GOOD[:2]))
    api.settle()

    receipt = status(api, "inbox/clean.json")
    assert receipt["outcome"] == "indexed" and receipt["skipped"] == 0 and receipt["skipped_records"] == []


def test_bootstrap_adds_the_skipped_fields_to_a_receipts_index_made_before_them(api) -> None:
    # A receipts index created by an earlier version, whose strict mapping lacks the fields.
    older = copy.deepcopy(receipts_index_body())
    for name in ("skipped", "skipped_records"):
        del older["mappings"]["properties"][name]
    api.rig.engine.ensure_index(api.rig.settings.receipts_alias, older)
    api.rig.put("inbox/export.json", json.dumps([GOOD[0], {"title": "no text"}]))
    notification = s3_notification("inbox/export.json", bucket=api.rig.archive.bucket, sequencer="0A")

    before = api.rig.invoke([notification])
    assert main(["bootstrap"]) == 0
    after = api.rig.invoke([notification])

    # The old mapping refused the receipt: the message was left for a retry, not dropped.
    assert len(before["batchItemFailures"]) == 1 and after["batchItemFailures"] == []
    mapping = api.rig.engine.client.indices.get_mapping(index=api.rig.settings.receipts_alias)
    [properties] = [m["mappings"]["properties"] for m in mapping.values()]
    added = RECEIPT_MAPPINGS["properties"]["skipped_records"]["properties"]
    assert (
        properties["skipped"] == {"type": "integer"} and properties["skipped_records"]["properties"] == added
    )
    receipt = status(api, "inbox/export.json")
    assert receipt["outcome"] == "indexed" and receipt["skipped"] == 1
