"""The events outbox without a network: the service stores events before the receipts, the
outbox publisher deletes what the bus accepted, the republisher's bounds, and the scheduled
invocation of the ingest handler. The same paths against moto and the engine:
tests/integration/events/test_outbox.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from archive_search.ingest import batch
from archive_search.ingest.outbox import OutboxPublisher, RepublishReport, republish
from archive_search.ingest.outcomes import BusEvent, Outcome
from tests.events import load_event
from tests.unit.ingest.test_outcome_events import RecordingPublisher, article, indexed, receipt
from tests.unit.ingest.test_service import SETTINGS, MemoryEngine, MemoryStore, message, service

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 21, 0, tzinfo=UTC)


def bus_event(n: int) -> BusEvent:
    return BusEvent("Article Indexed", {"event_id": f"{n:032x}", "key": f"k{n}"})


class MemoryOutbox:
    """Outbox with entries in a dict: id -> (stored at, event); ``down`` makes puts fail."""

    def __init__(self, down: bool = False) -> None:
        self.entries: dict[str, tuple[datetime, BusEvent]] = {}
        self.down = down
        self.puts: list[list[str]] = []
        self.clock = lambda: NOW

    def put(self, events: list[BusEvent], remaining_ms: Any = None) -> set[str]:
        ids = [str(e.detail["event_id"]) for e in events]
        if events:
            self.puts.append(ids)
        if self.down:
            return set(ids)
        for event_id, event in zip(ids, events, strict=True):
            self.entries[event_id] = (self.clock(), event)
        return set()

    def remove(self, event_ids: Any) -> None:
        for event_id in list(event_ids):
            self.entries.pop(event_id, None)

    def due(self, before: datetime, size: int, after: Any = None) -> tuple[list[BusEvent], Any]:
        ordered = sorted((at, i) for i, (at, _) in self.entries.items() if at <= before)
        if after is not None:
            ordered = [o for o in ordered if o > tuple(after)]
        page = ordered[:size]
        return [self.entries[i][1] for _, i in page], (list(page[-1]) if len(page) == size else None)

    def backlog(self) -> tuple[int, datetime | None]:
        return len(self.entries), min((at for at, _ in self.entries.values()), default=None)


# -- at ingest: stored before the receipts --------------------------------------------------
def test_ingest_stores_the_events_before_writing_the_receipts() -> None:
    engine = MemoryEngine()
    staged: list[tuple[list[str], bool]] = []

    def stage(outcomes, remaining_ms):  # type: ignore[no-untyped-def]
        receipts_written = any(index == SETTINGS.receipts_alias for index, _ in engine.docs)
        staged.append(([o.receipt["key"] for o in outcomes], receipts_written))
        return set()

    store = MemoryStore({"a.txt": b"A\nbody", "e.txt": b" "})
    result = service(store, engine, stage=stage).process(
        [message("a.txt", "01"), message("e.txt", "01")], lambda: 60_000
    )

    assert result.failed_ids == []
    assert [(sorted(keys), written) for keys, written in staged] == [(["a.txt", "e.txt"], False)]


def test_an_object_whose_event_could_not_be_stored_is_retried_without_a_receipt() -> None:
    engine = MemoryEngine()
    heard: list[str] = []

    def stage(outcomes, remaining_ms):  # type: ignore[no-untyped-def]
        return {_ref(o) for o in outcomes if o.receipt["key"] == "a.txt"}

    def announce(outcomes, remaining_ms):  # type: ignore[no-untyped-def]
        heard.extend(o.receipt["key"] for o in outcomes)

    store = MemoryStore({"a.txt": b"A\nbody", "b.txt": b"B\nbody"})
    result = service(store, engine, stage=stage, announce=announce).process(
        [message("a.txt", "01"), message("b.txt", "01")], lambda: 60_000
    )

    assert result.failed_ids == ["a.txt-01"]
    receipts = {s["key"] for (index, _), (_, s) in engine.docs.items() if index == SETTINGS.receipts_alias}
    assert receipts == {"b.txt"} and heard == ["b.txt"]


def _ref(outcome: Outcome) -> Any:
    from archive_search.model import ObjectRef

    return ObjectRef(outcome.receipt["bucket"], outcome.receipt["key"])


class BusyOutboxEngine(MemoryEngine):
    """The outbox index answers its first write with 429s (a busy cluster) and then stores."""

    def __init__(self) -> None:
        super().__init__()
        self.outbox_writes = 0
        self.outbox: dict[str, Any] = {}

    def bulk(self, operations, *, index, require_alias=True, time_left_s=None):  # type: ignore[no-untyped-def]
        if index != "outbox":
            return super().bulk(operations, index=index, require_alias=require_alias)
        self.outbox_writes += 1
        if self.outbox_writes == 1:
            return [{"status": 429, "error": {"type": "es_rejected_execution_exception"}}] * (
                len(operations) // 2
            )
        for action, source in zip(operations[::2], operations[1::2], strict=True):
            if "delete" in action:
                self.outbox.pop(action["delete"]["_id"], None)
            else:
                self.outbox[action["index"]["_id"]] = source
        return [{"status": 200}] * (len(operations) // 2)


def test_a_busy_outbox_is_retried_within_the_invocation_like_the_documents() -> None:
    from archive_search.ingest.outbox import Outbox
    from archive_search.ingest.outcomes import OutcomeAnnouncer

    engine = BusyOutboxEngine()
    publisher = OutboxPublisher(RecordingPublisher(), Outbox(engine, "outbox"))  # type: ignore[arg-type]
    announce = OutcomeAnnouncer(publisher)

    result = service(
        MemoryStore({"a.txt": b"A\nbody"}), engine, stage=publisher.stage_outcomes, announce=announce
    ).process([message("a.txt", "01")], lambda: 60_000)

    assert result.failed_ids == []  # not handed back to SQS for a 429 the next try got past
    assert any(index == SETTINGS.receipts_alias for index, _ in engine.docs)
    assert engine.outbox_writes >= 2 and engine.outbox == {}  # stored, published, deleted


class VanishingOutboxEngine(BusyOutboxEngine):
    """The outbox index is deleted behind a warm environment's back: writes answer 404 (as
    ``require_alias`` makes them) until the index is created again."""

    def __init__(self) -> None:
        super().__init__()
        self.outbox_writes = 1  # past BusyOutboxEngine's 429
        self.created = 0
        self.gone = False

    def ensure_index(self, alias=None, body=None):  # type: ignore[no-untyped-def]
        if alias == "outbox":
            self.created += 1
            self.gone = False
        return super().ensure_index(alias, body)

    def bulk(self, operations, *, index, require_alias=True, time_left_s=None):  # type: ignore[no-untyped-def]
        if index == "outbox" and self.gone:
            return [{"status": 404, "error": {"type": "index_not_found_exception"}}] * (len(operations) // 2)
        return super().bulk(operations, index=index, require_alias=require_alias, time_left_s=time_left_s)


def test_an_outbox_index_deleted_under_a_warm_environment_is_created_again() -> None:
    from archive_search.ingest.outbox import Outbox

    engine = VanishingOutboxEngine()
    outbox = Outbox(engine, "outbox", sleep=lambda _: None)
    assert outbox.put([bus_event(1)]) == set()
    engine.gone = True  # an operator deleted it to drop a backlog

    assert outbox.put([bus_event(2)], lambda: 60_000) == set()
    assert engine.created == 2 and f"{2:032x}" in engine.outbox


# -- the outbox publisher -------------------------------------------------------------------
def test_staged_outcome_events_are_stored_once_and_deleted_when_published() -> None:
    outbox = MemoryOutbox()
    publisher = OutboxPublisher(RecordingPublisher(), outbox)  # type: ignore[arg-type]
    outcomes = [Outcome(indexed(), None, [article()]), Outcome(receipt("duplicate"), indexed())]

    assert publisher.stage_outcomes(outcomes) == set()
    assert len(outbox.entries) == 1  # the duplicate is no news: nothing to store

    (event,) = [e for _, e in outbox.entries.values()]
    publisher.publish([event])
    assert len(outbox.puts) == 1 and outbox.entries == {}  # not stored a second time, then deleted


def test_an_event_the_bus_refused_stays_in_the_outbox() -> None:
    outbox = MemoryOutbox()
    publisher = OutboxPublisher(RecordingPublisher(refuse=True), outbox)  # type: ignore[arg-type]

    report = publisher.publish([bus_event(1), bus_event(2)])

    assert report.published == 0 and sorted(outbox.entries) == [f"{1:032x}", f"{2:032x}"]


def test_an_event_there_was_no_time_to_send_stays_in_the_outbox_unless_it_was_not_stored() -> None:
    from archive_search.ingest.outcomes import PublishReport

    class OutOfTime(RecordingPublisher):
        def publish(self, events, remaining_ms=None):  # type: ignore[no-untyped-def]
            return PublishReport(unsent=list(events))

    outbox = MemoryOutbox()
    report = OutboxPublisher(OutOfTime(), outbox).publish([bus_event(1)])  # type: ignore[arg-type]
    assert sorted(outbox.entries) == [f"{1:032x}"] and report.failed == []

    report = OutboxPublisher(OutOfTime(), MemoryOutbox(down=True)).publish([bus_event(2)])  # type: ignore[arg-type]
    assert report.unsent == [] and [e.detail["key"] for e, _ in report.failed] == ["k2"]  # lost: counted


def test_events_not_staged_are_stored_before_they_are_published() -> None:
    outbox = MemoryOutbox()
    seen_stored: list[int] = []

    class Watching(RecordingPublisher):
        def publish(self, events, remaining_ms=None):  # type: ignore[no-untyped-def]
            seen_stored.append(len(outbox.entries))
            return super().publish(events, remaining_ms)

    OutboxPublisher(Watching(), outbox).publish([bus_event(1), bus_event(2)])  # type: ignore[arg-type]

    assert seen_stored == [2] and outbox.entries == {}


def test_the_objects_whose_events_could_not_be_stored_are_named() -> None:
    publisher = OutboxPublisher(RecordingPublisher(), MemoryOutbox(down=True))  # type: ignore[arg-type]

    unstored = publisher.stage_outcomes([Outcome(indexed(), None, [article()])])

    assert [ref.key for ref in unstored] == ["inbox/harbour.txt"]


# -- the republisher ------------------------------------------------------------------------
def stored(outbox: MemoryOutbox, count: int, age_s: float) -> None:
    for n in range(count):
        outbox.entries[f"{n:032x}"] = (NOW - timedelta(seconds=age_s, milliseconds=count - n), bus_event(n))


def test_the_republisher_sends_only_events_older_than_the_grace_period() -> None:
    outbox, publisher = MemoryOutbox(), RecordingPublisher()
    stored(outbox, 2, age_s=600)
    outbox.entries["young"] = (
        NOW - timedelta(seconds=10),
        BusEvent("Article Indexed", {"event_id": "young"}),
    )

    report = republish(outbox, publisher, lambda: 60_000, grace_s=300)  # type: ignore[arg-type]

    assert [e.detail["event_id"] for call in publisher.calls for e in call] == [f"{0:032x}", f"{1:032x}"]
    assert (report.republished, report.pending, report.oldest_age_s) == (2, 1, 10.0)


def test_the_republisher_stops_at_its_event_bound_and_leaves_the_rest_pending() -> None:
    outbox, publisher = MemoryOutbox(), RecordingPublisher()
    stored(outbox, 25, age_s=600)

    report = republish(outbox, publisher, lambda: 60_000, grace_s=300, max_events=10, page_size=4)  # type: ignore[arg-type]

    assert [len(call) for call in publisher.calls] == [4, 4, 2]
    assert (report.republished, report.pending, report.stopped) == (10, 15, "max_events")


def test_the_republisher_starts_no_page_without_time_left() -> None:
    outbox, publisher = MemoryOutbox(), RecordingPublisher()
    stored(outbox, 3, age_s=600)
    left = iter([60_000, 1_000])  # time for one page only

    report = republish(outbox, publisher, lambda: next(left, 1_000), grace_s=300, page_size=2)  # type: ignore[arg-type]

    assert [len(call) for call in publisher.calls] == [2]
    assert (report.republished, report.pending, report.stopped) == (2, 1, "time")


def test_the_republisher_keeps_what_the_bus_refused_and_reads_past_it() -> None:
    outbox, publisher = MemoryOutbox(), RecordingPublisher(refuse=True)
    stored(outbox, 5, age_s=600)

    report = republish(outbox, publisher, lambda: 60_000, grace_s=300, page_size=2)  # type: ignore[arg-type]

    assert [len(call) for call in publisher.calls] == [2, 2, 1]  # each refused event read once
    assert (report.republished, report.failed, report.pending, report.stopped) == (0, 5, 5, None)


# -- the scheduled invocation ---------------------------------------------------------------
def test_the_ingest_handler_runs_the_republisher_on_a_scheduled_event(monkeypatch) -> None:
    from archive_search.handlers import ingest as handler_module

    calls: list[Any] = []

    def fake_schedule(event, context):  # type: ignore[no-untyped-def]
        calls.append(event["detail-type"])
        return RepublishReport(republished=1).as_dict()

    monkeypatch.setattr(handler_module, "handle_schedule", fake_schedule)
    context = SimpleNamespace(
        function_name="ingest",
        memory_limit_in_mb=1024,
        invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:ingest",
        aws_request_id="r-1",
        get_remaining_time_in_millis=lambda: 60_000,
    )

    answer = handler_module.handler(load_event("scheduled_event"), context)

    assert calls == ["Scheduled Event"] and answer["republished"] == 1


def test_an_sqs_batch_is_not_mistaken_for_a_scheduled_event() -> None:
    assert batch.is_scheduled_event(load_event("scheduled_event"))
    assert not batch.is_scheduled_event({"Records": []})
    assert not batch.is_scheduled_event({"source": "archive-search", "detail-type": "Scheduled Event"})


def test_the_local_stacks_scheduled_event_has_the_shape_of_the_recorded_one() -> None:
    from archive_local.lambda_events import scheduled_event

    built, recorded = scheduled_event("archive-search-republish-events"), load_event("scheduled_event")
    assert batch.is_scheduled_event(built)
    assert set(built) == set(recorded) and built["detail"] == recorded["detail"] == {}


def test_what_an_earlier_batch_staged_is_not_taken_as_stored_by_the_next() -> None:
    outbox = MemoryOutbox()
    publisher = OutboxPublisher(RecordingPublisher(), outbox)  # type: ignore[arg-type]
    publisher.stage_outcomes([Outcome(indexed(), None, [article()])])  # its receipt then failed
    (first,) = [e for _, e in outbox.entries.values()]
    outbox.entries.clear()  # published by the republisher meanwhile

    publisher.stage_outcomes([])  # the next batch
    publisher.publish([first])  # the SQS retry of the first object publishes it again

    assert len(outbox.puts) == 2 and outbox.entries == {}  # stored again before publishing


def test_a_run_that_sends_exactly_its_bound_with_nothing_left_is_not_stopped() -> None:
    outbox, publisher = MemoryOutbox(), RecordingPublisher()
    stored(outbox, 8, age_s=600)

    report = republish(outbox, publisher, lambda: 60_000, grace_s=300, max_events=8, page_size=4)  # type: ignore[arg-type]

    assert (report.republished, report.pending, report.stopped) == (8, 0, None)


def test_events_a_run_had_no_time_to_send_are_left_for_the_next_not_refused(monkeypatch) -> None:
    from archive_search.adapters.events import EventPublisher
    from archive_search.observability import metrics
    from tests.unit.ingest.test_outcome_events import ScriptedEvents

    outbox, client = MemoryOutbox(), ScriptedEvents()
    stored(outbox, 3, age_s=600)
    left = iter([60_000])  # a page starts; its PutEvents call then finds no time left

    counted: list[str] = []
    monkeypatch.setattr(metrics, "add_metric", lambda name, **_: counted.append(name))

    report = republish(
        outbox, EventPublisher("bus", client), lambda: next(left, 1_000), grace_s=300, page_size=3
    )

    assert client.requests == [] and len(outbox.entries) == 3
    assert (report.republished, report.failed, report.pending, report.stopped) == (0, 0, 3, "time")
    assert "EventsNotPublished" not in counted
