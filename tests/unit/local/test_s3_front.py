"""Which S3 writes the S3 front records in the mirror before answering them."""

from __future__ import annotations

import pytest

from archive_local.s3_front import Refused, service_of, written_keys

pytestmark = pytest.mark.unit

HOST = "127.0.0.1:4566"


@pytest.mark.parametrize(
    ("method", "target", "keys"),
    [
        ("PUT", "/archive/inbox/a%20b.txt", ["inbox/a b.txt"]),
        ("PUT", "/archive/a.txt?x-id=PutObject", ["a.txt"]),
        ("PUT", "/archive/a.txt?partNumber=1&uploadId=u", []),  # a part is not an object yet
        ("PUT", "/archive/a.txt?tagging", []),
        ("POST", "/archive/big.json?uploadId=u", ["big.json"]),  # completion
        ("POST", "/archive/big.json?uploads", []),  # initiation
        ("DELETE", "/archive/a+b.txt", ["a+b.txt"]),  # '+' is literal in a path
        ("DELETE", "/archive/a.txt?uploadId=u", []),  # abort
        ("PUT", "/other/a.txt", []),  # not the archive's bucket
        ("PUT", "/archive", []),  # bucket configuration
    ],
)
def test_written_keys_name_the_objects_a_request_changes(
    method: str, target: str, keys: list[str] | None
) -> None:
    assert written_keys(method, target, HOST, "archive", b"") == keys


def test_a_batch_delete_names_every_key_of_its_body() -> None:
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a.txt</Key></Object>'
        b"<Object><Key>b/c.txt</Key></Object></Delete>"
    )
    assert written_keys("POST", "/archive?delete", HOST, "archive", body) == ["a.txt", "b/c.txt"]


def test_a_form_upload_names_the_key_of_its_key_field() -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nup/${{filename}}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\n\r\n'
        f"hello\r\n--{boundary}--\r\n"
    ).encode()
    content_type = f"multipart/form-data; boundary={boundary}"

    assert written_keys("POST", "/archive", HOST, "archive", body, content_type) == ["up/n.txt"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"key=a.txt"),  # S3 takes multipart forms only
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--',
        ),
        (None, b""),
        (  # a "key" part that is itself multipart holds no text
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="key"\r\n'
            b"Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n",
        ),
    ],
)
def test_a_form_upload_without_a_key_field_is_refused_as_s3_refuses_it(
    content_type: str | None, body: bytes
) -> None:
    with pytest.raises(Refused) as refused:
        written_keys("POST", "/archive", HOST, "archive", body, content_type)

    assert refused.value.status == 400
    assert b"<Code>InvalidArgument</Code>" in refused.value.body
    assert b"field named 'key'" in refused.value.body


def test_virtual_hosted_requests_name_the_bucket_in_the_host() -> None:
    assert written_keys("PUT", "/a.txt", "archive.localhost:4566", "archive", b"") == ["a.txt"]


def test_the_service_comes_from_the_signature() -> None:
    auth = "AWS4-HMAC-SHA256 Credential=local/20261207/us-east-1/sqs/aws4_request, SignedHeaders=host"
    assert service_of({"Authorization": auth}) == "sqs"
    assert service_of({"Authorization": auth.replace("/sqs/", "/s3/")}) == "s3"
    assert service_of({"X-Amz-Target": "AmazonSQS.SendMessage"}) == "sqs"
    assert service_of({}) is None
