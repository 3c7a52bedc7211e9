"""trafilatura's main-content extraction for archive-search's settings (fast mode, comments
off, links and tables kept), as ``main_content(tree)``, with its default mode's readability and
jusText comparison for a short result only (``_compared``).

For the trafilatura version it was checked against (``_TRAFILATURA_STEPS_VERSION``, pinned in
pyproject.toml), its steps run from here with plain-regex matchers in place of its EXSLT
XPaths, which call back into Python's ``re`` for every element: the same tree for less CPU
(tests/unit/cleaning_html compare each matcher with the XPath it replaces, and the result
without the comparison with ``bare_extraction``). Any other version goes through
``bare_extraction``.

One module on purpose: it mirrors trafilatura's own main-content steps one for one, so a
new trafilatura version can be compared with it side by side.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning.metadata import text_length
from archive_search.observability import logger

__all__ = ["main_content"]


def main_content(tree: HtmlElement, *, recall: bool = False) -> etree._Element | None:
    """The article region trafilatura finds in ``tree`` (which it prunes), or ``None``."""
    options = _extractor_options(recall)
    if _own_steps() and not options.max_tree_size:
        return _extract_body(tree, options, compare=True)
    from trafilatura import bare_extraction

    doc = bare_extraction(tree, options=options)
    return None if doc is None else doc.body


@lru_cache(maxsize=2)
def _extractor_options(recall: bool) -> Any:
    """trafilatura's settings, built once (building them per page cost ~0.5 ms): fast mode,
    comments off, links and tables kept. ``txt`` output: ``bare_extraction`` then skips
    serialising the body to text (the ``python`` format's ``.text``), which is never read here;
    the body tree is the same for every format."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="txt", fast=True, comments=False, links=True, tables=True, recall=recall)


# ``_extract_body`` runs trafilatura's own steps for the settings above and is checked against
# ``bare_extraction`` for this version (tests/unit/cleaning_html); any other version goes
# through ``bare_extraction``.
_TRAFILATURA_STEPS_VERSION = "2.3.1"


@lru_cache(maxsize=1)
def _own_steps() -> bool:
    import trafilatura

    return getattr(trafilatura, "__version__", None) == _TRAFILATURA_STEPS_VERSION


def _first_id_or_class(el: etree._Element) -> str:
    """XPath's ``string(@id|@class)``: the value of whichever of the two comes first."""
    for name, value in el.items():
        if name in ("id", "class"):
            return value
    return ""


# trafilatura's raw-tree prunes (RAW_TREE_PRUNE_XPATH, then REMOVE_COMMENTS_AND_LISTS_XPATH for
# comments off), as plain regexes: its XPaths call back into Python's ``re`` for each element
# through EXSLT, ~2.5 ms a page; one walk over the same elements does it in a fraction.
_SCROLL_RE = re.compile(r"mvp-post-add-(?:box|wrap)|infinite-?scroll")
_SCROLL_KEEP_RE = re.compile(r"mvp-post-add-(?:box|wrap)")
_COMMENTS_ID = "[Cc]omment(?!ary)|comol"
_COMMENTS_ID_RE = re.compile(f"^(?:{_COMMENTS_ID}|disqus_thread|dsq-comments)")
_COMMENTS_LIST_ID_RE = re.compile(f"^(?:{_COMMENTS_ID})")
_COMMENTS_CLASS_RE = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")
_RAW_PRUNE_TAGS = ("div", "section", "aside", "list", "details", "ol", "ul")


def _raw_prune(tree: HtmlElement) -> None:
    """``prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)`` then ``(..., REMOVE_COMMENTS_AND_LISTS_XPATH)``:
    each expression's matches are found first (document order), then deleted keeping their tails."""
    from trafilatura.xml import delete_element

    scroll: list[etree._Element] = []
    share: list[etree._Element] = []
    comments: list[etree._Element] = []
    for el in tree.iterdescendants(*_RAW_PRUNE_TAGS):
        el_id = el.get("id") or ""
        cls = el.get("class") or ""
        if not el_id and not cls:
            continue
        tag = el.tag
        if tag in ("div", "section", "aside"):
            if (_SCROLL_RE.search(el_id) or _SCROLL_RE.search(cls)) and (
                el.find(".//h1") is None or _SCROLL_KEEP_RE.search(el_id) or _SCROLL_KEEP_RE.search(cls)
            ):
                scroll.append(el)
            if "elementor-share-buttons" in cls:
                share.append(el)
        # an ol/ul only for the comment ids without the disqus ones
        id_re = _COMMENTS_LIST_ID_RE if tag in ("ol", "ul") else _COMMENTS_ID_RE
        if tag != "aside" and (id_re.search(el_id) or _COMMENTS_CLASS_RE.search(cls)):
            comments.append(el)
    for el in (*scroll, *share, *comments):
        delete_element(el)


# trafilatura's BASIC_CLEAN_XPATH (settings.py) for the page-length measure, as plain regexes
_BASIC_CLEAN_TAGS = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})
_COOKIE_CONSENT_RE = re.compile(
    "cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie"
    "|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr",
    re.IGNORECASE,
)


