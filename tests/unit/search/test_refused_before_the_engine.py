"""What /search refuses is refused before the engine is asked, its profile included: a 400
naming the parameter even while the engine is down (no server runs here), never a 503 that
retrying cannot cure."""

from __future__ import annotations

import pytest

from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=2000", "page"),
        ("from=2025-01-01&to=2024-01-01", "from"),
        ("page=2&cursor=abc", "page"),
        ("facets=source&q=x&page=1001&size=10", "page"),
    ],
)
def test_a_request_past_its_bounds_is_a_400_while_the_engine_is_down(query: str, parameter: str) -> None:
    status, body = answer_of("/search", query)

    assert status == 400, body
    assert body["error"]["parameter"] == parameter


@pytest.mark.parametrize(
    "query", ["page=2000", "page=10001", "page=10001&size=1", "page=99999999999999999999"]
)
def test_a_page_past_the_first_10000_results_says_to_use_the_cursor(query: str) -> None:
    # page x size past the window, or page alone past the document's maximum (10000)
    status, body = answer_of("/search", query)

    assert status == 400, body
    assert "first 10000 results" in body["error"]["message"]
    assert "cursor" in body["error"]["message"]
