"""SigV4 credentials for the engine client: botocore's default chain, read from the
environment first (as Lambda provides them) without building a botocore session."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_search.adapters.opensearch import _aws_credentials

pytestmark = pytest.mark.unit

_CHAIN = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
)


def test_the_function_role_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _CHAIN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    frozen = _aws_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("AKIDENV", "env-secret", "env-token")


def test_without_them_the_rest_of_the_chain_answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _CHAIN:
        monkeypatch.delenv(name, raising=False)
    shared = tmp_path / "credentials"
    shared.write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    frozen = _aws_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key) == ("AKIDFILE", "file-secret")
