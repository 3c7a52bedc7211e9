"""JSON uploads: article records from another service -> Articles.

Accepted shapes (``jsonshapes.find_records``): one record ``{"title": ..., "body" | "html":
..., "url", "published", "source", "author", "language", "tags", "description"}``; a list of
records; records inside envelopes (``{"articles": [...]}``, ``{"response": {"results": [...]}}``,
Elasticsearch hits, JSON-LD ``@graph``, JSON Feed ``items``); JSON Lines (``extract_ndjson``,
one record a line). The keys each field is read from are the tables below; a field whose value
is an object gives its name (``jsonshapes.field_value``). A record whose text is HTML (``html``,
or a ``body`` that is markup) goes through the HTML path, and the record's own fields win over
what the page states. Several records give several Articles, in order; records without usable
text are left out and returned beside them (``Cleaned.skipped``: ingest records them in the
upload's receipt), and a file with none is rejected with the reasons.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

from archive_search.cleaning import metadata as md
from archive_search.cleaning.description import article_description
from archive_search.cleaning.jsonshapes import (
    HTML_KEYS,
    TEXT_KEYS,
    field_value,
    find_records,
    first_value,
    is_bulk_action,
    looked_for,
    text_value,
)
from archive_search.cleaning.limits import (
    MAX_ARTICLES_PER_FILE,
    MAX_BODY_CHARS,
    MAX_JSON_DEPTH,
    MAX_JSON_LINES,
    loads_numbers_lenient,
    nesting_exceeds,
)
from archive_search.cleaning.skipped import Cleaned, Skipped, SkippedRecord
from archive_search.errors import RejectedInput
from archive_search.json_twice import TwiceNoted, dotted, first_given_twice, given_twice_message
from archive_search.json_words import json_error_words
from archive_search.model import Article
from archive_search.observability import logger
from archive_search.upload_formats import MAX_INPUT_BYTES

__all__ = ["extract_json", "extract_ndjson"]

_TITLE_KEYS = ("title", "headline", "name", "webTitle")
_DATE_KEYS = (
    "published", "published_at", "publishedAt", "datePublished", "date_published", "pub_date",
    "webPublicationDate", "date", "pubDate",
)  # fmt: skip
_SOURCE_KEYS = ("source", "publisher", "site_name", "outlet", "publication")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DESCRIPTION_KEYS = ("description", "summary", "abstract", "standfirst", "dek", "trailText", "excerpt")
_LANG_KEYS = ("language", "lang", "inLanguage", "locale")
_URL_KEYS = ("url", "link", "canonical_url", "web_url", "webUrl", "external_url", "mainEntityOfPage")
_TAG_KEYS = ("tags", "keywords", "categories")
_MARKUP_RE = re.compile(r"<\s*(?:p|div|br|article|html|body|h[1-6]|span|section)\b", re.IGNORECASE)
# NewsAPI cuts ``content`` and says so: "... [+1234 chars]".
_CUT_MARKER_RE = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")
# Where a record is: ("record", its position from 0) in a JSON file, ("line", from 1) in JSON Lines.
_Where = tuple[str, int]


def _get(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` the record states, an object-valued field as its string."""
    return field_value(first_value(record, keys))


