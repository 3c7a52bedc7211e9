"""Search Lambda: API Gateway HTTP API (payload v2) -> the search API."""

from __future__ import annotations

from typing import Any

from archive_search.handlers.startup import imports_frozen

# Cold start: no garbage collection while the modules load (handlers/startup.py).
with imports_frozen():
    from aws_lambda_powertools.logging import correlation_paths
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from archive_search.observability import logger, tracer
    from archive_search.search.api import app


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
# Responses carry article bodies: they are not copied into X-Ray traces.
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
