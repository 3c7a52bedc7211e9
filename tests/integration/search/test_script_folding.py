"""Letters a script writes two ways are one letter to search: a reader types either, an article
holds either, and the snippet marks the word as the article writes it."""

from __future__ import annotations

import pytest

from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration


def marked(api: SearchApi, q: str) -> list[str]:
    response = api.get("/search", {"q": q, "fields": "snippet"})
    assert response.status == 200, response.text
    return [hit["snippet"]["html"] for hit in response.json["hits"]]


@pytest.mark.parametrize(
    ("written", "typed"),
    [("ёлку", "елку"), ("елку", "ёлку"), ("ёлку", "ЁЛКУ"), ("Ёлку", "елку"), ("всё", "все")],
)
def test_cyrillic_yo_and_ye_are_one_letter(api: SearchApi, written: str, typed: str) -> None:
    # Russian print mostly writes ё as е; readers type either.
    api.index(article_doc("Москва", f"В Москве установили {written} на площади.", language="ru"))
    assert marked(api, typed) == [f"В Москве установили <mark>{written}</mark> на площади."]


def test_a_cyrillic_filter_value_matches_with_yo_or_ye(api: SearchApi) -> None:
    api.index(article_doc("Орёл", "Новости города.", place="Орёл", language="ru"))
    for typed in ("Орёл", "Орел", "ОРЕЛ"):
        response = api.get("/search", {"place": typed})
        assert response.status == 200, response.text
        assert [hit["place"] for hit in response.json["hits"]] == ["Орёл"], typed
    assert [v["value"] for v in api.get("/facets/place", {"prefix": "орел"}).json["values"]] == ["Орёл"]
