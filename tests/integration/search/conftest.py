"""Fixtures for the search API tests: an empty index per test, or a shared read-only corpus."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from archive_search.settings import Settings
from tests.integration.search.support import SearchApi, article_doc

# A small archive: two syndicated copies of one story, British and American spellings,
# a tombstone, an article without a date, and one carrying markup in every text field.
CORPUS = {
    "goggles": article_doc(
        "Night vision goggles seized in Karachi raid",
        "Police seized night vision goggles and rifles in a raid in Karachi on Tuesday.\n\n"
        "The equipment was meant for militants, officials said.",
        source="Dawn",
        published="2023-04-12",
        place="KARACHI",
        author="Imtiaz Ali",
        tags=["crime", "security"],
        url="https://www.dawn.com/news/1",
    ),
    "goggles_copy": article_doc(
        "Night vision goggles seized in Karachi raid",
        "Police seized night vision goggles and rifles in a raid in Karachi on Tuesday.\n\n"
        "The equipment was meant for militants, officials said.",
        key="wire/copy-of-goggles.txt",
        source="Tribune",
        published="2023-04-13",
        place="Karachi",
        tags=["crime"],
    ),
    "budget": article_doc(
        "Defence budget debated in parliament",
        "The defence budget and the national theatre programme were debated for hours. "
        "Labour groups asked the organisation to favour the colour of the new flag.",
        source="Dawn",
        published="2024-01-02",
        place="Islamabad",
        tags=["politics"],
    ),
    "cricket": article_doc(
        "Pakistan win cricket match in Lahore",
        "Pakistan won the cricket match against India in Lahore after a night of rain.",
        source="Geo",
        language="en",
        tags=["sport"],
    ),
    "urdu": article_doc(
        "Lahore weather report",
        "Heavy rain in Lahore and Karachi; the city centre flooded.",
        source="Jang",
        published="2023-07-01",
        language="ur",
        tags=["weather"],
    ),
    "hostile": article_doc(
        "<script>alert('title')</script> Markup <b>in</b> a title",
        "Body with <img src=x onerror=alert(1)> markup and a goggles mention & an ampersand.",
        source="<i>Evil</i> Source",
        published="2022-05-05",
        author='"><script>alert(2)</script>',
        tags=["<svg onload=alert(3)>"],
        url="javascript:alert(4)",
    ),
    "deleted": article_doc(
        "Deleted story about goggles",
        "This goggles article was deleted from the bucket.",
        source="Ghost",
        published="2023-04-20",
        tags=["crime"],
        deleted=True,
    ),
}


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


def corpus_id(name: str) -> str:
    return CORPUS[name][0]
