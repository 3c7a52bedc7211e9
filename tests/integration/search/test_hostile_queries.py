"""Hostile input never causes a 5xx: fuzzed q, parameters and cursors through the handler."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.search.support import SearchApi

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

SYNTAX = st.sampled_from(
    ['"', "(", ")", "-", "+", "|", "*", "?", "~", "^", "\\", "/", ":", "OR", "AND", "NOT", " "]
)
HOSTILE_WORDS = st.sampled_from(
    [
        "a*",
        "*",
        "?*?*",
        "/.*/",
        "[a TO z]",
        "9" * 400,
        "-1e999",
        "\x00",
        "\u202e",
        "\ufffd",
        "\ue000",
        "\ue001",
        "<script>",
        "goggles",
        "karachi~5",
        "body:x",
        "_id:1",
        "(((((((",
        ")))",
        '"""',
    ]
)
HOSTILE_Q = st.lists(st.one_of(SYNTAX, HOSTILE_WORDS, st.text(max_size=12)), max_size=40).map("".join)
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_not_5xx(api: SearchApi, query: object) -> None:
    response = api.get("/search", query)
    assert response.status in (200, 400), (query, response.status, response.text)
    if response.status == 400:
        assert response.error["code"] == "invalid_parameter"


@SETTINGS
@given(q=HOSTILE_Q)
def test_hostile_q_is_answered_with_results_or_a_400(corpus: SearchApi, q: str) -> None:
    assert_not_5xx(corpus, {"q": q, "facets": "source,published"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(
        ["size", "page", "from", "to", "has_date", "facet_size", "cursor", "source", "fields", "sort"]
    ),
    value=st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=30),
        st.just("9" * 300),
    ),
)
def test_hostile_parameter_values_are_answered_with_results_or_a_400(
    corpus: SearchApi, name: str, value: str
) -> None:
    assert_not_5xx(corpus, {name: value, "q": "goggles"})


def test_non_utf8_query_string_is_not_a_5xx(corpus: SearchApi) -> None:
    for raw in ("q=%FF%FE%FD", "q=%C3%28", "q=goggles%00%01", "source=%80&q=%ED%A0%80"):
        assert_not_5xx(corpus, raw)


@pytest.mark.parametrize("char", ["x", "ж", "क", "𠀀", "😀"])  # 1 to 4 bytes in UTF-8
def test_the_q_bound_counts_characters_whatever_their_bytes(corpus: SearchApi, char: str) -> None:
    # The bound docs/api.md states is 500 characters: a script of many bytes a character gets
    # as many as English, and one more is refused by name before the engine is asked.
    assert corpus.get("/search", {"q": char * 500}).status == 200
    response = corpus.get("/search", {"q": char * 501})
    assert response.status == 400
    assert response.error["code"] == "invalid_parameter"
    assert response.error["parameter"] == "q"
