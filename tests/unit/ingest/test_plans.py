"""The pure planning functions of ingest, on plain data (no store, no engine)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from archive_search.cleaning.skipped import Skipped, SkippedRecord
from archive_search.ingest import plans
from archive_search.ingest.events import CREATED, REMOVED, ObjectEvent
from archive_search.ingest.plans import ObjectRead, Plan
from archive_search.ingest.writer import REFUSED, WRITTEN, ItemResult
from archive_search.model import Article, ObjectRef, document_id, receipt_id
from tests.ingest_support import s3_notification

REF = ObjectRef("b", "a.txt")
NOW = "2026-01-01T00:00:00.000Z"


def event(action: str = CREATED, version: int = 5, key: str = "a.txt") -> ObjectEvent:
    return ObjectEvent(ObjectRef("b", key), action, f"Object{action}", "2026-01-01T00:00:00Z", version, "05")


def article(title: str = "T") -> Article:
    return Article(title=title, body="A body.")


def cleaned(n: int = 1, sha: str = "s1", version: str = "v1") -> ObjectRead:
    return ObjectRead(
        sha256=sha,
        etag="e1",
        cleaner_version=version,
        articles=tuple(article(f"T{i}") for i in range(n)),
        fingerprints=tuple(f"f{i}" for i in range(n)),
    )


def receipt(
    outcome: str = "indexed", articles: int = 1, sha: str = "s1", version: str = "v1"
) -> dict[str, Any]:
    return {"outcome": outcome, "articles": articles, "content_sha256": sha, "cleaner_version": version}


def plan(read: ObjectRead | None = None, previous: dict[str, Any] | None = None, **kw: Any) -> Plan:
    return plans.plan_object(event(**kw), frozenset({"m1"}), previous, read)


def test_collect_keeps_the_newest_event_per_object_and_sets_aside_malformed_and_reserved():
    messages = [
        ("m1", s3_notification("a.txt", bucket="b", sequencer="02")),
        ("m2", s3_notification("a.txt", bucket="b", sequencer="01")),
        ("m3", "not json"),
        ("m4", s3_notification("_archive-search/line-stats.npz", bucket="b", sequencer="01")),
    ]
    collected = plans.collect(messages)
    assert list(collected.latest) == [REF]
    assert collected.latest[REF].message_ids == frozenset({"m1"})
    assert collected.malformed == {"m3": "message body is not JSON"}
    assert [e.ref.key for e, _ in collected.ignored] == ["_archive-search/line-stats.npz"]


def test_an_event_older_than_its_receipt_is_stale_and_a_missing_receipt_never_is():
    newer = event(version=9)
    assert plans.is_stale(event(version=5), (9, {})) and not plans.is_stale(newer, (9, {}))
    assert not plans.is_stale(event(), None)


@pytest.mark.parametrize(
    ("read", "action", "kind"),
    [
        (None, REMOVED, plans.DELETED),
        (ObjectRead(gone=True), CREATED, plans.DELETED),
        (ObjectRead(failure="S3 down"), CREATED, plans.RETRY),
        (ObjectRead(rejection=("too_large", "too big")), CREATED, plans.REJECTED),
        (cleaned(), CREATED, plans.INDEX),
    ],
)
def test_each_read_becomes_its_plan(read: ObjectRead | None, action: str, kind: str):
    assert plan(read, action=action).kind == kind


def test_a_plan_is_frozen():
    with pytest.raises(AttributeError):
        plan(cleaned()).kind = plans.DELETED  # type: ignore[misc]


def test_same_bytes_and_cleaner_with_live_documents_is_unchanged():
    candidate = plan(cleaned(2), receipt(articles=2))
    ids = plans.own_ids(candidate)
    found = {i: {"_source": {"content_sha256": "s1"}} for i in ids}
    assert plans.may_be_unchanged(candidate)
    unchanged = plans.mark_unchanged(candidate, found)
    assert (
        unchanged.kind == plans.UNCHANGED
        and unchanged.duplicate_of == tuple(ids)
        and unchanged.articles == ()
    )


@pytest.mark.parametrize(
    "previous",
    [receipt(sha="other"), receipt(version="v0"), receipt(articles=2), receipt(outcome="rejected")],
)
def test_other_bytes_cleaner_or_count_is_never_a_candidate(previous: dict[str, Any]):
    assert not plans.may_be_unchanged(plan(cleaned(), previous))


def test_a_missing_or_tombstoned_document_means_the_object_is_written_again():
    candidate = plan(cleaned(), receipt())
    doc_id = plans.own_ids(candidate)[0]
    assert plans.mark_unchanged(candidate, {}).kind == plans.INDEX
    tombstone = {doc_id: {"_source": {"content_sha256": "s1", "deleted": True}}}
    assert plans.mark_unchanged(candidate, tombstone).kind == plans.INDEX


def test_a_changed_file_holds_the_fingerprints_of_its_key_s_live_documents_of_other_bytes():
    changed = plan(cleaned(3, sha="s2"), receipt(articles=3, sha="s1"))
    first, second, third = plans.held_ids(REF, changed.previous)
    key = {"bucket": "b", "key": "a.txt"}
    found = {
        first: {"_source": {**key, "fingerprint": "old0", "content_sha256": "s1"}},
        second: {"_source": {**key, "fingerprint": "old1", "content_sha256": "s1", "deleted": True}},
        # written by an earlier attempt of this same write: its article is still new
        third: {"_source": {**key, "fingerprint": "f2", "content_sha256": "s2"}},
        # another key's document (read in the same batch): not this key's
        "other": {"_source": {"bucket": "b", "key": "z.txt", "fingerprint": "z0", "content_sha256": "s1"}},
    }
    assert plans.with_held(changed, found).held_fingerprints == {"old0"}
    recleaned = plan(cleaned(sha="s1", version="v2"), receipt(sha="s1"))
    assert plans.with_held(recleaned, {first: found[first]}).held_fingerprints == set()
    assert plans.held_ids(REF, receipt("deleted", sha="s1")) == []


def test_an_unchanged_article_keeps_its_first_indexing_time_a_changed_one_gets_the_new_one():
    # Re-cleaned bytes (a newer cleaner): f0 moved to ordinal 1, f1 is gone, f2 is new content.
    recleaned = plan(replace(cleaned(3), fingerprints=("f2", "f0", "f0")), receipt(articles=2, version="v0"))
    first, second = plans.held_ids(REF, recleaned.previous)
    key = {"bucket": "b", "key": "a.txt", "content_sha256": "s1"}
    found = {
        first: {"_source": {**key, "fingerprint": "f0", "ingested_at": "2026-01-02T00:00:00.000Z"}},
        second: {"_source": {**key, "fingerprint": "f1", "ingested_at": "2025-01-01T00:00:00.000Z"}},
    }
    kept = plans.with_held(recleaned, found)
    times = [i.source["ingested_at"] for i in plans.document_items(kept, now=NOW, default_version="v")]
    assert times == [NOW, "2026-01-02T00:00:00.000Z", "2026-01-02T00:00:00.000Z"]
    # A tombstone keeps no time for anyone; an unread key keeps none either.
    found[first]["_source"]["deleted"] = True
    assert plans.with_held(recleaned, found).kept_times == {"f1": "2025-01-01T00:00:00.000Z"}
    assert plans.with_held(plan(cleaned()), {}).kept_times == {}


def test_copies_are_hits_of_other_keys_with_the_same_fingerprint_listed_once():
    mine = plan(cleaned())
    query = plans.copies_query([mine])
    assert query is not None and query["query"]["bool"]["filter"] == [{"terms": {"fingerprint": ["f0"]}}]
    assert query["track_total_hits"] is False  # nothing reads the total: the engine need not count
    hits = [
        {"_id": "x", "_source": {"fingerprint": "f0", "bucket": "b", "key": "other.txt"}},
        {"_id": "x", "_source": {"fingerprint": "f0", "bucket": "b", "key": "other.txt"}},
        {"_id": "self", "_source": {"fingerprint": "f0", "bucket": "b", "key": "a.txt"}},
        {"_id": "y", "_source": {"fingerprint": "zz", "bucket": "b", "key": "c.txt"}},
    ]
    assert plans.with_copies([mine], hits)[0].duplicate_of == ("x",)
    assert plans.copies_query([plan(ObjectRead(gone=True))]) is None


def test_an_index_plan_writes_its_articles_and_tombstones_the_ordinals_it_lost():
    items = plans.document_items(plan(cleaned(1), receipt(articles=3)), now=NOW, default_version="v0")
    assert [(i.doc_id, i.ordinal, i.source.get("deleted")) for i in items] == [
        (document_id(REF, 0), 0, False),
        (document_id(REF, 1), None, True),
        (document_id(REF, 2), None, True),
    ]
    assert all(i.version == 5 and i.owner == REF for i in items)
    assert items[0].source["fingerprint"] == "f0" and items[0].source["cleaner_version"] == "v1"


def test_a_delete_without_a_receipt_tombstones_ordinal_zero():
    items = plans.document_items(plan(None, None, action=REMOVED), now=NOW, default_version="v0")
    assert [(i.doc_id, i.source["deleted"]) for i in items] == [(document_id(REF, 0), True)]


def test_unchanged_and_retry_plans_write_no_documents():
    unchanged = plans.mark_unchanged(
        plan(cleaned(), receipt()), {document_id(REF, 0): {"_source": {"content_sha256": "s1"}}}
    )
    retry = plan(ObjectRead(failure="down"))
    assert plans.document_items(unchanged, now=NOW, default_version="v0") == []
    assert plans.document_items(retry, now=NOW, default_version="v0") == []


def test_a_rejected_receipt_names_the_reason_and_the_version_without_statistics():
    rejected = plan(ObjectRead(rejection=("too_large", "too big")))
    item = plans.receipt_item(rejected, document_ids=[], failed_documents=[], now=NOW, default_version="v0")
    assert item.doc_id == receipt_id(REF) and item.version == 5
    assert {k: item.source[k] for k in ("outcome", "reason", "message", "cleaner_version", "articles")} == {
        "outcome": "rejected",
        "reason": "too_large",
        "message": "too big",
        "cleaner_version": "v0",
        "articles": 0,
    }


def test_an_index_receipt_records_the_written_and_refused_documents_and_copies():
    indexed = plans.with_copies(
        [plan(cleaned(2))], [{"_id": "x", "_source": {"fingerprint": "f1", "bucket": "b", "key": "o"}}]
    )[0]
    refused = [{"id": document_id(REF, 1), "ordinal": 1, "reason": "mapper_parsing_exception"}]
    source = plans.receipt_item(
        indexed, document_ids=[document_id(REF, 0)], failed_documents=refused, now=NOW, default_version="v0"
    ).source
    assert source["outcome"] == "indexed" and source["articles"] == 2
    assert source["document_ids"] == [document_id(REF, 0)] and source["failed_documents"] == refused
    assert source["duplicate_of"] == ["x"] and source["content_sha256"] == "s1" and source["etag"] == "e1"


def test_an_unchanged_receipt_points_at_the_documents_that_hold_the_bytes():
    own = {document_id(REF, 0): {"_source": {"content_sha256": "s1"}}}
    unchanged = plans.mark_unchanged(plan(cleaned(), receipt()), own)
    source = plans.receipt_item(
        unchanged, document_ids=[], failed_documents=[], now=NOW, default_version="v0"
    ).source
    assert source["outcome"] == "duplicate" and source["document_ids"] == list(own) == source["duplicate_of"]
    assert source["articles"] == 1


SKIPPED = Skipped.of(
    [
        SkippedRecord("no_article_text", "the record has no body or html text", record=3),
        SkippedRecord("not_an_object", "not an object", record=4),
    ]
)


def receipt_source(candidate: Plan) -> dict[str, Any]:
    ids = list(plans.own_ids(candidate))
    return dict(
        plans.receipt_item(
            candidate, document_ids=ids, failed_documents=[], now=NOW, default_version="v0"
        ).source
    )


def test_an_index_receipt_counts_the_records_left_out_and_names_them():
    source = receipt_source(plan(replace(cleaned(3), skipped=SKIPPED)))
    assert source["outcome"] == "indexed" and source["articles"] == 3 and source["skipped"] == 2
    assert source["skipped_records"] == [
        {
            "record": 3,
            "line": None,
            "reason": "no_article_text",
            "message": "the record has no body or html text",
        },
        {"record": 4, "line": None, "reason": "not_an_object", "message": "not an object"},
    ]


def test_a_receipt_without_skipped_records_carries_no_skipped_fields():
    # A receipts index whose mapping predates the fields still takes these receipts.
    for candidate in (plan(cleaned()), plan(ObjectRead(rejection=("empty", "empty")))):
        assert "skipped" not in receipt_source(candidate) and "skipped_records" not in receipt_source(
            candidate
        )


def test_an_unchanged_re_upload_keeps_the_records_left_out_in_its_receipt():
    candidate = plan(replace(cleaned(), skipped=SKIPPED), {**receipt(), "skipped": 2})
    unchanged = plans.mark_unchanged(candidate, {document_id(REF, 0): {"_source": {"content_sha256": "s1"}}})
    source = receipt_source(unchanged)
    assert source["outcome"] == "duplicate" and source["skipped"] == 2
    assert [r["record"] for r in source["skipped_records"]] == [3, 4]


def test_written_documents_group_the_writer_s_results_by_object_and_failures_become_retries():
    index, other = plan(cleaned(2)), plan(cleaned(1), key="c.txt")
    items = plans.document_items(index, now=NOW, default_version="v0")
    tombstone = plans.document_items(plan(None, action=REMOVED, key="c.txt"), now=NOW, default_version="v0")[
        0
    ]
    results = [
        ItemResult(items[1], WRITTEN),
        ItemResult(items[0], REFUSED, "mapper_parsing_exception"),
        ItemResult(tombstone, WRITTEN),
    ]
    written = plans.written_documents([index, other], results)
    assert written[REF].document_ids == (document_id(REF, 1),)
    assert written[REF].failed_documents == (
        {"id": document_id(REF, 0), "ordinal": 0, "reason": "mapper_parsing_exception"},
    )
    assert written[other.ref] == plans.Written()
    retried = plans.with_failures([index, other], {other.ref: "engine down"})
    assert [(p.kind, p.reason) for p in retried] == [(plans.INDEX, None), (plans.RETRY, "engine down")]
