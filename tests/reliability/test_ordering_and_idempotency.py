"""At-least-once, unordered S3 notifications -> exactly-once effect in the index.

moto sends no ``sequencer``, so these tests build real-shaped events that carry one
(tests/events) and hand them to the real handler; the objects themselves live in the
moto bucket and are read from it as in AWS.
"""

from __future__ import annotations

import json

import pytest

from archive_search.ingest.batch import default_service
from archive_search.model import Article, ObjectRef, document_id, receipt_id
from tests.ingest_support import blind_receipt_reads, s3_notification

pytestmark = pytest.mark.reliability

SEQ_1, SEQ_2, SEQ_3 = "0055AED6DCD90281E5", "0055AED6DCD90281F0", "0055AED6DCD9028200"


def story(title: str, words: str = "the harbour reopened after the storm") -> str:
    return f"{title}\n\nKARACHI: {words.capitalize()}, officials said on Monday.\n\nMore paragraphs follow with detail.\n"


def test_the_same_event_in_two_sqs_messages_leaves_one_unchanged_document(ingest):
    ingest.put("a.txt", story("Harbour reopens"))
    event = s3_notification("a.txt", bucket=ingest.archive.bucket, sequencer=SEQ_1)

    assert ingest.invoke([event, event]) == {"batchItemFailures": []}
    first = ingest.documents()
    assert ingest.invoke([event]) == {"batchItemFailures": []}

    second = ingest.documents()
    assert list(second) == [("a.txt", 0)]
    assert second == first  # same content, same ingest time, same version: not rewritten


def test_an_older_put_delivered_after_a_newer_one_does_not_overwrite_it(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Second version", "the second text"))
    assert ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2)]) == {
        "batchItemFailures": []
    }
    ingest.put("a.txt", story("First version", "the first text"))  # what a slow reader could see

    assert ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)]) == {
        "batchItemFailures": []
    }

    assert ingest.documents()[("a.txt", 0)]["title"] == "Second version"
    assert ingest.receipt("a.txt")["sequencer"] == SEQ_2


def test_within_one_batch_the_newest_event_of_a_key_wins_whatever_the_order(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Only version"))
    events = [
        s3_notification("a.txt", bucket=bucket, sequencer=SEQ_3),
        s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1, removed=True),
    ]
    assert ingest.invoke(events) == {"batchItemFailures": []}
    assert ingest.receipt("a.txt")["outcome"] == "indexed"
    assert ("a.txt", 0) in ingest.documents()


def test_delete_marker_created_removes_the_documents_of_the_key(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Soon deleted"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])
    ingest.s3.delete_object(Bucket=bucket, Key="a.txt")  # versioned bucket: a delete marker

    assert ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2, removed=True)]) == {
        "batchItemFailures": []
    }

    assert ingest.documents() == {}
    tombstone = ingest.documents(include_deleted=True)[("a.txt", 0)]
    assert tombstone["deleted"] is True
    assert ingest.receipt("a.txt")["outcome"] == "deleted"


def test_a_late_put_after_a_delete_does_not_resurrect_the_document(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Deleted story"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_3, removed=True)])

    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2)])  # the late PUT

    assert ingest.documents() == {}
    assert ingest.receipt("a.txt")["outcome"] == "deleted"


def test_the_tombstone_alone_stops_a_late_put_that_raced_past_the_receipt_check(ingest):
    """Two Lambdas at once: the late PUT read no receipt, yet its write loses to the tombstone."""
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Deleted story"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_3, removed=True)])
    ingest.engine.client.delete(
        index=ingest.settings.receipts_alias, id=receipt_id(ObjectRef(bucket, "a.txt"))
    )

    assert ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2)]) == {
        "batchItemFailures": []
    }

    assert ingest.documents() == {}
    assert ingest.documents(include_deleted=True)[("a.txt", 0)]["deleted"] is True


def split_articles(data: bytes, key: str, **_: object) -> list[Article]:
    """A multi-article format for the test: articles separated by a line of '====='."""
    parts = [p.strip() for p in data.decode().split("=====") if p.strip()]
    return [Article(title=p.splitlines()[0], body="\n\n".join(p.splitlines()[1:]) or p) for p in parts]


