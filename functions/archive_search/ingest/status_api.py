"""GET /ingest/status: the receipt of one upload, or the progress of many, for the HTTP API.

    from archive_search.ingest.status_api import router
    app.include_router(router)

With ``key``: that upload's receipt, found in any Unicode normal form of the key (404 names
the receipted keys ending with it when the client left out a prefix, and says when the object
is in the bucket, queued). Without: counts by outcome for the bucket or ``prefix``, how
many listed objects are still queued (no receipt for their current content), and the
latest receipts, newest first, filtered by ``outcome``/``since``/``prefix``, with a cursor;
``order=oldest`` pages forward instead, for a poller following receipts (docs/integration.md).

Reads receipts (and lists the bucket for ``queued``) only: nothing here imports the
ingest service or the cleaner, which the search function does not ship.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BeforeValidator

from archive_search.adapters.opensearch import cached_engine
from archive_search.errors import (
    ConfigurationError,
    EngineUnavailable,
    IndexMissing,
    InvalidRequest,
    NotFound,
    StorageUnavailable,
)
from archive_search.ingest import receipts
from archive_search.ingest.outcomes import event_id
from archive_search.model import ObjectRef
from archive_search.search import cursor as cursors
from archive_search.search.http import documented, json_response, ok_response, reject_unknown_parameters
from archive_search.settings import Settings, get_settings, is_upload_key

router = Router()

# An outcome of a comma-separated list, spaces around it ignored (outcome=indexed, rejected),
# as /search reads its filters.
Outcome = Annotated[
    Literal[receipts.OUTCOMES],  # type: ignore[valid-type]
    BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v),
]
# RFC 3339 and ISO 8601 as platforms write them: T and Z in either case (RFC 3339 5.6), up to
# nanoseconds (Go's RFC3339Nano, Java's Instant; read to the microsecond, rounded down). A space
# before the offset passes the pattern to be refused by name: it is a + a URL turned into one.
SINCE_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?([Zz]|[+ -][0-9]{2}:[0-9]{2})?)?$"
)
_OFFSET_PLUS_AS_SPACE = re.compile(r"[Tt ][0-9]{2}:[0-9]{2}(:[0-9.]+)? [0-9]{2}:[0-9]{2}$")
LIST_PARAMETERS = ("prefix", "outcome", "since", "size", "cursor", "order")


def status_path(key: str) -> str:
    """The path (relative to the API's base URL) of an upload's status."""
    return f"/ingest/status?key={quote(key, safe='/')}"


@router.get(
    "/ingest/status",
    summary="Ingest progress: one upload's receipt, or counts and the latest receipts",
    description=(
        "With key: that upload's receipt (indexed with its document ids, duplicate, rejected with "
        "a reason, or deleted). Without key: counts by outcome (and queued: listed objects without "
        "a receipt for their current content) for the bucket or prefix, plus the latest receipts, "
        "newest first, filtered by outcome, since and prefix, paged with next_cursor; order=oldest "
        "lists them oldest first and always gives a next_cursor to resume after the last one."
    ),
    middlewares=[reject_unknown_parameters],
    # The answer is a Response (the same JSON serialiser as every route), so its shape is
    # documented here, built with the document only (search/http.py ``documented``); the error
    # answers are the common ones.
    openapi_extensions=documented(
        lambda: {"responses": ok_response(_status_model(), "The receipt, or the progress")}
    ),
)
def ingest_status(
    key: Annotated[str | None, Query(min_length=1, max_length=1024, description="the object key")] = None,
    bucket: Annotated[str | None, Query(max_length=255, description="defaults to the archive bucket")] = None,
    prefix: Annotated[str | None, Query(max_length=1024, description="only keys under this prefix")] = None,
    outcome: Annotated[list[Outcome] | None, Query(description="only receipts with these outcomes")] = None,
    since: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=SINCE_PATTERN,
            description="only receipts updated at or after this ISO 8601 date or time (UTC unless it says)",
        ),
    ] = None,
    size: Annotated[int, Query(ge=1, le=100, description="receipts per page")] = 20,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1, max_length=cursors.MAX_CURSOR_CHARS, description="next_cursor of the previous page"
        ),
    ] = None,
    order: Annotated[
        Literal["newest", "oldest"],
        Query(description="newest first (default), or oldest first to follow receipts with next_cursor"),
    ] = "newest",
):
    settings = get_settings()
    bucket = bucket or settings.archive_bucket
    if not bucket:
        raise InvalidRequest("bucket is required: no archive bucket is configured", parameter="bucket")
    if key is not None:
        query = _given_query_parameters()
        for name in LIST_PARAMETERS:
            if name in query:
                raise InvalidRequest(f"{name} lists receipts: leave out key, or leave out {name}", name)
        return json_response(200, _one_receipt(settings, ObjectRef(bucket, key)))
    if settings.archive_bucket and bucket != settings.archive_bucket:
        # The function may list the archive bucket only (least privilege).
        raise InvalidRequest(
            "bucket: progress is counted for the archive bucket only; leave it out", "bucket"
        )
    since_iso = _since(since)
    outcomes = tuple(dict.fromkeys(outcome or []))
    return json_response(
        200, progress(settings, bucket, prefix or "", outcomes, since_iso, size, cursor, order=order)
    )


def _status_model() -> Any:
    from archive_search.search.models import IngestStatusResponse  # deferred: documentation only

    return IngestStatusResponse


def _given_query_parameters() -> set[str]:
    return set(router.current_event.query_string_parameters or {})


def _since(value: str | None) -> str | None:
    """``since`` as a UTC instant: ISO 8601 allows offsets to ±23:59, the engine reads ±18:00."""
    if value is None:
        return None
    if _OFFSET_PLUS_AS_SPACE.search(value):
        raise InvalidRequest(
            f"since: {value} has a space before its offset: a + in a URL's query is read as a space, "
            "so write it %2B (since=2024-05-01T10:00:00%2B02:00)",
            "since",
        )
    try:
        moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"since: {value} is not an ISO 8601 date or time", "since") from None
    try:
        return (moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    except OverflowError:
        raise InvalidRequest(f"since: {value} is outside the years 1 to 9999 in UTC", "since") from None


def _one_receipt(settings: Settings, ref: ObjectRef) -> dict[str, Any]:
    engine = cached_engine(settings)
    try:
        receipt = receipts.get_receipt(engine, settings.receipts_alias, ref)
    except NotFound:
        try:
            plus = receipts.keys_with_plus_for_space(engine, settings.receipts_alias, ref.bucket, ref.key)
            meant = (
                []
                if plus
                else receipts.keys_ending_with(engine, settings.receipts_alias, ref.bucket, ref.key)
            )
        except EngineUnavailable:  # the hint is a courtesy (no receipts index yet): the 404 stands
            plus, meant = [], []
        if plus:
            hint = " or ".join(f"key={quote(key, safe='/')}" for key in plus)
            raise NotFound(
                f"no ingest receipt for s3://{ref.bucket}/{ref.key}: a + in a URL's query is read as a "
                f"space, so write it %2B; did you mean {hint}?"
            ) from None
        if not meant:
            if _waits_for_ingest(settings, ref):
                raise NotFound(
                    f"no ingest receipt for s3://{ref.bucket}/{ref.key}: the object is in the bucket and "
                    "waits for ingest (queued); ask again in a few seconds"
                ) from None
            raise
        hint = " or ".join(meant)
        raise NotFound(
            f"no ingest receipt for s3://{ref.bucket}/{ref.key}: keys are whole, prefix included; "
            f"did you mean key={hint}?"
        ) from None
    return {**receipt, "event_pending": event_pending(engine, settings.outbox_alias, receipt)}


def _waits_for_ingest(settings: Settings, ref: ObjectRef) -> bool:
    """Whether ``ref``, which has no receipt, is an upload in the archive bucket (the one this
    function may list): queued, not a wrong key. A courtesy: False when S3 cannot say."""
    if ref.bucket != settings.archive_bucket:
        return False
    try:
        first = next(_listing(None, ref.bucket, ref.key), None)  # the key itself sorts first
    except (StorageUnavailable, NotFound):
        return False
    return first is not None and first[0] == ref.key


def event_pending(engine: Any, outbox_alias: str, receipt: dict[str, Any]) -> bool | None:
    """Whether the receipt's event still waits in the events outbox (the bus has not accepted
    it yet: ingest/outbox.py), by the id ingest gave it. No outbox index means none was ever
    stored (no bus configured, or nothing published yet): False. None when the engine cannot
    be read, since the receipt alone is still worth answering."""
    ref = ObjectRef(str(receipt.get("bucket")), str(receipt.get("key")))
    ids = [event_id(ref, receipt, str(receipt.get("outcome")))]
    body = {"query": {"ids": {"values": ids}}, "size": 0, "track_total_hits": True}
    try:
        total = engine.search(body, index=outbox_alias)["hits"]["total"]
    except IndexMissing:
        return False
    except EngineUnavailable:
        return None
    return int(total["value"] if isinstance(total, dict) else total) > 0


def progress(
    settings: Settings,
    bucket: str,
    prefix: str,
    outcomes: tuple[str, ...] = (),
    since: str | None = None,
    size: int = 20,
    cursor: str | None = None,
    *,
    order: str = "newest",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Counts by outcome, queued objects and one page of the latest receipts under ``prefix``
    (``order="oldest"``: the oldest after the cursor, updated before ``now`` minus the
    follow margin)."""
    engine = cached_engine(settings)
    oldest_first = order == "oldest"
    request = {"bucket": bucket, "prefix": prefix, "outcome": outcomes, "since": since}
    # Newest-first cursors keep their digest (no order in it), so cursors in flight stay valid.
    digest = cursors.request_digest({**request, "order": order} if oldest_first else request)
    before = (
        ((now or datetime.now(UTC)) - timedelta(seconds=receipts.FOLLOW_MARGIN_S)).isoformat()
        if oldest_first
        else None
    )
    after = cursors.decode(cursor, digest, key=_cursor_key(settings)).after if cursor else None
    report = progress_counts(settings, bucket, prefix)
    page, next_after = (
        receipts.latest_receipts(
            engine,
            settings.receipts_alias,
            bucket,
            prefix=prefix,
            outcomes=outcomes,
            since=since,
            size=size,
            after=after,
            oldest_first=oldest_first,
            before=before,
        )
        if report.pop("started")
        else ([], after if oldest_first else None)
    )
    next_cursor = cursors.encode(next_after, digest, [], key=_cursor_key(settings)) if next_after else None
    return {**report, "receipts": page, "next_cursor": next_cursor}


