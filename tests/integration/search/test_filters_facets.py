"""GET /search: filters (OR within a field, AND across), dates, and multi-select facets."""

from __future__ import annotations

import unicodedata

import pytest

from tests.integration.search.support import SearchApi, article_doc, corpus_id

pytestmark = pytest.mark.integration


def search(api: SearchApi, query: object) -> dict:
    response = api.get("/search", query)
    assert response.status == 200, response.text
    return response.json


def ids(api: SearchApi, query: object) -> set[str]:
    return {hit["id"] for hit in search(api, query)["hits"]}


def facet(result: dict, name: str) -> dict[str, int]:
    return {entry["value"]: entry["count"] for entry in result["facets"][name]}


def test_repeated_filter_values_are_ored(corpus: SearchApi) -> None:
    query = [("source", "Geo"), ("source", "Jang"), ("collapse", "false")]
    assert ids(corpus, query) == {corpus_id("cricket"), corpus_id("urdu")}


def test_comma_separated_filter_values_are_ored_too(corpus: SearchApi) -> None:
    # API Gateway joins repeated parameters with commas; both spellings mean the same.
    assert ids(corpus, {"source": "Geo,Jang"}) == {corpus_id("cricket"), corpus_id("urdu")}


@pytest.mark.parametrize("empty", ["", ",", " , ", ",,"])
def test_a_filter_of_empty_values_filters_nothing(corpus: SearchApi, empty: str) -> None:
    # Each comma-separated part that is empty is ignored, whatever the spelling.
    assert ids(corpus, {"source": empty}) == ids(corpus, {})
    assert ids(corpus, {"source": f"{empty}Geo{empty}"}) == {corpus_id("cricket")}


def test_different_filters_are_anded(corpus: SearchApi) -> None:
    query = [("source", "Dawn"), ("source", "Tribune"), ("tag", "politics"), ("collapse", "false")]
    assert ids(corpus, query) == {corpus_id("budget")}


def test_filters_ignore_case_and_accents(corpus: SearchApi) -> None:
    assert ids(corpus, {"place": "karachi", "collapse": "false"}) == {
        corpus_id("goggles"),
        corpus_id("goggles_copy"),
    }
    assert ids(corpus, {"source": "DAWN", "language": "EN", "tag": "Politics"}) == {corpus_id("budget")}


@pytest.mark.parametrize("tag", ["en-GB", "en_US", "EN-gb", "eng"])
def test_a_language_tag_with_a_region_or_three_letters_filters_as_its_language(
    corpus: SearchApi, tag: str
) -> None:
    # The index keeps the language subtag only (en-GB, eng -> en): a client sending the tag
    # it has (a browser's navigator.language) finds that language's articles.
    english = ids(corpus, {"language": "en", "collapse": "false"})
    assert english and ids(corpus, {"language": tag, "collapse": "false"}) == english
    assert ids(corpus, {"language": f"ur,{tag}", "collapse": "false"}) == ids(corpus, {"collapse": "false"})


@pytest.mark.parametrize("name", ["English", "english", "British English", "anglais"])
def test_a_language_name_filters_as_its_language(corpus: SearchApi, name: str) -> None:
    # A person types the language's name, as the page shows it or in their own language.
    english = ids(corpus, {"language": "en", "collapse": "false"})
    assert english and ids(corpus, {"language": name, "collapse": "false"}) == english
    assert ids(corpus, {"language": f"Urdu,{name}", "collapse": "false"}) == ids(
        corpus, {"collapse": "false"}
    )
    assert ids(corpus, {"language": "اردو"}) == {corpus_id("urdu")}


NORWEGIAN = [
    article_doc("Ferja", "Ferja går igjen i morgen.", language="no", key="n/no.txt"),
    article_doc("Bokmål", "Ferjen går igjen i morgen.", language="nb", key="n/nb.txt"),
    article_doc("Nynorsk", "Ferja går att i morgon.", language="nn", key="n/nn.txt"),
]


