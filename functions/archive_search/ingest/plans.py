"""Pure planning: a batch's events, the objects read and the existing receipts -> one frozen
``Plan`` per object, and from each plan its bulk items and its receipt. No I/O here: the
service reads, cleans and writes; these functions decide.

A plan is one of:

- ``INDEX``: the object's articles are (re)written, tombstones cover ordinals it lost; the
  records of the file that became no article are recorded in the receipt (``skipped``);
- ``UNCHANGED``: the same bytes are indexed by the same cleaner (the documents were checked);
  only the receipt is written (outcome ``duplicate``);
- ``REJECTED``: the object cannot become an article (``reason``, ``message``); documents of
  earlier content are tombstoned;
- ``DELETED``: the object was removed (or is gone since the event); its documents become
  tombstones;
- ``RETRY``: a transient failure (``reason``): nothing is written, the messages are retried.

Every write carries the event's external version, so a stale write loses to a newer one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from archive_search.cleaning.skipped import NOTHING_SKIPPED, Skipped
from archive_search.documents import article_document
from archive_search.ingest import receipts
from archive_search.ingest.events import (
    MalformedMessage,
    ObjectEvent,
    is_not_older,
    parse_message_body,
    sequencer_value,
)
from archive_search.ingest.writer import REFUSED, WRITTEN, BulkItem, ItemResult
from archive_search.model import Article, ObjectRef, document_id, receipt_id
from archive_search.settings import not_an_upload

INDEX = "index"
UNCHANGED = "unchanged"
REJECTED = "rejected"
DELETED = "deleted"
RETRY = "retry"
OUTCOME_OF = {
    INDEX: receipts.INDEXED,
    UNCHANGED: receipts.DUPLICATE,
    REJECTED: receipts.REJECTED,
    DELETED: receipts.DELETED,
}
# Live documents of other keys looked up per batch to record as ``duplicate_of``.
MAX_COPIES_LISTED = 100


# -- collecting ------------------------------------------------------------------------
@dataclass(frozen=True)
class Latest:
    """The newest event of one object in a batch and the message that brought it."""

    event: ObjectEvent
    message_ids: frozenset[str]


@dataclass(frozen=True)
class Collected:
    latest: Mapping[ObjectRef, Latest]
    malformed: Mapping[str, str]  # message id -> why it is not an S3 notification
    ignored: tuple[tuple[ObjectEvent, str], ...]  # events on keys that are not uploads, and why


def collect(messages: Iterable[tuple[str, str]], *, event_time_order: bool = False) -> Collected:
    """(message id, body) pairs -> the newest event per object (older ones in the same batch
    are superseded; the later message wins a tie). ``event_time_order``: ``EVENT_ORDER``
    is ``event-time`` (``events.parse_s3_record``)."""
    latest: dict[ObjectRef, Latest] = {}
    malformed: dict[str, str] = {}
    ignored: list[tuple[ObjectEvent, str]] = []
    for message_id, body in messages:
        try:
            events = parse_message_body(body, event_time_order=event_time_order)
        except MalformedMessage as exc:
            malformed[message_id] = str(exc)
            continue
        for event in events:
            why = not_an_upload(event.ref.key)
            if why:
                ignored.append((event, why))
                continue
            current = latest.get(event.ref)
            if current is None or event.version >= current.event.version:
                latest[event.ref] = Latest(event, frozenset((message_id,)))
    return Collected(latest, malformed, tuple(ignored))


def is_stale(event: ObjectEvent, known: tuple[int, Mapping[str, Any]] | None) -> bool:
    """Whether ``known`` (the receipt's version and source) records a newer event."""
    if known is None:
        return False
    version, receipt = known
    return not is_not_older(event, version, receipt.get("sequencer"))


def is_redelivery(event: ObjectEvent, known: tuple[int, Mapping[str, Any]] | None) -> bool:
    """Whether ``known`` (the receipt's version and source) records this very S3 event, delivered
    again (SQS after a Lambda died, S3 itself, a DLQ redrive): the same sequencer, or without
    sequencers the same event time and, when the event names them, the same bytes (ETag). Its
    receipt already tells its outcome: processing it again would rewrite an ``indexed`` one as
    ``duplicate``."""
    if known is None or known[0] != event.version:
        return False
    receipt = known[1]
    recorded = receipt.get("sequencer")
    if event.sequencer or recorded:
        return bool(
            event.sequencer and recorded and sequencer_value(event.sequencer) == sequencer_value(recorded)
        )
    same_bytes = not event.etag or event.etag.strip('"') == receipt.get("etag")
    return receipt.get("event_time") == event.event_time and same_bytes


# -- planning --------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectRead:
    """What reading and cleaning one created object gave."""

    gone: bool = False  # no longer in the bucket
    failure: str | None = None  # transient: retry later
    rejection: tuple[str, str] | None = None  # (reason, message)
    sha256: str | None = None
    etag: str | None = None
    cleaner_version: str | None = None
    articles: tuple[Article, ...] = ()
    fingerprints: tuple[str, ...] = ()
    skipped: Skipped = NOTHING_SKIPPED  # records of the file left out of ``articles``


@dataclass(frozen=True)
class Plan:
    kind: str
    event: ObjectEvent
    message_ids: frozenset[str]
    previous: Mapping[str, Any] | None = None  # the receipt this one replaces
    articles: tuple[Article, ...] = ()
    fingerprints: tuple[str, ...] = ()  # of the articles, by ordinal
    sha256: str | None = None
    etag: str | None = None
    cleaner_version: str | None = None  # set when the object was cleaned
    reason: str | None = None  # REJECTED: the reason code; RETRY: why
    message: str | None = None  # REJECTED: for a person
    duplicate_of: tuple[str, ...] = ()
    skipped: Skipped = NOTHING_SKIPPED  # INDEX/UNCHANGED: records the cleaner left out
    # INDEX of changed bytes: fingerprints the key's live documents held before this write
    held_fingerprints: frozenset[str] = frozenset()
    # INDEX: fingerprint -> the first indexing time of the key's live document holding it
    kept_times: Mapping[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> ObjectRef:
        return self.event.ref

    @property
    def outcome(self) -> str | None:
        return OUTCOME_OF.get(self.kind)


def plan_object(
    event: ObjectEvent,
    message_ids: frozenset[str],
    previous: Mapping[str, Any] | None,
    read: ObjectRead | None,
) -> Plan:
    """The plan of one object from its event and, for an object read (``events.reads_object``),
    what was read: an event read for nothing, or an object gone, deletes the key."""
    if read is None or read.gone:
        return Plan(DELETED, event, message_ids, previous)
    if read.failure is not None:
        return Plan(RETRY, event, message_ids, previous, reason=read.failure)
    content = {"sha256": read.sha256, "etag": read.etag, "cleaner_version": read.cleaner_version}
    if read.rejection is not None:
        reason, message = read.rejection
        return Plan(REJECTED, event, message_ids, previous, reason=reason, message=message, **content)
    return Plan(
        INDEX,
        event,
        message_ids,
        previous,
        articles=read.articles,
        fingerprints=read.fingerprints,
        skipped=read.skipped,
        **content,
    )


def retry(plan: Plan, why: str) -> Plan:
    return replace(plan, kind=RETRY, reason=why)


def own_ids(plan: Plan) -> list[str]:
    """The document ids of the plan's articles."""
    return [document_id(plan.ref, i) for i in range(len(plan.articles))]


def may_be_unchanged(plan: Plan) -> bool:
    """Same bytes, same cleaner, as many live articles as its receipt records: then whether
    the object is unchanged depends on its documents (``mark_unchanged``)."""
    previous = plan.previous
    return bool(
        plan.kind == INDEX
        and previous
        and previous.get("outcome") in receipts.LIVE_OUTCOMES
        and previous.get("content_sha256") == plan.sha256
        and previous.get("cleaner_version") == plan.cleaner_version
        and receipts.live_articles(previous) == len(plan.articles)
    )


def mark_unchanged(plan: Plan, found: Mapping[str, Mapping[str, Any]]) -> Plan:
    """``UNCHANGED`` when every document of the plan exists, live, with its hash (the receipt
    alone is not trusted); ``found``: documents by id, as read. The records the cleaner left
    out stay on the plan: the same bytes cleaned by the same cleaner leave out the same ones."""
    own = own_ids(plan)
    docs = [found.get(i, {}).get("_source") for i in own]
    if all(d and not d.get("deleted") and d.get("content_sha256") == plan.sha256 for d in docs):
        return replace(plan, kind=UNCHANGED, articles=(), fingerprints=(), duplicate_of=tuple(own))
    return plan


def held_ids(ref: ObjectRef, receipt: Mapping[str, Any] | None) -> list[str]:
    """The ids of the documents of ``ref`` its receipt records as live."""
    return [document_id(ref, i) for i in range(receipts.live_articles(receipt))]


def with_held(plan: Plan, found: Mapping[str, Mapping[str, Any]]) -> Plan:
    """Record what the key's live documents held before this write (``found``: documents by id,
    as read; those of other keys are ignored):

    - ``kept_times``: an article whose fingerprint a live document of the key holds keeps that
      document's ``ingested_at`` (the earliest of several): its content is not new to a reader
      of the indexed feed, whether the bytes were re-cleaned, reindexed or written again;
    - ``held_fingerprints`` (alerts): as above, but a document carrying the plan's own hash was
      written by an earlier attempt of this very write, so its article is still new: left out."""
    docs = [
        d
        for d in (doc.get("_source") for doc in found.values())
        if d
        and (d.get("bucket"), d.get("key")) == (plan.ref.bucket, plan.ref.key)
        and not d.get("deleted")
        and d.get("fingerprint")
    ]
    held = {str(d["fingerprint"]) for d in docs if d.get("content_sha256") != plan.sha256}
    kept: dict[str, str] = {}
    for d in docs:
        printed, at = str(d["fingerprint"]), str(d.get("ingested_at") or "")
        if at and (printed not in kept or at < kept[printed]):
            kept[printed] = at
    return replace(plan, held_fingerprints=frozenset(held), kept_times=kept)


def copies_query(plans: Sequence[Plan]) -> dict[str, Any] | None:
    """The search for live documents sharing a fingerprint with the plans' articles: the hits
    only, in filter context, uncounted (the engine stops after the first ``size`` matches)."""
    prints = sorted({p for plan in plans for p in plan.fingerprints})
    if not prints:
        return None
    return {
        "size": MAX_COPIES_LISTED,
        "track_total_hits": False,
        "_source": ["fingerprint", "bucket", "key"],
        "query": {
            "bool": {
                "filter": [{"terms": {"fingerprint": prints}}],
                "must_not": [{"term": {"deleted": True}}],
            }
        },
    }


def with_copies(plans: Sequence[Plan], hits: Sequence[Mapping[str, Any]]) -> list[Plan]:
    """Record in ``duplicate_of`` the hits under OTHER keys with a fingerprint of the plan's
    articles (informational: the copies are still indexed; search collapses them)."""
    owner_of = {p: plan.ref for plan in plans for p in plan.fingerprints}
    copies: dict[ObjectRef, list[str]] = {}
    for hit in hits:
        source = hit["_source"]
        ref = owner_of.get(source.get("fingerprint"))
        if ref is not None and (source.get("bucket"), source.get("key")) != (ref.bucket, ref.key):
            found = copies.setdefault(ref, [])
            if hit["_id"] not in found:
                found.append(hit["_id"])
    return [
        replace(p, duplicate_of=p.duplicate_of + tuple(copies[p.ref])) if p.ref in copies else p
        for p in plans
    ]


# -- writes ----------------------------------------------------------------------------
def document_items(plan: Plan, *, now: str, default_version: str) -> list[BulkItem]:
    """The article documents and tombstones of ``plan`` (none for ``UNCHANGED``/``RETRY``)."""
    if plan.kind in (UNCHANGED, RETRY):
        return []
    ref, version = plan.ref, plan.event.version
    prints = plan.fingerprints or ("",) * len(plan.articles)
    items = [
        BulkItem(
            document_id(ref, ordinal),
            version,
            article_document(
                article,
                ref,
                ordinal,
                content_sha256=plan.sha256 or "",
                cleaner_version=plan.cleaner_version or default_version,
                ingested_at=plan.kept_times.get(printed, now),
                article_fingerprint=printed or None,
            ),
            ref,
            ordinal,
        )
        for ordinal, (article, printed) in enumerate(zip(plan.articles, prints, strict=True))
    ]
    items += [
        tombstone_item(ref, ordinal, version, now=now)
        for ordinal in range(len(plan.articles), covered_ordinals(plan))
    ]
    return items


def covered_ordinals(plan: Plan) -> int:
    """How many ordinals of the key the plan's documents and tombstones cover, from 0."""
    stale_until = receipts.live_articles(plan.previous)
    if plan.kind == DELETED:
        # Without a receipt the count is unknown: tombstone ordinal 0 at least, so a
        # late PUT racing this delete cannot bring it back.
        stale_until = max(stale_until, 1)
    return max(len(plan.articles), stale_until)


# -- writes that raced ---------------------------------------------------------------------
# Two events on one key handled at once both read the receipts before either wrote its own, so
# each planned from what the other had not written yet. After the receipts: the plan whose
# receipt lost to a newer one withdraws its articles (``withdrawn_items``), and the plan whose
# receipt won tombstones the older articles past what it covered (``raced_tombstones``).
def withdrawn_items(plan: Plan, winner: Mapping[str, Any] | None, *, now: str) -> list[BulkItem]:
    """Tombstones at the plan's version over its own articles past those the newer receipt that
    won (``winner``) holds live: those are stale, while the ones it holds may be the very
    documents it relies on (an unchanged re-upload rewrites none). A document the newer event
    wrote has a higher version and stays. Nothing when the winner is unknown."""
    if plan.kind != INDEX or winner is None:
        return []
    return [
        tombstone_item(plan.ref, ordinal, plan.event.version, now=now)
        for ordinal in range(receipts.live_articles(dict(winner)), len(plan.articles))
    ]


def probe_id(plan: Plan) -> str | None:
    """The document just past what the plan covered, where an older racing write would show."""
    if plan.kind in (UNCHANGED, RETRY):
        return None
    return document_id(plan.ref, covered_ordinals(plan))


def older_live(plan: Plan, found: Mapping[str, Any] | None) -> bool:
    """Whether ``found`` (a document as read) is a live article of an older event than the plan's."""
    return bool(
        found
        and not found.get("_source", {}).get("deleted")
        and int(found.get("_version", 0)) < plan.event.version
    )


def raced_ids(plan: Plan, max_ordinals: int) -> list[str]:
    """The ids an older racing write may have left live past what the plan covered."""
    return [document_id(plan.ref, ordinal) for ordinal in range(covered_ordinals(plan), max_ordinals)]


def raced_tombstones(
    plan: Plan, found: Mapping[str, Mapping[str, Any]], *, now: str, max_ordinals: int
) -> list[BulkItem]:
    """Tombstones at the plan's version over the older live articles ``found`` (by id) past what
    the plan covered."""
    covered = covered_ordinals(plan)
    return [
        tombstone_item(plan.ref, ordinal, plan.event.version, now=now)
        for ordinal in range(covered, max_ordinals)
        if older_live(plan, found.get(document_id(plan.ref, ordinal)))
    ]


def previous_with_raced(
    previous: Mapping[str, Any] | None, raced_ids: Sequence[str]
) -> Mapping[str, Any] | None:
    """The receipt a plan replaced, with the racing write's articles it tombstoned counted as
    live before it: the plan's event then names them in ``retracted_ids``."""
    if not raced_ids:
        return previous
    live = [str(i) for i in (previous or {}).get("document_ids") or []]
    if not previous or previous.get("outcome") not in receipts.LIVE_OUTCOMES:
        live = []
    return {
        **(previous or {}),
        "outcome": receipts.INDEXED,
        "document_ids": list(dict.fromkeys([*live, *raced_ids])),
    }


def raced_retracted(plan: Plan, tombstones: Sequence[BulkItem]) -> list[str]:
    """The racing write's articles the plan took out of search: those its own tombstones covered
    (that write filled every ordinal up to past them) and ``tombstones``, the ones it found past."""
    covered = [document_id(plan.ref, o) for o in range(len(plan.articles), covered_ordinals(plan))]
    return [*covered, *(t.doc_id for t in tombstones)]


def leftovers_query(known: Mapping[ObjectRef, tuple[int, Mapping[str, Any]]], size: int) -> dict[str, Any]:
    """The search for live articles of the keys past the ordinals their receipts (``known``:
    version and source by object) hold live, with their versions: what a racing older write
    left when the Lambda that should have cleared it died after its receipt."""
    keys = [
        {
            "bool": {
                "filter": [
                    {"term": {"bucket": ref.bucket}},
                    {"term": {"key": ref.key}},
                    {"range": {"ordinal": {"gte": receipts.live_articles(dict(receipt))}}},
                ]
            }
        }
        for ref, (_, receipt) in known.items()
    ]
    return {
        "size": size,
        "version": True,
        "track_total_hits": False,
        "_source": ["bucket", "key", "ordinal"],
        "query": {
            "bool": {
                "filter": [{"bool": {"should": keys, "minimum_should_match": 1}}],
                "must_not": [{"term": {"deleted": True}}],
            }
        },
    }


def leftover_tombstones(
    known: Mapping[ObjectRef, tuple[int, Mapping[str, Any]]], hits: Iterable[Mapping[str, Any]], *, now: str
) -> list[BulkItem]:
    """Tombstones, at the receipt's version, over the hits (``leftovers_query``) an older event
    wrote: a live article past what the key's newest receipt holds is stale. One a newer event
    wrote (a higher version, its receipt still to come) is left alone."""
    items = []
    for hit in hits:
        source = hit["_source"]
        ref = ObjectRef(str(source["bucket"]), str(source["key"]))
        version, receipt = known.get(ref, (0, {}))
        ordinal = int(source["ordinal"])
        if int(hit.get("_version", version)) < version and ordinal >= receipts.live_articles(dict(receipt)):
            items.append(tombstone_item(ref, ordinal, version, now=now))
    return items


def tombstone_item(ref: ObjectRef, ordinal: int, version: int, *, now: str) -> BulkItem:
    """The tombstone (``deleted: true``) at one ordinal of a key, at ``version``."""
    tombstone = {
        "bucket": ref.bucket,
        "key": ref.key,
        "ordinal": ordinal,
        "deleted": True,
        "ingested_at": now,
    }
    return BulkItem(document_id(ref, ordinal), version, tombstone, ref)


def refused_tombstones(results: Iterable[ItemResult], *, now: str) -> list[BulkItem]:
    """A tombstone at the id of each article document the index refused: the article an
    earlier version of the object left at that ordinal must not stay searchable."""
    return [
        tombstone_item(r.item.owner, r.item.ordinal, r.item.version, now=now)
        for r in results
        if r.status == REFUSED and r.item.ordinal is not None and isinstance(r.item.owner, ObjectRef)
    ]


@dataclass(frozen=True)
class Written:
    """How one plan's documents were written: ids written and documents refused, in the
    order they settled."""

    document_ids: tuple[str, ...] = ()
    failed_documents: tuple[Mapping[str, Any], ...] = ()


def written_documents(batch: Sequence[Plan], results: Iterable[ItemResult]) -> dict[ObjectRef, Written]:
    """The article documents of each plan, grouped from the writer's per-item results."""
    ids: dict[ObjectRef, list[str]] = {p.ref: [] for p in batch}
    refused: dict[ObjectRef, list[Mapping[str, Any]]] = {p.ref: [] for p in batch}
    for settled in results:
        item = settled.item
        if item.ordinal is None:
            continue
        if settled.status == WRITTEN:
            ids[item.owner].append(item.doc_id)
        elif settled.status == REFUSED:
            refused[item.owner].append({"id": item.doc_id, "ordinal": item.ordinal, "reason": settled.reason})
    return {ref: Written(tuple(ids[ref]), tuple(refused[ref])) for ref in ids}


def with_failures(batch: Sequence[Plan], failures: Mapping[Any, str]) -> list[Plan]:
    """The plans whose writes failed become retries (``failures``: owner -> why)."""
    return [retry(p, failures[p.ref]) if p.ref in failures else p for p in batch]


def receipt_item(
    plan: Plan,
    *,
    document_ids: Sequence[str],
    failed_documents: Sequence[Mapping[str, Any]],
    now: str,
    default_version: str,
) -> BulkItem:
    """The receipt of a settled plan, given how its documents were written."""
    event = plan.event
    source = {
        "bucket": event.ref.bucket,
        "key": event.ref.key,
        "outcome": plan.outcome,
        "reason": plan.reason if plan.kind == REJECTED else None,
        "message": plan.message if plan.kind == REJECTED else None,
        "document_ids": list(plan.duplicate_of if plan.kind == UNCHANGED else document_ids),
        "articles": len(plan.duplicate_of) if plan.kind == UNCHANGED else len(plan.articles),
        "duplicate_of": list(plan.duplicate_of),
        "failed_documents": list(failed_documents),
        "content_sha256": plan.sha256,
        "cleaner_version": plan.cleaner_version or default_version,
        "etag": plan.etag or event.etag,
        "object_version_id": event.version_id,
        "sequencer": event.sequencer,
        "event_name": event.event_name,
        "event_time": event.event_time,
        "event_version": event.version,
        "updated_at": now,
        **skipped_fields(plan.skipped),
    }
    return BulkItem(receipt_id(event.ref), event.version, source, event.ref)


def skipped_fields(skipped: Skipped) -> dict[str, Any]:
    """The receipt fields for the records a file left out: only when it left some out, so a
    receipt index whose mapping predates them still takes every other receipt (docs/api.md)."""
    if not skipped.count:
        return {}
    return {"skipped": skipped.count, "skipped_records": [r.as_dict() for r in skipped.first]}
