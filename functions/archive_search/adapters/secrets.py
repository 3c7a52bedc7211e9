"""Secrets Manager adapter: the relay's webhook signing secret."""

from __future__ import annotations

from functools import lru_cache

import boto3


@lru_cache(maxsize=1)
def cached_secrets_client():  # type: ignore[no-untyped-def]
    return boto3.client("secretsmanager")


@lru_cache(maxsize=4)
def secret_bytes(secret_id: str) -> bytes:
    """The secret's string value, read once per execution environment: a rotated secret signs
    from the next cold start on (receivers accept both values meanwhile, docs/alerts.md)."""
    return cached_secrets_client().get_secret_value(SecretId=secret_id)["SecretString"].encode()
