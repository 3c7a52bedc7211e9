"""Hostile uploads meet cleaning's bounds (docs/limits.md) before the expensive work, and any
failure of the cleaner is a rejection naming its class, never an exception out of ``clean``."""

from __future__ import annotations

import gzip
import json

import lxml.html
import pytest

import archive_search.cleaning as cleaning
from archive_search.cleaning import (
    MAX_ARTICLES_PER_FILE,
    MAX_BODY_CHARS,
    MAX_INPUT_BYTES,
    clean,
)
from archive_search.cleaning.decode import decode_bytes
from archive_search.cleaning.html import extract as html_extract
from archive_search.cleaning.html import parse as html_cleaning
from archive_search.cleaning.limits import MAX_JSON_DEPTH, nesting_exceeds
from archive_search.errors import RejectedInput
from archive_search.model import MAX_TITLE_CHARS, MAX_URL_CHARS

pytestmark = pytest.mark.reliability

PARAGRAPH = (
    "The harbour reopened on Tuesday after the storm, officials said, and the first ships "
    "moved out before noon while crews cleared the last of the debris from the quay."
)
PAGE = (
    "<html><head><title>Harbour reopens</title>{head}</head><body><article><h1>Harbour reopens</h1>"
    "<p{attributes}>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
)
DEEP = "[" * 10_000 + "]" * 10_000


def rejection(data: bytes, key: str) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        clean(data, key)
    return caught.value


def page(head: str = "", attributes: str = "") -> bytes:
    return PAGE.format(head=head, attributes=attributes, paragraph=PARAGRAPH).encode()


# Truncated or hostile JSON: brackets that never close still make json.loads recurse once each.
UNCLOSED = '{"a": [' * 5_000
TOO_DEEP = pytest.mark.parametrize("deep", [DEEP, UNCLOSED], ids=["nested", "unclosed"])


@TOO_DEEP
def test_deeply_nested_json_is_rejected_by_its_depth_not_a_recursion_error(deep: str):
    error = rejection(deep.encode(), "x.json")
    assert error.reason == "too_deeply_nested"
    assert str(MAX_JSON_DEPTH) in error.message


@TOO_DEEP
def test_a_deeply_nested_json_ld_block_is_skipped_and_the_page_still_cleaned(deep: str):
    articles = clean(page(head=f'<script type="application/ld+json">{deep}</script>'), "x.html")
    assert len(articles) == 1 and PARAGRAPH in articles[0].body


def test_an_unclosed_deep_json_lines_line_is_skipped_and_the_other_lines_kept():
    record = json.dumps({"title": "Harbour reopens", "body": PARAGRAPH})
    articles = clean(f"{UNCLOSED}\n{record}\n".encode(), "x.jsonl")
    assert [a.body for a in articles] == [PARAGRAPH]
    assert [(s.line, s.reason) for s in articles.skipped.first] == [(1, "too_deeply_nested")]


def test_nesting_is_counted_outside_strings_and_up_to_the_limit_exactly():
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert not nesting_exceeds(at_limit)
    assert nesting_exceeds("[" + at_limit + "]")
    assert not nesting_exceeds(json.dumps({"body": "[" * 5_000, "tags": [["a"], {"b": [1]}]}))
    assert nesting_exceeds("[" * (MAX_JSON_DEPTH + 1))
    assert not nesting_exceeds("[" * MAX_JSON_DEPTH + "]" * (MAX_JSON_DEPTH + 10))


def test_any_exception_inside_the_cleaner_is_a_rejection_naming_its_class(monkeypatch):
    def broken(tree: object) -> object:
        raise KeyError("a bug")

    monkeypatch.setattr(html_extract, "page_metadata", broken)
    error = rejection(page(), "x.html")
    assert error.reason == "cleaner_failed" and "KeyError" in error.message


