"""Every concurrent S3 read of a batch reuses a kept-alive connection of the one S3 client."""

from __future__ import annotations

import pytest

from archive_search.adapters.s3 import cached_s3_client
from archive_search.ingest.service import MAX_CONCURRENT_READS

pytestmark = pytest.mark.unit


def test_s3_client_keeps_a_connection_alive_per_concurrent_read() -> None:
    cached_s3_client.cache_clear()
    try:
        client = cached_s3_client()
        assert client.meta.config.max_pool_connections >= MAX_CONCURRENT_READS
        assert cached_s3_client() is client  # one client (one pool) per execution environment
    finally:
        cached_s3_client.cache_clear()
