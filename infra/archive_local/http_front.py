"""The HTTP front: the local stand-in for API Gateway (HTTP API, payload format 2.0).

Each request becomes an HTTP API v2 event for the real handler its route goes to (the
write routes to the write function, as in template.yaml; everything else to search); the handler's
response (``statusCode``, ``headers``, ``multiValueHeaders``, ``cookies``, ``body``,
``isBase64Encoded``) becomes the HTTP response. Invocations are serialised, as one
Lambda execution environment runs one request at a time (the Powertools resolver
keeps the current event on the app object).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from archive_local.lambda_events import LambdaContext, http_api_event

log = logging.getLogger("http")

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Route:
    """Requests with ``method`` whose whole path matches ``path`` go to ``handler``."""

    method: str
    path: str
    handler: Handler
    function_name: str

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and re.fullmatch(self.path, path) is not None


# Hop-by-hop and framing headers are the server's business, not the handler's.
_FRAMING = {"content-length", "transfer-encoding", "connection", "keep-alive"}


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def request_event(
    method: str, target: str, header_items: Iterable[tuple[str, str]], body: bytes | None
) -> dict[str, Any]:
    """An HTTP request -> the API Gateway HTTP API v2 event. Repeated headers are joined
    with commas and the Cookie header moves to ``cookies``, as API Gateway does."""
    parts = urlsplit(target)
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in header_items:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return http_api_event(
        method, parts.path or "/", parts.query, headers, body or None, cookies=cookies or None
    )


def response_from_result(result: Any) -> HttpResponse:
    """The handler's return value -> status, headers and body bytes.

    A dict with ``statusCode`` is a full response; anything else is, as in HTTP API
    payload v2, a 200 whose JSON body is the returned value."""
    if not isinstance(result, Mapping) or "statusCode" not in result:
        body = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("Content-Type", "application/json")], body.encode())
    headers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if name.lower() in _FRAMING:
            continue
        seen.add(name.lower())
        headers.extend((name, str(v)) for v in values)
    for name, value in (result.get("headers") or {}).items():
        if name.lower() in _FRAMING or name.lower() in seen:
            continue
        headers.append((name, str(value)))
    headers.extend(("Set-Cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body")
    if raw is None:
        body = b""
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    else:
        body = str(raw).encode()
    return HttpResponse(int(result["statusCode"]), headers, body)


INTERNAL_ERROR = HttpResponse(
    500, [("Content-Type", "application/json")], b'{"message":"Internal Server Error"}'
)


class HttpFront:
    """A threading HTTP server on ``host:port`` invoking ``handler`` per request."""

    def __init__(
        self,
        host: str,
        port: int,
        handler: Handler,
        *,
        function_name: str = "archive-search-search",
        routes: Sequence[Route] = (),
    ) -> None:
        self.handler = handler
        self.function_name = function_name
        self.routes = tuple(routes)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._request_class())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def invoke(self, event: dict[str, Any]) -> HttpResponse:
        http = event["requestContext"]["http"]
        route = next((r for r in self.routes if r.matches(http["method"], http["path"])), None)
        handler, function_name = (
            (route.handler, route.function_name) if route else (self.handler, self.function_name)
        )
        with self._lock:
            try:
                result = handler(event, LambdaContext(function_name, 30.0))
            except Exception:
                log.exception("%s handler raised", function_name)
                return INTERNAL_ERROR
        try:
            return response_from_result(result)
        except (TypeError, ValueError):
            log.exception("search handler returned a malformed response")
            return INTERNAL_ERROR

    def start(self) -> None:
        self._thread = threading.Thread(target=self.server.serve_forever, name="http-front", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread:
            self._thread.join(5)

    def _request_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Request(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "archive-search-local"

            def _serve(self) -> None:
                started = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                event = request_event(self.command, self.path, self.headers.items(), body)
                response = front.invoke(event)
                self.send_response(response.status)
                for name, value in response.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)
                log.info(
                    "%s %s -> %d (%.0f ms)",
                    self.command,
                    self.path,
                    response.status,
                    (time.monotonic() - started) * 1000,
                )

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:  # access lines come from _serve
                return

        return Request
