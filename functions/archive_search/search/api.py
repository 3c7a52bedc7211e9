"""The HTTP API: the Powertools resolver, the routers it includes (search/routes.py, the page
and feeds, ingest status, writes, alerts), and the one mapping of errors to responses.

Every error leaves as ``{"error": {"code", "message", "parameter"}}`` from the handlers at
the bottom of this module; parameter validation failures are 400 (not Powertools' default
422), and the generated OpenAPI document says exactly that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from archive_search.alerts.routes import router as alerts_router
from archive_search.errors import (
    ArchiveSearchError,
    Conflict,
    EngineUnavailable,
    IndexRefused,
    InvalidRequest,
    NotFound,
    UnsupportedMediaType,
)
from archive_search.ingest.status_api import router as ingest_status_router
from archive_search.observability import logger
from archive_search.search.http import (
    SAFE_HEADERS,
    complete_document,
    empty_value,
    error_responses,
    pattern_mismatch,
    reject_unknown_parameters,
)
from archive_search.search.http import json_response as _json
from archive_search.search.routes import router as search_router
from archive_search.search.routes import search_answer
from archive_search.search.safe_text import plain
from archive_search.search.web_routes import feed_router
from archive_search.search.web_routes import router as web_router
from archive_search.writes.api import router as write_router

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
    from aws_lambda_powertools.utilities.typing import LambdaContext

API_TITLE = "archive-search"
API_VERSION = "1.0.0"
API_DESCRIPTION = (
    "Full-text and faceted search over a news archive. Every error is "
    '{"error": {"code", "message", "parameter"}}; parameter errors are 400. Every string is '
    "plain text, exactly as the article (or the request) had it: escape it for the page you "
    "put it in. Only the fields named *_html (title_html, description_html, snippet.html) are HTML: the text "
    "escaped, with the API's own <mark> around matches."
)


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

    _swagger_path: str | None = None  # where the Swagger UI goes once first asked for

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPI:
        # Deferred: the OpenAPI models are only needed for /openapi.json and /docs.
        from aws_lambda_powertools.event_handler.openapi.models import OpenAPI, PathItem

        # One title, version and description whoever asks (/openapi.json, /docs).
        kwargs.update(title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION)
        document = (
            super().get_openapi_schema(**kwargs).model_dump(by_alias=True, exclude_none=True, mode="json")
        )
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    for parameter in operation.get("parameters", []):
                        parameter["schema"] = _without_null(parameter["schema"])
                    operation["responses"].pop("422", None)
        # Routes of included routers (ingest status) answer errors through the same handlers
        # below, so they document the same error responses.
        complete_document(document, common=error_responses(400, 404, 503))
        # Each path as Powertools gives it: read into its model, written without nulls (the
        # details filled in above are plain dicts; served as they are they would add
        # "default": null entries the model leaves out).
        document["paths"] = {
            path: PathItem.model_validate(item).model_dump(by_alias=True, exclude_none=True, mode="json")
            for path, item in document.get("paths", {}).items()
        }
        schemas = document.get("components", {}).get("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        if "#/components/schemas/ResponseValidationError" not in json.dumps(document.get("paths", {})):
            schemas.pop("ResponseValidationError", None)
        return OpenAPI.model_validate(document)

    def enable_swagger_on_first_request(self, path: str) -> None:
        """Powertools' Swagger UI page at ``path``, set up when a request for ``path`` first
        arrives: ``enable_swagger`` imports the OpenAPI models, a large share of a cold start
        that no other route needs. The page is Powertools' own, unchanged."""
        self._swagger_path = path

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        # An HTTP API (v2) event names its path in rawPath.
        if self._swagger_path is not None and event.get("rawPath") == self._swagger_path:
            self.enable_swagger(path=self._swagger_path)
            self._swagger_path = None
        http = event.get("requestContext", {}).get("http", {})
        if http.get("method") != "HEAD":
            return super().resolve(event, context)
        # HEAD is GET without the body (RFC 9110 9.3.2): uptime checks send `curl -I`.
        as_get = {**event, "requestContext": {**event["requestContext"], "http": {**http, "method": "GET"}}}
        response = super().resolve(as_get, context)
        return {**response, "body": "", "isBase64Encoded": False}

    def allowed_methods(self, path: str) -> list[str]:
        """Methods routed for ``path`` (Powertools answers an unrouted method with 404; HTTP
        says 405 with Allow). Reads the resolver's route table, which has no public accessor."""
        routes = self._static_routes + self._dynamic_routes
        methods = {route.method for route in routes if route.rule.match(path)}
        return sorted(methods | ({"HEAD"} if "GET" in methods else set()))  # resolve() answers HEAD


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
app.enable_swagger_on_first_request("/docs")
app.include_router(ingest_status_router)
app.include_router(write_router)
app.include_router(alerts_router)


# The search API's own routes (search/routes.py), the page and every search as a feed
# (search/web_routes.py).
app.include_router(search_router)
app.include_router(web_router)
app.include_router(feed_router(search_answer, [reject_unknown_parameters]))


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
    said = (empty_value(parameter, first) or pattern_mismatch(parameter, first)) if parameter else None
    if said:
        reason = said
    elif first.get("type") == "too_long" and isinstance(first.get("input"), list):
        # A repeatable parameter with too many values (repeated or comma-separated).
        reason = f"at most {first.get('ctx', {}).get('max_length')} values, got {len(first['input'])}"
    elif isinstance(first.get("input"), list) and not first.get("type", "").startswith("list"):
        # Powertools hands a repeated parameter over as a list; "should be a valid string" hides why.
        reason = "given more than once; it takes one value"
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
    logger.warning(f"{exc.what} unavailable", extra={"reason": exc.message})
    retry = str(int(exc.retry_after)) if exc.retry_after else "5"
    return _error(503, exc.code, f"{exc.what} is unavailable, retry later", **{"Retry-After": retry})


@app.exception_handler(IndexRefused)
def _refused(exc: IndexRefused) -> Response:
    # Not a 503: a retry meets the same refusal until the index is updated.
    logger.error("index refused a document", extra={"reason": exc.message})
    return _error(500, exc.code, exc.message)


@app.exception_handler(Exception)
def _unexpected(exc: Exception) -> Response:
    # Logged with its stack trace; the client gets the common shape and no internals.
    logger.exception("unhandled error")
    code = exc.code if isinstance(exc, ArchiveSearchError) else "internal_error"
    return _error(500, code, "internal error")
