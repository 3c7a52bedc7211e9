"""Each webhook alert's own signing secret: derived from the stack secret, the alert and its
generation; the keys a delivery is signed with during a rotation's grace and for older alerts."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from archive_search.alerts.signing import (
    ROTATION_GRACE_SECONDS,
    STACK_SECRET_SIGNATURES_END,
    signing_keys,
    webhook_secret,
    webhook_secret_id,
)
from archive_search.errors import ConfigurationError

pytestmark = pytest.mark.unit

STACK = b"stack-secret"
ALERT = "0f5e8c1d2b3a49c7a6e5d4c3b2a19f80"
OTHER = "9c1d4e7f0a2b3c5d6e8f9a0b1c2d3e4f"
NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)


def test_the_secret_is_the_documented_hmac_of_alert_and_generation_with_its_prefix() -> None:
    digest = hmac.new(STACK, f"{ALERT}:3".encode(), hashlib.sha256).digest()
    assert webhook_secret(STACK, ALERT, 3) == "whsec_" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_the_secret_differs_by_alert_generation_and_stack_secret_and_is_stable() -> None:
    secrets = {
        webhook_secret(STACK, ALERT, 0),
        webhook_secret(STACK, OTHER, 0),
        webhook_secret(STACK, ALERT, 1),
        webhook_secret(b"another stack", ALERT, 0),
    }
    assert len(secrets) == 4
    assert webhook_secret(STACK, ALERT, 0) == webhook_secret(STACK, ALERT, 0)


def _detail(generation: object, rotated: datetime | None = None) -> dict[str, object]:
    return {
        "alert_id": ALERT,
        "webhook_generation": generation,
        "webhook_rotated_at": rotated and rotated.isoformat().replace("+00:00", "Z"),
    }


def test_an_alert_never_rotated_is_signed_with_its_own_secret_only() -> None:
    assert signing_keys(STACK, _detail(0), NOW.timestamp()) == [webhook_secret(STACK, ALERT, 0).encode()]


def test_within_the_grace_after_a_rotation_both_the_new_and_the_previous_secret_sign() -> None:
    rotated = NOW - timedelta(seconds=ROTATION_GRACE_SECONDS - 60)
    assert signing_keys(STACK, _detail(2, rotated), NOW.timestamp()) == [
        webhook_secret(STACK, ALERT, 2).encode(),
        webhook_secret(STACK, ALERT, 1).encode(),
    ]


def test_after_the_grace_only_the_new_secret_signs() -> None:
    rotated = NOW - timedelta(seconds=ROTATION_GRACE_SECONDS + 1)
    assert signing_keys(STACK, _detail(2, rotated), NOW.timestamp()) == [
        webhook_secret(STACK, ALERT, 2).encode()
    ]


@pytest.mark.parametrize("generation", [None, "1", True, -1], ids=["absent", "text", "bool", "negative"])
def test_an_alert_saved_before_is_generation_0_and_also_signed_with_the_stack_secret(
    generation: object,
) -> None:
    detail = _detail(generation)
    before_end = STACK_SECRET_SIGNATURES_END.timestamp() - 1
    assert signing_keys(STACK, detail, before_end) == [webhook_secret(STACK, ALERT, 0).encode(), STACK]
    assert signing_keys(STACK, detail, STACK_SECRET_SIGNATURES_END.timestamp()) == [
        webhook_secret(STACK, ALERT, 0).encode()
    ]


def test_an_event_without_the_generation_fields_is_an_alert_saved_before() -> None:
    assert signing_keys(STACK, {"alert_id": ALERT}, NOW.timestamp())[-1] == STACK


def test_an_unreadable_rotation_time_signs_with_the_current_secret_only() -> None:
    detail = {**_detail(1), "webhook_rotated_at": "yesterday"}
    assert signing_keys(STACK, detail, NOW.timestamp()) == [webhook_secret(STACK, ALERT, 1).encode()]


def test_a_missing_secret_setting_names_itself() -> None:
    with pytest.raises(ConfigurationError, match="WEBHOOK_SECRET_ID"):
        webhook_secret_id({})
    assert webhook_secret_id({"WEBHOOK_SECRET_ID": " hooks "}) == "hooks"
