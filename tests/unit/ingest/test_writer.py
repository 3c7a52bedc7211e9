"""The bulk writer: per-item results, retries with backoff, refusals (no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from archive_search.errors import EngineUnavailable
from archive_search.ingest.writer import REFUSED, WRITTEN, BulkItem, BulkWriter, error_class, item_reason


class Engine:
    """Answers each bulk request with the next list of item statuses (the last one repeats)."""

    def __init__(self, *rounds: list[int] | Exception) -> None:
        self.rounds = list(rounds)
        self.requests: list[list[str]] = []
        self.time_left: list[float] = []  # what each request was told it may take, seconds

    def bulk(
        self, body: list[dict[str, Any]], *, index: str, require_alias: bool, time_left_s: Callable[[], float]
    ) -> list[dict[str, Any]]:
        self.requests.append([body[i]["index"]["_id"] for i in range(0, len(body), 2)])
        self.time_left.append(time_left_s())
        answer = self.rounds.pop(0) if len(self.rounds) > 1 else self.rounds[0]
        if isinstance(answer, Exception):
            raise answer
        return [
            {"status": s, "error": {"type": f"e{s}", "reason": "field [tags] of 'secret'"}} for s in answer
        ]


def writer(engine: Engine, **kwargs: Any) -> tuple[BulkWriter, list[float]]:
    slept: list[float] = []
    options = {"time_reserve_ms": 0, "max_attempts": 4, "base_delay": 0.01, "max_delay": 1.0, **kwargs}
    return BulkWriter(engine, sleep=slept.append, **options), slept


def doc(doc_id: str, owner: str = "a", ordinal: int | None = 0) -> BulkItem:
    return BulkItem(doc_id, 7, {"title": doc_id}, owner, ordinal)


def test_written_and_conflicting_items_both_count_as_written():
    engine = Engine([201, 409])
    report = writer(engine)[0].write([doc("1"), doc("2")], lambda: 60_000, index="articles")
    assert [(r.item.doc_id, r.status) for r in report.results] == [("1", WRITTEN), ("2", WRITTEN)]
    assert report.failures == {}


def test_a_429_is_retried_alone_after_a_backoff_then_written():
    engine = Engine([201, 429], [201])
    w, slept = writer(engine)
    report = w.write([doc("1"), doc("2", owner="b")], lambda: 60_000, index="articles")
    assert engine.requests == [["1", "2"], ["2"]]
    assert len(slept) == 1 and 0.005 <= slept[0] <= 0.01
    assert [r.item.doc_id for r in report.results if r.status == WRITTEN] == ["1", "2"]


def test_retries_stop_at_max_attempts_and_fail_the_owner():
    engine = Engine([503])
    w, slept = writer(engine, max_attempts=3)
    report = w.write([doc("1")], lambda: 60_000, index="articles")
    assert len(engine.requests) == 3 and len(slept) == 2
    assert report.failures == {"a": "search engine did not accept the write: e503 (field tags)"}


def test_no_retry_when_the_backoff_would_outlast_the_time_left():
    engine = Engine([429])
    w, slept = writer(engine, time_reserve_ms=1_000, base_delay=1.0)
    report = w.write([doc("1")], lambda: 1_300, index="articles")
    assert len(engine.requests) == 1 and slept == [] and "a" in report.failures


def test_a_refused_document_is_refused_alone_with_the_field_named_and_never_the_value():
    engine = Engine([400, 201])
    report = writer(engine)[0].write([doc("1"), doc("2", ordinal=1)], lambda: 60_000, index="articles")
    assert [(r.status, r.reason) for r in report.results] == [(REFUSED, "e400 (field tags)"), (WRITTEN, None)]
    assert report.failures == {}


def test_a_refused_tombstone_fails_its_owner_and_drops_the_owner_s_pending_retries():
    engine = Engine([400, 429, 201], [201])
    items = [doc("t", ordinal=None), doc("1"), doc("x", owner="b")]
    report = writer(engine)[0].write(items, lambda: 60_000, index="articles")
    assert report.failures == {"a": "the index refused a write: e400 (field tags)"}
    assert engine.requests == [["t", "1", "x"]]


def test_a_missing_alias_is_recreated_before_the_retry():
    recreated: list[bool] = []
    engine = Engine([404], [201])
    w, _ = writer(engine, on_missing_index=lambda: recreated.append(True))
    report = w.write([doc("1")], lambda: 60_000, index="articles")
    assert recreated == [True] and report.results[0].status == WRITTEN


def test_a_failed_request_counts_as_503_for_every_item_and_names_only_the_error_class():
    engine = Engine(EngineUnavailable("down: 'secret'"), [201])
    w, slept = writer(engine)
    report = w.write([doc("1")], lambda: 60_000, index="articles")
    assert len(slept) == 1 and report.results[0].status == WRITTEN
    assert error_class(EngineUnavailable("x")) == "EngineUnavailable"
    assert item_reason({"error": "text"}) == "error"


def test_a_programming_error_from_the_engine_propagates_and_is_never_retried():
    engine = Engine(TypeError("bulk() got an unexpected keyword argument"), [201])
    w, slept = writer(engine)
    with pytest.raises(TypeError):
        w.write([doc("1")], lambda: 60_000, index="articles")
    assert len(engine.requests) == 1 and slept == []


def test_each_request_may_take_the_invocation_s_time_left_minus_the_reserve_and_no_more():
    engine = Engine([503], [201])
    left = iter(range(9_000, 0, -500))  # each look at the clock 0.5 s later
    w, _ = writer(engine, time_reserve_ms=2_000)
    report = w.write([doc("1")], lambda: next(left), index="articles")
    assert engine.time_left == [6.5, 5.0] and report.results[0].status == WRITTEN


def test_no_request_starts_with_too_little_time_left_past_the_reserve_and_its_owners_fail():
    engine = Engine([201])
    w, slept = writer(engine, time_reserve_ms=2_000)
    report = w.write([doc("1"), doc("2", owner="b")], lambda: 2_150, index="articles")
    assert engine.requests == [] and slept == []
    assert set(report.failures) == {"a", "b"} and "no time left" in report.failures["a"]
