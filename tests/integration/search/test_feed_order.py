"""GET /feed in the order the archive indexed the articles: a follower sees every new match,
an article indexed now with an old date too (an archive's back issues)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from archive_local.lambda_events import http_api_event
from archive_search.alerts.model import feed_url
from tests.integration.search.support import SearchApi, article_doc, invoke

pytestmark = pytest.mark.integration


def _ferry(day: int, published: str, *, title: str | None = None) -> tuple[str, dict[str, Any]]:
    return article_doc(
        title or f"Ferry strike, day {day}",
        f"The ferry crews stopped work for the {day}th day running, said the union on the quay.",
        key=f"inbox/ferry-{day:02}.txt",
        published=published,
        ingested_at=f"2026-11-{day:02}T08:00:00Z",
    )


def _get(api: SearchApi, url: str, **headers: str) -> dict[str, Any]:
    """The answer to a feed URL (absolute, or a path as an alert's feed_url is)."""
    parts = urlsplit(url)
    return invoke(api.env, http_api_event("GET", parts.path, parts.query, headers=headers))


def test_a_backdated_article_indexed_after_newer_ones_leads_the_alert_s_feed(api: SearchApi) -> None:
    # Given two recent articles, then back issue published in 2001 indexed after them,
    api.index(_ferry(1, "2024-05-01"), _ferry(2, "2024-06-01"))
    (backdated,) = api.index(_ferry(3, "2001-01-01", title="Ferry strike of 2001, from the back issues"))
    # when the reader of a feed-only alert polls its feed_url's first page,
    url = feed_url({"q": "ferry strike"}) + "&size=1"
    response = _get(api, url)

    # then the back issue is that first page: new to the archive, whatever its date.
    assert response["statusCode"] == 200, response["body"]
    feed = feedparser.parse(response["body"])
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert entry.id == f"urn:archive-search:article:{backdated}"
    assert entry.published == "2001-01-01T00:00:00Z"
    assert entry.updated == "2026-11-03T08:00:00Z"
    assert feed.feed.updated == "2026-11-03T08:00:00Z"


def test_the_feed_in_published_order_keeps_the_backdated_article_last(api: SearchApi) -> None:
    api.index(_ferry(1, "2024-05-01"), _ferry(2, "2024-06-01"), _ferry(3, "2001-01-01"))

    response = api.get("/feed", {"q": "ferry", "order": "published", "format": "json"})

    items = json.loads(response.text)["items"]
    assert [i["date_published"][:10] for i in items] == ["2024-06-01", "2024-05-01", "2001-01-01"]
    assert [i["date_modified"] for i in items] == [i["date_published"] for i in items]


@pytest.mark.parametrize("collapse", ["true", "false"])
def test_feed_pages_by_next_link_in_indexed_order_each_article_once(api: SearchApi, collapse: str) -> None:
    # Two articles share their indexing time: the tie is broken by where each came from, so
    # paging neither repeats nor skips one.
    docs = [_ferry(day, f"20{10 + day}-01-01") for day in (4, 1, 3, 2)]
    docs.append(_ferry(5, "2015-01-01", title="Ferry strike, the same morning"))
    docs[-1][1]["ingested_at"] = docs[2][1]["ingested_at"]  # day 5 indexed with day 3
    ids = dict(zip((4, 1, 3, 2, 5), api.index(*docs), strict=True))

    url: str | None = f"http://localhost/feed?q=ferry&format=json&size=2&collapse={collapse}"
    seen: list[str] = []
    while url:
        response = _get(api, url)
        assert response["statusCode"] == 200, response["body"]
        feed = json.loads(response["body"])
        seen += [item["id"].rsplit(":", 1)[1] for item in feed["items"]]
        url = feed.get("next_url")
        assert not url or "order=indexed" in url  # the next page in the same order

    assert seen == [ids[4], ids[3], ids[5], ids[2], ids[1]]


def test_the_etag_of_the_first_page_changes_when_a_backdated_article_is_indexed(api: SearchApi) -> None:
    api.index(_ferry(1, "2024-05-01"), _ferry(2, "2024-06-01"))
    first = {
        order: api.get("/feed", {"q": "ferry", "size": "2", "order": order})
        for order in ("indexed", "published")
    }

    api.index(_ferry(3, "2001-01-01"))
    again = {
        order: _get(
            api, f"/feed?q=ferry&size=2&order={order}", **{"if-none-match": first[order].headers["ETag"]}
        )
        for order in ("indexed", "published")
    }

    # The follower's feed has a new first entry: a full answer with another tag; the feed by
    # date did not change on its first page, so it is a 304 (the follower would miss it there).
    assert again["indexed"]["statusCode"] == 200
    assert again["indexed"]["headers"]["ETag"] != first["indexed"].headers["ETag"]
    assert again["published"]["statusCode"] == 304


def test_a_feed_follows_the_indexed_order_unless_asked_for_published(api: SearchApi) -> None:
    api.index(_ferry(1, "2024-05-01"), _ferry(2, "2001-01-01"))

    default = json.loads(api.get("/feed", {"q": "ferry", "format": "json"}).text)
    indexed = json.loads(api.get("/feed", {"q": "ferry", "format": "json", "order": "indexed"}).text)

    assert [i["id"] for i in default["items"]] == [i["id"] for i in indexed["items"]]
    assert [i["date_published"][:4] for i in default["items"]] == ["2001", "2024"]


def test_an_unknown_order_is_a_400_naming_it(api: SearchApi) -> None:
    response = api.get("/feed", {"q": "ferry", "order": "newest"})

    assert response.status == 400
    assert response.error["parameter"] == "order"


def test_search_sorts_by_indexing_time_with_cursors(api: SearchApi) -> None:
    ids = api.index(*(_ferry(day, f"20{20 - day}-01-01") for day in (1, 2, 3)))

    first = api.get("/search", {"q": "ferry", "sort": "indexed", "size": "2"}).json
    second = api.get(
        "/search", {"q": "ferry", "sort": "indexed", "size": "2", "cursor": first["next_cursor"]}
    ).json

    assert [h["id"] for h in first["hits"] + second["hits"]] == ids[::-1]
