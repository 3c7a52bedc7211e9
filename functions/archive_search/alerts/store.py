"""Alerts kept in the engine, under ``<alias>-alerts``: create (bounded), read, list, delete, and
rotate a webhook alert's signing secret (derived from its generation: alerts/signing.py)."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from archive_search.alerts.bounds import MAX_ALERTS
from archive_search.alerts.model import AlertRequest, check_target, public, stored_search
from archive_search.alerts.signing import ROTATION_GRACE_SECONDS, generation_of, webhook_secret
from archive_search.errors import Conflict, InvalidRequest, NotFound

ALERT_ID = re.compile(r"^[0-9a-f]{32}$")


class AlertDocuments(Protocol):
    """What the store needs of the engine (``adapters.alert_index.AlertIndex``)."""

    def ensure(self) -> None: ...
    def put(
        self,
        alert_id: str,
        document: dict[str, Any],
        *,
        create: bool = False,
        version: tuple[int, int] | None = None,
    ) -> None: ...
    def get(self, alert_id: str) -> dict[str, Any]: ...
    def get_versioned(self, alert_id: str) -> tuple[dict[str, Any], tuple[int, int]]: ...
    def delete(self, alert_id: str) -> None: ...
    def count(self) -> int: ...
    def all(self, limit: int, offset: int = 0) -> list[tuple[str, dict[str, Any]]]: ...


class AlertStore:
    def __init__(
        self,
        documents: AlertDocuments,
        *,
        max_alerts: int = MAX_ALERTS,
        stack_secret: Callable[[], bytes] | None = None,
    ) -> None:
        self.documents = documents
        self.max_alerts = max_alerts
        # Read only when a webhook alert's secret is shown: no other route needs it.
        self.stack_secret = stack_secret

    def create(self, request: AlertRequest, idempotency_key: str | None = None) -> dict[str, Any]:
        """Save the alert. With an ``idempotency_key`` its id comes from the key, so a retried
        request finds the alert it saved and returns it; the key with another alert is a
        ``Conflict``. A webhook alert's answer holds its signing secret (``webhook_secret``)."""
        check_target(request)
        search = stored_search(request)
        self.documents.ensure()
        alert_id = _keyed_id(idempotency_key) if idempotency_key else uuid.uuid4().hex
        document: dict[str, Any] = {
            "name": request.name,
            "target": request.target,
            "webhook_url": request.webhook_url,
            "search": search,
            "created_at": _iso(datetime.now(UTC)),
        }
        if request.target == "webhook":
            document["webhook_generation"] = 0
        if idempotency_key:
            saved = self._saved(alert_id, document, idempotency_key)
            if saved is not None:
                return saved
        # Read before saving: an alert must not be saved without its secret being shown.
        created = self._with_secret(alert_id, document)
        if self.documents.count() >= self.max_alerts:
            raise InvalidRequest(
                f"there are already {self.max_alerts} alerts, the most a deployment keeps: delete some first",
                "name",
            )
        try:
            self.documents.put(alert_id, document, create=bool(idempotency_key))
        except Conflict:  # a concurrent retry saved it since the check
            saved = self._saved(alert_id, document, str(idempotency_key))
            if saved is None:
                raise
            return saved
        return created

    def _saved(self, alert_id: str, document: dict[str, Any], idempotency_key: str) -> dict[str, Any] | None:
        """The alert an earlier request with this key saved, when it is this one (else a
        ``Conflict``); ``None`` when there is none."""
        try:
            saved = self.documents.get(alert_id)
        except NotFound:
            return None
        if any(saved.get(field) != document[field] for field in _REQUESTED):
            raise Conflict(
                f"Idempotency-Key {idempotency_key} was used before for another alert; send a new key "
                "for a new alert",
                "Idempotency-Key",
            )
        return self._with_secret(alert_id, saved)

    def rotate_webhook_secret(self, alert_id: str) -> dict[str, Any]:
        """Bump the webhook alert's generation: its new secret signs from now on, the previous
        one too for ``ROTATION_GRACE_SECONDS``. Saved only over the version read: a deletion in
        between stays one (404), and of two rotations at once the second answers the first's."""
        document, version = self.documents.get_versioned(_checked(alert_id))
        if document.get("target") != "webhook":
            raise Conflict(
                f"alert {alert_id} has target {document.get('target')}: only a webhook alert has a "
                "signing secret",
                "target",
            )
        rotated = datetime.now(UTC)
        generation = (generation_of(document.get("webhook_generation")) or 0) + 1
        document = {**document, "webhook_generation": generation, "webhook_rotated_at": _iso(rotated)}
        answer = {
            "id": alert_id,
            "webhook_secret": self._secret(alert_id, generation),
            "previous_secret_until": _iso(rotated + timedelta(seconds=ROTATION_GRACE_SECONDS)),
        }
        try:
            self.documents.put(alert_id, document, version=version)
        except Conflict:
            current = self.documents.get(alert_id)  # NotFound: deleted meanwhile
            if generation_of(current.get("webhook_generation")) != generation:
                raise Conflict(
                    f"alert {alert_id} changed while its secret was rotated: send the rotation again"
                ) from None
            rotated_at = datetime.fromisoformat(str(current["webhook_rotated_at"]))
            answer["previous_secret_until"] = _iso(rotated_at + timedelta(seconds=ROTATION_GRACE_SECONDS))
        return answer

    def _with_secret(self, alert_id: str, document: dict[str, Any]) -> dict[str, Any]:
        shown = public(alert_id, document)
        if document.get("target") != "webhook":
            return shown
        generation = generation_of(document.get("webhook_generation")) or 0
        return {**shown, "webhook_secret": self._secret(alert_id, generation)}

    def _secret(self, alert_id: str, generation: int) -> str:
        if self.stack_secret is None:
            raise RuntimeError(
                "this AlertStore was made without the stack secret webhook secrets derive from"
            )
        return webhook_secret(self.stack_secret(), alert_id, generation)

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


# What a request states; an alert saved by the same request holds the same (created_at aside).
_REQUESTED = ("name", "target", "webhook_url", "search")


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _keyed_id(idempotency_key: str) -> str:
    # Ids are 32 hex characters either way (``ALERT_ID``).
    return hashlib.blake2b(f"alert\x00{idempotency_key}".encode(), digest_size=16).hexdigest()


def _checked(alert_id: str) -> str:
    # Ids are ours (uuid4 hex): anything else cannot exist, and is never sent to the engine.
    if not ALERT_ID.match(alert_id):
        raise NotFound(f"no alert with id {alert_id!r}")
    return alert_id
