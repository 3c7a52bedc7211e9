"""Outcome events: which receipts are news, the detail they carry and its bounds, and the
EventBridge publisher's batching and retries (a scripted client, no network)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from archive_search.adapters.events import MAX_REQUEST_BYTES, EventPublisher, batches, entry_size
from archive_search.ingest.outcomes import (
    MAX_DETAIL_BYTES,
    MAX_LISTED_ARTICLES,
    MAX_LISTED_SKIPPED,
    MAX_SKIPPED_MESSAGE_CHARS,
    BusEvent,
    Outcome,
    OutcomeAnnouncer,
    PublishReport,
    build_event,
    is_news,
)
from archive_search.model import Article, ObjectRef, document_id

pytestmark = pytest.mark.unit

REF = ObjectRef("archive", "inbox/harbour.txt")
BODY = "The body of the article, which no event may carry."


def receipt(outcome: str, **fields: Any) -> dict[str, Any]:
    """A receipt as ingest writes it (service._receipt_op)."""
    return {
        "bucket": REF.bucket,
        "key": REF.key,
        "outcome": outcome,
        "reason": None,
        "message": None,
        "document_ids": [],
        "articles": 0,
        "duplicate_of": [],
        "content_sha256": "a" * 64,
        "cleaner_version": "1.3.0",
        "etag": "e1",
        "object_version_id": "v1",
        "sequencer": None,
        "event_name": "ObjectCreated:Put",
        "event_time": "2024-05-29T10:15:30.123Z",
        "event_version": 7,
        **fields,
    }


def indexed(count: int = 1, **fields: Any) -> dict[str, Any]:
    fields.setdefault("document_ids", [document_id(REF, i) for i in range(count)])
    return receipt("indexed", articles=count, **fields)


def article(title: str = "Harbour reopens", **fields: Any) -> Article:
    return Article(
        title=title, body=BODY, source="Gazette", published=date(2024, 5, 1), language="en", **fields
    )


# -- which outcomes are news ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("new", "previous", "expected"),
    [
        (indexed(), None, True),
        (indexed(content_sha256="b" * 64), indexed(), True),
        (receipt("duplicate", document_ids=[document_id(REF)]), indexed(), False),
        (receipt("rejected", reason="empty"), None, True),
        (receipt("rejected", reason="empty"), receipt("rejected", reason="empty"), False),
        (receipt("rejected", reason="binary"), receipt("rejected", reason="empty"), True),
        (
            receipt("rejected", reason="empty", content_sha256="b" * 64),
            receipt("rejected", reason="empty"),
            True,
        ),
        (
            receipt("rejected", reason="too_large", content_sha256=None, etag="e2"),
            receipt("rejected", reason="too_large", content_sha256=None, etag="e1"),
            True,
        ),
        (
            receipt("rejected", reason="too_large", content_sha256=None),
            receipt("rejected", reason="too_large", content_sha256=None),
            False,
        ),
        (receipt("rejected", reason="empty"), indexed(), True),
        (receipt("deleted", content_sha256=None), indexed(), True),
        (receipt("deleted", content_sha256=None), None, True),
        (receipt("deleted", content_sha256=None), receipt("deleted", content_sha256=None), False),
    ],
)
def test_only_a_change_of_what_subscribers_know_is_news(new, previous, expected) -> None:
    assert is_news(new, previous) is expected


# -- the detail -----------------------------------------------------------------------------
def test_an_indexed_receipt_becomes_article_indexed_with_ids_metadata_and_no_body() -> None:
    event = build_event(Outcome(indexed(), None, [article(url="https://example.org/h")]))

    assert (event.source, event.detail_type) == ("archive-search", "Article Indexed")
    detail = event.detail
    assert detail["schema_version"] == "1" and detail["outcome"] == "indexed"
    assert (detail["bucket"], detail["key"], detail["version"]) == ("archive", "inbox/harbour.txt", 7)
    assert detail["article_ids"] == [document_id(REF, 0)] and detail["article_count"] == 1
    assert detail["articles"] == [
        {
            "id": document_id(REF, 0),
            "ordinal": 0,
            "title": "Harbour reopens",
            "source": "Gazette",
            "published": "2024-05-01",
            "language": "en",
            "url": "https://example.org/h",
        }
    ]
    assert detail["cleaner_version"] == "1.3.0" and detail["content_sha256"] == "a" * 64
    assert detail["languages"] == ["en"]
    assert BODY not in event.detail_json()


def test_each_outcome_has_its_detail_type() -> None:
    types = {
        kind: build_event(Outcome(receipt(kind))).detail_type
        for kind in ("indexed", "duplicate", "rejected", "deleted")
    }
    assert types == {
        "indexed": "Article Indexed",
        "duplicate": "Article Duplicate",
        "rejected": "Upload Rejected",
        "deleted": "Article Deleted",
    }


def test_documents_the_new_outcome_takes_away_are_listed_as_retracted() -> None:
    shrunk = build_event(Outcome(indexed(1), indexed(3), [article()]))
    assert shrunk.detail["retracted_ids"] == [document_id(REF, 1), document_id(REF, 2)]
    rejected = build_event(Outcome(receipt("rejected", reason="empty", message="nothing"), indexed(2)))
    assert rejected.detail["retracted_ids"] == [document_id(REF, 0), document_id(REF, 1)]
    assert (rejected.detail["reason"], rejected.detail["message"]) == ("empty", "nothing")
    after_rejection = build_event(Outcome(receipt("deleted"), receipt("rejected", document_ids=["x"])))
    assert after_rejection.detail["retracted_ids"] == []


def test_a_document_the_index_refused_is_not_announced() -> None:
    written = indexed(2, document_ids=[document_id(REF, 1)])
    event = build_event(Outcome(written, None, [article("refused"), article("kept")]))
    assert [a["title"] for a in event.detail["articles"]] == ["kept"]


def test_an_indexed_event_counts_the_skipped_records_and_names_the_first() -> None:
    skipped = [
        {
            "record": i,
            "line": None,
            "reason": "no_article_text",
            "message": "the record has no body or html text",
        }
        for i in range(3, 3 + MAX_LISTED_SKIPPED + 5)
    ]
    event = build_event(
        Outcome(indexed(2, skipped=len(skipped), skipped_records=skipped), None, [article()] * 2)
    )
    assert event.detail["skipped"] == MAX_LISTED_SKIPPED + 5
    assert event.detail["skipped_records"] == skipped[:MAX_LISTED_SKIPPED]

    clean = build_event(Outcome(indexed(), None, [article()]))
    assert clean.detail["skipped"] == 0 and clean.detail["skipped_records"] == []


def test_an_indexed_event_names_the_documents_the_index_refused() -> None:
    # Given a file of three articles whose index refused two, the event says so: without it a
    # subscriber hears "indexed, 1 article" and cannot tell a lost article from none.
    refused = [
        {"id": document_id(REF, i), "ordinal": i, "reason": "document_too_large: " + "x" * 2000}
        for i in (1, 2)
    ]
    written = receipt("indexed", articles=3, document_ids=[document_id(REF, 0)], failed_documents=refused)
    detail = build_event(Outcome(written, None, [article()] * 3)).detail

    assert detail["article_count"] == 1 and detail["failed"] == 2
    assert [(d["id"], d["ordinal"]) for d in detail["failed_documents"]] == [
        (d["id"], d["ordinal"]) for d in refused
    ]
    assert detail["failed_documents"][0]["reason"].startswith("document_too_large: ")
    assert len(detail["failed_documents"][0]["reason"]) == MAX_SKIPPED_MESSAGE_CHARS

    clean = build_event(Outcome(indexed(), None, [article()])).detail
    assert clean["failed"] == 0 and clean["failed_documents"] == []


def test_the_event_id_is_the_same_for_the_same_outcome_of_the_same_s3_event() -> None:
    first = build_event(Outcome(indexed(), None, [article()])).detail["event_id"]
    again = build_event(Outcome(indexed(), None, [article()])).detail["event_id"]
    later = build_event(Outcome(indexed(event_version=8), None, [article()])).detail["event_id"]
    assert first == again != later


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # S3 mode: two sequencers that differ past the 15 digits a version keeps.
        ({"sequencer": "62E99A88DC407460"}, {"sequencer": "62E99A88DC407461", "content_sha256": "b" * 64}),
        # EVENT_ORDER=event-time: two writes within one millisecond.
        ({}, {"content_sha256": "b" * 64}),
    ],
)
def test_two_writes_whose_versions_tie_are_two_events_not_copies(first, second) -> None:
    # Given two writes on one key whose versions tie (events.py: ties are possible), each
    # indexed with the bytes it read, a consumer dropping copies by event_id keeps both.
    older = build_event(Outcome(indexed(**first), None, [article()])).detail
    newer = build_event(Outcome(indexed(**second), None, [article()])).detail
    assert older["version"] == newer["version"]
    assert older["event_id"] != newer["event_id"]


# Every field at its longest, in characters that JSON-encode to the most bytes per character
# (a control character: 6; an emoji: 4 bytes for one character).
@pytest.mark.parametrize("wide", ["\x01", "\x01\U0001f600"])
def test_the_worst_case_detail_stays_within_its_budget_and_the_entry_limit(wide: str) -> None:
    worst = Article(
        title=wide * 1000,
        body=BODY,
        source=wide * 1000,
        language=wide * 100,
        url=wide * 5000,
        published=date(2024, 5, 1),
    )
    key = wide * 600
    ids = [document_id(ObjectRef(REF.bucket, key), i) for i in range(500)]
    new = indexed(
        500,
        key=key,
        document_ids=ids,
        reason=wide * 100,
        message=wide * 5000,
        cleaner_version=wide * 100,
        duplicate_of=[wide * 40] * 500,
        skipped=1000,
        skipped_records=[
            {"record": i, "line": None, "reason": wide * 100, "message": wide * 5000} for i in range(50)
        ],
        failed_documents=[{"id": wide * 40, "ordinal": i, "reason": wide * 5000} for i in range(500)],
    )
    event = build_event(Outcome(new, indexed(500), [worst] * 500))
    size = len(event.detail_json().encode())
    assert size <= MAX_DETAIL_BYTES < 256 * 1024
    assert event.detail["articles_truncated"] is True
    assert 0 < len(event.detail["articles"]) <= MAX_LISTED_ARTICLES
    assert event.detail["article_count"] == 500
    assert event.detail["skipped"] == 1000 and len(event.detail["skipped_records"]) == MAX_LISTED_SKIPPED
    assert event.detail["failed"] == 500 and len(event.detail["failed_documents"]) == MAX_LISTED_SKIPPED
    assert json.loads(event.detail_json()) == event.detail


# -- the announcer --------------------------------------------------------------------------
class RecordingPublisher:
    def __init__(self, fail: Exception | None = None, refuse: bool = False) -> None:
        self.calls: list[list[BusEvent]] = []
        self.fail = fail
        self.refuse = refuse

    def publish(self, events, remaining_ms=None) -> PublishReport:  # type: ignore[no-untyped-def]
        self.calls.append(list(events))
        if self.fail:
            raise self.fail
        if self.refuse:
            return PublishReport(failed=[(e, "AccessDeniedException: no") for e in events])
        return PublishReport(published=len(events))


def test_the_announcer_publishes_only_the_news_of_a_batch() -> None:
    publisher = RecordingPublisher()
    OutcomeAnnouncer(publisher)(
        [
            Outcome(indexed(), None, [article()]),
            Outcome(receipt("duplicate"), indexed()),
            Outcome(receipt("deleted"), receipt("deleted")),
        ]
    )
    assert [[e.detail_type for e in call] for call in publisher.calls] == [["Article Indexed"]]


def test_the_announcer_calls_nothing_when_there_is_no_news() -> None:
    publisher = RecordingPublisher()
    OutcomeAnnouncer(publisher)([Outcome(receipt("duplicate"), indexed())])
    assert publisher.calls == []


@pytest.mark.parametrize(
    "publisher", [RecordingPublisher(fail=RuntimeError("bug")), RecordingPublisher(refuse=True)]
)
def test_the_announcer_never_raises_and_logs_what_was_not_published(publisher, caplog) -> None:
    OutcomeAnnouncer(publisher)([Outcome(indexed(), None, [article()])])
    lost = [r for r in caplog.records if r.getMessage() == "event not published"]
    assert len(lost) == 1 and lost[0].key == REF.key  # type: ignore[attr-defined]
    assert lost[0].article_ids == [document_id(REF)] and lost[0].article_count == 1  # type: ignore[attr-defined]


def test_an_event_not_published_is_logged_by_ids_and_counts_never_titles_or_urls(caplog) -> None:
    secret = article(title="Secret headline", url="https://news.example/secret-story")
    OutcomeAnnouncer(RecordingPublisher(fail=RuntimeError("bug")))([Outcome(indexed(), None, [secret])])
    logged = " ".join(repr(vars(r)) for r in caplog.records)
    assert "event not published" in logged and document_id(REF) in logged
    assert "Secret headline" not in logged and "news.example" not in logged


# -- the publisher --------------------------------------------------------------------------
class ScriptedEvents:
    """put_events answering from a script: per call, an exception or a list of entry error
    codes (None: accepted)."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.requests: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.requests.append(Entries)
        step = self.script.pop(0) if self.script else None
        if isinstance(step, Exception):
            raise step
        codes = step or [None] * len(Entries)
        results = [{"ErrorCode": c, "ErrorMessage": "m"} if c else {"EventId": "id"} for c in codes]
        return {"FailedEntryCount": sum(1 for c in codes if c), "Entries": results}


