"""Dutch analysis (index_schema's opensearch profile) brings each Dutch query of the relevance
set (bench/relevance) to terms its article is indexed with.

Asked of the engine's ``_analyze`` on an index built with the opensearch profile's settings.
The local engine runs that chain in ``_analyze`` but not when indexing (index_schema
OSMEM_MISSING), so there the search-level recall of Dutch is the fallback's
(test_multilingual_relevance); this test holds the analysis itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bench import relevance

from archive_search.adapters.opensearch import cached_engine
from archive_search.index_schema import analyzers_of, article_index_body

pytestmark = pytest.mark.integration

DUTCH = analyzers_of("dutch", "opensearch")


@pytest.fixture(scope="module")
def analyse(search_url: str) -> Iterator[Any]:
    from archive_search.settings import Settings

    settings = Settings.from_env({"OPENSEARCH_URL": search_url, "INDEX_ALIAS": "dutch-analysis"})
    client = cached_engine(settings).client
    index = "dutch-analysis-opensearch-profile"
    client.indices.create(index=index, body={"settings": article_index_body("opensearch")["settings"]})

    def tokens(analyzer: str, text: str) -> set[str]:
        answer = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
        return {token["token"] for token in answer["tokens"]}

    yield tokens
    client.indices.delete(index=index)


DUTCH_ARTICLES = {a.id: a for a in relevance.articles() if a.language == "nl"}
DUTCH_PAIRS = [p for p in relevance.pairs() if p.language == "nl"]


@pytest.mark.parametrize("pair", DUTCH_PAIRS, ids=lambda p: p.q)
def test_a_dutch_query_meets_its_article_and_no_other(analyse: Any, pair: relevance.Pair) -> None:
    query = analyse(DUTCH["search_analyzer"], pair.q)
    assert query, pair.q
    indexed = {
        name: analyse(DUTCH["analyzer"], f"{article.title} {article.body}")
        for name, article in DUTCH_ARTICLES.items()
    }
    assert {name for name, terms in indexed.items() if query <= terms} == set(pair.expected)


def test_dutch_plurals_meet_their_singulars_and_stop_words_go_only_from_queries(analyse: Any) -> None:
    index, search = DUTCH["analyzer"], DUTCH["search_analyzer"]
    for singular, plural in [
        ("brug", "bruggen"),
        ("bus", "bussen"),
        ("huis", "huizen"),
        ("brief", "brieven"),
        ("school", "scholen"),
        ("schip", "schepen"),
        ("kind", "kinderen"),
    ]:
        assert analyse(index, singular) == analyse(index, plural) == analyse(search, plural), plural
    assert "het" in analyse(index, "het huis") and analyse(search, "het huis") == analyse(index, "huis")
