"""Fixtures for the search API tests: an empty index per test, or a shared read-only corpus."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from archive_search.settings import Settings
from tests.integration.search.support import CORPUS, SearchApi


@pytest.fixture
def api(settings: Settings) -> Iterator[SearchApi]:
    """An empty article index for one test."""
    search_api = SearchApi(settings)
    search_api.create_index()
    yield search_api
    search_api.drop()


@pytest.fixture(scope="module")
def corpus(search_url: str) -> Iterator[SearchApi]:
    """The CORPUS, indexed once per test module (tests using it must not write)."""
    settings = Settings.from_env({"OPENSEARCH_URL": search_url, "INDEX_ALIAS": f"c-{uuid.uuid4().hex[:12]}"})
    search_api = SearchApi(settings)
    search_api.create_index()
    search_api.index(*CORPUS.values())
    yield search_api
    search_api.drop()
