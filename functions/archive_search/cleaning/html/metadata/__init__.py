"""What an HTML page states about itself: one small extractor per field, composed by
``page_metadata``.

Sources, most trusted first: JSON-LD (``NewsArticle``/``Article``/... also inside ``@graph`` or a
``WebPage``'s ``mainEntity``), meta tags (``og:``/``article:``/``twitter:``/Dublin Core/
``itemprop``), then the markup (``<h1>``, ``<title>``, ``<time>``, elements marked as bylines,
``<html lang>``, the canonical link). Each extractor returns ``None`` (or empty) when the page
does not state the value clearly: metadata is never invented.

- ``page``: the one walk over the page (JSON-LD, meta tags, the elements read);
- ``publisher``: the publisher as readers cite it (the longest rules, on their own);
- ``published``: the article's own date (metadata, URL path, htmldate);
- ``title``: the headline and description; ``byline``: persons and an organisation credit;
- ``fields``: language, canonical URL, tags, dateline place;
- here: ``PageMetadata`` and ``page_metadata``, which composes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.byline import extract_byline
from archive_search.cleaning.html.metadata.fields import (
    extract_language,
    extract_place,
    extract_tags,
    extract_url,
)
from archive_search.cleaning.html.metadata.page import read_page
from archive_search.cleaning.html.metadata.published import extract_published, guessed_published
from archive_search.cleaning.html.metadata.publisher import edition_for_language, extract_publisher
from archive_search.cleaning.html.metadata.title import (
    HEADINGS_READ,
    extract_description,
    extract_titles,
    headline,
)
from archive_search.cleaning.metadata import Byline, html_text

__all__ = ["PageMetadata", "edition_for_language", "guessed_published", "page_metadata"]


@dataclass
class PageMetadata:
    """What the page states about itself (all optional)."""

    title: str | None = None
    titles: list[str] = field(default_factory=list)  # every title-like string seen
    description: str | None = None
    source: str | None = None
    published: Any = None
    byline: Byline = field(default_factory=Byline)
    language: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    place: str | None = None
    article_body: str | None = None

    @property
    def author(self) -> str | None:
        """The byline's persons as one line, for matching a byline line in the text."""
        return ", ".join(self.byline.authors) or self.byline.org


def page_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """The metadata a page states about itself. ``url`` (where the page came from) is used when
    the page names no canonical URL, to tell a site's own name from a tagline and as the
    publisher of last resort."""
    page = read_page(tree)
    own_url = extract_url(page)
    site_url = own_url or url
    source = extract_publisher(page, site_url)
    titles = extract_titles(page)
    body = page.article.get("articleBody")
    return PageMetadata(
        title=headline(
            titles,
            source,
            md.clean_title(html_text(page.elements["h1"][0])) if page.elements["h1"] else None,
            [h for h in (md.clean_title(html_text(el)) for el in page.elements["h2"][:HEADINGS_READ]) if h],
        ),
        titles=titles,
        description=extract_description(page),
        source=source,
        published=extract_published(page, own_url),
        byline=extract_byline(page, source),
        language=extract_language(page),
        url=own_url,
        tags=extract_tags(page),
        place=extract_place(page),
        article_body=body if isinstance(body, str) and body.strip() else None,
    )
