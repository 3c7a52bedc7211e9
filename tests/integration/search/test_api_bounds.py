"""Every response fits Lambda's 6 MB response payload, however large the article."""

from __future__ import annotations

import json

import pytest

from archive_local.lambda_events import http_api_event
from archive_search.errors import InvalidRequest
from archive_search.model import MAX_BODY_CHARS
from archive_search.search.bounds import (
    MAX_HIT_TAGS,
    MAX_HIT_TEXT_CHARS,
    bounded_hit,
    check_response_size,
)
from tests.integration.search.support import SearchApi, article_doc, invoke

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
# Each piece is a word, an astral character (12 bytes when the runtime escapes non-ASCII)
# and a quote (escaped twice: once in the body, once in the envelope).
PIECE = 'flood😀" '
LONG_BODY = PIECE * 125_000  # 1,000,000 characters


def _payload_bytes(api: SearchApi, path: str, query: str = "") -> tuple[int, dict]:
    """The size of the handler's whole return value as the Lambda runtime serializes it."""
    result = invoke(api.env, http_api_event("GET", path, query))
    return len(json.dumps(result)), result


def test_a_long_body_comes_in_pages_each_under_the_lambda_limit(api: SearchApi) -> None:
    doc_id, doc = article_doc("A very long article", LONG_BODY)
    api.index((doc_id, doc))

    size, result = _payload_bytes(api, f"/articles/{doc_id}")
    assert result["statusCode"] == 200
    assert size < LAMBDA_RESPONSE_LIMIT
    first = json.loads(result["body"])
    assert len(first["body"]) == MAX_BODY_CHARS
    assert first["body_truncated"] is True and first["next_body_offset"] == MAX_BODY_CHARS
    assert first["body_total_chars"] == len(LONG_BODY)

    pieces, offset = [], 0
    while offset is not None:
        page = api.get(f"/articles/{doc_id}", {"body_offset": offset, "body_chars": 300_000 // 2}).json
        pieces.append(page["body"])
        offset = page["next_body_offset"]
    assert "".join(pieces) == LONG_BODY
    assert page["body_truncated"] is False


def test_body_page_size_is_bounded_and_documented(api: SearchApi) -> None:
    doc_id, doc = article_doc("Short", "A short body about floods.")
    api.index((doc_id, doc))
    too_many = api.get(f"/articles/{doc_id}", {"body_chars": MAX_BODY_CHARS + 1})
    assert too_many.status == 400 and too_many.error["parameter"] == "body_chars"
    past_the_end = api.get(f"/articles/{doc_id}", {"body_offset": 1000}).json
    assert past_the_end["body"] == "" and past_the_end["next_body_offset"] is None
    whole = api.get(f"/articles/{doc_id}").json
    assert whole["body"] == "A short body about floods." and whole["body_truncated"] is False


def test_hits_with_huge_strings_are_cut_and_flagged(api: SearchApi) -> None:
    huge_title = "flood " + '😀"' * 150_000
    docs = [
        article_doc(huge_title, f"Body {n} about a flood.", key=f"k{n}.txt", tags=["t"] * 5) for n in range(3)
    ]
    api.index(*docs)
    size, result = _payload_bytes(api, "/search", "q=flood&size=50&collapse=false")
    assert result["statusCode"] == 200, result["body"][:300]
    assert size < LAMBDA_RESPONSE_LIMIT
    hits = json.loads(result["body"])["hits"]
    assert len(hits) == 3
    for hit in hits:
        assert hit["truncated"] is True
        assert hit["title"] == huge_title[:MAX_HIT_TEXT_CHARS]
        assert len(hit["title_html"]) <= 8 * MAX_HIT_TEXT_CHARS


def test_short_hits_are_not_flagged(api: SearchApi) -> None:
    api.index(article_doc("Flood in Sindh", "A flood.", key="short.txt"))
    (hit,) = api.get("/search", {"q": "flood"}).json["hits"]
    assert "truncated" not in hit


def test_a_response_that_would_not_fit_is_a_400_naming_size() -> None:
    check_response_size(json.dumps({"body": "x" * 1000}))
    with pytest.raises(InvalidRequest) as error:
        check_response_size(json.dumps({"body": '"' * 3_100_000}))
    assert error.value.parameter == "size"


def test_authors_in_a_hit_are_bounded_like_tags() -> None:
    hit = bounded_hit({"id": "a", "authors": ["x" * 2_000] + ["Jane Doe"] * (MAX_HIT_TAGS + 5)})
    assert len(hit["authors"]) == MAX_HIT_TAGS and hit["authors"][0] == "x" * MAX_HIT_TEXT_CHARS
    assert hit["truncated"] is True
    assert "truncated" not in bounded_hit({"id": "b", "authors": ["Jane Doe"], "author_org": "AP"})


def test_a_cut_snippet_keeps_the_marks_of_the_matches_it_keeps() -> None:
    # html, text and matches describe one fragment: cutting the text must not unmark html.
    filler = "x" * 2_000
    text = f"flood {filler} flood"
    snippet = {
        "html": f"<mark>flood</mark> {filler} <mark>flood</mark>",
        "text": text,
        "matches": [[0, 5], [2007, 2012]],
    }
    hit = bounded_hit({"id": "a", "snippet": snippet})
    assert hit["snippet"]["text"] == text[:MAX_HIT_TEXT_CHARS]
    assert hit["snippet"]["matches"] == [[0, 5]]
    assert hit["snippet"]["html"] == "<mark>flood</mark> " + "x" * (MAX_HIT_TEXT_CHARS - 6)
    straddling = bounded_hit(
        {"id": "b", "snippet": {**snippet, "matches": [[MAX_HIT_TEXT_CHARS - 2, 1_005]]}}
    )
    assert straddling["snippet"]["matches"] == [[MAX_HIT_TEXT_CHARS - 2, MAX_HIT_TEXT_CHARS]]
    assert straddling["snippet"]["html"].endswith("<mark>xx</mark>")
