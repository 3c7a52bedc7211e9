"""Article ids the engine is asked for: only ids that name a document in its URL path."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search.errors import NotFound
from archive_search.search.service import SearchService

pytestmark = pytest.mark.unit


class Documents:
    """An engine holding one document; every id it is asked for is recorded."""

    profile = "opensearch"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get(self, doc_id: str) -> dict[str, Any]:
        self.asked.append(doc_id)
        if doc_id != "9660e8cd72f7965a7b8161d1dd4f5e1c":
            raise NotFound(f"no article with id {doc_id!r}")
        return {"title": "Flood", "body": "Flood text.", "deleted": False}


@pytest.mark.parametrize("doc_id", [".", ".."])
def test_a_dot_segment_id_is_not_found_without_asking_the_engine(doc_id: str) -> None:
    # GET /<alias>/_doc/.. reaches the engine as GET /<alias>/ (HTTP clients remove dot
    # segments from a path): its answer, the index's description, is no article.
    engine = Documents()
    service = SearchService(engine)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match=f"no article with id {doc_id}$"):
        service.article(doc_id)
    with pytest.raises(NotFound):
        service.similar(doc_id)
    assert engine.asked == []


def test_ids_with_dots_among_other_characters_are_still_looked_up() -> None:
    engine = Documents()
    with pytest.raises(NotFound):
        SearchService(engine).article("a..b")  # type: ignore[arg-type]
    assert engine.asked == ["a..b"]
    assert SearchService(engine).article("9660e8cd72f7965a7b8161d1dd4f5e1c")["title"] == "Flood"  # type: ignore[arg-type]
