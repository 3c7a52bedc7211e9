"""Who wrote the article: persons and an organisation credit, from metadata or a byline element."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import Page
from archive_search.cleaning.metadata import Byline, html_text, word_count
from archive_search.cleaning.metadata.words import CJK_NAME_CHARS
from archive_search.folding import fold

_AUTHOR_META = (
    "author", "article:author", "byl", "dc.creator", "dcterms.creator", "sailthru.author",
    "parsely-author", "citation_author",
)  # fmt: skip
_BYLINE_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:byline|(?:author|autor|auteur|autore)s?|autoren|autori)(?:$|[\s_-])", re.IGNORECASE
)
_NAME_WORD_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")
_CJK_NAME_RE = re.compile(f"^[{CJK_NAME_CHARS}]{{2,4}}$")
_SIGNED_RE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+\S", re.IGNORECASE)


_PARTICLE_CHARS = 5


def _looks_like_names(names: tuple[str, ...]) -> bool:
    """Markup guesses need a stricter check than metadata: capitalised words, no digits."""
    for name in names:
        if _CJK_NAME_RE.match(name):  # CJK names are written without a space: "李明"
            continue
        words = name.split()
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD_RE.match(w) and len(w) <= 20 for w in words):
            return False
        # capitalised, or in a script without letter case (Arabic, Hebrew, ...)
        if sum(not w[0].islower() for w in words) < 2:
            return False
        # lower-case words in a name are short particles (von, van der, de la, della)
        if any(w[0].islower() and len(w) > _PARTICLE_CHARS for w in words):
            return False
    return bool(names)


_COMMENT_RE = re.compile(r"comment|reply|respond", re.IGNORECASE)


def _in_comments(el: HtmlElement) -> bool:
    """Whether an element belongs to the readers' comments (their authors are not the byline)."""
    return any(
        _COMMENT_RE.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in (el, *el.iterancestors())
    )


# text hidden for screen readers only repeats what the element shows ("Jane Doe<span
# class="sr-only">Jane Doe</span>"): read, it would glue the name to itself
_SCREEN_READER_RE = re.compile(
    r"(?:^|[\s_-])(?:sr-only|screen-reader-text|visually-hidden)(?:$|\s)", re.IGNORECASE
)


def _shown_lines(el: HtmlElement) -> list[str]:
    """An element's text as its lines (a ``<br>`` ends one: a name and the date under it are
    two), without the text hidden for screen readers only; whitespace squashed."""
    hidden = [
        d for d in el.iterdescendants() if d.tag == "br" or _SCREEN_READER_RE.search(d.get("class") or "")
    ]
    if not hidden:
        text = html_text(el)
        return [text] if text else []
    skipped = {id(h) for h in hidden}
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "br":
                parts.append("\n")
            elif id(child) not in skipped and isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return [line for line in (" ".join(part.split()) for part in "".join(parts).split("\n")) if line]


_BYLINE_TAGS = ("p", "div", "span", "a", "address")


def _byline_by_class(elements: Iterable[HtmlElement], publisher: str | None) -> Byline:
    """The first short element marked as a byline by its class or id (``<p class="byline">``)
    among ``elements`` (a page's, or its header's)."""
    for el in elements:
        if el.tag not in _BYLINE_TAGS:
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _BYLINE_CLASS_RE.search(marker) or _in_comments(el):
            continue
        text = _undated(" ".join(_shown_lines(el)))
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


# "Posted on <date> by Jane Doe", "21.09.2020 von Jane Doe": a date, then the signature
_DATED_SIGNATURE_RE = re.compile(r"^(?P<lead>.+?)\s(?=(?:by|von|par|por|di|door)\s)", re.IGNORECASE)
# "By Jane Doe, John Roe on <date>", "By Jane Doe | <date>": the signature, then a date
_DATE_TRAILER_RE = re.compile(r"\s(?:on|[|·•]|[-–—](?=\s))\s*")


def _undated(text: str) -> str:
    """A byline's text without the date before its signature or the date trailing it (its
    words are not the names')."""
    found = _DATED_SIGNATURE_RE.match(text)
    if found and md.parse_date(found["lead"]) is not None:
        text = text[found.end() :]
    for trailer in _DATE_TRAILER_RE.finditer(text):
        if md.parse_date(text[trailer.end() :]) is not None:
            return text[: trailer.start()]
    return text


# the article's header: from the headline to its first paragraph of body text
_BODY_PARAGRAPH_WORDS = 30
_FOLLOWING = etree.XPath("following::*[position() <= 300]")
_HEADER_LINE_WORDS = 12


def _header_elements(page: Page) -> Iterator[HtmlElement]:
    """The elements between the page's first ``<h1>`` and its first paragraph of body text."""
    if not page.elements["h1"]:
        return
    for el in _FOLLOWING(page.elements["h1"][0]):
        if el.tag == "p" and word_count(html_text(el)) >= _BODY_PARAGRAPH_WORDS:
            return
        yield el


