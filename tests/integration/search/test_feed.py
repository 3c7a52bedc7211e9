"""GET /feed: every search as an Atom 1.0 (read back by feedparser) or JSON Feed 1.1 document."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from archive_local.lambda_events import http_api_event
from tests.integration.search.support import CORPUS, SearchApi, corpus_id, invoke

pytestmark = pytest.mark.integration

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(corpus: SearchApi, **params: str) -> feedparser.FeedParserDict:
    response = corpus.get("/feed", params)
    assert response.status == 200, response.text
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    ET.fromstring(response.text.encode())  # well-formed XML, or this raises
    parsed = feedparser.parse(response.text)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_an_atom_feed_in_published_order_lists_the_matching_articles_newest_first(corpus: SearchApi) -> None:
    feed = _atom(corpus, q="goggles", collapse="false", order="published")

    published = [entry.published for entry in feed.entries]
    assert published == sorted(published, reverse=True)
    assert [entry.id for entry in feed.entries][:2] == [
        f"urn:archive-search:article:{corpus_id('goggles_copy')}",
        f"urn:archive-search:article:{corpus_id('goggles')}",
    ]
    assert corpus_id("deleted") not in " ".join(entry.id for entry in feed.entries)


def test_an_atom_entry_carries_title_link_summary_published_author_and_source(corpus: SearchApi) -> None:
    feed = _atom(corpus, q="goggles", source="Dawn")

    (entry,) = [e for e in feed.entries if e.id.endswith(corpus_id("goggles"))]
    assert entry.title == "Night vision goggles seized in Karachi raid"
    assert entry.link == f"http://localhost/?article={corpus_id('goggles')}"
    assert "night vision goggles" in entry.summary.lower()
    assert entry.published == "2023-04-12T00:00:00Z"
    assert entry.author == "Imtiaz Ali"
    assert entry.source.title == "Dawn"
    assert {tag.term for tag in entry.tags} == {"crime", "security"}
    assert feed.feed.title == "archive-search: “goggles” · source=Dawn"
    assert feed.feed.links[1].href == "http://localhost/?q=goggles&source=Dawn"


def test_markup_in_an_article_is_escaped_text_in_the_feed(corpus: SearchApi) -> None:
    response = corpus.get("/feed", {"q": "markup"})
    root = ET.fromstring(response.text.encode())

    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == CORPUS["hostile"][1]["title"]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == '"><script>alert(2)</script>'
    assert entry.findtext(f"{ATOM}source/{ATOM}title") == "<i>Evil</i> Source"
    assert "<script>" not in response.text  # every < of the text is &lt; in the document
    # A javascript: URL never becomes a link.
    assert all("javascript" not in link.get("href", "") for link in entry.iter(f"{ATOM}link"))


def test_a_json_feed_has_the_version_items_and_a_next_url(corpus: SearchApi) -> None:
    response = corpus.get("/feed", {"format": "json", "size": "1", "collapse": "false", "order": "published"})
    assert response.status == 200, response.text
    assert response.headers["Content-Type"] == "application/feed+json; charset=utf-8"

    # feedparser 6 reads no JSON Feed: the structure JSON Feed 1.1 requires, checked here.
    document = response.json
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and isinstance(document["items"], list)
    assert all(
        isinstance(i["id"], str) and ("content_text" in i or "content_html" in i) for i in document["items"]
    )
    assert document["feed_url"] == "http://localhost/feed?format=json&size=1&collapse=false&order=published"
    (item,) = document["items"]
    assert item["url"] == f"http://localhost/?article={item['id'].rsplit(':', 1)[1]}"
    assert item["date_published"] == "2024-01-02T00:00:00Z"  # the newest article first
    assert item["_archive_search"]["source"] == "Dawn"

    cursor = parse_qs(urlsplit(document["next_url"]).query)["cursor"][0]
    second = corpus.get(
        "/feed", {"format": "json", "size": "1", "collapse": "false", "order": "published", "cursor": cursor}
    )
    assert second.status == 200, second.text
    (next_item,) = second.json["items"]
    assert next_item["id"] != item["id"]
    assert next_item["date_published"] <= item["date_published"]


def test_the_feed_takes_the_parameters_of_search_and_rejects_others(corpus: SearchApi) -> None:
    # sort and facets are /search parameters: accepted, and the feed keeps its own order.
    feed = _atom(corpus, q="goggles", sort="oldest", facets="source", collapse="false", order="published")
    assert feed.entries[0].published == "2023-04-13T00:00:00Z"

    unknown = corpus.get("/feed", {"sourse": "Dawn"})
    assert unknown.status == 400
    assert unknown.error["parameter"] == "sourse"
    bad_format = corpus.get("/feed", {"format": "rss"})
    assert bad_format.status == 400
    assert bad_format.error["parameter"] == "format"
    bad_order = corpus.get("/feed", {"order": "newest"})
    assert bad_order.status == 400
    assert bad_order.error["parameter"] == "order"
    bad_size = corpus.get("/feed", {"size": "500"})
    assert bad_size.status == 400
    assert bad_size.error["parameter"] == "size"


@pytest.mark.parametrize(
    ("forwarded", "scheme"),
    [("https", "https"), ("javascript", "http"), ('x"y', "http"), ("ftp, https", "http")],
)
def test_feed_links_take_only_http_or_https_from_x_forwarded_proto(
    corpus: SearchApi, forwarded: str, scheme: str
) -> None:
    """The scheme of every link is the X-Forwarded-Proto API Gateway sets; a client's own value
    that is no web scheme (javascript:, a quote) must not become the links' scheme."""
    event = http_api_event("GET", "/feed", "format=json&size=1", {"x-forwarded-proto": forwarded})
    feed = json.loads(invoke(corpus.env, event)["body"])

    links = [feed["home_page_url"], feed["feed_url"], *(item["url"] for item in feed["items"])]
    assert {urlsplit(link).scheme for link in links} == {scheme}


