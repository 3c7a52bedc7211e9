"""The real ingest handler on moto: each final outcome arrives once, as the documented event,
in the queue of a rule on the archive's bus."""

from __future__ import annotations

import json

import pytest

from archive_search.cleaning import CLEANER_VERSION
from archive_search.ingest.batch import default_events
from archive_search.ingest.outcomes import SCHEMA_VERSION
from archive_search.model import ObjectRef, document_id
from tests.ingest_support import blind_receipt_reads, reset_caches, s3_notification
from tests.integration.events.conftest import make_rig

pytestmark = pytest.mark.integration

BODY = "The first paragraph of the story tells what happened at the harbour on Monday."
ARTICLE = f"Harbour reopens after the storm\n\n{BODY}\n\nA second paragraph adds detail.\n"


def test_an_indexed_upload_arrives_as_article_indexed_with_its_ids_and_metadata(events_rig):
    rig = events_rig.ingest
    rig.put("inbox/harbour.txt", ARTICLE)
    rig.drain()

    (event,) = events_rig.received()
    assert event["source"] == "archive-search" and event["detail-type"] == "Article Indexed"
    detail = event["detail"]
    doc_id = document_id(ObjectRef(rig.archive.bucket, "inbox/harbour.txt"), 0)
    receipt = rig.receipt("inbox/harbour.txt")
    assert detail["schema_version"] == SCHEMA_VERSION
    assert (detail["outcome"], detail["bucket"], detail["key"]) == (
        "indexed",
        rig.archive.bucket,
        "inbox/harbour.txt",
    )
    assert detail["article_ids"] == [doc_id] and detail["article_count"] == 1
    (article,) = detail["articles"]
    assert article["id"] == doc_id and article["title"] == "Harbour reopens after the storm"
    assert detail["cleaner_version"] == receipt["cleaner_version"] == CLEANER_VERSION
    assert detail["content_sha256"] == receipt["content_sha256"]
    assert detail["version"] == receipt["event_version"]
    assert detail["reason"] is None and detail["retracted_ids"] == []
    assert BODY not in json.dumps(event)  # never the article's text


def test_a_rejected_upload_arrives_as_upload_rejected_with_its_reason(events_rig):
    rig = events_rig.ingest
    rig.put("inbox/empty.txt", b"   \n")
    rig.drain()

    (event,) = events_rig.received()
    assert event["detail-type"] == "Upload Rejected"
    detail = event["detail"]
    assert (detail["outcome"], detail["reason"]) == ("rejected", "empty")
    assert detail["message"] == rig.receipt("inbox/empty.txt")["message"]
    assert detail["article_ids"] == [] and detail["articles"] == []


def test_a_delete_arrives_as_article_deleted_naming_the_retracted_documents(events_rig):
    rig = events_rig.ingest
    rig.put("inbox/harbour.txt", ARTICLE)
    rig.drain()
    events_rig.received()

    events_rig.delete("inbox/harbour.txt")
    rig.drain()

    (event,) = events_rig.received()
    assert event["detail-type"] == "Article Deleted"
    assert event["detail"]["outcome"] == "deleted"
    assert event["detail"]["retracted_ids"] == [
        document_id(ObjectRef(rig.archive.bucket, "inbox/harbour.txt"), 0)
    ]


def test_an_unchanged_reupload_emits_nothing_and_a_changed_one_a_new_article_indexed(events_rig):
    rig = events_rig.ingest
    rig.put("inbox/harbour.txt", ARTICLE)
    rig.drain()
    assert [e["detail-type"] for e in events_rig.received()] == ["Article Indexed"]

    rig.put("inbox/harbour.txt", ARTICLE)  # the same bytes again
    rig.drain()
    assert rig.receipt("inbox/harbour.txt")["outcome"] == "duplicate"
    assert events_rig.received() == []

    rig.put("inbox/harbour.txt", ARTICLE.replace("storm", "gale"))
    rig.drain()
    (event,) = events_rig.received()
    assert event["detail-type"] == "Article Indexed"
    assert event["detail"]["articles"][0]["title"] == "Harbour reopens after the gale"


def test_a_repeated_rejection_of_the_same_bytes_is_announced_once(events_rig):
    rig = events_rig.ingest
    rig.put("inbox/empty.txt", b"   \n")
    rig.drain()
    rig.put("inbox/empty.txt", b"   \n")
    rig.drain()
    assert [e["detail-type"] for e in events_rig.received()] == ["Upload Rejected"]


def test_a_bus_that_refuses_every_event_never_fails_or_repeats_indexing(archive, settings, monkeypatch):
    rig = make_rig(archive, settings, monkeypatch, "no-such-bus")
    try:
        rig.ingest.put("inbox/harbour.txt", ARTICLE)
        rig.ingest.drain()  # raises unless the queue drained: the batch was acknowledged

        assert ("inbox/harbour.txt", 0) in rig.ingest.documents()
        assert rig.ingest.receipt("inbox/harbour.txt")["outcome"] == "indexed"
        assert rig.received() == []
    finally:
        reset_caches()


DIGEST = "\n".join(
    json.dumps({"title": f"Harbour story {n}", "text": f"{BODY} Story number {n} adds its own detail."})
    for n in (1, 2, 3)
)
SEQ_1, SEQ_2, SEQ_3 = "0055AED6DCD90281E5", "0055AED6DCD90281F0", "0055AED6DCD9028200"


def test_a_delete_racing_a_multi_article_upload_retracts_all_its_articles(events_rig, monkeypatch):
    rig = events_rig.ingest
    rig.put("inbox/digest.jsonl", DIGEST)
    rig.invoke([s3_notification("inbox/digest.jsonl", bucket=rig.archive.bucket, sequencer=SEQ_1)])
    (indexed,) = events_rig.received()
    rig.s3.delete_object(Bucket=rig.archive.bucket, Key="inbox/digest.jsonl")

    with monkeypatch.context() as patched:  # the delete read the receipts before the put wrote its own
        blind_receipt_reads(patched)
        removed = s3_notification(
            "inbox/digest.jsonl", bucket=rig.archive.bucket, sequencer=SEQ_2, removed=True
        )
        rig.invoke([removed])

    (deleted,) = events_rig.received()
    assert deleted["detail-type"] == "Article Deleted"
    assert sorted(deleted["detail"]["retracted_ids"]) == sorted(indexed["detail"]["article_ids"])
    assert len(indexed["detail"]["article_ids"]) == 3


def test_an_upload_that_lost_a_race_to_a_delete_announces_nothing(events_rig, monkeypatch):
    rig = events_rig.ingest
    rig.put("inbox/digest.jsonl", DIGEST)
    removed = s3_notification("inbox/digest.jsonl", bucket=rig.archive.bucket, sequencer=SEQ_3, removed=True)
    rig.invoke([removed])
    assert [e["detail-type"] for e in events_rig.received()] == ["Article Deleted"]

    with monkeypatch.context() as patched:  # the older put read the receipts before the delete wrote
        blind_receipt_reads(patched)
        rig.invoke([s3_notification("inbox/digest.jsonl", bucket=rig.archive.bucket, sequencer=SEQ_2)])

    assert events_rig.received() == []  # its articles were withdrawn: nothing to announce
    rig.engine.refresh(rig.settings.outbox_alias)
    _, outbox = default_events()  # type: ignore[misc]
    assert outbox.due(outbox.clock(), 10)[0] == []  # nor to republish later
    assert rig.documents() == {}
