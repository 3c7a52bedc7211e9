"""The feed documents and the page's headers, as pure functions."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Annotated, Any

import feedparser
import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.search.feed import FEED_FIELDS, FeedLinks, atom, feed_language, feed_title, json_feed
from archive_search.search.web_routes import content_security_policy, feed_router
from archive_search.search.web_routes import router as web_router

pytestmark = pytest.mark.unit

LINKS = FeedLinks(
    self_url="https://api.example/feed?q=a&amp=1",
    page_url="https://api.example/?q=a",
    next_url=None,
    article_url=lambda article_id: f"https://api.example/?article={article_id}",
)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
FEED_ID = "urn:archive-search:feed:test"


def test_characters_xml_cannot_carry_are_dropped_and_the_rest_is_escaped() -> None:
    hit = {"id": "a1", "title": "Fish & chips <b>\uffff]]>", "snippet": {"text": "x\ufffe < y"}}
    document = atom({"hits": [hit]}, "t", LINKS, NOW, FEED_ID)

    root = ET.fromstring(document.encode())  # raises on anything that is not XML
    entry = feedparser.parse(document).entries[0]
    assert entry.title == "Fish & chips <b>]]>"
    assert entry.summary == "x < y"
    assert root.find("{http://www.w3.org/2005/Atom}link").get("href") == LINKS.self_url


def test_control_characters_a_query_or_filter_carries_leave_the_atom_feed_well_formed() -> None:
    # Given a search whose query and filter hold C0 controls (a URL may carry %01 or %00),
    # when its Atom feed is made, then it is XML (a reader refuses the whole feed otherwise),
    # with those characters dropped and tab, newline and carriage return kept.
    title = feed_title({"q": ["harbour\x01\x0b"], "tag": ["a\x00b\x1f"], "place": ["c\td"]})
    hit = {"id": "a1", "title": "Ferry\x1b strike", "snippet": {"text": "x\x08y"}}
    document = atom({"hits": [hit]}, title, LINKS, NOW, FEED_ID)

    root = ET.fromstring(document.encode())  # raises on anything that is not XML
    atom_ns = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom_ns}title").text == "archive-search: “harbour” · tag=ab · place=c\td"
    assert root.find(f"{atom_ns}entry/{atom_ns}title").text == "Ferry strike"
    assert root.find(f"{atom_ns}entry/{atom_ns}summary").text == "xy"


def test_a_feed_of_a_query_with_a_control_character_is_xml() -> None:
    response = _poll(_feed_app([{"id": "a1", "title": "Harbour"}]), "q=harbour%01")

    assert response["statusCode"] == 200
    title = ET.fromstring(response["body"].encode()).find("{http://www.w3.org/2005/Atom}title").text
    assert title == "archive-search: “harbour”"


@pytest.mark.parametrize(
    ("languages", "parameters", "expected"),
    [
        (["en", "en"], {}, "en"),  # every entry shares one language
        (["en", "ur"], {}, None),
        (["en", None], {}, None),  # an entry of no known language: the feed states none
        ([], {}, None),
        ([], {"language": ["ur"]}, "ur"),  # the search filters one language: even an empty feed
        (["en", "fr"], {"language": ["en,fr"]}, None),
    ],
)
def test_a_feed_states_a_language_only_when_every_entry_shares_it(
    languages: list[str | None], parameters: dict[str, list[str]], expected: str | None
) -> None:
    hits = [{"id": f"a{n}", "language": language} for n, language in enumerate(languages)]
    assert feed_language(hits, parameters) == expected


def test_the_feed_language_is_atom_s_feed_xml_lang_and_json_feed_s_language() -> None:
    hits = [{"id": "a1", "language": "ur"}]
    root = ET.fromstring(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID, language="ur").encode())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ur"
    assert json_feed({"hits": hits}, "t", LINKS, language="ur")["language"] == "ur"
    assert (
        ET.fromstring(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID).encode()).get(
            "{http://www.w3.org/XML/1998/namespace}lang"
        )
        is None
    )
    assert "language" not in json_feed({"hits": hits}, "t", LINKS)


def test_an_undated_entry_is_updated_when_the_feed_is_and_has_no_published() -> None:
    hits = [{"id": "new", "published": "2024-03-02"}, {"id": "undated"}]
    feed = feedparser.parse(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID))

    assert feed.feed.updated == "2024-03-02T00:00:00Z"
    assert feed.entries[1].updated == "2024-03-02T00:00:00Z"
    assert "published" not in feed.entries[1]
    assert (
        feedparser.parse(atom({"hits": []}, "t", LINKS, NOW, FEED_ID)).feed.updated == "2026-12-01T00:00:00Z"
    )


def test_an_undated_entry_is_updated_when_the_archive_indexed_it_on_every_poll() -> None:
    # A reader sees an entry again when its updated time changes: an undated entry must not
    # take the time of the request.
    hits = [{"id": "undated", "ingested_at": "2025-06-01T10:20:30.123Z"}]
    first = feedparser.parse(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID))
    later = feedparser.parse(atom({"hits": hits}, "t", LINKS, datetime(2027, 1, 1, tzinfo=UTC), FEED_ID))

    assert first.entries[0].updated == later.entries[0].updated == "2025-06-01T10:20:30Z"
    assert first.feed.updated == later.feed.updated == "2025-06-01T10:20:30Z"
    assert "published" not in first.entries[0]


def test_the_feed_title_names_the_query_and_filters_but_not_paging() -> None:
    title = feed_title({"q": ["harbour"], "source": ["Dawn", "Geo"], "cursor": ["x"], "size": ["5"]})
    assert title == "archive-search: “harbour” · source=Dawn · source=Geo"
    assert feed_title({}) == "archive-search: newest"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1:8000", True), ("localhost", True), ("[::1]:80", True), ("abc.execute-api.aws", False)],
)
def test_the_policy_allows_own_scripts_only_and_loopback_uploads_only_from_loopback(
    host: str, loopback: bool
) -> None:
    policy = dict(part.split(" ", 1) for part in content_security_policy(host).split("; "))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert ("http://127.0.0.1:*" in policy["connect-src"]) is loopback


LOCAL = {"host": "127.0.0.1:8000"}


def _request(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """The search function's answer to one request; `path` may carry a query string."""
    from archive_search.search.api import app

    route, _, query = path.partition("?")
    return app.resolve(http_api_event(method, route, query, headers, None), LambdaContext("search", 30.0))


