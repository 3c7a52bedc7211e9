"""A WSGI adapter that turns each request into an API Gateway HTTP API (v2) event for the
real search handler, the way the local stack's HTTP front does, so schemathesis can drive
the API in-process (no server, no deployed API)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from archive_local.http_front import request_event, response_from_result
from tests.integration.search.support import invoke

StartResponse = Callable[..., Any]


class HandlerWsgiApp:
    def __init__(self) -> None:
        self.env: Mapping[str, str] = {}  # the search settings to activate per request

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        target = quote(path, safe="/:@!$&'()*+,;=-._~")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        headers = [
            (key[5:].replace("_", "-").lower(), value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        if environ.get("CONTENT_TYPE"):
            headers.append(("content-type", environ["CONTENT_TYPE"]))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        event = request_event(environ["REQUEST_METHOD"], target, headers, body)
        response = response_from_result(invoke(self.env, event))
        start_response(f"{response.status} STATUS", response.headers)
        return [response.body]
