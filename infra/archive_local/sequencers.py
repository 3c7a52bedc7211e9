"""S3-style ``sequencer``s for the local stack's object events, which moto sends without one.

S3 gives every event on a key a ``sequencer``: a hexadecimal string, greater for a later
event on the same key (compared after left-padding with zeros). Ingest orders events by
it. Here the S3 front draws one for every write it accepts (PUT, copy, multipart
completion, form POST, DELETE, batch delete), per key, while it holds the key's lock, and
remembers it with the key's state after the write: the object's ETag and version id, or
its absence. When the worker hands a notification to the ingest handler, ``stamp`` puts
the sequencer of the state the event describes into each record (taking the same lock,
so a notification that outran its write's answer waits for it). moto's ObjectCreated
events carry the key and the ETag but no version id, so they are matched by ETag (the
bucket is versioned: a delete marker's notification is matched by its version id).

Several writes can leave a key in the same state (the same bytes twice): an event is
given the newest of their sequencers. That never orders it after a write that changed
the key since, and ingest reads the object's content when it processes the event.

The values are a counter that never goes back, also across restarts: it starts at
``max(persisted ceiling, the clock in microseconds)`` (so it is above the event-time
versions, in milliseconds, of receipts written before local events had sequencers) and
reserves ``BLOCK`` values at a time by writing their ceiling to disk (fsynced) before it
hands any of them out. A restored object therefore never gets a sequencer lower than
one its receipt already holds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from archive_local.config import StartupError
from archive_local.durable import write_atomically

log = logging.getLogger("s3")

# Values reserved per write of the ceiling file: one fsync per this many writes.
BLOCK = 1 << 20
# Writes to one key are serialised; keys hash onto this many locks.
KEY_LOCKS = 256
# States remembered per key: a notification older than all of them is older than each.
STATES_PER_KEY = 8
WIDTH = 16  # hex digits, zero-padded, as S3's are at least


@dataclass(frozen=True)
class KeyState:
    """A key after one write: its sequencer, and the object's ETag (None: absent)."""

    sequencer: int
    etag: str | None
    version_id: str | None = None


class Sequencers:
    """The sequencer counter of one bucket (persisted at ``path``) and each key's recent states."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._key_locks = [threading.Lock() for _ in range(KEY_LOCKS)]
        self._states: dict[str, list[KeyState]] = {}
        self._next = max(self._stored_ceiling(), int(clock() * 1_000_000))
        self._ceiling = self._next  # nothing reserved yet

    def _stored_ceiling(self) -> int:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return 0
        try:
            ceiling = json.loads(data)["ceiling"]
            if isinstance(ceiling, bool) or not isinstance(ceiling, int) or ceiling < 0:
                raise ValueError("not a whole number")
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            # Guessing a ceiling could hand out a sequencer lower than one already sent.
            raise StartupError(
                f"{self.path} is corrupt ({type(exc).__name__}: {exc}); it must hold "
                '{"ceiling": <whole number>}. Delete it to restart the sequencers from the '
                "clock (safe unless the clock went back since the last run)"
            ) from None
        return ceiling

    def _reserve(self) -> None:
        """Write the next block's ceiling to disk before any value of it is used (under ``_lock``)."""
        ceiling = self._next + BLOCK
        write_atomically(self.path, json.dumps({"ceiling": ceiling}).encode("utf-8"))
        self._ceiling = ceiling

    def draw(self) -> int:
        """The next value: greater than every value drawn before, by this or an earlier run."""
        with self._lock:
            if self._next >= self._ceiling:
                self._reserve()
            value = self._next
            self._next += 1
            return value

    # -- per key ---------------------------------------------------------------------
    def _stripe(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % KEY_LOCKS

    @contextlib.contextmanager
    def locked(self, keys: Iterable[str]) -> Iterator[None]:
        """Hold the locks of ``keys`` (taken in one order, so two writers never deadlock)."""
        stripes = sorted({self._stripe(key) for key in keys})
        with contextlib.ExitStack() as held:
            for stripe in stripes:
                held.enter_context(self._key_locks[stripe])
            yield

    def assign(self, key: str, etag: str | None, version_id: str | None = None) -> str:
        """A new sequencer for ``key``, now in the state given (the caller holds its lock)."""
        state = KeyState(self.draw(), etag.strip('"') if etag else None, version_id or None)
        with self._lock:
            states = self._states.setdefault(key, [])
            states.append(state)
            del states[:-STATES_PER_KEY]
        return format_sequencer(state.sequencer)

    def removed(self, key: str) -> str:
        """A sequencer for a removal of ``key`` the stack announces itself."""
        with self.locked([key]):
            return self.assign(key, None)

    def lookup(self, key: str, *, removed: bool, etag: str | None, version_id: str | None) -> str | None:
        """The sequencer of the event that left ``key`` as described; None if no write of
        the key went through the front in this run."""
        with self.locked([key]), self._lock:
            states = list(self._states.get(key, ()))
        if not states:
            return None
        if version_id:
            for state in reversed(states):
                if state.version_id == version_id:
                    return format_sequencer(state.sequencer)
        wanted = None if removed else (etag or "").strip('"')
        for state in reversed(states):
            if state.etag == wanted:
                return format_sequencer(state.sequencer)
        # Older than every state remembered, so older than each of them.
        return format_sequencer(states[0].sequencer - 1)

    def stamp(self, body: str) -> str:
        """An SQS message body with a ``sequencer`` in each S3 object record lacking one
        (unchanged when it is not an S3 notification or no write matches)."""
        try:
            payload = json.loads(body)
            records = payload.get("Records")
        except (ValueError, AttributeError):
            return body
        if not isinstance(records, list):
            return body
        changed = False
        for record in records:
            obj = _object_of(record)
            if obj is None or obj.get("sequencer"):
                continue
            name = str(record.get("eventName", ""))
            key = unquote_plus(str(obj.get("key", "")))
            sequencer = self.lookup(
                key,
                removed=name.startswith("ObjectRemoved:"),
                etag=obj.get("eTag"),
                version_id=obj.get("versionId"),
            )
            if sequencer is None:
                bucket = ((record.get("s3") or {}).get("bucket") or {}).get("name")
                log.warning(
                    "s3://%s/%s: no write of it went through the S3 front, so its event has no "
                    "sequencer and ingest refuses it",
                    bucket,
                    key,
                )
                continue
            obj["sequencer"] = sequencer
            changed = True
        return json.dumps(payload) if changed else body


def _object_of(record: Any) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        return None
    name = str(record.get("eventName", ""))
    if not name.startswith(("ObjectCreated:", "ObjectRemoved:")):
        return None
    obj = (record.get("s3") or {}).get("object")
    return obj if isinstance(obj, dict) and "key" in obj else None


def format_sequencer(value: int) -> str:
    """A sequencer as S3 writes them: upper-case hex, zero-padded."""
    return f"{value:0{WIDTH}X}"