def progress_counts(
    settings: Settings,
    bucket: str,
    prefix: str,
    *,
    store: Any = None,
    max_listed: int | None = receipts.MAX_LISTED_KEYS,
) -> dict[str, Any]:
    """Counts by outcome under ``prefix`` and the queued objects among the first
    ``max_listed`` listed keys (``None``: all); ``started`` is False before ingest's first
    run (no receipts index yet: nothing is settled)."""
    engine = cached_engine(settings)
    started = bool(engine.alias_targets(settings.receipts_alias))
    counts = (
        receipts.outcome_counts(engine, settings.receipts_alias, bucket, prefix)
        if started
        else dict.fromkeys(receipts.OUTCOMES, 0)
    )
    queued, listed, complete = receipts.queued_keys(
        engine, settings.receipts_alias, _listing(store, bucket, prefix), bucket, max_listed
    )
    return {
        "bucket": bucket,
        "prefix": prefix,
        "counts": {"queued": len(queued), **counts},
        "listed_objects": listed,
        "listing_complete": complete,
        "settled": complete and not queued,
        "started": started,
    }


def _cursor_key(settings: Settings) -> bytes:
    if not settings.cursor_secret:
        raise ConfigurationError("CURSOR_SECRET is not set: /ingest/status cannot make or read cursors")
    return settings.cursor_secret


def _listing(store: Any, bucket: str, prefix: str) -> Any:
    # The S3 adapter (and boto3) is imported on the first progress request only: a search
    # function that never serves one does not pay for it at cold start.
    if store is None:
        from archive_search.adapters.s3 import ObjectStore

        store = ObjectStore()
    return ((key, etag) for key, etag in store.list_keys(bucket, prefix) if is_upload_key(key))
