"""The HTTP API: Powertools resolver, routes, and the one mapping of errors to responses.

Every error leaves as ``{"error": {"code", "message", "parameter"}}`` from the handlers at
the bottom of this module; parameter validation failures are 400 (not Powertools' default
422), and the generated OpenAPI document says exactly that.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import StringConstraints

from archive_search.adapters.opensearch import cached_engine
from archive_search.adapters.sqs import queue_backlog
from archive_search.alerts.routes import router as alerts_router
from archive_search.errors import (
    ArchiveSearchError,
    Conflict,
    EngineUnavailable,
    InvalidRequest,
    NotFound,
    UnsupportedMediaType,
)
from archive_search.ingest.status_api import router as ingest_status_router
from archive_search.observability import logger
from archive_search.search.bounds import MAX_BODY_CHARS, body_page, bounded_hit
from archive_search.search.health import health as check_health
from archive_search.search.http import DATE_PATTERN, SAFE_HEADERS, reject_unknown_parameters
from archive_search.search.http import calendar_date as _date
from archive_search.search.http import json_response as _json
from archive_search.search.models import (
    ArticleResponse,
    ErrorResponse,
    FacetValuesResponse,
    HealthResponse,
    SearchResponse,
    SimilarResponse,
)
from archive_search.search.query import FACET_FIELDS, MAX_QUERY_CHARS
from archive_search.search.request import FACET_NAMES, HIT_FIELDS, SearchRequest
from archive_search.search.safe_text import plain
from archive_search.search.service import SearchService
from archive_search.search.web_routes import feed_router
from archive_search.search.web_routes import router as web_router
from archive_search.settings import get_settings
from archive_search.writes.api import router as write_router

API_TITLE = "archive-search"
API_VERSION = "1.0.0"
API_DESCRIPTION = (
    "Full-text and faceted search over a news archive. Every error is "
    '{"error": {"code", "message", "parameter"}}; parameter errors are 400. Every string is '
    "plain text, exactly as the article (or the request) had it: escape it for the page you "
    "put it in. Only the fields named *_html (title_html, snippet.html) are HTML: the text "
    "escaped, with the API's own <mark> around matches."
)
# Below API Gateway's 30 s integration timeout, whatever the configuration says.
MAX_ENGINE_TIMEOUT_MS = 25_000

# The enumerations the service defines, as types the OpenAPI document is generated from.
FacetName = Literal[FACET_NAMES]  # type: ignore[valid-type]
FacetField = Literal[tuple(FACET_FIELDS)]  # type: ignore[valid-type]
HitField = Literal[HIT_FIELDS]  # type: ignore[valid-type]
ID_DOC = "Article id (as returned in hits)"
MAX_FILTER_VALUES = 50
FilterValue = Annotated[str, StringConstraints(max_length=256)]


LIST_DOC = " Repeat the parameter or separate values with commas; values are OR-ed."


def _error_responses(*codes: int) -> dict[int, Any]:
    descriptions = {
        400: "A parameter is invalid (the error names it)",
        404: "No such article or route",
        409: "The archive's state refuses the write (the error says why)",
        503: "The search engine is unreachable or timed out; retry later",
    }
    return {
        code: {
            "description": descriptions[code],
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for code in codes
    }


def _ok(model: Any, description: str) -> dict[int, Any]:
    return {200: {"description": description, "content": {content_types.APPLICATION_JSON: {"model": model}}}}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``X | None`` parameters are generated as ``anyOf: [X, null]``, but a query string
    cannot carry a null: an optional parameter is simply left out. The document says X."""
    variants = schema.get("anyOf")
    if not isinstance(variants, list) or {"type": "null"} not in variants or len(variants) != 2:
        return schema
    (kept,) = [variant for variant in variants if variant != {"type": "null"}]
    return {**kept, **{key: value for key, value in schema.items() if key != "anyOf"}}