def events(n: int, detail_bytes: int = 10) -> list[BusEvent]:
    return [BusEvent("Article Indexed", {"n": i, "pad": "x" * detail_bytes}) for i in range(n)]


def publisher(client: ScriptedEvents, **kwargs: Any) -> tuple[EventPublisher, list[float]]:
    slept: list[float] = []
    return EventPublisher("bus", client, sleep=slept.append, **kwargs), slept


def test_requests_hold_at_most_ten_entries_in_order() -> None:
    client = ScriptedEvents()
    pub, _ = publisher(client)
    report = pub.publish(events(23))
    assert [len(r) for r in client.requests] == [10, 10, 3]
    assert [json.loads(e["Detail"])["n"] for r in client.requests for e in r] == list(range(23))
    assert all(
        e["EventBusName"] == "bus" and e["Source"] == "archive-search" for r in client.requests for e in r
    )
    assert report.published == 23 and report.failed == []


def test_requests_stay_under_256_kb() -> None:
    entries = [{"Source": "s", "DetailType": "t", "Detail": "x" * 60_000} for _ in range(9)]
    groups = list(batches(entries))
    assert [len(g) for g in groups] == [4, 4, 1]
    assert all(sum(entry_size(entries[i]) for i in g) <= MAX_REQUEST_BYTES for g in groups)


