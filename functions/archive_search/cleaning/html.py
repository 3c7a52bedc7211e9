"""HTML pages -> one Article: the page's own metadata first, trafilatura for the body, then
metadata-aware boundaries, residual boilerplate removal and fallbacks.

Pipeline (one parse of the page):
1. ``page_metadata``: JSON-LD (``NewsArticle``/``Article``/... also inside ``@graph``), meta
   tags (``og:``/``article:``/``twitter:``/Dublin Core/``itemprop``), ``<time datetime>``,
   ``<html lang>``, canonical URL.
2. trafilatura (fast mode, comments off) gives the main-content tree
   (``trafilatura_steps.main_content``: its steps with plain-regex matchers in place of its EXSLT
   XPaths, the same tree in half the time); it is walked into lines that remember how much of
   their text is link text.
3. Boundaries: the title (and its standfirst) repeated at the top, byline/date lines, URL
   lines, copyright lines and runs of link lines (teasers, "related" lists) are dropped.
4. Fallbacks, when that leaves little: a recall-oriented second pass, the JSON-LD
   ``articleBody``, then the densest block of paragraphs of the page. ``RejectedInput`` only
   when none of them finds article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.decode import CharTable, code_points
from archive_search.cleaning.metadata import html_text as _html_text
from archive_search.cleaning.metadata import word_count as _words
from archive_search.cleaning.metadata import word_key as _norm
from archive_search.cleaning.page_metadata import PageMetadata, edition_for_language, page_metadata
from archive_search.cleaning.trafilatura_steps import main_content
from archive_search.errors import RejectedInput
from archive_search.model import Article
from archive_search.observability import logger

__all__ = ["extract_html"]

_MIN_ARTICLE_WORDS = 8  # less than a sentence (a lone "Home" link) is not an article
_MIN_BODY_CHARS = 200  # below this the first pass "returned too little": try the fallbacks


# ---------------------------------------------------------------------------
# Body: trafilatura's tree -> lines with their link share
# ---------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    link_chars: int
    tag: str
    group: int = -1  # the <list> a list item belongs to (-1: not in a list)

    @cached_property
    def words(self) -> int:
        return _words(self.text)

    @property
    def link_share(self) -> float:
        n = len(self.text.replace(" ", ""))
        return self.link_chars / n if n else 0.0


_BREAK_TAGS = {"lb", "item", "row", "p", "head", "quote", "list", "table", "code", "graphic"}


def _tree_lines(body: etree._Element) -> list[_Line]:
    """Lines of trafilatura's output tree: one per paragraph, heading, list item, table row and
    ``<lb/>``-separated line of a paragraph (a list item stays one line)."""
    lines: list[_Line] = []
    parts: list[str] = []
    state = {"link": 0, "tag": "p", "group": -1, "in_item": 0, "lists": 0}

    def flush() -> None:
        raw = "".join(parts)
        # trafilatura's baseline rescue keeps the page's own line breaks in one element
        chunks = raw.split("\n") if raw.count("\n") >= 3 else [raw]
        for chunk in chunks:
            text = " ".join(chunk.split())
            if text:
                share = state["link"] * len(text) // max(1, len(raw.strip()))
                tag = "dump" if len(chunks) > 1 else state["tag"]
                lines.append(_Line(text, share if len(chunks) > 1 else state["link"], tag, state["group"]))
        parts.clear()
        state["link"] = 0

    def add(text: str, is_link: bool) -> None:
        parts.append(text)
        if is_link:
            state["link"] += len(text.replace(" ", "").strip())

    def walk(el: etree._Element, in_link: bool) -> None:
        name = el.tag if isinstance(el.tag, str) else ""
        breaks = name in _BREAK_TAGS and not (state["in_item"] and name in ("lb", "p"))
        saved = (state["tag"], state["group"])
        if breaks:
            flush()
            if name != "lb":
                state["tag"] = name
        if name == "list":
            state["lists"] += 1
            state["group"] = state["lists"]
        if name == "item":
            state["in_item"] += 1
        is_link = in_link or name == "ref"
        if el.text:
            add(el.text, is_link)
        for child in el:
            walk(child, is_link)
            if child.tail:
                add(child.tail, in_link or name == "ref")
        if name == "cell":
            parts.append(" ")
        if name == "item":
            state["in_item"] -= 1
        if breaks and name != "lb":
            flush()
            state["tag"], state["group"] = saved

    for child in body:
        walk(child, False)
    flush()
    return lines


def _trafilatura_lines(tree: HtmlElement, *, recall: bool = False) -> list[_Line]:
    try:
        body = main_content(tree, recall=recall)
    except Exception:  # a library failure on a hostile page: the fallbacks take over
        logger.warning("trafilatura failed on a page", exc_info=True)
        return []
    if body is None:
        return []
    return _tree_lines(body)


# ---------------------------------------------------------------------------
# Boundaries and residual boilerplate
# ---------------------------------------------------------------------------

_URL_LINE_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_COPYRIGHT_RE = re.compile(r"(?:©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved)", re.IGNORECASE)
# "By Jane Doe", "Written by ...", "Von ...", "Par ...", "Por ...", "di ...", "door ...": a
# byline prefix followed by a capitalised name
_BYLINE_RE = re.compile(
    r"^(?:(?:written|posted|reported|published|text)\s+)?(?:by|von|par|por|di|door)\s*:?\s+[^\W\d_]",
    re.IGNORECASE,
)
_TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b|\b\d{1,2}\s*[ap]\.?m\.?\b", re.IGNORECASE)


_TERMINAL = (".", "!", "?", ":", '"', "”", "»", "。", "！", "？")


def _at_least_words(paragraphs: list[str], minimum: int) -> bool:
    """``sum(_words(p) for p in paragraphs) >= minimum``, stopping as soon as it is reached."""
    total = 0
    for p in paragraphs:
        total += _words(p)
        if total >= minimum:
            return True
    return total >= minimum


def _is_title_line(line: str, titles: list[str]) -> bool:
    n = _norm(line)
    if not n:
        return False
    for t in titles:
        nt = _norm(t)
        if not nt:
            continue
        if n == nt:
            return True
        # "<title>" is often "Headline | Site": the line is the headline part of it
        if (len(n) >= 15 and nt.startswith(n)) or (
            len(nt) >= 15 and n.startswith(nt) and len(n) - len(nt) < 40
        ):
            return True
    return False


def _is_dateish_line(line: str) -> bool:
    """A short line that is mostly a date/time stamp ("Updated at 1:23 p.m.", "22 Jan 2018 00:13")."""
    if _words(line) > 12:
        return False
    if md.parse_date(line) is None and not _TIME_RE.search(line):
        return False
    letters = re.sub(r"[\W\d_]", "", line)
    return len(letters) < 60


def _is_byline(line: str, author: str | None) -> bool:
    if _words(line) > 14:
        return False
    m = _BYLINE_RE.match(line)
    if m and line[m.end() - 1].isupper():
        return True
    return bool(author) and _norm(line) == _norm(author or "")


_LINK_LINE_SHARE = 0.6
_LINK_LINE_WORDS = 30


def _is_boilerplate(line: _Line) -> bool:
    text = line.text
    words = line.words
    if _URL_LINE_RE.match(text):
        return True
    if words <= 25 and _COPYRIGHT_RE.search(text):
        return True
    # a line that is (almost) all link text: navigation, teasers, "related" lists
    return bool(line.link_share >= _LINK_LINE_SHARE and words <= _LINK_LINE_WORDS)


_TEASER_ITEM_LINK_SHARE = 0.5
_TEASER_LIST_SHARE = 0.5


def _teaser_lists(lines: list[_Line]) -> set[int]:
    """Lists most of whose items start as or are links: related stories, navigation."""
    items: dict[int, list[_Line]] = {}
    for ln in lines:
        if ln.group >= 0:
            items.setdefault(ln.group, []).append(ln)
    out = set()
    for group, members in items.items():
        if len(members) < 2:
            continue
        linked = sum(1 for m in members if m.link_share >= _TEASER_ITEM_LINK_SHARE)
        if linked >= _TEASER_LIST_SHARE * len(members):
            out.add(group)
    return out


_MENU_RUN = 8  # lines
_MENU_LINE_WORDS = 6  # longest line a run may hold
_MENU_MEAN_WORDS = 3.5  # a menu's lines are mostly one to three words


# A page never writes its menus as list items or paragraphs it marks up as such; ranked lists,
# poems and ingredient lists are written so.
_NEVER_MENU_TAGS = ("item", "p")


def _drop_menu_runs(lines: list[_Line]) -> list[_Line]:
    """Drop long runs of short lines without sentence punctuation: menus, tag clouds."""
    out: list[_Line] = []
    run: list[_Line] = []

    def close() -> None:
        mean = sum(ln.words for ln in run) / len(run) if run else 0.0
        if len(run) < _MENU_RUN or mean > _MENU_MEAN_WORDS:
            out.extend(run)
        run.clear()

    for ln in lines:
        if (
            ln.tag not in _NEVER_MENU_TAGS
            and ln.words <= _MENU_LINE_WORDS
            and not ln.text.rstrip().endswith(_TERMINAL)
        ):
            run.append(ln)
        else:
            close()
            out.append(ln)
    close()
    return out


def _refine(lines: list[_Line], meta: PageMetadata) -> tuple[list[str], dict[str, Any]]:
    """Drop boundary and boilerplate lines; returns (paragraphs, facts found on the way)."""
    found: dict[str, Any] = {}
    lines = _drop_menu_runs(lines)
    teaser_lists = _teaser_lists(lines)
    kept = [ln for ln in lines if ln.group not in teaser_lists and not _is_boilerplate(ln)]

    # head: title, standfirst matching the description, bylines, date lines
    titles = meta.titles
    start = 0
    for i, ln in enumerate(kept[:6]):
        text = ln.text
        if _is_title_line(text, titles):
            start = i + 1
            continue
        if meta.description and _norm(text) == _norm(meta.description) and ln.tag == "head":
            start = i + 1
            continue
        if _is_byline(text, meta.author):
            found.setdefault("byline", md.parse_byline(text, meta.source))
            dated = md.parse_date(text)  # "Von Anna Keller, publiziert am 11. Juli 2023"
            if dated:
                found.setdefault("published", dated)
            start = i + 1
            continue
        if _is_dateish_line(text):
            found.setdefault("published", md.parse_date(text))
            start = i + 1
            continue
        if i >= start and _words(text) > 12:
            break
    kept = kept[start:]

    # tail: bylines, date stamps, short headings left dangling at the end
    while kept and (
        _is_dateish_line(kept[-1].text)
        or _is_byline(kept[-1].text, meta.author)
        or (kept[-1].tag == "head" and _words(kept[-1].text) <= 12)
    ):
        kept.pop()

    paragraphs: list[str] = []
    for ln in kept:
        if paragraphs and paragraphs[-1] == ln.text:
            continue
        paragraphs.append(ln.text)
    return paragraphs, found


# ---------------------------------------------------------------------------
# Fallbacks
# ---------------------------------------------------------------------------


def _densest_block(tree: HtmlElement) -> list[str]:
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
    if link_chars >= 0.5 * len(text) or _is_boilerplate(_Line(text, link_chars, "p")):
        return None
    return text


def _continue_article(tree: HtmlElement, paragraphs: list[str], seen: list[str]) -> list[str]:
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


def _rescued(text: str, tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """``paragraphs``, or trafilatura's full extraction when the article looks lost."""
    ours = _chars(paragraphs)
    if ours >= _LOST_BELOW_CHARS:
        return paragraphs
    page = sum(len(_html_text(p)) for p in tree.iterfind(".//p"))
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
    held = sum(len(p) for p in paragraphs if " ".join(p.split()) in flat)
    if len(theirs) <= _RESCUE_GROWTH * ours or held < _RESCUE_OVERLAP * ours:
        return paragraphs
    # teaser excerpts of other stories end cut off
    return [p for p in _split_body(theirs) if not p.endswith(("…", "..."))]


