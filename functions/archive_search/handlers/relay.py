"""Relay Lambda: RelayQueue (``Alert Matched`` events of webhook alerts, routed by ``RelayRule``)
-> the alert's ``webhook_url``, signed (docs/alerts.md, Webhook deliveries).

A failed delivery stays in the queue, hidden until its next attempt, and is reported as a batch
item failure; after the last attempt the queue's redrive policy moves it to the relay's DLQ.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from archive_search.handlers.startup import imports_frozen

# Cold start: no garbage collection while the modules load (handlers/startup.py).
with imports_frozen():
    from archive_search.adapters.secrets import secret_bytes
    from archive_search.adapters.sqs import change_visibility
    from archive_search.alerts.relay import relay_match
    from archive_search.alerts.relay_queue import relay_batch, relay_queue_url
    from archive_search.alerts.signing import webhook_secret_id
    from archive_search.observability import logger, metrics, tracer

# Checked at cold start: a missing setting names itself.
SECRET_ID = webhook_secret_id()
QUEUE_URL = relay_queue_url()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    relay = partial(relay_match, secret=secret_bytes(SECRET_ID))
    return relay_batch(event, relay, partial(change_visibility, QUEUE_URL))
