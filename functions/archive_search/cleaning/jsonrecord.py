"""JSON uploads: article records from another service -> Articles.

Accepted shapes: one record ``{"title": ..., "body" | "html": ..., "url", "published",
"source", "author", "language", "tags", "description"}``; a list of records;
``{"articles": [...]}``. A record whose text is HTML (``html``, or a ``body`` that is markup) goes through the HTML path, and
the record's own fields win over what the page states. Several records give several
Articles, in order; records without usable text are skipped, and a file with none is
rejected with the reasons.
"""

from __future__ import annotations

import json
import re
from typing import Any

from archive_search.cleaning import metadata as md
from archive_search.cleaning.description import article_description
from archive_search.cleaning.limits import (
    MAX_ARTICLES_PER_FILE,
    MAX_BODY_CHARS,
    MAX_INPUT_BYTES,
    MAX_JSON_DEPTH,
    nesting_exceeds,
)
from archive_search.errors import RejectedInput
from archive_search.model import Article

__all__ = ["extract_json"]

_TEXT_KEYS = ("body", "text", "content", "articleBody", "article_body")
_HTML_KEYS = ("html", "body_html", "content_html")
_TITLE_KEYS = ("title", "headline", "name")
_DATE_KEYS = ("published", "published_at", "publishedAt", "datePublished", "date", "pubDate")
_SOURCE_KEYS = ("source", "publisher", "site_name", "outlet")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DESCRIPTION_KEYS = ("description", "summary", "abstract", "standfirst", "dek")
_LANG_KEYS = ("language", "lang", "inLanguage", "locale")
_LIST_KEYS = ("articles", "items", "records", "data", "results")
_MARKUP_RE = re.compile(r"<\s*(?:p|div|br|article|html|body|h[1-6]|span|section)\b", re.IGNORECASE)


def _get(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _text_paragraphs(text: str) -> list[str]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    if len(blocks) == 1 and text.count("\n") >= 2:
        blocks = text.split("\n")
    out = [" ".join(b.split()) for b in blocks]
    return [b for b in out if b]


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    seen: dict[str, str] = {}
    for tag in value:
        if isinstance(tag, dict):
            tag = tag.get("name")
        if isinstance(tag, str):
            tag = " ".join(tag.split())
            if tag and len(tag) <= 60 and tag.lower() not in seen:
                seen[tag.lower()] = tag
    return tuple(seen.values())


def _record_to_article(record: dict[str, Any], key: str) -> Article:
    title = md.clean_title(_get(record, _TITLE_KEYS))
    html = _get(record, _HTML_KEYS)
    text = _get(record, _TEXT_KEYS)
    if not isinstance(html, str) and isinstance(text, str) and _MARKUP_RE.search(text):
        html, text = text, None

    page: Article | None = None
    if isinstance(html, str) and html.strip():
        from archive_search.cleaning.html import extract_html

        try:
            page = extract_html(html, key)[0]
        except RejectedInput:
            page = None
    if page is not None:
        body = page.body
    elif isinstance(text, str):
        paragraphs = _text_paragraphs(text)
        if title and paragraphs and paragraphs[0] == title:
            paragraphs = paragraphs[1:]
        body = "\n\n".join(paragraphs)
    else:
        body = ""
    if not body:
        raise RejectedInput("no_article_text", "the record has no body or html text")
    if not title:
        title = page.title if page else body.split("\n\n", 1)[0][:200]

    language = md.normalise_language(_get(record, _LANG_KEYS)) or (page.language if page else None)
    url = _get(record, ("url", "link", "canonical_url"))
    source = md.clean_source(_get(record, _SOURCE_KEYS)) or (page.source if page else None)
    byline = md.parse_byline(_get(record, _AUTHOR_KEYS), source) or (
        md.Byline(page.authors, page.author_org) if page else md.Byline()
    )
    org = _get(record, ("author_org",))
    # The record's description, else the page's: either only when it adds words (description.py).
    stated = (_get(record, _DESCRIPTION_KEYS), page.description if page else None)
    description = next(
        (d for d in (article_description(s, title=title, source=source, body=body) for s in stated) if d),
        None,
    )
    return Article(
        title=title,
        body=body,
        source=source,
        published=md.parse_date(_get(record, _DATE_KEYS)) or (page.published if page else None),
        place=md.clean_place(_get(record, ("place", "dateline", "location")))
        or (page.place if page else md.find_dateline(body.split("\n\n", 1)[0])),
        authors=byline.authors,
        author_org=md.clean_source(org) or byline.org,
        language=language or md.detect_language(body),
        url=url.strip() if isinstance(url, str) and url.strip() else (page.url if page else None),
        tags=_tags(_get(record, ("tags", "keywords", "categories"))) or (page.tags if page else ()),
        description=description,
    )


def _records(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return []


def _check_record_sizes(records: list[Any], key: str) -> None:
    """Bounds each record's text before any is cleaned: a body field over ``MAX_BODY_CHARS``,
    an HTML field over the bound of an HTML upload."""
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            continue
        text, html = _get(record, _TEXT_KEYS), _get(record, _HTML_KEYS)
        if isinstance(text, str) and len(text) > MAX_BODY_CHARS and not _MARKUP_RE.search(text):
            raise RejectedInput(
                "body_too_long",
                f"{key}: record {i} has {len(text)} characters of text, over the limit of {MAX_BODY_CHARS}",
            )
        for value in (html, text):
            if isinstance(value, str) and len(value) > MAX_INPUT_BYTES["html"]:
                raise RejectedInput(
                    "too_large",
                    f"{key}: record {i} holds {len(value)} characters of HTML, over the limit of "
                    f"{MAX_INPUT_BYTES['html']}",
                )


def extract_json(text: str, key: str) -> list[Article]:
    """A JSON upload -> its Articles in order; ``RejectedInput`` when none is usable."""
    if nesting_exceeds(text):
        raise RejectedInput("too_deeply_nested", f"{key}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        data = json.loads(text)
    except ValueError as err:
        raise RejectedInput("invalid_json", f"{key}: not valid JSON ({err})") from None
    records = _records(data)
    if not records:
        raise RejectedInput("no_article_text", f"{key}: the JSON holds no article record")
    if len(records) > MAX_ARTICLES_PER_FILE:
        raise RejectedInput(
            "too_many_records",
            f"{key}: {len(records)} records, over the limit of {MAX_ARTICLES_PER_FILE} articles per file",
        )
    _check_record_sizes(records, key)
    articles: list[Article] = []
    problems: list[str] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            problems.append(f"record {i} is not an object")
            continue
        try:
            articles.append(_record_to_article(record, key))
        except RejectedInput as err:
            problems.append(f"record {i}: {err.message}")
    if not articles:
        detail = "; ".join(problems[:5])
        raise RejectedInput("no_article_text", f"{key}: no usable article text ({detail})")
    return articles
