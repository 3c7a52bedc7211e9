"""A language filter takes a language's name as well as its tag (``language=English``,
``français``, ``Englisch``): the names the search page shows (CLDR's), each language's own, and
those of the languages the archive analyses. A value that names no language is a 400 saying
what is accepted, not a filter that silently matches nothing. Refused before the engine is
asked, so no server runs here."""

from __future__ import annotations

import pytest

from archive_search.alerts.model import AlertRequest, stored_search
from archive_search.errors import InvalidRequest
from archive_search.language_tags import language_of
from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("English", "en"),
        ("ENGLISH", "en"),
        ("british  english", "en"),  # a regional variant's name, spacing ignored
        ("anglais", "en"),  # in French
        ("Englisch", "en"),  # in German
        ("inglés", "en"),
        ("français", "fr"),  # its own name
        ("Francais", "fr"),  # accents ignored
        ("Deutsch", "de"),
        ("中文", "zh"),
        ("Simplified Chinese", "zh"),
        ("اردو", "ur"),
        ("Norwegian", "no"),
        ("Filipino", "fil"),
    ],
)
def test_a_language_name_reads_as_its_code(name: str, code: str) -> None:
    assert language_of(name) == code


@pytest.mark.parametrize("tag", ["en", "EN", "en-GB", "eng"])
def test_a_tag_still_reads_as_its_language(tag: str) -> None:
    assert language_of(tag) == "en"


@pytest.mark.parametrize("value", ["Englsh", "xx", "und", "Klingonese", "français!"])
def test_a_value_naming_no_language_is_none(value: str) -> None:
    assert language_of(value) is None


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/search", "language=Englsh"),
        ("/search", "language=ur&language=Englsh"),
        ("/search", "language=ur,Englsh"),
        ("/feed", "language=Englsh"),
    ],
)
def test_a_language_filter_naming_no_language_is_a_400_saying_what_is_accepted(path: str, query: str) -> None:
    status, body = answer_of(path, query)

    assert status == 400, body
    assert body["error"]["parameter"] == "language"
    message = body["error"]["message"]
    assert message.startswith("language: 'Englsh' names no language")
    assert "en-GB" in message and "English" in message


@pytest.mark.parametrize("query", ["language=English", "language=ur,English", "language=fran%C3%A7ais"])
def test_a_language_filter_by_name_passes_to_the_engine(query: str) -> None:
    status, body = answer_of("/search", query)

    assert status == 503, body  # nothing answers at the engine's address: the request got that far


def test_an_alert_filtering_a_language_that_does_not_exist_is_refused() -> None:
    with pytest.raises(InvalidRequest) as refused:
        stored_search(AlertRequest(name="news", q="budget", language=["English", "Englsh"]))

    assert refused.value.parameter == "language"
    assert stored_search(AlertRequest(name="news", q="budget", language=["English"]))["language"] == [
        "English"
    ]
