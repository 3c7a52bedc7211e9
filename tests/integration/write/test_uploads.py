"""POST /uploads: a presigned POST that really uploads to the bucket, and whose file takes
the ingest path like any other upload (receipt included)."""

from __future__ import annotations

import base64
import json

import pytest
import requests

pytestmark = pytest.mark.integration

PAGE = (
    "<html><head><title>Harbour budget approved</title></head><body><article><h1>Harbour budget "
    "approved</h1><p>The council approved the new harbour budget on Monday after a long debate "
    "about the cost of dredging the old quay.</p><p>Work starts in spring and should end before "
    "the summer ferries return to the island.</p></article></body></html>"
)


def upload(api, filename: str, data: bytes, **headers: str):  # type: ignore[no-untyped-def]
    answer = api.call("POST", "/uploads", {"filename": filename}, headers=headers)
    assert answer.status == 200, answer.body
    form = answer.body["upload"]
    sent = requests.post(form["url"], data=form["fields"], files={"file": (filename, data)}, timeout=10)
    return answer, sent


def test_a_presigned_upload_reaches_the_bucket_and_gets_a_receipt(api) -> None:
    answer, sent = upload(api, "harbour.html", PAGE.encode())

    assert sent.status_code in (200, 201, 204)
    key = answer.body["key"]
    assert key.startswith("uploads/") and key.endswith("/harbour.html")
    assert answer.body["content_type"] == "text/html"
    assert key in api.rig.bucket_keys()
    api.settle()
    status = api.call("GET", "/ingest/status", query={"key": key})
    assert status.body["outcome"] == "indexed"


def test_an_uploaded_file_that_cannot_be_cleaned_is_rejected_with_a_receipt_and_kept(api) -> None:
    answer, _ = upload(api, "scan.txt", b"%PDF-1.4 \x00\x01\x02\xff binary" * 50)

    api.settle()
    status = api.call("GET", "/ingest/status", query={"key": answer.body["key"]})
    assert status.body["outcome"] == "rejected" and status.body["reason"]
    assert answer.body["key"] in api.rig.bucket_keys()


def test_the_same_idempotency_key_gives_the_same_upload_key(api) -> None:
    first = api.call("POST", "/uploads", {"filename": "a.html"}, headers={"Idempotency-Key": "up-1"})
    again = api.call("POST", "/uploads", {"filename": "a.html"}, headers={"Idempotency-Key": "up-1"})

    assert first.body["key"] == again.body["key"]
    assert first.body["max_bytes"] == api.rig.settings.max_object_bytes


@pytest.mark.parametrize("filename", ["notes.txt", "notes.md", "notes.txt.gz"])
def test_a_text_dump_upload_may_hold_only_the_bytes_ingest_reads_of_a_text_dump(api, filename: str) -> None:
    """Ingest rejects a text dump over 1 MiB (its format's bound): the answer and the policy S3
    enforces must say so, not let S3 take a 2 MiB file that ingest then rejects as too_large.
    (moto does not enforce POST policies, so the policy itself is read.)"""
    from archive_search.cleaning import MAX_INPUT_BYTES

    answer = api.call("POST", "/uploads", {"filename": filename})

    policy = json.loads(base64.b64decode(answer.body["upload"]["fields"]["policy"]))
    (length_range,) = [
        c for c in policy["conditions"] if isinstance(c, list) and c[0] == "content-length-range"
    ]
    assert answer.body["max_bytes"] == MAX_INPUT_BYTES["text"]
    assert length_range == ["content-length-range", 1, MAX_INPUT_BYTES["text"]]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"filename": "../etc/passwd"}, "filename"),
        ({"filename": ""}, "filename"),
        ({"filename": "a.txt", "content_type": "not a type"}, "content_type"),
        ({"filename": "a.txt", "size": 3}, "size"),
        ({"filename": "scan.pdf"}, "filename"),
        ({"filename": "photos.ZIP"}, "filename"),
        ({"filename": "report.docx.gz"}, "filename"),
        (["a.txt"], "body"),
    ],
)
def test_bad_upload_requests_are_400s_naming_the_field(api, body: object, parameter: str) -> None:
    answer = api.call("POST", "/uploads", body)

    assert answer.status == 400
    assert answer.body["error"]["parameter"] == parameter


@pytest.mark.parametrize(
    ("given", "signed"),
    [("TEXT/HTML", "text/html"), ("Application/JSON; charset=utf-8", "application/json; charset=utf-8")],
)
def test_a_media_type_in_capitals_is_accepted_and_signed_in_lower_case(api, given: str, signed: str) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1): TEXT/HTML is text/html, not a 400."""
    answer = api.call("POST", "/uploads", {"filename": "page", "content_type": given})

    assert answer.status == 200, answer.body
    assert answer.body["content_type"] == answer.body["upload"]["fields"]["Content-Type"] == signed
