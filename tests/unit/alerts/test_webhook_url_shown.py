"""Who sees an alert's webhook URL: a caller that may write alerts in full, a reader redacted."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from archive_local.lambda_events import http_api_event
from archive_search.alerts.shown import may_write_alerts, redacted, shown
from tests.events import load_event

pytestmark = pytest.mark.unit

SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"


def _jwt(claims: dict[str, str], scopes: list[str] | None = None) -> dict[str, Any]:
    event = load_event("http_api_v2_alerts_jwt")
    jwt = event["requestContext"]["authorizer"]["jwt"]
    jwt["claims"] = {**jwt["claims"], **claims}
    jwt["scopes"] = scopes
    return event


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SLACK, "https://hooks.slack.com/…"),
        ("https://hooks.example:8443/in?token=s3cret", "https://hooks.example:8443/…"),
        ("https://[2001:db8::1]/hook", "https://[2001:db8::1]/…"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000/…"),
    ],
)
def test_a_redacted_url_keeps_scheme_host_and_port_only(url: str, expected: str) -> None:
    assert redacted(url) == expected


def test_a_reader_sees_the_host_and_a_fingerprint_never_the_path_or_query() -> None:
    alert = {"id": "a", "target": "webhook", "webhook_url": "https://hooks.example/in?token=s3cret"}

    seen = shown(alert, full=False)

    assert seen["webhook_url"] == "https://hooks.example/…"
    assert "s3cret" not in str(seen)
    assert seen["webhook_url_sha256"] == hashlib.sha256(alert["webhook_url"].encode()).hexdigest()[:12]
    assert (
        shown({**alert, "webhook_url": SLACK}, full=False)["webhook_url_sha256"] != seen["webhook_url_sha256"]
    )


def test_a_writer_sees_the_full_url_with_the_same_fingerprint() -> None:
    alert = {"id": "a", "target": "webhook", "webhook_url": SLACK}
    assert shown(alert, full=True) == {**shown(alert, full=False), "webhook_url": SLACK}


def test_an_alert_without_a_url_has_no_fingerprint() -> None:
    assert (
        shown({"id": "a", "target": "event", "webhook_url": None}, full=False)["webhook_url_sha256"] is None
    )


@pytest.mark.parametrize(
    ("event", "may"),
    [
        (_jwt({}), False),  # archive/read only
        (_jwt({"scope": "openid archive/write"}), True),  # Cognito's space-separated claim
        (_jwt({"scope": "archive/writer"}), False),
        (_jwt({"scp": "[archive/read archive/write]"}), True),  # a list claim, as API Gateway passes it
        (_jwt({}, scopes=["archive/write"]), True),  # on a route requiring scopes
        (load_event("http_api_v2_search_iam"), False),  # IAM: the policy is not in the event
        (http_api_event("GET", "/alerts"), True),  # make run's front: no authorizer, writes are open
    ],
)
def test_who_may_write_alerts(event: dict[str, Any], may: bool) -> None:
    assert may_write_alerts(event) is may
