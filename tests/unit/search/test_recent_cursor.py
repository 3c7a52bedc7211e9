"""sort=recent pages after a cursor score from the instant the first page did."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search.search.request import SearchRequest
from archive_search.search.service import SearchService

pytestmark = pytest.mark.unit


class Recording:
    """An engine answering every search with the same two hits, recording the bodies asked."""

    profile = "opensearch"

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        hits = [
            {
                "_id": f"id{i}",
                "_score": 0.5,
                "_source": {"fingerprint": f"fp{i}"},
                "sort": [0.5, "b", f"k{i}", 0],
            }
            for i in range(2)
        ]
        return {"hits": {"total": {"value": 9}, "hits": hits}, "aggregations": {}}


def origins(body: dict[str, Any]) -> list[Any]:
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "exp" in node:
                found.append(node["exp"]["published"]["origin"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


def test_a_recent_cursor_page_decays_from_the_first_page_s_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    # The recency boost decays with the time since publication: scored from "now" on every page,
    # each page's scores fall below the cursor's as time passes, and the walk repeats the page.
    engine = Recording()
    service = SearchService(engine, cursor_key=b"k" * 32)  # type: ignore[arg-type]
    request = SearchRequest(q="flood", sort="recent", size=2, collapse=False, fields=("id",))
    clock = iter([1_700_000_000_000, 1_700_000_600_000])
    monkeypatch.setattr("archive_search.search.service.epoch_ms", lambda: next(clock))
    first = service.search(request)
    service.search(SearchRequest(**{**request.__dict__, "cursor": first["next_cursor"]}))
    [first_origin], [next_origin] = (origins(body) for body in engine.bodies)
    assert first_origin == next_origin == "2023-11-14T22:13:20.000Z"


@pytest.mark.parametrize("origin", [-1, True, 1.5, "now", 10**15])
def test_a_signed_cursor_with_an_origin_the_api_never_makes_is_refused(origin: Any) -> None:
    from archive_search.errors import InvalidRequest
    from archive_search.search import cursor as cursors

    key = b"k" * 32
    token = cursors.encode([0.5, "b", "k", 0], "d", [], key=key, origin=origin)
    with pytest.raises(InvalidRequest, match="expired or invalid cursor"):
        cursors.decode(token, "d", key=key)
    assert cursors.decode(cursors.encode([1], "d", [], key=key, origin=0), "d", key=key).origin == 0
