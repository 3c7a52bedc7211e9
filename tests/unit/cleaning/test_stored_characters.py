"""What clean() stores holds only characters every consumer reads: no C0/C1 control (but the
newlines of a body), no noncharacter, no lone surrogate, whatever the input format; events,
receipts and feeds carry the article's fields as they are."""

from __future__ import annotations

import dataclasses
import json

import pytest

from archive_search.cleaning import clean
from archive_search.errors import RejectedInput
from archive_search.model import Article
from archive_search.writes.records import article_key, parse_records

pytestmark = pytest.mark.unit

PARAGRAPH = (
    "The harbour authority approved on Tuesday a plan to dredge the northern channel, allowing "
    "larger cargo ships to dock at the port for the first time since 1998."
)
SECOND = (
    "Work will start in March and last eleven weeks, the authority's director said, adding that "
    "fishing boats would keep access to the inner basin throughout."
)
# A bell, a vertical tab, C1 CSI, noncharacters of the BMP, of the special range and of plane 1.
JUNK = "\u0007\u000b\u009b\ufffe\uffff\ufdd0\U0001fffe"


def forbidden(value: str, *, newlines: bool = False) -> list[str]:
    """The characters of ``value`` no stored field may hold (``newlines``: a body's \\n is fine)."""
    return [
        f"U+{ord(c):04X}"
        for c in value
        if not (newlines and c == "\n")
        and (
            ord(c) < 0x20
            or 0x7F <= ord(c) <= 0x9F
            or 0xD800 <= ord(c) <= 0xDFFF
            or 0xFDD0 <= ord(c) <= 0xFDEF
            or ord(c) & 0xFFFE == 0xFFFE
        )
    ]


def forbidden_fields(article: Article) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str) and forbidden(text, newlines=field.name == "body"):
                found.setdefault(field.name, []).extend(forbidden(text, newlines=field.name == "body"))
    return found


RECORD = {
    "title": f"Harbour{JUNK} to dredge the northern channel",
    "body": f"{PARAGRAPH}{JUNK}\n\n{SECOND}",
    "description": f"Larger{JUNK} ships will reach the port from the summer, when dredging ends.",
    "source": "Harbour\u0007 Gazette",
    "place": "Dover\u0085",
    "author": "By Ann\u0007 Lee",
    "author_org": "Wire\u0007 Service",
    "tags": ["dredging\u0007", "port"],
    "url": "https://gazette.example/dredge",
    "published": "2024-03-05",
}


def text_dump() -> tuple[bytes, str]:
    text = f"Harbour{JUNK} to dredge the northern channel\n\n{PARAGRAPH}{JUNK}\n\n{SECOND}\n"
    return text.encode(), "dump.txt"


def html_page() -> tuple[bytes, str]:
    # (&#x80;..&#x9f; are not here: HTML reads them as windows-1252 characters)
    refs = "&#7;&#xb;&#0;&#xfffe;&#xfdd0;&#x1fffe;&#xd800;"
    page = (
        f"<html lang='en'><head><title>Harbour{refs} to dredge the northern channel</title>"
        f"<meta name='author' content='Ann{refs} Lee'>"
        f"<meta name='description' content='Larger{refs} ships will reach the port from the summer.'>"
        f"<meta property='og:site_name' content='Harbour{refs} Gazette'>"
        f"<meta property='article:tag' content='dredging{refs}'></head><body><article>"
        f"<h1>Harbour{refs} to dredge the northern channel</h1><p>{PARAGRAPH}{refs}</p><p>{SECOND}</p>"
        "</article></body></html>"
    )
    return page.encode(), "page.html"


def json_record() -> tuple[bytes, str]:
    return json.dumps(RECORD).encode(), "record.json"


def json_lines() -> tuple[bytes, str]:
    return (
        json.dumps(RECORD) + "\n" + json.dumps({**RECORD, "title": "Second\u0007 record"}) + "\n"
    ).encode(), ("records.jsonl")


def write_api_record() -> tuple[bytes, str]:
    """What PUT /articles/by-external-id/... stores, under its key: ingest cleans it like an upload."""
    fields = {k: v for k, v in RECORD.items() if k != "author_org"}
    [record] = parse_records({"external_id": "harbour-1", **fields}, many=False)
    return record.object_bytes(), article_key(record, None, 0)


INPUTS = [text_dump, html_page, json_record, json_lines, write_api_record]


@pytest.mark.parametrize("given", INPUTS, ids=lambda given: given.__name__)
def test_no_stored_field_holds_a_control_character_or_a_noncharacter(given) -> None:
    data, key = given()

    articles = clean(data, key)

    assert articles
    assert {i: forbidden_fields(a) for i, a in enumerate(articles) if forbidden_fields(a)} == {}


@pytest.mark.parametrize("given", INPUTS, ids=lambda given: given.__name__)
def test_the_text_around_a_dropped_character_is_kept_and_paragraphs_stay_apart(given) -> None:
    data, key = given()

    article = clean(data, key)[0]

    assert article.title == "Harbour to dredge the northern channel"
    assert article.body.split("\n\n")[:2] == [PARAGRAPH, SECOND]


@pytest.mark.parametrize("given", [json_record, write_api_record], ids=lambda given: given.__name__)
def test_a_record_s_metadata_loses_only_its_control_characters(given) -> None:
    data, key = given()

    [article] = clean(data, key)

    assert (article.source, article.place, article.tags) == ("Harbour Gazette", "Dover", ("dredging", "port"))
    assert article.description and article.description.startswith("Larger ships will reach the port")


def test_an_html_reference_to_the_c1_range_stays_the_windows_1252_character_it_means() -> None:
    page = f"<html><body><article><h1>Harbour &#150; port</h1><p>{PARAGRAPH} &#147;Yes&#148;</p></article></body></html>"

    [article] = clean(page.encode(), "page.html")

    assert article.title == "Harbour – port" and article.body.endswith("“Yes”")


def test_a_url_with_a_control_character_is_dropped_not_rewritten() -> None:
    data = json.dumps({**RECORD, "url": "https://gazette.example/a\u0007b"}).encode()

    [article] = clean(data, "record.json")

    assert article.url is None


def test_a_record_whose_body_is_only_control_characters_has_no_article_text() -> None:
    data = json.dumps({**RECORD, "body": "\u0007\u0008 \u0007"}).encode()

    with pytest.raises(RejectedInput) as rejected:
        clean(data, "record.json")

    assert rejected.value.reason == "no_article_text"
