"""The search API's read routes: /search, /articles/{id}, its similar articles, facet values
and /health, on a Powertools ``Router`` the resolver in ``api.py`` includes."""

from __future__ import annotations

import inspect
import time
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

from archive_search.adapters.opensearch import cached_engine
from archive_search.model import DOCUMENT_ID_PATTERN, MAX_BODY_CHARS
from archive_search.observability import logger
from archive_search.search.bounds import body_page, bounded_hit
from archive_search.search.cursor import MAX_CURSOR_CHARS
from archive_search.search.health import health as check_health
from archive_search.search.http import documented, error_responses, ok_response, reject_unknown_parameters
from archive_search.search.http import json_response as _json
from archive_search.search.query import FACET_FIELDS
from archive_search.search.request import (
    DATE_PATTERN,
    FACET_NAMES,
    HIT_FIELDS,
    MAX_RESULT_WINDOW,
    SearchRequest,
    check_languages,
    filter_values,
)
from archive_search.search.request import calendar_date as _date
from archive_search.search.service import SearchService
from archive_search.search.syntax import MAX_QUERY_CHARS
from archive_search.settings import get_settings

# Whatever the configuration says, an engine request ends with time left for the function
# (its timeout is 20 s, template.yaml) to answer 503 itself rather than be killed.
ENGINE_TIMEOUT_RESERVE_MS = 5_000
MAX_ENGINE_TIMEOUT_MS = 15_000

# The enumerations the service defines, as types the OpenAPI document is generated from.
FacetName = Literal[FACET_NAMES]  # type: ignore[valid-type]
FacetField = Literal[tuple(FACET_FIELDS)]  # type: ignore[valid-type]
HitField = Literal[HIT_FIELDS]  # type: ignore[valid-type]
ID_DOC = "Article id (as returned in hits)"
# The id shape is declared, not validated: an id of another shape is no article, a 404
# (docs/api.md), like any id the archive does not hold.
ArticleId = Annotated[str, Path(description=ID_DOC, json_schema_extra={"pattern": DOCUMENT_ID_PATTERN})]
MAX_FILTER_VALUES = 50
FilterValue = Annotated[str, StringConstraints(max_length=256)]


LIST_DOC = " Repeat the parameter or separate values with commas; values are OR-ed."


def _true_or_false(value: Any) -> Any:
    """A boolean query parameter is ``true`` or ``false`` (any case): pydantic would also read
    yes/on/1/t/y as true, spellings no client should rely on (docs/api.md)."""
    if isinstance(value, str):
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        # "bool_parsing", as pydantic's own, so an empty value still says it is empty.
        raise PydanticCustomError("bool_parsing", "must be true or false")
    return value


TrueOrFalse = Annotated[bool, BeforeValidator(_true_or_false)]
BOOL_DOC = " (true or false)"


router = Router()


def _service() -> SearchService:
    settings = get_settings()
    return SearchService(
        cached_engine(settings),
        timeout_ms=min(settings.search_timeout_ms, MAX_ENGINE_TIMEOUT_MS),
        cursor_key=settings.cursor_secret,
    )


def _filter_values(name: str, validated: list[str] | None) -> list[str]:
    """The values of a repeatable filter (``filter_values``). Powertools splits on commas,
    which would break "Helen Marsh, Arts" in two: the raw query string keeps each occurrence."""
    raw = parse_qs(router.current_event.raw_query_string or "", keep_blank_values=True).get(name)
    return filter_values(raw if raw is not None else validated or [])


def _models() -> Any:
    """The response models (search/models.py), imported when the OpenAPI document is built."""
    from archive_search.search import models

    return models


def _answers(model: str, description: str, *errors: int) -> dict[str, Any]:
    """A read route's documented answers: 200 with ``model`` (a name in search/models.py, looked
    up when the document is built) and the ``errors`` it may answer."""
    return documented(
        lambda: {
            "responses": {**ok_response(getattr(_models(), model), description), **error_responses(*errors)}
        }
    )


