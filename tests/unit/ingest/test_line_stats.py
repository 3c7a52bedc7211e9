"""Line statistics in ingest: read per bucket through the store, kept with a refresh interval,
missing or corrupt objects mean "clean without them", reserved keys are never ingested."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import pytest

from archive_search.cleaning import CLEANER_VERSION
from archive_search.cleaning.lines import MIN_DOCUMENTS, LineStats
from archive_search.errors import ConfigurationError, EngineUnavailable, NotFound, RejectedInput
from archive_search.ingest import line_stats_cache
from archive_search.ingest import service as service_module
from archive_search.ingest.line_stats_cache import LINE_STATS_RETRY_SECONDS
from archive_search.ingest.service import IngestService
from archive_search.model import Article, ObjectRef, document_id
from archive_search.settings import LINE_STATS_KEY, RESERVED_PREFIX, Settings
from tests.unit.ingest.test_service import SETTINGS, MemoryEngine, message

pytestmark = pytest.mark.unit

MENU = ["Home", "World", "Business", "Sport", "Subscribe to our newsletter"]


def stats_of(documents: int, extra: str = "") -> LineStats:
    return LineStats.build([[*MENU, f"Story {i} {extra}"] for i in range(documents)])


USABLE = stats_of(MIN_DOCUMENTS)


@dataclass
class Stored:
    data: bytes
    etag: str
    content_type: str | None = None
    content_encoding: str | None = None


class Store:
    """Objects by key with content ETags; records every call on the statistics key."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = dict(objects)
        self.stats_calls: list[str] = []
        self.down = False
        self.content_types: dict[str, str | None] = {}

    def _get(self, ref: ObjectRef, max_bytes: int) -> Stored:
        if self.down and ref.key == LINE_STATS_KEY:
            raise EngineUnavailable("S3 error SlowDown")
        if ref.key not in self.objects:
            raise NotFound(ref.key)
        data = self.objects[ref.key]
        if len(data) > max_bytes:
            raise RejectedInput("too_large", "too large")
        return Stored(data, hashlib.md5(data).hexdigest(), self.content_types.get(ref.key))

    def read(self, ref: ObjectRef, *, max_bytes: int) -> Stored:
        if ref.key == LINE_STATS_KEY:
            self.stats_calls.append("read")
        return self._get(ref, max_bytes)

    def read_if_changed(self, ref: ObjectRef, *, etag: str, max_bytes: int) -> Stored | None:
        self.stats_calls.append("read_if_changed")
        stored = self._get(ref, max_bytes)
        return None if stored.etag == etag else stored


class Cleaner:
    """Records the statistics each call was given."""

    def __init__(self) -> None:
        self.given: list[LineStats | None] = []

    def __call__(
        self, data: bytes, key: str, *, line_stats: LineStats | None = None, **_: Any
    ) -> list[Article]:
        self.given.append(line_stats)
        return [Article(title=key, body=data.decode())]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Warnings:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.messages.append(msg)


def make(
    store: Store, *, settings: Settings = SETTINGS, **kwargs: Any
) -> tuple[IngestService, MemoryEngine, Cleaner]:
    engine, cleaner = MemoryEngine(), Cleaner()
    svc = IngestService(store, engine, settings, clean=cleaner, sleep=lambda _: None, **kwargs)
    return svc, engine, cleaner


def ingest(svc: IngestService, key: str, sequencer: str) -> Any:
    return svc.process([message(key, sequencer)], lambda: 60_000)


def recorded_version(engine: MemoryEngine, key: str) -> tuple[str, str]:
    """The cleaner version of the document of ``key`` and of its receipt."""
    doc = engine.docs[("articles", document_id(ObjectRef("b", key), 0))][1]
    receipt = next(s for (index, _), (_, s) in engine.docs.items() if index != "articles" and s["key"] == key)
    return doc["cleaner_version"], receipt["cleaner_version"]


# -- settings ---------------------------------------------------------------------------------
def test_line_stats_key_defaults_to_the_cleaners_key_and_empty_turns_it_off():
    base = {"OPENSEARCH_URL": "http://engine.invalid:9200"}
    assert Settings.from_env(base).line_stats_key == LINE_STATS_KEY
    assert LINE_STATS_KEY.startswith(RESERVED_PREFIX)
    assert Settings.from_env({**base, "LINE_STATS_KEY": ""}).line_stats_key is None
    assert Settings.from_env({**base, "LINE_STATS_KEY": "_archive-search/x.npz"}).line_stats_key == (
        "_archive-search/x.npz"
    )


