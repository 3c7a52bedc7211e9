"""A facet value is found by its first letters as written, in any script: the prefix the
engine compares is the one its own normaliser makes, as well as the accent-free fold."""

from __future__ import annotations

import pytest

from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration

DOCS = [
    article_doc("Greek", "Greek body", source="Καθημερινή", authors=["Νίκος Παπαδόπουλος"], key="f/el.txt"),
    article_doc("Arabic", "Arabic body", source="الأهرام", authors=["محمد علي"], key="f/ar.txt"),
    article_doc("Hindi", "Hindi body", source="दैनिक जागरण", authors=["राहुल शर्मा"], key="f/hi.txt"),
    article_doc("German", "German body", source="Süddeutsche", authors=["Jürgen Müller"], key="f/de.txt"),
]


@pytest.mark.parametrize(
    ("field", "prefix", "value"),
    [
        ("source", "Καθ", "Καθημερινή"),
        ("source", "καθημερινή", "Καθημερινή"),
        ("author", "Νίκ", "Νίκος Παπαδόπουλος"),
        ("source", "الأ", "الأهرام"),
        ("author", "शर्", "राहुल शर्मा"),
        ("source", "sud", "Süddeutsche"),  # the accent-free fold still finds Latin values
        ("author", "jür", "Jürgen Müller"),
    ],
)
def test_a_facet_value_is_found_by_its_first_letters_as_written(
    api: SearchApi, field: str, prefix: str, value: str
) -> None:
    api.index(*DOCS)
    response = api.get(f"/facets/{field}", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == [value]


@pytest.mark.parametrize("prefix", ["mull", "müll", "MÜLLER"])
def test_any_of_a_persons_names_is_found_without_its_accents(api: SearchApi, prefix: str) -> None:
    api.index(*DOCS)
    response = api.get("/facets/author", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == ["Jürgen Müller"]
