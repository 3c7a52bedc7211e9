"""The on-disk copy of the bucket follows it and puts it back after a restart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from archive_local.config import StartupError
from archive_local.mirror import BucketMirror
from tests.unit.local.fake_s3 import FakeS3

pytestmark = pytest.mark.unit


def test_a_restarted_bucket_gets_every_object_back_with_its_content_type(tmp_path: Path) -> None:
    before = FakeS3()
    before.put_object(Bucket="archive", Key="inbox/a b.txt", Body=b"alpha", ContentType="text/plain")
    before.put_object(Bucket="archive", Key="samples/x.json", Body=b"{}", ContentType="application/json")
    assert BucketMirror(before, "archive", tmp_path).sync() == (2, 0)

    after = FakeS3()  # a fresh moto server: empty
    restored = len(BucketMirror(after, "archive", tmp_path).restore())

    assert restored == 2
    assert after.objects[("archive", "inbox/a b.txt")]["data"] == b"alpha"
    assert after.objects[("archive", "samples/x.json")]["ContentType"] == "application/json"


def test_changed_objects_are_copied_again_and_removed_ones_forgotten(tmp_path: Path) -> None:
    s3 = FakeS3()
    mirror = BucketMirror(s3, "archive", tmp_path)
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"one")
    s3.put_object(Bucket="archive", Key="b.txt", Body=b"gone soon")
    mirror.sync()

    s3.put_object(Bucket="archive", Key="a.txt", Body=b"two")
    s3.delete_object(Bucket="archive", Key="b.txt")
    assert mirror.sync() == (1, 1)
    assert mirror.sync() == (0, 0)

    fresh = FakeS3()
    BucketMirror(fresh, "archive", tmp_path).restore()
    assert {key for _, key in fresh.objects} == {"a.txt"}
    assert fresh.objects[("archive", "a.txt")]["data"] == b"two"
    assert len(list((tmp_path / "objects").glob("*/*"))) == 1  # the old contents are not kept


def test_a_damaged_copy_is_skipped_and_the_rest_restored(tmp_path: Path) -> None:
    before = FakeS3()
    before.put_object(Bucket="archive", Key="a.txt", Body=b"alpha")
    before.put_object(Bucket="archive", Key="b.txt", Body=b"beta")
    mirror = BucketMirror(before, "archive", tmp_path)
    mirror.sync()
    mirror._blob(mirror.entries["a.txt"]["sha256"]).unlink()

    after = FakeS3()
    assert len(BucketMirror(after, "archive", tmp_path).restore()) == 1
    assert {key for _, key in after.objects} == {"b.txt"}


def test_a_recorded_write_is_on_disk_before_any_sync_and_survives_a_crash(tmp_path: Path) -> None:
    s3 = FakeS3()
    mirror = BucketMirror(s3, "archive", tmp_path)
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"alpha", ContentType="text/plain")
    s3.put_object(Bucket="archive", Key="b.txt", Body=b"beta")
    assert mirror.record("a.txt") and mirror.record("b.txt")
    s3.delete_object(Bucket="archive", Key="b.txt")
    assert mirror.record("b.txt") is None
    # No sync, no manifest: the process dies here.

    fresh = FakeS3()
    assert len(BucketMirror(fresh, "archive", tmp_path).restore()) == 1
    assert {key for _, key in fresh.objects} == {"a.txt"}
    assert fresh.objects[("archive", "a.txt")]["ContentType"] == "text/plain"


def test_a_journal_line_cut_short_by_a_crash_is_ignored_and_the_rest_replayed(tmp_path: Path) -> None:
    s3 = FakeS3()
    mirror = BucketMirror(s3, "archive", tmp_path)
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"alpha")
    mirror.record("a.txt")
    with open(mirror.journal_path, "ab") as fh:
        fh.write(b'{"entry": {"sha256": "ab')

    assert set(BucketMirror(FakeS3(), "archive", tmp_path).entries) == {"a.txt"}


@pytest.mark.parametrize("content", [b"{cut", b"[]", b"\xff"])
def test_a_corrupt_manifest_stops_the_start_with_an_error_naming_it(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "manifest.json").write_bytes(content)

    with pytest.raises(StartupError, match=r"manifest\.json is corrupt") as raised:
        BucketMirror(FakeS3(), "archive", tmp_path)

    assert "\n" not in str(raised.value)
    assert (tmp_path / "manifest.json").read_bytes() == content


def test_a_sync_folds_the_journal_into_the_manifest(tmp_path: Path) -> None:
    s3 = FakeS3()
    mirror = BucketMirror(s3, "archive", tmp_path)
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"alpha")
    mirror.record("a.txt")
    assert mirror.journal_path.exists()

    mirror.sync()

    assert not mirror.journal_path.exists()
    assert set(BucketMirror(FakeS3(), "archive", tmp_path).entries) == {"a.txt"}


def test_renames_and_new_entries_are_followed_by_an_fsync_of_their_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[tuple[str, Path]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        steps.append(("rename", Path(dst)))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    s3, root = FakeS3(), tmp_path / "mirror"
    mirror = BucketMirror(s3, "archive", root)
    s3.put_object(Bucket="archive", Key="a.txt", Body=b"alpha")
    mirror.record("a.txt")  # a new blob (in a new folder) and a new journal
    mirror.sync()  # a new manifest, the journal removed

    renames = [i for i, (kind, _) in enumerate(steps) if kind == "rename"]
    assert len(renames) == 2  # the blob and the manifest
    for i in renames:
        assert ("fsync", steps[i][1].parent) in steps[i + 1 :]
    blob = mirror._blob(mirror.entries["a.txt"]["sha256"])
    synced = {path for kind, path in steps if kind == "fsync"}
    assert {root, root / "objects", blob.parent} <= synced  # new folders and the journal's entry


def test_a_restore_never_overwrites_a_key_written_through_the_front_meanwhile(tmp_path: Path) -> None:
    before = FakeS3()
    before.put_object(Bucket="archive", Key="a.txt", Body=b"old a")
    before.put_object(Bucket="archive", Key="b.txt", Body=b"old b")
    BucketMirror(before, "archive", tmp_path).sync()
    after = FakeS3()
    mirror = BucketMirror(after, "archive", tmp_path)
    put = after.put_object

    def put_while_a_client_writes_b(**kwargs: Any) -> dict[str, Any]:
        if kwargs["Key"] == "a.txt":  # an upload of b.txt through the S3 front, mid-restore
            put(Bucket="archive", Key="b.txt", Body=b"new b")
            mirror.record("b.txt")
        return put(**kwargs)

    after.put_object = put_while_a_client_writes_b  # type: ignore[method-assign]
    restored = mirror.restore(threads=1)

    assert set(restored) == {"a.txt"}
    assert after.objects[("archive", "b.txt")]["data"] == b"new b"
