"""SigV4 credentials for the engine client: botocore's default chain, read from the
environment first (as Lambda provides them) without building a botocore session, and static
keys without botocore's credential providers, with the values botocore would read."""

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


_ENVIRONMENTS = {
    "keys": {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"},
    "keys and session token": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_SESSION_TOKEN": "session",
    },
    "both token variables": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_SESSION_TOKEN": "session",
        "AWS_SECURITY_TOKEN": "security",
    },
    "an empty token": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_SESSION_TOKEN": "",
    },
    "keys with an expiry": {
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_SESSION_TOKEN": "session",
        "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
    },
}


@pytest.mark.parametrize("environment", _ENVIRONMENTS.values(), ids=_ENVIRONMENTS.keys())
def test_environment_keys_are_read_as_botocore_reads_them(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    from botocore.credentials import EnvProvider

    for name in (*_CHAIN, "AWS_CREDENTIAL_EXPIRATION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    ours = _aws_credentials().get_frozen_credentials()
    botocores = EnvProvider(environ=dict(environment)).load().get_frozen_credentials()
    assert (ours.access_key, ours.secret_key, ours.token) == (
        botocores.access_key,
        botocores.secret_key,
        botocores.token,
    )


def test_keys_with_an_expiry_are_botocores_refreshable_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.credentials import RefreshableCredentials

    for name, value in _ENVIRONMENTS["keys with an expiry"].items():
        monkeypatch.setenv(name, value)
    assert isinstance(_aws_credentials(), RefreshableCredentials)


def test_a_key_without_its_secret_is_refused_as_botocore_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import PartialCredentialsError

    for name in _CHAIN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    with pytest.raises(PartialCredentialsError):
        _aws_credentials()
