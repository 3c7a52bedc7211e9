"""Files dropped in the inbox reach the bucket once complete, once per content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive_local.inbox import InboxWatcher, content_type_for
from tests.unit.local.fake_s3 import FakeS3

pytestmark = pytest.mark.unit


@pytest.fixture
def s3() -> FakeS3:
    return FakeS3()


def watcher(s3: FakeS3, tmp_path: Path) -> InboxWatcher:
    return InboxWatcher(s3, "archive", tmp_path / "inbox", tmp_path / "data" / "inbox-state.json")


def test_a_new_file_is_uploaded_once_its_size_is_stable(s3: FakeS3, tmp_path: Path) -> None:
    inbox = watcher(s3, tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "story.txt").write_text("Headline\n\nBody.")

    assert inbox.scan() == []  # first sighting: it may still be being written
    assert inbox.scan() == ["inbox/story.txt"]
    assert s3.objects[("archive", "inbox/story.txt")]["data"] == b"Headline\n\nBody."
    assert inbox.scan() == []  # unchanged: not sent again
    assert (tmp_path / "inbox" / "story.txt").exists()  # the inbox keeps the file


def test_a_file_still_growing_waits(s3: FakeS3, tmp_path: Path) -> None:
    inbox = watcher(s3, tmp_path)
    path = tmp_path / "inbox" / "big.html"
    path.parent.mkdir()
    path.write_text("<html>")
    inbox.scan()
    path.write_text("<html><body>more")
    assert inbox.scan() == []
    assert inbox.scan() == ["inbox/big.html"]
    assert s3.objects[("archive", "inbox/big.html")]["data"] == b"<html><body>more"


def test_a_changed_file_is_uploaded_again_under_the_same_key(s3: FakeS3, tmp_path: Path) -> None:
    inbox = watcher(s3, tmp_path)
    path = tmp_path / "inbox" / "desk" / "story.txt"
    path.parent.mkdir(parents=True)
    path.write_text("first")
    inbox.scan(), inbox.scan()
    path.write_text("second version")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    inbox.scan()
    assert inbox.scan() == ["inbox/desk/story.txt"]
    assert s3.objects[("archive", "inbox/desk/story.txt")]["data"] == b"second version"


def test_hidden_and_partial_files_are_ignored(s3: FakeS3, tmp_path: Path) -> None:
    inbox = watcher(s3, tmp_path)
    root = tmp_path / "inbox"
    (root / ".hidden").mkdir(parents=True)
    (root / ".hidden" / "a.txt").write_text("x")
    (root / ".swapfile").write_text("x")
    (root / "download.html.part").write_text("x")
    (root / "notes.txt~").write_text("x")
    inbox.scan()
    assert inbox.scan() == []
    assert s3.puts == []


@pytest.mark.parametrize("name", ["Thumbs.db", "desktop.ini", "ehthumbs.db", "~$story.docx", "Icon\r"])
def test_files_the_operating_system_or_an_open_document_leaves_are_ignored(
    s3: FakeS3, tmp_path: Path, name: str
) -> None:
    """A folder copied from Windows or macOS carries them; uploaded, each is one more rejection."""
    inbox = watcher(s3, tmp_path)
    root = tmp_path / "inbox" / "week-49"
    root.mkdir(parents=True)
    (root / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (root / "story.txt").write_text("Headline\n\nBody.")

    inbox.scan()

    assert inbox.scan() == ["inbox/week-49/story.txt"]


def test_what_was_sent_is_remembered_across_restarts(s3: FakeS3, tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.json").write_text('{"title": "t", "body": "b"}')
    first = watcher(s3, tmp_path)
    first.scan(), first.scan()
    again = watcher(s3, tmp_path)
    again.scan(), again.scan()
    assert s3.puts == ["inbox/a.json"]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("inbox/a.txt", "text/plain"),
        ("inbox/a.html", "text/html"),
        ("inbox/a.json", "application/json"),
        ("inbox/a.txt.gz", "application/gzip"),
        ("inbox/a.json.gz", "application/gzip"),
        ("inbox/no-extension", "application/octet-stream"),
    ],
)
def test_uploads_carry_a_content_type_from_the_name(key: str, expected: str) -> None:
    assert content_type_for(key) == expected


def test_a_file_named_in_another_encoding_is_uploaded_with_its_bytes_escaped(
    s3: FakeS3, tmp_path: Path
) -> None:
    """A Latin-1 file name (bytes that are not UTF-8) cannot be an S3 key as it is; it used to
    fail every scan, so no file after it was ever uploaded."""
    inbox = watcher(s3, tmp_path)
    (tmp_path / "inbox").mkdir()
    with open(os.path.join(os.fsencode(tmp_path / "inbox"), b"caf\xe9.txt"), "wb") as latin1:
        latin1.write(b"Headline\n\nBody.")
    (tmp_path / "inbox" / "zeta.txt").write_text("Zeta\n\nBody.")

    inbox.scan()

    assert inbox.scan() == ["inbox/caf%E9.txt", "inbox/zeta.txt"]
    assert s3.objects[("archive", "inbox/caf%E9.txt")]["data"] == b"Headline\n\nBody."


def test_a_file_that_cannot_be_read_does_not_hold_up_the_others(
    s3: FakeS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = watcher(s3, tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a-locked.txt").write_text("Locked\n\nBody.")
    (tmp_path / "inbox" / "b-story.txt").write_text("Story\n\nBody.")
    read_bytes = Path.read_bytes

    def locked(path: Path) -> bytes:
        if path.name == "a-locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", locked)
    inbox.scan()

    assert inbox.scan() == ["inbox/b-story.txt"]
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert inbox.scan() == ["inbox/a-locked.txt"]  # readable again: sent on the next poll


@pytest.mark.parametrize("damage", [b"{cut sho", b"[]", b"\xff\xfe", b'{"a.txt": 3}'])
def test_a_damaged_state_file_is_started_over_with_a_warning(
    s3: FakeS3, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: bytes
) -> None:
    # It only remembers what was sent; it stopped make run with a traceback. Starting over
    # sends the inbox again, and ingest settles unchanged bytes as duplicates.
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.txt").write_text("Story\n\nBody.")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "inbox-state.json").write_bytes(damage)

    inbox = watcher(s3, tmp_path)
    inbox.scan()

    assert inbox.scan() == ["inbox/a.txt"]
    assert "inbox-state.json" in caplog.text


def test_a_file_over_the_upload_bound_is_skipped_once_unread(
    s3: FakeS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The S3 front answers a body over its bound 413: the watcher read the whole file and
    # sent it again on every poll, for ever (a 1 GB file: 1 GB read each second).
    from archive_local import inbox as inbox_module

    monkeypatch.setattr(inbox_module, "MAX_UPLOAD_BYTES", 10)
    inbox = watcher(s3, tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "huge.txt").write_text("x" * 11)
    (tmp_path / "inbox" / "small.txt").write_text("x" * 10)
    reads: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: reads.append(path.name) or read_bytes(path))

    for _ in range(4):
        inbox.scan()

    assert s3.puts == ["inbox/small.txt"] and "huge.txt" not in reads
    assert caplog.text.count("huge.txt") == 1 and "over" in caplog.text
    (tmp_path / "inbox" / "huge.txt").write_text("y" * 5)  # cut down: sent
    inbox.scan(), inbox.scan()
    assert s3.puts == ["inbox/small.txt", "inbox/huge.txt"]


def test_a_file_whose_key_s3_would_refuse_is_skipped_once_saying_why(
    s3: FakeS3, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # S3 keys are at most 1,024 bytes: a deep path was stored (moto takes any key) under a key
    # no status request could name, and AWS would refuse it
    inbox = watcher(s3, tmp_path)
    deep = Path(*["d" * 210] * 5)  # a key of 1,070 bytes
    (tmp_path / "inbox" / deep).mkdir(parents=True)
    (tmp_path / "inbox" / deep / "story.txt").write_text("Headline\n\nBody.")
    (tmp_path / "inbox" / "near.txt").write_text("Headline\n\nBody.")

    for _ in range(3):
        inbox.scan()

    assert s3.puts == ["inbox/near.txt"]
    assert caplog.text.count("story.txt") == 1 and "over the 1,024 bytes S3 takes" in caplog.text
