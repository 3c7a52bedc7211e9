"""AlertStore with an Idempotency-Key, on an in-memory store: two requests racing on one key."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search.alerts.model import AlertRequest
from archive_search.alerts.signing import webhook_secret
from archive_search.alerts.store import AlertStore
from archive_search.errors import ConfigurationError, Conflict, NotFound

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
    """Alert documents in a dict; a document's version is the id of the dict it is."""

    def __init__(self, saved: dict[str, dict[str, Any]]) -> None:
        self.saved = saved

    def get_versioned(self, alert_id: str) -> tuple[dict[str, Any], tuple[int, int]]:
        document = self.get(alert_id)
        return dict(document), (id(document), 1)

    def put(
        self,
        alert_id: str,
        document: dict[str, Any],
        *,
        create: bool = False,
        version: tuple[int, int] | None = None,
    ) -> None:
        if version is not None and (alert_id not in self.saved or id(self.saved[alert_id]) != version[0]):
            raise Conflict(f"alert {alert_id} was saved by another request")
        self.saved[alert_id] = document


class _Meanwhile(_Plain):
    """Runs ``meanwhile`` (another request) between a rotation's read and its save."""

    def __init__(self, saved: dict[str, dict[str, Any]], meanwhile: Any) -> None:
        super().__init__(saved)
        self.meanwhile = meanwhile

    def get_versioned(self, alert_id: str) -> tuple[dict[str, Any], tuple[int, int]]:
        read = super().get_versioned(alert_id)
        meanwhile, self.meanwhile = self.meanwhile, None
        if meanwhile:
            meanwhile()
        return read


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


STACK = b"stack-secret"
HOOK = AlertRequest.model_validate(
    {"name": "Ferry hook", "q": "ferry", "target": "webhook", "webhook_url": "https://hooks.example/a"}
)


def _store(saved: dict[str, dict[str, Any]]) -> AlertStore:
    return AlertStore(_Plain(saved), stack_secret=lambda: STACK)


def test_a_webhook_alerts_secret_is_in_its_create_answer_only_and_derived_not_stored() -> None:
    saved: dict[str, dict[str, Any]] = {}
    created = _store(saved).create(HOOK)

    assert created["webhook_secret"] == webhook_secret(STACK, created["id"], 0)
    assert "webhook_secret" not in _store(saved).get(created["id"])
    assert created["webhook_secret"] not in repr(saved) and saved[created["id"]]["webhook_generation"] == 0


def test_an_event_alert_has_no_secret_and_needs_no_stack_secret() -> None:
    created = AlertStore(_Plain({})).create(FERRY)
    assert "webhook_secret" not in created


def test_a_webhook_alert_is_not_saved_when_its_secret_cannot_be_read() -> None:
    def unreadable() -> bytes:
        raise ConfigurationError("WEBHOOK_SECRET_ID must name ...")

    saved: dict[str, dict[str, Any]] = {}
    with pytest.raises(ConfigurationError):
        AlertStore(_Plain(saved), stack_secret=unreadable).create(HOOK)
    assert saved == {}


def test_rotation_bumps_the_generation_and_answers_the_new_secret() -> None:
    saved: dict[str, dict[str, Any]] = {}
    created = _store(saved).create(HOOK, "hook-1")

    rotated = _store(saved).rotate_webhook_secret(created["id"])

    assert rotated["webhook_secret"] == webhook_secret(STACK, created["id"], 1) != created["webhook_secret"]
    assert saved[created["id"]]["webhook_generation"] == 1
    assert saved[created["id"]]["webhook_rotated_at"] < rotated["previous_secret_until"]
    # A retry of the create shows the alert's secret now.
    assert _store(saved).create(HOOK, "hook-1")["webhook_secret"] == rotated["webhook_secret"]


def test_an_alert_saved_before_per_alert_secrets_rotates_from_generation_0() -> None:
    saved: dict[str, dict[str, Any]] = {}
    alert_id = _store(saved).create(HOOK)["id"]
    del saved[alert_id]["webhook_generation"]
    assert _store(saved).rotate_webhook_secret(alert_id)["webhook_secret"] == webhook_secret(
        STACK, alert_id, 1
    )


def test_rotating_an_alert_that_is_not_a_webhook_is_a_conflict_naming_target() -> None:
    saved: dict[str, dict[str, Any]] = {}
    alert_id = _store(saved).create(FERRY)["id"]
    with pytest.raises(Conflict) as refused:
        _store(saved).rotate_webhook_secret(alert_id)
    assert refused.value.parameter == "target" and "webhook_generation" not in saved[alert_id]


def test_an_alert_deleted_while_its_secret_is_rotated_stays_deleted() -> None:
    saved: dict[str, dict[str, Any]] = {}
    alert_id = _store(saved).create(HOOK)["id"]
    racing = AlertStore(_Meanwhile(saved, lambda: saved.pop(alert_id)), stack_secret=lambda: STACK)

    with pytest.raises(NotFound):
        racing.rotate_webhook_secret(alert_id)
    assert saved == {}


def test_two_rotations_at_once_answer_the_same_new_secret() -> None:
    saved: dict[str, dict[str, Any]] = {}
    alert_id = _store(saved).create(HOOK)["id"]
    theirs: list[dict[str, Any]] = []
    racing = AlertStore(
        _Meanwhile(saved, lambda: theirs.append(_store(saved).rotate_webhook_secret(alert_id))),
        stack_secret=lambda: STACK,
    )

    mine = racing.rotate_webhook_secret(alert_id)

    assert mine == theirs[0] and saved[alert_id]["webhook_generation"] == 1
