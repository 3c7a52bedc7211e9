"""Each webhook alert's own signing secret, derived, never stored (docs/alerts.md, The signing secret).

``webhook_secret(stack secret, alert id, generation)`` is ``whsec_`` and the unpadded base64url of
HMAC-SHA256(stack secret, ``"<alert id>:<generation>"``): the alerts index holds only the
generation, so nothing secret sits in the engine, and a receiver holding one alert's secret cannot
sign for another. Rotating bumps the generation; for ``ROTATION_GRACE_SECONDS`` after it the relay
signs with the new and the previous secret (two ``v1=``). An alert saved before per-alert secrets
has no generation (``None``): it is generation 0, and its deliveries also carry a signature with
the stack secret itself until ``STACK_SECRET_SIGNATURES_END`` or its first rotation.

Standard library only: the relay's lean bundle ships it, as the write function does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from archive_search.errors import ConfigurationError

SECRET_PREFIX = "whsec_"
# Longer than the relay's retry schedule: a match built before a rotation, retried for up to a
# day and a half, still verifies with the previous secret a receiver keeps for the grace.
ROTATION_GRACE_SECONDS = 48 * 3600
# Receivers that verify with the stack secret have until then to take their alert's own secret.
STACK_SECRET_SIGNATURES_END = datetime(2027, 3, 1, tzinfo=UTC)


def webhook_secret(stack_secret: bytes, alert_id: str, generation: int) -> str:
    """The alert's signing secret at ``generation``; receivers use its UTF-8 bytes as the key."""
    digest = hmac.new(stack_secret, f"{alert_id}:{generation}".encode(), hashlib.sha256).digest()
    return SECRET_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def generation_of(value: Any) -> int | None:
    """A stored or carried generation: a non-negative integer, else ``None`` (saved before)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def signing_keys(stack_secret: bytes, detail: Mapping[str, Any], now: float) -> list[bytes]:
    """The keys an ``Alert Matched`` delivery is signed with, the current one first: the alert's
    secret at the event's ``webhook_generation``, the previous one within the grace after
    ``webhook_rotated_at``, and the stack secret for an alert saved before per-alert secrets."""
    alert_id = str(detail.get("alert_id") or "")
    generation = generation_of(detail.get("webhook_generation"))
    keys = [webhook_secret(stack_secret, alert_id, generation or 0).encode()]
    rotated_at = _timestamp(detail.get("webhook_rotated_at"))
    if generation and rotated_at is not None and now - rotated_at < ROTATION_GRACE_SECONDS:
        keys.append(webhook_secret(stack_secret, alert_id, generation - 1).encode())
    if generation is None and now < STACK_SECRET_SIGNATURES_END.timestamp():
        keys.append(stack_secret)
    return keys


def webhook_secret_id(env: Mapping[str, str] = os.environ) -> str:
    """``WEBHOOK_SECRET_ID``: the Secrets Manager secret (name or ARN) every alert's is derived from."""
    secret_id = env.get("WEBHOOK_SECRET_ID", "").strip()
    if not secret_id:
        raise ConfigurationError(
            "WEBHOOK_SECRET_ID must name the Secrets Manager secret webhook alerts' secrets derive from"
        )
    return secret_id


def _timestamp(value: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(value)).timestamp() if value else None
    except ValueError:
        return None
