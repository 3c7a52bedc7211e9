"""Secrets Manager adapter: the relay's webhook signing secret."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3

# How long an execution environment signs with a value before reading the secret again: a
# rotation reaches every environment within it (receivers accept both values meanwhile).
SECRET_TTL_SECONDS = 300

_values: dict[str, tuple[float, bytes]] = {}


@lru_cache(maxsize=1)
def cached_secrets_client():  # type: ignore[no-untyped-def]
    return boto3.client("secretsmanager")


def secret_bytes(secret_id: str, *, client: Any = None, now: Callable[[], float] = time.monotonic) -> bytes:
    """The secret's string value, read again once it is ``SECRET_TTL_SECONDS`` old."""
    read_at, value = _values.get(secret_id, (float("-inf"), b""))
    if now() - read_at >= SECRET_TTL_SECONDS:
        response = (client or cached_secrets_client()).get_secret_value(SecretId=secret_id)
        read_at, value = now(), response["SecretString"].encode()
        _values[secret_id] = (read_at, value)
    return value
