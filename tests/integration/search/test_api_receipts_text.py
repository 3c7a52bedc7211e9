"""Routes that return plain values (the ingest status router) go through the API's serializer
and middleware: their strings are plain text and they carry the same safety headers."""

from __future__ import annotations

from archive_search.index_schema import receipts_index_body
from archive_search.model import ObjectRef, receipt_id
from tests.integration.search.support import BUCKET, SearchApi

KEY = "inbox/<b>it's & more</b>.txt"
REASON = "<script>alert('x')</script> & \"quotes\""


def test_a_receipt_comes_back_as_plain_text_with_the_safety_headers(api: SearchApi) -> None:
    alias = api.settings.receipts_alias
    api.engine.ensure_index(alias, receipts_index_body())
    doc = {"bucket": BUCKET, "key": KEY, "outcome": "rejected", "reason": REASON}
    api.engine.client.index(index=alias, id=receipt_id(ObjectRef(BUCKET, KEY)), body=doc, refresh=True)
    try:
        response = api.get("/ingest/status", {"key": KEY})
        assert response.status == 200, response.text
        assert response.json["key"] == KEY and response.json["reason"] == REASON
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        for name in api.engine.alias_targets(alias):
            api.engine.client.indices.delete(index=name)
