"""The HTTP front translates requests and responses as API Gateway (HTTP API, v2) does."""

from __future__ import annotations

import base64
import json

import pytest

from archive_local.http_front import HttpFront, request_event, response_from_result

pytestmark = pytest.mark.unit


def test_a_get_request_becomes_a_v2_event_with_repeated_parameters_joined() -> None:
    event = request_event(
        "GET",
        "/search?q=night+vision+goggles&source=Dawn&source=VOA",
        [("Host", "127.0.0.1:8000"), ("Accept", "application/json")],
        None,
    )
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/search"
    assert event["rawQueryString"] == "q=night+vision+goggles&source=Dawn&source=VOA"
    assert event["queryStringParameters"] == {"q": "night vision goggles", "source": "Dawn,VOA"}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["headers"]["accept"] == "application/json"
    assert "body" not in event


def test_repeated_headers_are_joined_and_cookies_move_to_their_own_field() -> None:
    event = request_event(
        "GET", "/health", [("X-Tag", "a"), ("x-tag", "b"), ("Cookie", "session=1; theme=dark")], None
    )
    assert event["headers"]["x-tag"] == "a,b"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["session=1", "theme=dark"]


def test_a_request_body_is_passed_base64_encoded() -> None:
    event = request_event("POST", "/search", [("Content-Type", "application/json")], b'{"q": "x"}')
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b'{"q": "x"}'


def test_a_full_response_keeps_status_headers_cookies_and_body() -> None:
    response = response_from_result(
        {
            "statusCode": 404,
            "headers": {"Content-Type": "application/json", "Content-Length": "999"},
            "multiValueHeaders": {"Vary": ["Accept", "Origin"]},
            "cookies": ["a=1", "b=2; Path=/"],
            "body": '{"error": {"code": "not_found"}}',
            "isBase64Encoded": False,
        }
    )
    assert response.status == 404
    assert ("Content-Type", "application/json") in response.headers
    assert ("Vary", "Accept") in response.headers and ("Vary", "Origin") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2; Path=/"]
    assert not any(k.lower() == "content-length" for k, _ in response.headers)
    assert json.loads(response.body) == {"error": {"code": "not_found"}}


def test_a_base64_body_is_decoded() -> None:
    payload = b"\x1f\x8b\x08binary"
    response = response_from_result(
        {"statusCode": 200, "body": base64.b64encode(payload).decode(), "isBase64Encoded": True}
    )
    assert response.body == payload


def test_a_bare_value_becomes_a_json_200_as_in_payload_v2() -> None:
    response = response_from_result({"status": "ok"})
    assert response.status == 200
    assert json.loads(response.body) == {"status": "ok"}
    assert ("Content-Type", "application/json") in response.headers


def test_a_handler_that_raises_yields_api_gateways_internal_error() -> None:
    def handler(event: dict, context: object) -> dict:
        raise RuntimeError("boom")

    front = HttpFront("127.0.0.1", 0, handler)
    try:
        response = front.invoke(request_event("GET", "/search?q=x", [], None))
    finally:
        front.server.server_close()
    assert response.status == 500
    assert json.loads(response.body) == {"message": "Internal Server Error"}
    assert b"boom" not in response.body


def test_the_local_cors_answers_as_the_template_has_api_gateway_answer() -> None:
    """A browser app tried against `make run` must work deployed, and the other way round: the
    preflight allows the headers and methods the HTTP API allows (a write's Idempotency-Key), and
    an answer exposes the headers it exposes (a 503's Retry-After)."""
    from archive_local.http_front import CorsPolicy
    from tests.template.cfn import load_template

    (api,) = [r for r in load_template()["Resources"].values() if r["Type"] == "AWS::Serverless::HttpApi"]
    _, deployed, _ = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-cors"]["Fn::If"]
    policy = CorsPolicy.from_setting("https://app.example")

    preflight = dict(policy.preflight("https://app.example").headers)
    answer = dict(policy.headers("https://app.example"))

    def names(value: str) -> set[str]:
        return {name.strip().lower() for name in value.split(",") if name.strip()}

    assert names(preflight["Access-Control-Allow-Headers"]) == set(deployed["allowHeaders"])
    assert names(preflight["Access-Control-Allow-Methods"]) >= {m.lower() for m in deployed["allowMethods"]}
    assert names(answer.get("Access-Control-Expose-Headers", "")) == set(deployed["exposeHeaders"])
    assert preflight["Access-Control-Max-Age"] == str(deployed["maxAge"])


def test_the_path_reaches_the_handler_percent_decoded_as_api_gateway_delivers_it() -> None:
    """An HTTP API hands the function the path decoded (rawPath and requestContext.http.path):
    a client that encodes an external id's colon, as encodeURIComponent does, reaches the same
    route locally as deployed."""
    event = request_event("PUT", "/articles/by-external-id/wire%3A7?x=a%3Ab", [], b"{}")

    assert event["rawPath"] == event["requestContext"]["http"]["path"] == "/articles/by-external-id/wire:7"
    assert event["rawQueryString"] == "x=a%3Ab"