def test_entry_size_counts_utf8_bytes_and_time_as_eventbridge_does() -> None:
    entry = {"Source": "é", "DetailType": "ab", "Detail": "😀", "Resources": ["r1"], "Time": 1}
    assert entry_size(entry) == 14 + 2 + 2 + 4 + 2


def test_throttled_entries_alone_are_retried_with_growing_delays() -> None:
    client = ScriptedEvents(
        [None, "ThrottlingException", None, "InternalFailure"],
        ["ThrottlingException", None],
        [None],
    )
    pub, slept = publisher(client)
    report = pub.publish(events(4))
    assert [[json.loads(e["Detail"])["n"] for e in r] for r in client.requests] == [[0, 1, 2, 3], [1, 3], [1]]
    assert report.published == 4 and report.failed == []
    assert len(slept) == 2 and slept[0] <= 0.1 and slept[1] > 0.1 and slept[1] <= 0.2


def test_a_final_entry_error_is_reported_not_retried() -> None:
    client = ScriptedEvents([None, "MalformedDetail"])
    pub, slept = publisher(client)
    report = pub.publish(events(2))
    assert len(client.requests) == 1 and slept == []
    assert report.published == 1
    assert [(e.detail["n"], why.split(":")[0]) for e, why in report.failed] == [(1, "MalformedDetail")]


