"""GET /articles/{id}, GET /articles/{id}/similar and GET /facets/{field}."""

from __future__ import annotations

import pytest

from tests.integration.search.support import SearchApi, article_doc, corpus_id

pytestmark = pytest.mark.integration


def test_article_has_its_text_metadata_and_origin(corpus: SearchApi) -> None:
    response = corpus.get(f"/articles/{corpus_id('goggles')}")
    assert response.status == 200
    article = response.json
    assert article["id"] == corpus_id("goggles")
    assert article["title"] == "Night vision goggles seized in Karachi raid"
    assert article["body"].startswith("Police seized night vision goggles")
    assert "\n\n" in article["body"]
    assert article["source"] == "Dawn" and article["published"] == "2023-04-12"
    assert article["place"] == "KARACHI" and article["authors"] == ["Imtiaz Ali"]
    assert article["tags"] == ["crime", "security"]
    assert article["url"] == "https://www.dawn.com/news/1"
    assert article["origin"]["bucket"] == "archive"
    assert article["origin"]["key"].startswith("inbox/")
    assert article["origin"]["ingested_at"] == "2026-11-21T12:00:00Z"


def test_unknown_and_deleted_articles_are_404(corpus: SearchApi) -> None:
    for article_id in ("0" * 32, corpus_id("deleted"), "has spaces", "x" * 300):
        for path in (f"/articles/{article_id}", f"/articles/{article_id}/similar"):
            response = corpus.get(path)
            assert response.status == 404, (path, response.text)
            assert response.error["code"] == "not_found"


def test_similar_finds_related_articles_but_not_copies_of_itself(api: SearchApi) -> None:
    story = article_doc(
        "Floods sweep Sindh villages",
        "Monsoon floods swept through villages in Sindh, displacing thousands of farmers. "
        "Rescue teams used boats to reach stranded families near the Indus river.",
        key="a.txt",
    )
    copy = article_doc(story[1]["title"], story[1]["body"], key="wire/a.txt", source="Wire")
    related = article_doc(
        "Sindh farmers count flood losses",
        "Farmers in Sindh villages said the monsoon floods destroyed crops along the Indus river.",
        key="b.txt",
    )
    unrelated = article_doc("Cricket final in Lahore", "Pakistan beat India in the final match.", key="c.txt")
    gone = article_doc(
        "Sindh floods again", "Monsoon floods Sindh villages Indus river farmers.", key="d.txt", deleted=True
    )
    api.index(story, copy, related, unrelated, gone)
    response = api.get(f"/articles/{story[0]}/similar")
    assert response.status == 200
    found = [hit["id"] for hit in response.json["hits"]]
    assert found[0] == related[0]
    assert story[0] not in found and copy[0] not in found and gone[0] not in found
    assert unrelated[0] not in found


def test_similar_hits_count_their_copies_as_search_hits_do(api: SearchApi) -> None:
    story = article_doc("Floods sweep Sindh villages", "Monsoon floods swept Sindh villages.", key="a.txt")
    related = article_doc(
        "Sindh farmers count flood losses",
        "Farmers in Sindh villages said the monsoon floods destroyed crops along the Indus river.",
        key="b.txt",
    )
    related_copy = article_doc(related[1]["title"], related[1]["body"], key="wire/b.txt", source="Wire")
    api.index(story, related, related_copy)

    [hit] = api.get(f"/articles/{story[0]}/similar").json["hits"]
    searched = api.get("/search", {"q": "Sindh farmers"}).json["hits"]

    assert hit["duplicates"] == 1 == next(h["duplicates"] for h in searched if h["id"] == hit["id"])


def test_similar_reads_the_description_too(api: SearchApi) -> None:
    story = article_doc(
        "Council meets on Tuesday",
        "The council met and voted on several items of business.",
        description="Ferry crews strike over rotas as island sailings are cancelled",
        key="s.txt",
    )
    related = article_doc(
        "Island sailings cancelled",
        "Ferry crews went on strike over rotas; island sailings stopped.",
        key="r.txt",
    )
    other = article_doc(
        "Library hours change", "The library opens later on Sundays from next month.", key="o.txt"
    )
    api.index(story, related, other)
    found = [hit["id"] for hit in api.get(f"/articles/{story[0]}/similar").json["hits"]]
    assert found and found[0] == related[0]
    assert api.get(f"/articles/{story[0]}/similar", {"size": "0"}).status == 400


def test_facet_values_are_searched_by_prefix_ignoring_case_and_accents(api: SearchApi) -> None:
    api.index(
        article_doc("a", "one", source="Dawn"),
        article_doc("b", "two", source="Dawn"),
        article_doc("c", "three", source="Daily Times"),
        article_doc("d", "four", source="Dépêche"),
        article_doc("e", "five", source="Tribune"),
        article_doc("f", "six", source="Dark Web Gazette", deleted=True),
    )
    values = api.get("/facets/source", {"prefix": "da"}).json["values"]
    assert values == [{"value": "Dawn", "count": 2}, {"value": "Daily Times", "count": 1}]
    assert api.get("/facets/source", {"prefix": "DE"}).json["values"] == [{"value": "Dépêche", "count": 1}]
    everything = api.get("/facets/source").json["values"]
    assert {v["value"] for v in everything} == {"Dawn", "Daily Times", "Dépêche", "Tribune"}
    assert len(api.get("/facets/source", {"size": 1}).json["values"]) == 1


def test_facet_value_search_counts_copies_once_as_the_search_facets_do(api: SearchApi) -> None:
    story = "The harbour reopened after the storm, officials said on Monday."
    api.index(
        *(article_doc("Harbour reopens", story, source="Dawn", key=f"inbox/copy-{i}.txt") for i in range(3)),
        article_doc("Budget passed", "The council passed the budget.", source="Dawn"),
        article_doc("Tram line opens", "The tram line opened on Friday.", source="Daily Times"),
    )
    listed = api.get("/search", {"facets": "source"}).json["facets"]["source"]

    found = api.get("/facets/source", {"prefix": "da"}).json["values"]

    assert found == listed
    assert {"value": "Dawn", "count": 2} in found  # the three copies are one hit


def test_facet_values_of_multi_valued_tags_only_list_matching_tags(corpus: SearchApi) -> None:
    values = corpus.get("/facets/tag", {"prefix": "cr"}).json["values"]
    # The goggles story and its copy are one group; the tombstone's tag is not counted.
    assert values == [{"value": "crime", "count": 1}]


def test_facet_value_search_of_an_unknown_field_is_a_400(corpus: SearchApi) -> None:
    response = corpus.get("/facets/password", {"prefix": "a"})
    assert response.status == 400
    assert response.error["parameter"] == "field"
