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
    """Paragraphs the extractor stopped short of: sibling chunks of the article's container
    (articles split into several ``<div class="body">`` blocks of the same class, the extractor
    keeping only the first). Only chunks hanging within ``_CONTINUE_LEVELS`` of the container
    are read; link lines, page furniture and text the extractor already saw (``seen``, its
    lines in order: the boundaries may have dropped them on purpose) are not added."""
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

    cls = container.get("class")
    if not cls:
        return paragraphs
    additions: list[HtmlElement] = []
    if cls:
        near = []
        up = container.getparent()
        for _ in range(_CONTINUE_LEVELS):
            if up is None:
                break
            near.append(up)
            up = up.getparent()
        ancestors = set(container.iterancestors())
        for chunk in tree.iter(container.tag):
            if chunk is container or chunk.get("class") != cls or chunk in ancestors:
                continue
            chunk_ancestors = list(chunk.iterancestors())
            if container in chunk_ancestors or not any(a in near for a in chunk_ancestors):
                continue
            additions.extend(chunk.iter("p"))
    if not additions:
        return paragraphs
    have = {_norm(p) for p in paragraphs}
    blob = " ".join(_norm(text) for text in seen)  # in order: a <p> split at <br>s is still found
    texts = []
    for el in additions:
        text = _plain_paragraph(el)
        key = _norm(text or "")
        if text and key and key not in have and key not in blob:
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
