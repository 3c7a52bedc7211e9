"""S3 notifications inside SQS messages -> ``ObjectEvent`` values with an order.

S3 delivers notifications at least once and in no particular order. Each event on
an object carries a ``sequencer``: for two events on the same key, the greater
hexadecimal value happened later (the S3 documentation: left-pad the shorter
string with zeros, then compare). ``event_version`` maps that order onto the
signed 64-bit external version OpenSearch accepts, like a float with a length
for exponent:

    version = (max(0, digits - 15) << 60) | (first 15 significant hex digits)

where ``digits`` is the number of significant hex digits. A sequencer of up to 15
digits (60 bits) is its own version: exact. Longer ones (real S3 sends 16 to 18
digits) sort above every shorter one and by their first 15 digits among those of
their length, so the version never orders two events backwards; two sequencers of
the same length that agree on their first 15 digits tie. Up to 22 digits (88 bits)
fit; longer ones all map to the largest version. Ties are harmless because
(a) the stale check compares the full sequencers stored in the receipts, exactly,
and (b) writes use ``external_gte`` and the content is always read from the bucket
at processing time, so an engine-level tie resolves to the object's current
content, never to an older one.

S3 sends a sequencer with every object event, and so does the local stack (its S3
front numbers each write, ``infra/archive_local/sequencers.py``). A record without one
is malformed (retried, then the DLQ) unless the ``EVENT_ORDER`` setting is
``event-time``, the explicit mode for S3-compatible stores that send none: such a
record's version is then its event time in milliseconds. Its limits: two events on the
same key within one millisecond tie (resolved as above), and clocks, not the store,
order them. Never mix the two sources in one index (a bucket either sends sequencers
or it does not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from archive_search.model import ObjectRef

_PREFIX_DIGITS = 15
_PREFIX_BITS = 4 * _PREFIX_DIGITS
_MAX_LENGTH_CLASS = 7  # 7 << 60 | (2**60 - 1) == 2**63 - 1, the largest signed 64-bit value

CREATED = "created"
REMOVED = "removed"
# A delete that left no marker: one version deleted for good (or an unversioned bucket's object).
PERMANENT_DELETE = "ObjectRemoved:Delete"


class MalformedMessage(ValueError):
    """An SQS message body that is not an S3 notification."""


@dataclass(frozen=True)
class ObjectEvent:
    """One S3 event on one object, reduced to what ingest needs."""

    ref: ObjectRef
    action: str  # CREATED | REMOVED
    event_name: str
    event_time: str
    version: int
    sequencer: str | None = None
    etag: str | None = None
    version_id: str | None = None
    size: int | None = None


def reads_object(event: ObjectEvent) -> bool:
    """Whether ingest reads the key's object for ``event``: a created one, and after a version
    deleted for good, since in a versioned bucket the key may still hold an object (a noncurrent
    version was removed, the previous one is current again, or the delete marker was removed: an
    undelete); its content, not the event, says what the key holds. A delete marker leaves none, so its key is deleted unread."""
    return event.action == CREATED or event.event_name == PERMANENT_DELETE


def sequencer_value(sequencer: str) -> int:
    """The sequencer as a number: left-padding with zeros and comparing the strings
    is the same as comparing these numbers."""
    text = sequencer.strip()
    if not text:
        raise ValueError("empty sequencer")
    return int(text, 16)


def sequencer_version(sequencer: str) -> int:
    """An external version (0 <= v < 2**63) that never orders two sequencers backwards."""
    digits = f"{sequencer_value(sequencer):x}"
    length_class = len(digits) - _PREFIX_DIGITS
    if length_class <= 0:
        return int(digits, 16)
    if length_class > _MAX_LENGTH_CLASS:
        return (_MAX_LENGTH_CLASS << _PREFIX_BITS) | ((1 << _PREFIX_BITS) - 1)
    return (length_class << _PREFIX_BITS) | int(digits[:_PREFIX_DIGITS], 16)


def is_not_older(event: ObjectEvent, version: int, sequencer: str | None) -> bool:
    """Whether ``event`` is the same as or newer than what was recorded at ``version``
    with ``sequencer``: full sequencers are compared exactly when both exist."""
    if event.sequencer and sequencer:
        return sequencer_value(event.sequencer) >= sequencer_value(sequencer)
    return event.version >= version


def time_version(event_time: str) -> int:
    """Fallback version from an ISO-8601 event time: milliseconds since the epoch."""
    moment = datetime.fromisoformat(event_time.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def parse_s3_record(record: dict[str, Any], *, event_time_order: bool = False) -> ObjectEvent | None:
    """One entry of an S3 notification's ``Records``; ``None`` for events ingest ignores.
    ``event_time_order``: a record without a sequencer is ordered by its event time
    (``EVENT_ORDER=event-time``) instead of being malformed."""
    name = str(record.get("eventName", ""))
    if name.startswith("ObjectCreated:"):
        action = CREATED
    elif name.startswith("ObjectRemoved:"):
        action = REMOVED
    else:
        return None
    try:
        s3 = record["s3"]
        bucket = s3["bucket"]["name"]
        obj = s3["object"]
        raw_key = obj["key"]
        event_time = record["eventTime"]
    except (KeyError, TypeError) as exc:
        raise MalformedMessage(f"S3 record without {exc}") from None
    if not all(isinstance(value, str) and value for value in (bucket, raw_key, event_time)):
        raise MalformedMessage("S3 record whose bucket name, key or eventTime is not a non-empty string")
    key = unquote_plus(raw_key)
    sequencer = obj.get("sequencer") or None
    if sequencer is None and not event_time_order:
        raise MalformedMessage(
            f"S3 record for {key!r} has no sequencer (S3 always sends one; "
            "EVENT_ORDER=event-time orders the events of a store that sends none by their time)"
        )
    version = sequencer_version(sequencer) if sequencer else time_version(event_time)
    size = obj.get("size")
    return ObjectEvent(
        ref=ObjectRef(bucket, key),
        action=action,
        event_name=name,
        event_time=event_time,
        version=version,
        sequencer=sequencer,
        etag=obj.get("eTag"),
        version_id=obj.get("versionId"),
        size=int(size) if size is not None else None,
    )


def parse_message_body(body: str, *, event_time_order: bool = False) -> list[ObjectEvent]:
    """The object events of one SQS message body (empty for ``s3:TestEvent``); see
    ``parse_s3_record`` for ``event_time_order``."""
    try:
        payload = json.loads(body)
    except (TypeError, ValueError, RecursionError):  # RecursionError: nested past the parser's depth
        raise MalformedMessage("message body is not JSON") from None
    if not isinstance(payload, dict):
        raise MalformedMessage("message body is not a JSON object")
    if payload.get("Event") == "s3:TestEvent":
        return []
    records = payload.get("Records")
    if not isinstance(records, list):
        raise MalformedMessage("message body has no S3 Records")
    events = []
    for record in records:
        if not isinstance(record, dict):
            raise MalformedMessage("an S3 record is not an object")
        try:
            event = parse_s3_record(record, event_time_order=event_time_order)
        except MalformedMessage:
            raise
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:  # sequencer, size
            raise MalformedMessage(
                f"S3 record with a field of the wrong type ({type(exc).__name__})"
            ) from None
        if event is not None:
            events.append(event)
    return events
