"""The HTTP front: the local stand-in for API Gateway (HTTP API, payload format 2.0).

Each request becomes an HTTP API v2 event for the real handler its route goes to (the
write routes to the write function, as in template.yaml; everything else to search); the
handler's response (``statusCode``, ``headers``, ``multiValueHeaders``, ``cookies``, ``body``,
``isBase64Encoded``) becomes the HTTP response.

Concurrency is that of several warm Lambda execution environments: each function's
handler, named by its module, runs in worker processes of its own, each of which imports
it once and runs one request at a time (the Powertools resolver keeps the current event
on a class attribute, so two requests in one process would see each other's event). A
request waits for a free environment. A handler passed as a callable runs in this
process, ``slots`` at a time.

As API Gateway does before the function: a ``Content-Length`` that is not a non-negative
number is a 400, a body over the Lambda payload limit a 413 (a ``Transfer-Encoding:
chunked`` body is read within the same limit), and CORS is answered here
(allowed origins from ``CORS_ALLOW_ORIGINS``). While the stack is starting, ``/health``
answers 503 ``{"status": "starting", "pending": N}``.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import importlib
import json
import logging
import multiprocessing
import queue
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from archive_local.bodies import (
    BodyError,
    FrontServer,
    content_length,
    is_chunked,
    read_chunked,
    read_exactly,
)
from archive_local.lambda_events import LambdaContext, http_api_event

log = logging.getLogger("http")

Handler = Callable[[dict[str, Any], Any], Any]

# Hop-by-hop and framing headers are the server's business, not the handler's.
_FRAMING = {"content-length", "transfer-encoding", "connection", "keep-alive"}
# Lambda's synchronous invocation payload limit: a larger request never reaches the function.
MAX_REQUEST_BYTES = 6 * 1024 * 1024
# The search and write functions' timeout in template.yaml (a test keeps them equal).
TIMEOUT_SECONDS = 20.0
DEFAULT_CORS_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*")
CORS_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
# As template.yaml's x-amazon-apigateway-cors (a test compares them), so a browser app that works
# against the local stack works deployed: a write's Idempotency-Key, the SigV4 headers, and a
# 503's Retry-After readable by the page.
CORS_HEADERS = (
    "Authorization, Content-Type, Idempotency-Key, X-Amz-Content-Sha256, X-Amz-Date, X-Amz-Security-Token"
)
CORS_EXPOSE_HEADERS = "Retry-After"
CORS_MAX_AGE = "600"


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def request_event(
    method: str, target: str, header_items: Iterable[tuple[str, str]], body: bytes | None
) -> dict[str, Any]:
    """An HTTP request -> the API Gateway HTTP API v2 event. Repeated headers are joined
    with commas, the Cookie header moves to ``cookies`` and the path is percent-decoded (the
    query string is not), as API Gateway does."""
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
        method, unquote(parts.path) or "/", parts.query, headers, body or None, cookies=cookies or None
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


def json_response(status: int, payload: Mapping[str, Any]) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


INTERNAL_ERROR = json_response(500, {"message": "Internal Server Error"})
TIMED_OUT = json_response(503, {"message": "Service Unavailable"})


@dataclass(frozen=True)
class CorsPolicy:
    """Origins allowed to call the API from a browser: shell-style patterns (``*`` matches
    a port), compared with the whole ``Origin`` header."""

    origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS

    @classmethod
    def from_setting(cls, value: str | None) -> CorsPolicy:
        if value is None or not value.strip():
            return cls()
        return cls(tuple(o.strip() for o in value.split(",") if o.strip()))

    def allows(self, origin: str | None) -> bool:
        return bool(origin) and any(fnmatch.fnmatchcase(origin or "", p) for p in self.origins)

    def headers(self, origin: str | None) -> list[tuple[str, str]]:
        """What an answer to a request from ``origin`` carries (nothing for other origins)."""
        if not self.allows(origin):
            return []
        return [
            ("Access-Control-Allow-Origin", origin or ""),
            ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
            ("Vary", "Origin"),
        ]

    def preflight(self, origin: str | None) -> HttpResponse:
        headers = self.headers(origin)
        if headers:
            headers += [
                ("Access-Control-Allow-Methods", CORS_METHODS),
                ("Access-Control-Allow-Headers", CORS_HEADERS),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
            ]
        return HttpResponse(204, headers)


def read_body(headers: Any, rfile: Any) -> bytes | HttpResponse | None:
    """The request's body, or the error answer API Gateway gives: 400 for a malformed
    ``Content-Length`` or chunked body (or one cut short), 413 over the payload limit
    (refused before it is read; a chunked body as soon as it is known to be over)."""
    try:
        if is_chunked(headers.get("Transfer-Encoding")):
            return read_chunked(rfile, MAX_REQUEST_BYTES) or None
        length = content_length(headers.get("Content-Length"), MAX_REQUEST_BYTES)
        return read_exactly(rfile, length) if length else None
    except BodyError as exc:
        return json_response(413 if exc.too_large else 400, {"message": str(exc)})


def _environment_main(conn: Any, module: str, function_name: str, log_level: str, readable: bool) -> None:
    """One warm execution environment: import the handler once, then run one event at a
    time from ``conn`` until the front closes it."""
    from archive_local import logs

    # Ctrl-C reaches every process of the terminal's group: the stack stops environments
    # in order (closing ``conn``), so one must not die of it first with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logs.configure(log_level)
    if readable:
        logs.readable_lambda_logs()
    handler = importlib.import_module(module).handler
    try:
        conn.send(("ready", None))
    except OSError:  # the front stopped while the handler was imported
        return
    while True:
        try:
            event = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = handler(event, LambdaContext(function_name, TIMEOUT_SECONDS))
            conn.send(("ok", result))
        except Exception:
            log.exception("search handler raised")
            conn.send(("error", None))


class _Environment:
    """A worker process running the handler module (see ``_environment_main``)."""

    def __init__(self, module: str, function_name: str, log_level: str, readable: bool) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_environment_main,
            args=(child, module, function_name, log_level, readable),
            name="search-environment",
            daemon=True,
        )
        if threading.current_thread() is threading.main_thread():
            # Started with SIGINT ignored, which Python keeps across exec: a Ctrl-C while it
            # bootstraps killed it with tracebacks. (Only the main thread may set handlers; a
            # replacement started later relies on _environment_main's own.)
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self.process.start()
            finally:
                signal.signal(signal.SIGINT, previous)
        else:
            self.process.start()
        child.close()
        self.warm = False

    def wait_warm(self, timeout: float = 120.0) -> None:
        """Return once the handler is imported; raises TimeoutError or EOFError."""
        if not self.warm:
            if not self.conn.poll(timeout):
                raise TimeoutError("the environment did not start")
            self.conn.recv()
            self.warm = True

    def invoke(self, event: dict[str, Any], timeout: float) -> Any:
        """The handler's result; raises TimeoutError or EOFError (the process died)."""
        self.wait_warm()
        self.conn.send(event)
        if not self.conn.poll(timeout):
            raise TimeoutError
        kind, result = self.conn.recv()
        if kind == "error":
            raise RuntimeError("handler raised")
        return result

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)