def test_an_overwrite_with_fewer_articles_tombstones_the_ordinals_no_longer_present(ingest, monkeypatch):
    bucket = ingest.archive.bucket
    monkeypatch.setattr(default_service(), "clean", split_articles)
    ingest.put("digest.txt", "One\nbody one\n=====\nTwo\nbody two\n=====\nThree\nbody three\n")
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_1)])
    assert sorted(ingest.documents()) == [("digest.txt", 0), ("digest.txt", 1), ("digest.txt", 2)]

    ingest.put("digest.txt", "Uno\nbody uno\n")
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2)])

    docs = ingest.documents()
    assert list(docs) == [("digest.txt", 0)] and docs[("digest.txt", 0)]["title"] == "Uno"
    everything = ingest.documents(include_deleted=True)
    assert everything[("digest.txt", 1)]["deleted"] and everything[("digest.txt", 2)]["deleted"]
    receipt = ingest.receipt("digest.txt")
    assert receipt["articles"] == 1 and receipt["document_ids"] == [
        document_id(ObjectRef(bucket, "digest.txt"), 0)
    ]


DIGEST = "One\nbody one\n=====\nTwo\nbody two\n=====\nThree\nbody three\n"


def test_a_delete_racing_a_multi_article_put_leaves_none_of_its_articles(ingest, monkeypatch):
    # Two Lambdas at once: the put's receipt lands after the delete read the receipts, so the
    # delete knows of no articles; it must not leave the put's second and third searchable.
    bucket = ingest.archive.bucket
    monkeypatch.setattr(default_service(), "clean", split_articles)
    ingest.put("digest.txt", DIGEST)
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_1)])
    ingest.s3.delete_object(Bucket=bucket, Key="digest.txt")

    with monkeypatch.context() as patched:
        blind_receipt_reads(patched)
        ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2, removed=True)])

    assert ingest.documents() == {}
    assert ingest.receipt("digest.txt")["outcome"] == "deleted"


def died(*_: object) -> None:
    raise RuntimeError("the Lambda died after writing its receipt")


def test_a_delete_that_died_before_its_race_check_clears_the_put_when_redelivered(ingest, monkeypatch):
    # The delete knew of no articles (its receipts read was blind), wrote its receipt, and its
    # Lambda died before looking past ordinal 0: SQS delivers it again, and its receipt already
    # records it, so it is acknowledged, but what the put left live is still tombstoned.
    bucket = ingest.archive.bucket
    service = default_service()
    monkeypatch.setattr(service, "clean", split_articles)
    ingest.put("digest.txt", DIGEST)
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_1)])
    ingest.s3.delete_object(Bucket=bucket, Key="digest.txt")
    delete = s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2, removed=True)
    with monkeypatch.context() as patched:
        blind_receipt_reads(patched)
        patched.setattr(service, "_clear_raced", died)
        with pytest.raises(RuntimeError):
            ingest.invoke([delete])
    assert len(ingest.documents()) == 2  # the put's second and third articles

    assert ingest.invoke([delete]) == {"batchItemFailures": []}

    assert ingest.documents() == {}
    assert ingest.receipt("digest.txt")["outcome"] == "deleted"


def test_a_multi_article_put_that_lost_to_a_delete_withdraws_its_articles(ingest, monkeypatch):
    # The delete came first and knew of no articles (it tombstoned the first ordinal only); the
    # older put, which read the receipts before the delete wrote its own, writes after it.
    bucket = ingest.archive.bucket
    monkeypatch.setattr(default_service(), "clean", split_articles)
    ingest.put("digest.txt", DIGEST)
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_3, removed=True)])

    with monkeypatch.context() as patched:
        blind_receipt_reads(patched)
        ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2)])

    assert ingest.documents() == {}
    assert ingest.receipt("digest.txt")["outcome"] == "deleted"


def test_a_put_that_lost_to_a_delete_and_died_before_withdrawing_is_cleared_when_redelivered(
    ingest, monkeypatch
):
    # As above, but the put's Lambda dies after its receipt lost and before it withdrew its
    # articles: SQS delivers it again, now stale, and that delivery clears what it left live.
    bucket = ingest.archive.bucket
    service = default_service()
    monkeypatch.setattr(service, "clean", split_articles)
    ingest.put("digest.txt", DIGEST)
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_3, removed=True)])
    put = s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2)
    with monkeypatch.context() as patched:
        blind_receipt_reads(patched)
        patched.setattr(service, "_clear_raced", died)
        with pytest.raises(RuntimeError):
            ingest.invoke([put])
    assert len(ingest.documents()) == 2  # live under a deleted receipt

    assert ingest.invoke([put]) == {"batchItemFailures": []}

    assert ingest.documents() == {}
    assert ingest.receipt("digest.txt")["outcome"] == "deleted"