def test_retries_stop_after_max_attempts() -> None:
    client = ScriptedEvents(*[["ThrottlingException"]] * 10)
    pub, slept = publisher(client, max_attempts=3)
    report = pub.publish(events(1))
    assert len(client.requests) == 3 and len(slept) == 2
    assert report.published == 0 and report.failed[0][1].startswith("ThrottlingException")


def test_retries_stop_when_the_lambda_is_out_of_time() -> None:
    client = ScriptedEvents(*[["ThrottlingException"]] * 10)
    pub, slept = publisher(client, time_reserve_ms=3_000)
    report = pub.publish(events(1), remaining_ms=lambda: 3_050)
    assert len(client.requests) == 1 and slept == [] and len(report.failed) == 1


def test_no_call_starts_that_the_lambda_could_not_finish() -> None:
    client = ScriptedEvents()
    pub, _ = publisher(client, time_reserve_ms=5_000)
    sent = events(3)
    report = pub.publish(sent, remaining_ms=lambda: 4_999)
    assert client.requests == [] and report.unsent == sent and report.failed == []  # not tried, not refused


def test_a_whole_call_throttled_or_unreachable_is_retried_and_a_denied_one_is_not() -> None:
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "PutEvents")
    unreachable = EndpointConnectionError(endpoint_url="https://events.invalid")
    client = ScriptedEvents(throttled, unreachable, None)
    pub, _ = publisher(client)
    assert pub.publish(events(2)).published == 2 and len(client.requests) == 3

    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "PutEvents")
    client = ScriptedEvents(denied)
    pub, _ = publisher(client)
    report = pub.publish(events(2))
    assert len(client.requests) == 1 and report.published == 0
    assert [why for _, why in report.failed] == ["AccessDeniedException: no"] * 2