def test_feed_links_leave_out_the_parameters_the_feed_ignores(corpus: SearchApi) -> None:
    """sort, facets (with interval and facet_size) and fields are accepted and ignored (a feed is
    newest first, with its own fields): the link to the search page, the feed's own URL and its
    next page must not carry them, as its title does not, or the page would show another order."""
    ignored = {"sort": "oldest", "facets": "source,published", "interval": "year", "facet_size": "5"}
    ignored["fields"] = "title"
    response = corpus.get(
        "/feed", {"format": "json", "q": "goggles", "size": "1", "collapse": "false", **ignored}
    )
    assert response.status == 200, response.text
    document = response.json

    links = {name: document[name] for name in ("home_page_url", "feed_url", "next_url")}
    for name, link in links.items():
        assert not set(parse_qs(urlsplit(link).query)) & set(ignored), (name, link)
    assert parse_qs(urlsplit(links["home_page_url"]).query) == {
        "q": ["goggles"], "size": ["1"], "collapse": ["false"]
    }  # fmt: skip
    assert parse_qs(urlsplit(links["feed_url"]).query) == {
        "format": ["json"], "q": ["goggles"], "size": ["1"], "collapse": ["false"]
    }  # fmt: skip


def test_a_feed_of_one_language_states_it_at_the_feed_level(corpus: SearchApi) -> None:
    atom_feed = ET.fromstring(corpus.get("/feed", {"q": "Lahore", "language": "ur"}).text.encode())
    json_document = corpus.get("/feed", {"q": "Lahore", "language": "ur", "format": "json"}).json
    mixed = ET.fromstring(corpus.get("/feed", {"q": "Lahore"}).text.encode())

    assert atom_feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ur"
    assert json_document["language"] == "ur" and json_document["items"]
    assert mixed.get("{http://www.w3.org/XML/1998/namespace}lang") is None  # Urdu and English


@pytest.mark.parametrize("language", ["Urdu", "ur-PK", "ur,Urdu"])
def test_a_feed_filtering_its_language_by_name_or_tag_states_its_code(
    corpus: SearchApi, language: str
) -> None:
    # xml:lang and JSON Feed's language take a language tag, never a name as typed.
    atom_feed = ET.fromstring(corpus.get("/feed", {"q": "Lahore", "language": language}).text.encode())
    json_document = corpus.get("/feed", {"q": "Lahore", "language": language, "format": "json"}).json

    assert atom_feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ur"
    assert json_document["language"] == "ur" and json_document["items"]


def test_an_atom_entry_states_the_language_of_its_article(corpus: SearchApi) -> None:
    """A feed reader (and its screen reader) reads an entry in its article's language, not
    the reader's own: each entry carries xml:lang, and a JSON Feed item its language."""
    response = corpus.get("/feed", {"q": "Lahore"})
    entries = ET.fromstring(response.text.encode()).findall(f"{ATOM}entry")
    languages = {
        entry.find(f"{ATOM}id").text: entry.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in entries
    }
    items = corpus.get("/feed", {"q": "Lahore", "format": "json"}).json["items"]

    assert languages[f"urn:archive-search:article:{corpus_id('urdu')}"] == "ur"
    assert languages[f"urn:archive-search:article:{corpus_id('cricket')}"] == "en"
    assert {item["id"]: item["_archive_search"]["language"] for item in items} == languages