def _text(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of ``keys`` the record states, as text (``jsonshapes.text_value``)."""
    return text_value(first_value(record, keys))


def _author(value: Any) -> Any:
    """An author field as ``parse_byline`` reads it: a Person/Organization object (``name``
    and ``@type``) or a list as it is, another object (``{"original": "By ..."}``) as its string."""
    if isinstance(value, list):
        return [_author(v) for v in value]
    if isinstance(value, dict) and not isinstance(value.get("name"), str):
        return field_value(value)
    return value


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
        tag = field_value(tag)
        if isinstance(tag, str):
            tag = " ".join(tag.split())
            if tag and len(tag) <= 60 and tag.lower() not in seen:
                seen[tag.lower()] = tag
    return tuple(seen.values())


def _record_to_article(record: dict[str, Any], key: str) -> Article:
    title = _get(record, _TITLE_KEYS)
    # A CMS's rendered title carries HTML entities (WordPress: "Harbour &#8211; a plan").
    title = md.clean_title(html_lib.unescape(title) if isinstance(title, str) else title)
    html = _text(record, HTML_KEYS)
    text = _text(record, TEXT_KEYS)
    if isinstance(text, str) and text.rstrip().endswith(" chars]"):
        text = _CUT_MARKER_RE.sub("", text)
    if not isinstance(html, str) and isinstance(text, str) and _MARKUP_RE.search(text):
        html, text = text, None

    page: Article | None = None
    refused: RejectedInput | None = None  # why the record's HTML gave no article
    if isinstance(html, str) and html.strip():
        from archive_search.cleaning.html import extract_html

        try:
            page = extract_html(html, key)[0]
        except RejectedInput as err:
            refused = err
    if page is not None:
        body = page.body
    elif isinstance(text, str):
        paragraphs = _text_paragraphs(text)
        if title and paragraphs and paragraphs[0] == title:
            paragraphs = paragraphs[1:]
        body = "\n\n".join(paragraphs)
    else:
        body = ""
    if not body and refused is not None:  # its HTML's own reason: too many elements, no text, ...
        raise RejectedInput(refused.reason, f"its HTML: {refused.message.removeprefix(f'{key}: ')}")
    if not body:
        raise RejectedInput("no_article_text", "the record has no body or html text")
    if not title:
        title = page.title if page else body.split("\n\n", 1)[0][:200]

    language = md.normalise_language(_get(record, _LANG_KEYS)) or (page.language if page else None)
    url = _get(record, _URL_KEYS)
    source = md.clean_source(_get(record, _SOURCE_KEYS)) or (page.source if page else None)
    byline = md.parse_byline(_author(first_value(record, _AUTHOR_KEYS)), source) or (
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
        tags=_tags(first_value(record, _TAG_KEYS)) or (page.tags if page else ()),
        description=description,
    )


def _said(where: _Where) -> str:
    return f"{where[0]} {where[1]}"


def _skip(where: _Where, reason: str, message: str) -> SkippedRecord:
    kind, number = where
    return SkippedRecord(reason, message, **{kind: number})


def _check_record_sizes(records: list[tuple[_Where, Any]], key: str) -> None:
    """Bounds each record's text before any is cleaned: a body field over ``MAX_BODY_CHARS``,
    an HTML field over the bound of an HTML upload."""
    for where, record in records:
        if not isinstance(record, dict):
            continue
        text, html = _text(record, TEXT_KEYS), _text(record, HTML_KEYS)
        if isinstance(text, str) and len(text) > MAX_BODY_CHARS and not _MARKUP_RE.search(text):
            raise RejectedInput(
                "body_too_long",
                f"{key}: {_said(where)} has {len(text)} characters of text, over the limit of {MAX_BODY_CHARS}",
            )
        for value in (html, text):
            if isinstance(value, str) and len(value) > MAX_INPUT_BYTES["html"]:
                raise RejectedInput(
                    "too_large",
                    f"{key}: {_said(where)} holds {len(value)} characters of HTML, over the limit of "
                    f"{MAX_INPUT_BYTES['html']}",
                )


def _load(text: str) -> tuple[Any, bool]:
    """``json.loads`` after the nesting check (``json.loads`` recurses once per level), and
    whether an object in it gave a field twice."""
    if nesting_exceeds(text):
        raise RejectedInput("too_deeply_nested", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    noted = TwiceNoted()
    return loads_numbers_lenient(text, noted), noted.seen


def _twice_outside(value: Any, records: list[Any]) -> str | None:
    """What to say of a field given twice in ``value`` outside its ``records`` (an envelope's
    ``articles``, or a record read through a copy): no one record can be left out for it."""
    path = first_given_twice(value, opaque=frozenset(map(id, records)))
    return given_twice_message(dotted(path)) if path else None


def _articles(
    records: list[tuple[_Where, Any]], key: str, problems: list[SkippedRecord], *, twice: bool = False
) -> Cleaned:
    """The articles of ``records`` in order, with the records left out; the bounds on records
    are checked before any is cleaned. ``problems``: what was already found unusable;
    ``twice``: whether the parse met a field given twice (the records are then looked through)."""
    if len(records) > MAX_ARTICLES_PER_FILE:
        raise RejectedInput(
            "too_many_records",
            f"{key}: {len(records)} records, over the limit of {MAX_ARTICLES_PER_FILE} articles per file",
        )
    _check_record_sizes(records, key)
    articles: list[Article] = []
    for where, record in records:
        if not isinstance(record, dict):
            problems.append(_skip(where, "not_an_object", "not an object"))
            continue
        path = first_given_twice(record) if twice else None
        if path:
            problems.append(_skip(where, "field_given_twice", given_twice_message(dotted(path))))
            continue
        try:
            articles.append(_record_to_article(record, key))
        except RejectedInput as err:
            problems.append(_skip(where, err.reason, err.message))
    problems.sort(key=lambda p: (p.line or 0, p.record or 0))  # in the file's order
    if not articles:
        detail = "; ".join([*map(str, problems[:5]), f"looked for {looked_for()}"])
        raise RejectedInput("no_article_text", f"{key}: no usable article text ({detail})")
    skipped = Skipped.of(problems)
    if skipped.count:
        # The file is indexed without them: its receipt lists them (ingest), the log counts them.
        logger.warning(
            "JSON records skipped",
            extra={"key": key, "skipped": skipped.count, "reasons": [str(p) for p in skipped.first[:5]]},
        )
    return Cleaned(articles, skipped)


def extract_json(text: str, key: str) -> Cleaned:
    """A JSON upload -> its Articles in order, with the records left out; ``RejectedInput`` when
    none is usable. A file of one JSON value a line (an ``elasticdump`` export named ``.json``)
    is read as JSON Lines."""
    try:
        data, twice = _load(text)
    except RejectedInput as err:
        raise RejectedInput(err.reason, f"{key}: {err.message}") from None
    except json.JSONDecodeError as err:
        first = text[: err.pos]  # the first value, and the white space after it
        if err.msg == "Extra data" and "\n" in first and "\n" not in first.strip():
            return extract_ndjson(text, key)  # one value a line, the first whole on its line
        # No JSON value starts with "<": markup, often the error page of the service exported from.
        markup = (
            ": the file is an HTML or XML page, not JSON (an error page a service answered with?); "
            "an article's page is uploaded as .html"
            if text.lstrip().startswith("<")
            else ""
        )
        raise RejectedInput("invalid_json", f"{key}: {json_error_words(err)}{markup}") from None
    except ValueError as err:
        raise RejectedInput("invalid_json", f"{key}: not valid JSON ({err})") from None
    records = find_records(data)
    outside = _twice_outside(data, records) if twice else None
    if outside:
        raise RejectedInput("field_given_twice", f"{key}: {outside}")
    return _articles([(("record", i), r) for i, r in enumerate(records)], key, [], twice=twice)


def _one_document_over_lines(text: str) -> bool:
    """Whether ``text`` is one JSON array or object whose first line is not JSON by itself
    (``[`` or ``{`` alone, as pretty-printing writes it). The whole text is parsed only then:
    a JSON Lines file whose first line is broken is still read line by line."""
    stripped = text.strip()
    if not stripped.startswith(("[", "{")) or "\n" not in stripped:
        return False
    try:
        _load(stripped.split("\n", 1)[0])
        return False
    except (RejectedInput, ValueError):
        pass
    try:
        _load(stripped)
    except (RejectedInput, ValueError):
        return False
    return True


def extract_ndjson(text: str, key: str) -> Cleaned:
    """A JSON Lines upload (``.jsonl``, ``.ndjson``) -> the Articles of its lines in order. A
    line holds a record or any shape ``extract_json`` reads; a line that is not valid JSON, is
    nested too deeply or holds no record is left out (``Cleaned.skipped``, by line number) and
    the other lines are kept. ``_bulk`` action lines are skipped without a reason. A whole JSON
    document spread over lines (an export pretty-printed and named ``.jsonl``) is read as
    ``extract_json`` reads it."""
    if _one_document_over_lines(text):
        return extract_json(text, key)
    lines = text.split("\n")
    if len(lines) > MAX_JSON_LINES and sum(1 for line in lines if line.strip()) > MAX_JSON_LINES:
        raise RejectedInput(
            "too_many_records",
            f"{key}: more than {MAX_JSON_LINES} lines of JSON, over the limit of {MAX_ARTICLES_PER_FILE} "
            "records per file (each perhaps after its _bulk action line)",
        )
    records: list[tuple[_Where, Any]] = []
    problems: list[SkippedRecord] = []
    any_twice = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = ("line", number)
        try:
            value, twice = _load(line)
        except RejectedInput as err:
            problems.append(_skip(where, err.reason, err.message))
            continue
        except json.JSONDecodeError as err:
            problems.append(_skip(where, "invalid_json", json_error_words(err, one_line=True)))
            continue
        except ValueError as err:
            problems.append(_skip(where, "invalid_json", f"not valid JSON ({err})"))
            continue
        if is_bulk_action(value):
            continue
        found = find_records(value) if isinstance(value, (dict, list)) else [value]
        outside = _twice_outside(value, found) if twice else None
        if outside:
            problems.append(_skip(where, "field_given_twice", outside))
            continue
        any_twice = any_twice or twice
        if not found:
            problems.append(_skip(where, "no_article_text", "no record with text"))
        records.extend((where, r) for r in found)
        if len(records) > MAX_ARTICLES_PER_FILE:
            break  # _articles rejects the file: reading on would only cost time
    return _articles(records, key, problems, twice=any_twice)