# -- routes --------------------------------------------------------------------------
# Route functions carry no return annotation: Powertools would read one as the response
# model; the documented responses are declared with ``documented`` instead.
def search_answer(
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_CHARS,
            description='Words (all must match), "phrases", -excluded, OR, prefix*, (groups)',
        ),
    ] = None,
    in_field: Annotated[
        Literal["title", "body"] | None, Query(alias="in", description="Search only the title or the body")
    ] = None,
    sort: Annotated[
        Literal["relevance", "recent", "newest", "oldest", "indexed"],
        Query(
            description="relevance; recent = relevance boosted by recency; newest or oldest by date; "
            "indexed = newest indexed first"
        ),
    ] = "relevance",
    source: Annotated[
        list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES, description="Publisher." + LIST_DOC)
    ] = None,
    language: Annotated[
        list[FilterValue] | None,
        Query(
            max_length=MAX_FILTER_VALUES,
            description="Language: a tag (en, en-GB, eng) or a name (English, français)." + LIST_DOC,
        ),
    ] = None,
    place: Annotated[
        list[FilterValue] | None,
        Query(max_length=MAX_FILTER_VALUES, description="Dateline place." + LIST_DOC),
    ] = None,
    author: Annotated[
        list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES, description="Author." + LIST_DOC)
    ] = None,
    tag: Annotated[
        list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES, description="Tag." + LIST_DOC)
    ] = None,
    date_from: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=DATE_PATTERN,
            description="Published on or after this day (YYYY-MM-DD), or the first day of this month (YYYY-MM) or year (YYYY)",
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(
            alias="to",
            pattern=DATE_PATTERN,
            description="Published on or before this day (YYYY-MM-DD), or the last day of this month (YYYY-MM) or year (YYYY)",
        ),
    ] = None,
    has_date: Annotated[
        TrueOrFalse | None,
        Query(description="Only articles with (true) or without (false) a date" + BOOL_DOC),
    ] = None,
    facets: Annotated[
        list[FacetName] | None, Query(description="Facet counts to return (comma-separated or repeated)")
    ] = None,
    interval: Annotated[
        Literal["day", "week", "month", "year"], Query(description="Bucket size of the published facet")
    ] = "month",
    facet_size: Annotated[int, Query(ge=1, le=100, description="Values per facet")] = 10,
    size: Annotated[int, Query(ge=1, le=50, description="Hits per page")] = 10,
    page: Annotated[
        int | None,
        # The maximum is documented, not validated here: validate() refuses a page past the
        # window with the way beyond it, the cursor.
        Query(
            ge=1,
            description="Page number (first 10,000 results; then use cursor)",
            json_schema_extra={"maximum": MAX_RESULT_WINDOW},
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(min_length=1, max_length=MAX_CURSOR_CHARS, description="next_cursor of the previous page"),
    ] = None,
    fields: Annotated[list[HitField] | None, Query(description="Fields each hit carries (id always)")] = None,
    collapse: Annotated[
        TrueOrFalse, Query(description="Collapse near-identical copies into one hit" + BOOL_DOC)
    ] = True,
):
    request = SearchRequest(
        q=q,
        in_field=in_field,
        sort=sort,
        filters={
            name: _filter_values(name, values)
            for name, values in (
                ("source", source),
                ("language", language),
                ("place", place),
                ("author", author),
                ("tag", tag),
            )
        },
        date_from=_date(date_from, "from"),
        date_to=_date(date_to, "to"),
        has_date=has_date,
        facets=tuple(dict.fromkeys(facets or [])),
        interval=interval,
        facet_size=facet_size,
        size=size,
        page=page,
        cursor=cursor,
        fields=tuple(dict.fromkeys(fields)) if fields else SearchRequest.fields,
        collapse=collapse,
    )
    check_languages(request.filters["language"])
    began = time.perf_counter()
    result = _service().search(request)
    result["hits"] = [bounded_hit(hit) for hit in result["hits"]]
    logger.info(
        "search",
        extra={
            "took_ms": round((time.perf_counter() - began) * 1000, 1),
            "total": result["total"],
            "hits": len(result["hits"]),
            "q_chars": len(q or ""),
            "filters": sorted(name for name, values in request.filters.items() if values),
            "cursor": bool(cursor),
        },
    )
    return result


