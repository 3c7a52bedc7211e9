"""The webhook relay: POSTs an ``Alert Matched`` event to its alert's ``webhook_url``, signed.

The standard library's HTTP client and the package's logger only: no engine client, no
pydantic, no boto3 (the relay's bundle is lean; the stack secret is passed in). The request:

- body: the event as JSON (UTF-8), at most ``MAX_RELAY_BODY_BYTES``;
- ``X-Archive-Search-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, one
  ``v1`` per key ``signing.signing_keys`` gives (the alert's own secret, derived from the stack
  secret and the event's ``webhook_generation``; its previous one during a rotation's grace);
- ``X-Archive-Search-Event-Id``: ``detail.event_id``, the same for every copy of a match.

The host is resolved when the relay calls, and every address it resolves to must be public
(``addresses.is_public``, the rule ``POST /alerts`` applies to an address written in the URL);
the connection goes to the address that was checked, so the name cannot change in between.
No redirect is followed: a 3xx is the receiver's answer, not a place to go.

Outcomes: a 2xx is delivered; a refused URL or a 4xx other than 408/429 is given up (the
receiver said no, a retry would say no again); a 5xx, 408, 429, a timeout or a failed
connection raises ``DeliveryFailed`` for the caller's retries, carrying the receiver's
``Retry-After`` in seconds when it sent one. ``relay_match`` logs and counts each outcome;
``alerts.relay_queue`` (the Lambda and the local stack both run it) calls it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

from aws_lambda_powertools.metrics import MetricUnit

from archive_search.alerts.addresses import LOCAL_HOSTS, ip_literal, is_public, resolvable
from archive_search.alerts.signing import signing_keys
from archive_search.observability import logger, metrics

# Each call's connect and each read; the Lambda's own timeout leaves room for one whole call.
TIMEOUT_SECONDS = 10
# The whole call, answer included: a receiver trickling its answer a byte at a time never trips
# the read timeout, and would run the relay into its Lambda timeout.
CALL_DEADLINE_SECONDS = 2 * TIMEOUT_SECONDS
# EventBridge's own bound on an event: a larger body was not built by archive-search.
MAX_RELAY_BODY_BYTES = 256 * 1024
SIGNATURE_HEADER = "X-Archive-Search-Signature"
EVENT_ID_HEADER = "X-Archive-Search-Event-Id"
USER_AGENT = "archive-search-relay/1"
# Every printable ASCII character a URI may hold as it is (RFC 3986: reserved, unreserved, %).
_URI_CHARACTERS = "!#$%&'()*+,/:;=?@[]~"
# The receiver asks for the request again later: a retry, not a refusal.
RETRIED_CLIENT_STATUSES = frozenset({408, 429})

Resolve = Callable[[str, int], list[str]]
# The receiver's answer: its status and its Retry-After header, if any.
Answer = tuple[int, "str | None"]
Send = Callable[["Target", dict[str, str], bytes], Answer]


class DeliveryFailed(Exception):
    """The webhook did not take the event and may later: the caller retries, not sooner than
    ``retry_after`` seconds when the receiver asked for that."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Target:
    """Where one POST goes: the URL's parts and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    reason: str  # "delivered", "refused_url", "refused_address", "too_large" or "http_<status>"
    status: int | None = None


def signature(keys: Sequence[bytes], timestamp: int, body: bytes) -> str:
    """The signature header's value: one ``v1`` per key, HMAC-SHA256 over ``"<timestamp>.<body>"``."""
    signed = str(timestamp).encode() + b"." + body
    return ",".join(
        [f"t={timestamp}", *(f"v1={hmac.new(key, signed, hashlib.sha256).hexdigest()}" for key in keys)]
    )


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to now."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def relay_match(event: dict[str, Any], secret: bytes, *, allow_loopback: bool = False) -> Delivery:
    """Deliver one match (``secret``: the stack secret the alert's derive from), log the outcome
    and count it (``AlertWebhookDelivered``, ``AlertWebhookGivenUp``, ``AlertWebhookFailed``);
    re-raises ``DeliveryFailed``."""
    detail = event.get("detail") or {}
    where = {"alert_id": detail.get("alert_id"), "event_id": detail.get("event_id")}
    try:
        delivery = deliver(event, secret, allow_loopback=allow_loopback)
    except DeliveryFailed as error:
        logger.warning("alert webhook failed, to be retried", extra={**where, "error": str(error)})
        metrics.add_metric(name="AlertWebhookFailed", unit=MetricUnit.Count, value=1)
        raise
    if delivery.delivered:
        logger.info("alert webhook delivered", extra={**where, "status": delivery.status})
        metrics.add_metric(name="AlertWebhookDelivered", unit=MetricUnit.Count, value=1)
    else:
        logger.warning("alert webhook given up", extra={**where, "reason": delivery.reason})
        metrics.add_metric(name="AlertWebhookGivenUp", unit=MetricUnit.Count, value=1)
    return delivery


