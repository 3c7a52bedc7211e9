"""The local front's route table: the write routes reach the write function (with its
name), every other request the search function, as API Gateway routes them."""

from __future__ import annotations

from typing import Any

import pytest

from archive_local.http_front import HttpFront, Route, request_event

pytestmark = pytest.mark.unit


def answering(name: str) -> Any:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "body": f"{name} {context.function_name}"}

    return handler


@pytest.fixture
def front() -> HttpFront:
    routes = [
        Route("POST", "/articles", answering("write"), "archive-search-write"),
        Route("DELETE", "/articles/[^/]+", answering("write"), "archive-search-write"),
    ]
    server = HttpFront("127.0.0.1", 0, answering("search"), routes=routes)
    server.server.server_close()
    return server


@pytest.mark.parametrize(
    ("method", "target", "served_by"),
    [
        ("POST", "/articles", "write archive-search-write"),
        ("DELETE", "/articles/abc", "write archive-search-write"),
        ("GET", "/articles/abc", "search archive-search-search"),
        ("DELETE", "/articles/abc/similar", "search archive-search-search"),
        ("POST", "/articles/x", "search archive-search-search"),
    ],
)
def test_requests_go_to_the_function_their_route_names(
    front: HttpFront, method: str, target: str, served_by: str
) -> None:
    response = front.invoke(request_event(method, target, [], None))

    assert response.body.decode() == served_by
