"""Relay Lambda: EventBridge (``Alert Matched``, ``detail.target`` webhook) -> the alert's
``webhook_url``, signed (docs/alerts.md, Targets).

A failed delivery raises: Lambda retries the asynchronous invocation, then sends the event to
the relay's dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from archive_search.handlers.startup import imports_frozen

# Cold start: no garbage collection while the modules load (handlers/startup.py).
with imports_frozen():
    from archive_search.adapters.secrets import secret_bytes
    from archive_search.alerts.relay import relay_match, webhook_secret_id
    from archive_search.observability import logger, metrics, tracer

SECRET_ID = webhook_secret_id()  # checked at cold start: a missing setting names itself


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    delivery = relay_match(event, secret_bytes(SECRET_ID))
    return {"delivered": delivery.delivered, "reason": delivery.reason}
