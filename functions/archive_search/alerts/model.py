"""What ``POST /alerts`` accepts and what an alert document holds.

An alert is a saved search: the parameters ``/search`` filters by (``q``, ``in``, the facet
filters, the date range, ``has_date``), a name, and where a match goes (``target``). Ranking
and paging parameters mean nothing for an alert and are refused like any unknown field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlparse

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from archive_search.alerts.addresses import LOCAL_HOSTS, internal_address, resolvable
from archive_search.alerts.bounds import (
    FILTER_NAMES,
    MAX_ALERT_BODY_BYTES,
    MAX_FILTER_VALUE_CHARS,
    MAX_FILTER_VALUES,
    MAX_NAME_CHARS,
    MAX_SEARCH_BYTES,
    MAX_WEBHOOK_URL_CHARS,
)
from archive_search.errors import InvalidRequest
from archive_search.search.http import empty_value, pattern_mismatch, read_json_body
from archive_search.search.request import DATE_PATTERN, calendar_date, check_languages, filter_values
from archive_search.search.syntax import MAX_QUERY_CHARS, parse_query, positive_words

# Characters that show nothing: controls, format (zero-width), surrogates, unassigned, separators.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp"})
_SPACE_OR_CONTROL_RE = re.compile(r"[\s\x00-\x1f\x7f]")
ALERT_EXPECTED = 'a JSON object (the alert: {"name": ..., "q": ...})'

FilterValue = Annotated[str, StringConstraints(min_length=1, max_length=MAX_FILTER_VALUE_CHARS)]
FilterValues = Annotated[list[FilterValue] | None, Field(max_length=MAX_FILTER_VALUES)]


class AlertRequest(BaseModel):
    """The body of ``POST /alerts``."""

    # strict: JSON types as the document states them (no 0 for false, no "1" for a list).
    # defer_build: the validator is built on the first POST /alerts, not at every cold start.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True, defer_build=True)

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_CHARS, pattern=r"\S")
    ]

    @field_validator("name")
    @classmethod
    def _name_people_can_read(cls, value: str) -> str:
        # The name is for people, in lists and in every event: one of only controls, invisible
        # characters or separators would show as nothing.
        if not any(unicodedata.category(c) not in _UNSEEN_CATEGORIES for c in value):
            raise ValueError("must hold a visible character (controls and invisible characters show nothing)")
        return value

    q: Annotated[str | None, Field(max_length=MAX_QUERY_CHARS, description="As /search takes it")] = None
    in_field: Annotated[Literal["title", "body"] | None, Field(alias="in")] = None
    source: FilterValues = None
    language: FilterValues = None
    place: FilterValues = None
    author: FilterValues = None
    tag: FilterValues = None
    date_from: Annotated[str | None, Field(alias="from", pattern=DATE_PATTERN)] = None
    date_to: Annotated[str | None, Field(alias="to", pattern=DATE_PATTERN)] = None
    has_date: bool | None = None
    target: Literal["event", "webhook", "feed"] = "event"
    webhook_url: Annotated[str | None, Field(max_length=MAX_WEBHOOK_URL_CHARS)] = None


class AlertResponse(BaseModel):
    """An alert as the API shows it (``public``)."""

    model_config = ConfigDict(defer_build=True)  # documentation only: built with the document

    id: str = Field(description="32 hex characters")
    name: str
    target: Literal["event", "webhook", "feed"]
    webhook_url: str | None = Field(
        description=(
            "The webhook's URL: in full to a caller that may write alerts (JWT scope archive/write; "
            "the 201 of POST /alerts), else only its scheme, host and port (https://hooks.example/…)"
        )
    )
    webhook_url_sha256: str | None = Field(
        description="The first 12 hex digits of the full URL's SHA-256, to tell URLs apart; null without one"
    )
    search: dict[str, Any] = Field(description="The saved search, in the names /search takes")
    feed_url: str = Field(description="The search as a feed: GET it on the API")
    created_at: str


class AlertCreatedResponse(AlertResponse):
    """``POST /alerts``'s answer: the alert, and a webhook alert's signing secret."""

    webhook_secret: str | None = Field(
        None, description="Only for target webhook: the secret its deliveries are signed with (whsec_...)"
    )


class WebhookSecretResponse(BaseModel):
    """``POST /alerts/{id}/webhook-secret``'s answer."""

    model_config = ConfigDict(defer_build=True)  # documentation only: built with the document

    id: str
    webhook_secret: str = Field(description="The alert's new signing secret (whsec_...)")
    previous_secret_until: str = Field(
        description="Deliveries are also signed with the previous secret until then"
    )


class AlertListResponse(BaseModel):
    model_config = ConfigDict(defer_build=True)  # documentation only: built with the document

    total: int
    alerts: list[AlertResponse]


def alert_request(event: Any) -> AlertRequest:
    """The body of ``POST /alerts``: JSON of at most ``MAX_ALERT_BODY_BYTES``, an ``AlertRequest``;
    otherwise a 400 (415 for another content type) naming the field."""
    payload = read_json_body(event, max_bytes=MAX_ALERT_BODY_BYTES, expected=ALERT_EXPECTED)
    if not isinstance(payload, dict):
        raise InvalidRequest(f"the request body must be {ALERT_EXPECTED}", "body")
    try:
        return AlertRequest.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"][:1]) or "body"
        required = any(
            spec.is_required() and (spec.alias or name) == field
            for name, spec in AlertRequest.model_fields.items()
        )
        said = empty_value(field, first, required=required) or pattern_mismatch(field, first)
        message = (said if first["loc"] else None) or first["msg"]
        if first["type"] == "bool_type":  # as /search says it of has_date=yes
            message = "must be JSON true, false or null"
        raise InvalidRequest(f"{field}: {message}", field) from None


