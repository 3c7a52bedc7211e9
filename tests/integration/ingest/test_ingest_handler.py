"""The real ingest handler on real moto events: upload -> queue -> handler -> index + receipt."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from archive_local.aws import queue_depth
from archive_local.lambda_events import http_api_event
from archive_search.cleaning import CLEANER_VERSION
from archive_search.ingest.status_api import router
from archive_search.model import ObjectRef, document_id
from tests.conftest import SEEDS
from tests.events import load_event
from tests.ingest_support import s3_notification

pytestmark = pytest.mark.integration

ARTICLE = "A headline for the archive\n\nThe first paragraph of the story tells what happened.\n\nA second paragraph adds detail.\n"


def test_seeds_uploaded_to_the_bucket_become_documents_with_their_provenance(ingest):
    for seed in SEEDS:
        ingest.put(f"inbox/{seed.name}", seed.read_bytes())
    ingest.drain()

    docs = ingest.documents()
    assert {key for key, _ in docs} == {f"inbox/{seed.name}" for seed in SEEDS}
    dawn = docs[("inbox/003_adb2bf521e5eb72d.txt", 0)]
    assert dawn["source"] == "Dawn" and dawn["published"] == "2023-04-12" and dawn["has_date"] is True
    assert dawn["bucket"] == ingest.archive.bucket and dawn["deleted"] is False
    assert dawn["cleaner_version"] == CLEANER_VERSION
    assert len(dawn["content_sha256"]) == 64 and dawn["fingerprint"]
    receipt = ingest.receipt("inbox/003_adb2bf521e5eb72d.txt")
    assert receipt["outcome"] == "indexed"
    assert receipt["document_ids"] == [
        document_id(ObjectRef(ingest.archive.bucket, "inbox/003_adb2bf521e5eb72d.txt"), 0)
    ]


def test_keys_with_spaces_and_plus_signs_are_decoded_before_reading(ingest):
    ingest.put("inbox/a b+c.txt", ARTICLE)
    ingest.drain()
    assert ("inbox/a b+c.txt", 0) in ingest.documents()


def test_s3_test_event_is_acknowledged(ingest):
    response = ingest.invoke([json.dumps(load_event("s3_test_event"))])
    assert response == {"batchItemFailures": []}


def test_a_file_that_cannot_be_cleaned_is_acknowledged_recorded_and_left_in_the_bucket(ingest):
    ingest.put("inbox/empty.txt", b"   \n")
    ingest.put("inbox/good.txt", ARTICLE)
    ingest.drain()

    receipt = ingest.receipt("inbox/empty.txt")
    assert receipt["outcome"] == "rejected" and receipt["reason"] == "empty"
    assert "inbox/empty.txt" in ingest.bucket_keys()
    assert {key for key, _ in ingest.documents()} == {"inbox/good.txt"}
    assert queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0


def test_lone_surrogate_escapes_in_a_json_upload_neither_fail_the_batch_nor_reach_the_index(ingest):
    # JSON may escape half a UTF-16 pair ("\ud800"); json.loads makes it a str UTF-8 cannot encode.
    body = "The harbour reopened on Tuesday after the storm, officials said, and ships moved out."
    ingest.put(
        "inbox/surrogates.json",
        '[{"title": "Harbour \\ud800reopens", "body": "' + body + ' \\udc00", "source": "Gazette \\udbff"}]',
    )
    ingest.put("inbox/good.txt", ARTICLE)
    ingest.drain()

    documents = ingest.documents()
    assert set(documents) == {("inbox/surrogates.json", 0), ("inbox/good.txt", 0)}
    document = documents[("inbox/surrogates.json", 0)]
    assert (document["title"], document["source"]) == ("Harbour \ufffdreopens", "Gazette \ufffd")
    assert document["body"] == f"{body} \ufffd"
    assert ingest.receipt("inbox/surrogates.json")["outcome"] == "indexed"
    assert queue_depth(ingest.sqs, ingest.archive.dlq_url) == 0


def test_a_message_that_is_not_an_s3_notification_is_reported_as_a_batch_item_failure(ingest):
    response = ingest.invoke(["not json at all", json.dumps(load_event("s3_test_event"))])
    assert len(response["batchItemFailures"]) == 1


def test_a_message_nested_too_deep_for_json_loads_fails_alone_not_its_batch(ingest):
    ingest.put("inbox/good.txt", ARTICLE)
    good = s3_notification("inbox/good.txt", bucket=ingest.archive.bucket, sequencer="0055AED6DCD90281E5")

    response = ingest.invoke(["[" * 100_000, good])

    assert len(response["batchItemFailures"]) == 1
    assert ingest.receipt("inbox/good.txt")["outcome"] == "indexed"


def test_ingest_status_route_answers_with_the_receipt_of_a_key(ingest):
    ingest.put("inbox/story.txt", ARTICLE)
    ingest.drain()
    app = APIGatewayHttpResolver(enable_validation=True)
    app.include_router(router)

    found = app.resolve(http_api_event("GET", "/ingest/status", "key=inbox/story.txt"), {})
    body = json.loads(found["body"])
    assert found["statusCode"] == 200
    assert body["outcome"] == "indexed" and body["key"] == "inbox/story.txt"
    assert body["bucket"] == ingest.archive.bucket  # the default bucket

    other = app.resolve(
        http_api_event("GET", "/ingest/status", f"key=inbox/story.txt&bucket={ingest.archive.bucket}"), {}
    )
    assert json.loads(other["body"]) == body


def test_the_same_story_under_another_key_is_indexed_and_its_receipt_names_the_copy(ingest):
    ingest.put("wire/original.txt", ARTICLE)
    ingest.drain()
    ingest.put("inbox/copy.txt", ARTICLE.replace("happened.", "happened. "))
    ingest.drain()

    receipt = ingest.receipt("inbox/copy.txt")
    assert receipt["outcome"] == "indexed"
    assert receipt["duplicate_of"] == [document_id(ObjectRef(ingest.archive.bucket, "wire/original.txt"), 0)]
    assert {key for key, _ in ingest.documents()} == {"wire/original.txt", "inbox/copy.txt"}


def test_the_search_api_serves_ingest_status_with_its_error_shape_for_unknown_keys(ingest):
    from archive_local.lambda_events import LambdaContext
    from archive_search.handlers.search import handler as search_handler

    ingest.put("inbox/empty.txt", b"")
    ingest.drain()

    rejected = search_handler(
        http_api_event("GET", "/ingest/status", "key=inbox/empty.txt"), LambdaContext("search")
    )
    assert rejected["statusCode"] == 200
    assert json.loads(rejected["body"])["reason"] == "empty"
    unknown = search_handler(http_api_event("GET", "/ingest/status", "key=nope.txt"), LambdaContext("search"))
    assert unknown["statusCode"] == 404
    assert json.loads(unknown["body"])["error"]["code"] == "not_found"