def _signed_in_header(page: Page, publisher: str | None) -> Byline:
    """An unmarked signature under the headline (``<span>von Jane Doe</span>``, ``— by Jane
    Doe``, ``Posted on <date> by Jane Doe``): the first short element between the page's
    ``<h1>`` and its first paragraph of body text that opens with a signing word and names
    persons. Read after the marked bylines: teasers further down carry their own."""
    for el in _header_elements(page):
        if not (el.text or "").strip(" \t\n\r-–—|·•"):
            continue  # the signature opens the element's own text; its container is passed over
        lines = _shown_lines(el)
        text = _undated(lines[0].lstrip(" -–—|·•")) if lines else ""
        if word_count(text) > _HEADER_LINE_WORDS or not _SIGNED_RE.match(text) or _in_comments(el):
            continue
        byline = md.parse_byline(text, publisher)
        if _looks_like_names(byline.authors):
            return byline
    return Byline()


# an author's page: /author/jane-doe, /staff/jane-doe/, /autoren/jane-doe-123
_AUTHOR_PAGE_RE = re.compile(
    r"/(?:authors?|staff|autor(?:en)?|auteurs?|autore|autori|journalists?|journalisten|redakteur(?:e|in)?)"
    r"/(?P<slug>[^/?#]+)/?(?:[?#]|$)",
    re.IGNORECASE,
)
# what an address adds to the name: a numeric id, a file extension (jane-doe-123.html)
_SLUG_ID_RE = re.compile(r"(?:[-_]\d+)?(?:\.[a-z]{3,4})?$", re.IGNORECASE)


def _spells_slug(text: str, slug: str) -> bool:
    """Whether a link's text is the name its address spells (``Jane Doe`` for ``jane-doe``):
    other links to an author's page say ``More by``, ``Staff`` or a picture's credit."""
    letters = "".join(c for c in fold(text) if c.isalnum())
    return bool(letters) and letters == "".join(
        c for c in fold(_SLUG_ID_RE.sub("", unquote(slug))) if c.isalnum()
    )


def _author_links_in_header(page: Page, publisher: str | None) -> Byline:
    """Links to authors' pages in the article's header whose text is the name the address
    spells (``<a href="/staff/jane-doe/">Jane Doe</a>``): a byline made of links, unmarked."""
    names: list[str] = []
    for el in _header_elements(page):
        if el.tag != "a" or _in_comments(el):
            continue
        found = _AUTHOR_PAGE_RE.search(el.get("href") or "")
        text = html_text(el)
        if found and _spells_slug(text, found["slug"]) and text not in names:
            names.append(text)
    byline = md.parse_byline(names, publisher) if names else Byline()
    return byline if _looks_like_names(byline.authors) else Byline()


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
    visible = _byline_by_class(page.tree.iter(*_BYLINE_TAGS), publisher)
    stated = {a.casefold() for a in byline.authors}
    if stated < {a.casefold() for a in visible.authors}:
        return Byline(visible.authors, byline.org or visible.org)
    return byline


# how many elements of a page are read for a labelled credit: the header is near the top
_LABEL_SCAN_ELEMENTS = 3_000


def _labelled_byline(tree: HtmlElement, publisher: str | None) -> Byline:
    """A CJK page's credit line, marked by its label rather than by markup: the first text of
    the page holding an author's label (``2024年3月5日 来源：湖滨日报 作者：李明``)."""
    for i, el in enumerate(tree.iter()):
        if i >= _LABEL_SCAN_ELEMENTS:
            break
        for text in (el.text, el.tail):
            if text and md.has_author_label(text) and word_count(text) <= 30 and not _in_comments(el):
                byline = md.parse_byline(" ".join(text.split()), publisher)
                if byline.authors:
                    return byline
    return Byline()


_VISIBLE_TEXT = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")


def _resolved(value: Any, page: Page, shown: list[str] | None = None) -> Any:
    """A JSON-LD reference (``{"@id": ...}`` without a name) replaced by the object of the page's
    graph it names, when the page shows that name: a graph states each person once and points to
    them by ``@id``, and names the CMS account behind a post that shows no byline the same way.
    ``shown``: the page's visible text once read, shared by the references of a list."""
    shown = [] if shown is None else shown
    if isinstance(value, list):
        return [_resolved(v, page, shown) for v in value]
    if isinstance(value, dict) and not value.get("name") and isinstance(value.get("@id"), str):
        for obj in page.objects:
            name = obj.get("name")
            if obj is not value and obj.get("@id") == value["@id"] and isinstance(name, str) and name.strip():
                if not shown:
                    shown.append(" ".join(" ".join(_VISIBLE_TEXT(page.tree)).split()))
                return obj if " ".join(name.split()) in shown[0] else value
    return value


def extract_byline(page: Page, publisher: str | None) -> Byline:
    """Who wrote it: JSON-LD ``author``, author meta tags, ``rel``/``itemprop="author"``, then
    an element marked as a byline, then a CJK credit line's author label, then a signature
    under the headline, then links there to authors' pages. The first source naming a person or an organisation wins, except
    that persons signing under the headline win over metadata crediting only an
    organisation: sites state themselves as every article's author."""
    stated = _stated_byline(page, publisher)
    if stated.org and not stated.authors:
        visible = _byline_by_class(_header_elements(page), publisher) or _signed_in_header(page, publisher)
        if visible.authors:
            return visible
    return stated


def _stated_byline(page: Page, publisher: str | None) -> Byline:
    """The first source naming a person or an organisation (see ``extract_byline``)."""
    art_author = _resolved(page.article.get("author"), page)
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
    return (
        _byline_by_class(page.tree.iter(*_BYLINE_TAGS), publisher)
        or _labelled_byline(page.tree, publisher)
        or _signed_in_header(page, publisher)
        or _author_links_in_header(page, publisher)
    )
