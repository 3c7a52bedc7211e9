"""A page's standfirst, through the real ingest and search handlers: cleaned into the
article's description (the body leaves it out), indexed, searched, highlighted and returned."""

from __future__ import annotations

import pytest

from archive_search.model import ObjectRef, document_id
from tests.ingest_support import ingest  # noqa: F401  (the fixture)
from tests.integration.search.support import SearchApi

pytestmark = pytest.mark.integration

STANDFIRST = "Dredging the silted marina & its quays will take most of the money, officials say."
PAGE = """<!doctype html><html lang="en"><head><title>Council approves harbour budget | Valmont Post</title>
<meta property="og:site_name" content="Valmont Post">
<meta property="og:description" content="{description}"></head>
<body><article><h1>Council approves harbour budget</h1>
<p>The city council approved the new harbour budget on Tuesday after a long debate about schools and roads.</p>
<p>Opposition members said the plan raised local taxes without improving public transport in the city.</p>
<p>The mayor said the harbour would reopen to ferries next spring once the work was finished.</p>
</article></body></html>"""


@pytest.fixture
def indexed(ingest):  # noqa: F811  (the fixture imported above)
    ingest.put("inbox/harbour.html", PAGE.format(description=STANDFIRST.replace("&", "&amp;")))
    ingest.drain()
    api = SearchApi(ingest.settings)
    api.engine.refresh()
    return api, document_id(ObjectRef(ingest.archive.bucket, "inbox/harbour.html"))


def test_a_word_only_in_the_description_finds_the_article_and_the_hit_carries_it(indexed) -> None:
    api, doc_id = indexed

    found = api.get("/search", {"q": "dredging"})

    assert found.status == 200, found.text
    [hit] = found.json["hits"]
    assert hit["id"] == doc_id
    assert hit["description"] == STANDFIRST
    assert hit["description_html"].startswith("<mark>Dredging</mark> the silted marina &amp; its quays")
    assert "dredging" not in api.get(f"/articles/{doc_id}").json["body"].lower()


def test_in_body_and_in_title_leave_the_description_out(indexed) -> None:
    api, _ = indexed

    assert api.get("/search", {"q": "dredging", "in": "body"}).json["total"] == 0
    assert api.get("/search", {"q": "dredging", "in": "title"}).json["total"] == 0
    assert api.get("/search", {"q": "ferries", "in": "body"}).json["total"] == 1


def test_a_hit_found_by_its_body_shows_its_description_escaped_without_marks(indexed) -> None:
    api, _ = indexed

    [hit] = api.get("/search", {"q": "ferries", "fields": "title,description,description_html"}).json["hits"]

    assert set(hit) == {"id", "title", "description", "description_html"}
    assert hit["description"] == STANDFIRST
    assert hit["description_html"] == STANDFIRST.replace("&", "&amp;")


def test_the_article_route_returns_the_description(indexed) -> None:
    api, doc_id = indexed

    article = api.get(f"/articles/{doc_id}").json

    assert article["description"] == STANDFIRST
