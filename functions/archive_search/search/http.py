"""What every route shares: the JSON body, the headers, the refusal of parameters the route
does not take, and the documented error responses."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from archive_search.errors import InvalidRequest
from archive_search.search.bounds import check_response_size
from archive_search.search.models import ErrorResponse

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


def error_responses(*codes: int) -> dict[int, Any]:
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


def ok_response(model: Any, description: str) -> dict[int, Any]:
    return {200: {"description": description, "content": {content_types.APPLICATION_JSON: {"model": model}}}}
