"""GET /ingest/status?key= says whether the upload's event still waits in the events outbox
(ingest/outbox.py): one ids query on the outbox alias, the event id rebuilt from the receipt
as ingest built it."""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import NotFoundError

from archive_search.errors import EngineUnavailable, IndexMissing
from archive_search.ingest import outcomes, status_api
from archive_search.model import ObjectRef
from archive_search.settings import Settings

pytestmark = pytest.mark.unit

RECEIPT = {
    "bucket": "archive",
    "key": "inbox/ferry.txt",
    "outcome": "indexed",
    "event_version": 3,
    "sequencer": "0055AED6DCD90281E5",
    "content_sha256": "ab" * 32,
    "document_ids": ["d1"],
}


class Engine:
    def __init__(self, stored: set[str] | None, cause: Exception | None = None) -> None:
        self.stored = stored  # None: the outbox cannot be read, for ``cause``
        self.cause = cause
        self.searches: list[tuple[dict[str, Any], str | None]] = []

    def search(self, body: dict[str, Any], *, index: str | None = None) -> dict[str, Any]:
        self.searches.append((body, index))
        if self.stored is None:  # as the adapter tells a missing index from other failures
            error = IndexMissing if isinstance(self.cause, NotFoundError) else EngineUnavailable
            raise error("the outbox cannot be read") from self.cause
        wanted = set(body["query"]["ids"]["values"])
        return {"hits": {"total": {"value": len(wanted & self.stored)}, "hits": []}}


def answer(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> dict[str, Any]:
    monkeypatch.setattr(status_api, "cached_engine", lambda settings: engine)
    monkeypatch.setattr(status_api.receipts, "get_receipt", lambda engine, alias, ref: dict(RECEIPT))
    settings = Settings(
        "http://127.0.0.1:9", "none", "eu-west-1", outbox_alias="articles-outbox", receipts_alias="r"
    )
    return status_api._one_receipt(settings, ObjectRef("archive", "inbox/ferry.txt"))


def the_event_id() -> str:
    return outcomes.event_id(ObjectRef("archive", "inbox/ferry.txt"), RECEIPT, "indexed")


def test_an_event_still_in_the_outbox_is_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = Engine({the_event_id()})

    assert answer(monkeypatch, engine)["event_pending"] is True
    [(body, index)] = engine.searches
    assert index == "articles-outbox"
    assert body["query"] == {"ids": {"values": [the_event_id()]}}


def test_an_event_the_bus_accepted_is_not_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    assert answer(monkeypatch, Engine({"another-event"}))["event_pending"] is False


def test_an_unreadable_outbox_leaves_it_unknown_not_a_failed_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    found = answer(monkeypatch, Engine(None, ConnectionError("refused")))

    assert found["outcome"] == "indexed" and found["event_pending"] is None


def test_no_outbox_index_means_no_event_ever_waited(monkeypatch: pytest.MonkeyPatch) -> None:
    # No bus configured (or nothing published yet): ingest never created the outbox.
    missing = NotFoundError(404, "index_not_found_exception", {})

    assert answer(monkeypatch, Engine(None, missing))["event_pending"] is False
