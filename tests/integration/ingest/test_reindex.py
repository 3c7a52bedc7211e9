"""`archive-search reindex` on a bucket that does not exist: refused before anything is built."""

from __future__ import annotations

import pytest

from archive_search.errors import NotFound
from archive_search.ingest.batch import default_service
from archive_search.ingest.reindex import reindex
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
