"""When the main pass keeps too little: the article's other sibling chunks, a recall pass, the
JSON-LD body, the densest paragraph block, and trafilatura's full extraction for a lost article."""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from archive_search.cleaning.html.boundaries import is_boilerplate
from archive_search.cleaning.html.lines import Line
from archive_search.cleaning.metadata import html_text as _html_text
from archive_search.cleaning.metadata import text_length
from archive_search.cleaning.metadata import word_count as _words
from archive_search.cleaning.metadata import word_key as _norm
from archive_search.observability import logger


def densest_block(tree: HtmlElement) -> list[str]:
    """Readability-like rescue: the container whose <p> children hold the most text."""
    scores: dict[Any, int] = {}
    for p in tree.iterfind(".//p"):
        text = _html_text(p)
        if _words(text) < 8:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + len(text)
    if not scores:
        return []
    best = max(scores, key=lambda el: scores[el])
    out = []
    for el in best:
        if not isinstance(el.tag, str) or el.tag in (
            "script",
            "style",
            "noscript",
            "template",
            "aside",
            "nav",
        ):
            continue
        text = _html_text(el)
        if text and _words(text) >= 4:
            out.append(text)
    return out


_CONTINUE_LEVELS = 2  # how far up a sibling chunk may hang from the article's container


_MATCH_CHARS = 80  # paragraphs are matched to their <p> by their opening characters


def _plain_paragraph(p: HtmlElement) -> str | None:
    """The text of a <p> that reads as article text (not a link line nor page furniture)."""
    text = _html_text(p)
    if not text:
        return None
    link_chars = sum(len(_html_text(a)) for a in p.iter("a"))
    if link_chars >= 0.5 * len(text) or is_boilerplate(Line(text, link_chars, "p")):
        return None
    return text


def continue_article(tree: HtmlElement, paragraphs: list[str], seen: list[str]) -> list[str]:
    """Paragraphs the extractor stopped short of, added in document order: headings and lists
    written between the kept paragraphs of the article's container (``_skipped_blocks``), and
    sibling chunks of that container (articles split into several ``<div class="body">`` blocks
    of the same class, the extractor keeping only the first). Link lines, page furniture and
    text the extractor already saw (``seen``, its lines in order: the boundaries may have
    dropped them on purpose) are not added."""
    if len(paragraphs) < 2:
        return paragraphs
    index: dict[str, HtmlElement] = {}
    for p in tree.iter("p"):
        key = _html_text(p)[:_MATCH_CHARS]
        if key:
            index.setdefault(key, p)
    matched: dict[int, HtmlElement] = {}
    parents: dict[HtmlElement, int] = {}
    for i, para in enumerate(paragraphs):
        el = index.get(para[:_MATCH_CHARS])
        if el is not None and el.getparent() is not None:
            matched[i] = el
            parents[el.getparent()] = parents.get(el.getparent(), 0) + 1
    if not parents:
        return paragraphs
    container = max(parents, key=lambda el: parents[el])
    if parents[container] < 2:
        return paragraphs

    kept = [el for el in matched.values() if el.getparent() is container]
    additions = [*_skipped_blocks(container, kept), *_sibling_chunks(tree, container)]
    if not additions:
        return paragraphs
    have = {_norm(p) for p in paragraphs}
    blob = " ".join(_norm(text) for text in seen)  # in order: a <p> split at <br>s is still found
    texts = []
    for el, text in additions:
        key = _norm(text)
        if key and key not in have and key not in blob:
            have.add(key)
            texts.append((el, text))
    if not texts:
        return paragraphs

    # merge in document order: unmatched paragraphs stay right after their predecessor
    order = {el: i for i, el in enumerate(tree.iter())}
    keyed: list[tuple[float, int, str]] = []
    last = -1.0
    for i, para in enumerate(paragraphs):
        if i in matched and matched[i] in order:
            last = float(order[matched[i]])
        keyed.append((last, i, para))
    for j, (el, text) in enumerate(texts):
        keyed.append((float(order.get(el, len(order))) + 0.5, len(paragraphs) + j, text))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, text in keyed]


_SUBHEADING_TAGS = ("h2", "h3", "h4", "h5", "h6")


_LIST_TAGS = ("ul", "ol")


