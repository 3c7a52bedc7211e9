"""What saving an alert raises when the engine answers an error: a refusal by the alerts
mapping (400) is the server's fault and not retryable; an unreachable engine is."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from opensearchpy import RequestError, TransportError

from archive_search.adapters.alert_index import AlertIndex
from archive_search.errors import EngineUnavailable, IndexRefused

pytestmark = pytest.mark.unit


class FailingClient:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def index(self, **_: Any) -> None:
        raise self.error


def put_with(error: Exception) -> None:
    settings = SimpleNamespace(alerts_alias="a-alerts", index_alias="a")
    index = AlertIndex(SimpleNamespace(client=FailingClient(error), settings=settings))  # type: ignore[arg-type]
    index.put("0" * 32, {"name": "Ferry"})


def test_an_alert_the_mapping_refuses_is_an_index_refusal_naming_the_fix() -> None:
    with pytest.raises(IndexRefused, match=r"alerts index refused it .*mapper_parsing_exception.*bootstrap"):
        put_with(RequestError(400, "mapper_parsing_exception", {}))


def test_an_engine_failing_with_a_5xx_is_unavailable() -> None:
    with pytest.raises(EngineUnavailable):
        put_with(TransportError(503, "unavailable", {}))
