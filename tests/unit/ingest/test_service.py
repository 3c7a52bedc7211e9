"""IngestService decisions with in-memory collaborators (no network)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from archive_search.errors import EngineUnavailable, NotFound, RejectedInput
from archive_search.ingest.events import ObjectEvent, is_not_older
from archive_search.ingest.service import IngestService, Message
from archive_search.model import Article, ObjectRef, document_id, receipt_id
from archive_search.settings import Settings
from tests.ingest_support import s3_notification

pytestmark = pytest.mark.unit

SETTINGS = Settings.from_env({"OPENSEARCH_URL": "http://engine.invalid:9200", "INDEX_ALIAS": "articles"})


@dataclass
class Stored:
    data: bytes
    etag: str = "etag"
    content_type: str | None = None
    content_encoding: str | None = None


class MemoryStore:
    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects

    def read(self, ref: ObjectRef, *, max_bytes: int) -> Stored:
        if ref.key not in self.objects:
            raise NotFound(ref.key)
        if len(self.objects[ref.key]) > max_bytes:
            raise RejectedInput("too_large", "too large")
        return Stored(self.objects[ref.key])


class MemoryEngine:
    """Just enough of SearchEngine: external_gte versions, scripted per-item statuses for
    article documents (receipts are always accepted)."""

    def __init__(self, item_statuses: list[int] | None = None, down: bool = False) -> None:
        self.docs: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self.item_statuses = list(item_statuses or [])
        self.down = down
        self.bulk_calls = 0

    def ensure_index(self, alias: str | None = None, body: Any = None) -> str:
        if self.down:
            raise EngineUnavailable("down")
        return alias or "articles"

    def search(self, body: dict[str, Any], *, index: str | None = None) -> dict[str, Any]:
        """Finds nothing: copies and leftovers are searched for against the engine in integration."""
        return {"hits": {"hits": []}}

    def mget(self, ids: list[str], *, index: str | None = None) -> dict[str, dict[str, Any]]:
        found = {}
        for doc_id in ids:
            if (index or "articles", doc_id) in self.docs:
                version, source = self.docs[(index or "articles", doc_id)]
                found[doc_id] = {"_id": doc_id, "_version": version, "_source": source}
        return found

    def bulk(
        self,
        operations: list[dict[str, Any]],
        *,
        index: str,
        require_alias: bool = True,
        time_left_s: Any = None,
    ) -> list[dict[str, Any]]:
        self.bulk_calls += 1
        if self.down:
            raise EngineUnavailable("down")
        results = []
        for action, source in zip(operations[::2], operations[1::2], strict=True):
            meta = action["index"]
            scripted = self.item_statuses and index == "articles"
            status = self.item_statuses.pop(0) if scripted else 201
            current = self.docs.get((index, meta["_id"]))
            if status == 201 and current and current[0] > meta["version"]:
                status = 409
            if status == 201:
                self.docs[(index, meta["_id"])] = (meta["version"], source)
            results.append(
                {"status": status, "error": {"type": "x", "reason": "y"}}
                if status >= 300
                else {"status": 201}
            )
        return results


def clean_text(data: bytes, key: str, **_: Any) -> list[Article]:
    if not data.strip():
        raise RejectedInput("empty", "the file is empty")
    return [Article(title=part.split("\n")[0], body=part) for part in data.decode().split("=====")]


def service(store: MemoryStore, engine: MemoryEngine, **kwargs: Any) -> IngestService:
    return IngestService(store, engine, SETTINGS, clean=clean_text, sleep=lambda _: None, **kwargs)


def message(key: str, sequencer: str, removed: bool = False, message_id: str | None = None) -> Message:
    return Message(
        message_id or f"{key}-{sequencer}",
        s3_notification(key, bucket="b", sequencer=sequencer, removed=removed),
    )


def live(engine: MemoryEngine) -> dict[str, str]:
    return {
        s["key"] + f"#{s['ordinal']}": s.get("title")
        for (i, _), (_, s) in engine.docs.items()
        if i == "articles" and not s["deleted"]
    }


def test_engine_down_fails_every_record_and_writes_nothing():
    engine = MemoryEngine(down=True)
    result = service(MemoryStore({"a.txt": b"A\nbody"}), engine).process(
        [message("a.txt", "01")], lambda: 60_000
    )
    assert result.failed_ids == ["a.txt-01"]
    assert engine.docs == {}


def test_transient_item_errors_are_retried_then_succeed():
    engine = MemoryEngine(item_statuses=[429, 503])
    store = MemoryStore({"a.txt": b"A\nbody", "b.txt": b"B\nbody"})
    result = service(store, engine).process([message("a.txt", "01"), message("b.txt", "01")], lambda: 60_000)
    assert result.failed == {}
    assert live(engine) == {"a.txt#0": "A", "b.txt#0": "B"}


def test_retries_stop_when_the_lambda_is_out_of_time_and_only_those_records_fail():
    engine = MemoryEngine(item_statuses=[201] + [429] * 100)
    store = MemoryStore({"a.txt": b"A\nbody", "b.txt": b"B\nbody"})
    # After the first request 400 ms are left past the reserve: enough for a request (the
    # receipts), not for a backoff of 0.5-1 s before b's retry.
    result = service(store, engine, base_delay=1.0).process(
        [message("a.txt", "01"), message("b.txt", "01")], lambda: 60_000 if engine.bulk_calls == 0 else 2_400
    )
    assert result.failed_ids == ["b.txt-01"]
    assert engine.bulk_calls <= 5


def test_superseded_events_in_one_batch_are_acknowledged_and_the_newest_is_applied():
    engine = MemoryEngine()
    store = MemoryStore({})  # the object is gone: the newest event is the delete
    result = service(store, engine).process(
        [message("a.txt", "05", removed=True), message("a.txt", "03")], lambda: 60_000
    )
    assert result.failed == {}
    assert result.outcomes == {ObjectRef("b", "a.txt"): "deleted"}


def test_a_put_whose_object_is_already_gone_tombstones_the_key():
    engine = MemoryEngine()
    engine.docs[("articles", document_id(ObjectRef("b", "a.txt"), 0))] = (
        1,
        {"key": "a.txt", "ordinal": 0, "deleted": False},
    )
    result = service(MemoryStore({}), engine).process([message("a.txt", "02")], lambda: 60_000)
    assert result.outcomes == {ObjectRef("b", "a.txt"): "deleted"}
    assert live(engine) == {}


def test_a_rejected_overwrite_tombstones_the_documents_of_the_earlier_content():
    store, engine = MemoryStore({"a.txt": b"A\nbody"}), MemoryEngine()
    svc = service(store, engine)
    svc.process([message("a.txt", "01")], lambda: 60_000)
    store.objects["a.txt"] = b"   "
    result = svc.process([message("a.txt", "02")], lambda: 60_000)
    assert result.outcomes == {ObjectRef("b", "a.txt"): "rejected"}
    assert live(engine) == {}


def test_a_receipt_with_a_newer_sequencer_makes_the_event_stale_even_when_versions_tie():
    event = ObjectEvent(ObjectRef("b", "k"), "created", "ObjectCreated:Put", "2024-01-01T00:00:00Z", 7, "0A0")
    assert is_not_older(event, 7, "0A0")
    assert not is_not_older(event, 7, "0A1")
    assert is_not_older(event, 7, "09F")
    assert not is_not_older(ObjectEvent(event.ref, "created", "x", "t", 6), 7, None)


class SlowReceiptsEngine(MemoryEngine):
    """Receipt writes answer 429 after taking their whole timeout (at most 10 s) on a fake
    clock; records when each one started and ended, and the receipts' updated_at."""

    def __init__(self) -> None:
        super().__init__()
        self.elapsed_ms = 0
        self.receipt_requests: list[tuple[int, int, set[str]]] = []

    def bulk(self, operations, *, index, require_alias=True, time_left_s=None):  # type: ignore[no-untyped-def]
        if index == "articles":
            return super().bulk(operations, index=index, require_alias=require_alias)
        took = min(10_000, int(time_left_s() * 1000))
        stamps = {source["updated_at"] for source in operations[1::2]}
        self.receipt_requests.append((self.elapsed_ms, self.elapsed_ms + took, stamps))
        self.elapsed_ms += took
        return [{"status": 429, "error": {"type": "es_rejected_execution_exception"}}] * len(stamps)


