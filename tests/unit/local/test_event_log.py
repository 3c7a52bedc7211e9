"""The local event log's decisions, without a queue: one line per event on its first
delivery, and a failing webhook retried until WEBHOOK_MAX_RECEIVES."""

from __future__ import annotations

import json
import logging

import pytest

from archive_local.config import StartupError
from archive_local.events import WEBHOOK_MAX_RECEIVES, EventLog, backoff_scale, event_line

pytestmark = pytest.mark.unit

EVENT = {
    "id": "e1",
    "detail-type": "Upload Rejected",
    "source": "archive-search",
    "detail": {"bucket": "archive", "key": "inbox/empty.txt", "outcome": "rejected", "reason": "empty"},
}


def message(receives: int) -> dict:
    return {
        "Body": json.dumps(EVENT),
        "ReceiptHandle": "h",
        "Attributes": {"ApproximateReceiveCount": str(receives)},
    }


def failing_post(url: str, body: bytes) -> None:
    raise OSError("connection refused")


def test_the_line_names_the_type_the_object_and_the_reason() -> None:
    assert event_line(EVENT) == "Upload Rejected s3://archive/inbox/empty.txt reason=empty"


def test_a_failing_webhook_keeps_the_message_until_the_last_receive(caplog) -> None:
    log = EventLog(sqs=None, queue_url="q", webhook_url="http://127.0.0.1:9/hook", post=failing_post)
    with caplog.at_level(logging.INFO, logger="events"):
        assert log._handle(message(1)) is False
        assert log._handle(message(WEBHOOK_MAX_RECEIVES - 1)) is False
        assert log._handle(message(WEBHOOK_MAX_RECEIVES)) is True
    lines = [r.getMessage() for r in caplog.records]
    assert sum(line.startswith("event ") for line in lines) == 1  # logged on the first delivery only
    assert "given up" in lines[-1]


def test_without_a_webhook_every_event_is_done_once_logged() -> None:
    posted: list[bytes] = []
    log = EventLog(sqs=None, queue_url="q", post=lambda url, body: posted.append(body))
    assert log._handle(message(1)) is True and posted == []


def test_a_webhook_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="LOCAL_WEBHOOK_URL"):
        EventLog(sqs=None, queue_url="q", webhook_url="ftp://x")


@pytest.mark.parametrize(("value", "scale"), [("", 1.0), ("0", 0.0), (" 0.01 ", 0.01), ("1", 1.0)])
def test_the_relay_backoff_scale_is_a_share_of_the_schedule(value: str, scale: float) -> None:
    assert backoff_scale({"LOCAL_WEBHOOK_BACKOFF_SCALE": value}) == scale


@pytest.mark.parametrize("value", ["2", "-0.5", "nan", "fast", "inf"])
def test_a_relay_backoff_scale_outside_0_to_1_stops_the_start_naming_it(value: str) -> None:
    with pytest.raises(StartupError, match="LOCAL_WEBHOOK_BACKOFF_SCALE"):
        backoff_scale({"LOCAL_WEBHOOK_BACKOFF_SCALE": value})
