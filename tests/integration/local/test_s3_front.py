"""The S3 front in front of a real moto server: bodies are bounded, a stop never hangs on
a half-sent one, and the worker's last batch still reads through it."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from archive_local.aws import Archive, clients, provision
from archive_local.mirror import BucketMirror
from archive_local.s3_front import MAX_REQUEST_BYTES, S3Front
from archive_local.stack import _stop_in_order

pytestmark = pytest.mark.integration


@dataclass
class Rig:
    archive: Archive
    mirror: BucketMirror
    front: S3Front
    private_s3: Any

    def s3(self) -> Any:
        """A client of the public endpoint, as a person's or the write function's."""
        return boto3.client("s3", endpoint_url=self.front.url, region_name="us-east-1")


def start_rig(moto_endpoint: str, root: Path) -> Rig:
    private_s3, sqs = clients(moto_endpoint)
    name = f"front-{uuid.uuid4().hex[:10]}"
    archive = provision(private_s3, sqs, name, f"{name}-ingest", visibility_timeout=2)
    mirror = BucketMirror(private_s3, name, root)
    front = S3Front("127.0.0.1", 0, moto_endpoint, name, mirror)
    front.start()
    return Rig(archive, mirror, front, private_s3)


@pytest.fixture
def rig(moto_endpoint: str, tmp_path: Path) -> Iterator[Rig]:
    started = start_rig(moto_endpoint, tmp_path / "bucket")
    try:
        yield started
    finally:
        started.front.stop()


def raw(front: S3Front, data: bytes, timeout: float = 10.0) -> bytes:
    host, port = front.server.server_address[:2]
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_body_over_the_bound_is_a_413_before_it_is_sent(rig: Rig) -> None:
    head = (
        f"PUT /{rig.archive.bucket}/big.bin HTTP/1.1\r\nHost: x\r\n"
        f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n\r\n"
    ).encode()
    answer = raw(rig.front, head)  # no body is sent: the front must not wait for it

    assert answer.startswith(b"HTTP/1.1 413")
    assert b"<Code>EntityTooLarge</Code>" in answer


def test_a_chunked_body_over_the_bound_is_a_413_once_its_size_is_known(rig: Rig) -> None:
    head = f"PUT /{rig.archive.bucket}/big.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = raw(rig.front, head.encode() + f"{MAX_REQUEST_BYTES + 1:x}\r\n".encode())

    assert answer.startswith(b"HTTP/1.1 413")
    assert rig.mirror.entries == {}


def test_stopping_cuts_off_a_half_sent_body_without_forwarding_it(rig: Rig) -> None:
    host, port = rig.front.server.server_address[:2]
    conn = socket.create_connection((host, port), timeout=10)
    conn.sendall(
        f"PUT /{rig.archive.bucket}/half.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n".encode()
        + b"only ten b"
    )
    time.sleep(0.3)  # the front is reading the body
    stopper = threading.Thread(target=rig.front.stop)
    stopper.start()
    stopper.join(10)
    answer = conn.recv(65536)
    conn.close()

    assert not stopper.is_alive()
    assert answer.startswith(b"HTTP/1.1 400")
    listing = rig.private_s3.list_objects_v2(Bucket=rig.archive.bucket)
    assert listing.get("KeyCount", 0) == 0


def test_the_worker_finishes_its_last_batch_before_the_s3_front_stops(rig: Rig) -> None:
    rig.s3().put_object(Bucket=rig.archive.bucket, Key="last.txt", Body=b"read at the last batch")
    read: list[bytes] = []

    class LastBatch:
        """A worker whose stop runs its last batch, which reads through the public endpoint."""

        def stop(self) -> None:
            read.append(rig.s3().get_object(Bucket=rig.archive.bucket, Key="last.txt")["Body"].read())

    _stop_in_order({"s3 front": rig.front, "worker": LastBatch()})

    assert read == [b"read at the last batch"]
