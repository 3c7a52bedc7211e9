"""A durable copy of the bucket on disk, so the archive survives a restart.

moto server keeps everything in memory and has no persistence option, and the bucket
is the archive's source of truth (the index is a projection of it). So the stack keeps
a mirror of the bucket's current objects under the data directory and, on the next
start, puts every object back into the fresh bucket: the bucket notifications then run
the real ingest path, which rebuilds the index.

The S3 front (``s3_front.py``) calls ``record`` for every key a write touched before
the client gets its answer, so an acknowledged upload is on disk (fsynced) before the
client knows it succeeded; ``sync`` reconciles the whole listing at start and stop.

Layout under ``root``::

    manifest.json            key -> {sha256, etag, content_type, metadata}
    journal.ndjson           changes since the manifest: {"key", "entry"} (null: removed)
    objects/ab/ab12...       object bytes, content-addressed (sha256)

The manifest is replaced atomically (temporary file + rename) and then the journal is
emptied; the journal is appended one fsynced line per change. Every rename, new file and
removal is followed by an fsync of its directory: a rename is durable only once its
directory entry is. Loading applies the journal over the manifest (replaying a change
twice gives the same state), ignoring a last line cut short by a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import zlib
from pathlib import Path
from typing import Any

from archive_local.durable import fsync_directory, make_directories, write_atomically

# Writes to one key are recorded one at a time, so the last record reads the last write;
# keys hash onto this many locks.
_KEY_LOCKS = 64

log = logging.getLogger("mirror")


class BucketMirror:
    def __init__(self, s3: Any, bucket: str, root: Path) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.root = Path(root)
        self.manifest_path = self.root / "manifest.json"
        self.journal_path = self.root / "journal.ndjson"
        self._lock = threading.RLock()
        self._key_locks = [threading.Lock() for _ in range(_KEY_LOCKS)]
        self.entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        if self.manifest_path.exists():
            entries = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        if self.journal_path.exists():
            for line in self.journal_path.read_bytes().splitlines():
                try:
                    change = json.loads(line)
                except ValueError:
                    log.warning("ignoring a journal line cut short: %r", line[:80])
                    continue
                if change.get("entry") is None:
                    entries.pop(change["key"], None)
                else:
                    entries[change["key"]] = change["entry"]
        return entries

    def _save(self) -> None:
        """The manifest with every change, then an empty journal (under ``_lock``)."""
        write_atomically(
            self.manifest_path, json.dumps(self.entries, indent=1, sort_keys=True).encode("utf-8")
        )
        if self.journal_path.exists():
            self.journal_path.unlink()
            fsync_directory(self.root)

    def _append(self, key: str, entry: dict[str, Any] | None) -> None:
        """One change, durable before this returns (under ``_lock``)."""
        make_directories(self.root)
        line = json.dumps({"key": key, "entry": entry}, sort_keys=True).encode("utf-8") + b"\n"
        created = not self.journal_path.exists()
        with open(self.journal_path, "ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        if created:
            fsync_directory(self.root)
        if entry is None:
            self.entries.pop(key, None)
        else:
            self.entries[key] = entry

    def record(self, key: str) -> bool:
        """Write the key's current object (or its absence) through to disk, durably.
        Called after a write to ``key`` succeeded and before it is acknowledged.
        Returns whether the key exists."""
        with self._key_locks[zlib.crc32(key.encode("utf-8")) % _KEY_LOCKS]:
            try:
                obj = self.s3.get_object(Bucket=self.bucket, Key=key)
            except self.s3.exceptions.NoSuchKey:
                with self._lock:
                    if key in self.entries:
                        self._append(key, None)
                return False
            with self._lock:  # not while garbage is collected
                entry = self._store(obj)
                if self.entries.get(key) != entry:
                    self._append(key, entry)
            return True

    def _store(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The object's bytes on disk; returns its manifest entry."""
        data = obj["Body"].read()
        sha256 = hashlib.sha256(data).hexdigest()
        blob = self._blob(sha256)
        if not blob.exists():
            write_atomically(blob, data)
        return {
            "sha256": sha256,
            "etag": obj["ETag"].strip('"'),
            "content_type": obj.get("ContentType"),
            "metadata": obj.get("Metadata") or {},
        }

    def _blob(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def restore(self, keys: list[str] | None = None, threads: int = 8) -> dict[str, str]:
        """Put mirrored objects (all, or ``keys``) into the bucket, whose notifications
        send them to ingest. Returns key -> ETag of each object restored."""
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            wanted = sorted(self.entries) if keys is None else [k for k in keys if k in self.entries]

            def put(key: str) -> tuple[str, str] | None:
                entry = self.entries[key]
                try:
                    data = self._blob(entry["sha256"]).read_bytes()
                except OSError as exc:  # one damaged copy must not keep the archive down
                    log.error("cannot restore %s: %s", key, exc)
                    return None
                answer = self.s3.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=data,
                    ContentType=entry.get("content_type") or "binary/octet-stream",
                    Metadata=entry.get("metadata") or {},
                )
                return key, answer["ETag"].strip('"')

            with ThreadPoolExecutor(threads) as pool:
                restored = dict(r for r in pool.map(put, wanted) if r)
            for key, etag in restored.items():
                self.entries[key]["etag"] = etag
            self._save()
            return restored

    def sync(self) -> tuple[int, int]:
        """Copy new or changed objects to disk and forget the removed ones.
        Returns (copied, removed)."""
        with self._lock:
            listing: dict[str, str] = {}
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
                for item in page.get("Contents", []):
                    listing[item["Key"]] = item["ETag"].strip('"')
            copied = 0
            for key, etag in listing.items():
                if self.entries.get(key, {}).get("etag") == etag:
                    continue
                try:
                    obj = self.s3.get_object(Bucket=self.bucket, Key=key)
                except self.s3.exceptions.NoSuchKey:
                    continue  # removed since the listing; the next sync forgets it
                self.entries[key] = self._store(obj)
                copied += 1
            removed = [key for key in self.entries if key not in listing]
            for key in removed:
                del self.entries[key]
            if copied or removed or self.journal_path.exists():
                self._save()
                self._collect_garbage()
            return copied, len(removed)

    def _collect_garbage(self) -> None:
        referenced = {entry["sha256"] for entry in self.entries.values()}
        objects = self.root / "objects"
        if not objects.exists():
            return
        for blob in objects.glob("*/*"):
            if blob.name not in referenced and not blob.name.startswith("."):
                blob.unlink()
