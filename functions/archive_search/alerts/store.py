"""Alerts kept in the engine, under ``<alias>-alerts``: create (bounded), read, list, delete."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from archive_search.alerts.bounds import MAX_ALERTS
from archive_search.alerts.model import AlertRequest, check_target, public, stored_search
from archive_search.errors import InvalidRequest, NotFound

ALERT_ID = re.compile(r"^[0-9a-f]{32}$")


class AlertDocuments(Protocol):
    """What the store needs of the engine (``adapters.alert_index.AlertIndex``)."""

    def ensure(self) -> None: ...
    def put(self, alert_id: str, document: dict[str, Any]) -> None: ...
    def get(self, alert_id: str) -> dict[str, Any]: ...
    def delete(self, alert_id: str) -> None: ...
    def count(self) -> int: ...
    def all(self, limit: int, offset: int = 0) -> list[tuple[str, dict[str, Any]]]: ...


class AlertStore:
    def __init__(self, documents: AlertDocuments, *, max_alerts: int = MAX_ALERTS) -> None:
        self.documents = documents
        self.max_alerts = max_alerts

    def create(self, request: AlertRequest) -> dict[str, Any]:
        check_target(request)
        search = stored_search(request)
        self.documents.ensure()
        if self.documents.count() >= self.max_alerts:
            raise InvalidRequest(
                f"there are already {self.max_alerts} alerts, the most a deployment keeps: delete some first",
                "name",
            )
        alert_id = uuid.uuid4().hex
        document: dict[str, Any] = {
            "name": request.name,
            "target": request.target,
            "webhook_url": request.webhook_url,
            "search": search,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        self.documents.put(alert_id, document)
        return public(alert_id, document)

    def get(self, alert_id: str) -> dict[str, Any]:
        return public(_checked(alert_id), self.documents.get(alert_id))

    def page(self, page: int, size: int) -> dict[str, Any]:
        """One page of the alerts, oldest first, and how many there are (a page past the most
        alerts there can be is empty: never a request past the engine's result window)."""
        offset = (page - 1) * size
        found = self.documents.all(size, offset=offset) if offset < self.max_alerts else []
        return {"total": self.documents.count(), "alerts": [public(alert_id, doc) for alert_id, doc in found]}

    def delete(self, alert_id: str) -> None:
        self.documents.delete(_checked(alert_id))


def _checked(alert_id: str) -> str:
    # Ids are ours (uuid4 hex): anything else cannot exist, and is never sent to the engine.
    if not ALERT_ID.match(alert_id):
        raise NotFound(f"no alert with id {alert_id!r}")
    return alert_id
