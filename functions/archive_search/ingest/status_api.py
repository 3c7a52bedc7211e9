"""GET /ingest/status: the receipt of one upload, for the search API to include.

from archive_search.ingest.status_api import router
app.include_router(router)
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from archive_search.adapters.opensearch import cached_engine
from archive_search.errors import InvalidRequest
from archive_search.ingest.receipts import get_receipt
from archive_search.model import ObjectRef
from archive_search.settings import get_settings

router = Router()


@router.get(
    "/ingest/status",
    summary="The ingest outcome of one upload",
    description="indexed (document ids), duplicate (of which documents), rejected (reason) or deleted.",
)
def ingest_status(
    key: Annotated[str, Query(min_length=1, max_length=1024, description="the object key")],
    bucket: Annotated[str | None, Query(max_length=255, description="defaults to the archive bucket")] = None,
) -> dict[str, Any]:
    settings = get_settings()
    bucket = bucket or settings.archive_bucket
    if not bucket:
        raise InvalidRequest("bucket is required: no archive bucket is configured", parameter="bucket")
    return get_receipt(cached_engine(settings), settings.receipts_alias, ObjectRef(bucket, key))