@dataclass(frozen=True)
class Route:
    """Requests with ``method`` whose whole path matches ``path`` go to ``handler`` (a
    callable, or a module whose ``handler`` runs in environments of its own)."""

    method: str
    path: str
    handler: Handler | str
    function_name: str

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and re.fullmatch(self.path, path) is not None


class Function:
    """One Lambda function's warm environments: a module name runs in ``slots`` worker
    processes, a callable in this process ``slots`` at a time."""

    def __init__(
        self, handler: Handler | str, name: str, slots: int, log_level: str = "INFO", readable: bool = False
    ) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.name = name
        self.slots = slots
        self._free: queue.Queue[Any] = queue.Queue()
        self._module = handler if isinstance(handler, str) else None
        self.handler = None if isinstance(handler, str) else handler
        self._environment_args = (name, log_level, readable)
        if self.handler is not None:
            for _ in range(slots):
                self._free.put(None)

    def start(self) -> None:
        if self._module is not None:
            for _ in range(self.slots):
                self._free.put(self._new_environment())

    def _new_environment(self) -> _Environment:
        assert self._module is not None
        return _Environment(self._module, *self._environment_args)

    def invoke(self, event: dict[str, Any]) -> HttpResponse:
        slot = self._free.get()
        try:
            if self.handler is not None:
                result = self.handler(event, LambdaContext(self.name, TIMEOUT_SECONDS))
            else:
                result = slot.invoke(event, TIMEOUT_SECONDS)
        except (TimeoutError, EOFError, OSError) as exc:
            if self.handler is not None:
                log.exception("%s handler raised", self.name)
                return INTERNAL_ERROR
            # As Lambda: the environment is gone; the next request gets a fresh one.
            timed_out = isinstance(exc, TimeoutError)
            log.error("%s environment %s; replacing it", self.name, "timed out" if timed_out else "died")
            slot.close()
            slot = self._new_environment()
            return TIMED_OUT if timed_out else INTERNAL_ERROR
        except Exception:
            if self.handler is not None:
                log.exception("%s handler raised", self.name)
            return INTERNAL_ERROR
        finally:
            self._free.put(slot)
        try:
            return response_from_result(result)
        except (TypeError, ValueError):
            log.exception("%s handler returned a malformed response", self.name)
            return INTERNAL_ERROR

    def wait_warm(self, timeout: float = 120.0) -> None:
        slots = [self._free.get() for _ in range(self.slots)]
        try:
            for slot in slots:
                if slot is not None:
                    slot.wait_warm(timeout)
        finally:
            for slot in slots:
                self._free.put(slot)

    def close(self) -> None:
        while not self._free.empty():
            slot = self._free.get_nowait()
            if slot is not None:
                slot.close()


