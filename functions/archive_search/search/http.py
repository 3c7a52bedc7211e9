"""What every route shares: the JSON body, the headers, the refusal of parameters the route
does not take, and the documented error responses."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from archive_search.errors import InvalidRequest
from archive_search.search.bounds import check_response_size

# Every response, documents included: never sniffed as another type, never cached by a proxy.
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    check_response_size(text)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=text,
        headers={**SAFE_HEADERS, **(headers or {})},
    )


def reject_unknown_parameters(app: Any, next_middleware: Any) -> Response:
    """A misspelt parameter (``sourse=Dawn``) is an error, not a silently wider search."""
    route = app.context["_route"]
    allowed = {param.alias for param in route.dependant.query_params}
    for name in app.current_event.query_string_parameters or {}:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise InvalidRequest(f"unknown parameter {name} (this endpoint takes: {known})", name)
    return next_middleware(app)


# Route function -> what the OpenAPI document says of it (responses, request body), built when
# the document is: the response models and JSON schemas only document (every route returns a
# Response), so a cold start builds none of them and requests never validate against them.
_DOCUMENTED: dict[Callable[..., Any], Callable[[], dict[str, Any]]] = {}


def documented(details: Callable[[], dict[str, Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a route's ``responses`` and ``openapi_extensions`` (the keys ``details()``
    returns), for ``document_routes``. Put it under the route decorator."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _DOCUMENTED[func] = details
        return func

    return register


def document_routes(routes: Iterable[Any]) -> None:
    """Give each route registered with ``documented`` its responses and extensions, before the
    OpenAPI document is built from the routes (once: the resolver's routes live as long as it)."""
    for route in routes:
        details = _DOCUMENTED.get(route.func)
        if details is None or route.responses:
            continue
        described = details()
        route.responses = described.get("responses")
        route.openapi_extensions = described.get("openapi_extensions")
        # Powertools caches what it reads of a route, response models included: read again.
        route._dependant = None


def error_responses(*codes: int) -> dict[int, Any]:
    descriptions = {
        400: "A parameter is invalid (the error names it)",
        404: "No such article or route",
        409: "The archive's state refuses the write (the error says why)",
        503: "The search engine is unreachable or timed out; retry later",
    }
    from archive_search.search.models import ErrorResponse  # deferred: documentation only

    return {
        code: {
            "description": descriptions[code],
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for code in codes
    }


def ok_response(model: Any, description: str) -> dict[int, Any]:
    return {200: {"description": description, "content": {content_types.APPLICATION_JSON: {"model": model}}}}
