"""Ingest receipts: the latest outcome of every upload, one document per bucket + key.

A receipt is written with the external version of the event it records, after the
documents of that event are settled, so it never claims what did not happen and an
older event can never overwrite the receipt of a newer one. Outcomes:

- ``indexed``: the object's articles are searchable (``document_ids``; documents the
  index refused are listed in ``failed_documents``; near-identical documents under
  other keys, found by fingerprint, in ``duplicate_of``; records of the file that became
  no article are counted in ``skipped`` and the first ones named in ``skipped_records``).
- ``duplicate``: the same bytes were already indexed under this key by the same
  cleaner; nothing was rewritten (``duplicate_of``: the documents that hold them).
- ``rejected``: the object cannot become an article (``reason``, ``message``); it
  stays in the bucket, and documents of earlier content are tombstoned.
- ``deleted``: the object was removed; its documents are tombstones.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from archive_search.errors import NotFound
from archive_search.model import ObjectRef, receipt_id
from archive_search.settings import not_an_upload

INDEXED = "indexed"
DUPLICATE = "duplicate"
REJECTED = "rejected"
DELETED = "deleted"
OUTCOMES = (INDEXED, DUPLICATE, REJECTED, DELETED)
LIVE_OUTCOMES = (INDEXED, DUPLICATE)


def live_articles(receipt: dict[str, Any] | None) -> int:
    """How many ordinals of the key hold live documents according to its receipt."""
    if not receipt or receipt.get("outcome") not in LIVE_OUTCOMES:
        return 0
    return int(receipt.get("articles") or 0)


def read_receipts(engine: Any, alias: str, refs: list[ObjectRef]) -> dict[ObjectRef, tuple[int, dict]]:
    """(version, receipt) of each ref that has one, in one request."""
    by_id = {receipt_id(ref): ref for ref in refs}
    found = engine.mget(list(by_id), index=alias)
    return {by_id[doc_id]: (int(doc["_version"]), doc["_source"]) for doc_id, doc in found.items()}


def as_read(receipt: dict[str, Any]) -> dict[str, Any]:
    """A receipt as the status route and the CLI answer it: an ``indexed`` or ``duplicate``
    one always says what was skipped (ingest writes the fields only when records were)."""
    if receipt.get("outcome") not in LIVE_OUTCOMES:
        return receipt
    return {"skipped": 0, "skipped_records": [], **receipt}


def key_forms(key: str) -> list[str]:
    """``key``, then its other Unicode normal forms: S3 compares keys byte for byte, and macOS
    writes a file's name decomposed (NFD) where a typed or pasted key is composed (NFC)."""
    return list(dict.fromkeys([key, *(unicodedata.normalize(form, key) for form in ("NFC", "NFD"))]))


def get_receipt(engine: Any, alias: str, ref: ObjectRef) -> dict[str, Any]:
    """The receipt of one object, with its ``event_version``, else of the key in another
    Unicode normal form (the receipt names its key); NotFound when there is none, saying why
    when the key is one ingest never reads (it will never have one)."""
    refs = [ObjectRef(ref.bucket, key) for key in key_forms(ref.key)]
    found = read_receipts(engine, alias, refs)
    for candidate in refs:
        if candidate in found:
            return as_read(found[candidate][1])
    why = not_an_upload(ref.key)
    raise NotFound(f"no ingest receipt for s3://{ref.bucket}/{ref.key}" + (f": {why}" if why else ""))


# -- progress: counts, listings and what is still queued --------------------------------
# Keys listed per progress check: beyond this, ``queued`` counts the first keys only and
# ``listing_complete`` says so (a bucket listing is 1,000 keys per S3 request).
MAX_LISTED_KEYS = 10_000
_MGET_CHUNK = 1_000


def _scope(bucket: str, prefix: str | None) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"term": {"bucket": bucket}}]
    if prefix:
        clauses.append({"prefix": {"key": prefix}})
    return clauses


def outcome_counts(engine: Any, alias: str, bucket: str, prefix: str | None = None) -> dict[str, int]:
    """How many receipts of ``bucket`` (under ``prefix``) hold each outcome, in one request."""
    body = {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": _scope(bucket, prefix)}},
        "aggs": {"outcomes": {"terms": {"field": "outcome", "size": len(OUTCOMES)}}},
    }
    response = engine.search(body, index=alias)
    counts = dict.fromkeys(OUTCOMES, 0)
    for bucket_count in response.get("aggregations", {}).get("outcomes", {}).get("buckets", []):
        counts[bucket_count["key"]] = int(bucket_count["doc_count"])
    return counts


