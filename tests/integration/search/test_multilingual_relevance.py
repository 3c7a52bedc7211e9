"""Every language of the relevance set (bench/relevance) finds its articles from inflected,
elided and compound queries: recall@10 >= 0.95 per language, through the real search handler.

Languages the engine analyses itself are held to it; on the local engine a few built-in
analyzers are missing (index_schema.OSMEM_MISSING) and those languages have the fallback
analysis, so there they are held only to finding their exact and typo-near words.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from bench import relevance

from archive_search.adapters.opensearch import cached_engine
from archive_search.index_schema import analysis_for, fully_analysed
from archive_search.settings import Settings
from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration

Corpus = tuple[SearchApi, dict[str, str]]


@pytest.fixture(scope="module")
def multilingual(search_url: str) -> Iterator[Corpus]:
    settings = Settings.from_env({"OPENSEARCH_URL": search_url, "INDEX_ALIAS": f"m-{uuid.uuid4().hex[:12]}"})
    api = SearchApi(settings)
    api.create_index()
    docs = {
        a.id: article_doc(a.title, a.body, language=a.language, key=f"rel/{a.id}.txt")
        for a in relevance.articles()
    }
    api.index(*docs.values())
    yield api, {doc_id: name for name, (doc_id, _) in docs.items()}
    api.drop()


def found(corpus: Corpus, q: str, **params: str) -> list[str]:
    api, names = corpus
    response = api.get("/search", {"q": q, "size": 10, **params})
    assert response.status == 200, response.text
    return [names[hit["id"]] for hit in response.json["hits"]]


def analysed_here(corpus: Corpus, language: str) -> bool:
    profile = cached_engine(corpus[0].settings).profile
    analysis = analysis_for(language)
    return analysis is not None and fully_analysed(analysis, profile)


def test_recall_at_10_is_at_least_095_in_every_analysed_language(multilingual: Corpus) -> None:
    recall, misses = relevance.recall_at_10(lambda q: found(multilingual, q))
    held = {lang: r for lang, r in recall.items() if analysed_here(multilingual, lang)}
    assert len(held) >= 8
    assert {lang: r for lang, r in held.items() if r < 0.95} == {}, misses


@pytest.mark.parametrize("pair", relevance.pairs(), ids=lambda p: f"{p.language}-{p.q}")
def test_each_inflected_query_finds_its_article_within_its_language(
    multilingual: Corpus, pair: relevance.Pair
) -> None:
    top = found(multilingual, pair.q, language=pair.language)
    if analysed_here(multilingual, pair.language):
        assert set(pair.expected) <= set(top)
    else:
        # The fallback: only articles in that language, whatever they match.
        assert set(top) <= {a.id for a in relevance.articles() if a.language == pair.language}
