"""The write API's record validation against what ingest makes of the same record: a value
the API accepts with a 202 must reach the index, not vanish in cleaning."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search import cleaning
from archive_search.errors import InvalidRequest
from archive_search.index_schema import analysis_for
from archive_search.writes.records import parse_records

pytestmark = pytest.mark.unit

BODY = (
    "The harbour regatta was postponed by a week because of the storm warning issued on Friday. "
    "Organisers said the boats would stay in the marina until the wind drops."
)


def _stored_published(value: str) -> date | None:
    (record,) = parse_records({"body": BODY, "published": value}, many=False)
    (article,) = cleaning.clean(record.object_bytes(), key="api/articles/a.json")
    return article.published


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024-05-01T10:00:00Z", date(2024, 5, 1)),
        ("2024-05-01T23:30:00-05:00", date(2024, 5, 1)),
        ("2024-05-01 10:00", date(2024, 5, 1)),
        ("1800-01-01", date(1800, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
    ],
)
def test_a_published_date_the_write_api_accepts_is_the_date_ingest_indexes(
    value: str, expected: date
) -> None:
    assert _stored_published(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2024-W18-3",
        "2024W183",
        "0001-01-01",
        "1799-12-31",
        "2201-01-01",
        "9999-12-31",
        "20240501T10:00+05:30",
    ],
)
def test_a_published_value_ingest_would_drop_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_records({"body": BODY, "published": value}, many=False)

    assert refused.value.parameter == "articles[0].published"


# A French text, so that a declared language detection would overrule shows as a wrong code.
FRENCH_BODY = (
    "Le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine, après "
    "un long débat sur le prix des transports publics et la rénovation des écoles du centre."
)


def _stored_language(value: str) -> str | None:
    (record,) = parse_records({"body": FRENCH_BODY, "language": value}, many=False)
    (article,) = cleaning.clean(record.object_bytes(), key="api/articles/a.json")
    return article.language


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fr", "fr"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("ita", "it"),
        ("por-BR", "pt"),
        ("deu", "de"),
        ("ger", "de"),
        ("zho", "zh"),
        ("chi", "zh"),
        ("cmn-Hans-CN", "zh"),
        ("fil", "fil"),
        ("fil-PH", "fil"),
        ("yue-Hant-HK", "yue"),
        ("zh-Hant-TW", "zh"),
        ("sr-Latn", "sr"),
        ("iw", "he"),
    ],
)
def test_a_language_the_write_api_accepts_is_the_language_ingest_indexes(value: str, expected: str) -> None:
    assert _stored_language(value) == expected


@pytest.mark.parametrize("value", ["xx", "qqq", "und", "mul", "zxx", "en-", "english"])
def test_a_language_ingest_would_drop_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        parse_records({"body": FRENCH_BODY, "language": value}, many=False)
    assert err.value.parameter == "articles[0].language"


def test_a_kept_three_letter_code_in_han_characters_gets_the_cjk_analysis() -> None:
    assert analysis_for(_stored_language("yue-Hant-HK")) == analysis_for("zh") == "cjk"


def _stored(name: str, value: str) -> str | None:
    (record,) = parse_records({"body": BODY, name: value}, many=False)
    (article,) = cleaning.clean(record.object_bytes(), key="api/articles/a.json")
    return getattr(article, name)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("source", "The Harbour Gazette"),
        ("source", "S" * 80),
        ("source", "  The   Harbour Gazette  "),
        ("source", "Dawn.com"),
        ("source", "20 Minutes"),
        ("place", "Karachi"),
        ("place", "Pl" * 30),
        ("place", "Santa Fe, N.M."),
    ],
)
def test_a_source_or_place_the_write_api_accepts_is_indexed(name: str, value: str) -> None:
    assert _stored(name, value) == " ".join(value.split())


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("source", "S" * 81),
        ("source", "1843"),
        ("source", "@harbourgazette"),
        ("source", "\u0958" * 41),  # 41 characters, 82 once composed as NFC decomposes them
        ("place", "P" * 61),
        ("place", "1,200"),
    ],
)
def test_a_source_or_place_ingest_would_drop_is_refused_naming_the_field(name: str, value: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_records({"body": BODY, name: value}, many=False)

    assert refused.value.parameter == f"articles[0].{name}"


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "\u200b\u00ad"},  # zero-width space, soft hyphen
        {"body": "\ufeff \u2060"},  # byte order mark, word joiner
        {"body": "\x00\x01\n\x7f"},  # control characters
        {"html": "\u200e\u202e"},  # bidi marks
        {"body": "\u200b", "html": " \t"},
    ],
    ids=["zero-width", "bom", "controls", "html-bidi", "both"],
)
def test_a_text_of_only_invisible_or_control_characters_is_refused_naming_body(
    fields: dict[str, str],
) -> None:
    """Ingest drops these characters and would reject the article (no_article_text), or index an
    article with nothing to read: refused before anything is stored, as blank text is."""
    with pytest.raises(InvalidRequest) as refused:
        parse_records(fields, many=False)

    assert refused.value.parameter == "articles[0].body"


@pytest.mark.parametrize("body", ["1", "ok", "…", "\u200bok", "ok\x00"])
def test_a_text_with_one_visible_character_is_taken(body: str) -> None:
    (record,) = parse_records({"body": body}, many=False)

    assert record.body == body


@pytest.mark.parametrize("articles", ["x", {"body": BODY}, None, 7])
def test_an_envelope_whose_articles_is_not_a_list_is_refused_naming_articles(articles: object) -> None:
    """{"articles": {...}} is the envelope with a wrong value, not an article with an unknown field
    named articles[0].articles."""
    with pytest.raises(InvalidRequest) as refused:
        parse_records({"articles": articles}, many=True)

    assert refused.value.parameter == "articles"
    assert "list" in str(refused.value)
