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
- here: title, description, byline, language, URL, tags, place, and ``page_metadata``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import TITLE_SEP_RE, Page, first_str, read_page
from archive_search.cleaning.html.metadata.published import extract_published, guessed_published
from archive_search.cleaning.html.metadata.publisher import edition_for_language, extract_publisher
from archive_search.cleaning.metadata import Byline, html_text, word_count, word_key

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


# ---------------------------------------------------------------------------
# One extractor per field
# ---------------------------------------------------------------------------


def extract_titles(page: Page) -> list[str]:
    """Every title the page states, most trusted first (headline, og:title, <h1>, <title>)."""
    art = page.article
    titles = [
        first_str(art.get("headline")),
        page.meta("og:title"),
        page.meta("twitter:title"),
        first_str(art.get("name")),
        page.meta("headline", "dc.title"),
    ]
    h1 = page.elements["h1"][0] if page.elements["h1"] else None
    titles.append(html_text(h1) or None)
    doc_title = page.elements["title"][0] if page.elements["title"] else None
    titles.append(html_text(doc_title) or None)
    return [t for t in (md.clean_title(t) for t in titles if t) if t]


def extract_description(page: Page) -> str | None:
    return first_str(page.article.get("description")) or page.meta(
        "og:description", "description", "twitter:description"
    )


def _strip_site_name(title: str, source: str | None) -> str:
    """``Headline | Site`` -> ``Headline`` when the last part names the site (or the title is a
    breadcrumb of three parts or more, ``Headline | Section | Site``)."""
    pieces = TITLE_SEP_RE.split(title)  # text, separator, text, ...
    if len(pieces) < 3:
        return title
    src = word_key(source or "")
    while (
        len(pieces) >= 3
        and src
        and word_key(pieces[-1])
        and (
            word_key(pieces[-1]) in src
            or (src in word_key(pieces[-1]) and word_count(pieces[-1]) <= word_count(src) + 2)
        )
    ):
        del pieces[-2:]
    if len(pieces) >= 5 and title.count(" | ") >= 2 and word_count(pieces[0]) >= 2:
        pieces = pieces[:1]
    return "".join(pieces)


_MAX_WORDS_LEFT_OUT = 3


def _fuller_h1(title: str, h1: str | None) -> str:
    """The ``<h1>`` when the metadata's title is it with a few words left out inside
    (``... | Anastassiades' light ...`` for the page's ``... | Michael Anastassiades’ light ...``)."""
    if not h1:
        return title
    short, full = word_key(title).split(), word_key(h1).split()
    extra = len(full) - len(short)
    # the words left out are inside: a kicker glued before the headline is not one of them
    if not 0 < extra <= _MAX_WORDS_LEFT_OUT or full[:2] != short[:2] or full[-2:] != short[-2:]:
        return title
    rest = iter(full)
    return h1 if all(word in rest for word in short) else title  # short is a subsequence of full


def _headline(titles: list[str], source: str | None, h1: str | None = None) -> str | None:
    """The first title without the site's name, or without a section crumb when another of the
    page's titles is the bare headline (``Headline | Editorial`` beside ``Headline``); the page's
    ``<h1>`` when the metadata left words out of it."""
    if not titles:
        return None
    title = _fuller_h1(_strip_site_name(titles[0], source), h1)
    pieces = TITLE_SEP_RE.split(title)
    if len(pieces) >= 3:
        head = word_key("".join(pieces[:-2]))
        if any(word_key(t) == head for t in titles[1:]):
            return "".join(pieces[:-2])
    return title


_AUTHOR_META = (
    "author", "article:author", "byl", "dc.creator", "dcterms.creator", "sailthru.author",
    "parsely-author", "citation_author",
)  # fmt: skip
_BYLINE_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:byline|author|autor|auteur|autore)(?:$|[\s_-])", re.IGNORECASE)
_NAME_WORD_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")
_SIGNED_RE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+\S", re.IGNORECASE)


def _looks_like_names(names: tuple[str, ...]) -> bool:
    """Markup guesses need a stricter check than metadata: capitalised words, no digits."""
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD_RE.match(w) and len(w) <= 20 for w in words):
            return False
        if sum(w[0].isupper() for w in words) < 2:
            return False
    return bool(names)


_COMMENT_RE = re.compile(r"comment|reply|respond", re.IGNORECASE)


def _in_comments(el: HtmlElement) -> bool:
    """Whether an element belongs to the readers' comments (their authors are not the byline)."""
    return any(
        _COMMENT_RE.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in (el, *el.iterancestors())
    )


def _byline_by_class(tree: HtmlElement, publisher: str | None) -> Byline:
    """The first short element marked as a byline by its class or id (``<p class="byline">``)."""
    for el in tree.iter("p", "div", "span", "a", "address"):
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _BYLINE_CLASS_RE.search(marker) or _in_comments(el):
            continue
        text = html_text(el)
        if text and word_count(text) <= 16:
            byline = md.parse_byline(text, publisher)
            # "by Anmol": one capitalised name is enough after an explicit "by"
            signed = _SIGNED_RE.match(text) is not None and all(a[0].isupper() for a in byline.authors)
            if (
                _looks_like_names(byline.authors)
                or (byline.authors and signed)
                or (byline.org and not byline.authors)
            ):
                return byline
    return Byline()


