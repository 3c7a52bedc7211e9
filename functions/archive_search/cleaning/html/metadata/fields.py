"""The small fields a page states: language, canonical URL, topic tags, dateline place."""

from __future__ import annotations

import re

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import Page, first_str


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
    if _NOT_TOPIC_RE.search(text) or text.casefold() in md.folded_words("not_tags"):
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
