"""``from`` and ``to`` take a month (``2024-02``) or a year (``2024``) as well as a day: the
published facet's values, and what a person writes for "February's articles". A month or year
is its first day in ``from`` and its last in ``to``."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search.alerts.model import AlertRequest, stored_search
from archive_search.search.request import calendar_date
from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2024-02-10", date(2024, 2, 10), date(2024, 2, 10)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # a leap year's February
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("1900-02", date(1900, 2, 1), date(1900, 2, 28)),  # no leap year: a century
        ("2023-12", date(2023, 12, 1), date(2023, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_a_month_or_year_is_its_first_day_from_and_its_last_day_to(
    value: str, first: date, last: date
) -> None:
    assert calendar_date(value, "from") == first
    assert calendar_date(value, "to") == last


@pytest.mark.parametrize("value", ["2024-13", "24-02", "2024-2", "2024-02-1", "2024/02", "202", "2024-00"])
def test_a_value_of_another_shape_is_a_400_naming_the_three_forms(value: str) -> None:
    status, body = answer_of("/search", f"from={value}")

    assert status == 400, body
    assert body["error"]["parameter"] == "from"
    assert (
        body["error"]["message"]
        == "from: must be a date written YYYY-MM-DD, a month (YYYY-MM) or a year (YYYY)"
    )


def test_a_day_the_calendar_lacks_is_still_a_400() -> None:
    status, body = answer_of("/search", "to=2023-02-29")

    assert status == 400 and body["error"]["message"] == "to: 2023-02-29 is not a date in the calendar"


def test_an_alert_stores_a_month_as_the_days_it_spans() -> None:
    # Stored as days, so the matcher (and any earlier version reading the alert) reads days.
    search = stored_search(AlertRequest(name="February", q="budget", date_from="2024-02", date_to="2024-02"))

    assert (search["from"], search["to"]) == ("2024-02-01", "2024-02-29")
