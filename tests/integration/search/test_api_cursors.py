"""Cursors are authenticated and bounded: every malformed, forged or outdated cursor is a 400.

The hostile cursors are built the way an attacker who knows the format would build them,
some even with the service's own key (as if it had leaked), to show the contents are
validated as well as authenticated.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from archive_search.search import cursor as cursors
from tests.integration.search.support import TEST_CURSOR_SECRET, SearchApi, corpus_id

KEY = TEST_CURSOR_SECRET.encode()
QUERY = {"q": "goggles", "size": 1, "collapse": "false"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _signed(raw: bytes, key: bytes = KEY) -> str:
    """A cursor holding ``raw`` (JSON text) compressed, with a valid tag under ``key``."""
    payload = zlib.compress(raw, 9)
    return f"{_b64(payload)}.{_b64(cursors._tag(key, payload))}"


def _unsigned(raw: bytes) -> str:
    """The cursor format before authentication: compressed JSON, nothing else."""
    return _b64(zlib.compress(raw, 9))


def _first_cursor(corpus: SearchApi) -> tuple[str, dict[str, object]]:
    token = corpus.get("/search", QUERY).json["next_cursor"]
    assert token
    payload = token.split(".")[0]
    return token, json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _assert_invalid_cursor(corpus: SearchApi, token: str) -> None:
    response = corpus.get("/search", {**QUERY, "cursor": token})
    assert response.status == 400, response.text
    assert response.error["parameter"] == "cursor"
    assert "expired or invalid cursor" in response.error["message"]


def test_a_real_cursor_still_pages(corpus: SearchApi) -> None:
    token, _ = _first_cursor(corpus)
    second = corpus.get("/search", {**QUERY, "cursor": token})
    assert second.status == 200
    assert {h["id"] for h in second.json["hits"]} <= {corpus_id("goggles"), corpus_id("goggles_copy")}


@pytest.mark.parametrize("sign", [_unsigned, _signed], ids=["unsigned", "with-leaked-key"])
def test_deeply_nested_cursor_is_a_400_not_a_recursion_error(corpus: SearchApi, sign) -> None:
    _assert_invalid_cursor(corpus, sign(b"[" * 30000))


def test_a_400_digit_sort_value_is_a_400_not_an_overflow(corpus: SearchApi) -> None:
    _, data = _first_cursor(corpus)
    huge = "9" * 400
    raw = json.dumps({**data, "a": []}).replace('"a": []', f'"a": [{huge}, "archive", "k", 0]').encode()
    _assert_invalid_cursor(corpus, _signed(raw))
    for first in ("1e400", "-1e400"):  # infinities once parsed
        raw = json.dumps({**data, "a": []}).replace('"a": []', f'"a": [{first}, "archive", "k", 0]')
        _assert_invalid_cursor(corpus, _signed(raw.encode()))


def test_a_cursor_altered_or_signed_with_another_key_is_refused(corpus: SearchApi) -> None:
    token, data = _first_cursor(corpus)
    forged = json.dumps({**data, "s": []}).encode()  # "show me the groups I have seen again"
    _assert_invalid_cursor(corpus, _signed(forged, key=b"x" * 32))
    payload, tag = token.split(".")
    _assert_invalid_cursor(corpus, f"{_b64(zlib.compress(forged, 9))}.{tag}")
    _assert_invalid_cursor(corpus, f"{payload}.{tag[:-2]}AA")


def test_a_cursor_made_before_authentication_is_expired(corpus: SearchApi) -> None:
    _, data = _first_cursor(corpus)
    _assert_invalid_cursor(corpus, _unsigned(json.dumps({**data, "v": 1}).encode()))


def test_contents_beyond_what_the_api_makes_are_refused_even_when_signed(corpus: SearchApi) -> None:
    _, data = _first_cursor(corpus)
    for bad in (
        {**data, "s": ["f" * 10] * (cursors.MAX_SEEN_GROUPS + 1)},
        {**data, "s": ["f" * 5000]},
        {**data, "a": [0.5, "archive", "k" * 5000, 0]},
        {**data, "a": [True, "archive", "k", 0]},
        {**data, "a": [[1], "archive", "k", 0]},
        {**data, "v": 99},
        {**data, "g": 0},
        {**data, "g": True},
        {**data, "g": cursors.MAX_SHOWN + 1},
    ):
        _assert_invalid_cursor(corpus, _signed(json.dumps(bad).encode()))


def test_search_without_a_cursor_key_is_an_error_naming_the_setting(corpus: SearchApi) -> None:
    saved = corpus.env
    corpus.env = {**saved, "CURSOR_SECRET": ""}
    try:
        response = corpus.get("/search", QUERY)
    finally:
        corpus.env = saved
    assert response.status == 500
    assert response.error["code"] == "configuration_error"
