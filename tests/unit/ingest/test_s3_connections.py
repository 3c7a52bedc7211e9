"""Every concurrent S3 read of a batch reuses a kept-alive connection of the one S3 client, and
a stalled one gives up within its read timeout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from archive_search.adapters import s3
from archive_search.adapters.s3 import cached_s3_client
from archive_search.errors import EngineUnavailable
from archive_search.ingest.service import MAX_CONCURRENT_READS
from archive_search.model import ObjectRef

pytestmark = pytest.mark.unit


def test_s3_client_keeps_a_connection_alive_per_concurrent_read() -> None:
    cached_s3_client.cache_clear()
    try:
        client = cached_s3_client()
        assert client.meta.config.max_pool_connections >= MAX_CONCURRENT_READS
        assert cached_s3_client() is client  # one client (one pool) per execution environment
    finally:
        cached_s3_client.cache_clear()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: a stalled S3."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


def test_a_stalled_read_fails_within_the_read_timeout(
    silent_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an S3 endpoint that never answers, and a short read timeout
    monkeypatch.setattr(s3, "READ_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", silent_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    cached_s3_client.cache_clear()
    try:
        store = s3.ObjectStore()
        started = time.monotonic()
        # When an object is read, Then the read fails as the service being unreachable
        with pytest.raises(EngineUnavailable):
            store.read(ObjectRef("archive", "inbox/a.txt"), max_bytes=1000)
        # after its tries' read timeouts, not botocore's default 60 s a try
        assert time.monotonic() - started < 10
    finally:
        cached_s3_client.cache_clear()
