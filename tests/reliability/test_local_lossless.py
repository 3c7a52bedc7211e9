"""An upload the local stack acknowledged survives any stop or crash of the stack.

The stack runs as ``make run`` runs it (a subprocess on free loopback ports, its own data
directory); uploads go to its public S3 endpoint from several threads while the stack is
killed mid-way; after a restart on the same data directory every acknowledged key is in
the bucket with the acknowledged bytes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive_local.launcher import StackProcess

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(300)]

BUCKET = "archive"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[StackProcess]:
    local = StackProcess(tmp_path, {"LOAD_SAMPLES": "0", "MIRROR_INTERVAL": "2"})
    try:
        yield local
    finally:
        if local.process and local.process.poll() is None:
            local.kill()


def upload_until_killed(stack: StackProcess, kill: threading.Event, count: int) -> dict[str, bytes]:
    """PUT ``count`` objects from 4 threads; ``kill`` is set after a third were acknowledged.
    Returns what was acknowledged (key -> bytes)."""
    acknowledged: dict[str, bytes] = {}
    lock = threading.Lock()

    def put(i: int) -> None:
        if kill.is_set() and stack.process is not None and stack.process.poll() is not None:
            return
        key = f"lossless/{i:04d}.txt"
        body = f"Harbour note {i}\n\nParagraph {i} of the lossless test, about tide tables.\n".encode()
        try:
            stack.s3().put_object(Bucket=BUCKET, Key=key, Body=body)
        except Exception:
            return  # not acknowledged: may be lost
        with lock:
            acknowledged[key] = body
            if len(acknowledged) == count // 3:
                kill.set()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(put, range(count)))
    return acknowledged


def bucket_contents(stack: StackProcess) -> dict[str, bytes]:
    s3 = stack.s3()
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        for item in page.get("Contents", [])
    ]
    return {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


def test_uploads_acknowledged_before_a_sigkill_are_in_the_bucket_after_restart(stack: StackProcess) -> None:
    stack.start()
    kill = threading.Event()
    killer = threading.Thread(target=lambda: kill.wait(120) and stack.kill())
    killer.start()
    acknowledged = upload_until_killed(stack, kill, 150)
    killer.join()
    assert len(acknowledged) >= 50

    stack.start()
    after = bucket_contents(stack)

    lost = sorted(set(acknowledged) - set(after))
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged uploads lost"
    assert all(after[key] == body for key, body in acknowledged.items())


def test_uploads_acknowledged_while_the_engine_dies_are_in_the_bucket_after_restart(
    stack: StackProcess,
) -> None:
    import os
    import signal

    stack.start()
    kill = threading.Event()

    def kill_engine() -> None:
        if kill.wait(120):
            pid = stack.engine_pid()
            assert pid is not None
            os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_engine)
    killer.start()
    acknowledged = upload_until_killed(stack, kill, 150)
    killer.join()
    assert stack.process is not None
    stack.process.wait(90)  # the stack stops by itself when its engine dies

    stack.start()
    after = bucket_contents(stack)

    lost = sorted(set(acknowledged) - set(after))
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged uploads lost"
