"""Ingest receipts: the latest outcome of every upload, one document per bucket + key.

A receipt is written with the external version of the event it records, after the
documents of that event are settled, so it never claims what did not happen and an
older event can never overwrite the receipt of a newer one. Outcomes:

- ``indexed``: the object's articles are searchable (``document_ids``; documents the
  index refused are listed in ``failed_documents``; near-identical documents under
  other keys, found by fingerprint, in ``duplicate_of``).
- ``duplicate``: the same bytes were already indexed under this key by the same
  cleaner; nothing was rewritten (``duplicate_of``: the documents that hold them).
- ``rejected``: the object cannot become an article (``reason``, ``message``); it
  stays in the bucket, and documents of earlier content are tombstoned.
- ``deleted``: the object was removed; its documents are tombstones.
"""

from __future__ import annotations

from typing import Any

from archive_search.errors import NotFound
from archive_search.model import ObjectRef, receipt_id

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


def get_receipt(engine: Any, alias: str, ref: ObjectRef) -> dict[str, Any]:
    """The receipt of one object, with its ``event_version``; NotFound when there is none."""
    found = read_receipts(engine, alias, [ref])
    if ref not in found:
        raise NotFound(f"no ingest receipt for s3://{ref.bucket}/{ref.key}")
    return found[ref][1]
