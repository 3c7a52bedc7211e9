"""Every search as a feed: a page of search hits -> Atom 1.0 (RFC 4287) or JSON Feed 1.1.

Pure functions of a search response (the JSON ``/search`` answers, newest indexed or published
first) and the URLs the feed needs; the route is in ``web_routes``. Text goes into the XML
through ElementTree, which escapes ``&``, ``<``, ``>`` and quotes; characters XML 1.0 cannot
carry at all (C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF) are removed
first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archive_search.search.query import filter_language
from archive_search.search.request import filter_values

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# The hit fields an entry is made of (the feed asks /search for these only).
FEED_FIELDS = (
    "title", "snippet", "source", "published", "place", "authors", "author_org", "tags", "url", "duplicates",
    "ingested_at", "language",
)  # fmt: skip
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Outside the XML 1.0 Char production: a request's query and filters reach the feed's title
# as sent, and ElementTree writes them unescaped, which no reader can parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedLinks:
    """The absolute URLs a feed points at."""

    self_url: str  # this feed
    page_url: str  # the same search on the search page
    next_url: str | None  # the next page of the feed (the search's next cursor), if any
    article_url: Callable[[str], str]  # the article view of one id


# A feed's orders and the /search sort each one is: newest indexed first follows a search (an
# article indexed now with an old date leads the feed), newest published first reads it by date.
FEED_SORTS = {"indexed": "indexed", "published": "newest"}
DEFAULT_ORDER = "indexed"

# Search parameters a feed accepts but ignores (its order is its own, with its own fields and no
# facets): neither its title nor its links carry them, which would mislead a reader (a page link
# with sort=oldest shows another order than the feed).
FEED_IGNORED_PARAMETERS = frozenset(("sort", "facets", "interval", "facet_size", "fields"))
# Parameters a feed's title does not name: the query (named first), paging and the ignored ones.
_UNTITLED = frozenset(("q", "format", "order", "cursor", "page", "size")) | FEED_IGNORED_PARAMETERS


def feed_title(parameters: Mapping[str, list[str]]) -> str:
    """``archive-search: harbour · source=Dawn`` from the search parameters."""
    query = " ".join(parameters.get("q", []))
    filters = [
        f"{name}={value}" for name, values in parameters.items() if name not in _UNTITLED for value in values
    ]
    words = [f"“{query}”"] if query else []
    return "archive-search: " + " · ".join(words + filters) if words or filters else "archive-search: newest"


def feed_id(parameters: Mapping[str, list[str]], order: str = DEFAULT_ORDER) -> str:
    """The feed's permanent id: a name of the search it is (query and filters, in any order)
    and of its order, not of its URL, which changes with the host, the scheme, the format and
    the page."""
    chosen = sorted(
        (name, value)
        for name, values in parameters.items()
        if name == "q" or name not in _UNTITLED
        for value in values
    )
    # The default order adds nothing: a search's feed in that order is named by the search alone.
    if order != DEFAULT_ORDER:
        chosen.append(("order", order))
    digest = hashlib.sha256(json.dumps(chosen, ensure_ascii=False).encode()).hexdigest()[:32]
    return f"urn:archive-search:feed:{digest}"


def _xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _published(hit: Mapping[str, Any]) -> datetime | None:
    value = hit.get("published")
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _indexed(hit: Mapping[str, Any]) -> datetime | None:
    value = hit.get("ingested_at")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC) if value else None


def _entry_updated(hit: Mapping[str, Any], order: str) -> datetime | None:
    # In indexed order an entry is new when the archive indexed it, so a reader sorting by
    # updated sees a back issue as new. By date, an undated article was last changed when the
    # archive indexed it: a stable time, so a poll does not show it as new again.
    if order == "indexed":
        return _indexed(hit) or _published(hit)
    return _published(hit) or _indexed(hit)


def _updated(hits: list[dict[str, Any]], now: datetime, order: str) -> datetime:
    # The feed changes when a newer entry appears; a feed without entries is "now".
    dates = [date for date in (_entry_updated(hit, order) for hit in hits) if date]
    return max(dates) if dates else now


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary(hit: Mapping[str, Any]) -> str:
    snippet = hit.get("snippet") or {}
    return str(snippet.get("text") or "")


def feed_language(hits: Sequence[Mapping[str, Any]], parameters: Mapping[str, list[str]]) -> str | None:
    """The feed's language: the one the search filters, else the one every entry shares (none
    when an entry has another or none), so a reader reads the whole feed in it."""
    # By code, as the index keeps it: "Urdu", "ur" and "ur-PK" filter as "ur".
    filtered = {
        filter_language(value)
        for value in filter_values(parameters.get("language") or [])
        if "," not in value
    }
    if len(filtered) == 1:
        return filtered.pop()
    languages = {hit.get("language") for hit in hits}
    if len(languages) == 1:
        return languages.pop() or None
    return None


def _entry_id(article_id: str) -> str:
    # Stable whichever host serves the feed.
    return f"urn:archive-search:article:{article_id}"


def atom(
    result: Mapping[str, Any],
    title: str,
    links: FeedLinks,
    now: datetime,
    feed_id: str,
    *,
    language: str | None = None,
    order: str = DEFAULT_ORDER,
) -> str:
    """An Atom 1.0 document of the hits of one search response; ``language``: the feed's
    (``feed_language``), as ``xml:lang`` on ``<feed>``; ``order``: the hits' (FEED_SORTS),
    which says what each entry's ``updated`` is."""
    import xml.etree.ElementTree as ET  # deferred: only Atom feeds use it, not the cold start

    hits = list(result.get("hits", []))
    ET.register_namespace("", ATOM_NS)

    def element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _xml_text(v) for k, v in attributes.items()})
        if text is not None:
            child.text = _xml_text(text)
        return child

    feed_updated = _updated(hits, now, order)
    root = ET.Element(f"{{{ATOM_NS}}}feed")
    if language:
        root.set(XML_LANG, language)
    element(root, "title", title)
    element(root, "id", feed_id)
    element(root, "updated", _rfc3339(feed_updated))
    element(root, "generator", "archive-search")
    element(root, "link", rel="self", type="application/atom+xml", href=links.self_url)
    element(root, "link", rel="alternate", type="text/html", href=links.page_url)
    if links.next_url:
        element(root, "link", rel="next", type="application/atom+xml", href=links.next_url)
    element(element(root, "author"), "name", "archive-search")
    for hit in hits:
        entry = element(root, "entry")
        # The article's language, so a reader (and a screen reader) reads it as that language.
        if hit.get("language"):
            entry.set(XML_LANG, hit["language"])
        element(entry, "id", _entry_id(hit["id"]))
        element(entry, "title", hit.get("title") or "(untitled)", type="text")
        element(entry, "link", rel="alternate", type="text/html", href=links.article_url(hit["id"]))
        if hit.get("url"):
            element(entry, "link", rel="related", type="text/html", href=hit["url"])
        published = _published(hit)
        if published:
            element(entry, "published", _rfc3339(published))
        element(entry, "updated", _rfc3339(_entry_updated(hit, order) or feed_updated))
        for name in _credits(hit):
            element(element(entry, "author"), "name", name)
        for tag in hit.get("tags") or []:
            element(entry, "category", term=tag)
        element(entry, "summary", _summary(hit), type="text")
        if hit.get("source"):
            source = element(entry, "source")
            element(source, "title", hit["source"])
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _credits(hit: Mapping[str, Any]) -> list[str]:
    """Who an entry credits: its persons, else the agency or organisation."""
    return list(hit.get("authors") or []) or ([hit["author_org"]] if hit.get("author_org") else [])


