"""The public AWS endpoint of the local stack: a loopback proxy in front of moto server.

moto keeps the bucket in memory and answers a PUT as soon as it holds it, so a crash
after the answer would lose an upload the client was told had succeeded. Every request
passes through this front unchanged, except that an S3 write to the archive's bucket
that moto accepted (PUT object or copy, multipart completion, presigned form POST,
DELETE, batch delete) is first written through to the bucket mirror
(``BucketMirror.record``: the key's current object, fsynced) and only then answered. A
write the mirror cannot record is answered 503 (S3's ``ServiceUnavailable``, which SDKs
retry), never 200.

Each such write also gets the key's next ``sequencer`` (``sequencers.py``): the key's
lock is held from before the request is forwarded until its sequencer is drawn, so
writes to one key are numbered in the order moto applied them, and the worker, which
takes the same lock to stamp a notification, never sees an event before its number.

Requests of other services (SQS, EventBridge) and reads pass straight through. Once
``stop`` returns, nothing is accepted any more and every request that was accepted
has been answered (a body still arriving when ``stop`` begins is cut off: that request
is answered 400 and never forwarded).

A browser form (presigned POST) to the bucket is held to its policy as S3 holds it
(``check_policy``), since moto stores any form.

A request body over ``MAX_REQUEST_BYTES`` is answered 413 ``EntityTooLarge`` before it
is read (with ``Transfer-Encoding: chunked``, as soon as it is known to be over), and
the connection is closed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email.parser
import email.policy
import http.client
import json
import logging
import re
import socket
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from archive_local.bodies import (
    BodyError,
    FrontServer,
    content_length,
    is_chunked,
    read_chunked,
    read_exactly,
)

log = logging.getLogger("s3")

# Hop-by-hop headers are each connection's own business.
_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "upgrade", "te"}
# Sub-resources whose PUT changes something other than the object's bytes and metadata.
_NOT_CONTENT = {"tagging", "acl", "retention", "legal-hold", "partNumber", "uploadId"}
_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
# The largest request body the front reads into memory: above the 5 MiB ingest accepts
# (a larger upload is stored and rejected with a reason) and above any part size an SDK
# uses by default, while bounding what one request can hold in memory.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
# S3's bound on a key, in UTF-8 bytes (moto takes any key): a longer one is refused as S3
# refuses it, so nothing is stored locally that AWS would not store.
MAX_KEY_BYTES = 1024


def _error(code: str, message: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{xml_escape(message)}</Message></Error>"
    ).encode()


_UNAVAILABLE = _error("ServiceUnavailable", "the write could not be made durable; retry")


class Refused(Exception):
    """A request answered here without reaching moto; the connection is then closed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = _error(code, message)


def service_of(headers: Any) -> str | None:
    """The AWS service a request is signed for (``s3``, ``sqs``, ...), or None if unsigned."""
    if (headers.get("X-Amz-Target") or "").startswith("AmazonSQS"):
        return "sqs"
    match = _SERVICE.search(headers.get("Authorization") or "")
    if match:
        return match.group(1)
    match = _SERVICE.search(unquote(headers.get("X-Amz-Credential") or ""))
    return match.group(1) if match else None


def written_keys(
    method: str, target: str, host: str, bucket: str, body: bytes, content_type: str | None = None
) -> list[str] | None:
    """The keys of ``bucket`` an S3 request changes: [] when it changes none of them,
    None for a batch delete whose body names none (the caller reconciles the whole
    bucket). A browser-form upload without a ``key`` field is ``Refused`` as S3 refuses
    it: it would write a key that no sequencer could be given to."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    query = parse_qs(parts.query, keep_blank_values=True)
    if host.split(":")[0].startswith(f"{bucket}."):  # virtual-hosted style
        name, key = bucket, path.lstrip("/")
    else:
        name, _, key = path.lstrip("/").partition("/")
    if name != bucket or method not in ("PUT", "POST", "DELETE"):
        return []
    if not key:
        if method == "POST" and "delete" in query:
            return _batch_delete_keys(body)
        if method == "POST":  # a browser-form upload: the key is in the form
            form = read_form(content_type, body)
            key = form_key(form)
            if key is None:
                raise Refused(400, "InvalidArgument", "Bucket POST must contain a field named 'key'")
            check_policy(form, bucket)
            return [_within_key_bound(key)]
        return []  # bucket configuration
    if method == "PUT":
        return [] if _NOT_CONTENT & query.keys() else [_within_key_bound(key)]
    if method == "POST":
        return [key] if "uploadId" in query else []  # completion writes; initiation does not
    return [] if "uploadId" in query else [key]  # DELETE; aborting an upload writes nothing


class Form:
    """A browser-form upload: its text fields (names as sent) and its file."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.filename = ""
        self.file = b""

    def field(self, name: str) -> str | None:
        """A field by name, in any case, as S3 matches the policy's names."""
        return next((v for n, v in self.fields.items() if n.lower() == name.lower()), None)


