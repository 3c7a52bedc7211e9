"""The webhook relay: what it signs, where it refuses to go, and which answers it retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time

import pytest

from archive_search.alerts import relay
from archive_search.alerts.relay import Delivery, DeliveryFailed, Target, deliver
from archive_search.alerts.signing import webhook_secret
from archive_search.observability import metrics

pytestmark = pytest.mark.unit

SECRET = b"stack-secret-test"
ALERT_ID = "0f5e8c1d2b3a49c7a6e5d4c3b2a19f80"
NOW = 1_765_000_000


def _event(url: str = "https://hooks.example/alerts") -> dict:
    return {
        "id": "5b0c7d1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f",
        "detail-type": "Alert Matched",
        "source": "archive-search",
        "detail": {
            "event_id": "9c1d4e7f0a2b3c5d6e8f9a0b1c2d3e4f",
            "alert_id": ALERT_ID,
            "target": "webhook",
            "webhook_url": url,
            "webhook_generation": 0,
            "webhook_rotated_at": None,
        },
    }


class Receiver:
    """A transport that records the one request and answers ``status`` (or raises ``error``)."""

    def __init__(
        self, status: int = 204, error: Exception | None = None, retry_after: str | None = None
    ) -> None:
        self.status, self.error, self.retry_after = status, error, retry_after
        self.requests: list[tuple[Target, dict[str, str], bytes]] = []

    def __call__(self, target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str | None]:
        self.requests.append((target, headers, body))
        if self.error:
            raise self.error
        return self.status, self.retry_after


def _public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


def _deliver(receiver: Receiver, event: dict | None = None, resolve=_public, **kwargs) -> Delivery:
    return deliver(event or _event(), SECRET, now=lambda: NOW, resolve=resolve, send=receiver, **kwargs)


def test_a_delivery_is_signed_with_its_alerts_own_secret_over_the_timestamp_and_the_exact_body() -> None:
    receiver = Receiver()
    assert _deliver(receiver) == Delivery(True, "delivered", 204)
    target, headers, body = receiver.requests[0]
    alert_secret = webhook_secret(SECRET, ALERT_ID, 0).encode()
    expected = hmac.new(alert_secret, f"{NOW}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers[relay.SIGNATURE_HEADER] == f"t={NOW},v1={expected}"
    assert headers["Content-Type"] == "application/json"
    assert headers[relay.EVENT_ID_HEADER] == "9c1d4e7f0a2b3c5d6e8f9a0b1c2d3e4f"
    assert json.loads(body) == _event()
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example",
        443,
        "/alerts",
        "93.184.215.14",
    )


def test_the_signature_changes_with_the_secret_the_time_and_the_body() -> None:
    base = relay.signature([SECRET], NOW, b"{}")
    assert (
        len(
            {
                base,
                relay.signature([b"other"], NOW, b"{}"),
                relay.signature([SECRET], NOW + 1, b"{}"),
                relay.signature([SECRET], NOW, b"{ }"),
            }
        )
        == 4
    )


def test_two_keys_give_two_v1_entries_the_current_first() -> None:
    one, two = (relay.signature([key], NOW, b"{}").split(",")[1] for key in (b"new", b"old"))
    assert relay.signature([b"new", b"old"], NOW, b"{}") == f"t={NOW},{one},{two}"


@pytest.mark.parametrize(
    "addresses",
    [
        ["169.254.169.254"],
        ["10.0.0.5"],
        ["127.0.0.1"],
        ["::1"],
        ["fd00:ec2::254"],
        ["::ffff:169.254.169.254"],
        ["64:ff9b::a9fe:a9fe"],  # NAT64 of the metadata service
        ["93.184.215.14", "192.168.1.1"],
        [],
    ],
)
def test_a_host_name_resolving_to_an_address_that_is_not_public_is_refused_at_call_time(
    addresses: list[str],
) -> None:
    receiver = Receiver()
    assert _deliver(receiver, resolve=lambda host, port: addresses) == Delivery(False, "refused_address")
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/alerts",
        "http://127.0.0.1:8088/hook",
        "ftp://hooks.example/",
        "https:///nohost",
        "https://hooks.example:99999/",
        "https://hooks.example:0/",  # no server listens there: not port 443 in its place
        "",
    ],
)
def test_a_url_that_is_not_https_is_refused_without_a_call(url: str) -> None:
    receiver = Receiver()
    assert _deliver(receiver, _event(url)) == Delivery(False, "refused_url")
    assert receiver.requests == []


@pytest.mark.parametrize("url", ["https://hooks..example/x", "https://" + "x" * 64 + ".example/"])
def test_a_host_no_resolver_can_look_up_is_given_up_not_raised(url: str) -> None:
    # The resolver's IDNA encoding raises UnicodeError (no OSError) for these: left to escape,
    # each attempt failed with a traceback until the dead-letter queue took the match.
    receiver = Receiver()
    assert deliver(_event(url), SECRET, now=lambda: NOW, send=receiver) == Delivery(False, "refused_url")
    assert receiver.requests == []


def test_a_path_and_query_outside_ascii_are_sent_percent_encoded_as_utf_8() -> None:
    # An IRI is a URL a person writes (https://hooks.example/café); HTTP carries ASCII only, and
    # http.client raised UnicodeEncodeError on it, an uncaught error at every attempt.
    receiver = Receiver(status=204)
    event = _event("https://hooks.example/café/a%20b?q=ü&x=1")
    assert _deliver(receiver, event).delivered
    assert receiver.requests[0][0].path == "/caf%C3%A9/a%20b?q=%C3%BC&x=1"


def test_plain_http_to_loopback_only_when_the_caller_allows_it() -> None:
    receiver = Receiver(status=200)
    event = _event("http://127.0.0.1:8088/hook?a=1")
    assert _deliver(receiver, event, resolve=lambda host, port: ["127.0.0.1"], allow_loopback=True).delivered
    assert receiver.requests[0][0].path == "/hook?a=1"
    assert _deliver(Receiver(), _event("http://10.0.0.5/hook"), allow_loopback=True).reason == "refused_url"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422, 301, 302])
def test_a_refusal_or_a_redirect_is_given_up_not_retried(status: int) -> None:
    assert _deliver(Receiver(status=status)) == Delivery(False, f"http_{status}", status)


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_a_server_error_or_a_request_to_come_back_raises_for_a_retry(status: int) -> None:
    with pytest.raises(DeliveryFailed, match=str(status)):
        _deliver(Receiver(status=status))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120),
        (" 7 ", 7),
        ("Sat, 06 Dec 2025 06:46:40 GMT", 3600),  # NOW + 1 h, as an HTTP date
        ("Sat, 06 Dec 2025 04:46:40 GMT", 0),  # a date already past: now
        (None, None),
        ("soon", None),
        ("-5", None),
        ("\u00b2", None),
    ],
)
def test_a_retry_after_header_in_seconds_or_as_a_date_travels_with_the_failure(
    header: str | None, seconds: int | None
) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        _deliver(Receiver(status=503, retry_after=header))
    assert failed.value.retry_after == seconds


@pytest.mark.parametrize("error", [TimeoutError("timed out"), ConnectionRefusedError("refused")])
def test_a_timeout_or_a_failed_connection_raises_for_a_retry(error: Exception) -> None:
    with pytest.raises(DeliveryFailed):
        _deliver(Receiver(error=error))


def test_a_name_that_does_not_resolve_now_raises_for_a_retry() -> None:
    def unresolved(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(DeliveryFailed, match="does not resolve"):
        _deliver(Receiver(), resolve=unresolved)


def test_a_body_over_the_bound_is_given_up_before_any_call() -> None:
    event = _event()
    event["detail"]["title"] = "x" * relay.MAX_RELAY_BODY_BYTES
    receiver = Receiver()
    assert _deliver(receiver, event) == Delivery(False, "too_large")
    assert receiver.requests == []


@pytest.fixture
def counted():  # type: ignore[no-untyped-def]
    metrics.clear_metrics()
    yield metrics.metric_set
    metrics.clear_metrics()


def test_a_match_given_up_is_logged_and_counted(counted: dict) -> None:
    assert relay.relay_match(_event("http://hooks.example/a"), SECRET).reason == "refused_url"
    assert set(counted) == {"AlertWebhookGivenUp"}


def test_a_failed_delivery_is_counted_and_raised_for_the_retry(counted: dict, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def failing(*args: object, **kwargs: object) -> Delivery:
        raise DeliveryFailed("hooks.example answered 503")

    monkeypatch.setattr(relay, "deliver", failing)
    with pytest.raises(DeliveryFailed):
        relay.relay_match(_event(), SECRET)
    assert set(counted) == {"AlertWebhookFailed"}


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_call_deadline(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Given a receiver that sends its answer a byte at a time, each byte within the read
    # timeout, when the relay calls it, then the call ends at the whole call's deadline (a
    # read timeout alone would let it run past the Lambda's timeout, losing the attempt's
    # backoff, and on make run hold every other webhook's delivery).
    monkeypatch.setattr(relay, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(relay, "CALL_DEADLINE_SECONDS", 1.0)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                if stop.wait(0.2):
                    return
                connection.sendall(bytes([byte]))

    server = threading.Thread(target=trickle, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    started = time.monotonic()
    try:
        with pytest.raises(DeliveryFailed, match="within"):
            deliver(_event(url), SECRET, allow_loopback=True)
    finally:
        stop.set()
        server.join(5)
        listener.close()
    assert time.monotonic() - started < 3
