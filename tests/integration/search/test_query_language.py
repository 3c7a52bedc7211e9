"""GET /search: the q language, field boosts, typo tolerance and spelling variants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.integration.search.support import SearchApi, article_doc, corpus_id

pytestmark = pytest.mark.integration


def ids(api: SearchApi, **query: object) -> list[str]:
    response = api.get("/search", {"collapse": "false", "size": 50, **query})
    assert response.status == 200, response.text
    return [hit["id"] for hit in response.json["hits"]]


def test_words_must_all_match_by_default(corpus: SearchApi) -> None:
    assert set(ids(corpus, q="rain Lahore")) == {corpus_id("cricket"), corpus_id("urdu")}
    assert ids(corpus, q="rain India") == [corpus_id("cricket")]


def test_quoted_phrase_matches_words_in_that_order_only(corpus: SearchApi) -> None:
    assert set(ids(corpus, q='"night vision goggles"')) == {corpus_id("goggles"), corpus_id("goggles_copy")}
    assert ids(corpus, q='"goggles vision night"') == []


def test_minus_excludes_a_word(corpus: SearchApi) -> None:
    assert ids(corpus, q="Lahore -cricket") == [corpus_id("urdu")]
    assert ids(corpus, q="Lahore NOT cricket") == [corpus_id("urdu")]


def test_or_matches_either_word(corpus: SearchApi) -> None:
    assert set(ids(corpus, q="cricket OR parliament")) == {corpus_id("cricket"), corpus_id("budget")}
    assert set(ids(corpus, q="cricket | parliament")) == {corpus_id("cricket"), corpus_id("budget")}


def test_trailing_star_matches_word_prefixes(corpus: SearchApi) -> None:
    assert set(ids(corpus, q="parliam*")) == {corpus_id("budget")}
    assert corpus_id("cricket") in ids(corpus, q="crick*")


def test_parentheses_group_alternatives(corpus: SearchApi) -> None:
    assert ids(corpus, q="(cricket | weather) India") == [corpus_id("cricket")]
    assert set(ids(corpus, q="(cricket | weather) -India")) == {corpus_id("urdu")}


def test_title_match_ranks_above_body_match(api: SearchApi) -> None:
    in_title = article_doc("Monsoon arrives early", "Farmers in Sindh prepare for the season.")
    in_body = article_doc("Farmers prepare", "The monsoon arrives early this year, farmers in Sindh say.")
    api.index(in_body, in_title)
    assert ids(api, q="monsoon") == [in_title[0], in_body[0]]


def test_in_restricts_the_search_to_title_or_body(corpus: SearchApi) -> None:
    assert ids(corpus, q="militants", **{"in": "title"}) == []
    assert set(ids(corpus, q="militants", **{"in": "body"})) == {
        corpus_id("goggles"),
        corpus_id("goggles_copy"),
    }
    assert ids(corpus, q="weather", **{"in": "title"}) == [corpus_id("urdu")]


def test_misspelt_word_still_finds_the_article(corpus: SearchApi) -> None:
    assert set(ids(corpus, q="gogles")) >= {corpus_id("goggles"), corpus_id("goggles_copy")}
    assert corpus_id("budget") in ids(corpus, q="parliment")


def test_exact_match_ranks_above_typo_match(api: SearchApi) -> None:
    typo = article_doc("Floods in Lahora", "Rain floods Lahora streets.")
    exact = article_doc("Floods in Lahore", "Rain floods Lahore streets.")
    api.index(typo, exact)
    assert ids(api, q="Lahore") == [exact[0], typo[0]]


@pytest.mark.parametrize("word", ["color", "colors", "defense", "theater", "organization", "favor", "labor"])
def test_american_spelling_finds_british_text(corpus: SearchApi, word: str) -> None:
    assert corpus_id("budget") in ids(corpus, q=word)


def test_british_spelling_finds_american_text(api: SearchApi) -> None:
    american = article_doc(
        "Center for analysis", "The center will analyze the behavior of traveled neighbors."
    )
    api.index(american)
    for word in ("centre", "analyse", "behaviour", "travelled", "neighbours"):
        assert ids(api, q=word) == [american[0]], word


def test_empty_q_lists_every_live_article(corpus: SearchApi) -> None:
    everything = set(ids(corpus))
    assert corpus_id("deleted") not in everything
    assert len(everything) == 6


def test_sort_newest_and_oldest_order_by_date_with_undated_last(corpus: SearchApi) -> None:
    newest = ids(corpus, sort="newest")
    oldest = ids(corpus, sort="oldest")
    assert newest[:2] == [corpus_id("budget"), corpus_id("urdu")]
    assert oldest[:2] == [corpus_id("hostile"), corpus_id("goggles")]
    assert newest[-1] == oldest[-1] == corpus_id("cricket")  # no date: last either way


def test_relevance_sort_is_the_default(corpus: SearchApi) -> None:
    hits = corpus.get("/search", {"q": "Karachi", "collapse": "false"}).json["hits"]
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0


def test_recent_sort_boosts_newer_articles_among_equally_relevant_ones(api: SearchApi) -> None:
    old = article_doc("Harbour dredging plan", "The harbour will be dredged.", published="2015-03-01")
    new = article_doc("Harbour dredging plan", "The harbour will be dredged!", published="2026-10-01")
    api.index(old, new)
    assert ids(api, q="harbour dredging", sort="recent") == [new[0], old[0]]
    assert ids(api, q="harbour dredging", sort="oldest") == [old[0], new[0]]


def test_recent_sort_halves_the_score_for_every_year_of_age(api: SearchApi) -> None:
    today = date.today()
    aged = {
        years: article_doc(
            "Harbour dredging plan",
            f"The harbour will be dredged ({years}).",
            published=(today - timedelta(days=365 * years)).isoformat(),
        )
        for years in (1, 2, 3)
    }
    api.index(*aged.values())

    def scores(sort: str) -> dict[str, float]:
        hits = api.get("/search", {"q": "harbour dredging", "sort": sort, "collapse": "false"}).json["hits"]
        return {hit["id"]: hit["score"] for hit in hits}

    relevance, recent = scores("relevance"), scores("recent")
    for years, (doc_id, _) in aged.items():
        assert recent[doc_id] / relevance[doc_id] == pytest.approx(0.5**years, rel=0.05), years


def test_recent_sort_ranks_an_undated_article_as_ten_years_old(api: SearchApi) -> None:
    # An article whose date is unknown is not news: it must not outrank every dated match.
    today = date.today()
    undated = article_doc("Harbour dredging plan", "The harbour will be dredged (undated).")
    last_year = article_doc(
        "Harbour dredging plan",
        "The harbour will be dredged (last year).",
        published=(today - timedelta(days=365)).isoformat(),
    )
    api.index(undated, last_year)

    assert ids(api, q="harbour dredging", sort="recent") == [last_year[0], undated[0]]
    relevance, recent = (
        {
            hit["id"]: hit["score"]
            for hit in api.get("/search", {"q": "harbour dredging", "sort": sort, "collapse": "false"}).json[
                "hits"
            ]
        }
        for sort in ("relevance", "recent")
    )
    assert recent[undated[0]] / relevance[undated[0]] == pytest.approx(0.5**10, rel=0.05)


def test_only_exclusions_list_the_rest_newest_first(corpus: SearchApi) -> None:
    found = ids(corpus, q="-goggles -cricket")
    assert found[:2] == [corpus_id("budget"), corpus_id("urdu")]
    assert corpus_id("goggles") not in found and corpus_id("cricket") not in found


def test_stop_words_beside_other_words_are_not_required(corpus: SearchApi) -> None:
    assert ids(corpus, q="the cricket") == [corpus_id("cricket")]
    assert ids(corpus, q="cricket in Lahore") == [corpus_id("cricket")]
    assert ids(corpus, q='"the cricket match"') == [corpus_id("cricket")]
    # Only stop words: searched as written (no article holds them all), never everything.
    assert ids(corpus, q="to be or not to be") == []


def test_a_phrase_of_stop_words_is_required_as_written(corpus: SearchApi) -> None:
    assert ids(corpus, q='cricket "to be"') == []
    assert ids(corpus, q='cricket "against India"') == [corpus_id("cricket")]


def test_numbers_are_not_typo_corrected(api: SearchApi) -> None:
    this_year = article_doc("Budget 2024 passed", "The 2024 budget was passed.")
    last_year = article_doc("Budget 2023 passed", "The 2023 budget was passed.")
    api.index(this_year, last_year)
    assert ids(api, q="2024 budget") == [this_year[0]]


def test_short_words_are_not_typo_matched_to_other_real_words(api: SearchApi) -> None:
    tram = article_doc("Tram line opens", "The new tram line opens on Monday.")
    team = article_doc("Team wins final", "The team won the final on Sunday.")
    api.index(tram, team)
    assert ids(api, q="tram") == [tram[0]]
    assert ids(api, q="finall") == [team[0]]  # five letters and more: one typo allowed


def test_a_q_of_only_emoji_never_lists_every_article(api: SearchApi) -> None:
    # OpenSearch's tokenizer indexes emoji as words (<EMOJI>), so there "🔥" finds the article
    # holding it; osmem indexes none (search-languages.md, engine profile), so here it finds
    # nothing. It listed every article, as a q without words does.
    fire = article_doc("Wildfire", "A wildfire 🔥 spread across the hills 👍🏽.", key="e/fire.txt")
    rain = article_doc("Rain", "Heavy rain fell all day.", key="e/rain.txt")
    api.index(fire, rain)
    for q in ("🔥", "👍🏽", "🌧", '"🔥"'):
        assert rain[0] not in ids(api, q=q), q