def read_form(content_type: str | None, body: bytes) -> Form:
    """The parts of a ``multipart/form-data`` body (none for another body). A part that is
    itself multipart holds no text: it is left out."""
    form = Form()
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        return form
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)  # None for a nested multipart
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            form.filename, form.file = part.get_filename() or "", payload
        else:
            form.fields[name] = payload.decode("utf-8", "replace")
    return form


def _within_key_bound(key: str) -> str:
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise Refused(400, "KeyTooLongError", "Your key is too long")
    return key


def form_key(form: Form) -> str | None:
    """The key of a browser-form (presigned POST) upload: its ``key`` field, with
    ``${filename}`` replaced by the file's name as S3 does; None if the form has none."""
    key = form.fields.get("key")
    return key.replace("${filename}", form.filename) if key else None


# Form fields S3 does not look for in the policy's conditions.
_UNCONDITIONED = {"file", "policy", "awsaccesskeyid", "signature", "x-amz-signature"}


def check_policy(form: Form, bucket: str) -> None:
    """``Refused`` as S3 refuses a form its policy does not allow (moto stores any form): an
    expired policy, a condition a field fails, a field no condition names, a file outside the
    ``content-length-range``. The signature is not checked, and a form without a policy is
    passed on: locally every client may write, signed or not."""
    encoded = form.fields.get("policy")
    if encoded is None:
        return
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
        expiration = datetime.fromisoformat(policy["expiration"])
        conditions = list(policy.get("conditions", []))
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise Refused(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    if expiration.tzinfo is None:  # S3's expiration is in UTC ("...Z")
        expiration = expiration.replace(tzinfo=UTC)
    if expiration <= datetime.now(UTC):
        raise Refused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    named: set[str] = set()
    for condition in conditions:
        if isinstance(condition, dict) and len(condition) == 1:  # {"key": "a.txt"} is an "eq"
            [(field, value)] = condition.items()
            condition = ["eq", f"${field}", value]
        match condition:
            case ["content-length-range", int(low), int(high)]:
                if len(form.file) > high:
                    raise Refused(
                        400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
                    )
                if len(form.file) < low:
                    raise Refused(
                        400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"
                    )
            case [("eq" | "starts-with") as operator, str(field), str(value)] if field.startswith("$"):
                name = field[1:].lower()
                named.add(name)
                given = bucket if name == "bucket" else form.field(name) or ""
                if not (given == value if operator == "eq" else given.startswith(value)):
                    failed = json.dumps(condition)
                    raise Refused(
                        403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {failed}"
                    )
            case _:
                raise Refused(
                    400, "InvalidPolicyDocument", f"Invalid Policy: Invalid condition {json.dumps(condition)}"
                )
    extra = [
        n
        for n in form.fields
        if n.lower() not in named | _UNCONDITIONED and not n.lower().startswith("x-ignore-")
    ]
    if extra:
        raise Refused(
            403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}"
        )


def _batch_delete_keys(body: bytes) -> list[str] | None:
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Key"]


def _delete_markers(answer: list[tuple[str, str]], data: bytes, keys: list[str]) -> dict[str, str]:
    """key -> version id of the delete marker a DELETE (its headers) or a batch delete
    (its XML answer) created."""
    headers = {name.lower(): value for name, value in answer}
    if headers.get("x-amz-delete-marker") == "true" and headers.get("x-amz-version-id") and len(keys) == 1:
        return {keys[0]: headers["x-amz-version-id"]}
    if not data.lstrip().startswith(b"<"):
        return {}
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {}
    markers = {}
    for deleted in root:
        fields = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in deleted}
        if fields.get("Key") and fields.get("DeleteMarkerVersionId"):
            markers[fields["Key"]] = fields["DeleteMarkerVersionId"]
    return markers