def test_a_receipt_is_never_written_after_the_margin_oldest_first_followers_wait(monkeypatch):
    # A follower of GET /ingest/status?order=oldest reads receipts updated FOLLOW_MARGIN_S ago:
    # a receipt landing later than that behind its updated_at could fall behind its cursor.
    from datetime import UTC, datetime, timedelta

    from archive_search.ingest import service as service_module
    from archive_search.ingest.receipts import FOLLOW_MARGIN_S

    engine = SlowReceiptsEngine()
    started = datetime(2026, 12, 7, tzinfo=UTC)

    def now() -> str:
        return (started + timedelta(milliseconds=engine.elapsed_ms)).isoformat()

    monkeypatch.setattr(service_module, "_now", now)
    result = service(MemoryStore({"a.txt": b"A\nbody"}), engine).process(
        [message("a.txt", "01")], lambda: 120_000 - engine.elapsed_ms
    )

    assert result.failed_ids == ["a.txt-01"]  # SQS delivers it again, with a fresh updated_at
    assert engine.receipt_requests
    for _, ended_ms, stamps in engine.receipt_requests:
        (stamp,) = stamps
        written = started + timedelta(milliseconds=ended_ms)
        assert written <= datetime.fromisoformat(stamp) + timedelta(seconds=FOLLOW_MARGIN_S)


