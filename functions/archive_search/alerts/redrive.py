"""Replaying the relay's dead-letter queue (``archive-search redrive-relay``).

Each message there is an ``Alert Matched`` event of a webhook alert (the body EventBridge put in
the relay's queue, unchanged); it is sent back to that queue, where the relay reads it at once and
it gets the whole retry schedule again, and deleted from the DLQ once the queue took it. A message
that is not such an event (another queue's, named by mistake) stops the replay and stays in the
DLQ: fed to the relay it would be given up, and lost.
"""

from __future__ import annotations

import json
from typing import Any

from archive_search.adapters.sqs import redrive
from archive_search.alerts.events import DETAIL_TYPE
from archive_search.errors import InvalidRequest
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


def redrive_relay(dlq_url: str, queue_url: str, *, limit: int | None = None) -> int:
    """Send each message of the relay's DLQ back to its queue; returns how many were replayed."""

    def refuse(message: dict[str, Any]) -> InvalidRequest | None:
        if is_webhook_match(message["Body"]):
            return None
        return InvalidRequest(
            f"message {message['MessageId']} in {dlq_url} is not an {DETAIL_TYPE} event of a "
            "webhook alert: it and the rest stay in the queue; is this the relay's DLQ?",
            parameter="--dlq-url",
        )

    return redrive(dlq_url, queue_url, limit=limit, refuse=refuse)
