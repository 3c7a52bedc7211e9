"""The engine side of /search: bounded highlighting, phrase and stop-word semantics, index and
query analysis that agree, facet counts that count what the hits count, one engine round trip
per page, and per-language analysis (own language first, spelling variants English-only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from archive_search.adapters.opensearch import cached_engine
from archive_search.index_schema import (
    ANALYSES,
    FALLBACK,
    HIGHLIGHT_CHARS,
    analyzers_of,
    fully_analysed,
)
from archive_search.search.request import SearchRequest
from archive_search.search.service import SearchService
from tests.integration.search.support import TEST_CURSOR_SECRET, SearchApi, article_doc

pytestmark = pytest.mark.integration


def ids(api: SearchApi, **query: object) -> list[str]:
    response = api.get("/search", {"collapse": "false", **query})
    assert response.status == 200, response.text
    return [hit["id"] for hit in response.json["hits"]]


# -- 1. bounded highlighting ------------------------------------------------------------
def test_a_large_body_is_found_but_highlighted_only_within_the_bound(api: SearchApi) -> None:
    # Given an article whose only mention of the word lies past the highlighting bound
    long_body = (
        "Harbour dredging report. " + "filler words of the record " * (HIGHLIGHT_CHARS // 20) + "zeppelin"
    )
    large = article_doc("Port records", long_body)
    api.index(large)
    # When searching for that word with snippets
    response = api.get("/search", {"q": "zeppelin", "fields": "id,snippet,title_html"})
    # Then the article is found (the whole body is searched) and the snippet comes from the
    # bounded lead, without a mark, instead of analysing the whole body
    assert response.status == 200, response.text
    [hit] = response.json["hits"]
    assert hit["id"] == large[0]
    assert hit["snippet"]["matches"] == []
    assert hit["snippet"]["text"].startswith("Harbour dredging report.")


def test_the_highlight_bound_stays_within_the_index_max_analyzed_offset(api: SearchApi) -> None:
    engine = cached_engine(api.settings)
    [index] = engine.alias_targets()
    settings = engine.client.indices.get_settings(index=index)[index]["settings"]["index"]
    body, _ = SearchService(engine).search_body(SearchRequest(q="harbour"))
    assert body["highlight"]["max_analyzer_offset"] <= int(settings["highlight"]["max_analyzed_offset"])
    # The body is highlighted from its bounded lead; title and description are short (bounded at ingest)
    assert set(body["highlight"]["fields"]) == {"title", "description", "lead"}
    # Snippets come from the highlighted lead: the body itself is never fetched for them
    assert "body" not in body["_source"]


def test_browsing_without_words_gives_snippets_from_the_lead(api: SearchApi) -> None:
    api.index(article_doc("Port records", "Harbour dredging report for the year."))
    [hit] = api.get("/search", {"fields": "id,snippet"}).json["hits"]
    assert hit["snippet"]["text"] == "Harbour dredging report for the year."


# -- 2. phrases and stop words ------------------------------------------------------------
def test_a_phrase_keeps_its_stop_words_and_word_order(api: SearchApi) -> None:
    hamlet = article_doc("Hamlet at the Globe", "He asked whether to be or not to be was the question.")
    other = article_doc("Be there", "Not everyone wanted to be there, or so it seemed to be.")
    same = article_doc("Merger", "The two firms are now the same business under one name.")
    swapped = article_doc("Shops", "Business as usual: the same shops opened on the same street.")
    api.index(hamlet, other, same, swapped)
    assert ids(api, q='"to be or not to be"') == [hamlet[0]]
    assert ids(api, q='"same business"') == [same[0]]
    assert ids(api, q='"business same"') == []


def test_a_query_of_only_stop_words_matches_those_words_never_everything(api: SearchApi) -> None:
    those = article_doc("Old records", "Those were the days of the old harbour.")
    plain = article_doc("Harbour news", "A ship came in.")
    api.index(those, plain)
    assert ids(api, q="those") == [those[0]]
    assert ids(api, q="the") == [those[0]]
    assert ids(api, q="an") == []


def _tokens(engine: Any, index: str, **request: Any) -> list[str]:
    return [t["token"] for t in engine.client.indices.analyze(index=index, body=request)["tokens"]]


def test_index_and_query_analysis_agree_for_every_language(api: SearchApi) -> None:
    # What each field indexes (read back with _termvectors) is what _analyze says its index
    # analyzer makes, and its query analyzers make a subset of those terms (stop words aside).
    engine = cached_engine(api.settings)
    [index] = engine.alias_targets()
    text = (
        "Die Brücken der Radfahrern; les chevaux de l'hôpital; Москвы мосты, Ёлка; ciudades y puentes; "
        "東京大学の研究者; the colours of the bridges; hospitais e pontes; gli ospedali"
    )
    fields = {"body": {"analyzer": FALLBACK, "search_analyzer": FALLBACK, "search_quote_analyzer": FALLBACK}}
    fields |= {f"lang.{name}.body": analyzers_of(name, engine.profile) for name in ANALYSES}
    checked = 0
    for field, analyzers in fields.items():
        if field != "body" and analyzers["analyzer"] == FALLBACK:
            continue
        checked += 1
        doc: dict[str, Any] = {"body": text}
        if field != "body":
            doc["lang"] = {field.split(".")[1]: {"body": text}}
        engine.client.index(index=index, id=field, body=doc, refresh=True)
        vectors = engine.client.termvectors(index=index, id=field, fields=field)["term_vectors"]
        indexed = set(vectors[field]["terms"])
        assert set(_tokens(engine, index, field=field, text=text)) == indexed, field
        assert _tokens(engine, index, analyzer=analyzers["search_quote_analyzer"], text=text) == _tokens(
            engine, index, analyzer=analyzers["analyzer"], text=text
        ), field
        assert set(_tokens(engine, index, analyzer=analyzers["search_analyzer"], text=text)) <= indexed, field
    assert checked == 1 + sum(fully_analysed(name, engine.profile) for name in ANALYSES) >= 9


# -- facet counts and collapse --------------------------------------------------------------
def test_with_collapse_a_facet_value_counts_the_hits_its_selection_lists(api: SearchApi) -> None:
    story = "Senators questioned the envoy about the call for hours on Tuesday."
    api.index(
        article_doc("Envoy questioned", story, source="The Hill", key="a/1.txt"),
        article_doc("Envoy questioned", story, source="The Hill", key="a/2.txt"),
        article_doc("Envoy questioned", story, source="Wire", key="a/3.txt"),
        article_doc("Another envoy story", "The envoy flew home after the hearing.", source="The Hill"),
    )
    result = api.get("/search", {"q": "envoy", "facets": "source,published"}).json
    counts = {v["value"]: v["count"] for v in result["facets"]["source"]}
    for source, count in counts.items():
        selected = api.get("/search", {"q": "envoy", "source": source}).json
        assert len(selected["hits"]) == count == selected["total_groups"], source
    assert counts == {"The Hill": 2, "Wire": 1}
    assert result["total_groups"] == len(result["hits"]) == 2


# -- one round trip per page -----------------------------------------------------------------
class CountingEngine:
    """The real engine, counting the HTTP round trips the service makes."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.round_trips = 0

    @property
    def profile(self) -> str:
        return str(self.engine.profile)

    def search(self, body: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        self.round_trips += 1
        return dict(self.engine.search(body, **kwargs))

    def msearch(self, bodies: list[Mapping[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        self.round_trips += 1
        return list(self.engine.msearch(bodies, **kwargs))


def counting_service(api: SearchApi) -> tuple[SearchService, CountingEngine]:
    """A search service on the test's index whose engine counts its round trips."""
    counting = CountingEngine(cached_engine(api.settings))
    counting.engine.profile  # noqa: B018 -- the profile is read once, before counting
    return SearchService(counting, cursor_key=TEST_CURSOR_SECRET.encode()), counting


def flood_stories(stories: int, copies: int, **fields: Any) -> list[tuple[str, dict[str, Any]]]:
    """``stories`` reports of ``copies`` near-identical copies each (Flood 0, Flood 1, ...)."""
    return [
        article_doc(
            f"Flood {i}", f"Flood report {i % stories}: the river rose.", key=f"f/{i}.txt",
            **{name: value(i) if callable(value) else value for name, value in fields.items()},
        )
        for i in range(stories * copies)
    ]  # fmt: skip


def test_every_collapsed_page_with_facets_takes_one_engine_round_trip(api: SearchApi) -> None:
    api.index(*flood_stories(4, 3, source="Dawn"))
    service, counting = counting_service(api)
    pages = [
        service.search(SearchRequest(q="flood", size=2, page=page, facets=("source", "published")))
        for page in (1, 2)
    ]
    assert counting.round_trips == 2
    # Reports 0..3 each have three copies: every hit's group holds 3 documents.
    assert [hit["duplicates"] for page in pages for hit in page["hits"]] == [2, 2, 2, 2]
    assert pages[0]["total_groups"] == 4
    assert not {h["id"] for h in pages[0]["hits"]} & {h["id"] for h in pages[1]["hits"]}


def _cursor_pages(service: SearchService, counting: CountingEngine, query: dict[str, Any], *, between=None):
    """Every page of a cursor walk, with the engine round trips each cursor page took."""
    pages = [service.search(SearchRequest(**query))]
    trips = []
    while pages[-1]["next_cursor"]:
        if between:
            between(len(pages))
        before = counting.round_trips
        pages.append(service.search(SearchRequest(**query, cursor=pages[-1]["next_cursor"])))
        trips.append(counting.round_trips - before)
        assert len(pages) < 20
    return pages, trips


def test_every_collapsed_cursor_page_with_facets_takes_one_engine_round_trip(api: SearchApi) -> None:
    # Given six stories with three copies each
    api.index(*flood_stories(6, 3, source="Dawn"))
    service, counting = counting_service(api)
    query = {"q": "flood", "size": 2, "facets": ("source", "published")}
    # When walking them with cursors
    pages, trips = _cursor_pages(service, counting, query)
    # Then every page after the first took one round trip, collapse and facets included
    assert trips == [1, 1, 1]
    # and lists what the numbered pages list, with the same copies, counts and facets
    numbered = [service.search(SearchRequest(**query, page=page)) for page in (1, 2, 3)]
    assert [h["id"] for p in pages for h in p["hits"]] == [h["id"] for p in numbered for h in p["hits"]]
    assert [hit["duplicates"] for page in pages for hit in page["hits"]] == [2] * 6
    assert all(page["facets"] == numbered[0]["facets"] and page["total_groups"] == 6 for page in pages)
    assert pages[-1]["hits"] == [] and all(page["total"] == 18 for page in pages)


def test_a_collapsed_cursor_still_lists_every_group_once_after_the_index_changed(api: SearchApi) -> None:
    # Given six stories with two copies each, walked newest first
    api.index(*flood_stories(6, 2, published=lambda i: f"2023-05-{i % 6 + 1:02d}"))
    service, counting = counting_service(api)
    late = article_doc(
        "Flood late", "Flood report late: the dam held.", key="f/late.txt", published="2023-06-01"
    )

    def change(page_number: int) -> None:
        if page_number == 1:  # a new story sorts before the cursor: the positions shift
            api.index(late)

    # When the index changes between the first and second page
    query = {"q": "flood", "size": 2, "sort": "newest"}
    pages, trips = _cursor_pages(service, counting, query, between=change)
    # Then the page after the change is read with search_after (more than one request) and
    # the walk lists each old story once with its copies, never the new one before the cursor
    assert trips[0] > 1
    hits = [hit for page in pages for hit in page["hits"]]
    titles = [hit["title"] for hit in hits]
    assert "Flood late" not in titles
    assert sorted(int(title.split()[1]) % 6 for title in titles) == list(range(6))
    assert [hit["duplicates"] for hit in hits] == [1] * 6


# -- languages ----------------------------------------------------------------------------------
def test_an_inflected_german_query_finds_and_highlights_its_article(api: SearchApi) -> None:
    bridge = article_doc(
        "Lindenbrücke gesperrt", "Die Brücke ist für Radfahrer gesperrt.", language="de", key="de/1.txt"
    )
    api.index(bridge)
    response = api.get("/search", {"q": "Brücken Radfahrern", "fields": "id,snippet"})
    [hit] = response.json["hits"]
    assert hit["id"] == bridge[0]
    assert "<mark>Brücke</mark>" in hit["snippet"]["html"]


def test_a_match_in_the_article_own_language_ranks_first(api: SearchApi) -> None:
    german = article_doc("Neue Brücken", "Die Stadt baut neue Brücken.", language="de", key="l/de.txt")
    # An English article quoting the German word: matched by the fallback, not by its analysis
    english = article_doc(
        "Berlin notes", "The sign said Brücken and nothing else, in a long article.", key="l/en.txt"
    )
    api.index(german, english)
    assert ids(api, q="Brücken") == [german[0], english[0]]


def test_spelling_variants_apply_to_english_articles_only(api: SearchApi) -> None:
    # "plow" is too short for typo tolerance: only the variant finds "plough"
    english = article_doc("Farm news", "The old plough was sold at the fair.", key="v/en.txt")
    french = article_doc("La ferme", "Le mot anglais plough est écrit ainsi.", language="fr", key="v/fr.txt")
    api.index(english, french)
    assert ids(api, q="plow") == [english[0]]
    assert set(ids(api, q="plough")) == {english[0], french[0]}


def test_an_unsupported_or_undetected_language_is_searched_by_the_fallback(api: SearchApi) -> None:
    engine = cached_engine(api.settings)
    urdu = article_doc("Lahore", "Lahore mein barish hui.", language="ur", key="u/1.txt")
    unknown = article_doc("Note", "Café prices rose.", language=None, key="u/2.txt")
    api.index(urdu, unknown)
    assert ids(api, q="barish") == [urdu[0]]
    assert ids(api, q="cafe") == [unknown[0]]  # folded: accents and case
    assert fully_analysed("german", engine.profile)