class S3Front:
    """A threading HTTP proxy on ``host:port`` to ``upstream`` (moto), recording the
    archive bucket's writes in ``mirror`` before answering them."""

    def __init__(self, host: str, port: int, upstream: str, bucket: str, mirror: Any) -> None:
        self.upstream = urlsplit(upstream)
        self.bucket = bucket
        self.mirror = mirror
        self._local = threading.local()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._closing = False
        self.server = FrontServer((host, port), self._request_class())
        # server_close() waits for the requests in progress (they are answered, and
        # their writes recorded, before stop() returns).
        self.server.daemon_threads = False
        self.server.block_on_close = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.server.serve_forever, name="s3-front", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting; return once every accepted request has been answered."""
        if self._thread is not None:  # shutdown() waits for a loop that never ran otherwise
            self.server.shutdown()
        # Idle kept-alive connections would hold their threads forever: end their reading
        # side (a request being answered still gets its answer).
        with self._connections_lock:
            self._closing = True
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RD)
        self.server.server_close()
        if self._thread:
            self._thread.join(5)

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
            self._local.conn = conn
        return conn

    def forward(
        self, method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The upstream's answer to one request (retried once on a stale kept-alive
        connection)."""
        out = [(name, value) for name, value in headers if name.lower() not in _HOP]
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in out:
                    conn.putheader(name, value)
                conn.endheaders(body)
                response = conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                conn.close()
                self._local.conn = None
            kept = [(n, v) for n, v in response.getheaders() if n.lower() not in _HOP]
            return response.status, kept, data
        raise AssertionError("unreachable")

    def keys_written(self, method: str, target: str, headers: Any, body: bytes) -> list[str] | None:
        """The keys of the archive's bucket this request changes if moto accepts it
        ([] for reads and other services; None when they cannot be told)."""
        if method not in ("PUT", "POST", "DELETE") or service_of(headers) not in ("s3", None):
            return []
        return written_keys(
            method, target, headers.get("Host") or "", self.bucket, body, headers.get("Content-Type")
        )

    def make_durable(self, keys: list[str] | None, answer: list[tuple[str, str]], data: bytes) -> None:
        """Record in the mirror every key this accepted write changed and give each its
        sequencer (the caller holds the keys' locks). ``answer`` and ``data``: moto's
        headers and body, which name the delete markers a delete made."""
        if keys is None:
            log.warning(
                "a write to s3://%s changed keys the front cannot name: its events get no sequencer",
                self.bucket,
            )
            self.mirror.sync()
            return
        markers = _delete_markers(answer, data, keys)
        for key in keys:
            state = self.mirror.record(key)
            if state is None:
                self.mirror.sequencers.assign(key, None, markers.get(key))
            else:
                self.mirror.sequencers.assign(key, *state)

    def _request_class(self) -> type[BaseHTTPRequestHandler]:
        front = self

        class Request(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "archive-search-local-s3"
            disable_nagle_algorithm = True

            # An idle kept-alive connection is closed after this many seconds.
            timeout = 30

            def setup(self) -> None:
                super().setup()
                with front._connections_lock:
                    front._connections.add(self.connection)
                    if front._closing:  # accepted while stopping: answer what was sent, no more
                        with contextlib.suppress(OSError):
                            self.connection.shutdown(socket.SHUT_RD)

            def handle_expect_100(self) -> bool:
                # Refuse an oversized body before the client sends it.
                try:
                    content_length(self.headers.get("Content-Length"), MAX_REQUEST_BYTES)
                except BodyError as exc:
                    if exc.too_large:
                        self.close_connection = True
                        self._answer(
                            413, [("Content-Type", "application/xml")], _error("EntityTooLarge", str(exc))
                        )
                        return False
                return super().handle_expect_100()

            def finish(self) -> None:
                with front._connections_lock:
                    front._connections.discard(self.connection)
                super().finish()

            def _serve(self) -> None:
                try:
                    body = self._body()
                    keys = front.keys_written(self.command, self.path, self.headers, body or b"")
                except Refused as refused:
                    log.warning("%s %s refused: %s", self.command, self.path, refused)
                    self.close_connection = True  # the rest of the body is never read
                    self._answer(refused.status, [("Content-Type", "application/xml")], refused.body)
                    return
                with front.mirror.sequencers.locked(keys or ()):
                    try:
                        status, headers, data = front.forward(
                            self.command, self.path, self.headers.items(), body
                        )
                    except (OSError, http.client.HTTPException) as exc:
                        log.error("moto server did not answer %s %s: %s", self.command, self.path, exc)
                        self._answer(503, [("Content-Type", "application/xml")], _UNAVAILABLE)
                        return
                    if 200 <= status < 300 and keys != []:
                        try:
                            front.make_durable(keys, headers, data)
                        except Exception:
                            log.exception("could not record %s %s in the mirror", self.command, self.path)
                            self._answer(503, [("Content-Type", "application/xml")], _UNAVAILABLE)
                            return
                self._answer(status, headers, data)

            def _body(self) -> bytes | None:
                try:
                    if is_chunked(self.headers.get("Transfer-Encoding")):
                        data = read_chunked(self.rfile, MAX_REQUEST_BYTES)
                        del self.headers["Transfer-Encoding"]
                        self.headers["Content-Length"] = str(len(data))
                        return data
                    length = content_length(self.headers.get("Content-Length"), MAX_REQUEST_BYTES)
                    return read_exactly(self.rfile, length) if length else None
                except BodyError as exc:
                    if exc.too_large:
                        raise Refused(413, "EntityTooLarge", str(exc)) from None
                    raise Refused(400, "IncompleteBody", str(exc)) from None

            def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
                self.send_response_only(status)
                has_length = False
                for name, value in headers:
                    has_length = has_length or name.lower() == "content-length"
                    self.send_header(name, value)
                if not has_length:
                    self.send_header("Content-Length", str(len(data)))
                if self.close_connection:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Request
