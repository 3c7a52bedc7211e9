"""Ingest under hostile uploads: a cleaner failure is one object's rejection, never the
batch's, the DLQ's or a reindex's; bulk requests go to the alias, bounded in bytes; logs keep
reasons but never article text, and the CLI keeps stdout for its JSON result."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive_search.cli import main as cli
from archive_search.ingest.batch import default_service
from tests.ingest_support import s3_notification, use_settings

pytestmark = pytest.mark.reliability

STORY = "Harbour reopens\n\nKARACHI: The harbour reopened after the storm, officials said.\n\nMore detail.\n"
DEEP = "[" * 10_000 + "]" * 10_000
SECRET = "Confidential words of the article"


def record_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """(method, url, body bytes) of every request the ingest service's engine client sends."""
    transport = default_service().engine.client.transport
    sent: list[tuple[str, str, int]] = []
    perform = transport.perform_request

    def recording(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        body = kwargs.get("body")
        sent.append((method, url, len(body) if isinstance(body, (bytes, str)) else 0))
        return perform(method, url, *args, **kwargs)

    monkeypatch.setattr(transport, "perform_request", recording)
    return sent


def notify(ingest: Any, *keys: str) -> dict[str, Any]:
    return ingest.invoke([s3_notification(k, bucket=ingest.archive.bucket, sequencer="01") for k in keys])


def test_deeply_nested_json_gets_a_rejected_receipt_and_reindex_still_swaps(ingest, capsys):
    ingest.put("x.json", DEEP)
    ingest.put(
        "page.html",
        f'<html><head><script type="application/ld+json">{DEEP}</script></head>'
        f"<body><article><h1>Harbour</h1><p>{STORY * 3}</p></article></body></html>",
    )
    ingest.put("a.txt", STORY)
    ingest.drain()
    receipt = ingest.receipt("x.json")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "too_deeply_nested"
    assert ingest.receipt("page.html")["outcome"] == "indexed"
    old = ingest.engine.alias_targets()
    capsys.readouterr()

    code = cli(["reindex"])

    captured = capsys.readouterr()
    report = json.loads(captured.out)  # stdout is the JSON result alone: logs go to stderr
    assert code == 0 and report["swapped"] is True and report["failed"] == {}
    assert report["outcomes"] == {"indexed": 2, "rejected": 1}
    assert ingest.engine.alias_targets() != old
    assert '"level"' in captured.err


def test_any_exception_from_cleaning_is_a_rejected_receipt_not_a_retried_batch(ingest, monkeypatch):
    def broken(data: bytes, key: str, **_: object) -> list[Any]:
        raise MemoryError

    monkeypatch.setattr(default_service(), "clean", broken)
    ingest.put("a.txt", STORY)
    response = notify(ingest, "a.txt")
    assert response == {"batchItemFailures": []}
    receipt = ingest.receipt("a.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "cleaner_failed"
    assert "MemoryError" in receipt["message"]


def test_an_object_over_its_format_bound_is_rejected_before_it_is_downloaded(ingest, monkeypatch):
    from archive_search.cleaning import MAX_INPUT_BYTES

    downloads: list[str] = []
    client = default_service().store.client
    get_object = client.get_object
    monkeypatch.setattr(client, "get_object", lambda **kw: downloads.append(kw["Key"]) or get_object(**kw))
    big = b"A line of a long text dump.\n" * (MAX_INPUT_BYTES["text"] // 28 + 1)
    ingest.put("big.txt", big)
    ingest.put("a.txt", STORY)
    bodies = []
    for key, size in (("big.txt", len(big)), ("a.txt", len(STORY))):
        body = json.loads(s3_notification(key, bucket=ingest.archive.bucket, sequencer="01"))
        body["Records"][0]["s3"]["object"]["size"] = size  # as S3 states it
        bodies.append(json.dumps(body))
    assert ingest.invoke(bodies) == {"batchItemFailures": []}
    receipt = ingest.receipt("big.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "too_large"
    assert receipt["message"].startswith("big.txt: the file is"), receipt["message"]
    assert f"limit of {MAX_INPUT_BYTES['text'] // 2**20} MB for text files" in receipt["message"]
    assert "big.txt" not in downloads and "a.txt" in downloads


def test_an_object_over_its_bound_by_its_stored_length_is_rejected_naming_its_key(ingest) -> None:
    from archive_search.cleaning import MAX_INPUT_BYTES

    ingest.put("inbox/big.txt", b"A line of a long text dump.\n" * (MAX_INPUT_BYTES["text"] // 28 + 1))

    notify(ingest, "inbox/big.txt")  # no size in the event: the GET's Content-Length refuses it

    receipt = ingest.receipt("inbox/big.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "too_large"
    assert receipt["message"].startswith("inbox/big.txt: the file is"), receipt["message"]


def test_a_cleaner_that_finds_no_article_rejects_naming_the_key(ingest, monkeypatch) -> None:
    monkeypatch.setattr(default_service(), "clean", lambda data, key, **_: [])
    ingest.put("inbox/a.txt", STORY)

    notify(ingest, "inbox/a.txt")

    receipt = ingest.receipt("inbox/a.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "no_article_text"
    assert receipt["message"].startswith("inbox/a.txt: "), receipt["message"]


def test_bulk_requests_go_to_the_alias_and_never_the_domain_root(ingest, monkeypatch):
    sent = record_requests(monkeypatch)
    ingest.put("a.txt", STORY)
    assert notify(ingest, "a.txt") == {"batchItemFailures": []}
    bulk_urls = [url for _, url, _ in sent if url.endswith("/_bulk")]
    assert f"/{ingest.settings.index_alias}/_bulk" in bulk_urls
    assert f"/{ingest.settings.receipts_alias}/_bulk" in bulk_urls
    assert "/_bulk" not in bulk_urls


def test_bulk_bodies_are_split_by_bytes_and_an_oversized_document_is_refused_not_retried(ingest, monkeypatch):
    use_settings(monkeypatch, ingest.settings, MAX_BULK_BYTES=str(64 * 1024))
    sent = record_requests(monkeypatch)
    paragraph = "The harbour reopened after the storm and the ships moved again, officials said. "
    records = [{"title": f"Story {i}", "body": paragraph * 60} for i in range(20)]  # ~5 kB each
    records.append({"title": "Huge", "body": (paragraph + "\n\n") * 1_000})  # ~80 kB
    ingest.put("many.json", json.dumps(records))

    response = notify(ingest, "many.json")

    assert response == {"batchItemFailures": []}
    article_bulks = [size for _, url, size in sent if url == f"/{ingest.settings.index_alias}/_bulk"]
    assert len(article_bulks) >= 2 and max(article_bulks) <= 64 * 1024
    receipt = ingest.receipt("many.json")
    assert receipt["outcome"] == "indexed" and len(receipt["document_ids"]) == 20
    assert [(f["ordinal"], f["reason"]) for f in receipt["failed_documents"]] == [(20, "document_too_large")]


def test_a_refused_document_s_reason_names_the_field_never_its_value(ingest, monkeypatch, caplog):
    from archive_search.model import Article

    def unmappable_tags(data: bytes, key: str, **_: object) -> list[Article]:
        return [Article(title="Good", body="A body.", tags=({"quote": SECRET},))]  # type: ignore[arg-type]

    monkeypatch.setattr(default_service(), "clean", unmappable_tags)
    ingest.put("a.txt", STORY)
    assert notify(ingest, "a.txt") == {"batchItemFailures": []}

    failed = ingest.receipt("a.txt")["failed_documents"]
    assert len(failed) == 1 and "tags" in failed[0]["reason"]
    assert SECRET not in json.dumps(failed)
    assert not [r for r in caplog.records if SECRET in json.dumps(r.__dict__, default=str)]


def test_a_record_left_for_a_retry_is_logged_with_its_reason(ingest, monkeypatch, caplog):
    use_settings(monkeypatch, ingest.settings, OPENSEARCH_URL="http://127.0.0.1:9")  # nothing listens
    ingest.put("a.txt", STORY)
    response = notify(ingest, "a.txt")
    assert len(response["batchItemFailures"]) == 1
    retried = [r for r in caplog.records if r.getMessage() == "record left for a retry"]
    assert [r.message_id for r in retried] == [response["batchItemFailures"][0]["itemIdentifier"]]
    assert "search engine unavailable" in retried[0].reason


def test_an_object_stored_compressed_with_a_coding_ingest_cannot_read_is_rejected_naming_it(ingest):
    # S3 keeps a Content-Encoding as the uploader set it (aws s3 cp --content-encoding br) and
    # hands back the compressed bytes: "binary data" sent the uploader looking at the file
    import gzip
    import zlib

    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)  # as opaque as brotli's output
    packed = deflater.compress(STORY.encode() * 20) + deflater.flush()
    ingest.s3.put_object(Bucket=ingest.archive.bucket, Key="br.txt", Body=packed, ContentEncoding="br")
    gzipped = gzip.compress(STORY.encode())
    ingest.s3.put_object(Bucket=ingest.archive.bucket, Key="gz.txt", Body=gzipped, ContentEncoding="gzip")
    plain = STORY.encode()
    ingest.s3.put_object(Bucket=ingest.archive.bucket, Key="labelled.txt", Body=plain, ContentEncoding="br")

    notify(ingest, "br.txt", "gz.txt", "labelled.txt")

    refused = ingest.receipt("br.txt")
    assert refused["outcome"] == "rejected" and refused["reason"] == "binary"
    assert refused["message"] == (
        "br.txt: the object is stored with Content-Encoding br, which ingest does not decode: "
        "upload the file uncompressed, or gzipped (.gz)"
    )
    assert ingest.receipt("gz.txt")["outcome"] == "indexed"
    assert ingest.receipt("labelled.txt")["outcome"] == "indexed"  # readable as it is: read
