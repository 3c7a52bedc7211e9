"""AlertStore with an Idempotency-Key, on an in-memory store: two requests racing on one key."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search.alerts.model import AlertRequest
from archive_search.alerts.store import AlertStore
from archive_search.errors import Conflict, NotFound

pytestmark = pytest.mark.unit


class RacedDocuments:
    """Alert documents where another request saves ``theirs`` between our check and our put."""

    def __init__(self, theirs: AlertRequest) -> None:
        self.saved: dict[str, dict[str, Any]] = {}
        self.theirs = theirs

    def ensure(self) -> None: ...

    def get(self, alert_id: str) -> dict[str, Any]:
        if alert_id not in self.saved:
            raise NotFound(alert_id)
        return self.saved[alert_id]

    def put(self, alert_id: str, document: dict[str, Any], *, create: bool = False) -> None:
        other = AlertStore(_Plain(self.saved)).create(self.theirs)
        self.saved[alert_id] = {**self.saved.pop(other["id"]), "created_at": "2026-12-07T00:00:00.000Z"}
        if create:
            raise Conflict("taken")
        self.saved[alert_id] = document

    def delete(self, alert_id: str) -> None: ...

    def count(self) -> int:
        return len(self.saved)

    def all(self, limit: int, offset: int = 0) -> list[tuple[str, dict[str, Any]]]:
        return list(self.saved.items())[offset : offset + limit]


class _Plain(RacedDocuments):
    def __init__(self, saved: dict[str, dict[str, Any]]) -> None:
        self.saved = saved

    def put(self, alert_id: str, document: dict[str, Any], *, create: bool = False) -> None:
        self.saved[alert_id] = document


FERRY = AlertRequest.model_validate({"name": "Ferry strikes", "q": "ferry strike"})


def test_a_request_raced_by_its_own_retry_returns_the_alert_the_retry_saved() -> None:
    documents = RacedDocuments(theirs=FERRY)

    alert = AlertStore(documents).create(FERRY, "alert-1")

    assert documents.count() == 1 and alert["created_at"] == "2026-12-07T00:00:00.000Z"


def test_a_request_raced_by_another_alert_with_its_key_is_a_conflict_naming_the_key() -> None:
    documents = RacedDocuments(theirs=AlertRequest.model_validate({"name": "Other", "q": "tram"}))

    with pytest.raises(Conflict) as refused:
        AlertStore(documents).create(FERRY, "alert-1")

    assert refused.value.parameter == "Idempotency-Key" and documents.count() == 1