# A subheading or a list item is a line, not a paragraph: longer ones, or ones holding blocks
# (images, paragraphs, headings), are gallery captions and folded sections the page hides.
_LINE_WORDS = 15


_BLOCK_TAGS = frozenset(("p", "div", "figure", "img", "table", "ul", "ol", *_SUBHEADING_TAGS))


def _plain_line(el: HtmlElement) -> str | None:
    """The text of a subheading or list item that reads as a line of the article."""
    if any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants()):
        return None
    text = _plain_paragraph(el)
    return text if text and _words(text) <= _LINE_WORDS else None


def _skipped_blocks(container: HtmlElement, kept: list[HtmlElement]) -> list[tuple[HtmlElement, str]]:
    """Subheadings and lists the extractor left out from between two of the paragraphs it kept,
    when they are children of the same container: the article's own structure (a page may hold
    them in an inline element the extractor reads only the paragraphs of). A list is added
    only when each of its items is such a line (no teaser list: those are mostly links)."""
    children = list(container)
    places = sorted(children.index(el) for el in kept)
    out: list[tuple[HtmlElement, str]] = []
    for child in children[places[0] + 1 : places[-1]]:
        if child.tag in _SUBHEADING_TAGS:
            text = _plain_line(child)
            if text:
                out.append((child, text))
        elif child.tag in _LIST_TAGS:
            items = [(li, _plain_line(li)) for li in child.iterchildren("li")]
            if items and all(text for _, text in items):
                out.extend((li, text) for li, text in items if text)
    return out


def _sibling_chunks(tree: HtmlElement, container: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The paragraphs of other chunks of the container's tag and class hanging within
    ``_CONTINUE_LEVELS`` of it (not inside it, not holding it)."""
    cls = container.get("class")
    if not cls:
        return []
    near = []
    up = container.getparent()
    for _ in range(_CONTINUE_LEVELS):
        if up is None:
            break
        near.append(up)
        up = up.getparent()
    ancestors = set(container.iterancestors())
    out = []
    for chunk in tree.iter(container.tag):
        if chunk is container or chunk.get("class") != cls or chunk in ancestors:
            continue
        chunk_ancestors = list(chunk.iterancestors())
        if container in chunk_ancestors or not any(a in near for a in chunk_ancestors):
            continue
        for p in chunk.iter("p"):
            text = _plain_paragraph(p)
            if text:
                out.append((p, text))
    return out


# The article is lost when what was kept is shorter than a short news item and a small share of
# the page's paragraph text; trafilatura's whole extraction, with its readability and jusText
# fallbacks (too slow to run on every page), then gets a say.
_LOST_BELOW_CHARS = 500


_LOST_PAGE_SHARE = 1 / 3


# Its text replaces ours when it is much longer and holds most of what we kept: the same
# article, found whole, not another block of the page.
_RESCUE_GROWTH = 3


_RESCUE_OVERLAP = 0.8


def rescued(text: str, tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """``paragraphs``, or trafilatura's full extraction when the article looks lost."""
    ours = chars(paragraphs)
    if ours >= _LOST_BELOW_CHARS:
        return paragraphs
    page = sum(text_length(_html_text(p)) for p in tree.iterfind(".//p"))
    if ours >= _LOST_PAGE_SHARE * page:
        return paragraphs
    import trafilatura

    try:
        found = trafilatura.bare_extraction(text, include_comments=False, include_tables=True)
    except Exception:  # a library failure on a hostile page: keep what we have
        logger.warning("trafilatura's fallback extraction failed on a page", exc_info=True)
        return paragraphs
    theirs = (found.as_dict() if hasattr(found, "as_dict") else found or {}).get("text") or ""
    flat = " ".join(theirs.split())
    held = chars([p for p in paragraphs if " ".join(p.split()) in flat])
    if text_length(theirs) <= _RESCUE_GROWTH * ours or held < _RESCUE_OVERLAP * ours:
        return paragraphs
    # teaser excerpts of other stories end cut off
    return [p for p in split_body(theirs) if not p.endswith(("…", "..."))]


def split_body(text: str) -> list[str]:
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text)]
    return [p for p in paras if p]


def chars(paragraphs: list[str]) -> int:
    """Their length in characters, a CJK character counting as three (``text_length``)."""
    return sum(map(text_length, paragraphs))
