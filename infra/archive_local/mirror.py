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

The mirror also keeps the bucket's sequencer counter (``sequencers.py``, in
``sequencer.json``): every write ``restore`` makes is given a sequencer, as the S3 front
gives every write it forwards.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from archive_local.config import StartupError
from archive_local.durable import fsync_directory, make_directories, write_atomically
from archive_local.sequencers import Sequencers

log = logging.getLogger("mirror")


class BucketMirror:
    def __init__(self, s3: Any, bucket: str, root: Path) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.root = Path(root)
        self.manifest_path = self.root / "manifest.json"
        self.journal_path = self.root / "journal.ndjson"
        self._lock = threading.RLock()
        self.sequencers = Sequencers(self.root / "sequencer.json")
        self.entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        if self.manifest_path.exists():
            try:
                entries = json.loads(self.manifest_path.read_bytes())
                if not isinstance(entries, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, RecursionError) as exc:
                # Written atomically, so damage is outside the stack: never guess the bucket.
                raise StartupError(
                    f"{self.manifest_path} is corrupt ({type(exc).__name__}: {exc}); restore it "
                    f"or delete the folder {self.root} to start with an empty bucket copy"
                ) from None
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

    def record(self, key: str) -> tuple[str, str | None] | None:
        """Write the key's current object (or its absence) through to disk, durably.
        Called after a write to ``key`` succeeded and before it is acknowledged, holding
        the key's lock (``sequencers.locked``), so the last record reads the last write.
        Returns the object's (ETag, version id), or None when the key is absent."""
        try:
            obj = self.s3.get_object(Bucket=self.bucket, Key=key)
        except self.s3.exceptions.NoSuchKey:
            with self._lock:
                if key in self.entries:
                    self._append(key, None)
            return None
        with self._lock:  # not while garbage is collected
            entry = self._store(obj)
            if self.entries.get(key) != entry:
                self._append(key, entry)
        return entry["etag"], obj.get("VersionId")

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
        send them to ingest. Returns key -> ETag of each object restored.

        Each object is put back holding its key's lock, as the S3 front writes, and only
        if no write through the front changed the key since this began (a restore never
        overwrites a newer upload). The mirror's own lock is not held meanwhile: a write
        holding a key's lock waits for it in ``record``."""
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            wanted = sorted(self.entries) if keys is None else [k for k in keys if k in self.entries]
            planned = {key: dict(self.entries[key]) for key in wanted}

        def put(key: str) -> tuple[str, str] | None:
            entry = planned[key]
            with self.sequencers.locked([key]):
                with self._lock:
                    if self.entries.get(key, {}).get("sha256") != entry["sha256"]:
                        return None  # written or removed through the front since
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
                self.sequencers.assign(key, answer["ETag"], answer.get("VersionId"))
                with self._lock:
                    if key in self.entries:
                        self.entries[key]["etag"] = answer["ETag"].strip('"')
            return key, answer["ETag"].strip('"')

        with ThreadPoolExecutor(threads) as pool:
            restored = dict(r for r in pool.map(put, wanted) if r)
        with self._lock:
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