def json_feed(
    result: Mapping[str, Any],
    title: str,
    links: FeedLinks,
    *,
    language: str | None = None,
    order: str = DEFAULT_ORDER,
) -> dict[str, Any]:
    """A JSON Feed 1.1 document of the hits of one search response; ``language``: the feed's
    (``feed_language``), as its top-level ``language``; ``order`` as for ``atom``."""
    items = []
    for hit in result.get("hits", []):
        item: dict[str, Any] = {
            "id": _entry_id(hit["id"]),
            "url": links.article_url(hit["id"]),
            "title": hit.get("title") or "(untitled)",
            "content_text": _summary(hit),
            "summary": _summary(hit),
        }
        if hit.get("url"):
            item["external_url"] = hit["url"]
        published = _published(hit)
        if published:
            item["date_published"] = _rfc3339(published)
        # Atom's updated, by the same rule.
        updated = _entry_updated(hit, order)
        if updated:
            item["date_modified"] = _rfc3339(updated)
        if _credits(hit):
            item["authors"] = [{"name": name} for name in _credits(hit)]
        if hit.get("tags"):
            item["tags"] = list(hit["tags"])
        # JSON Feed has no source field: extensions start with an underscore.
        item["_archive_search"] = {
            "source": hit.get("source"),
            "place": hit.get("place"),
            "language": hit.get("language"),
            "duplicates": hit.get("duplicates"),
        }
        items.append(item)
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": links.page_url,
        "feed_url": links.self_url,
        "authors": [{"name": "archive-search"}],
        **({"language": language} if language else {}),
        "items": items,
    }
    if links.next_url:
        document["next_url"] = links.next_url
    return document
