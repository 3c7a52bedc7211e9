"""The DLQ and its replay, a reindex without an empty moment, and hostile uploads."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from archive_local.aws import queue_depth
from archive_search.cli import main as cli
from archive_search.ingest.batch import default_service
from tests.conftest import free_port
from tests.ingest_support import gzip_bytes, use_settings

pytestmark = pytest.mark.reliability

STORY = "Harbour reopens\n\nKARACHI: The harbour reopened after the storm, officials said.\n\nMore detail.\n"


def test_a_message_failing_past_the_redrive_limit_lands_in_the_dlq_and_redrive_replays_it(
    ingest, monkeypatch, capsys
):
    working = ingest.settings
    use_settings(
        monkeypatch, replace(working, opensearch_url=f"http://127.0.0.1:{free_port()}")
    )  # nothing there
    ingest.put("a.txt", STORY)
    worker = ingest.worker()
    deadline = time.monotonic() + 30
    while queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0:
        assert time.monotonic() < deadline, "the message never reached the DLQ"
        worker.poll_once()
    assert ingest.documents() == {}

    use_settings(monkeypatch, working)  # the engine is back
    code = cli(["redrive", "--dlq-url", ingest.archive.dlq_url, "--queue-url", ingest.archive.queue_url])
    assert code == 0 and '"moved": 1' in capsys.readouterr().out
    ingest.drain()

    assert queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0
    assert ("a.txt", 0) in ingest.documents()


def live_count(engine) -> int:  # type: ignore[no-untyped-def]
    query = {"bool": {"must_not": [{"term": {"deleted": True}}]}}
    return engine.client.count(index=engine.alias, body={"query": query})["count"]


def test_reindex_rebuilds_from_the_bucket_and_swaps_with_no_moment_of_empty_search(ingest, capsys):
    for i in range(6):
        ingest.put(f"story-{i}.txt", STORY.replace("Harbour", f"Harbour {i}"))
    ingest.put("broken.txt", b"")
    ingest.drain()
    engine = ingest.engine
    old_index = engine.alias_targets()
    before = {key: doc["title"] for (key, _), doc in ingest.documents().items()}
    counts: list[int] = []
    stop = threading.Event()

    def search_all_the_time() -> None:
        while not stop.is_set():
            counts.append(live_count(engine))

    reader = threading.Thread(target=search_all_the_time)
    reader.start()
    try:
        code = cli(["reindex"])
    finally:
        stop.set()
        reader.join()

    assert code == 0
    assert counts and min(counts) == len(before) == 6
    assert engine.alias_targets() != old_index and len(engine.alias_targets()) == 1
    assert {key: doc["title"] for (key, _), doc in ingest.documents().items()} == before
    assert '"rejected": 1' in capsys.readouterr().out


def test_reindex_catches_up_on_uploads_indexed_into_the_old_index_during_the_rebuild(ingest, monkeypatch):
    ingest.put("first.txt", STORY)
    ingest.drain()
    engine = default_service().engine
    swap = engine.swap_alias

    def upload_then_swap(new_index, alias=None):  # type: ignore[no-untyped-def]
        ingest.put("late.txt", STORY.replace("Harbour", "Airport"))
        ingest.drain()  # indexed through the alias, which still names the old index
        return swap(new_index, alias)

    monkeypatch.setattr(engine, "swap_alias", upload_then_swap)
    assert cli(["reindex"]) == 0

    assert {key for key, _ in ingest.documents()} == {"first.txt", "late.txt"}


def test_a_multi_article_file_deleted_during_the_rebuild_leaves_none_of_its_articles(ingest, monkeypatch):
    from tests.ingest_support import s3_notification
    from tests.reliability.test_ordering_and_idempotency import DIGEST, SEQ_1, SEQ_2, split_articles

    bucket, service = ingest.archive.bucket, default_service()
    monkeypatch.setattr(service, "clean", split_articles)
    ingest.put("digest.txt", DIGEST)
    ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_1)])
    swap = service.engine.swap_alias

    def delete_then_swap(new_index, alias=None):  # type: ignore[no-untyped-def]
        # The rebuild wrote the file's three articles; its delete lands in the old index.
        ingest.s3.delete_object(Bucket=bucket, Key="digest.txt")
        ingest.invoke([s3_notification("digest.txt", bucket=bucket, sequencer=SEQ_2, removed=True)])
        return swap(new_index, alias)

    monkeypatch.setattr(service.engine, "swap_alias", delete_then_swap)
    assert cli(["reindex"]) == 0

    assert ingest.documents() == {}


def test_a_reindex_asked_for_part_of_the_bucket_never_drops_the_rest(ingest, capsys):
    ingest.put("kept/story.txt", STORY)
    ingest.put("other/story.txt", STORY.replace("Harbour", "Airport"))
    ingest.drain()
    before = set(ingest.documents())

    # The new index replaces the live one whole: a rebuild of part of the bucket is refused.
    with pytest.raises(SystemExit) as refused:
        cli(["reindex", "--prefix", "nothing-here/"])

    assert refused.value.code == 2
    assert set(ingest.documents()) == before


def test_an_object_over_the_size_limit_is_rejected_without_being_downloaded(ingest, monkeypatch):
    use_settings(monkeypatch, ingest.settings, MAX_OBJECT_BYTES="2000")
    downloads: list[str] = []
    client = default_service().store.client
    get_object = client.get_object
    monkeypatch.setattr(client, "get_object", lambda **kw: downloads.append(kw["Key"]) or get_object(**kw))
    ingest.put("huge.txt", STORY * 100)
    ingest.put("small.txt", STORY)
    ingest.drain()

    receipt = ingest.receipt("huge.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "too_large"
    assert "limit of 2,000 bytes" in receipt["message"]
    assert "huge.txt" not in downloads and "small.txt" in downloads
    assert "huge.txt" in ingest.bucket_keys()


def test_a_gzip_bomb_is_rejected_by_its_decompressed_size(ingest, monkeypatch):
    use_settings(monkeypatch, ingest.settings, MAX_DECOMPRESSED_BYTES="1000000")
    bomb = gzip_bytes(b"A" * 30_000_000)
    assert len(bomb) < 100_000
    ingest.put("bomb.txt.gz", bomb)
    ingest.put("fine.txt.gz", gzip_bytes(STORY.encode()))
    ingest.drain()

    receipt = ingest.receipt("bomb.txt.gz")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "too_large"
    assert ingest.receipt("fine.txt.gz")["outcome"] == "indexed"
    assert {key for key, _ in ingest.documents()} == {"fine.txt.gz"}


def test_status_command_prints_the_receipt_of_a_key(ingest, capsys):
    ingest.put("a b.txt", STORY)
    ingest.drain()
    assert cli(["status", "a b.txt"]) == 0
    out = capsys.readouterr().out
    assert '"outcome": "indexed"' in out and '"key": "a b.txt"' in out
    assert cli(["status", "never-uploaded.txt"]) == 1
