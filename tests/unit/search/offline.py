"""The search handler called with no engine to reach, for what it refuses before asking the
engine. Import both names into a test module: ``no_engine`` is autouse there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.adapters.opensearch import cached_engine
from archive_search.settings import get_settings


@pytest.fixture(autouse=True)
def no_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")  # discard: nothing answers
    for cache in (get_settings, cached_engine):
        cache.cache_clear()
    yield
    for cache in (get_settings, cached_engine):
        cache.cache_clear()


def answer_of(path: str, query: str = "") -> tuple[int, dict[str, Any]]:
    """The status and JSON body ({} when not JSON) of ``GET path?query``."""
    from archive_search.handlers.search import handler

    result = handler(http_api_event("GET", path, query, {}), LambdaContext("archive-search-search", 29.0))
    return result["statusCode"], json.loads(result["body"]) if result["body"].startswith("{") else {}
