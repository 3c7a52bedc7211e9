"""After a restart only objects whose content the engine has not settled go through
ingest again, and the worker drops the notifications of the quiet restores only."""

from __future__ import annotations

import json

import pytest

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