def _get(path: str, headers: dict[str, str]) -> dict[str, Any]:
    return _request("GET", path, headers)


@pytest.mark.parametrize("path", ["/", "/web/app.js", "/web/app.css"])
def test_a_page_file_is_revalidated_by_etag_and_a_304_has_no_body_even_gzipped(path: str) -> None:
    first = _get(path, {**LOCAL, "accept-encoding": "gzip"})
    assert first["statusCode"] == 200
    assert first["headers"]["Content-Encoding"] == "gzip" and first["isBase64Encoded"]

    again = _get(path, {**LOCAL, "accept-encoding": "gzip", "if-none-match": first["headers"]["ETag"]})
    assert again["statusCode"] == 304
    assert not again.get("body")
    assert "Content-Encoding" not in again["headers"]


@pytest.mark.parametrize("path", ["/", "/web/app.js", "/web/app.css"])
def test_a_page_file_served_gzipped_or_not_says_it_varies_by_accept_encoding(path: str) -> None:
    # A shared cache keeps one copy per Vary: without it, the gzipped bytes stored for one client
    # are served (and revalidated by the same tag) to a client that cannot read them. One tag
    # names both encodings, so it is weak (RFC 9110 8.8.1: the same content, other bytes).
    answers = [
        _get(path, {**LOCAL, "accept-encoding": "gzip"}),
        _get(path, LOCAL),
    ]
    answers.append(_get(path, {**LOCAL, "if-none-match": answers[1]["headers"]["ETag"]}))
    assert [answer["statusCode"] for answer in answers] == [200, 200, 304]
    for answer in answers:
        assert answer["headers"]["Vary"] == "Accept-Encoding"
        assert answer["headers"]["ETag"].startswith('W/"')
    assert answers[0]["headers"]["ETag"] == answers[1]["headers"]["ETag"]


