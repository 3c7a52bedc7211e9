"""A value of the wrong shape is refused in words that say what is accepted, never with the
regular expression that checks it (``String should match pattern '^[A-Za-z0-9]…'``), for query
and path parameters and for JSON fields alike. Refused before S3 or the engine is asked, so no
server runs here: the settings name an engine nobody listens on."""

from __future__ import annotations

import json

import pytest

from archive_local.lambda_events import LambdaContext, http_api_event
from tests.unit.test_request_bodies import _no_servers  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit

ARTICLE = {"title": "Harbour regatta", "body": "The regatta was postponed by a week."}


def error_of(
    handler_name: str, method: str, path: str, query: str = "", body: object = None
) -> dict[str, str]:
    from archive_search.handlers import search, write

    handler = {"search": search.handler, "write": write.handler}[handler_name]
    payload = None if body is None else json.dumps(body).encode()
    event = http_api_event(method, path, query, {"content-type": "application/json"}, payload)
    result = handler(event, LambdaContext(f"archive-search-{handler_name}", 29.0))
    assert result["statusCode"] == 400, result["body"]
    error: dict[str, str] = json.loads(result["body"])["error"]
    return error


@pytest.mark.parametrize(
    ("handler_name", "method", "path", "query", "body", "parameter", "says"),
    [
        (
            "search",
            "GET",
            "/ingest/status",
            "prefix=a&since=yesterday",
            None,
            "since",
            "ISO 8601 date or time",
        ),
        ("search", "GET", "/search", "from=2024/02", None, "from", "YYYY-MM-DD"),
        ("search", "POST", "/alerts", "", {"name": "a", "q": "x", "to": "02/2024"}, "to", "YYYY-MM-DD"),
        ("write", "PUT", "/articles/by-external-id/%20x", "", ARTICLE, "external_id", "letters, digits"),
        (
            "write",
            "POST",
            "/articles",
            "",
            {**ARTICLE, "external_id": "a/b"},
            "articles[0].external_id",
            "letters, digits",
        ),
        ("write", "POST", "/articles", "", {**ARTICLE, "url": "javascript:x"}, "articles[0].url", "http"),
        (
            "write",
            "POST",
            "/articles",
            "",
            {**ARTICLE, "language": "english!"},
            "articles[0].language",
            "en-GB",
        ),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_in_words(
    handler_name: str, method: str, path: str, query: str, body: object, parameter: str, says: str
) -> None:
    error = error_of(handler_name, method, path, query, body)

    assert error["parameter"] == parameter
    assert error["message"].startswith(f"{parameter}: must be "), error["message"]
    assert says in error["message"]
    assert "pattern" not in error["message"] and "^" not in error["message"]