class ArchiveApi(APIGatewayHttpResolver):
    """The resolver with the OpenAPI document corrected to match what the API returns:
    validation errors are 400 in the common error shape, never Powertools' 422."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPI:
        # One title, version and description whoever asks (/openapi.json, /docs).
        kwargs.update(title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION)
        document = (
            super().get_openapi_schema(**kwargs).model_dump(by_alias=True, exclude_none=True, mode="json")
        )
        error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    for parameter in operation.get("parameters", []):
                        parameter["schema"] = _without_null(parameter["schema"])
                    responses = operation["responses"]
                    responses.pop("422", None)
                    # Routes of included routers (ingest status) answer errors through the
                    # same handlers below, so they document the same error responses.
                    documented = _error_responses(400, 404, 503) if "400" not in responses else {}
                    for code, spec in documented.items():
                        responses.setdefault(
                            str(code),
                            {
                                "description": spec["description"],
                                "content": {"application/json": {"schema": error_ref}},
                            },
                        )
        schemas = document.get("components", {}).get("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        if "#/components/schemas/ResponseValidationError" not in json.dumps(document.get("paths", {})):
            schemas.pop("ResponseValidationError", None)
        return OpenAPI.model_validate(document)

    def allowed_methods(self, path: str) -> list[str]:
        """Methods routed for ``path`` (Powertools answers an unrouted method with 404; HTTP
        says 405 with Allow). Reads the resolver's route table, which has no public accessor."""
        routes = self._static_routes + self._dynamic_routes
        return sorted({route.method for route in routes if route.rule.match(path)})


