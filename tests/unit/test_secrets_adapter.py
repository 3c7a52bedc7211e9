"""The relay's signing secret: read once, then again after its time to live (a rotation)."""

from __future__ import annotations

import pytest

from archive_search.adapters import secrets

pytestmark = pytest.mark.unit


class SecretsManager:
    def __init__(self) -> None:
        self.value, self.reads = "first", 0

    def get_secret_value(self, SecretId: str) -> dict:
        self.reads += 1
        return {"SecretString": self.value}


def test_the_secret_is_read_once_then_again_after_its_time_to_live() -> None:
    client, clock = SecretsManager(), [1000.0]
    secret_id = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ttl-test-AbCdEf"

    def read() -> bytes:
        return secrets.secret_bytes(secret_id, client=client, now=lambda: clock[0])

    assert read() == b"first"
    client.value = "rotated"
    clock[0] += secrets.SECRET_TTL_SECONDS - 1
    assert (read(), client.reads) == (b"first", 1)
    clock[0] += 1
    assert (read(), client.reads) == (b"rotated", 2)