class BlindReceipts(MemoryEngine):
    """Receipt reads find nothing while ``blind`` (another Lambda's receipt not read in time)."""

    blind = False

    def mget(self, ids, *, index=None):  # type: ignore[no-untyped-def]
        if self.blind and index == SETTINGS.receipts_alias:
            return {}
        return super().mget(ids, index=index)


def test_a_late_copy_of_an_event_never_withdraws_articles_a_newer_receipt_relies_on():
    # v2 put the same bytes again (unchanged: its receipt points at v1's documents); a copy of
    # v1 delivered late, which missed v2's receipt, loses the race to the receipt.
    engine = BlindReceipts()
    svc = service(MemoryStore({"a.txt": b"A\nbody"}), engine)
    svc.process([message("a.txt", "01")], lambda: 60_000)
    svc.process([message("a.txt", "02")], lambda: 60_000)
    engine.blind = True

    svc.process([message("a.txt", "01", message_id="copy")], lambda: 60_000)

    assert live(engine) == {"a.txt#0": "A"}


@pytest.mark.parametrize("event_time_order", [False, True])
def test_a_redelivered_event_leaves_its_receipt_as_it_was(event_time_order):
    settings = Settings.from_env(
        {
            "OPENSEARCH_URL": "http://engine.invalid:9200",
            "INDEX_ALIAS": "articles",
            "EVENT_ORDER": "event-time" if event_time_order else "sequencer",
        }
    )

    class EventsEtag(MemoryStore):  # the object's ETag, as its S3 event names it
        def read(self, ref: ObjectRef, *, max_bytes: int) -> Stored:
            return Stored(self.objects[ref.key], etag="d41d8cd98f00b204e9800998ecf8427e")

    engine, heard = MemoryEngine(), []
    ingest = IngestService(
        EventsEtag({"a.txt": b"A\nbody"}),
        engine,
        settings,
        clean=clean_text,
        announce=lambda outcomes, _: heard.extend(o.receipt["outcome"] for o in outcomes),
    )
    body = s3_notification("a.txt", bucket="b", sequencer=None if event_time_order else "01")
    ingest.process([Message("m-1", body)], lambda: 60_000)
    first = engine.docs[(settings.receipts_alias, receipt_id(ObjectRef("b", "a.txt")))]

    result = ingest.process([Message("m-2", body)], lambda: 60_000)  # SQS delivers it again

    assert result.failed_ids == []
    assert engine.docs[(settings.receipts_alias, receipt_id(ObjectRef("b", "a.txt")))] == first
    assert heard == ["indexed"]  # no second event


def test_the_same_bytes_re_cleaned_by_a_newer_cleaner_keep_each_unchanged_article_s_time(monkeypatch):
    monkeypatch.setattr("archive_search.ingest.service._now", lambda: "2026-01-01T00:00:00.000Z")
    engine = MemoryEngine()
    store = MemoryStore({"a.txt": b"A\nbody=====B\nbody"})
    service(store, engine, cleaner_version=lambda _: "1.0").process([message("a.txt", "01")], lambda: 60_000)
    first = {i: s["ingested_at"] for (_, i), (_, s) in engine.docs.items() if "ordinal" in s}
    a, b = document_id(ObjectRef("b", "a.txt"), 0), document_id(ObjectRef("b", "a.txt"), 1)

    def cleaner_2(data: bytes, key: str, **_: Any) -> list[Article]:  # B cleaned differently now
        return [Article(title="A", body="A\nbody"), Article(title="B", body="B\nbody, cleaned")]

    newer = IngestService(
        store, engine, SETTINGS, clean=cleaner_2, cleaner_version=lambda _: "2.0", sleep=lambda _: None
    )
    monkeypatch.setattr("archive_search.ingest.service._now", lambda: "2026-01-02T00:00:00.000Z")
    result = newer.process([message("a.txt", "02")], lambda: 60_000)
    assert result.failed == {}
    docs = {i: s for (_, i), (_, s) in engine.docs.items() if "ordinal" in s}
    assert first == {a: "2026-01-01T00:00:00.000Z", b: "2026-01-01T00:00:00.000Z"}
    assert docs[a]["cleaner_version"] == "2.0" and docs[a]["ingested_at"] == first[a]
    assert docs[b]["ingested_at"] == "2026-01-02T00:00:00.000Z"