def _split_body(text: str) -> list[str]:
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text)]
    return [p for p in paras if p]


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_INVALID_XML = CharTable(_INVALID_XML_RE.pattern)


@lru_cache(maxsize=1)
def _html_parser() -> lxml.html.HTMLParser:
    """trafilatura's parser settings with lxml's built-in element class lookup: every element
    is an ``HtmlElement``. lxml.html's default lookup is Python code run each time an element
    is touched from Python (~1,000 times a page inside trafilatura); what it adds, form-field
    classes, is used by neither trafilatura nor this module."""
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def _parse(text: str) -> HtmlElement | None:
    """lxml's HTML parser directly (the common case); trafilatura's more forgiving loader
    (control characters, encoding declarations, broken ``<html/>``) when that fails."""
    from trafilatura.utils import load_html

    if _INVALID_XML.found_in(code_points(text)):  # decoded uploads have none; JSON fields may
        text = _INVALID_XML_RE.sub("", text)  # lxml refuses control characters in text nodes
    if text.lstrip()[:5].lower() != "<?xml":
        try:
            tree = lxml.html.document_fromstring(text, parser=_html_parser())
            if len(tree):
                return tree
        except (ValueError, etree.LxmlError):
            pass
    try:
        return load_html(text)
    except (ValueError, TypeError, etree.LxmlError):
        return None


