"""JSON uploads: one record, a list, {"articles": [...]}, html fields, and the failure modes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from archive_search.cleaning.jsonrecord import extract_json
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