def _page_text_length(tree: HtmlElement) -> int:
    """``len(trafilatura.html2txt(tree))`` (the page measure of its recall escalation), without
    its XPath: elements found first in document order, then deleted keeping their tails."""
    from trafilatura.baseline import _spaced_text
    from trafilatura.xml import delete_element

    tree = copy.copy(tree)  # the steps below modify the tree
    body = tree.find(".//body")
    if body is None:
        body = tree
    drop = []
    for el in body.iterdescendants(etree.Element):
        tag = el.tag
        if tag in _BASIC_CLEAN_TAGS:
            drop.append(el)
            continue
        cls = el.get("class")
        el_id = el.get("id")
        if cls is None and el_id is None:
            continue
        if (
            (tag == "div" and "footer" in _first_id_or_class(el))
            or _COOKIE_CONSENT_RE.search(cls or "")
            or _COOKIE_CONSENT_RE.search(el_id or "")
        ):
            drop.append(el)
    for el in drop:
        delete_element(el)
    return len(_spaced_text(body))


# trafilatura's main extractor with its costliest XPaths as plain regexes. Its content-area
# XPath and its two discard XPaths test ids and classes with EXSLT ``re:test``: a call back into
# Python for each element and attribute, ~3.5 ms a page. The matchers below find the same
# elements in one walk each; ``_fast_extract_content`` is trafilatura's own ``extract_content``
# (and the functions it calls) bound to a copy of its module's names in which the matchers
# replace those XPaths. trafilatura's module itself is left alone.


def _first_of(items: list[tuple[str, str]], a: str, b: str) -> str | None:
    """XPath's ``string(@a|@b)`` for an element's ``items()``: the value that comes first."""
    for name, value in items:
        if name in (a, b):
            return value
    return None


@lru_cache(maxsize=1)
def _matcher_res() -> dict[str, re.Pattern[str]]:
    """The regexes of trafilatura's XPaths, from its own token lists where it has them."""
    from trafilatura import xpaths as xp

    return {
        "content_id": re.compile(xp._alt(xp._ARTICLE_CONTENT_ID_TOKENS)),
        "content_class": re.compile(xp._alt(xp._ARTICLE_CONTENT_CLASS_TOKENS)),
        "story_id": re.compile(xp._alt(xp._STORY_ID_TOKENS)),
        "story_class": re.compile(xp._alt(xp._STORY_CLASS_TOKENS)),
        "fulltext": re.compile("fulltext", re.IGNORECASE),
        "main_id": re.compile(xp._alt(xp._MAIN_CONTENT_ID_TOKENS)),
        "main_class": re.compile(xp._alt(xp._MAIN_CONTENT_CLASS_TOKENS)),
        "consent": re.compile(xp._alt(xp._CONSENT_ID_CLASS_TOKENS)),
        "discard_id": re.compile(xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_ID_TOKENS)),
        "discard_class": re.compile(
            xp._alt(xp._OVERALL_DISCARD_BOTH_TOKENS + xp._OVERALL_DISCARD_CLASS_TOKENS)
        ),
        "hidden_id": re.compile("reader-comments|akismet"),
        "hidden_class": re.compile(
            "^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
            "| hidden| hide|noprint|notloaded"
        ),
    }