def test_a_text_dump_over_its_byte_bound_is_rejected_before_it_is_decoded(monkeypatch):
    decoded: list[int] = []
    monkeypatch.setattr(
        cleaning, "decode_bytes", lambda data: decoded.append(len(data)) or decode_bytes(data)
    )
    size = MAX_INPUT_BYTES["text"] + 1
    error = rejection((PARAGRAPH + "\n\n").encode() * (size // len(PARAGRAPH) + 1), "big.txt")
    assert (
        error.reason == "too_large"
        and f"limit of {MAX_INPUT_BYTES['text'] // 2**20} MB for text files" in error.message
    )
    assert decoded == []


def test_a_gzip_expanding_past_its_format_bound_is_rejected_without_inflating_it_all():
    data = gzip.compress(b"A harbour story.\n" * (MAX_INPUT_BYTES["text"] // 8))
    error = rejection(data, "big.txt.gz")
    assert (
        error.reason == "too_large"
        and f"limit of {MAX_INPUT_BYTES['text'] // 2**20} MB for text files" in error.message
    )


def test_an_upload_whose_format_is_sniffed_gets_that_format_s_byte_bound():
    text = (PARAGRAPH + "\n\n").encode() * (MAX_INPUT_BYTES["text"] // len(PARAGRAPH) + 1)
    error = rejection(text, "no-extension")
    assert error.reason == "too_large" and "text" in error.message


def test_a_json_file_with_more_records_than_the_bound_is_rejected():
    records = [{"title": "T", "body": PARAGRAPH}] * (MAX_ARTICLES_PER_FILE + 1)
    error = rejection(json.dumps(records).encode(), "many.json")
    assert error.reason == "too_many_records" and str(MAX_ARTICLES_PER_FILE) in error.message


def test_a_json_record_whose_body_is_over_the_bound_is_rejected_before_cleaning():
    body = (PARAGRAPH + "\n\n") * (MAX_BODY_CHARS // len(PARAGRAPH) + 1)
    error = rejection(
        json.dumps([{"title": "T", "body": PARAGRAPH}, {"title": "T", "body": body}]).encode(), "x.json"
    )
    assert error.reason == "body_too_long" and "record 1" in error.message


def test_a_title_over_the_bound_is_cut_on_a_word_and_an_overlong_url_dropped():
    # A keyword value over 32,766 bytes fails its document on OpenSearch (doc values' limit).
    record = {"title": "harbour " * 12_500, "body": PARAGRAPH, "url": "https://x.example/" + "u" * 40_000}
    [article] = clean(json.dumps([record]).encode(), "x.json")
    assert len(article.title) <= MAX_TITLE_CHARS and article.title.endswith("harbour…")
    assert article.url is None and PARAGRAPH in article.body


def test_a_title_and_url_within_their_bounds_are_kept_whole():
    title, url = "harbour " * 124 + "end", "https://x.example/" + "u" * (MAX_URL_CHARS - 18)
    [article] = clean(json.dumps([{"title": title, "body": PARAGRAPH, "url": url}]).encode(), "x.json")
    assert (article.title, article.url) == (title, url)


def test_an_article_body_over_the_bound_is_rejected_naming_it():
    paragraphs = "".join(f"<p>{i} {PARAGRAPH}</p>" for i in range(MAX_BODY_CHARS // len(PARAGRAPH) + 10))
    data = f"<html><body><article><h1>Long</h1>{paragraphs}</article></body></html>".encode()
    error = rejection(data, "long.html")
    assert error.reason == "body_too_long" and f"{MAX_BODY_CHARS:,} characters" in error.message


@pytest.mark.parametrize("separator", [" ", "", "/", "\n"])
def test_attributes_past_the_bound_are_dropped_before_the_page_is_parsed(separator):
    crowded = " " + separator.join(f'data-a{i}="v{i}"' for i in range(50_000))
    trimmed = html_cleaning.trim_crowded_tags(page(attributes=crowded).decode())
    tree = lxml.html.document_fromstring(trimmed)
    counts = [len(el.attrib) for el in tree.iter()]
    assert max(counts) == html_cleaning.MAX_ATTRIBUTES_PER_ELEMENT
    assert tree.find(".//p").get("data-a0") == "v0"


def test_a_page_without_crowded_tags_is_parsed_as_it_came():
    long_tag = '<img src="/a.jpg" alt="' + "words " * 100 + '" srcset="' + "/a/b/c.jpg?w=1 1x, " * 40 + '">'
    text = page(head=long_tag).decode()
    assert html_cleaning.trim_crowded_tags(text) is text


def test_a_page_with_fifty_thousand_attributes_on_one_element_is_cleaned():
    crowded = " " + " ".join(f'data-a{i}="v{i}"' for i in range(50_000))
    articles = clean(page(attributes=crowded), "x.html")
    assert PARAGRAPH in articles[0].body


def test_a_page_with_more_elements_than_the_bound_is_rejected_naming_it():
    spans = "<span>a</span>" * (html_cleaning.MAX_ELEMENTS_PER_PAGE + 1)
    error = rejection(f"<html><body><p>{PARAGRAPH}</p>{spans}</body></html>".encode(), "x.html")
    assert error.reason == "too_many_elements" and str(html_cleaning.MAX_ELEMENTS_PER_PAGE) in error.message


@pytest.mark.parametrize(
    "start",
    [
        "<html><body>" + "<span>" * 300,
        "<html><body>" + "<div>" * (html_cleaning.MAX_HTML_DEPTH - 2),
        "<?xml version='1.0' encoding='utf-8'?><html><body>" + "<span>" * 300,  # trafilatura's loader
    ],
)
def test_a_page_nested_past_the_parsers_depth_is_rejected_naming_it_not_emptied(start: str):
    # lxml stops reading a page at its depth bound: the article after the unclosed tags was
    # lost, and the page "had no article text"
    page = f"{start}<p>{PARAGRAPH}</p><p>{PARAGRAPH.upper()}</p></body></html>"
    error = rejection(page.encode(), "x.html")
    assert error.reason == "too_deeply_nested"
    assert error.message.startswith("x.html: ") and str(html_cleaning.MAX_HTML_DEPTH) in error.message


def test_a_page_nested_to_the_parsers_depth_is_cleaned_whole():
    depth = html_cleaning.MAX_HTML_DEPTH - 3  # html, body and the <p> are levels too
    divs = "<div>" * depth, "</div>" * depth
    page = f"<html><body>{divs[0]}<p>{PARAGRAPH}</p>{divs[1]}<p>{PARAGRAPH.upper()}</p></body></html>"
    articles = clean(page.encode(), "x.html")
    assert articles[0].body == f"{PARAGRAPH}\n\n{PARAGRAPH.upper()}"


def test_one_stray_invalid_byte_in_utf8_french_text_does_not_make_mojibake():
    text = "Le café de la gare a rouvert à Montréal, où les élèves étaient nombreux."
    data = text.encode()
    data = data[:20] + b"\xff" + data[20:]
    decoded = decode_bytes(data)
    assert "café" in decoded and "élèves" in decoded and "Ã" not in decoded


def test_text_in_a_single_byte_charset_is_still_read_as_that_charset():
    text = "Le café de la gare a rouvert à Montréal, où les élèves étaient nombreux."
    assert decode_bytes(text.encode("cp1252")) == text
