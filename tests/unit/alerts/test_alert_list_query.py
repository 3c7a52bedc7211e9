"""The query GET /alerts (and ingest's reading of every alert) sends: sorted on fields the alerts
mapping has, never on _id, which recent OpenSearch refuses to sort on by default
(indices.id_field_data.enabled is false)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from archive_search.adapters.alert_index import AlertIndex
from archive_search.index_schema import ALERT_MAPPINGS

pytestmark = pytest.mark.unit


class RecordingClient:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def search(self, *, index: str, body: dict[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        return {"hits": {"hits": []}}


def sent_sort() -> list[Any]:
    client = RecordingClient()
    settings = SimpleNamespace(alerts_alias="a-alerts", index_alias="a")
    AlertIndex(SimpleNamespace(client=client, settings=settings)).all(10, offset=20)  # type: ignore[arg-type]
    (body,) = client.bodies
    assert (body["from"], body["size"]) == (20, 10)
    return body["sort"]


def test_alerts_are_listed_oldest_first_then_by_a_keyword_the_mapping_has_never_by_id() -> None:
    sort = sent_sort()
    fields = [next(iter(clause)) for clause in sort]

    assert "_id" not in fields
    assert fields[0] == "created_at"
    assert [ALERT_MAPPINGS["properties"][field]["type"] for field in fields] == ["date", "keyword"]
    # An index not yet given the field sorts all the same (no "No mapping found" error).
    assert sort[-1][fields[-1]].get("unmapped_type") == "keyword"