@pytest.mark.parametrize("condition", ["W/{etag}", "{etag}", '"0000", {etag}', '"0000",W/{etag}', "*"])
def test_if_none_match_compares_weakly_and_takes_a_list_of_tags(condition: str) -> None:
    # RFC 9110 13.1.2: If-None-Match uses the weak comparison, with or without W/; a client
    # may send several tags or "*".
    etag = _get("/", LOCAL)["headers"]["ETag"].removeprefix("W/")
    again = _get("/", {**LOCAL, "if-none-match": condition.format(etag=etag)})
    assert again["statusCode"] == 304


@pytest.mark.parametrize("condition", ['"0000"', 'W/"0000"', "", "junk", ", ,"])
def test_if_none_match_without_the_tag_gets_the_page(condition: str) -> None:
    assert _get("/", {**LOCAL, "if-none-match": condition})["statusCode"] == 200


@pytest.mark.parametrize("path", ["/", "/health", "/search?q=x", "/openapi.json"])
def test_head_answers_as_get_does_without_a_body(path: str) -> None:
    # The deployed HTTP API routes HEAD to the function (template.yaml): `curl -I` checks.
    get, head = _request("GET", path, LOCAL), _request("HEAD", path, LOCAL)

    assert head["statusCode"] == get["statusCode"] != 405
    assert head["headers"].get("Content-Type") == get["headers"].get("Content-Type")
    assert not head.get("body")


def test_only_the_page_files_are_served_from_the_web_folder() -> None:
    assert _get("/web/index.html", {})["statusCode"] == 404
    assert _get("/web/..%2Fsettings.py", {})["statusCode"] == 404


def _feed_app(
    hits: list[dict[str, Any]], next_cursor: str | None = None, asked: list[dict[str, Any]] | None = None
) -> APIGatewayHttpResolver:
    """The page and feed routes over a stand-in for /search that answers `hits` and notes
    in `asked` what the feed asked it."""

    def search_answer(
        q: Annotated[str | None, Query()] = None,
        sort: Annotated[str, Query()] = "relevance",
        facets: Annotated[list[str] | None, Query()] = None,
        fields: Annotated[list[str] | None, Query()] = None,
    ) -> Any:
        if asked is not None:
            asked.append({"q": q, "sort": sort, "facets": facets, "fields": fields})
        return {"hits": [dict(hit) for hit in hits], "next_cursor": next_cursor}

    app = APIGatewayHttpResolver(enable_validation=True)
    app.include_router(web_router)
    app.include_router(feed_router(search_answer, []))
    return app


def _poll(app: APIGatewayHttpResolver, query: str, etag: str | None = None) -> dict[str, Any]:
    headers = {"host": "api.example", **({"if-none-match": etag} if etag else {})}
    return app.resolve(http_api_event("GET", "/feed", query, headers=headers), LambdaContext("search"))


def test_the_feed_renders_the_search_answer_object_it_is_given() -> None:
    # /feed takes the /search answer as data (no JSON written and read back in between).
    asked: list[dict[str, Any]] = []
    hit = {"id": "a1", "title": "Harbour", "published": "2024-03-02", "tags": ("port",)}
    response = _poll(_feed_app([hit], next_cursor="c2", asked=asked), "q=harbour&format=json")

    assert response["statusCode"] == 200, response["body"]
    assert asked == [{"q": "harbour", "sort": "indexed", "facets": None, "fields": list(FEED_FIELDS)}]
    feed = json.loads(response["body"])
    assert [(i["title"], i["tags"], i["date_published"]) for i in feed["items"]] == [
        ("Harbour", ["port"], "2024-03-02T00:00:00Z")
    ]
    assert feed["next_url"] == "http://api.example/feed?q=harbour&format=json&order=indexed&cursor=c2"