class HttpFront:
    """A threading HTTP server on ``host:port``: requests matching one of ``routes`` go to
    that route's function, the rest to ``handler`` (see ``Function``). ``pending`` tells
    how many objects the starting stack still waits for (None: ready)."""

    def __init__(
        self,
        host: str,
        port: int,
        handler: Handler | str,
        *,
        slots: int = 1,
        function_name: str = "archive-search-search",
        routes: Sequence[Route] = (),
        route_slots: int | None = None,
        cors: CorsPolicy | None = None,
        pending: Callable[[], int | None] | None = None,
        log_level: str = "INFO",
        readable_logs: bool = False,
    ) -> None:
        self.cors = cors or CorsPolicy()
        self.pending = pending
        self.default = Function(handler, function_name, slots, log_level, readable_logs)
        functions: dict[str, Function] = {function_name: self.default}
        self.routes: list[tuple[Route, Function]] = []
        for route in routes:
            if route.function_name not in functions:
                functions[route.function_name] = Function(
                    route.handler, route.function_name, route_slots or slots, log_level, readable_logs
                )
            self.routes.append((route, functions[route.function_name]))
        self.functions = list(functions.values())
        self.server = FrontServer((host, port), self._request_class())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def invoke(self, event: dict[str, Any]) -> HttpResponse:
        http = event["requestContext"]["http"]
        function = next(
            (f for route, f in self.routes if route.matches(http["method"], http["path"])), self.default
        )
        return function.invoke(event)

    def start(self) -> None:
        for function in self.functions:
            function.start()
        self._thread = threading.Thread(target=self.server.serve_forever, name="http-front", daemon=True)
        self._thread.start()

    def wait_warm(self, timeout: float = 120.0) -> None:
        """Return once every environment has imported its handler (a cold start is not
        part of a request the stack calls ready for)."""
        for function in self.functions:
            function.wait_warm(timeout)

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a loop that never ran otherwise
            self.server.shutdown()
        self.server.server_close()
        if self._thread:
            self._thread.join(5)
        for function in self.functions:
            function.close()

    def answer(
        self, method: str, target: str, header_items: list[tuple[str, str]], body: bytes | None
    ) -> HttpResponse:
        """The response to one request whose body was read."""
        headers = {name.lower(): value for name, value in header_items}
        origin = headers.get("origin")
        if method == "OPTIONS" and origin and "access-control-request-method" in headers:
            return self.cors.preflight(origin)
        path = urlsplit(target).path
        waiting = self.pending() if self.pending else None
        if waiting is not None and path == "/health":
            response = json_response(503, {"status": "starting", "pending": waiting})
        else:
            response = self.invoke(request_event(method, target, header_items, body))
        response.headers.extend(self.cors.headers(origin))
        return response

    def _request_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Request(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "archive-search-local"
            # Small responses go out at once, not after the client's delayed ACK.
            disable_nagle_algorithm = True

            def _serve(self) -> None:
                started = time.monotonic()
                body = read_body(self.headers, self.rfile)
                if isinstance(body, HttpResponse):
                    response = body
                    self.close_connection = True  # the body's end is unknown
                else:
                    headers = [(n, v) for n, v in self.headers.items() if n.lower() != "transfer-encoding"]
                    response = front.answer(self.command, self.path, headers, body)
                self.send_response(response.status)
                for name, value in response.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                if self.close_connection:
                    self.send_header("Connection", "close")
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
