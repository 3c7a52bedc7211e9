"""`archive-search reindex` on a bucket that does not exist: refused before anything is built."""

from __future__ import annotations

import json

import pytest

from archive_search.errors import NotFound
from archive_search.ingest.batch import default_service
from archive_search.ingest.reindex import reindex
from archive_search.search.body import _sort as sort_clause  # the order of sort=indexed
from tests.ingest_support import IngestRig, ingest  # noqa: F401  (the fixture)

pytestmark = pytest.mark.integration


def test_reindex_of_a_missing_bucket_creates_no_index(ingest: IngestRig) -> None:  # noqa: F811
    # Given the article indices that exist before (the receipts index is created as bootstrap does)
    receipts = ingest.settings.receipts_alias
    before = {name for name in ingest.engine.client.indices.get(index="*") if not name.startswith(receipts)}
    # When a bucket that does not exist is reindexed
    with pytest.raises(NotFound, match="no bucket named"):
        reindex(default_service(), "no-such-bucket-here")
    # Then no new (empty) index is left behind
    after = {name for name in ingest.engine.client.indices.get(index="*") if not name.startswith(receipts)}
    assert after == before


def _bulletin(*bodies: str) -> str:
    return json.dumps([{"title": f"Harbour note {n}", "body": body} for n, body in enumerate(bodies)])


FERRY = "The ferry to the island runs again from Monday, the harbour board said after its meeting."
QUAY = "Work on the new quay starts in the spring and should end before the summer season opens."
MARKET = "The covered market opens on Sundays from next month, traders and the council agreed today."


def _times(ingest: IngestRig) -> dict[tuple[str, int], str]:  # noqa: F811
    return {k: d["ingested_at"] for k, d in ingest.documents().items()}


def _indexed_order(ingest: IngestRig) -> list[str]:  # noqa: F811
    ingest.engine.refresh()
    body = {"size": 100, "query": {"bool": {"must_not": [{"term": {"deleted": True}}]}}}
    body["sort"] = sort_clause("indexed")
    return [h["_id"] for h in ingest.engine.search(body)["hits"]["hits"]]


def test_reindex_keeps_each_article_s_indexing_time_and_the_indexed_order(ingest: IngestRig) -> None:  # noqa: F811
    # Given two uploads indexed one batch after the other
    ingest.put("news/a.json", _bulletin(FERRY, QUAY))
    ingest.drain()
    ingest.put("news/b.json", _bulletin(MARKET))
    ingest.drain()
    before, order = _times(ingest), _indexed_order(ingest)
    # When the archive is reindexed
    report = reindex(default_service(), ingest.archive.bucket)
    assert report.swapped and not report.failed
    # Then every article keeps its time, and the indexed order is the same
    assert _times(ingest) == before
    assert _indexed_order(ingest) == order


def test_changed_bytes_give_only_the_changed_articles_a_new_time(ingest: IngestRig) -> None:  # noqa: F811
    # Given an upload of two articles indexed
    ingest.put("news/a.json", _bulletin(FERRY, QUAY))
    ingest.drain()
    before = _times(ingest)
    # When its file is replaced: the first article kept, the second one changed
    ingest.put("news/a.json", _bulletin(FERRY, MARKET))
    ingest.drain()
    after = _times(ingest)
    # Then the kept article keeps its time and the changed one is newer
    assert after[("news/a.json", 0)] == before[("news/a.json", 0)]
    assert after[("news/a.json", 1)] > before[("news/a.json", 1)]
    # And a reindex after it keeps both
    reindex(default_service(), ingest.archive.bucket)
    assert _times(ingest) == after
