"""The signature check docs/alerts.md gives receivers ("Checking the signature") accepts what the
relay sends, with either secret during a rotation's grace, and refuses a changed body, another
alert's secret and an old request."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from archive_search.alerts.relay import SIGNATURE_HEADER, Target, deliver
from archive_search.alerts.signing import webhook_secret

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "alerts.md"
STACK_SECRET = b"stack-secret"
ALERT_ID = "0f5e8c1d2b3a49c7a6e5d4c3b2a19f80"
SECRET = webhook_secret(STACK_SECRET, ALERT_ID, 0).encode()
SENT_AT = 1_765_000_000


def documented_verify() -> Any:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("**Checking the signature**") :]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)  # type: ignore[union-attr]
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # the documentation's own code, as printed
    return namespace["verify"]


def signed_request(**detail: Any) -> tuple[str, bytes]:
    sent: list[tuple[dict[str, str], bytes]] = []

    def receiver(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, None]:
        sent.append((headers, body))
        return 204, None

    event = {
        "detail-type": "Alert Matched",
        "detail": {
            "event_id": "e1",
            "alert_id": ALERT_ID,
            "webhook_url": "https://hooks.example/a",
            "webhook_generation": 0,
            **detail,
        },
    }
    deliver(
        event, STACK_SECRET, now=lambda: SENT_AT, resolve=lambda host, port: ["93.184.215.14"], send=receiver
    )
    ((headers, body),) = sent
    return headers[SIGNATURE_HEADER], body


def test_the_documented_check_accepts_the_relays_signature() -> None:
    header, body = signed_request()
    assert documented_verify()(SECRET, header, body, now=SENT_AT + 10) is True


@pytest.mark.parametrize(
    ("secret", "change_body", "now"),
    [
        (webhook_secret(STACK_SECRET, "9c1d4e7f0a2b3c5d6e8f9a0b1c2d3e4f", 0).encode(), False, SENT_AT),
        (STACK_SECRET, False, SENT_AT),
        (SECRET, True, SENT_AT),
        (SECRET, False, SENT_AT + 301),
    ],
    ids=["another alert's secret", "the stack secret", "changed body", "too old"],
)
def test_the_documented_check_refuses_a_forgery_or_a_replay(
    secret: bytes, change_body: bool, now: int
) -> None:
    header, body = signed_request()
    if change_body:
        body = body.replace(b"e1", b"e2")
    assert documented_verify()(secret, header, body, now=now) is False


@pytest.mark.parametrize("header", ["", "t=x,v1=00", "v1=00", f"t={SENT_AT}"])
def test_the_documented_check_refuses_a_malformed_header(header: str) -> None:
    _, body = signed_request()
    assert documented_verify()(SECRET, header, body, now=SENT_AT) is False


def test_during_a_rotations_grace_the_documented_check_accepts_the_new_and_the_previous_secret() -> None:
    header, body = signed_request(webhook_generation=1, webhook_rotated_at="2025-12-06T05:00:00Z")
    assert header.count("v1=") == 2
    for generation in (1, 0):
        assert documented_verify()(
            webhook_secret(STACK_SECRET, ALERT_ID, generation).encode(), header, body, now=SENT_AT
        )
    assert not documented_verify()(
        webhook_secret(STACK_SECRET, ALERT_ID, 2).encode(), header, body, now=SENT_AT
    )
