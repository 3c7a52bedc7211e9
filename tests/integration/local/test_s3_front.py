"""The S3 front in front of a real moto server: every write gets the key's next sequencer,
which the worker puts into moto's notifications, so ingest orders them as S3's; bodies
are bounded and a stop never hangs on a half-sent one."""

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
from archive_local.deletes import DeleteMarkerWatcher
from archive_local.mirror import BucketMirror
from archive_local.s3_front import MAX_REQUEST_BYTES, S3Front
from archive_local.stack import _stop_in_order
from archive_search.ingest.events import ObjectEvent, parse_message_body, sequencer_value
from archive_search.settings import SEQUENCER
from tests.ingest_support import reset_caches, use_settings

pytestmark = pytest.mark.integration


@dataclass
class Rig:
    archive: Archive
    mirror: BucketMirror
    front: S3Front
    sqs: Any
    private_s3: Any

    def s3(self) -> Any:
        """A client of the public endpoint, as a person's or the write function's."""
        return boto3.client("s3", endpoint_url=self.front.url, region_name="us-east-1")

    def notifications(self, expected: int, seconds: float = 10.0) -> list[dict[str, Any]]:
        """The queue's object notifications (not ``s3:TestEvent``), each body stamped as the
        worker stamps it."""
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        while len(messages) < expected and time.monotonic() < deadline:
            answer = self.sqs.receive_message(
                QueueUrl=self.archive.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            )
            for message in answer.get("Messages", []):
                self.sqs.delete_message(
                    QueueUrl=self.archive.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
                if "s3:TestEvent" not in message["Body"]:
                    messages.append({**message, "Body": self.mirror.sequencers.stamp(message["Body"])})
        return messages


def events_of(messages: list[dict[str, Any]]) -> list[ObjectEvent]:
    # Strict: an event without a sequencer would raise here.
    return [event for m in messages for event in parse_message_body(m["Body"])]


def start_rig(moto_endpoint: str, root: Path) -> Rig:
    private_s3, sqs = clients(moto_endpoint)
    name = f"front-{uuid.uuid4().hex[:10]}"
    archive = provision(private_s3, sqs, name, f"{name}-ingest", visibility_timeout=2)
    mirror = BucketMirror(private_s3, name, root)
    front = S3Front("127.0.0.1", 0, moto_endpoint, name, mirror)
    front.start()
    return Rig(archive, mirror, front, sqs, private_s3)


@pytest.fixture
def rig(moto_endpoint: str, tmp_path: Path) -> Iterator[Rig]:
    started = start_rig(moto_endpoint, tmp_path / "bucket")
    try:
        yield started
    finally:
        started.front.stop()


def test_every_event_of_writes_through_the_front_carries_a_sequencer_in_write_order(rig: Rig) -> None:
    s3, bucket = rig.s3(), rig.archive.bucket
    first = s3.put_object(Bucket=bucket, Key="inbox/a b.txt", Body=b"first version")["ETag"].strip('"')
    second = s3.put_object(Bucket=bucket, Key="inbox/a b.txt", Body=b"second version")["ETag"].strip('"')
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "inbox/a b.txt"})
    s3.delete_object(Bucket=bucket, Key="inbox/a b.txt")
    DeleteMarkerWatcher(rig.private_s3, rig.sqs, bucket, rig.archive.queue_url).poll()

    events = events_of(rig.notifications(expected=4))

    by_etag = {e.etag: e for e in events if e.ref.key == "inbox/a b.txt" and e.etag}
    removal = next(e for e in events if e.ref.key == "inbox/a b.txt" and e.action == "removed")
    assert {e.ref.key for e in events} == {"inbox/a b.txt", "copy.txt"}
    assert all(e.sequencer for e in events)
    assert (
        sequencer_value(by_etag[first].sequencer or "")
        < sequencer_value(by_etag[second].sequencer or "")
        < sequencer_value(removal.sequencer or "")
    )


def test_a_presigned_form_upload_gets_a_sequencer(rig: Rig) -> None:
    import requests

    post = rig.s3().generate_presigned_post(rig.archive.bucket, "uploads/${filename}")
    answer = requests.post(
        post["url"], data=post["fields"], files={"file": ("note.txt", b"a form upload")}, timeout=30
    )
    assert answer.status_code in (200, 201, 204)

    [event] = events_of(rig.notifications(expected=1))

    assert event.ref.key == "uploads/note.txt"
    assert event.sequencer


def test_a_form_upload_without_a_key_field_is_refused_before_moto_sees_it(rig: Rig) -> None:
    import requests

    post = rig.s3().generate_presigned_post(rig.archive.bucket, "uploads/${filename}")
    fields = {name: value for name, value in post["fields"].items() if name != "key"}
    answer = requests.post(post["url"], data=fields, files={"file": ("n.txt", b"x")}, timeout=30)

    assert answer.status_code == 400
    assert "<Code>InvalidArgument</Code>" in answer.text
    assert rig.private_s3.list_objects_v2(Bucket=rig.archive.bucket).get("KeyCount") == 0
    assert rig.notifications(expected=1, seconds=2) == []