@pytest.mark.parametrize("key", ["stats/line-stats.npz", "_archive-search/", "_archive-search/dir/"])
def test_a_line_stats_key_outside_the_reserved_prefix_is_refused_at_cold_start(key: str):
    with pytest.raises(ConfigurationError, match="LINE_STATS_KEY"):
        Settings.from_env({"OPENSEARCH_URL": "http://engine.invalid:9200", "LINE_STATS_KEY": key})


# -- loading and recording ------------------------------------------------------------------
def test_usable_statistics_are_given_to_the_cleaner_and_named_in_document_and_receipt():
    store = Store({"a.txt": b"A story", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, engine, cleaner = make(store)
    result = ingest(svc, "a.txt", "01")
    assert result.failed == {}
    assert cleaner.given[0] is not None and cleaner.given[0].digest == USABLE.digest
    expected = f"{CLEANER_VERSION}+lines.{USABLE.digest}"
    assert recorded_version(engine, "a.txt") == (expected, expected)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [("a.html", None), ("a.json", None), ("a.htm.gz", None), ("upload", "text/html; charset=utf-8")],
)
def test_html_and_json_uploads_never_read_the_statistics_and_record_the_plain_version(
    key: str, content_type: str | None
):
    store = Store({key: b"<p>A story</p>", LINE_STATS_KEY: USABLE.to_bytes()})
    store.content_types = {key: content_type}
    svc, engine, cleaner = make(store)
    ingest(svc, key, "01")
    assert cleaner.given == [None] and store.stats_calls == []
    assert recorded_version(engine, key) == (CLEANER_VERSION, CLEANER_VERSION)


@pytest.mark.parametrize("key", ["a.txt", "a.txt.gz", "upload"])
def test_text_dumps_and_uploads_only_their_text_can_name_are_cleaned_with_the_statistics(key: str):
    store = Store({key: b"A story", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, engine, cleaner = make(store)
    ingest(svc, key, "01")
    assert [s.digest for s in cleaner.given if s] == [USABLE.digest]
    assert recorded_version(engine, key)[0] == f"{CLEANER_VERSION}+lines.{USABLE.digest}"


def test_without_a_statistics_object_cleaning_runs_without_them_and_records_the_plain_version():
    svc, engine, cleaner = make(Store({"a.txt": b"A story"}))
    assert ingest(svc, "a.txt", "01").failed == {}
    assert cleaner.given == [None]
    assert recorded_version(engine, "a.txt") == (CLEANER_VERSION, CLEANER_VERSION)


def test_statistics_of_too_few_documents_are_passed_on_but_record_the_plain_version():
    small = stats_of(MIN_DOCUMENTS - 1)
    svc, engine, cleaner = make(Store({"a.txt": b"A story", LINE_STATS_KEY: small.to_bytes()}))
    ingest(svc, "a.txt", "01")
    assert cleaner.given[0] is not None and not cleaner.given[0].usable
    assert recorded_version(engine, "a.txt") == (CLEANER_VERSION, CLEANER_VERSION)


def test_an_empty_line_stats_key_never_reads_the_bucket_for_statistics():
    store = Store({"a.txt": b"A story", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, engine, cleaner = make(store, settings=replace(SETTINGS, line_stats_key=None))
    ingest(svc, "a.txt", "01")
    assert store.stats_calls == [] and cleaner.given == [None]
    assert recorded_version(engine, "a.txt")[0] == CLEANER_VERSION


def test_a_batch_of_deletes_does_not_read_the_statistics():
    store = Store({LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, _ = make(store)
    result = svc.process([message("a.txt", "02", removed=True)], lambda: 60_000)
    assert result.outcomes == {ObjectRef("b", "a.txt"): "deleted"}
    assert store.stats_calls == []


# -- caching per bucket with a refresh interval ------------------------------------------------
def test_statistics_are_read_once_then_checked_with_one_head_per_refresh_interval():
    clock = Clock()
    store = Store({"a.txt": b"A", "b.txt": b"B", "c.txt": b"C", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, cleaner = make(store, clock=clock, line_stats_refresh=600)
    ingest(svc, "a.txt", "01")
    clock.now += 599
    ingest(svc, "b.txt", "01")
    assert store.stats_calls == ["read"]  # the warm environment kept them
    clock.now += 1
    ingest(svc, "c.txt", "01")
    assert store.stats_calls == ["read", "read_if_changed"]  # unchanged: not read again
    assert [s.digest for s in cleaner.given if s] == [USABLE.digest] * 3


def test_new_statistics_are_used_after_the_refresh_interval_and_re_clean_identical_bytes():
    clock = Clock()
    store = Store({"a.txt": b"A story", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, engine, _ = make(store, clock=clock, line_stats_refresh=600)
    ingest(svc, "a.txt", "01")
    newer = stats_of(MIN_DOCUMENTS + 5, extra="more")
    store.objects[LINE_STATS_KEY] = newer.to_bytes()
    clock.now += 600
    result = ingest(svc, "a.txt", "02")  # the same bytes again
    # A different cleaner version: the identical bytes are cleaned and written again.
    assert result.outcomes == {ObjectRef("b", "a.txt"): "indexed"}
    expected = f"{CLEANER_VERSION}+lines.{newer.digest}"
    assert recorded_version(engine, "a.txt") == (expected, expected)


def test_unchanged_statistics_leave_identical_bytes_unrewritten():
    store = Store({"a.txt": b"A story", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, _ = make(store)
    ingest(svc, "a.txt", "01")
    assert ingest(svc, "a.txt", "02").outcomes == {ObjectRef("b", "a.txt"): "duplicate"}


def test_statistics_are_kept_per_bucket():
    store = Store({"a.txt": b"A", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, _ = make(store)
    assert svc.line_stats("b") is not None
    assert svc.line_stats("other") is not None
    assert store.stats_calls == ["read", "read"]
    assert svc.line_stats("b") is not None and store.stats_calls == ["read", "read"]


def test_a_missing_object_is_remembered_for_the_interval_and_found_once_written():
    clock = Clock()
    store = Store({"a.txt": b"A", "b.txt": b"B"})
    svc, _, cleaner = make(store, clock=clock, line_stats_refresh=600)
    ingest(svc, "a.txt", "01")
    store.objects[LINE_STATS_KEY] = USABLE.to_bytes()
    clock.now += 10
    assert svc.line_stats("b") is None and store.stats_calls == ["read"]
    clock.now += 600
    ingest(svc, "b.txt", "01")
    assert cleaner.given[-1] is not None and cleaner.given[-1].digest == USABLE.digest


def test_statistics_deleted_from_the_bucket_are_dropped_at_the_next_check():
    clock = Clock()
    store = Store({LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, _ = make(store, clock=clock, line_stats_refresh=600)
    assert svc.line_stats("b") is not None
    del store.objects[LINE_STATS_KEY]
    clock.now += 600
    assert svc.line_stats("b") is None


# -- corrupt objects and S3 failures never fail the batch ----------------------------------------
def test_a_corrupt_statistics_object_is_ignored_with_one_warning_and_the_batch_succeeds(monkeypatch):
    warnings = Warnings()
    monkeypatch.setattr(service_module.logger, "warning", warnings)
    clock = Clock()
    store = Store({"a.txt": b"A", "b.txt": b"B", "c.txt": b"C", LINE_STATS_KEY: b"PK\x03\x04 not npz"})
    svc, engine, cleaner = make(store, clock=clock, line_stats_refresh=600)
    assert ingest(svc, "a.txt", "01").failed == {}
    ingest(svc, "b.txt", "01")
    clock.now += 600  # checked again: the same corrupt object is not read or reported again
    assert ingest(svc, "c.txt", "01").failed == {}
    assert cleaner.given == [None, None, None]
    assert warnings.messages == ["line statistics are corrupt: cleaning without them"]
    assert store.stats_calls == ["read", "read_if_changed"]
    assert recorded_version(engine, "c.txt") == (CLEANER_VERSION, CLEANER_VERSION)


def test_a_corrupt_object_replaced_by_good_statistics_is_picked_up():
    clock = Clock()
    store = Store({LINE_STATS_KEY: b"garbage"})
    svc, _, _ = make(store, clock=clock, line_stats_refresh=600)
    assert svc.line_stats("b") is None
    store.objects[LINE_STATS_KEY] = USABLE.to_bytes()
    clock.now += 600
    found = svc.line_stats("b")
    assert found is not None and found.digest == USABLE.digest


def test_an_oversized_statistics_object_is_ignored_with_a_warning(monkeypatch):
    warnings = Warnings()
    monkeypatch.setattr(service_module.logger, "warning", warnings)
    monkeypatch.setattr(line_stats_cache, "LINE_STATS_MAX_BYTES", 10)
    svc, _, cleaner = make(Store({"a.txt": b"A", LINE_STATS_KEY: USABLE.to_bytes()}))
    assert ingest(svc, "a.txt", "01").failed == {}
    assert cleaner.given == [None]
    assert warnings.messages == ["line statistics ignored"]


def test_when_s3_fails_the_statistics_read_before_are_kept_and_the_read_retried_soon(monkeypatch):
    warnings = Warnings()
    monkeypatch.setattr(service_module.logger, "warning", warnings)
    clock = Clock()
    store = Store({"a.txt": b"A", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, cleaner = make(store, clock=clock, line_stats_refresh=600)
    ingest(svc, "a.txt", "01")
    store.down = True
    clock.now += 600
    assert ingest(svc, "a.txt", "02").failed == {}
    assert cleaner.given[-1] is not None and cleaner.given[-1].digest == USABLE.digest
    assert warnings.messages == ["line statistics could not be read"]
    calls = len(store.stats_calls)
    clock.now += LINE_STATS_RETRY_SECONDS - 1
    svc.line_stats("b")
    assert len(store.stats_calls) == calls  # not before the retry delay
    store.down = False
    clock.now += 1
    assert svc.line_stats("b") is not None and len(store.stats_calls) == calls + 1


def test_when_s3_fails_at_a_cold_start_the_batch_is_cleaned_without_statistics():
    store = Store({"a.txt": b"A", LINE_STATS_KEY: USABLE.to_bytes()})
    store.down = True
    svc, engine, cleaner = make(store)
    assert ingest(svc, "a.txt", "01").failed == {}
    assert cleaner.given == [None]
    assert recorded_version(engine, "a.txt")[0] == CLEANER_VERSION


# -- the reserved prefix -----------------------------------------------------------------------------
@pytest.mark.parametrize("removed", [False, True])
def test_events_on_reserved_keys_are_acknowledged_and_logged_without_receipt_or_rejection(
    monkeypatch, removed
):
    infos: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        service_module.logger, "info", lambda msg, *a, **k: infos.append((msg, k.get("extra", {})))
    )
    store = Store({LINE_STATS_KEY: USABLE.to_bytes(), "_archive-search/other": b"x"})
    svc, engine, cleaner = make(store)
    result = svc.process(
        [
            message(LINE_STATS_KEY, "01", removed=removed),
            message("_archive-search/other", "01", removed=removed),
        ],
        lambda: 60_000,
    )
    assert result.failed == {} and result.outcomes == {}
    assert engine.docs == {} and engine.bulk_calls == 0 and cleaner.given == []
    ignored = [extra for msg, extra in infos if msg == "reserved key ignored"]
    assert [e["key"] for e in ignored] == [LINE_STATS_KEY, "_archive-search/other"]
    assert all(RESERVED_PREFIX in e["reason"] for e in ignored)


def test_a_reserved_key_in_a_batch_does_not_hold_back_the_uploads_beside_it():
    store = Store({"a.txt": b"A", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, _, _ = make(store)
    result = svc.process([message(LINE_STATS_KEY, "01"), message("a.txt", "01")], lambda: 60_000)
    assert result.failed == {} and result.outcomes == {ObjectRef("b", "a.txt"): "indexed"}


def test_the_cleaner_version_of_the_statistics_is_worked_out_once_not_per_object():
    named: list[LineStats | None] = []

    def version(stats: LineStats | None) -> str:
        named.append(stats)
        return "v+lines" if stats is not None else "v"

    store = Store({"a.txt": b"A", "b.txt": b"B", "c.txt": b"C", LINE_STATS_KEY: USABLE.to_bytes()})
    svc, engine, _ = make(store, cleaner_version=version)
    svc.process([message("a.txt", "01"), message("b.txt", "01")], lambda: 60_000)
    ingest(svc, "c.txt", "01")
    assert len([s for s in named if s is not None]) == 1
    assert {recorded_version(engine, k)[0] for k in ("a.txt", "b.txt", "c.txt")} == {"v+lines"}
