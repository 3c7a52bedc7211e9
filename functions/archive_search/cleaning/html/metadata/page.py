"""The parts of an HTML page its metadata extractors read, gathered in one walk: JSON-LD
objects (the article's first), meta tags by name, and the few elements they look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from archive_search.cleaning.limits import loads_bounded
from archive_search.cleaning.metadata.words import CJK_CHARS

_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Report|NewsArticle|LiveBlogPosting|Posting)$")
ORGANISATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation"})
# the separators of a <title>'s parts ("Headline | Section - Site"); scripts without spaces
# join them unspaced: "标题_新华网", "見出し｜サイト名", "标题-新闻频道"
TITLE_SEP_RE = re.compile(
    rf"(\s+(?:\||-|–|—|::|·|•|»|//)\s+|\s*｜\s*|(?<=[{CJK_CHARS}])(?:_|\|)|(?<=[{CJK_CHARS}])[-－](?=[{CJK_CHARS}]))"
)


@dataclass
class Page:
    """The parts of a page the extractors read, gathered in one walk."""

    tree: HtmlElement
    article: dict[str, Any]  # the first JSON-LD article object ({} when none)
    objects: list[dict[str, Any]]  # every JSON-LD object
    metas: dict[str, list[str]]
    elements: dict[str, list[HtmlElement]]

    def meta(self, *names: str) -> str | None:
        for name in names:
            values = self.metas.get(name)
            if values:
                return values[0]
        return None


def _iter_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _iter_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):  # WebPage {mainEntity: NewsArticle} too
            if isinstance(node.get(key), (dict, list)):
                yield from _iter_jsonld(node[key])


def jsonld_types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for v in value:
            s = first_str(v)
            if s:
                return s
    if isinstance(value, dict):
        for k in ("name", "@id", "url"):
            s = first_str(value.get(k))
            if s:
                return s
    return None


_TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
# a "// ..." comment to the end of a line, after a value or a line's indent (never a URL's "://")
_LINE_COMMENT_RE = re.compile(r"(?<=[\s,{\[])//[^\n]*")


# a line break or tab written raw inside a string is invalid JSON; between tokens it is a space
_CONTROL_AS_SPACE = str.maketrans("\n\r\t", "   ")


def _jsonld_articles(scripts: list[HtmlElement]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(article objects, every object) of the page's JSON-LD blocks; bad JSON is skipped."""
    articles: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for script in scripts:
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = loads_bounded(raw)
        except ValueError:
            try:  # common mistakes: trailing commas, JavaScript comments, raw line breaks in strings
                uncommented = _LINE_COMMENT_RE.sub("", raw).translate(_CONTROL_AS_SPACE)
                data = loads_bounded(_TRAILING_COMMA_RE.sub(r"\1", uncommented))
            except ValueError:  # too deeply nested is skipped as bad JSON is
                continue
        for obj in _iter_jsonld(data):
            objects.append(obj)
            if any(_ARTICLE_TYPES.search(t) for t in jsonld_types(obj)):
                articles.append(obj)
    return articles, objects


def _meta_map(meta_elements: list[HtmlElement]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in meta_elements:
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            name = meta.get(attr)
            if name:
                found.setdefault(name.strip().lower(), []).append(content.strip())
    return found


_METADATA_TAGS = ("script", "meta", "h1", "h2", "title", "time", "link")


def read_page(tree: HtmlElement) -> Page:
    # One walk over the page for the elements the extractors read (each in document order).
    elements: dict[str, list[HtmlElement]] = {tag: [] for tag in _METADATA_TAGS}
    for el in tree.iterdescendants(*_METADATA_TAGS):
        elements[el.tag].append(el)
    articles, objects = _jsonld_articles(elements["script"])
    if not articles:  # a WebPage (MedicalWebPage, ...) stating the article's author and dates
        articles = [
            o
            for o in objects
            if any(t.endswith("WebPage") for t in jsonld_types(o)) and ("author" in o or "datePublished" in o)
        ]
    return Page(tree, articles[0] if articles else {}, objects, _meta_map(elements["meta"]), elements)
