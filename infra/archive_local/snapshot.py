"""A snapshot of the local engine's indices beside the bucket mirror, so a restart does not
clean and index the whole archive again.

osmem-server keeps its indices in memory and loads a seed directory at start
(``osmem-server -seed DIR``: ``<index>.index.json`` with settings, mappings and aliases,
then ``<index>.ndjson`` as a ``_bulk`` body). The stack writes that directory at shutdown
and every ``SNAPSHOT_INTERVAL`` seconds, documents with their external versions (so later
events compare against the versions they had), and starts the engine from it.

The receipts are read before the articles: a receipt is written only after its
documents settled, so every receipt in a snapshot has its documents in it too (documents
may be newer than a receipt; that object then goes through ingest again, see
``plan_restore``). A snapshot is written to a temporary folder and renamed into place, so a
crash leaves the previous one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("snapshot")

# Settings an index is created with; the rest (uuid, creation date, ...) belong to one cluster.
_CREATION_SETTINGS = ("analysis", "number_of_shards", "max_result_window", "highlight", "mapping")
_PAGE = 1000
# Outcomes whose receipt settles an object: the same bytes would give the same result.
_SETTLED = ("indexed", "duplicate", "rejected")


class SnapshotError(Exception):
    """The engine could not be read; the previous snapshot stays."""


def _call(url: str, method: str = "GET", body: Any = None, timeout: float = 60.0) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{method} {url}: {exc}") from exc


def _described(engine_url: str, alias: str) -> dict[str, Any]:
    """The indices behind ``alias``, none when the engine has no such alias yet: an empty
    archive has no receipts index before its first upload, and failing on it kept every
    other index (saved alerts, the outbox) out of the snapshot."""
    try:
        return _call(f"{engine_url}/{alias}")
    except SnapshotError as exc:
        if isinstance(exc.__cause__, urllib.error.HTTPError) and exc.__cause__.code == 404:
            return {}
        raise


def _fsync_write(path: Path, chunks: Iterator[bytes]) -> None:
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())


class IndexSnapshot:
    """The seed directory ``root`` of the indices behind ``aliases`` (receipts alias first)."""

    def __init__(self, root: Path, aliases: list[str]) -> None:
        self.root = Path(root)
        self.aliases = aliases

    def exists(self) -> bool:
        return (self.root / "snapshot.json").exists()

    def write(self, engine_url: str) -> int:
        """Replace the snapshot with the engine's current indices; returns the documents written."""
        tmp = self.root.with_name(f".{self.root.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        written = 0
        indices: dict[str, list[str]] = {}
        try:
            for alias in self.aliases:
                described = _described(engine_url, alias)
                indices[alias] = sorted(described)
                for index, info in described.items():
                    settings = info.get("settings", {}).get("index", {})
                    body = {
                        "settings": {k: settings[k] for k in _CREATION_SETTINGS if k in settings},
                        "mappings": info.get("mappings", {}),
                        "aliases": info.get("aliases", {}),
                    }
                    _fsync_write(tmp / f"{index}.index.json", iter([json.dumps(body).encode()]))
                    count = [0]
                    derived = _derives_text_fields(info.get("mappings", {}))
                    _fsync_write(tmp / f"{index}.ndjson", self._documents(engine_url, index, count, derived))
                    if not count[0]:
                        # osmem-server refuses an empty seed body: an empty index (the events
                        # outbox, mostly) is its .index.json alone.
                        (tmp / f"{index}.ndjson").unlink()
                    written += count[0]
            meta = {"aliases": indices, "documents": written}
            _fsync_write(tmp / "snapshot.json", iter([json.dumps(meta).encode()]))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = self.root.with_name(f".{self.root.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if self.root.exists():
            os.replace(self.root, old)
        os.replace(tmp, self.root)
        shutil.rmtree(old, ignore_errors=True)
        return written

    def _documents(self, engine_url: str, index: str, count: list[int], derived: bool) -> Iterator[bytes]:
        for hits in _pages(engine_url, index):
            lines = []
            for hit in hits:
                action = {"_id": hit["_id"], "version": hit["_version"], "version_type": "external"}
                lines.append(json.dumps({"index": action}))
                lines.append(json.dumps(_with_text_fields(hit["_source"]) if derived else hit["_source"]))
            count[0] += len(hits)
            yield ("\n".join(lines) + "\n").encode()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _derives_text_fields(mappings: Mapping[str, Any]) -> bool:
    """Whether an index's documents carry fields their ``_source`` leaves out (the article
    index: the lead highlighting reads, the per-language copies), which a snapshot made of
    ``_source`` alone would lose: every snippet and per-language match after a restart."""
    return "lead" in mappings.get("_source", {}).get("excludes", [])


def _with_text_fields(source: dict[str, Any]) -> dict[str, Any]:
    """An article document's ``_source`` with the fields its builder derives from its text."""
    from archive_search.index_schema import language_fields

    text = (source.get("title"), source.get("body"), source.get("language"), source.get("description"))
    return {**source, **language_fields(*text)}


@dataclass
class RestorePlan:
    """Which mirrored objects must go through ingest again after a restart."""

    unchanged: list[str] = field(default_factory=list)  # the engine's receipt has these bytes
    changed: list[str] = field(default_factory=list)  # new, changed, or never settled
    vanished: list[str] = field(default_factory=list)  # receipted live, no longer in the bucket


def plan_restore(mirrored: Mapping[str, str], receipts: Mapping[str, Mapping[str, Any]]) -> RestorePlan:
    """``mirrored``: key -> sha256 of the bucket copy; ``receipts``: key -> receipt in the
    engine. An object is unchanged when its receipt settled these very bytes."""
    plan = RestorePlan()
    for key, sha256 in sorted(mirrored.items()):
        receipt = receipts.get(key)
        if receipt and receipt.get("outcome") in _SETTLED and receipt.get("content_sha256") == sha256:
            plan.unchanged.append(key)
        else:
            plan.changed.append(key)
    plan.vanished = sorted(
        key
        for key, receipt in receipts.items()
        if key not in mirrored and receipt.get("outcome") != "deleted"
    )
    return plan


def engine_receipts(engine_url: str, receipts_alias: str, bucket: str) -> dict[str, dict[str, Any]]:
    """key -> receipt of the bucket's objects in a running engine (empty when it has none)."""
    try:
        described = _call(f"{engine_url}/{receipts_alias}")
    except SnapshotError:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for index in described:
        for hits in _pages(engine_url, index):
            for hit in hits:
                source = hit["_source"]
                if source.get("bucket") == bucket:
                    found[source["key"]] = source
    return found


def _pages(engine_url: str, index: str) -> Iterator[list[dict[str, Any]]]:
    """Every document of ``index`` with its version, a page at a time (a scroll)."""
    page = _call(
        f"{engine_url}/{index}/_search?scroll=2m",
        "POST",
        {"size": _PAGE, "version": True, "sort": ["_doc"], "query": {"match_all": {}}},
    )
    scroll_id = page.get("_scroll_id")
    try:
        while page["hits"]["hits"]:
            yield page["hits"]["hits"]
            page = _call(f"{engine_url}/_search/scroll", "POST", {"scroll": "2m", "scroll_id": scroll_id})
            scroll_id = page.get("_scroll_id", scroll_id)
    finally:
        if scroll_id:
            with contextlib.suppress(SnapshotError):
                _call(f"{engine_url}/_search/scroll", "DELETE", {"scroll_id": scroll_id})