def _first_section(
    tree: etree._Element, matches: Callable[[etree._Element, str | None, str | None], bool]
) -> list[etree._Element]:
    """The first article/div/main/section for which ``matches(el, id, class)`` holds, as the
    one-element list the XPath would give (``[]`` when none does)."""
    for el in tree.iterdescendants("article", "div", "main", "section"):
        if matches(el, el.get("id"), el.get("class")):
            return [el]
    return []


def _content_container(tree: etree._Element) -> list[etree._Element]:
    """``BODY_XPATH[0]`` as ``_extract`` reads it (its first result): the first
    article/div/main/section whose class or id names the article's content."""
    res = _matcher_res()
    id_re, class_re = res["content_id"], res["content_class"]
    return _first_section(
        tree,
        lambda el, el_id, cls: (
            cls == "post"
            or cls == "entry"
            or el.get("itemprop") == "articleBody"
            or el_id == "articleContent"
            or (el_id is not None and id_re.search(el_id) is not None)
            or (cls is not None and class_re.search(cls) is not None)
        ),
    )


_STORY_IDS = frozenset({"article", "story"})
_STORY_CLASSES = frozenset({"postarea", "art-postcontent", "text", "cell", "story"})


def _story_container(tree: etree._Element) -> list[etree._Element]:
    """``BODY_XPATH[2]``: the first article/div/main/section marked as the story."""
    res = _matcher_res()
    id_re, class_re, fulltext_re = res["story_id"], res["story_class"], res["fulltext"]
    return _first_section(
        tree,
        lambda el, el_id, cls: (
            el.get("role") == "article"
            or el_id in _STORY_IDS
            or cls in _STORY_CLASSES
            or (el_id is not None and id_re.search(el_id) is not None)
            or (cls is not None and (fulltext_re.search(cls) or class_re.search(cls)) is not None)
        ),
    )


def _main_container(tree: etree._Element) -> list[etree._Element]:
    """``BODY_XPATH[3]``: the first article/div/main/section marked as the main content."""
    res = _matcher_res()
    id_re, class_re = res["main_id"], res["main_class"]

    def matches(el: etree._Element, el_id: str | None, cls: str | None) -> bool:
        if el_id == "content" or cls == "content":
            return True
        if el_id is not None and (
            id_re.search(el_id) or "main-content" in el_id.replace("C", "c").replace("M", "m")
        ):
            return True
        return cls is not None and bool(
            class_re.search(cls)
            or "main-content" in cls.replace("C", "c").replace("M", "m")
            or "page-content" in cls.replace("C", "c").replace("P", "p")
        )

    return _first_section(tree, matches)


def _with_attributes(
    tree: etree._Element, *tags: Any
) -> Iterator[tuple[etree._Element, list[tuple[str, str]], dict[str, str]]]:
    """Each element of ``tags`` (all without) that has attributes: itself, its attributes in
    document order and as a dict (XPath's ``@a`` tests are false on an element without any)."""
    for el in tree.iterdescendants(*tags):
        items = el.items()
        if items:
            yield el, items, dict(items)


def _boilerplate_blocks(tree: etree._Element) -> list[etree._Element]:
    """``OVERALL_DISCARD_XPATH[0]``: blocks whose markup names navigation, sharing, ads, ..."""
    res = _matcher_res()
    consent_re, id_re, class_re = res["consent"], res["discard_id"], res["discard_class"]

    def discard(items: list[tuple[str, str]], attrs: dict[str, str]) -> bool:
        el_id, cls, role = attrs.get("id"), attrs.get("class"), attrs.get("role")
        component = attrs.get("data-component")
        first = _first_of(items, "id", "class")
        return (
            "data-lp-replacement-content" in attrs
            or (role is not None and "nav" in role.replace("N", "n"))
            or (component is not None and "MostPopularStories" in component)
            or (first is not None and consent_re.search(first) is not None)
            or (el_id is not None and id_re.search(el_id) is not None)
            or (cls is not None and class_re.search(cls) is not None)
        )

    return [
        el
        for el, items, attrs in _with_attributes(tree, "div", "item", "list", "p", "section", "span")
        if discard(items, attrs)
    ]