@pytest.mark.parametrize("tag", ["no", "NO", "nor", "no-NO"])
def test_norwegian_finds_articles_in_both_written_standards(api: SearchApi, tag: str) -> None:
    # Detection and page tags give no, nb (Bokmål) or nn (Nynorsk): "no" names all of them.
    api.index(*NORWEGIAN)
    assert ids(api, {"language": tag, "collapse": "false"}) == {doc_id for doc_id, _ in NORWEGIAN}
    assert ids(api, {"language": "nb", "collapse": "false"}) == {NORWEGIAN[1][0]}


def test_a_filter_value_typed_decomposed_matches_as_composed(api: SearchApi) -> None:
    # macOS and some input methods send "é" as "e" + U+0301 (NFD); the index holds NFC.
    api.index(article_doc("Budget", "The council passed the budget.", source="Dépêche", tags=["sequía"]))
    decomposed = {
        "source": unicodedata.normalize("NFD", "Dépêche"),
        "tag": unicodedata.normalize("NFD", "sequía"),
    }
    assert search(api, decomposed)["total"] == 1


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [("language", "ur", "urdu"), ("author", "Imtiaz Ali", "goggles"), ("tag", "sport", "cricket")],
)
def test_each_filter_field_selects_its_articles(
    corpus: SearchApi, name: str, value: str, expected: str
) -> None:
    assert ids(corpus, {name: value}) == {corpus_id(expected)}


def test_date_range_is_inclusive(corpus: SearchApi) -> None:
    query = {"from": "2023-04-12", "to": "2023-07-01", "collapse": "false"}
    assert ids(corpus, query) == {corpus_id("goggles"), corpus_id("goggles_copy"), corpus_id("urdu")}


@pytest.mark.parametrize("interval", ["month", "year"])
def test_a_published_facet_value_sent_back_as_from_and_to_selects_its_bucket(
    corpus: SearchApi, interval: str
) -> None:
    # A month (2023-04) or a year (2023) reads as its first day in from and its last in to.
    result = search(corpus, {"facets": "published", "interval": interval, "collapse": "false"})
    assert result["facets"]["published"]
    for bucket in result["facets"]["published"]:
        query = {"from": bucket["value"], "to": bucket["value"], "collapse": "false"}
        assert search(corpus, query)["total"] == bucket["count"], bucket


def test_has_date_separates_dated_and_undated_articles(corpus: SearchApi) -> None:
    assert ids(corpus, {"has_date": "false"}) == {corpus_id("cricket")}
    assert corpus_id("cricket") not in ids(corpus, {"has_date": "true"})


def test_facets_count_values_of_the_matching_articles(corpus: SearchApi) -> None:
    query = {"q": "Karachi OR Lahore", "facets": "source,language,place,tag,author", "collapse": "false"}
    result = search(corpus, query)
    assert facet(result, "source") == {"Dawn": 1, "Tribune": 1, "Geo": 1, "Jang": 1}
    assert facet(result, "language") == {"en": 3, "ur": 1}
    assert facet(result, "place") == {"KARACHI": 1, "Karachi": 1}
    assert facet(result, "tag")["crime"] == 2
    assert facet(result, "author") == {"Imtiaz Ali": 1}


def test_published_facet_buckets_by_the_chosen_interval(corpus: SearchApi) -> None:
    by_month = facet(search(corpus, {"facets": "published", "collapse": "false"}), "published")
    assert by_month == {"2022-05": 1, "2023-04": 2, "2023-07": 1, "2024-01": 1}
    query = {"facets": "published", "interval": "year", "collapse": "false"}
    by_year = facet(search(corpus, query), "published")
    assert by_year == {"2022": 1, "2023": 3, "2024": 1}
    by_day = facet(
        search(corpus, {"facets": "published", "interval": "day", "source": "Tribune"}), "published"
    )
    assert by_day == {"2023-04-13": 1}
    query = {"facets": "published", "interval": "week", "tag": "crime", "collapse": "false"}
    by_week = facet(search(corpus, query), "published")
    assert sum(by_week.values()) == 2 and all(len(key) == 10 for key in by_week)