def check_target(request: AlertRequest) -> None:
    """A webhook target names its URL (https; plain http only to this machine); no other does."""
    if request.target == "webhook" and not request.webhook_url:
        raise InvalidRequest("webhook_url is required when target is webhook", "webhook_url")
    if request.target != "webhook" and request.webhook_url is not None:
        raise InvalidRequest("webhook_url is only for target webhook", "webhook_url")
    if request.webhook_url is not None:
        _check_webhook_url(request.webhook_url)


def _check_webhook_url(url: str) -> None:
    parsed = urlparse(url)
    local = parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS
    if not (parsed.scheme == "https" or local) or not parsed.hostname or not _callable(url):
        raise InvalidRequest(
            "webhook_url must be an https URL (http only to 127.0.0.1, [::1] or localhost)", "webhook_url"
        )
    if parsed.port == 0:
        raise InvalidRequest("webhook_url: port 0 is no port a server listens on", "webhook_url")
    if "@" in parsed.netloc:
        # The relay sends no credentials (the signature is the authentication), and the URL is
        # in every event of the alert: a password in it would be published with each match.
        raise InvalidRequest(
            "webhook_url must not carry a user name or password (user:password@): receivers "
            "check the X-Archive-Search-Signature header instead",
            "webhook_url",
        )
    if not resolvable(parsed.hostname):
        raise InvalidRequest(
            f"webhook_url: {parsed.hostname} is not a host name (a DNS label is 1 to 63 characters, "
            "a name at most 253)",
            "webhook_url",
        )
    if parsed.hostname not in LOCAL_HOSTS and internal_address(parsed.hostname):
        raise InvalidRequest(
            "webhook_url must not name a private, link-local or reserved address "
            f"({parsed.hostname}: the metadata service, the VPC); use a public host name",
            "webhook_url",
        )


def _callable(url: str) -> bool:
    """urlparse takes a space or a line break in the host and keeps a port it cannot read; the
    URL is carried in every event of the alert for a relay to call, so it must be one."""
    if _SPACE_OR_CONTROL_RE.search(url):
        return False
    try:
        urlparse(url).port  # noqa: B018  (reading it checks it: not a number, or past 65535)
    except ValueError:
        return False
    return True


def stored_search(request: AlertRequest) -> dict[str, Any]:
    """The alert's search as stored (the names /search takes), after the checks a search gets:
    the query parses within its bounds, the dates exist and are in order, the alert is not
    empty (an alert without words or filters would fire for every article)."""
    q = (request.q or "").strip() or None
    # InvalidRequest naming q when it is too long or too deep. A q with no word to match
    # ("(((", "*", "-sport": punctuation, operators, only exclusions) narrows nothing down.
    matches_words = q is not None and bool(positive_words(parse_query(q)))
    date_from = calendar_date(request.date_from, "from")
    date_to = calendar_date(request.date_to, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest("from must not be after to", "from")
    filters = {
        name: list(dict.fromkeys(v.strip() for v in getattr(request, name) or [] if v.strip()))
        for name in FILTER_NAMES
    }
    check_languages(filter_values(filters["language"]))
    search: dict[str, Any] = {"q": q, "in": request.in_field}
    search.update({name: values for name, values in filters.items() if values})
    # Days, as the matcher reads them: a month or year given is stored as the days it spans.
    search.update(
        {
            "from": date_from and date_from.isoformat(),
            "to": date_to and date_to.isoformat(),
            "has_date": request.has_date,
        }
    )
    search = {name: value for name, value in search.items() if value is not None}
    if not (matches_words or any(filters.values()) or date_from or date_to or request.has_date is not None):
        raise InvalidRequest(
            "an alert needs q with a word to match, or at least one filter: it would match every article", "q"
        )
    size = len(json.dumps(search, ensure_ascii=False).encode())
    if size > MAX_SEARCH_BYTES:
        largest = max(FILTER_NAMES, key=lambda name: len(json.dumps(search.get(name, []))))
        raise InvalidRequest(
            f"the alert's search is {size:,} bytes as JSON, more than {MAX_SEARCH_BYTES:,}: use fewer filter values",
            largest,
        )
    return search


def feed_url(search: dict[str, Any]) -> str:
    """The alert's search as a feed (``GET /feed`` takes the parameters ``/search`` takes), in
    the order that lists each new match first: the order is spelled out, not left to a default."""
    pairs: list[tuple[str, str]] = []
    for name, value in search.items():
        if isinstance(value, list):
            pairs += [(name, v) for v in value]
        else:
            pairs.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    return "/feed?" + urlencode([*pairs, ("format", "atom"), ("order", "indexed")])


def public(alert_id: str, document: dict[str, Any]) -> dict[str, Any]:
    """An alert as the API shows it."""
    return {
        "id": alert_id,
        "name": document["name"],
        "target": document["target"],
        "webhook_url": document.get("webhook_url"),
        "search": document["search"],
        "feed_url": feed_url(document["search"]),
        "created_at": document["created_at"],
    }