def _compact_json(value: Any) -> str:
    """Powertools' serializer for routes returning plain values (the ingest status router):
    plain text, like every other response."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def with_safe_headers(app: ArchiveApi, next_middleware: Any) -> Response:
    """The SAFE_HEADERS on every route, those that build no response of their own (the /docs
    page, the included ingest status routes) too."""
    response: Response = next_middleware(app)
    for name, value in SAFE_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


app = ArchiveApi(enable_validation=True, serializer=_compact_json)
app.use(middlewares=[with_safe_headers])
app.enable_swagger(path="/docs")
app.include_router(ingest_status_router)
app.include_router(write_router)
app.include_router(alerts_router)


def _service() -> SearchService:
    settings = get_settings()
    return SearchService(
        cached_engine(settings),
        timeout_ms=min(settings.search_timeout_ms, MAX_ENGINE_TIMEOUT_MS),
        cursor_key=settings.cursor_secret,
    )


def _filter_values(name: str, validated: list[str] | None) -> list[str]:
    """The values of a repeatable filter. API Gateway joins repeats with commas and
    Powertools splits on commas, which would break "Helen Marsh, Arts" in two; the raw
    query string keeps each occurrence, so a value containing commas matches both as a
    whole and as its comma-separated parts (source=Dawn,Tribune still means either)."""
    raw = parse_qs(app.current_event.raw_query_string or "", keep_blank_values=True).get(name)
    values: list[str] = []
    for value in raw if raw is not None else validated or []:
        values.append(value)
        if "," in value:
            values.extend(value.split(","))
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


# -- routes --------------------------------------------------------------------------
# Route functions carry no return annotation: Powertools would read one as the response
# model; the documented responses are declared in ``responses=`` instead.
@app.get(
    "/search",
    summary="Search articles",
    description=(
        "Full-text search with filters, multi-select facet counts, cursor pagination and "
        "near-duplicate collapsing. Strings are plain text; only title_html and snippet.html "
        "are HTML."
    ),
    responses={**_ok(SearchResponse, "Matching articles"), **_error_responses(400, 503)},
    middlewares=[reject_unknown_parameters],
)
def search(
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
        Literal["relevance", "recent", "newest", "oldest"],
        Query(description="relevance; recent = relevance boosted by recency; newest or oldest by date"),
    ] = "relevance",
    source: Annotated[
        list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES, description="Publisher." + LIST_DOC)
    ] = None,
    language: Annotated[
        list[FilterValue] | None, Query(max_length=MAX_FILTER_VALUES, description="Language code." + LIST_DOC)
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
            description="Published on or after (YYYY-MM-DD)",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(
            alias="to",
            pattern=DATE_PATTERN,
            description="Published on or before (YYYY-MM-DD)",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    has_date: Annotated[
        bool | None, Query(description="Only articles with (true) or without (false) a date")
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
        int | None, Query(ge=1, le=10_000, description="Page number (first 10,000 results; then use cursor)")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=4096, description="next_cursor of the previous page")
    ] = None,
    fields: Annotated[list[HitField] | None, Query(description="Fields each hit carries (id always)")] = None,
    collapse: Annotated[bool, Query(description="Collapse near-identical copies into one hit")] = True,
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
    return _json(200, result)


@app.get(
    "/articles/<article_id>",
    summary="One article with its metadata and origin",
    responses={**_ok(ArticleResponse, "The article"), **_error_responses(400, 404, 503)},
    middlewares=[reject_unknown_parameters],
)
def article(
    article_id: Annotated[str, Path(description=ID_DOC)],
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


@app.get(
    "/articles/<article_id>/similar",
    summary="Articles like this one (its own near-duplicates excluded)",
    responses={**_ok(SimilarResponse, "Similar articles"), **_error_responses(400, 404, 503)},
    middlewares=[reject_unknown_parameters],
)
def similar(
    article_id: Annotated[str, Path(description=ID_DOC)],
    size: Annotated[int, Query(ge=1, le=50, description="Number of similar articles")] = 10,
):
    return _json(200, _service().similar(article_id, size))


@app.get(
    "/facets/<field>",
    summary="Facet values starting with a prefix (case- and accent-insensitive)",
    responses={**_ok(FacetValuesResponse, "Matching values with counts"), **_error_responses(400, 404, 503)},
    middlewares=[reject_unknown_parameters],
)
def facet_values(
    field: Annotated[FacetField, Path(description="Facet to search")],
    prefix: Annotated[str | None, Query(max_length=100, description="Start of the value, e.g. Da")] = None,
    size: Annotated[int, Query(ge=1, le=100, description="Number of values")] = 10,
):
    return _json(200, _service().facet_values(field, prefix, size))


@app.get(
    "/health",
    summary="Whether search works (a real read with a 1 s limit) and the ingest backlog",
    responses={
        **_ok(HealthResponse, "Search works"),
        503: {
            "description": "The engine did not answer a size-0 search within 1 s (or failed)",
            "content": {content_types.APPLICATION_JSON: {"model": HealthResponse}},
        },
        **_error_responses(400),
    },
    middlewares=[reject_unknown_parameters],
)
def health():
    settings = get_settings()
    queue_url = settings.ingest_queue_url
    healthy, report = check_health(
        cached_engine(settings), (lambda: queue_backlog(queue_url)) if queue_url else None
    )
    if healthy:
        return _json(200, report)
    logger.warning("health: search engine degraded", extra={"engine": report["engine"]})
    return _json(503, report, {"Retry-After": "5"})


# The search page and every search as a feed (search/web_routes.py).
app.include_router(web_router)
app.include_router(feed_router(search, [reject_unknown_parameters]))


@app.get("/openapi.json", include_in_schema=False)
def openapi_document():
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=app.get_openapi_json_schema(),
        headers=SAFE_HEADERS,
    )


# -- the one error mapping ----------------------------------------------------------
def _error(status: int, code: str, message: str, parameter: str | None = None, **headers: str) -> Response:
    # Messages may quote what the client sent (an unknown parameter, an id): plain text too.
    error = {"code": code, "message": plain(message), "parameter": plain(parameter)}
    return _json(status, {"error": error}, headers)


@app.exception_handler(RequestValidationError)
def _invalid_parameters(exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    parameter = location[0] if location else None
    reason = str(first.get("msg", "invalid value"))
    if parameter in ("from", "to") and first.get("type") == "string_pattern_mismatch":
        reason = "must be a date written YYYY-MM-DD"
    return _error(400, InvalidRequest.code, f"{parameter}: {reason}" if parameter else reason, parameter)


@app.exception_handler(InvalidRequest)
def _invalid_request(exc: InvalidRequest) -> Response:
    return _error(415 if isinstance(exc, UnsupportedMediaType) else 400, exc.code, exc.message, exc.parameter)


@app.exception_handler(NotFound)
def _not_found(exc: NotFound) -> Response:
    return _error(404, exc.code, exc.message)


@app.exception_handler(Conflict)
def _conflict(exc: Conflict) -> Response:
    return _error(409, exc.code, exc.message, exc.parameter)


@app.exception_handler(NotFoundError)
def _no_route(exc: NotFoundError) -> Response:
    allowed = app.allowed_methods(app.current_event.path)
    if allowed:
        message = f"{app.current_event.http_method} is not allowed here (allowed: {', '.join(allowed)})"
        return _error(405, "method_not_allowed", message, Allow=", ".join(allowed))
    return _error(404, NotFound.code, "no such route")


@app.exception_handler(EngineUnavailable)
def _unavailable(exc: EngineUnavailable) -> Response:
    logger.warning("search engine unavailable", extra={"reason": exc.message})
    retry = str(int(exc.retry_after)) if exc.retry_after else "5"
    return _error(503, exc.code, "the search engine is unavailable, retry later", **{"Retry-After": retry})


@app.exception_handler(Exception)
def _unexpected(exc: Exception) -> Response:
    # Logged with its stack trace; the client gets the common shape and no internals.
    logger.exception("unhandled error")
    code = exc.code if isinstance(exc, ArchiveSearchError) else "internal_error"
    return _error(500, code, "internal error")
