"""The relay's queue: webhook alert matches wait in ``RelayQueue`` between attempts, with backoff.

The relay reads the queue in batches (an SQS event: the Lambda event source mapping, or the local
stack's pump) and answers as ``ReportBatchItemFailures`` asks:

- delivered, or given up (the receiver refused it, the URL or its address is refused, the body is
  too large, the message is not a JSON event): the item succeeds and leaves the queue;
- failed (5xx, 408, 429, timeout, no connection, a name that does not resolve): the message is
  hidden until the next step of ``RETRY_DELAYS_SECONDS`` (``ChangeMessageVisibility``), longer when
  the receiver's ``Retry-After`` asks for it, and the item is reported failed; after attempt
  ``MAX_ATTEMPTS`` it is visible again at once, and the queue's redrive policy (``maxReceiveCount``
  = ``MAX_ATTEMPTS``) moves it to the relay's dead-letter queue at its next receive.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from archive_search.alerts.relay import Delivery, DeliveryFailed
from archive_search.errors import ConfigurationError
from archive_search.observability import logger, metrics

# SQS hides a message for at most 12 h from its receipt; the margin covers the attempt itself.
MAX_DELAY_SECONDS = 12 * 3600 - 300
# How long a match waits after each failed attempt: docs/alerts.md, Webhook deliveries, states
# the schedule; the template's maxReceiveCount is MAX_ATTEMPTS (a template test ties them).
RETRY_DELAYS_SECONDS = (60, 300, 1800, 7200, 21600, MAX_DELAY_SECONDS, MAX_DELAY_SECONDS)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1

Relay = Callable[[dict[str, Any]], Delivery]
# Hide the message with this receipt handle for this many seconds.
SetVisibility = Callable[[str, int], None]


def retry_delay(attempt: int, retry_after: int | None = None) -> int:
    """Seconds a match waits after its failed attempt ``attempt`` (1 for the first): that step
    of the schedule, or the receiver's ``retry_after`` when longer, at most ``MAX_DELAY_SECONDS``;
    0 after the last attempt (the dead-letter queue takes it at its next receive)."""
    if attempt >= MAX_ATTEMPTS:
        return 0
    step = RETRY_DELAYS_SECONDS[max(attempt, 1) - 1]
    return min(max(step, retry_after or 0), MAX_DELAY_SECONDS)


def _json_object(body: str) -> dict[str, Any] | None:
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):  # deep nesting raises RecursionError, not ValueError
        return None
    return event if isinstance(event, dict) else None


def relay_queue_url(env: Mapping[str, str] = os.environ) -> str:
    """``RELAY_QUEUE_URL``: the queue the relay reads, whose messages it hides between attempts."""
    url = env.get("RELAY_QUEUE_URL", "").strip()
    if not url:
        raise ConfigurationError("RELAY_QUEUE_URL must name the queue the relay reads (RelayQueue)")
    return url


def relay_batch(
    event: dict[str, Any], relay: Relay, set_visibility: SetVisibility, *, delay_scale: float = 1.0
) -> dict[str, Any]:
    """Relay each record of an SQS event; returns the ``batchItemFailures`` answer.
    ``delay_scale`` (0 to 1) shortens every wait: the local stack's setting, 1 in AWS."""

    def relay_record(record: SQSRecord) -> None:
        event = _json_object(record.body)
        if event is None:
            # Only a sender outside the rule could put it here: no retry makes it an event.
            logger.warning(
                "alert webhook given up",
                extra={"reason": "not_an_event", "message_id": record.message_id},
            )
            metrics.add_metric(name="AlertWebhookGivenUp", unit=MetricUnit.Count, value=1)
            return
        try:
            relay(event)
        except DeliveryFailed as failed:
            attempt = int(record.attributes.approximate_receive_count)
            delay = int(retry_delay(attempt, failed.retry_after) * delay_scale)
            logger.info(
                "alert webhook waits for its next attempt",
                extra={"message_id": record.message_id, "attempt": attempt, "delay_seconds": delay},
            )
            set_visibility(record.receipt_handle, delay)
            raise

    # A batch that failed whole is still an answer, not an error: the waits set above hold.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return dict(process_partial_response(event=event, record_handler=relay_record, processor=processor))