def slot(rig: Rig, expires_in: int = 900) -> dict[str, Any]:
    """A presigned form as POST /uploads makes one: one key, one content type, 1 to 10 bytes."""
    return rig.s3().generate_presigned_post(
        rig.archive.bucket,
        "uploads/slot/note.txt",
        Fields={"Content-Type": "text/plain"},
        Conditions=[{"Content-Type": "text/plain"}, ["content-length-range", 1, 10]],
        ExpiresIn=expires_in,
    )


@pytest.mark.parametrize(
    ("change", "content", "status", "code"),
    [
        ({}, b"a" * 11, 400, "EntityTooLarge"),
        ({}, b"", 400, "EntityTooSmall"),
        ({"key": "uploads/elsewhere.txt"}, b"note", 403, "AccessDenied"),
        ({"Content-Type": "text/html"}, b"note", 403, "AccessDenied"),
        ({"x-amz-meta-language": "de"}, b"note", 403, "AccessDenied"),  # a field the policy lacks
    ],
    ids=["over the range", "under it", "another key", "another type", "an extra field"],
)
def test_a_form_upload_its_policy_refuses_is_refused_as_s3_refuses_it(
    rig: Rig, change: dict[str, str], content: bytes, status: int, code: str
) -> None:
    # moto stores whatever a form sends: locally an upload S3 would refuse was stored (and
    # rejected by ingest later), so a client tested against the stack learnt nothing of it
    import requests

    post = slot(rig)
    fields = {**post["fields"], **change}
    answer = requests.post(post["url"], data=fields, files={"file": ("note.txt", content)}, timeout=30)

    assert (answer.status_code, f"<Code>{code}</Code>" in answer.text) == (status, True), answer.text
    assert rig.private_s3.list_objects_v2(Bucket=rig.archive.bucket).get("KeyCount") == 0
    assert rig.notifications(expected=1, seconds=2) == []


def test_an_expired_form_is_refused_and_one_within_its_policy_is_stored(rig: Rig) -> None:
    import requests

    expired, post = slot(rig, expires_in=-1), slot(rig)
    late = requests.post(
        expired["url"], data=expired["fields"], files={"file": ("n.txt", b"note")}, timeout=30
    )
    kept = requests.post(post["url"], data=post["fields"], files={"file": ("n.txt", b"note")}, timeout=30)

    assert late.status_code == 403 and "Policy expired" in late.text, late.text
    assert kept.status_code in (200, 201, 204), kept.text
    stored = rig.private_s3.get_object(Bucket=rig.archive.bucket, Key="uploads/slot/note.txt")
    assert stored["Body"].read() == b"note"


def test_two_writes_to_one_key_processed_in_reverse_order_keep_the_newer(
    rig: Rig, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from archive_local.lambda_events import LambdaContext, sqs_event
    from archive_search.handlers.ingest import handler

    s3, bucket, key = rig.s3(), rig.archive.bucket, "news/harbour.txt"
    monkeypatch.setenv("AWS_ENDPOINT_URL", rig.front.url)
    use_settings(monkeypatch, replace(settings, archive_bucket=bucket, event_order=SEQUENCER))
    s3.put_object(Bucket=bucket, Key=key, Body=b"Harbour reopens\n\nThe old harbour reopened on Monday.\n")
    newer_etag = s3.put_object(
        Bucket=bucket, Key=key, Body=b"Harbour closes again\n\nStorms closed the harbour on Friday.\n"
    )["ETag"].strip('"')
    older, newer = sorted(rig.notifications(expected=2), key=lambda m: events_of([m])[0].etag == newer_etag)

    try:
        for message in (newer, older):  # delivered out of order
            result = handler(sqs_event([message], rig.archive.queue_arn), LambdaContext("ingest", 30))
            assert result == {"batchItemFailures": []}
        receipt = _receipt(bucket, key)
    finally:
        reset_caches()

    assert receipt["sequencer"] == events_of([newer])[0].sequencer
    assert receipt["etag"] == newer_etag


def _receipt(bucket: str, key: str) -> dict[str, Any]:
    from archive_search.adapters.opensearch import cached_engine
    from archive_search.ingest.receipts import read_receipts
    from archive_search.model import ObjectRef
    from archive_search.settings import get_settings

    settings = get_settings()
    found = read_receipts(cached_engine(settings), settings.receipts_alias, [ObjectRef(bucket, key)])
    return next(iter(found.values()))[1]


def test_a_restored_object_gets_a_sequencer_above_the_one_before_the_restart(
    moto_endpoint: str, tmp_path: Path
) -> None:
    before = start_rig(moto_endpoint, tmp_path / "bucket")
    try:
        before.s3().put_object(Bucket=before.archive.bucket, Key="a.txt", Body=b"kept")
        [stored] = events_of(before.notifications(expected=1))
    finally:
        before.front.stop()

    after = start_rig(moto_endpoint, tmp_path / "bucket")  # a fresh moto bucket, the same data
    try:
        assert after.mirror.restore() == {"a.txt": stored.etag}
        [restored] = events_of(after.notifications(expected=1))
    finally:
        after.front.stop()

    assert sequencer_value(restored.sequencer or "") > sequencer_value(stored.sequencer or "")


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