def test_reuploading_identical_bytes_does_not_rewrite_the_documents(ingest):
    ingest.put("a.txt", story("Stable story"))
    ingest.drain()
    before = ingest.documents()

    ingest.put("a.txt", story("Stable story"))  # a new event, the same bytes
    ingest.drain()

    assert ingest.documents() == before  # same _version, same ingested_at
    receipt = ingest.receipt("a.txt")
    assert receipt["outcome"] == "duplicate"
    assert receipt["duplicate_of"] == [document_id(ObjectRef(ingest.archive.bucket, "a.txt"), 0)]


def test_an_overwrite_whose_document_the_index_refuses_leaves_no_stale_article(ingest, monkeypatch):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("First version"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])
    assert [d["title"] for d in ingest.documents().values()] == ["First version"]

    def unmappable(data: bytes, key: str, **_: object) -> list[Article]:
        return [Article(title="Second version", body="A body.", tags=({"not": "a keyword"},))]  # type: ignore[arg-type]

    monkeypatch.setattr(default_service(), "clean", unmappable)
    ingest.put("a.txt", story("Second version"))
    assert ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2)]) == {
        "batchItemFailures": []
    }

    receipt = ingest.receipt("a.txt")
    assert receipt["outcome"] == "indexed" and [f["ordinal"] for f in receipt["failed_documents"]] == [0]
    assert ingest.documents() == {}, "the first version's article must not stay searchable"
    assert ingest.documents(include_deleted=True)[("a.txt", 0)]["deleted"] is True


def version_deleted(bucket: str, key: str, version_id: str, sequencer: str) -> str:
    """The notification S3 sends when one version of an object is deleted for good (no marker)."""
    body = json.loads(s3_notification(key, bucket=bucket, sequencer=sequencer, removed=True))
    body["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    body["Records"][0]["s3"]["object"]["versionId"] = version_id
    return json.dumps(body)


def test_deleting_an_old_version_leaves_the_current_article_searchable(ingest):
    bucket = ingest.archive.bucket
    first = ingest.s3.put_object(Bucket=bucket, Key="a.txt", Body=story("First version").encode())
    ingest.put("a.txt", story("Second version", "the second text"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])

    ingest.s3.delete_object(Bucket=bucket, Key="a.txt", VersionId=first["VersionId"])  # a clean-up
    ingest.invoke([version_deleted(bucket, "a.txt", first["VersionId"], SEQ_2)])

    assert [doc["title"] for doc in ingest.documents().values()] == ["Second version"]
    assert ingest.receipt("a.txt")["outcome"] != "deleted"


def test_deleting_the_current_version_makes_the_previous_one_the_article(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("First version"))
    second = ingest.s3.put_object(
        Bucket=bucket, Key="a.txt", Body=story("Second", "the second text").encode()
    )
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])

    ingest.s3.delete_object(Bucket=bucket, Key="a.txt", VersionId=second["VersionId"])  # an undo
    ingest.invoke([version_deleted(bucket, "a.txt", second["VersionId"], SEQ_2)])

    assert [doc["title"] for doc in ingest.documents().values()] == ["First version"]


def test_deleting_the_delete_marker_brings_the_article_back(ingest):
    bucket = ingest.archive.bucket
    ingest.put("a.txt", story("Restored story"))
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_1)])
    marker = ingest.s3.delete_object(Bucket=bucket, Key="a.txt")
    ingest.invoke([s3_notification("a.txt", bucket=bucket, sequencer=SEQ_2, removed=True)])
    assert ingest.documents() == {}

    ingest.s3.delete_object(Bucket=bucket, Key="a.txt", VersionId=marker["VersionId"])  # an undelete
    ingest.invoke([version_deleted(bucket, "a.txt", marker["VersionId"], SEQ_3)])

    assert [doc["title"] for doc in ingest.documents().values()] == ["Restored story"]
    assert ingest.receipt("a.txt")["outcome"] == "indexed"
