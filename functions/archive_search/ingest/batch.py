"""The SQS batch as Powertools sees it, around one ``IngestService.process`` call, and the
scheduled run of the events republisher (``outbox.republish``).

The service writes the whole batch with one bulk request, so it runs first; then
Powertools' ``BatchProcessor`` walks the records and reports the ones the service
could not settle as ``batchItemFailures`` (only those are retried by SQS).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from archive_search.adapters.alert_index import AlertIndex
from archive_search.adapters.events import EventPublisher
from archive_search.adapters.opensearch import cached_engine
from archive_search.adapters.s3 import ObjectStore
from archive_search.alerts.matcher import AlertMatcher
from archive_search.ingest.outbox import Outbox, OutboxPublisher, republish
from archive_search.ingest.outcomes import Announcers, OutcomeAnnouncer
from archive_search.ingest.service import IngestService, Message
from archive_search.observability import logger
from archive_search.settings import EVENT_TIME, get_settings


class RecordNotSettled(Exception):
    """Raised for a record the batch could not settle: SQS delivers it again."""


@lru_cache(maxsize=1)
def default_service() -> IngestService:
    """The service of this execution environment (clients created once, at cold start)."""
    settings = get_settings()
    if settings.event_order == EVENT_TIME:
        logger.warning(
            "EVENT_ORDER=event-time: events without an S3 sequencer are ordered by their event time",
            extra={"event_order": settings.event_order},
        )
    engine = cached_engine(settings)
    events = default_events()
    if events is None:
        return IngestService(ObjectStore(), engine, settings)
    publisher = OutboxPublisher(*events)
    matcher = AlertMatcher(AlertIndex(engine), engine, publisher)
    announce = Announcers(OutcomeAnnouncer(publisher), matcher)
    return IngestService(
        ObjectStore(),
        engine,
        settings,
        announce=announce,
        stage=publisher.stage_outcomes,
        withdraw=publisher.withdraw_outcomes,
    )


@lru_cache(maxsize=1)
def default_events() -> tuple[EventPublisher, Outbox] | None:
    """The bus publisher and the events outbox of this execution environment; ``None`` when
    no bus is configured (no events, so nothing to store or republish)."""
    settings = get_settings()
    if not settings.event_bus_name:
        return None
    return EventPublisher(settings.event_bus_name), Outbox(cached_engine(settings), settings.outbox_alias)


def is_scheduled_event(event: dict[str, Any]) -> bool:
    """An EventBridge schedule's invocation (``tests/events/scheduled_event.json``)."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


def handle_schedule(
    event: dict[str, Any], context: Any, events: tuple[Any, Outbox] | None = None
) -> dict[str, Any]:
    """One run of the events republisher, within the invocation's time (docs/events.md)."""
    events = events or default_events()
    if events is None:
        logger.info("no event bus configured: nothing to republish")
        return {"republished": 0, "failed": 0, "pending": 0, "oldest_age_seconds": 0.0, "stopped": None}
    publisher, outbox = events
    grace_s = get_settings().events_republish_after_s
    return republish(outbox, publisher, context.get_remaining_time_in_millis, grace_s=grace_s).as_dict()


def handle_sqs_batch(
    event: dict[str, Any], context: Any, service: IngestService | None = None
) -> PartialItemFailureResponse:
    service = service or default_service()
    records = event.get("Records") or []
    messages = [Message(message_id=r["messageId"], body=r.get("body", "")) for r in records]
    result = service.process(messages, remaining_ms=context.get_remaining_time_in_millis)

    def settle(record: SQSRecord) -> None:
        why = result.failed.get(record.message_id)
        if why is not None:
            logger.warning("record left for a retry", extra={"message_id": record.message_id, "reason": why})
            raise RecordNotSettled(why)

    # An all-failed batch is still a partial response: SQS retries exactly those records
    # and the Lambda invocation itself does not error.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=settle, processor=processor, context=context)
