"""/facets/language reads a prefix that is a whole language tag as the language filter reads
it (``en-GB``, ``EN``, ``eng`` -> ``en``): the index keeps only the language subtag."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive_search.search.service import SearchService

pytestmark = pytest.mark.unit

COUNTS = {"en": 5, "fr": 2, "fil": 1}


class Languages:
    """An engine holding articles in English, French and Filipino, recording the bodies asked
    and answering with the values whose code starts with the prefix the body asks for."""

    profile = "opensearch"

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        asked = [
            next(iter(clause["prefix"].values()))
            for clause in body["query"]["bool"]["filter"][-1].get("bool", {}).get("should", [])
            if "prefix" in clause
        ]
        buckets = [
            {"key": code, "doc_count": n, "groups": {"value": n}}
            for code, n in COUNTS.items()
            if not asked or any(code.startswith(text) for text in asked)
        ]
        return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {"values": {"buckets": buckets}}}


@pytest.mark.parametrize("prefix", ["en-GB", "en_US", "EN", "eng", "en"])
def test_a_whole_language_tag_finds_its_language(prefix: str) -> None:
    found = SearchService(Languages(), timeout_ms=1000).facet_values("language", prefix)

    assert found["values"] == [{"value": "en", "count": 5}]


def test_a_tag_with_a_three_letter_language_finds_it() -> None:
    found = SearchService(Languages(), timeout_ms=1000).facet_values("language", "fil-PH")

    assert found["values"] == [{"value": "fil", "count": 1}]


def test_a_prefix_that_is_no_whole_tag_still_matches_the_start_of_codes() -> None:
    found = SearchService(Languages(), timeout_ms=1000).facet_values("language", "f")

    assert [value["value"] for value in found["values"]] == ["fr", "fil"]


def test_a_tag_prefix_on_another_facet_is_left_as_typed() -> None:
    engine = Languages()
    SearchService(engine, timeout_ms=1000).facet_values("tag", "en-GB")

    assert "en-gb" in json.dumps(engine.bodies[0]["query"])


@pytest.mark.parametrize("prefix", ["English", "english", "anglais"])
def test_a_whole_language_name_finds_its_language(prefix: str) -> None:
    found = SearchService(Languages(), timeout_ms=1000).facet_values("language", prefix)

    assert found["values"] == [{"value": "en", "count": 5}]
