"""Ingest Lambda: SQS (S3 notifications) -> archive_search.ingest; an EventBridge schedule ->
the events republisher."""

from __future__ import annotations

from typing import Any

from archive_search.handlers.startup import imports_frozen

# Cold start: no garbage collection while the modules load (handlers/startup.py).
with imports_frozen():
    from archive_search.ingest.batch import handle_schedule, handle_sqs_batch, is_scheduled_event
    from archive_search.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if is_scheduled_event(event):
        return handle_schedule(event, context)
    return dict(handle_sqs_batch(event, context))