# Oldest-first pages (a poller following receipts) stop this long before now: a receipt's
# updated_at is taken before its bulk write, which ingest ends within RECEIPT_WRITE_WINDOW_S
# of it (retries included; what does not fit is retried by SQS with a fresh updated_at), and
# the index refresh follows, so a receipt older than this is searchable for good and a cursor
# past it never skips one written late.
FOLLOW_MARGIN_S = 60
# The rest of the margin covers the refresh interval and clock differences between functions.
RECEIPT_WRITE_WINDOW_S = FOLLOW_MARGIN_S - 5


def latest_receipts(
    engine: Any,
    alias: str,
    bucket: str,
    *,
    prefix: str | None = None,
    outcomes: tuple[str, ...] = (),
    since: str | None = None,
    size: int = 20,
    after: list[Any] | None = None,
    oldest_first: bool = False,
    before: str | None = None,
) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """The newest receipts first (or the oldest, ``oldest_first``), ties by key, updated
    before ``before`` when given, and the sort values to continue after: ``None`` on the
    last newest-first page; oldest first, those of the last receipt returned (``after``
    again on an empty page), so a poller resumes where it stopped."""
    clauses = _scope(bucket, prefix)
    if outcomes:
        clauses.append({"terms": {"outcome": list(outcomes)}})
    if since or before:
        bounds = {"gte": since} if since else {}
        clauses.append({"range": {"updated_at": {**bounds, **({"lt": before} if before else {})}}})
    body: dict[str, Any] = {
        "size": size + 1,
        "query": {"bool": {"filter": clauses}},
        "sort": [{"updated_at": {"order": "asc" if oldest_first else "desc"}}, {"key": {"order": "asc"}}],
    }
    if after:
        body["search_after"] = after
    hits = engine.search(body, index=alias)["hits"]["hits"]
    page = hits[:size]
    if oldest_first:
        return [as_read(hit["_source"]) for hit in page], (list(page[-1]["sort"]) if page else after)
    more = len(hits) > size and page
    return [as_read(hit["_source"]) for hit in page], (list(page[-1]["sort"]) if more else None)


def keys_ending_with(engine: Any, alias: str, bucket: str, key: str, *, limit: int = 3) -> list[str]:
    """Receipted keys that end with ``/key`` in any Unicode normal form: what a client that left
    out the prefix meant."""
    endings = [
        {"wildcard": {"key": {"value": "*/" + "".join("\\" + c if c in "*?\\" else c for c in form)}}}
        for form in key_forms(key.lstrip("/"))
    ]
    body = {
        "size": limit,
        "_source": ["key"],
        "query": {"bool": {"filter": _scope(bucket, None), "should": endings, "minimum_should_match": 1}},
        "sort": [{"key": {"order": "asc"}}],
    }
    return [hit["_source"]["key"] for hit in engine.search(body, index=alias)["hits"]["hits"]]


def keys_with_plus_for_space(engine: Any, alias: str, bucket: str, key: str, *, limit: int = 3) -> list[str]:
    """Receipted keys that are ``key`` with a ``+`` where it has a space: a ``+`` typed into a
    URL's query reaches the service as a space, so ``?key=inbox/Q+A.txt`` asks for
    ``inbox/Q A.txt``."""
    if " " not in key:
        return []
    escaped = "".join("\\" + c if c in "*?\\" else c for c in key)
    body = {
        "size": limit,
        "_source": ["key"],
        "query": {
            "bool": {
                "filter": [*_scope(bucket, None), {"wildcard": {"key": {"value": escaped.replace(" ", "?")}}}]
            }
        },
        "sort": [{"key": {"order": "asc"}}],
    }
    found = [hit["_source"]["key"] for hit in engine.search(body, index=alias)["hits"]["hits"]]
    return [
        k
        for k in found
        if k != key and all(a == b or (a == " " and b == "+") for a, b in zip(key, k, strict=True))
    ]


def queued_keys(
    engine: Any,
    alias: str,
    listing: Iterable[tuple[str, str]],
    bucket: str,
    max_keys: int | None = MAX_LISTED_KEYS,
) -> tuple[list[str], int, bool]:
    """Of the listed (key, etag) pairs (at most ``max_keys``; ``None``: all), the keys whose
    receipt is missing or records other content: uploads ingest has not settled yet. Returns
    them, how many keys were listed, and whether the listing was read to its end."""
    queued: list[str] = []
    listed = 0
    complete = True
    chunk: dict[ObjectRef, str] = {}

    def settle(pending: dict[ObjectRef, str]) -> None:
        found = read_receipts(engine, alias, list(pending))
        for ref, etag in pending.items():
            receipt = found.get(ref, (0, {}))[1]
            if receipt.get("etag") != etag or receipt.get("outcome") == DELETED:
                queued.append(ref.key)

    for key, etag in listing:
        if listed == max_keys:
            complete = False
            break
        listed += 1
        chunk[ObjectRef(bucket, key)] = etag
        if len(chunk) == _MGET_CHUNK:
            settle(chunk)
            chunk = {}
    if chunk:
        settle(chunk)
    return queued, listed, complete
