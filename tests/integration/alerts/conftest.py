"""The alert routes driven through the real search handler with API Gateway (v2) events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from archive_local.events import WEBHOOK_SECRET_NAME, provision_webhook_secret
from archive_local.lambda_events import http_api_event
from archive_search.adapters import secrets
from archive_search.alerts.routes import _store
from archive_search.settings import Settings
from tests.integration.events.conftest import events_rig as events_rig  # the ingest rig with a bus
from tests.integration.search.support import ApiResponse, SearchApi, invoke

# The stack secret webhook alerts' own secrets derive from, in moto's Secrets Manager.
STACK_SECRET = "alerts-api-stack-secret"


class AlertsApi(SearchApi):
    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        authorizer: dict[str, Any] | None = None,
    ) -> ApiResponse:
        """``authorizer``: ``requestContext.authorizer`` as API Gateway sets it (none: ``make run``)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {**({"content-type": content_type} if data is not None else {}), **(headers or {})}
        path, _, query = path.partition("?")
        event = http_api_event(method, path, query, headers=headers, body=data)
        if authorizer is not None:
            event["requestContext"]["authorizer"] = authorizer
        result = invoke(self.env, event)
        return ApiResponse(result["statusCode"], dict(result.get("headers") or {}), result.get("body") or "")

    def drop(self) -> None:
        super().drop()
        for name in self.engine.alias_targets(self.settings.alerts_alias):
            self.engine.client.indices.delete(index=name)


def _fresh_secrets() -> None:
    secrets.cached_secrets_client.cache_clear()
    secrets._values.clear()


@pytest.fixture
def alerts_api(
    settings: Settings, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AlertsApi]:
    # As template.yaml gives the write function: WEBHOOK_SECRET_ID names the secret, read at run time.
    monkeypatch.setenv("WEBHOOK_SECRET_ID", WEBHOOK_SECRET_NAME)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    provision_webhook_secret(moto_endpoint, "us-east-1", {"LOCAL_WEBHOOK_SECRET": STACK_SECRET})
    api = AlertsApi(settings)
    region = {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    api.env = {**api.env, "AWS_ENDPOINT_URL": moto_endpoint, **region}
    api.create_index()
    _store.cache_clear()
    _fresh_secrets()
    yield api
    api.drop()
    _store.cache_clear()
    _fresh_secrets()
