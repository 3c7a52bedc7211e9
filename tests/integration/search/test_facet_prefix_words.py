"""A facet value is found by the start of any of its words, not only of the whole value:
"harbour" finds "The Harbour Gazette". Values starting with the prefix come first."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search import index_schema
from archive_search.adapters import opensearch
from archive_search.settings import Settings
from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration

DOCS = [
    article_doc(
        "Ferry", "Ferry body", source="The Harbour Gazette", place="Port of Spain", tags=["Tall ships"]
    ),
    article_doc("Ferry 2", "Ferry body two", source="The Harbour Gazette", key="w/2.txt"),
    article_doc("Ferry 3", "Ferry body three", source="The Harbour Gazette", key="w/3.txt"),
    article_doc("Quay", "Quay body", source="Harbourside Weekly", place="Spainhill", tags=["Ships"]),
    article_doc("Echo", "Echo body", source="L'Écho du Port", key="w/echo.txt"),
]


@pytest.mark.parametrize(
    ("field", "prefix", "values"),
    [
        # the value starting with the prefix first, however fewer its articles
        ("source", "harbour", ["Harbourside Weekly", "The Harbour Gazette"]),
        ("source", "Harbour Gaz", ["The Harbour Gazette"]),
        ("source", "echo", ["L'Écho du Port"]),
        ("place", "spain", ["Spainhill", "Port of Spain"]),
        ("tag", "ships", ["Ships", "Tall ships"]),
    ],
)
def test_a_facet_value_is_found_by_the_start_of_any_word(
    api: SearchApi, field: str, prefix: str, values: list[str]
) -> None:
    api.index(*DOCS)
    response = api.get(f"/facets/{field}", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == values


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        # words are compared, not the characters between them, as the engine's tokenizer splits
        ("saint aubin", ["Saint-Aubin"]),
        ("saint-aub", ["Saint-Aubin"]),
        ("port-of-spain", ["Port of Spain"]),
    ],
)
def test_a_prefix_matches_whatever_separates_its_words(
    api: SearchApi, prefix: str, values: list[str]
) -> None:
    api.index(*DOCS, article_doc("Fete", "Fete body", place="Saint-Aubin", key="w/fete.txt"))
    response = api.get("/facets/place", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == values


@pytest.mark.parametrize(("prefix", "values"), [("l echo", ["L'Écho du Port"]), ("l'", ["L'Écho du Port"])])
def test_a_prefix_ending_in_a_separator_matches_a_whole_word(
    api: SearchApi, prefix: str, values: list[str]
) -> None:
    # "l'" is the word "l" and what follows it, not every word starting with "l"
    api.index(*DOCS, article_doc("Ledger", "Ledger body", source="Lakeside Ledger", key="w/ledger.txt"))
    response = api.get("/facets/source", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == values


def test_a_prefix_inside_a_word_finds_nothing(api: SearchApi) -> None:
    api.index(*DOCS)
    response = api.get("/facets/source", {"prefix": "arbour"})
    assert response.status == 200, response.text
    assert response.json["values"] == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("Har\u00adbour", ["Harbourside Weekly", "The Harbour Gazette"]),  # soft hyphen
        ("\u200bharbour", ["Harbourside Weekly", "The Harbour Gazette"]),  # zero-width space
        ("\u200eHarbour\ufeff", ["Harbourside Weekly", "The Harbour Gazette"]),  # bidi mark, BOM
        ("the harbour\u00ad gaz", ["The Harbour Gazette"]),
        ("\u00ad", ["The Harbour Gazette", "Harbourside Weekly", "L'Écho du Port"]),  # nothing typed
    ],
)
def test_invisible_characters_typed_in_a_prefix_are_ignored(
    api: SearchApi, prefix: str, values: list[str]
) -> None:
    api.index(*DOCS)
    response = api.get("/facets/source", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == values


def test_on_an_index_of_the_previous_mapping_whole_value_prefixes_still_answer(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mapping 6 had no words subfield on source, place and tags: until reindex runs, the search
    # asks for one the index lacks, and answers what the whole value's prefix finds.
    def previous_mapping(profile: str = "opensearch") -> dict[str, Any]:
        body = index_schema.article_index_body(profile)
        properties = body["mappings"]["properties"]
        for field in ("source", "place", "tags"):
            subfields = {name: sub for name, sub in properties[field]["fields"].items() if name != "text"}
            properties[field] = {**properties[field], "fields": subfields}
        return body

    monkeypatch.setattr(opensearch, "article_index_body", previous_mapping)
    api = SearchApi(settings)
    api.create_index()
    try:
        api.index(*DOCS)
        whole = api.get("/facets/source", {"prefix": "harbour"})
        inner = api.get("/facets/source", {"prefix": "gazette"})
    finally:
        api.drop()
    assert (whole.status, inner.status) == (200, 200), (whole.text, inner.text)
    assert [entry["value"] for entry in whole.json["values"]] == ["Harbourside Weekly"]
    assert inner.json["values"] == []