def _hidden_elements(tree: etree._Element) -> list[etree._Element]:
    """``OVERALL_DISCARD_XPATH[1]``: hidden elements, reply forms, comment titles."""
    res = _matcher_res()
    id_re, class_re = res["hidden_id"], res["hidden_class"]

    def hidden(items: list[tuple[str, str]], attrs: dict[str, str]) -> bool:
        el_id, cls, style = attrs.get("id"), attrs.get("class"), attrs.get("style")
        id_or_class = _first_of(items, "id", "class")
        id_or_style = _first_of(items, "id", "style")
        return (
            cls == "comments-title"
            or (id_or_class is not None and id_or_class.startswith("reply-"))
            or (id_or_style is not None and "hidden" in id_or_style)
            or (style is not None and ("display:none" in style or "display: none" in style))
            or (el_id is not None and id_re.search(el_id) is not None)
            or (cls is not None and class_re.search(cls) is not None)
            or attrs.get("aria-hidden") == "true"
        )

    return [el for el, items, attrs in _with_attributes(tree, etree.Element) if hidden(items, attrs)]


@lru_cache(maxsize=1)
def _fast_extract_content() -> Any:
    """trafilatura's ``extract_content`` with ``_content_container``, ``_story_container``,
    ``_main_container``, ``_boilerplate_blocks`` and ``_hidden_elements`` in place of the XPaths
    they stand for: the functions that read those names (``prune_unwanted_sections``,
    ``recover_wild_text``, ``_extract``, ``extract_content``) are rebuilt from their code over one
    copy of ``trafilatura.main_extractor``'s names."""
    import importlib
    import types

    module = importlib.import_module("trafilatura.main_extractor")
    names = dict(vars(module))
    body_xpath = module.BODY_XPATH
    names["BODY_XPATH"] = [
        _content_container,
        body_xpath[1],
        _story_container,
        _main_container,
        *body_xpath[4:],
    ]
    names["OVERALL_DISCARD_XPATH"] = [_boilerplate_blocks, _hidden_elements]
    for name in ("prune_unwanted_sections", "recover_wild_text", "_extract", "extract_content"):
        func = getattr(module, name)
        rebuilt = types.FunctionType(func.__code__, names, func.__name__, func.__defaults__, func.__closure__)
        rebuilt.__kwdefaults__ = func.__kwdefaults__
        names[name] = rebuilt
    return names["extract_content"]


def _covers_little_of_page(chars: int, tree: HtmlElement, share: float) -> bool:
    """``chars < share * len(html2txt(tree))``. An upper bound of that length settles most pages
    without the cleaning walk: all the page's text plus the two spaces html2txt puts around each
    block element (its cleaning only removes text, its spacing adds no more, collapsing spaces
    only shortens)."""
    from trafilatura.baseline import _BLOCK_ELEMS

    body = tree.find(".//body")
    if body is None:
        body = tree
    bound = len(body.text_content()) + 2 * sum(1 for _ in body.iter(*_BLOCK_ELEMS))
    if chars >= share * bound:
        return False
    return chars < share * _page_text_length(tree)


