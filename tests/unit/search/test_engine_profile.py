"""The engine profile fences the local engine's gaps: one setting, and nothing else differs."""

from __future__ import annotations

import pytest

from archive_search.adapters.opensearch import SearchEngine
from archive_search.errors import ConfigurationError
from archive_search.index_schema import OSMEM_MISSING, article_index_body, language_fields
from archive_search.search.query import search_fields, text_query
from archive_search.search.syntax import parse_query
from archive_search.settings import Settings

pytestmark = pytest.mark.unit


class NoNetwork:
    def info(self) -> dict[str, str]:
        raise AssertionError("the profile was asked from the engine")


def test_engine_profile_is_validated_and_sigv4_means_opensearch_without_asking() -> None:
    with pytest.raises(ConfigurationError, match="ENGINE_PROFILE"):
        Settings.from_env({"OPENSEARCH_URL": "http://127.0.0.1:9200", "ENGINE_PROFILE": "elastic"})
    aws = Settings.from_env({"OPENSEARCH_URL": "https://search-x.us-east-1.es.amazonaws.com"})
    assert aws.engine_profile == "auto" and aws.opensearch_auth == "sigv4"
    assert SearchEngine(NoNetwork(), aws).profile == "opensearch"  # type: ignore[arg-type]
    local = Settings.from_env({"OPENSEARCH_URL": "http://127.0.0.1:9200", "ENGINE_PROFILE": "osmem"})
    assert SearchEngine(NoNetwork(), local).profile == "osmem"  # type: ignore[arg-type]


def test_only_the_osmem_profile_carries_the_workarounds() -> None:
    real, local = article_index_body("opensearch"), article_index_body("osmem")
    # Same document shape everywhere: every analysis has its fields in both mappings.
    assert real["mappings"]["properties"]["lang"].keys() == local["mappings"]["properties"]["lang"].keys()
    dutch = {
        p: m["mappings"]["properties"]["lang"]["properties"]["dutch"]["properties"]["body"]
        for p, m in (("real", real), ("local", local))
    }
    assert dutch["real"]["analyzer"] == "dutch_index" and dutch["local"]["analyzer"] == "folded"
    assert "dutch" in OSMEM_MISSING
    assert real["settings"]["analysis"]["analyzer"]["german_index"] == {
        "type": "german",
        "stopwords": "_none_",
    }
    curly = {
        p: m["settings"]["analysis"]["char_filter"]["english_possessive_curly"]["replacement"]
        for p, m in (("real", real), ("local", local))
    }
    assert curly == {"real": "", "local": "    "}  # ’s is four UTF-8 bytes


def test_query_time_spelling_variants_only_where_asked_and_only_on_english_fields() -> None:
    node = parse_query("colours")
    plain = str(text_query(node, search_fields(None)))
    assert "colors" not in plain
    expanded = search_fields(None, query_variants=True)
    assert expanded.english and all(".english." in field for field in expanded.english)
    assert "colors" in str(text_query(node, expanded))


def test_a_document_carries_its_language_copy_and_a_bounded_lead() -> None:
    fields = language_fields("Titel", "Die Brücke " * 50_000, "de")
    assert set(fields["lang"]) == {"german"} and fields["lang"]["german"]["title"] == "Titel"
    assert len(fields["lead"]) == 100_000
    assert "lang" not in language_fields("Title", "Text", "xx") and "lang" not in language_fields(
        "T", "B", None
    )


def _expanding_clauses(query: object) -> list[dict]:
    """Every multi_match that expands (fuzziness or phrase_prefix) in a query body."""
    found: list[dict] = []
    if isinstance(query, dict):
        match = query.get("multi_match")
        if isinstance(match, dict) and ("fuzziness" in match or match.get("type") == "phrase_prefix"):
            found.append(match)
        for value in query.values():
            found += _expanding_clauses(value)
    elif isinstance(query, list):
        for value in query:
            found += _expanding_clauses(value)
    return found


def test_typo_and_prefix_expansions_run_on_the_fallback_fields_only() -> None:
    # Their clauses would otherwise grow with every language searched, past OpenSearch's cap.
    fields = search_fields(None)
    assert len(fields.text) > 60
    clauses = _expanding_clauses(text_query(parse_query("parlament harb* infrastructure"), fields))
    assert len(clauses) == 3
    assert all(clause["fields"] == ["title^3", "description^2", "body"] for clause in clauses)


def test_a_language_tag_with_a_region_searches_its_language_s_analysis() -> None:
    # language=en-GB filters as en (the index keeps the language subtag): it searches the
    # English fields too, not the fallback alone.
    assert search_fields(None, ["en-GB"]).text == search_fields(None, ["en"]).text
    assert search_fields(None, ["DEU"]).text == search_fields(None, ["de"]).text
