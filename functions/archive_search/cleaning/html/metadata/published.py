"""The article's own publication date: what the page's metadata states, the date in its URL
path, then htmldate's search of the markup and the text (its extensive search last)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import Page, first_str
from archive_search.cleaning.metadata import html_text

__all__ = ["extract_published", "guessed_published"]

_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "publishdate", "publish-date", "publish_date", "pubdate", "date", "dc.date.issued", "dc.date",
    "dcterms.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
    "originalpublicationdate", "article:published", "og:published_time", "datecreated",
)  # fmt: skip


def _stated_published(page: Page) -> Any:
    """The publication date the page's metadata states: JSON-LD, meta tags, marked ``<time>``."""
    art = page.article
    for key in ("datePublished", "dateCreated", "uploadDate"):
        published = md.parse_date(first_str(art.get(key)))
        if published:
            return published
    published = md.parse_date(page.meta(*_DATE_META))
    if published:
        return published
    for t in page.elements["time"]:
        marked = (t.get("itemprop") or "").lower() in ("datepublished", "datecreated")
        if marked or t.get("pubdate") is not None:
            published = md.parse_date(t.get("datetime") or html_text(t))
            if published:
                return published
    return None


def extract_published(page: Page, url: str | None) -> Any:
    """The article's own publication date: the metadata's, the URL path's, then ``<time>``.

    A date in the URL path (``/2019/11/18/``) is the site's local date of first publication:
    it wins over a metadata timestamp one day off (written in UTC), not over another date."""
    stated = _stated_published(page)
    in_url = md.url_date(url)
    if in_url and (stated is None or abs((stated - in_url).days) <= 1):
        return in_url
    if stated:
        return stated
    t = page.tree.find(".//article//time[@datetime]")
    if t is None:
        t = next((t for t in page.elements["time"] if t.get("datetime") is not None), None)
    if t is not None:
        return md.parse_date(t.get("datetime"))
    # a <time> without a datetime attribute states the date in its text ("31.03.2020"), as
    # HTML defines its value
    return next((d for t in page.elements["time"] if (d := md.parse_date(html_text(t)))), None)


# "publiziert am 25. September 2018", "Published: 12 April 2023": a date the page calls its
# publication date in its text (not "updated", "posted" in a comment or a copyright year)
_PUBLISHED_PHRASE_RE = re.compile(
    r"\b(?:published|publiziert|veröffentlicht|erschienen|publiée?|publicad[oa]|pubblicat[oa])"
    r"(?:\s+(?:on|am|le|el|em|il|en))?\s*:?\s+",
    re.IGNORECASE,
)
# "Aktualisiert am 2. Oktober 2018", "Last updated: ...": the date a page calls its update date
_UPDATED_PHRASE_RE = re.compile(
    r"\b(?:updated|last\s+modified|aktualisiert|geändert|mis\s+à\s+jour|actualizad[oa]|aggiornat[oa]"
    r"|bijgewerkt)(?:\s+(?:on|am|le|el|em|il|en|op))?\s*:?\s+",
    re.IGNORECASE,
)
_PHRASE_DATE_CHARS = 40  # "Tuesday, 25. September 2018, 10:00 Uhr" fits
_PHRASES_READ = 20  # the first phrases in document order: the article's, not a sidebar's


def guessed_published(tree: HtmlElement, url: str | None) -> Any:
    """For a page whose metadata, byline and dateline state no date: the article's original
    date as htmldate finds it in the markup (it skips update and comment dates), else the
    first date the text calls its publication date, else the date htmldate's extensive search
    finds in the text (a bare date in a page's text is most often its own)."""
    found = _htmldate(tree, url, extensive=False)
    if found:
        return found
    # one regex over the text finds the phrase the extensive search would, at a fraction of its cost
    text = "\n".join(tree.itertext())  # text nodes apart: "2018" and "The" are two words
    published = next(_phrase_dates(text, _PUBLISHED_PHRASE_RE), None)
    if published:
        return published
    # only here, on the few pages with no date anywhere else: it costs a fast search again
    found = _htmldate(tree, url, extensive=True)
    # htmldate answers a lone copyright year ("© 2016") with 1 January, and reads an update
    # date as any other: neither is the article's publication date
    if found and ((found.month, found.day) == (1, 1) or found in _phrase_dates(text, _UPDATED_PHRASE_RE)):
        return None
    return found


def _phrase_dates(text: str, phrase: re.Pattern[str]) -> Iterator[Any]:
    """The dates written right after the first ``_PHRASES_READ`` matches of ``phrase``."""
    for i, m in enumerate(phrase.finditer(text)):
        if i >= _PHRASES_READ:
            break
        found = md.parse_date(text[m.end() : m.end() + _PHRASE_DATE_CHARS])
        if found:
            yield found


def _htmldate(tree: HtmlElement, url: str | None, *, extensive: bool) -> Any:
    """htmldate's original (not updated) date of the page, or ``None``."""
    from htmldate import find_date

    try:
        found = find_date(
            tree, url=url, original_date=True, extensive_search=extensive, outputformat="%Y-%m-%d"
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return md.parse_date(found) if found else None
