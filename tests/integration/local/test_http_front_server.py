"""The HTTP front over a real socket: what a client sends reaches the handler as an
HTTP API v2 event, and the handler's response reaches the client unchanged."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from archive_local.http_front import MAX_REQUEST_BYTES, HttpFront

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n\x00binary"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["rawPath"] == "/binary":
        return {
            "statusCode": 200,
            "headers": {"content-type": "image/png"},
            "body": base64.b64encode(PNG).decode(),
            "isBase64Encoded": True,
        }
    body = base64.b64decode(event["body"]).decode() if event.get("body") else None
    return {
        "statusCode": 201 if event["requestContext"]["http"]["method"] == "POST" else 200,
        "headers": {"content-type": "application/json"},
        "cookies": ["seen=1; Path=/"],
        "body": json.dumps(
            {
                "path": event["rawPath"],
                "query": event.get("queryStringParameters"),
                "cookies": event.get("cookies"),
                "body": body,
                "remaining_ms": context.get_remaining_time_in_millis(),
            }
        ),
    }


@pytest.fixture
def front() -> Iterator[HttpFront]:
    server = HttpFront("127.0.0.1", 0, handler)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_search_request_round_trips(front: HttpFront) -> None:
    response = requests.get(
        f"{front.url}/search",
        params=[("q", "night vision goggles"), ("source", "Dawn"), ("source", "VOA")],
        cookies={"session": "abc"},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.cookies["seen"] == "1"
    echoed = response.json()
    assert echoed["path"] == "/search"
    assert echoed["query"] == {"q": "night vision goggles", "source": "Dawn,VOA"}
    assert echoed["cookies"] == ["session=abc"]
    assert echoed["remaining_ms"] > 0


def test_a_request_body_reaches_the_handler(front: HttpFront) -> None:
    response = requests.post(f"{front.url}/echo", json={"q": "ferry"}, timeout=10)
    assert response.status_code == 201
    assert json.loads(response.json()["body"]) == {"q": "ferry"}


def test_a_chunked_request_body_reaches_the_handler_and_the_connection_stays_usable(
    front: HttpFront,
) -> None:
    def chunks() -> Iterator[bytes]:  # a generator body: requests sends it chunked
        yield b'{"q": '
        yield b'"ferry"}'

    with requests.Session() as session:
        first = session.post(f"{front.url}/echo", data=chunks(), timeout=10)
        second = session.get(f"{front.url}/after", timeout=10)  # same kept-alive connection

    assert first.status_code == 201
    assert json.loads(first.json()["body"]) == {"q": "ferry"}
    assert second.json()["path"] == "/after"


def test_a_chunked_body_over_the_payload_limit_is_a_413_before_it_is_read(front: HttpFront) -> None:
    host, port = front.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + f"{MAX_REQUEST_BYTES + 1:x}\r\n".encode()
        )
        answer = conn.recv(65536)

    assert answer.startswith(b"HTTP/1.1 413")


def test_a_base64_response_is_sent_as_bytes(front: HttpFront) -> None:
    response = requests.get(f"{front.url}/binary", timeout=10)
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"


def test_head_sends_headers_without_a_body(front: HttpFront) -> None:
    response = requests.head(f"{front.url}/search?q=x", timeout=10)
    assert response.status_code == 200
    assert response.content == b""
