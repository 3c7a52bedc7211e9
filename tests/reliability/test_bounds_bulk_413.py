"""An engine whose HTTP request cap is below MAX_BULK_BYTES answers 413 (which osmem never
does): the request is split until it fits, and a document that fits no request is refused
once, never retried."""

from __future__ import annotations

import gzip
from dataclasses import replace

import pytest

from archive_search.adapters.opensearch import SearchEngine, build_client
from tests.reliability.stubs import ForwardingEngine

pytestmark = pytest.mark.reliability


class CappedEngine(ForwardingEngine):
    """Forwards every request to ``upstream`` but answers 413 to a body over ``cap`` bytes."""

    def __init__(self, upstream: str, cap: int) -> None:
        super().__init__(upstream)
        self.cap = cap
        self.refused: list[int] = []
        self.forwarded_bulks: list[int] = []

    def answer(self, command: str, path: str, body: bytes, encoding: str | None) -> tuple[int, bytes] | None:
        plain = gzip.decompress(body) if encoding == "gzip" else body
        if len(plain) > self.cap:
            self.refused.append(len(plain))
            return 413, b'{"error":"request too large"}'
        if path.endswith("/_bulk"):
            self.forwarded_bulks.append(len(plain))
        return None


def operations(sizes: list[int]) -> list[dict[str, object]]:
    ops: list[dict[str, object]] = []
    for i, size in enumerate(sizes):
        ops += [{"index": {"_id": f"doc-{i}"}}, {"title": f"Doc {i}", "body": "x" * size, "deleted": False}]
    return ops


def test_a_413_splits_the_request_and_a_document_no_request_can_carry_is_refused_once(settings):
    real = SearchEngine(build_client(settings), settings)
    real.ensure_index()
    with CappedEngine(settings.opensearch_url, cap=20_000) as capped:
        capped_settings = replace(settings, opensearch_url=capped.url)
        engine = SearchEngine(build_client(capped_settings), capped_settings)

        results = engine.bulk(operations([3_000] * 10 + [25_000]))

    statuses = [r["status"] for r in results]
    assert statuses[:10] == [201] * 10
    assert statuses[10] == 413 and results[10]["error"]["type"] == "document_too_large"
    assert capped.refused and max(capped.forwarded_bulks) <= 20_000
    real.refresh()
    assert real.client.count(index=settings.index_alias)["count"] == 10
