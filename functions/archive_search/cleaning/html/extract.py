"""HTML pages -> one Article: the page's own metadata first, trafilatura for the body, then
metadata-aware boundaries, residual boilerplate removal and fallbacks.

Pipeline (one parse of the page):
1. ``page_metadata``: JSON-LD (``NewsArticle``/``Article``/... also inside ``@graph``), meta
   tags (``og:``/``article:``/``twitter:``/Dublin Core/``itemprop``), ``<time datetime>``,
   ``<html lang>``, canonical URL.
2. trafilatura (fast mode, comments off) gives the main-content tree
   (``trafilatura_steps.main_content``: its steps with plain-regex matchers in place of its EXSLT
   XPaths, the same tree for less CPU; its readability/jusText comparison only for a short
   result); it is walked into lines that remember how much of their text is link text.
   ``<noscript>``/``<aside>`` containers that hold the page itself are read first as ``<div>``s.
3. Boundaries: the title (and its standfirst) repeated at the top, byline/date lines, URL
   lines, copyright lines and runs of link lines (teasers, "related" lists) are dropped; the
   article ends at a label naming what follows it (related stories, comments, the author box);
   a reader's prompt or a picture credit closing the page is dropped.
4. Fallbacks, when that leaves little: a recall-oriented second pass, the JSON-LD
   ``articleBody``, then the densest block of paragraphs of the page. ``RejectedInput`` only
   when none of them finds article text.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.description import article_description
from archive_search.cleaning.html.boundaries import (
    at_least_words,
    cut_after_end_sign,
    cut_at_end_label,
    drop_closing_prompts,
    refine,
)
from archive_search.cleaning.html.fallbacks import chars, continue_article, densest_block, rescued, split_body
from archive_search.cleaning.html.lines import trafilatura_lines
from archive_search.cleaning.html.metadata import edition_for_language, guessed_published, page_metadata
from archive_search.cleaning.html.parse import DROP_TAGS, check_elements, parse, trim_crowded_tags
from archive_search.errors import RejectedInput
from archive_search.model import Article

_MIN_ARTICLE_WORDS = 8  # less than a sentence (a lone "Home" link) is not an article


_MIN_BODY_CHARS = 200  # below this the first pass "returned too little": try the fallbacks


def extract_html(text: str, key: str) -> list[Article]:
    """One HTML page -> one Article; ``RejectedInput("no_article_text")`` when it has none."""
    tree = parse(trim_crowded_tags(text), key)
    if tree is None:
        raise RejectedInput("no_article_text", f"{key}: not an HTML page with content")
    check_elements(tree, text, key)
    meta = page_metadata(tree)
    # Read now, while the page still has its <head>: used only when the page's metadata, its
    # byline and its dateline give no date.
    fallback_date = None if meta.published else guessed_published(tree, meta.url)
    _unwrap_misused_containers(tree)
    # script/style/template never reach the body, whatever the extractor does; the other
    # elements trafilatura discards anyway go now, so its tree copies and passes are smaller
    etree.strip_elements(tree, *DROP_TAGS, with_tail=False)  # = drop_tree() on each, in C

    lines = trafilatura_lines(tree)
    paragraphs, found = refine(lines, meta)
    continued = continue_article(tree, paragraphs, [ln.text for ln in lines])
    if continued is not paragraphs:  # what it added may hold an end label: refine cut the rest
        continued = cut_at_end_label(continued, meta.titles)
    paragraphs = drop_closing_prompts(cut_after_end_sign(continued))
    if chars(paragraphs) < _MIN_BODY_CHARS:
        candidates = [paragraphs]
        second, found2 = refine(trafilatura_lines(tree, recall=True), meta)
        candidates.append(second)
        if meta.article_body:
            candidates.append(split_body(meta.article_body))
        candidates.append(densest_block(tree))
        best = max(candidates, key=chars)
        if best is second:
            found = {**found2, **found}
        paragraphs = best
    paragraphs = rescued(text, tree, paragraphs)
    if not at_least_words(paragraphs, _MIN_ARTICLE_WORDS):
        raise RejectedInput(
            "no_article_text", f"{key}: no article text found in the HTML page; {_why_none(text)}"
        )

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
    byline = meta.byline or found.get("byline") or md.dateline_byline(paragraphs[0])
    source = edition_for_language(meta.source, language)
    return [
        Article(
            title=title,
            body=body,
            source=source,
            published=published,
            place=place,
            authors=byline.authors,
            author_org=byline.org,
            language=language,
            url=meta.url,
            tags=meta.tags,
            description=article_description(meta.description, title=title, source=source, body=body),
        )
    ]


# A <noscript> holding more text than a "turn JavaScript on" note or an embed's fallback is the
# page itself, misnested into it by broken markup (a <div> opened inside one).
_NOSCRIPT_CONTENT_CHARS = 2000


# A redirect stub's <meta http-equiv="refresh" content="0; url=...">, its attributes in any
# order: the address it names.
_META_TAG_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH_RE = re.compile(r"""http-equiv\s*=\s*["']?refresh\b""", re.IGNORECASE)
_MAX_ADDRESS_SHOWN = 200  # characters of it a rejection quotes: a message stays a sentence
_REFRESH_URL_RE = re.compile(r"""content\s*=\s*["']?[^"'>]*?url\s*=\s*["']?([^"'>\s]+)""", re.IGNORECASE)


def _why_none(text: str) -> str:
    """What to tell the uploader of a page without article text: a redirect stub leads to the
    page to save; most other such pages load their article with a script."""
    for tag in _META_TAG_RE.findall(text):
        target = _REFRESH_URL_RE.search(tag) if _REFRESH_RE.search(tag) else None
        if target:
            address = target.group(1)
            if len(address) > _MAX_ADDRESS_SHOWN:
                address = address[:_MAX_ADDRESS_SHOWN] + "…"
            return (
                f"the page only sends its reader on to {address} (a meta refresh): save the page it leads to"
            )
    return (
        "a page that loads its article with JavaScript holds none until a browser runs it: save the "
        "page from the browser once it shows the article, or copy the article's text into a .txt file"
    )


def _unwrap_misused_containers(tree: HtmlElement) -> None:
    """Containers that are dropped as never article text but hold the page: each <noscript> over
    ``_NOSCRIPT_CONTENT_CHARS`` of text, and an <aside> holding the page's only <h1> (its
    headline: widgets that title themselves with <h1>s leave a page several), become <div>s,
    so their text is read as the page's."""
    headlines = list(tree.iter("h1"))
    page_asides = list(headlines[0].iterancestors("aside")) if len(headlines) == 1 else []
    noscripts = [el for el in tree.iter("noscript") if len(el.text_content()) > _NOSCRIPT_CONTENT_CHARS]
    for el in (*noscripts, *page_asides):
        el.tag = "div"


def _choose_language(declared: str | None, body: str) -> str | None:
    """The declared language unless the text itself clearly says otherwise (templates often
    keep ``lang="en"`` for pages in other languages)."""
    detected = md.detect_language(body)
    if detected and declared and detected != declared and len(body) >= 400:
        return detected
    return declared or detected
