"""A parameter given with no value (``facets=``, an empty field of a form) is a 400 that says the
value is empty, on every route and whatever the parameter's type, rather than the type's
complaint about a value the client never meant to send. Refused before the engine is asked, so
no server runs here."""

from __future__ import annotations

import pytest

from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit


def error_of(path: str, query: str) -> tuple[int, dict[str, str]]:
    status, body = answer_of(path, query)
    return status, body["error"]


@pytest.mark.parametrize(
    ("path", "parameter", "says"),
    [
        ("/search", "facets", "'source'"),  # what it takes, beside that it is empty
        ("/search", "fields", "'title'"),
        ("/search", "sort", "'newest'"),
        ("/search", "in", "'title'"),
        ("/search", "interval", "'year'"),
        ("/search", "size", "leave size out"),
        ("/search", "facet_size", "leave facet_size out"),
        ("/search", "page", "leave page out"),
        ("/search", "collapse", "leave collapse out"),
        ("/search", "has_date", "leave has_date out"),
        ("/search", "from", "YYYY-MM-DD"),
        ("/facets/source", "size", "leave size out"),
        ("/feed", "format", "'atom'"),
        ("/alerts", "page", "leave page out"),
        ("/ingest/status", "key", "leave key out"),
        # An empty cursor read as none would hand a client that sends back a null next_cursor
        # as "" the first page again, forever.
        ("/search", "cursor", "next_cursor"),
        ("/feed", "cursor", "next_cursor"),
        ("/ingest/status", "cursor", "next_cursor"),
    ],
)
def test_a_parameter_given_empty_is_a_400_saying_it_is_empty(path: str, parameter: str, says: str) -> None:
    status, error = error_of(path, f"{parameter}=")

    assert status == 400, error
    assert error["parameter"] == parameter
    assert error["message"].startswith(f"{parameter}: the value is empty"), error["message"]
    assert says in error["message"]
    assert "unable to parse" not in error["message"]


def test_an_empty_value_among_others_is_named_as_empty_too() -> None:
    status, error = error_of("/search", "facets=source&facets=")

    assert status == 400 and error["parameter"] == "facets"
    assert error["message"].startswith("facets: the value is empty"), error["message"]
