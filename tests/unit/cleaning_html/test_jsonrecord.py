"""JSON uploads: one record, a list, {"articles": [...]}, html fields, and the failure modes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from archive_search.cleaning import clean
from archive_search.cleaning.jsonrecord import extract_json
from archive_search.cleaning.skipped import MAX_SKIPPED_LISTED, MAX_SKIPPED_MESSAGE_CHARS
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

BODY = (
    "KARACHI: The city council approved the new budget on Tuesday after a long debate about schools.\n\n"
    "Opposition members said the plan raised local taxes without improving public transport."
)


def record(**overrides: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "title": "Council approves budget",
        "body": BODY,
        "url": "https://news.example/budget",
        "published": "2023-04-12T10:00:00+05:00",
        "source": "Dawn",
        "author": "By Jane Doe",
        "language": "en",
        "tags": ["budget", "council", "Budget"],
    }
    rec.update(overrides)
    return rec


def test_single_record_maps_every_field() -> None:
    [article] = extract_json(json.dumps(record()), "a.json")
    assert article.title == "Council approves budget"
    assert article.body.split("\n\n") == BODY.split("\n\n")
    assert article.url == "https://news.example/budget"
    assert article.published == date(2023, 4, 12)
    assert article.source == "Dawn"
    assert article.authors == ("Jane Doe",)
    assert article.language == "en"
    assert article.tags == ("budget", "council")
    assert article.place == "Karachi"


def test_list_of_records_gives_several_articles_in_order() -> None:
    records = [record(title=f"Story {i}") for i in range(3)]
    articles = extract_json(json.dumps(records), "many.json")
    assert [a.title for a in articles] == ["Story 0", "Story 1", "Story 2"]


def test_articles_wrapper_is_accepted() -> None:
    articles = extract_json(json.dumps({"articles": [record(title="A"), record(title="B")]}), "w.json")
    assert [a.title for a in articles] == ["A", "B"]


def test_html_field_goes_through_the_html_path_and_record_fields_win() -> None:
    html = (
        '<html lang="en"><head><meta property="og:site_name" content="Page Publisher">'
        '<meta name="author" content="Page Author"></head><body><article><h1>Council approves budget</h1>'
        + "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
        + "<script>var leaked = 1;</script></article></body></html>"
    )
    rec = {"title": "Council approves budget", "html": html, "source": "Dawn", "published": "12 April 2023"}
    [article] = extract_json(json.dumps(rec), "h.json")
    assert article.source == "Dawn"
    assert article.authors == ("Page Author",)
    assert article.published == date(2023, 4, 12)
    assert "opposition members" in article.body.lower()
    assert "leaked" not in article.body


def test_language_is_detected_when_the_record_does_not_state_it() -> None:
    text = (
        "Der Stadtrat hat am Dienstag den neuen Haushalt nach einer langen Debatte über Schulen und Straßen "
        "beschlossen. Die Opposition kritisierte die höheren Steuern."
    )
    [article] = extract_json(json.dumps({"title": "Haushalt beschlossen", "body": text}), "de.json")
    assert article.language == "de"
    assert article.published is None
    assert article.source is None


def test_invalid_json_is_rejected_with_a_readable_reason() -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json('{"title": "x", ', "bad.json")
    assert err.value.reason == "invalid_json"
    assert "bad.json" in err.value.message


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
        '<?xml version="1.0"?><error><code>AccessDenied</code></error>',
    ],
    ids=["html", "xml"],
)
def test_markup_named_json_is_rejected_saying_it_is_a_page_not_json(page: str) -> None:
    # what a service answers when it fails, saved under the .json name the caller expected
    with pytest.raises(RejectedInput) as err:
        clean(page.encode(), "inbox/export.json")
    assert err.value.reason == "invalid_json"
    assert err.value.message.endswith(
        "the file is an HTML or XML page, not JSON (an error page a service answered with?); "
        "an article's page is uploaded as .html"
    ), err.value.message


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "Only a title"},
        {"title": "Blank", "body": "   "},
        [],
        {"articles": []},
        [1, "two", None],
        "just a string",
    ],
)
def test_records_without_usable_text_are_rejected(payload: object) -> None:
    with pytest.raises(RejectedInput) as err:
        extract_json(json.dumps(payload), "empty.json")
    assert err.value.reason == "no_article_text"


def test_unusable_records_in_a_list_are_skipped_and_the_rest_kept() -> None:
    articles = extract_json(json.dumps([record(title="Good"), {"title": "no body"}]), "mixed.json")
    assert [a.title for a in articles] == ["Good"]


def test_clean_returns_the_records_left_out_beside_the_articles() -> None:
    payload = [record(title="A"), {"title": "no body"}, record(title="B"), "a string", record(title="C")]
    articles = clean(json.dumps(payload).encode(), "inbox/mixed.json")

    assert [a.title for a in articles] == ["A", "B", "C"]  # still the list of articles
    assert articles.skipped.count == 2
    assert [(r.record, r.line, r.reason) for r in articles.skipped.first] == [
        (1, None, "no_article_text"),
        (3, None, "not_an_object"),
    ]
    assert str(articles.skipped.first[0]) == "record 1: the record has no body or html text"


def test_a_record_whose_html_is_refused_says_why() -> None:
    crowded = "<html><body>" + "<b>x</b>" * 25_000 + "</body></html>"
    payload = [record(title="A"), {"title": "crowded", "html": crowded}]
    articles = clean(json.dumps(payload).encode(), "inbox/mixed.json")

    assert [a.title for a in articles] == ["A"]
    [skipped] = articles.skipped.first
    assert skipped.reason == "too_many_elements" and skipped.message.startswith("its HTML: the page has")
    assert "inbox/mixed.json" not in skipped.message


def test_clean_names_the_lines_a_json_lines_upload_left_out_in_file_order() -> None:
    lines = [json.dumps({"title": "no text"}), json.dumps(record(title="A")), '{"title": "cut', ""]
    articles = clean("\n".join(lines).encode(), "inbox/wire.ndjson")

    assert [a.title for a in articles] == ["A"]
    assert [(r.line, r.record, r.reason) for r in articles.skipped.first] == [
        (1, None, "no_article_text"),
        (3, None, "invalid_json"),
    ]


@pytest.mark.parametrize(
    "payload",
    [
        [record(title="A"), record(title="B")],
        {"articles": [record(title="A"), record(title="B")]},
        [record(title=str(n)) for n in range(700)],  # more lines than a JSON Lines file may hold
    ],
)
def test_a_pretty_printed_json_document_named_jsonl_is_read_as_the_document(payload: object) -> None:
    articles = clean(json.dumps(payload, indent=2).encode(), "inbox/export.jsonl")

    titles = [a.title for a in articles]
    assert titles[:2] == (["A", "B"] if len(titles) == 2 else ["0", "1"])
    assert articles.skipped.count == 0


def test_a_json_lines_file_with_a_bad_first_line_keeps_its_other_lines() -> None:
    lines = ['{"title": "cut', json.dumps(record(title="A")), json.dumps(record(title="B"))]
    articles = clean("\n".join(lines).encode(), "inbox/wire.jsonl")

    assert [a.title for a in articles] == ["A", "B"]
    assert [(r.line, r.reason) for r in articles.skipped.first] == [(1, "invalid_json")]


def test_the_reasons_kept_are_bounded_and_the_count_is_exact() -> None:
    payload = [record(title="Kept"), *([{"title": "x" * 50}] * (MAX_SKIPPED_LISTED + 30))]
    articles = clean(json.dumps(payload).encode(), "inbox/many.json")

    assert len(articles) == 1 and articles.skipped.count == MAX_SKIPPED_LISTED + 30
    assert [r.record for r in articles.skipped.first] == list(range(1, MAX_SKIPPED_LISTED + 1))
    long_line = '{"title": "' + "y" * 5_000
    lines = clean(f"{json.dumps(record())}\n{long_line}\n".encode(), "inbox/long.jsonl").skipped.first
    assert all(len(r.message) <= MAX_SKIPPED_MESSAGE_CHARS for r in lines)


def test_an_upload_of_one_format_without_records_leaves_nothing_out() -> None:
    text = "Harbour reopens\n\nThe harbour reopened on Monday after a week of repairs to the pier."
    assert clean(text.encode(), "inbox/story.txt").skipped.count == 0


def _twice(text: str, field: str, value: str) -> str:
    """``text`` (one JSON object) with ``field`` given a second time, first."""
    return text.replace("{", f'{{"{field}": {json.dumps(value)}, ', 1)


def test_a_record_that_gives_a_field_twice_is_skipped_naming_it_and_the_others_kept() -> None:
    # json.loads would keep the last title in silence: the first one's words would be lost.
    doubled = _twice(json.dumps(record(title="B")), "title", "B, the first title")
    nested = json.dumps(record(title="C", author={"name": "Jane Doe"})).replace(
        '"name": "Jane Doe"', '"name": "Jane Doe", "name": "John Doe"'
    )
    text = f'{{"articles": [{json.dumps(record(title="A"))}, {doubled}, {nested}, {json.dumps(record(title="D"))}]}}'

    articles = clean(text.encode(), "inbox/export.json")

    assert [a.title for a in articles] == ["A", "D"]
    assert [(r.record, r.reason) for r in articles.skipped.first] == [
        (1, "field_given_twice"),
        (2, "field_given_twice"),
    ]
    assert [str(r) for r in articles.skipped.first] == [
        "record 1: title: given twice; give each field once",
        "record 2: author.name: given twice; give each field once",
    ]


def test_a_json_lines_line_that_gives_a_field_twice_is_skipped_by_its_line() -> None:
    lines = [json.dumps(record(title="A")), _twice(json.dumps(record(title="B")), "body", "Another body")]

    articles = clean("\n".join(lines).encode(), "inbox/wire.jsonl")

    assert [a.title for a in articles] == ["A"]
    assert [str(r) for r in articles.skipped.first] == ["line 2: body: given twice; give each field once"]


def test_an_envelope_that_gives_its_records_field_twice_is_rejected_naming_it() -> None:
    # Which list holds the file's records? Either answer loses the other's articles.
    text = f'{{"articles": [{json.dumps(record(title="A"))}], "articles": [{json.dumps(record(title="B"))}]}}'

    with pytest.raises(RejectedInput) as refused:
        clean(text.encode(), "inbox/export.json")

    assert refused.value.reason == "field_given_twice"
    assert refused.value.message == "inbox/export.json: articles: given twice; give each field once"
