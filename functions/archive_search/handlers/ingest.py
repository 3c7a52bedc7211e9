"""Ingest Lambda: SQS (S3 notifications) -> archive_search.ingest."""

from __future__ import annotations

from typing import Any

from archive_search.handlers.startup import imports_frozen

# Cold start: no garbage collection while the modules load (handlers/startup.py).
with imports_frozen():
    from archive_search.ingest.batch import handle_sqs_batch
    from archive_search.observability import logger, metrics, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(handle_sqs_batch(event, context))
