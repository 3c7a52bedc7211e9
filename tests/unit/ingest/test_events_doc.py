"""docs/events.md stays true to the code: each example event has the envelope of its type and
exactly the detail fields ``build_event`` produces, and names the bounds the code enforces."""

from __future__ import annotations

import json
import re

import pytest

from archive_search.ingest import outcomes
from archive_search.ingest.outcomes import DETAIL_TYPES, SCHEMA_VERSION, Outcome, build_event
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

DOC = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")


def examples() -> list[dict]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOC, flags=re.S)]


def test_the_doc_shows_one_example_of_each_published_type() -> None:
    assert [e["detail-type"] for e in examples()] == ["Article Indexed", "Upload Rejected", "Article Deleted"]


@pytest.mark.parametrize("example", examples(), ids=lambda e: e["detail-type"])
def test_each_example_has_the_fields_and_values_the_code_produces(example: dict) -> None:
    detail = example["detail"]
    built = build_event(
        Outcome({"bucket": detail["bucket"], "key": detail["key"], "outcome": detail["outcome"]})
    )
    assert example["source"] == built.source
    assert example["detail-type"] == DETAIL_TYPES[detail["outcome"]] == built.detail_type
    assert set(detail) == set(built.detail)
    assert detail["schema_version"] == SCHEMA_VERSION


def test_the_doc_states_the_bounds_the_code_enforces() -> None:
    assert f"`key` {outcomes.MAX_KEY_CHARS} characters" in DOC
    assert f"`message` {outcomes.MAX_MESSAGE_CHARS}, `title` {outcomes.MAX_DETAIL_TITLE_CHARS}" in DOC
    assert f"`source` {outcomes.MAX_SOURCE_CHARS}, `url` {outcomes.MAX_DETAIL_URL_CHARS}" in DOC
    assert f"`object_version_id` {outcomes.MAX_SHORT_CHARS}" in DOC
    assert (
        f"first {outcomes.MAX_LISTED_IDS}" in DOC and f"first {outcomes.MAX_LISTED_ARTICLES} articles" in DOC
    )
    assert f"at most {outcomes.MAX_DETAIL_BYTES // 1024} KiB" in DOC
    assert f"The first {outcomes.MAX_LISTED_SKIPPED} of them" in DOC
    assert f"a skipped record's `message` {outcomes.MAX_SKIPPED_MESSAGE_CHARS}" in DOC


def test_the_rejected_example_gives_the_reason_and_message_ingest_gives_for_its_key() -> None:
    from archive_search import cleaning
    from archive_search.errors import RejectedInput

    (detail,) = [e["detail"] for e in examples() if e["detail"]["outcome"] == "rejected"]
    with pytest.raises(RejectedInput) as rejected:
        cleaning.clean(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", detail["key"])

    assert (detail["reason"], detail["message"]) == (rejected.value.reason, rejected.value.message)
