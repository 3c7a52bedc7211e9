"""Replaying the relay's dead-letter queue (``archive-search redrive-relay``).

Each message there is an ``Alert Matched`` event of a webhook alert (the body EventBridge or
Lambda put in the queue, unchanged); it is invoked on the relay again, asynchronously, so it gets
the relay's retries and dead-letter queue once more, and deleted once Lambda accepted it. A
message that is not such an event (another queue's, named by mistake) stops the replay and stays
in the queue: fed to the relay it would be given up, and lost.
"""

from __future__ import annotations

import json
from typing import Any

from archive_search.adapters.lambdas import invoke_async
from archive_search.adapters.sqs import drain
from archive_search.alerts.events import DETAIL_TYPE
from archive_search.errors import ArchiveSearchError, InvalidRequest
from archive_search.ingest.outcomes import SOURCE


def is_webhook_match(body: str) -> bool:
    """Whether ``body`` is an event the relay's rule sends it: an ``Alert Matched`` event of a
    webhook alert."""
    try:
        event = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(event, dict)
        and event.get("source") == SOURCE
        and event.get("detail-type") == DETAIL_TYPE
        and isinstance(event.get("detail"), dict)
        and event["detail"].get("target") == "webhook"
    )


def redrive_relay(dlq_url: str, function_name: str, *, limit: int | None = None) -> int:
    """Invoke the relay again with each message of its DLQ; returns how many were replayed."""

    def invoke(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], ArchiveSearchError | None]:
        accepted: list[dict[str, Any]] = []
        for message in messages:
            if not is_webhook_match(message["Body"]):
                return accepted, InvalidRequest(
                    f"message {message['MessageId']} in {dlq_url} is not an {DETAIL_TYPE} event of a "
                    "webhook alert: it and the rest stay in the queue; is this the relay's DLQ?",
                    parameter="--dlq-url",
                )
            try:
                invoke_async(function_name, message["Body"])
            except ArchiveSearchError as error:
                return accepted, error
            accepted.append(message)
        return accepted, None

    return drain(dlq_url, invoke, limit=limit)