def search(**arguments: Any) -> Response:
    """The /search route: ``search_answer``'s parameters, its answer as JSON (/feed renders the
    same answer as a feed, without a JSON round trip)."""
    return _json(200, search_answer(**arguments))


# Powertools reads a route's parameters with inspect.signature, which honours __signature__
# (docs/api.md, "Powertools version"; tests/unit/search/test_powertools_internals.py).
search.__signature__ = inspect.signature(search_answer, eval_str=True)  # type: ignore[attr-defined]
router.get(
    "/search",
    summary="Search articles",
    description=(
        "Full-text search with filters, multi-select facet counts, cursor pagination and "
        "near-duplicate collapsing. Strings are plain text; only title_html, description_html and "
        "snippet.html are HTML."
    ),
    middlewares=[reject_unknown_parameters],
    openapi_extensions=_answers("SearchResponse", "Matching articles", 400, 503),
)(search)


@router.get(
    "/articles/<article_id>",
    summary="One article with its metadata and origin",
    middlewares=[reject_unknown_parameters],
    openapi_extensions=_answers("ArticleResponse", "The article", 400, 404, 503),
)
def article(
    article_id: ArticleId,
    body_offset: Annotated[
        int, Query(ge=0, le=2**31, description="First character of the body to return (see next_body_offset)")
    ] = 0,
    body_chars: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_BODY_CHARS,
            description=f"Body characters to return, at most {MAX_BODY_CHARS:,} (a page of a longer body)",
        ),
    ] = MAX_BODY_CHARS,
):
    found = _service().article(article_id)
    return _json(200, {**found, **body_page(found["body"], body_offset, body_chars)})


@router.get(
    "/articles/<article_id>/similar",
    summary="Articles like this one (its own near-duplicates excluded)",
    middlewares=[reject_unknown_parameters],
    openapi_extensions=_answers("SimilarResponse", "Similar articles", 400, 404, 503),
)
def similar(
    article_id: ArticleId,
    size: Annotated[int, Query(ge=1, le=50, description="Number of similar articles")] = 10,
):
    return _json(200, _service().similar(article_id, size))


@router.get(
    "/facets/<field>",
    summary="Facet values with a word starting with a prefix (case- and accent-insensitive)",
    middlewares=[reject_unknown_parameters],
    openapi_extensions=_answers("FacetValuesResponse", "Matching values with counts", 400, 404, 503),
)
def facet_values(
    field: Annotated[FacetField, Path(description="Facet to search")],
    prefix: Annotated[
        str | None, Query(max_length=100, description="Start of the value or of any of its words, e.g. harb")
    ] = None,
    size: Annotated[int, Query(ge=1, le=100, description="Number of values")] = 10,
):
    return _json(200, _service().facet_values(field, prefix, size))


@router.get(
    "/health",
    summary="Whether search works (a real read with a 1 s limit) and the ingest backlog",
    middlewares=[reject_unknown_parameters],
    openapi_extensions=documented(
        lambda: {
            "responses": {
                **ok_response(_models().HealthResponse, "Search works"),
                503: {
                    "description": "The engine did not answer a size-0 search within 1 s (or failed)",
                    "content": {content_types.APPLICATION_JSON: {"model": _models().HealthResponse}},
                },
                **error_responses(400),
            }
        }
    ),
)
def health():
    from archive_search.adapters.sqs import queue_backlog  # boto3: only when /health is served

    settings = get_settings()
    queue_url = settings.ingest_queue_url
    healthy, report = check_health(
        cached_engine(settings), (lambda: queue_backlog(queue_url)) if queue_url else None
    )
    if healthy:
        return _json(200, report)
    logger.warning("health: search engine degraded", extra={"engine": report["engine"]})
    return _json(503, report, {"Retry-After": "5"})
