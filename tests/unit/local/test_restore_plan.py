"""After a restart only objects whose content the engine has not settled go through
ingest again, and the worker drops the notifications of the quiet restores only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_local.sequencers import Sequencers
from archive_local.snapshot import plan_restore
from archive_local.worker import QuietRestores

pytestmark = pytest.mark.unit


def receipt(outcome: str, sha256: str | None) -> dict[str, object]:
    return {"outcome": outcome, "content_sha256": sha256}


def test_only_new_changed_or_unsettled_objects_are_ingested_again() -> None:
    mirrored = {
        "same.txt": "aa",
        "changed.txt": "bb",
        "new.txt": "cc",
        "rejected.txt": "dd",
        "gone-back.txt": "ee",
    }
    receipts = {
        "same.txt": receipt("indexed", "aa"),
        "changed.txt": receipt("indexed", "old"),
        "rejected.txt": receipt("rejected", "dd"),
        "gone-back.txt": receipt("deleted", "ee"),  # deleted, then uploaded again
        "removed.txt": receipt("indexed", "ff"),
        "removed-long-ago.txt": receipt("deleted", None),
    }

    plan = plan_restore(mirrored, receipts)

    assert plan.unchanged == ["rejected.txt", "same.txt"]
    assert plan.changed == ["changed.txt", "gone-back.txt", "new.txt"]
    assert plan.vanished == ["removed.txt"]


def notification(key: str, etag: str, event: str = "ObjectCreated:Put") -> dict[str, str]:
    record = {"eventName": event, "s3": {"object": {"key": key.replace(" ", "+"), "eTag": etag}}}
    return {"Body": json.dumps({"Records": [record]})}


def test_a_quiet_restore_drops_exactly_its_own_notification_once() -> None:
    quiet = QuietRestores()
    quiet.add({"a b.txt": "e1", "c.txt": "e2"})

    assert quiet(notification("a b.txt", "e1")) is True
    assert quiet(notification("a b.txt", "e1")) is False  # a second upload of the same bytes
    assert quiet(notification("c.txt", "other")) is False  # a client's upload after the restore
    assert quiet(notification("c.txt", "e2", "ObjectRemoved:Delete")) is False
    assert quiet({"Body": "not json"}) is False
    assert len(quiet) == 1


class _Mirror:
    """The parts of BucketMirror the restore uses: entries, and restore() that puts back
    what it can read."""

    root = "mirror"

    def __init__(self, entries: dict[str, str], unreadable: set[str], sequencers: Sequencers) -> None:
        self.entries = {key: {"sha256": sha256} for key, sha256 in entries.items()}
        self.unreadable = unreadable
        self.sequencers = sequencers

    def restore(self) -> dict[str, str]:
        return {key: f"etag-{key}" for key in self.entries if key not in self.unreadable}


class _Sqs:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send_message(self, QueueUrl: str, MessageBody: str) -> None:
        self.bodies.append(MessageBody)


def test_settling_a_restore_quiets_the_settled_waits_for_the_rest_and_removes_the_vanished(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from types import SimpleNamespace

    from archive_local import restore, snapshot
    from archive_local.config import LocalConfig

    mirror = _Mirror(
        {"same.txt": "aa", "changed.txt": "bb", "damaged.txt": "cc", "_archive-search/stats.json": "dd"},
        unreadable={"damaged.txt"},
        sequencers=Sequencers(tmp_path / "sequencer.json"),
    )
    receipts = {
        "same.txt": receipt("indexed", "aa"),
        "changed.txt": receipt("indexed", "old"),
        "gone.txt": receipt("indexed", "ff"),
    }
    monkeypatch.setattr(snapshot, "engine_receipts", lambda url, alias, bucket: receipts)
    monkeypatch.setattr(restore, "archive_settings", lambda: SimpleNamespace(receipts_alias="receipts"))
    restored, unreadable = restore.put_back(mirror)
    quiet, sqs = QuietRestores(), _Sqs()

    expected = restore.settle_restored(
        LocalConfig(), mirror, restored, unreadable, quiet, sqs, "queue-url", "http://engine"
    )

    assert unreadable == {"damaged.txt"}
    assert expected == {"changed.txt": "bb"}  # the damaged copy sent no notification to wait for
    assert len(quiet) == 2  # same.txt and the service's own object, with the ETags they were put back with
    assert quiet(notification("same.txt", "etag-same.txt"))
    assert not quiet(notification("changed.txt", "etag-changed.txt"))
    removals = [json.loads(body)["Records"][0]["s3"] for body in sqs.bodies]
    assert [s3["object"]["key"] for s3 in removals] == ["gone.txt"]
    assert removals[0]["object"]["sequencer"]  # ordered like any event on the key