# (the attribute test first: the token test is dear on every element of a large page)
_REL_AUTHOR = etree.XPath('.//*[@rel][contains(concat(" ", normalize-space(@rel), " "), " author ")]')
_ITEMPROP_AUTHOR = etree.XPath(
    './/*[@itemprop][contains(concat(" ", normalize-space(@itemprop), " "), " author ")]'
)


def _with_visible_coauthors(byline: Byline, page: Page, publisher: str | None) -> Byline:
    """The visible byline when it names everyone the metadata names and more ("By Tariq Malik,
    Mike Wall" where JSON-LD has only the first): metadata often keeps the first author only."""
    if not byline.authors:
        return byline
    visible = _byline_by_class(page.tree, publisher)
    stated = {a.casefold() for a in byline.authors}
    if stated < {a.casefold() for a in visible.authors}:
        return Byline(visible.authors, byline.org or visible.org)
    return byline


def extract_byline(page: Page, publisher: str | None) -> Byline:
    """Who wrote it: JSON-LD ``author``, author meta tags, ``rel``/``itemprop="author"``, then
    an element marked as a byline. The first source naming a person or an organisation wins."""
    art_author = page.article.get("author")
    if art_author:
        byline = md.parse_byline(art_author, publisher)
        if byline:
            return _with_visible_coauthors(byline, page, publisher)
    for name in _AUTHOR_META:
        for value in page.metas.get(name, ()):
            if not value.startswith(("@", "http")):
                byline = md.parse_byline(value, publisher)
                if byline:
                    return byline
    # rel and itemprop hold space-separated tokens ("author creator")
    for xpath in (_REL_AUTHOR, _ITEMPROP_AUTHOR):
        el = next((el for el in xpath(page.tree) if not _in_comments(el)), None)
        if el is not None:
            byline = md.parse_byline(html_text(el), publisher)
            if byline:
                return byline
    return _byline_by_class(page.tree, publisher)


def extract_language(page: Page) -> str | None:
    tree = page.tree
    html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
    return (
        md.normalise_language(first_str(page.article.get("inLanguage")))
        or md.normalise_language(
            html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang")
        )
        or md.normalise_language(page.meta("content-language", "og:locale", "language", "dc.language"))
    )


def extract_url(page: Page) -> str | None:
    canonical = None
    for link in page.elements["link"]:
        if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").startswith("http"):
            canonical = link.get("href").strip()
            break
    art_url = page.article.get("url")
    url = first_str(art_url) if isinstance(art_url, str) else None
    return next((u for u in (canonical, page.meta("og:url"), url) if u and u.startswith("http")), None)


# A topic keyword is words: not markup debris, a path, an id or a CMS flag.
_NOT_TOPIC_RE = re.compile(r"[/@_=<>{}\[\]|\\]|&\w*;?|\bquot\b|:\d|^\W|^\d+$|https?:", re.IGNORECASE)
_MAX_TAGS = 30


def _topic(tag: str) -> str | None:
    text = " ".join(tag.split()).strip(" ,;.\"'«»“”„‘’")  # '"Brexit"' is the topic Brexit
    if not text or len(text) > 60 or not any(ch.isalpha() for ch in text):
        return None
    if _NOT_TOPIC_RE.search(text) or text.casefold() in {
        t.casefold() for t in md.metadata_words()["not_tags"]
    }:
        return None
    return text


def extract_tags(page: Page) -> tuple[str, ...]:
    """Topic keywords: JSON-LD ``keywords``, ``article:tag``, else ``news_keywords``/``keywords``."""
    tags: list[str] = []
    keywords = page.article.get("keywords")
    if isinstance(keywords, str):
        tags.extend(keywords.split(","))
    elif isinstance(keywords, list):
        tags.extend(k for k in keywords if isinstance(k, str))
    tags.extend(page.metas.get("article:tag", []))
    if not tags:
        kw = page.meta("news_keywords", "keywords")
        if kw:
            tags.extend(kw.split(","))
    seen: dict[str, str] = {}
    for raw in tags:
        topic = _topic(raw)
        if topic and topic.casefold() not in seen:
            seen[topic.casefold()] = topic
    return tuple(list(seen.values())[:_MAX_TAGS])


def extract_place(page: Page) -> str | None:
    for key in ("contentLocation", "locationCreated", "spatialCoverage"):
        place = md.clean_place(first_str(page.article.get(key)))
        if place:
            return place
    return None


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
        title=_headline(
            titles, source, md.clean_title(html_text(page.elements["h1"][0])) if page.elements["h1"] else None
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
