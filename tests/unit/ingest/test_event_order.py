"""EVENT_ORDER: S3's sequencer orders events unless a store that sends none is named
explicitly, and that mode is announced, never silent."""

from __future__ import annotations

import json

import pytest

from archive_search.errors import ConfigurationError
from archive_search.ingest import plans
from archive_search.settings import EVENT_TIME, SEQUENCER, Settings
from tests.events import load_event
from tests.ingest_support import reset_caches

pytestmark = pytest.mark.unit

URL = "http://127.0.0.1:9200"


def without_sequencer(event_time: str) -> str:
    body = load_event("s3_object_created_put")
    del body["Records"][0]["s3"]["object"]["sequencer"]
    body["Records"][0]["eventTime"] = event_time
    return json.dumps(body)


def test_the_sequencer_orders_events_unless_event_time_is_named() -> None:
    assert Settings.from_env({"OPENSEARCH_URL": URL}).event_order == SEQUENCER
    assert Settings.from_env({"OPENSEARCH_URL": URL, "EVENT_ORDER": "Event-Time"}).event_order == EVENT_TIME
    with pytest.raises(ConfigurationError, match="EVENT_ORDER"):
        Settings.from_env({"OPENSEARCH_URL": URL, "EVENT_ORDER": "clock"})


def test_a_message_without_sequencer_fails_with_a_reason_naming_the_setting() -> None:
    collected = plans.collect([("m1", without_sequencer("2024-05-29T10:15:30.123Z"))])

    assert collected.latest == {}
    assert "EVENT_ORDER=event-time" in collected.malformed["m1"]


def test_in_event_time_order_the_later_event_of_a_batch_wins() -> None:
    collected = plans.collect(
        [
            ("late", without_sequencer("2024-05-29T10:15:31.000Z")),
            ("early", without_sequencer("2024-05-29T10:15:30.000Z")),
        ],
        event_time_order=True,
    )

    [latest] = collected.latest.values()
    assert latest.message_ids == {"late"}


def test_the_event_time_mode_is_logged_at_cold_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from archive_search.ingest.batch import default_service

    monkeypatch.setenv("OPENSEARCH_URL", URL)
    monkeypatch.setenv("EVENT_ORDER", "event-time")
    reset_caches()
    try:
        default_service()
    finally:
        reset_caches()

    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("EVENT_ORDER=event-time" in message for message in warnings)