@pytest.mark.parametrize("hits", [[], [{"id": "a1", "title": "Harbour", "published": "2024-03-02"}]])
@pytest.mark.parametrize("feed_format", ["atom", "json"])
def test_a_feed_poller_sending_the_etag_back_gets_a_304_while_nothing_changed(
    hits: list[dict[str, Any]], feed_format: str
) -> None:
    # Given a feed read once, when it is polled again with its ETag and nothing changed,
    # then the answer is a 304 without a body (an empty Atom feed's updated time is "now",
    # which must not make every poll a full download).
    app = _feed_app(hits)
    first = _poll(app, f"q=harbour&format={feed_format}")
    assert first["statusCode"] == 200 and first["headers"]["ETag"].startswith('"')

    again = _poll(app, f"q=harbour&format={feed_format}", first["headers"]["ETag"])
    assert again["statusCode"] == 304
    assert not again.get("body")
    assert again["headers"]["ETag"] == first["headers"]["ETag"]
    assert again["headers"]["Cache-Control"] == "no-cache"


def test_a_feed_etag_changes_with_its_entries_format_and_query() -> None:
    before = _feed_app([{"id": "a1", "title": "Harbour"}])
    after = _feed_app([{"id": "a2", "title": "Ferry"}, {"id": "a1", "title": "Harbour"}])
    etag = _poll(before, "q=harbour")["headers"]["ETag"]

    assert _poll(after, "q=harbour", etag)["statusCode"] == 200
    assert _poll(before, "q=harbour&format=json", etag)["statusCode"] == 200
    assert _poll(before, "q=port", etag)["statusCode"] == 200


def test_a_json_feed_dates_entries_as_the_atom_feed_does() -> None:
    # Given an undated article, both formats give it the time the archive indexed it
    # (Atom updated, JSON Feed date_modified), and no publication date.
    hits = [
        {"id": "dated", "published": "2024-03-02"},
        {"id": "undated", "ingested_at": "2025-06-01T10:20:30.123Z"},
    ]
    items = json_feed({"hits": hits}, "t", LINKS)["items"]
    entries = feedparser.parse(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID)).entries

    assert [i.get("date_modified") for i in items] == [e.updated for e in entries]
    assert [i.get("date_published") for i in items] == [e.get("published") for e in entries]


def test_a_feed_title_names_what_filters_it_not_the_parameters_it_ignores() -> None:
    # A feed is newest first, one page of entries with fixed fields: "sort=relevance" in its
    # title would state an order it does not have.
    parameters = {
        "q": ["harbour"],
        "sort": ["relevance"],
        "facets": ["source"],
        "interval": ["year"],
        "facet_size": ["5"],
        "fields": ["title"],
        "source": ["Dawn"],
        "collapse": ["false"],
    }

    assert feed_title(parameters) == "archive-search: “harbour” · source=Dawn · collapse=false"


def test_a_feed_keeps_its_id_whatever_host_scheme_parameter_order_or_page_serves_it() -> None:
    # Atom's feed id is permanent (RFC 4287 4.2.6): a reader that meets the same search through
    # the custom domain and the execute-api host, or page 2, must see one feed, not several.
    app = _feed_app([{"id": "a1", "title": "Harbour"}], next_cursor="c2")

    def feed_id(query: str, headers: dict[str, str]) -> str:
        event = http_api_event("GET", "/feed", query, headers=headers)
        body = app.resolve(event, LambdaContext("search"))["body"]
        return ET.fromstring(body.encode()).find("{http://www.w3.org/2005/Atom}id").text

    first = feed_id("q=harbour&source=Dawn", {"host": "abc.execute-api.eu-west-1.amazonaws.com"})
    assert first == feed_id(
        "source=Dawn&q=harbour&format=atom&cursor=c2&size=5",
        {"host": "news.example", "x-forwarded-proto": "https"},
    )
    assert first != feed_id("q=harbour&source=Geo", {"host": "news.example"})
    assert first.startswith("urn:")


