"""Which S3 writes the S3 front records in the mirror before answering them."""

from __future__ import annotations

import base64
import json

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


def form(fields: dict[str, str], content: bytes = b"hello") -> tuple[bytes, str]:
    parts = [f'--b\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n' for n, v in fields.items()]
    file = b'--b\r\nContent-Disposition: form-data; name="file"; filename="n.txt"\r\n\r\n'
    return "".join(parts).encode() + file + content + b"\r\n--b--\r\n", "multipart/form-data; boundary=b"


def policy(expiration: str, *conditions: object) -> str:
    return base64.b64encode(
        json.dumps({"expiration": expiration, "conditions": conditions}).encode()
    ).decode()


@pytest.mark.parametrize(
    ("encoded", "status", "code"),
    [
        ("not base64!", 400, "InvalidPolicyDocument"),
        (policy("2999-01-01T00:00:00Z", ["between", "$key", "a", "b"]), 400, "InvalidPolicyDocument"),
        (policy("2000-01-01T00:00:00", {"key": "up/n.txt"}), 403, "AccessDenied"),  # no Z: UTC
        (policy("2999-01-01T00:00:00Z", ["starts-with", "$key", "down/"]), 403, "AccessDenied"),
    ],
    ids=["not base64", "an unknown condition", "expired", "a key elsewhere"],
)
def test_a_form_its_policy_does_not_allow_is_refused(encoded: str, status: int, code: str) -> None:
    body, content_type = form({"key": "up/n.txt", "policy": encoded})

    with pytest.raises(Refused) as refused:
        written_keys("POST", "/archive", HOST, "archive", body, content_type)

    assert (refused.value.status, f"<Code>{code}</Code>".encode() in refused.value.body) == (status, True)


def test_a_form_within_its_policy_names_its_key_and_a_failed_condition_is_quoted_escaped() -> None:
    allowed = policy("2999-01-01T00:00:00Z", {"bucket": "archive"}, ["starts-with", "$key", "up/"])
    body, content_type = form({"key": "up/${filename}", "policy": allowed, "x-ignore-note": "1"})
    refused_body, _ = form({"key": "up/<n>.txt", "policy": policy("2999-01-01T00:00:00Z", {"key": "a&b"})})

    assert written_keys("POST", "/archive", HOST, "archive", body, content_type) == ["up/n.txt"]
    with pytest.raises(Refused) as refused:
        written_keys("POST", "/archive", HOST, "archive", refused_body, content_type)
    assert b'Policy Condition failed: ["eq", "$key", "a&amp;b"]' in refused.value.body


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_write_to_a_key_over_s3s_bound_is_refused_as_s3_refuses_it(method: str) -> None:
    key = "inbox/" + "é" * 510  # 1,026 bytes in 516 characters
    if method == "PUT":
        target, body, content_type = f"/archive/{key}", b"", None
    else:
        target, (body, content_type) = "/archive", form({"key": key})
    at_bound = "inbox/" + "a" * 1018

    with pytest.raises(Refused) as refused:
        written_keys(method, target, HOST, "archive", body, content_type)

    assert (refused.value.status, b"<Code>KeyTooLongError</Code>" in refused.value.body) == (400, True)
    assert written_keys("PUT", f"/archive/{at_bound}", HOST, "archive", b"") == [at_bound]
