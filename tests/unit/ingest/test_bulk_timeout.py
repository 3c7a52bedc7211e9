"""SearchEngine.bulk caps each request's timeout by the time its caller has left, so a slow
domain fails the write cleanly instead of running into the Lambda's timeout (no network)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive_search.adapters.opensearch import CLIENT_TIMEOUT_S, SearchEngine
from archive_search.errors import EngineUnavailable
from archive_search.settings import Settings


class Client:
    """Records each bulk request's timeout; answers every item 201."""

    class transport:  # the attribute path opensearch-py has
        class serializer:
            dumps = staticmethod(json.dumps)

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def bulk(self, body: bytes, index: str, params: dict[str, str], request_timeout: float) -> dict[str, Any]:
        self.timeouts.append(request_timeout)
        return {"items": [{"index": {"status": 201}} for _ in body.splitlines()[::2]]}


def operations(count: int, size: int = 10) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for i in range(count):
        ops += [{"index": {"_id": str(i)}}, {"body": "x" * size}]
    return ops


def engine(client: Client, **settings: Any) -> SearchEngine:
    values = {"opensearch_url": "http://localhost:9200", "opensearch_auth": "none", "aws_region": "eu-west-1"}
    return SearchEngine(client, Settings(**values, **settings))  # type: ignore[arg-type]


def test_a_request_may_take_the_time_left_but_never_more_than_the_client_timeout() -> None:
    client = Client()
    engine(client).bulk(operations(2), time_left_s=lambda: 4.5)
    engine(client).bulk(operations(2), time_left_s=lambda: 500.0)
    engine(client).bulk(operations(2))
    assert client.timeouts == [4.5, CLIENT_TIMEOUT_S, CLIENT_TIMEOUT_S]


def test_each_request_of_a_split_bulk_gets_the_time_left_when_it_starts() -> None:
    client = Client()
    left = iter([8.0, 3.0])
    results = engine(client, max_bulk_bytes=100).bulk(operations(2, size=60), time_left_s=lambda: next(left))
    assert client.timeouts == [8.0, 3.0] and [r["status"] for r in results] == [201, 201]


def test_no_request_is_sent_with_too_little_time_left() -> None:
    client = Client()
    with pytest.raises(EngineUnavailable, match="no time left"):
        engine(client).bulk(operations(1), time_left_s=lambda: 0.1)
    assert client.timeouts == []
