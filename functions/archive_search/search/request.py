"""What a /search request asks for, validated before any engine work, and how its dates are
read (also by saved alerts, which ingest matches: nothing here needs pydantic)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from archive_search.errors import InvalidRequest
from archive_search.index_schema import ARTICLE_SETTINGS
from archive_search.language_tags import language_of
from archive_search.search import cursor as cursors

MAX_RESULT_WINDOW: int = ARTICLE_SETTINGS["index"]["max_result_window"]
# Why a page is refused, after what asks for it: the way past the window is the cursor.
PAST_THE_WINDOW = (
    f"reaches past the first {MAX_RESULT_WINDOW} results: "
    "page through deeper results with cursor (pass next_cursor from the previous response)"
)

FACET_NAMES = ("source", "language", "place", "author", "tag", "published")
INTERVALS = {"day": "yyyy-MM-dd", "week": "yyyy-MM-dd", "month": "yyyy-MM", "year": "yyyy"}
HIT_FIELDS = (
    "id",
    "score",
    "title",
    "title_html",
    "description",
    "description_html",
    "snippet",
    "source",
    "published",
    "place",
    "authors",
    "author_org",
    "language",
    "tags",
    "url",
    "duplicates",
    "ingested_at",
)


@dataclass(frozen=True)
class SearchRequest:
    q: str | None = None
    in_field: str | None = None  # "title" | "body" | None (both, and the description)
    sort: str = "relevance"  # relevance | recent | newest | oldest | indexed
    filters: dict[str, list[str]] = field(default_factory=dict)  # source/language/place/author/tag
    date_from: date | None = None
    date_to: date | None = None
    has_date: bool | None = None
    facets: tuple[str, ...] = ()
    interval: str = "month"
    facet_size: int = 10
    size: int = 10
    page: int | None = None
    cursor: str | None = None
    fields: tuple[str, ...] = HIT_FIELDS
    collapse: bool = True

    def digest(self) -> str:
        """What a cursor must be replayed with: everything that decides the result order."""
        return cursors.request_digest(
            {
                "q": self.q,
                "in": self.in_field,
                "sort": self.sort,
                "filters": {k: sorted(v) for k, v in self.filters.items() if v},
                "from": self.date_from,
                "to": self.date_to,
                "has_date": self.has_date,
                "collapse": self.collapse,
            }
        )


def validate(request: SearchRequest) -> None:
    if request.page is not None and request.cursor:
        raise InvalidRequest("use either page or cursor, not both", "page")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise InvalidRequest("from must not be after to", "from")
    if request.page is not None and request.page * request.size > MAX_RESULT_WINDOW:
        raise InvalidRequest(f"page {request.page} with size {request.size} {PAST_THE_WINDOW}", "page")
    unknown = [name for name in request.facets if name not in FACET_NAMES]
    if unknown:
        raise InvalidRequest(f"unknown facet {unknown[0]}: choose from {', '.join(FACET_NAMES)}", "facets")
    bad_fields = [name for name in request.fields if name not in HIT_FIELDS]
    if bad_fields:
        raise InvalidRequest(f"unknown field {bad_fields[0]}: choose from {', '.join(HIT_FIELDS)}", "fields")


def filter_values(given: Iterable[str]) -> list[str]:
    """The values a repeatable filter matches, each given value and, when it holds commas, its
    comma-separated parts too (``source=Dawn,Tribune`` is either; API Gateway joins repeats with
    commas, and ``author=Helen Marsh, Arts`` still matches as a whole). An empty part is no value.
    /search and the alerts' matcher read a filter the same way, so an alert fires for what its
    search lists."""
    values: list[str] = []
    for value in given:
        values.append(value)
        if "," in value:
            values.extend(value.split(","))
    return list(dict.fromkeys(v.strip() for v in values if v.strip(", ")))


def check_languages(values: Iterable[str]) -> None:
    """A language filter's values (``filter_values``) each name a language, by tag or by name
    (``language_of``): one that names none is a 400, not a filter that silently matches nothing.
    A value holding commas is checked by its parts, which ``filter_values`` lists after it."""
    for value in values:
        if "," not in value and language_of(value) is None:
            raise InvalidRequest(
                f"language: {value!r} names no language: give a language tag (en, en-GB, eng) "
                "or a name (English, British English, français)",
                "language",
            )


# Dates are plain strings in the document (pydantic's own date type would also take "0" or
# "1700000000", as a Unix time, which the document does not allow): a day, a month or a year,
# as the published facet's values are written.
DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


def calendar_date(value: str | None, parameter: str) -> date | None:
    """A ``DATE_PATTERN`` string as a date: a month or a year is its first day as ``from`` and
    its last as ``to``, so the range holds all of it; a 400 naming ``parameter`` when the calendar
    lacks the day."""
    if value is None:
        return None
    year, month, day = [int(part) for part in value.split("-")] + [0] * (2 - value.count("-"))
    # There is no year 0000 in Python's calendar; nothing was published before 0001 either.
    year = max(year, 1)
    last = parameter == "to"
    month = month or (12 if last else 1)
    day = day or (calendar.monthrange(year, month)[1] if last else 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidRequest(f"{parameter}: {value} is not a date in the calendar", parameter) from None
