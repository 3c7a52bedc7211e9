"""The inbox folder: files dropped there are uploaded to the bucket.

Polled every ``interval`` seconds. A file is uploaded once its size and modification
time are the same in two consecutive polls (so a file still being copied is not sent
half-written), under the key ``<prefix><path relative to the inbox>``; a file whose
content changes later is uploaded again under the same key. Files stay where they
are: the inbox is never emptied by the stack, so nothing dropped there can be lost;
what was sent is remembered in a state file under the data directory. Hidden files
and folders (``.name``), partial downloads (``~``, ``.part``, ``.tmp``,
``.crdownload``), the files an operating system writes into folders (``Thumbs.db``,
``desktop.ini``, macOS's ``Icon\r``) and Office's lock files (``~$name``) are ignored. Removing a file from the inbox does not remove the
object from the bucket.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import threading
from pathlib import Path
from typing import Any

from archive_local.mirror import write_atomically
from archive_local.s3_front import MAX_KEY_BYTES, MAX_REQUEST_BYTES

# A file is sent in one PUT, which the S3 front answers 413 above its bound: such a file (and
# one whose key S3 would refuse) is skipped with one warning, unread, instead of being read and
# refused on every poll.
MAX_UPLOAD_BYTES = MAX_REQUEST_BYTES

log = logging.getLogger("inbox")

_PARTIAL_SUFFIXES = ("~", ".part", ".tmp", ".crdownload", ".swp")
# What an operating system writes into a folder (thumbnail caches, folder settings, macOS's
# custom-icon file) and the lock file an open Office document leaves (~$name): never articles.
_SYSTEM_NAMES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
_LOCK_PREFIX = "~$"


def content_type_for(key: str) -> str:
    """The Content-Type an upload of ``key`` carries (gzip files as gzip, whatever they hold)."""
    guessed, encoding = mimetypes.guess_type(key, strict=False)
    if encoding == "gzip" or key.endswith(".gz"):
        return "application/gzip"
    return guessed or "application/octet-stream"


def upload(s3: Any, bucket: str, key: str, data: bytes) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type_for(key))


def key_name(name: str) -> str:
    """A file's path as the end of its key. S3 keys are UTF-8: the bytes of a name that are not
    (a name written in Latin-1, which the file system hands over as surrogates) are
    percent-escaped, so the file is still uploaded under a name that shows them."""
    return "".join(f"%{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c for c in name)


def _refusal(key: str, size: int) -> str | None:
    """Why the S3 front would refuse this file's upload, which is then skipped unread (it
    would be read and refused on every poll), or None."""
    if size > MAX_UPLOAD_BYTES:
        return f"{size} bytes, over the {MAX_UPLOAD_BYTES} one upload takes"
    key_bytes = len(key.encode("utf-8", "surrogatepass"))
    if key_bytes > MAX_KEY_BYTES:
        return f"the key is {key_bytes:,} bytes, over the {MAX_KEY_BYTES:,} bytes S3 takes; shorten its path"
    return None


def _ignored(relative: Path) -> bool:
    name = relative.name
    return (
        any(part.startswith(".") for part in relative.parts)
        or name.endswith(_PARTIAL_SUFFIXES)
        or name.lower() in _SYSTEM_NAMES
        or name.startswith(_LOCK_PREFIX)
    )


class InboxWatcher:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        inbox: Path,
        state_path: Path,
        *,
        prefix: str = "inbox/",
        interval: float = 1.0,
    ) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.inbox = Path(inbox)
        self.state_path = Path(state_path)
        self.prefix = prefix
        self.interval = interval
        self.sent = self._load_state()
        self._seen: dict[str, tuple[int, int]] = {}
        self._failed: dict[str, tuple[int, int]] = {}  # files whose upload failed, logged once each
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _load_state(self) -> dict[str, dict[str, Any]]:
        """What was sent, as the last run left it. The file only saves uploads: a damaged one
        is started over (the inbox is sent again; ingest settles unchanged bytes as
        duplicates) rather than stopping the stack."""
        if not self.state_path.exists():
            return {}
        try:
            sent = json.loads(self.state_path.read_text(encoding="utf-8"))
            if isinstance(sent, dict) and all(
                isinstance(entry, dict) and {"size", "mtime_ns", "sha256"} <= entry.keys()
                for entry in sent.values()
            ):
                return sent
        except ValueError:  # not UTF-8 or not JSON
            pass
        log.warning("%s is damaged: sending the inbox again", self.state_path)
        return {}

    def scan(self) -> list[str]:
        """One poll: upload the files that are new or changed and stable since the last
        poll. Returns the keys uploaded."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        current: dict[str, tuple[int, int]] = {}
        for path in sorted(self.inbox.rglob("*")):
            relative = path.relative_to(self.inbox)
            if _ignored(relative) or not path.is_file():
                continue
            stat = path.stat()
            current[relative.as_posix()] = (stat.st_size, stat.st_mtime_ns)
        before = json.dumps(self.sent, sort_keys=True)
        uploaded: list[str] = []
        for name, signature in current.items():
            sent = self.sent.get(name)
            if sent and (sent["size"], sent["mtime_ns"]) == signature:
                continue
            if self._seen.get(name) != signature:
                continue  # new or still changing: wait for one more poll
            key = self.prefix + key_name(name)
            refusal = _refusal(key, signature[0])
            if refusal:
                if self._failed.get(name) != signature:
                    log.warning("not uploading %s: %s", key, refusal)
                self._failed[name] = signature
                continue
            try:
                data = (self.inbox / name).read_bytes()
                sha256 = hashlib.sha256(data).hexdigest()
                if not sent or sent["sha256"] != sha256:
                    upload(self.s3, self.bucket, key, data)
                    uploaded.append(key)
                    shown = self.inbox / key_name(name)
                    log.info("uploaded %s (%d bytes) to s3://%s/%s", shown, len(data), self.bucket, key)
            except Exception as exc:  # one locked or vanished file must not hold up the others
                if self._failed.get(name) != signature:
                    log.warning("could not upload %s (%s); retrying on the next polls", key, exc)
                self._failed[name] = signature
                continue
            self._failed.pop(name, None)
            self.sent[name] = {"size": signature[0], "mtime_ns": signature[1], "sha256": sha256, "key": key}
        for name in [name for name in self.sent if name not in current]:
            del self.sent[name]
        if json.dumps(self.sent, sort_keys=True) != before:
            write_atomically(self.state_path, json.dumps(self.sent, indent=1, sort_keys=True).encode())
        self._seen = current
        return uploaded

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="inbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.scan()
            except Exception:  # a locked or vanished file must not stop the watcher
                log.exception("scanning the inbox failed; retrying")