def deliver(
    event: dict[str, Any],
    secret: bytes,
    *,
    allow_loopback: bool = False,
    now: Callable[[], float] = time.time,
    resolve: Resolve = resolve_host,
    send: Send | None = None,
) -> Delivery:
    """POST ``event`` to ``event["detail"]["webhook_url"]``, signed with the keys derived from the
    stack ``secret``; raises ``DeliveryFailed`` to retry.

    ``allow_loopback`` lets plain http reach this machine's loopback (the local stack only):
    in Lambda, loopback is the runtime's own API.
    """
    detail = event.get("detail") or {}
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    if len(body) > MAX_RELAY_BODY_BYTES:
        return Delivery(False, "too_large")
    target = _target(str(detail.get("webhook_url") or ""), allow_loopback=allow_loopback, resolve=resolve)
    if isinstance(target, Delivery):
        return target
    sent_at = int(now())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(signing_keys(secret, detail, sent_at), sent_at, body),
        EVENT_ID_HEADER: str(detail.get("event_id") or event.get("id") or ""),
    }
    try:
        status, retry_after = (send or send_pinned)(target, headers, body)
    except (OSError, http.client.HTTPException) as error:  # timeouts, refused connections, TLS
        raise DeliveryFailed(f"{target.host}: {type(error).__name__}: {error}") from error
    if 200 <= status < 300:
        return Delivery(True, "delivered", status)
    if status >= 500 or status in RETRIED_CLIENT_STATUSES:
        raise DeliveryFailed(
            f"{target.host} answered {status}", retry_after=retry_after_seconds(retry_after, now())
        )
    return Delivery(False, f"http_{status}", status)


def retry_after_seconds(value: str | None, now: float) -> int | None:
    """A ``Retry-After`` header (seconds, or an HTTP date) as whole seconds from ``now``; None
    when absent or unreadable (the schedule alone decides then)."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0, int(when.timestamp() - now))


def _target(url: str, *, allow_loopback: bool, resolve: Resolve) -> Target | Delivery:
    try:
        parts = urlsplit(url)
        port = (443 if parts.scheme == "https" else 80) if parts.port is None else parts.port
    except ValueError:
        return Delivery(False, "refused_url")
    if port == 0:  # no server listens there
        return Delivery(False, "refused_url")
    host = parts.hostname or ""
    loopback = allow_loopback and host in LOCAL_HOSTS
    if (
        not host
        or not resolvable(host)
        or not (parts.scheme == "https" or (parts.scheme == "http" and loopback))
    ):
        return Delivery(False, "refused_url")
    try:
        addresses = resolve(host, port)
    except OSError as error:  # a name that does not resolve now may later
        raise DeliveryFailed(f"{host} does not resolve: {error}") from error
    checked = [
        a for a in addresses if (parsed := ip_literal(a)) is not None and (loopback or is_public(parsed))
    ]
    if not addresses or len(checked) != len(addresses):
        return Delivery(False, "refused_address")
    # HTTP carries ASCII: what else an IRI's path and query hold goes as percent-encoded UTF-8
    # (RFC 3987 3.1), reserved characters and escapes already there kept as they are.
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_URI_CHARACTERS)
    return Target(parts.scheme, host, port, path, checked[0])


def send_pinned(target: Target, headers: dict[str, str], body: bytes) -> Answer:
    """POST to the checked address (TLS verified against the host name), one request, the
    answer's body not read: only its status and ``Retry-After`` count."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=TIMEOUT_SECONDS)

    def connect_to_checked(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        return socket.create_connection((target.address, address[1]), *args, **kwargs)

    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]
    cut = threading.Event()

    def cut_off() -> None:
        # shutdown wakes a recv blocked on the socket (close from another thread does not). The
        # TCP connect, before there is a socket, is bounded by TIMEOUT_SECONDS, below the deadline.
        cut.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    deadline = threading.Timer(CALL_DEADLINE_SECONDS, cut_off)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Retry-After")
    except (OSError, http.client.HTTPException):
        if cut.is_set():
            raise TimeoutError(f"no whole answer within {CALL_DEADLINE_SECONDS} s") from None
        raise
    finally:
        deadline.cancel()
        connection.close()