def test_multi_select_facet_ignores_its_own_filter_and_respects_the_others(corpus: SearchApi) -> None:
    # Given Dawn is selected, the source facet still offers the other sources (with the
    # counts they would have), while the tag facet only counts Dawn's articles.
    result = search(corpus, {"source": "Dawn", "facets": "source,tag", "collapse": "false"})
    assert {hit["source"] for hit in result["hits"]} == {"Dawn"}
    assert result["total"] == 2
    assert facet(result, "source") == {
        "Dawn": 2,
        "Tribune": 1,
        "Geo": 1,
        "Jang": 1,
        "<i>Evil</i> Source": 1,
    }
    assert facet(result, "tag") == {"crime": 1, "security": 1, "politics": 1}

    both = search(corpus, {"source": "Dawn", "tag": "crime", "facets": "source,tag"})
    assert facet(both, "source") == {"Dawn": 1, "Tribune": 1}  # respects tag=crime
    assert facet(both, "tag") == {"crime": 1, "security": 1, "politics": 1}  # respects source=Dawn


def test_facet_value_from_a_response_works_as_a_filter(corpus: SearchApi) -> None:
    # Facet values are plain text; sent back as a filter, markup and all, they match.
    evil = next(
        v["value"] for v in search(corpus, {"facets": "source"})["facets"]["source"] if "Evil" in v["value"]
    )
    assert ids(corpus, {"source": evil}) == {corpus_id("hostile")}


def test_tombstones_are_counted_nowhere(corpus: SearchApi) -> None:
    result = search(corpus, {"q": "goggles", "facets": "source,tag,published", "collapse": "false"})
    assert corpus_id("deleted") not in {hit["id"] for hit in result["hits"]}
    assert "Ghost" not in facet(result, "source")
    assert "2023-04" in facet(result, "published") and facet(result, "published")["2023-04"] == 2
    assert result["total"] == 3


def test_a_value_containing_a_comma_still_matches_as_a_whole(api: SearchApi) -> None:
    # API Gateway joins repeated parameters with commas; the raw query string keeps them apart.
    arts = article_doc("Opera review", "A night at the opera.", authors=["Helen Marsh, Arts"])
    other = article_doc("Match report", "A night at the match.", authors=["Tom Brennan"])
    api.index(arts, other)
    assert ids(api, {"author": "Helen Marsh, Arts"}) == {arts[0]}
    assert ids(api, [("author", "Helen Marsh, Arts"), ("author", "Tom Brennan")]) == {arts[0], other[0]}


def test_published_facet_ignores_the_date_range_that_the_other_facets_respect(corpus: SearchApi) -> None:
    # Given April 2023 is selected, the histogram still shows the other months (so the
    # client can widen the range) while the source facet counts April's articles only.
    result = search(
        corpus, {"from": "2023-04-01", "to": "2023-04-30", "facets": "published,source", "collapse": "false"}
    )
    assert result["total"] == 2
    assert facet(result, "published") == {"2022-05": 1, "2023-04": 2, "2023-07": 1, "2024-01": 1}
    assert facet(result, "source") == {"Dawn": 1, "Tribune": 1}


def test_the_author_facet_and_filter_work_per_person(api: SearchApi) -> None:
    # Given a story by two people and one by one of them, credited with an agency
    pair = article_doc(
        "Prison officers charged", "Two officers were charged.", authors=["Kevin Johnson", "Kevin McCoy"]
    )
    solo = article_doc(
        "Markets slip", "Stocks slipped on Tuesday.", authors=["Kevin McCoy"], author_org="Associated Press"
    )
    api.index(pair, solo)
    # the facet counts each person, and a prefix finds a person by any of their names
    result = search(api, {"q": "charged OR slipped", "facets": "author", "collapse": "false"})
    assert facet(result, "author") == {"Kevin McCoy": 2, "Kevin Johnson": 1}
    values = api.get("/facets/author", {"prefix": "mccoy"}).json["values"]
    assert values == [{"value": "Kevin McCoy", "count": 2}]
    # the filter matches one person among several; hits carry the persons and the organisation apart
    assert ids(api, {"author": "kevin johnson"}) == {pair[0]}
    hit = next(h for h in search(api, {"author": "Kevin McCoy"})["hits"] if h["id"] == solo[0])
    assert (hit["authors"], hit["author_org"]) == (["Kevin McCoy"], "Associated Press")