# -- the service's hook ---------------------------------------------------------------------
def test_ingest_announces_after_the_receipts_are_written_and_never_for_failed_records() -> None:
    from tests.unit.ingest.test_service import SETTINGS, MemoryEngine, MemoryStore, message, service

    heard: list[tuple[list[Outcome], bool]] = []
    engine = MemoryEngine(item_statuses=[201] + [503] * 100)  # b.txt's document is never written

    def announce(outcomes, remaining_ms):  # type: ignore[no-untyped-def]
        receipts_written = any(index == SETTINGS.receipts_alias for index, _ in engine.docs)
        heard.append((list(outcomes), receipts_written))

    store = MemoryStore({"a.txt": b"A\nbody", "b.txt": b"B\nbody", "e.txt": b" "})
    result = service(store, engine, announce=announce, max_attempts=2).process(
        [message("a.txt", "01"), message("b.txt", "01"), message("e.txt", "01")], lambda: 60_000
    )

    assert result.failed_ids == ["b.txt-01"]
    ((outcomes, receipts_written),) = heard
    assert receipts_written
    assert sorted((o.receipt["key"], o.receipt["outcome"]) for o in outcomes) == [
        ("a.txt", "indexed"),
        ("e.txt", "rejected"),
    ]
    (indexed_outcome,) = [o for o in outcomes if o.receipt["outcome"] == "indexed"]
    assert [a.title for a in indexed_outcome.articles] == ["A"] and indexed_outcome.previous is None


# -- settings -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("  ", None),
        ("archive-search-events", "archive-search-events"),
        (
            "arn:aws:events:eu-west-1:123456789012:event-bus/archive",
            "arn:aws:events:eu-west-1:123456789012:event-bus/archive",
        ),
    ],
)
def test_event_bus_name_turns_events_on_by_name_or_arn(value: str | None, expected: str | None) -> None:
    from archive_search.settings import Settings

    env = {
        "OPENSEARCH_URL": "http://engine.invalid:9200",
        **({"EVENT_BUS_NAME": value} if value is not None else {}),
    }
    assert Settings.from_env(env).event_bus_name == expected


def test_an_event_bus_name_with_spaces_is_a_configuration_error() -> None:
    from archive_search.errors import ConfigurationError
    from archive_search.settings import Settings

    with pytest.raises(ConfigurationError, match="EVENT_BUS_NAME"):
        Settings.from_env({"OPENSEARCH_URL": "http://engine.invalid:9200", "EVENT_BUS_NAME": "my bus"})