def _extract_body(tree: HtmlElement, options: Any, *, compare: bool = False) -> etree._Element | None:
    """``bare_extraction(tree, options=options).body`` for the settings of ``_extractor_options``
    (fast mode, comments off, no URL, metadata, language or size limits), without the work
    those settings make useless: the pre-conversion backup only the non-fast comparison reads,
    the forum-page check (the JSON-LD scripts it looks for are gone: ``extract_html`` strips
    scripts) and the copy of the input: ``tree`` keeps trafilatura's raw-tree prunes (comment
    sections, infinite-scroll containers), so the fallbacks read the page without them too. The
    raw-tree prunes and the page-length measure are ``_raw_prune`` and ``_covers_little_of_page``.

    ``compare``: a short main-pass result also goes through ``_compared``, and the recall
    escalation also weighs jusText over the page, as trafilatura's default mode does."""
    from trafilatura.baseline import baseline
    from trafilatura.core import (
        ESCALATION_ACCEPT_RATIO,
        ESCALATION_JUSTEXT_RATIO,
        ESCALATION_MAX_LENGTH,
        ESCALATION_PAGE_SHARE,
    )
    from trafilatura.external import justext_rescue
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning

    extract_content = _fast_extract_content()

    def main_pass(opts: Any) -> tuple[etree._Element, str]:
        body, text = extract_content(convert_tags(tree_cleaning(copy.copy(tree), opts), opts, None), opts)
        return _compared(tree, body, text, opts) if compare else (body, text)

    _raw_prune(tree)
    postbody, temp_text = main_pass(options)
    # baseline rescue on the pruned page, accepted only if it adds text. The thresholds that
    # trigger the rescue and the escalation count a CJK character as three (text_length); the
    # ratios between candidates and min_output_size count characters, as trafilatura does
    if text_length(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text
    # recall escalation: a short extraction covering little of the page
    if (
        options.focus == "balanced"
        and 0 < text_length(temp_text) < ESCALATION_MAX_LENGTH
        and _covers_little_of_page(len(temp_text), tree, ESCALATION_PAGE_SHARE)
    ):
        r_options = copy.copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = main_pass(r_options)
        except Exception:
            logger.warning("trafilatura's recall retry failed on a page", exc_info=True)
        # trafilatura's default mode also asks jusText over the whole page here
        j_text = ""
        try:
            if compare:
                j_body, j_text = justext_rescue(copy.copy(tree), options)
        except Exception:
            logger.warning("trafilatura's jusText candidate failed on a page", exc_info=True)
        if len(j_text) > len(r_text) and len(j_text) > ESCALATION_JUSTEXT_RATIO * len(temp_text):
            postbody, temp_text = j_body, j_text
        elif text_length(r_text) >= options.min_extracted_size and (
            len(r_text) > ESCALATION_ACCEPT_RATIO * len(temp_text)
        ):
            postbody, temp_text = r_body, r_text
    if len(temp_text) < options.min_output_size:
        return None
    return postbody


# The main pass's result is short: less than a short news item. Only then do readability and
# jusText get a say: on longer results they mostly add the page's related-story teasers.
_COMPARE_BELOW_CHARS = 500


def _compared(tree: HtmlElement, body: etree._Element, text: str, options: Any) -> tuple[etree._Element, str]:
    """trafilatura's comparison with readability and jusText (``compare_extraction``: what its
    default mode adds to the fast mode) for a short result, and only when it can change it:
    readability's text is at most the page's text and wins on length only when more than twice
    as long (1.5 times in recall mode); jusText is asked for a short or unclean result."""
    from trafilatura.external import SANITIZED_XPATH, compare_extraction
    from trafilatura.htmlprocessing import tree_cleaning

    if text_length(text) >= _COMPARE_BELOW_CHARS:
        return body, text
    body_el = tree.find(".//body")
    page = len((body_el if body_el is not None else tree).text_content())
    min_size = options.min_extracted_size
    may_change = (
        (len(text) if options.focus == "recall" else 2 * len(text)) < page
        or text_length(text) < min_size
        or (page > 2 * min_size and next(body.iter("p"), None) is None)
        or len(body.findall(".//table")) > len(body.findall(".//p"))
        or bool(body.xpath(SANITIZED_XPATH))
    )
    if not may_change:
        return body, text
    try:
        return compare_extraction(
            tree_cleaning(copy.copy(tree), options), copy.copy(tree), body, text, options
        )
    except Exception:  # a library failure on a hostile page: keep the main pass's result
        logger.warning("trafilatura's readability/jusText comparison failed on a page", exc_info=True)
        return body, text