def test_feed_links_keep_the_stage_the_feed_was_asked_through() -> None:
    # Behind a named API Gateway stage the API lives under /prod: a link without it is a 404.
    event = http_api_event("GET", "/prod/feed", "q=harbour&format=json", headers={"host": "api.example"})
    event["requestContext"]["stage"] = "prod"
    app = _feed_app([{"id": "a1", "title": "Harbour"}], next_cursor="c2")
    response = app.resolve(event, LambdaContext("search"))
    assert response["statusCode"] == 200, response["body"]
    feed = json.loads(response["body"])

    links = [feed["feed_url"], feed["home_page_url"], feed["next_url"], feed["items"][0]["url"]]
    assert [link.split("?")[0] for link in links] == [
        "http://api.example/prod/feed",
        "http://api.example/prod/",
        "http://api.example/prod/feed",
        "http://api.example/prod/",
    ]


def test_in_indexed_order_an_entry_is_updated_when_the_archive_indexed_it_and_keeps_its_date() -> None:
    # A reader that sorts by updated sees a back issue indexed today as new; its published
    # date stays the article's.
    hits = [{"id": "old", "published": "2001-01-01", "ingested_at": "2026-11-03T08:00:00.5Z"}]
    entry = feedparser.parse(atom({"hits": hits}, "t", LINKS, NOW, FEED_ID, order="indexed")).entries[0]
    (item,) = json_feed({"hits": hits}, "t", LINKS, order="indexed")["items"]

    assert (entry.published, entry.updated) == ("2001-01-01T00:00:00Z", "2026-11-03T08:00:00Z")
    assert (item["date_published"], item["date_modified"]) == ("2001-01-01T00:00:00Z", "2026-11-03T08:00:00Z")
    published_order = json_feed({"hits": hits}, "t", LINKS, order="published")["items"][0]
    assert published_order["date_modified"] == "2001-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ("q=harbour", "indexed"),
        ("q=harbour&order=indexed", "indexed"),
        ("q=harbour&order=published", "newest"),
    ],
)
def test_the_feed_asks_search_for_the_order_it_is_in(query: str, sort: str) -> None:
    asked: list[dict[str, Any]] = []
    response = _poll(_feed_app([], next_cursor="c2", asked=asked), query + "&format=json")

    assert response["statusCode"] == 200, response["body"]
    assert [a["sort"] for a in asked] == [sort]
    # The next page keeps the order its cursor was made in; the search page has no such parameter.
    feed = json.loads(response["body"])
    assert feed["next_url"].endswith(f"&order={'published' if sort == 'newest' else 'indexed'}&cursor=c2")
    assert "order" not in feed["home_page_url"]


def test_a_feed_etag_and_id_differ_between_its_orders() -> None:
    app = _feed_app(
        [{"id": "a1", "title": "Harbour", "published": "2024-03-02", "ingested_at": "2026-11-03T08:00:00Z"}]
    )
    indexed = _poll(app, "q=harbour")
    published = _poll(app, "q=harbour&order=published", indexed["headers"]["ETag"])

    assert published["statusCode"] == 200
    assert published["headers"]["ETag"] != indexed["headers"]["ETag"]
    assert feedparser.parse(published["body"]).feed.id != feedparser.parse(indexed["body"]).feed.id
    assert (
        feedparser.parse(_poll(app, "q=harbour&order=indexed")["body"]).feed.id
        == feedparser.parse(indexed["body"]).feed.id
    )
