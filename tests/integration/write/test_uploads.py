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


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"filename": "b.html"}, id="another filename"),
        pytest.param({"filename": "a.html", "content_type": "text/plain"}, id="another content type"),
    ],
)
def test_an_idempotency_key_reused_for_another_upload_is_a_409_naming_it(api, other: dict[str, str]) -> None:
    """As on POST /articles and /alerts: the same key with another request is a 409, not a
    second upload slot the client takes for a retry of the first."""
    first = api.call("POST", "/uploads", {"filename": "a.html"}, headers={"Idempotency-Key": "up-2"})
    answer = api.call("POST", "/uploads", other, headers={"Idempotency-Key": "up-2"})

    assert first.status == 200 and answer.status == 409, answer.body
    assert answer.body["error"]["parameter"] == "Idempotency-Key"
    assert "up-2" in answer.body["error"]["message"]


def test_an_upload_idempotency_key_raced_by_another_filename_is_a_409(api, monkeypatch) -> None:
    """Given another request with the same key and another filename claiming it after this one
    found the key free, this one is the 409, not a second slot under the key."""
    from archive_search.adapters.s3 import ObjectStore

    headers = {"Idempotency-Key": "up-3"}
    checked = ObjectStore.read
    raced = []

    def another_request_claims_the_key_after_the_check(self, ref, **bound):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(ObjectStore, "read", checked)
        try:
            return checked(self, ref, **bound)
        finally:
            raced.append(api.call("POST", "/uploads", {"filename": "other.html"}, headers=headers))

    monkeypatch.setattr(ObjectStore, "read", another_request_claims_the_key_after_the_check)

    answer = api.call("POST", "/uploads", {"filename": "a.html"}, headers=headers)

    assert raced[0].status == 200, raced[0].body
    assert answer.status == 409 and answer.body["error"]["parameter"] == "Idempotency-Key", answer.body


def test_an_upload_idempotency_key_leaves_nothing_ingest_reads_as_an_upload(api) -> None:
    """What remembers the key is the service's own object (under the reserved prefix): ingest
    acknowledges it and indexes nothing, and no status counts it."""
    from archive_search.settings import is_upload_key

    api.call("POST", "/uploads", {"filename": "a.html"}, headers={"Idempotency-Key": "up-4"})
    api.rig.drain()  # ingest takes the claim's notification

    assert api.rig.bucket_keys() and not any(is_upload_key(key) for key in api.rig.bucket_keys())
    progress = api.call("GET", "/ingest/status", query={"prefix": ""})
    assert progress.status == 200 and progress.body["listed_objects"] == 0, progress.body


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
    ("filename", "content_type"),
    [
        ("scan", "application/pdf"),
        ("photo", "image/jpeg"),
        ("report", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("clip", "video/mp4"),
        ("archive", "application/zip"),
        ("table", "text/csv"),
    ],
)
def test_a_content_type_of_a_format_ingest_does_not_read_is_a_400(
    api, filename: str, content_type: str
) -> None:
    """A file name without an extension leaves its format to the content type: a PDF or an image
    would be stored and then only rejected by ingest (binary), so it is refused before it is sent,
    as a .pdf file name is."""
    answer = api.call("POST", "/uploads", {"filename": filename, "content_type": content_type})

    assert answer.status == 400, answer.body
    assert answer.body["error"]["parameter"] == "content_type"
    assert content_type in answer.body["error"]["message"]


def test_a_file_name_whose_type_is_of_a_format_ingest_does_not_read_is_a_400_naming_it(api) -> None:
    answer = api.call("POST", "/uploads", {"filename": "memo.wav"})  # audio/x-wav by its extension

    assert answer.status == 400, answer.body
    assert answer.body["error"]["parameter"] == "filename"
    assert "audio/x-wav" in answer.body["error"]["message"]


@pytest.mark.parametrize(
    "content_type", ["application/octet-stream", "text/plain", "text/markdown", "application/xml"]
)
def test_a_content_type_that_leaves_the_format_to_the_text_is_signed(api, content_type: str) -> None:
    answer = api.call("POST", "/uploads", {"filename": "notes", "content_type": content_type})

    assert answer.status == 200, answer.body


@pytest.mark.parametrize("filename", [" ", "a.html ", " a.html", "a.html\u00a0", "a.html\u2003"])
def test_a_filename_with_spaces_at_an_end_is_a_400_saying_so(api, filename: str) -> None:
    """ "a.html " has no .html extension: it would be stored, signed with the wrong bound and read
    as text, the page's markup indexed as words. A client's untrimmed name is refused instead."""
    answer = api.call("POST", "/uploads", {"filename": filename})

    assert answer.status == 400, answer.body
    assert answer.body["error"]["parameter"] == "filename"
    assert "space" in answer.body["error"]["message"]


@pytest.mark.parametrize(
    ("given", "signed"),
    [("TEXT/HTML", "text/html"), ("Application/JSON; charset=utf-8", "application/json; charset=utf-8")],
)
def test_a_media_type_in_capitals_is_accepted_and_signed_in_lower_case(api, given: str, signed: str) -> None:
    """Media types are case-insensitive (RFC 9110 8.3.1): TEXT/HTML is text/html, not a 400."""
    answer = api.call("POST", "/uploads", {"filename": "page", "content_type": given})

    assert answer.status == 200, answer.body
    assert answer.body["content_type"] == answer.body["upload"]["fields"]["Content-Type"] == signed