# Never article text: scripts, styles, the <head>, media, frames, navigation, forms' widgets
# (a <form> itself stays: some sites wrap the whole page in one; so does a <figure>, which some
# CMSs wrap around whole sections: trafilatura's own steps judge it).
_DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "svg", "math", "canvas", "video", "audio",
    "picture", "object", "embed", "iframe", "frame", "frameset", "applet", "map", "area", "nav",
    "menu", "menuitem", "aside", "footer", "button", "input", "select", "option", "optgroup",
    "textarea", "label", "fieldset", "legend", "datalist", "dialog", "link",
)  # fmt: skip


# Attributes one element keeps: lxml's parser (checking each attribute against the ones
# before it) and the trafilatura steps (reading each element's attributes whole) work in the
# square of one element's attribute count.
MAX_ATTRIBUTES_PER_ELEMENT = 64
# A tag that can hold more attributes than that: an attribute takes two characters at least
# (a name and a separator), so shorter tags need no look.
_LONG_TAG_RE = re.compile(rf"<[A-Za-z][^<>]{{{2 * MAX_ATTRIBUTES_PER_ELEMENT},}}>")
_TAG_NAME_RE = re.compile(r"<[^\s/>]+")
_ATTRIBUTE_RE = re.compile(r"""[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")


def _crowded_tag_trimmed(tag: str) -> str | None:
    """``tag`` with its first ``MAX_ATTRIBUTES_PER_ELEMENT`` attributes, or ``None`` when it has
    no more than that. Cheap bound first: each attribute after the first follows whitespace,
    a ``/`` or a value (which has an ``=``)."""
    if len(tag.split()) + tag.count("/") + tag.count("=") <= MAX_ATTRIBUTES_PER_ELEMENT:
        return None
    name = _TAG_NAME_RE.match(tag)
    assert name is not None  # the tag starts with "<" and a letter
    attributes = _ATTRIBUTE_RE.finditer(tag, name.end(), len(tag) - 1)
    kept = [a.group() for _, a in zip(range(MAX_ATTRIBUTES_PER_ELEMENT + 1), attributes, strict=False)]
    if len(kept) <= MAX_ATTRIBUTES_PER_ELEMENT:
        return None
    return f"{name.group()} {' '.join(kept[:-1])}>"


def _trim_crowded_tags(text: str) -> str:
    """The page with each tag's attributes past ``MAX_ATTRIBUTES_PER_ELEMENT`` left out, before
    lxml parses it; the same string when no tag has that many."""
    parts: list[str] = []
    done = 0
    for match in _LONG_TAG_RE.finditer(text):
        trimmed = _crowded_tag_trimmed(match.group())
        if trimmed is not None:
            parts += [text[done : match.start()], trimmed]
            done = match.end()
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


# Elements of one page (the benchmark's largest pages have 1,600): trafilatura's main pass
# works in more than linear time in their number, so past this the page is rejected.
MAX_ELEMENTS_PER_PAGE = 20_000
_COUNT_ELEMENTS = etree.XPath("count(//*)")


def _check_elements(tree: HtmlElement, text: str, key: str) -> None:
    """``RejectedInput("too_many_elements")`` past ``MAX_ELEMENTS_PER_PAGE`` (counted in C),
    before any walk over the tree. Every element but the three the parser may add
    (html, head, body) starts at a ``<``: a page with fewer needs no count."""
    if text.count("<") + 3 <= MAX_ELEMENTS_PER_PAGE:
        return
    elements = int(_COUNT_ELEMENTS(tree))
    if elements > MAX_ELEMENTS_PER_PAGE:
        raise RejectedInput(
            "too_many_elements",
            f"{key}: the page has {elements} elements, over the limit of {MAX_ELEMENTS_PER_PAGE}",
        )


def extract_html(text: str, key: str) -> list[Article]:
    """One HTML page -> one Article; ``RejectedInput("no_article_text")`` when it has none."""
    tree = _parse(_trim_crowded_tags(text))
    if tree is None:
        raise RejectedInput("no_article_text", f"{key}: not an HTML page with content")
    _check_elements(tree, text, key)
    meta = page_metadata(tree)
    # Read now, while the page still has its <head>: used only when the page's metadata, its
    # byline and its dateline give no date.
    fallback_date = None if meta.published else _htmldate(tree, meta.url)
    # script/style/template never reach the body, whatever the extractor does; the other
    # elements trafilatura discards anyway go now, so its tree copies and passes are smaller
    etree.strip_elements(tree, *_DROP_TAGS, with_tail=False)  # = drop_tree() on each, in C

    lines = _trafilatura_lines(tree)
    paragraphs, found = _refine(lines, meta)
    paragraphs = _continue_article(tree, paragraphs, [ln.text for ln in lines])
    if _chars(paragraphs) < _MIN_BODY_CHARS:
        candidates = [paragraphs]
        second, found2 = _refine(_trafilatura_lines(tree, recall=True), meta)
        candidates.append(second)
        if meta.article_body:
            candidates.append(_split_body(meta.article_body))
        candidates.append(_densest_block(tree))
        best = max(candidates, key=_chars)
        if best is second:
            found = {**found2, **found}
        paragraphs = best
    paragraphs = _rescued(text, tree, paragraphs)
    if not _at_least_words(paragraphs, _MIN_ARTICLE_WORDS):
        raise RejectedInput("no_article_text", f"{key}: no article text found in the HTML page")

    body = "\n\n".join(paragraphs)
    title = meta.title or paragraphs[0][:200]
    place = meta.place or md.find_dateline(paragraphs[0])
    published = meta.published or found.get("published")
    if not place or not published:
        # "Lakeside, October 8, 2023 — ...": a dateline that names the place and the date
        dated_dateline = md.find_dated_dateline(paragraphs[0])
        if dated_dateline:
            place = place or dated_dateline[0]
            published = published or dated_dateline[1]
    published = published or fallback_date
    language = _choose_language(meta.language, body)
    byline = meta.byline or found.get("byline") or md.Byline()
    return [
        Article(
            title=title,
            body=body,
            source=edition_for_language(meta.source, language),
            published=published,
            place=place,
            authors=byline.authors,
            author_org=byline.org,
            language=language,
            url=meta.url,
            tags=meta.tags,
        )
    ]


def _htmldate(tree: HtmlElement, url: str | None) -> Any:
    """The article's original date as htmldate finds it in the markup and text (it skips
    update and comment dates); ``None`` when it finds none."""
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    except (ValueError, TypeError, etree.LxmlError):
        return None
    return md.parse_date(found) if found else None


def _choose_language(declared: str | None, body: str) -> str | None:
    """The declared language unless the text itself clearly says otherwise (templates often
    keep ``lang="en"`` for pages in other languages)."""
    detected = md.detect_language(body)
    if detected and declared and detected != declared and len(body) >= 400:
        return detected
    return declared or detected
