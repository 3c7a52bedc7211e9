"""Every route that reads a JSON body (POST /articles, PUT /articles/by-external-id/{id}, POST
/uploads, POST /alerts) answers the same bad body the same way, and every route refuses a
parameter it does not take, through the real handler. Both are refused before anything reaches
S3 or the engine, so no server runs here: the settings name an engine nobody listens on."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.adapters.opensearch import cached_engine
from archive_search.alerts.bounds import MAX_ALERT_BODY_BYTES
from archive_search.alerts.routes import _store
from archive_search.settings import get_settings
from archive_search.writes.api import MAX_UPLOAD_REQUEST_BYTES
from archive_search.writes.records import MAX_WRITE_BODY_BYTES

pytestmark = pytest.mark.unit

ROUTES = [
    ("POST", "/articles"),
    ("PUT", "/articles/by-external-id/ht-1"),
    ("POST", "/uploads"),
    ("POST", "/alerts"),
]
MAX_BYTES = {
    "/articles": MAX_WRITE_BODY_BYTES,
    "/articles/by-external-id/ht-1": MAX_WRITE_BODY_BYTES,
    "/uploads": MAX_UPLOAD_REQUEST_BYTES,
    "/alerts": MAX_ALERT_BODY_BYTES,
}


@pytest.fixture(autouse=True)
def _no_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OPENSEARCH_URL", "http://127.0.0.1:9")  # discard: nothing answers
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive")
    for cache in (get_settings, cached_engine, _store):
        cache.cache_clear()
    yield
    for cache in (get_settings, cached_engine, _store):
        cache.cache_clear()


def call(method: str, path: str, payload: bytes | None, **event_fields: Any) -> tuple[int, dict[str, Any]]:
    """The error the write handler answers ``payload`` with (``event_fields`` override the
    event's, as ``body`` and ``isBase64Encoded`` for a body API Gateway passes as text)."""
    from archive_search.handlers.write import handler

    event = http_api_event(method, path, "", {"content-type": "application/json"}, payload)
    event.update(event_fields)
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    return result["statusCode"], json.loads(result["body"])["error"]


def answers(payload: bytes | None, **event_fields: Any) -> list[tuple[int, str, str, str]]:
    found = []
    for method, path in ROUTES:
        status, error = call(method, path, payload, **event_fields)
        found.append((status, error["code"], error["parameter"], error["message"]))
    return found


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="not JSON"),
        pytest.param(b'{"name": ', id="cut short"),
        pytest.param(b"[" * 2_000 + b"]" * 2_000, id="nested past the parser"),
        pytest.param('{"title": "Café"}'.encode("latin-1"), id="Latin-1"),
        # json.loads of bytes reads UTF-16 too; JSON between systems is UTF-8 (RFC 8259 8.1).
        pytest.param('{"title": "Café"}'.encode("utf-16"), id="UTF-16"),
    ],
)
def test_a_bad_body_gets_the_same_400_naming_body_on_every_json_route(body: bytes) -> None:
    found = answers(body)

    assert {answer[:3] for answer in found} == {(400, "invalid_parameter", "body")}, found
    assert len({answer[3] for answer in found}) == 1, found


@pytest.mark.parametrize(("method", "path"), [route for route in ROUTES if route[1] != "/uploads"])
def test_a_number_too_long_for_the_parser_is_a_400_not_a_500(method: str, path: str) -> None:
    # json.loads raises a plain ValueError, not a JSONDecodeError, past 4,300 digits (a body
    # that long is over /uploads' bound, which refuses it first).
    status, error = call(method, path, b'{"title": 1' + b"0" * 5_000 + b"}")

    assert (status, error["parameter"]) == (400, "body"), error
    assert error["message"].startswith("the request body is not valid JSON: "), error


# Each kind of error json raises on a body; where it stops and the words a person reads for it.
BROKEN_BODIES = [
    pytest.param(b"{'name': 'x'}", "line 1, column 2", "field name in double quotes", id="single quotes"),
    pytest.param(b'{"name": "x",}', "line 1, column 14", "field name in double quotes", id="comma before }"),
    pytest.param(b'{"name" "x"}', "line 1, column 9", "a colon was expected", id="no colon"),
    pytest.param(b'{"name": "x"\n "q": "y"}', "line 2, column 2", "a comma was expected", id="no comma"),
    pytest.param(b'{"name": "x",\n "q": }', "line 2, column 7", "a value is missing", id="no value"),
    pytest.param(b'{"name": "cut off', "line 1, column 10", "never closed", id="unterminated text"),
    pytest.param(b'{"name": "tab\there"}', "line 1, column 14", "control character", id="raw tab"),
    pytest.param(b'{"name": "\\q"}', "line 1, column 11", "a backslash starts an escape", id="bad escape"),
    pytest.param(b'{"name": "\\u12"}', "line 1, column 12", "four hex digits", id="short \\u escape"),
    pytest.param(b'{"name": "x"} {"q": "y"}', "line 1, column 15", "more after", id="two values"),
]


@pytest.mark.parametrize(("body", "where", "words"), BROKEN_BODIES)
def test_a_json_error_says_where_and_what_is_wrong_in_people_s_words_on_every_route(
    body: bytes, where: str, words: str
) -> None:
    found = answers(body)

    assert {answer[:3] for answer in found} == {(400, "invalid_parameter", "body")}, found
    [message] = {answer[3] for answer in found}
    assert message.startswith(f"the request body is not valid JSON at {where}: "), message
    assert words in message, message
    with pytest.raises(json.JSONDecodeError) as parsed:
        json.loads(body)
    assert parsed.value.msg not in message and "(char " not in message  # never the parser's own text


@pytest.mark.parametrize("body", [None, b" \n "], ids=["none", "blank"])
def test_an_empty_body_is_a_400_saying_what_to_send(body: bytes | None) -> None:
    found = answers(body)

    assert {answer[:3] for answer in found} == {(400, "invalid_parameter", "body")}, found
    assert all(answer[3].startswith("the request body is empty: send ") for answer in found), found


def test_a_body_marked_base64_that_is_not_is_a_400_not_a_500() -> None:
    found = answers(None, body="not base64!", isBase64Encoded=True)

    assert {answer[:3] for answer in found} == {(400, "invalid_parameter", "body")}, found


def test_a_lone_surrogate_in_a_text_body_is_a_400_naming_body() -> None:
    found = answers(None, body='{"title": "\ud800"}', isBase64Encoded=False)

    assert {answer[:3] for answer in found} == {(400, "invalid_parameter", "body")}, found
    assert all("UTF-8" in answer[3] for answer in found), found


def body_of(size: int) -> bytes:
    """A JSON object of ``size`` bytes that every route reads and then refuses for its fields."""
    return b'{"unknown_field": "' + b"a" * (size - 21) + b'"}'


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_body_one_byte_over_the_bound_is_refused_and_one_at_it_is_read(method: str, path: str) -> None:
    bound = MAX_BYTES[path]

    over_status, over = call(method, path, body_of(bound + 1))
    at_status, at = call(method, path, body_of(bound))

    assert over_status == 400 and over["message"] == f"the request body is over {bound:,} bytes", over
    assert at_status == 400 and at["parameter"] != "body", at  # read, then refused for its fields


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_the_bound_counts_bytes_not_characters(method: str, path: str) -> None:
    bound = MAX_BYTES[path]
    text = body_of(bound).decode().replace("a", "é", 1)  # as many characters, one byte more

    status, error = call(method, path, None, body=text, isBase64Encoded=False)

    assert status == 400 and error["message"] == f"the request body is over {bound:,} bytes", error


@pytest.mark.parametrize(
    ("coding", "body"),
    [("gzip", gzip.compress(b'{"title": "A"}')), ("br", b'{"title": "A"}'), ("gzip, identity", b"{}")],
    ids=["gzip", "br", "gzip, identity"],
)
def test_a_body_with_a_content_coding_is_a_415_naming_content_encoding(coding: str, body: bytes) -> None:
    # API Gateway passes a compressed body on as it came: read as text, a gzip body was "not
    # UTF-8", and a body labelled br was read as if it were not
    headers = {"content-type": "application/json", "content-encoding": coding}
    found = answers(body, headers=headers)

    assert {answer[:3] for answer in found} == {(415, "unsupported_media_type", "Content-Encoding")}, found
    assert all(f"not {coding}" in answer[3] for answer in found), found


def test_a_body_whose_content_coding_is_identity_is_read() -> None:
    headers = {"content-type": "application/json", "content-encoding": "Identity"}
    found = answers(b'{"unknown_field": 1}', headers=headers)

    assert all(answer[0] == 400 and answer[2] != "body" for answer in found), found


def test_a_byte_order_mark_is_read_past_on_every_route() -> None:
    found = answers(b'\xef\xbb\xbf{"unknown_field": 1}')

    assert all(answer[0] == 400 and answer[2] != "body" for answer in found), found


def test_a_field_given_twice_is_named_in_the_same_words_on_every_route() -> None:
    found = answers(b'{"title": "A", "title": "B"}')

    assert [answer[2] for answer in found] == ["articles[0].title", "articles[0].title", "title", "title"]
    assert all(answer[3] == f"{answer[2]}: given twice; give each field once" for answer in found), found


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"filename": "\\ud800.txt", "title": "\\ud800.txt"}', id="a high surrogate alone"),
        pytest.param(b'{"filename": "a\\udc00.txt", "title": "a\\udc00.txt"}', id="a low surrogate alone"),
        pytest.param(
            b'{"filename": "\\udc00\\ud800.txt", "title": "\\udc00\\ud800"}', id="the pair reversed"
        ),
    ],
)
def test_a_lone_surrogate_escape_is_a_400_naming_its_field_on_every_route(raw: bytes) -> None:
    # JSON lets "\ud800" through as a string no UTF-8 can carry: it would fail the object, the
    # response or the engine's request, wherever the text goes next.
    found = answers(raw)

    assert [answer[:3] for answer in found] == [
        (400, "invalid_parameter", "articles[0].filename"),
        (400, "invalid_parameter", "articles[0].filename"),
        (400, "invalid_parameter", "filename"),
        (400, "invalid_parameter", "filename"),
    ], found
    assert all("surrogate" in answer[3] for answer in found), found


def test_a_surrogate_pair_escape_is_the_character_it_spells() -> None:
    (status, error) = call("POST", "/uploads", b'{"filename": "\\ud83d\\ude00.exe"}')

    assert status == 400 and error["message"].startswith("filename: .exe files are not supported"), error


# The page and its assets read no parameters the API defines (the page's script reads them).
PAGES = {"/", "/web/{name}", "/openapi.json", "/docs"}
PATH_VALUES = {"external_id": "ht-1", "field": "source"}


def test_every_route_refuses_a_parameter_it_does_not_take_naming_it() -> None:
    from archive_search.handlers.write import handler
    from archive_search.search.api import app

    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    routes = [
        (method.upper(), re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m[1], "0" * 32), path))
        for path, item in document["paths"].items()
        if path not in PAGES
        for method in item
    ]
    assert ("DELETE", "/alerts/" + "0" * 32) in routes and ("POST", "/alerts") in routes
    refused = {}
    for method, path in routes:
        event = http_api_event(method, path, "sourse=Dawn", {"content-type": "application/json"}, b"{}")
        result = handler(event, LambdaContext("archive-search-write", 29.0))
        refused[(method, path)] = (result["statusCode"], json.loads(result["body"])["error"]["parameter"])

    assert {route: answer for route, answer in refused.items() if answer != (400, "sourse")} == {}


class _Writer:
    """Stands in for S3: the body was read and validated by then."""

    def put_articles(self, records: list[Any], idempotency_key: str | None, **request: str) -> list[Any]:
        from archive_search.writes.service import Written

        return [
            Written(f"api/articles/{i}.json", "0" * 32, "/ingest/status", False)
            for i, _ in enumerate(records)
        ]

    def presign_upload(self, filename: str, content_type: str, idempotency_key: str | None) -> dict[str, Any]:
        return {"key": filename, "content_type": content_type}


ARTICLE = {"title": "Harbour budget approved", "body": "The council approved it."}


@pytest.mark.parametrize(
    ("method", "path", "body", "accepted"),
    [
        ("POST", "/articles", ARTICLE, True),
        ("POST", "/articles", [ARTICLE, ARTICLE], True),
        ("POST", "/articles", {"articles": [ARTICLE]}, True),
        ("POST", "/articles", {"articles": [ARTICLE], "sent_by": "x"}, False),
        ("PUT", "/articles/by-external-id/ht-1", ARTICLE, True),
        ("POST", "/uploads", {"filename": "a.html"}, True),
        ("POST", "/uploads", {"filename": "a.html", "content_type": "TEXT/HTML"}, True),
        ("POST", "/uploads", {"filename": "a.html", "content_type": "Text/Html; Charset=UTF-8"}, True),
        ("POST", "/uploads", {"filename": "a.html", "content_type": None}, True),
        ("POST", "/uploads", {"filename": "a.html", "content_type": ""}, False),
        ("POST", "/uploads", {"filename": ".."}, False),
        ("POST", "/uploads", {"filename": "a.html "}, False),
        ("POST", "/uploads", {"filename": " a.html"}, False),
        ("POST", "/uploads", {"filename": "a b.html"}, True),
    ],
)
def test_the_openapi_document_states_the_bodies_a_write_route_takes(
    method: str, path: str, body: Any, accepted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema

    from archive_search.search.api import app

    monkeypatch.setattr("archive_search.writes.api._writer", _Writer)
    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True, mode="json")
    template = "/articles/by-external-id/{external_id}" if method == "PUT" else path
    schema = document["paths"][template][method.lower()]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    from archive_search.handlers.write import handler

    event = http_api_event(method, path, "", {"content-type": "application/json"}, json.dumps(body).encode())
    status = handler(event, LambdaContext("archive-search-write", 29.0))["statusCode"]

    assert (status < 400) is accepted, status
    assert jsonschema.Draft202012Validator(schema).is_valid(body) is accepted


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/articles", ARTICLE),
        ("PUT", "/articles/by-external-id/ht-1", ARTICLE),
        ("DELETE", "/articles/by-external-id/ht-1", None),
        ("POST", "/uploads", {"filename": "a.html"}),
    ],
)
def test_a_write_function_without_its_bucket_is_a_configuration_error_not_the_clients(
    method: str, path: str, body: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No request can name the bucket: a 400 would send the client to fix what only the deployment can.
    monkeypatch.delenv("ARCHIVE_BUCKET")
    get_settings.cache_clear()

    status, error = call(method, path, json.dumps(body).encode() if body is not None else None)

    assert (status, error["code"], error["parameter"]) == (500, "configuration_error", None), error


@pytest.mark.parametrize("outcome", ["indexed, rejected", "indexed ,rejected", " indexed"])
def test_status_outcomes_separated_by_a_comma_and_a_space_are_read_as_search_filters_are(
    outcome: str,
) -> None:
    # /search reads source=Dawn, Tribune as two values; the status route's outcome the same way.
    event = http_api_event("GET", "/ingest/status", f"outcome={outcome}", {}, None)
    from archive_search.handlers.write import handler

    result = handler(event, LambdaContext("archive-search-write", 29.0))

    # Past validation: the engine nobody listens on is what answers.
    assert result["statusCode"] == 503, result["body"]


@pytest.mark.parametrize(
    "since",
    [
        "2024-05-01T10:00:00.123456789Z",  # Go's RFC3339Nano, Java's Instant: nanoseconds
        "2024-05-01T10:00:00.1234567+02:00",  # .NET's round-trip format: seven digits
        "2024-05-01t10:00:00z",  # RFC 3339 5.6: T and Z may be lower case
    ],
)
def test_status_since_takes_the_times_other_platforms_write(since: str) -> None:
    from archive_search.handlers.write import handler

    event = http_api_event("GET", "/ingest/status", urlencode({"since": since}), {}, None)
    result = handler(event, LambdaContext("archive-search-write", 29.0))

    # Past validation: the engine nobody listens on is what answers.
    assert result["statusCode"] == 503, result["body"]


@pytest.mark.parametrize("query", ["since=2024-05-01T10:00:00+02:00", "since=2024-05-01 10:00+05:30"])
def test_status_since_whose_plus_a_url_made_a_space_is_a_400_saying_so(query: str) -> None:
    # A + in a query string is a space: the offset arrives as " 02:00", which no pattern names.
    from archive_search.handlers.write import handler

    event = http_api_event("GET", "/ingest/status", query, {}, None)
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    error = json.loads(result["body"])["error"]

    assert result["statusCode"] == 400
    assert error["parameter"] == "since"
    assert "%2B" in error["message"], error


# Every route that reads an Idempotency-Key, with a body it takes.
KEYED_ROUTES = [
    ("POST", "/articles", {"title": "Ferry", "body": "The ferry sails at noon."}),
    ("PUT", "/articles/by-external-id/ferry-1", {"title": "Ferry", "body": "The ferry sails at noon."}),
    ("DELETE", "/articles/by-external-id/ferry-1", None),
    ("DELETE", "/articles/" + "0" * 32, None),
    ("POST", "/uploads", {"filename": "ferry.html"}),
    ("POST", "/alerts", {"name": "Ferries", "q": "ferry"}),
]


@pytest.mark.parametrize(("method", "path", "body"), KEYED_ROUTES)
def test_an_idempotency_key_with_a_comma_is_a_400_saying_the_header_came_twice(
    method: str, path: str, body: dict[str, Any] | None
) -> None:
    """API Gateway joins a header sent twice with a comma: two keys would arrive as one "a,b",
    a key neither request sent. Refused, with why, before anything is written."""
    from archive_search.handlers.write import handler

    event = http_api_event(
        method,
        path,
        "",
        {"content-type": "application/json", "idempotency-key": "order-1,order-2"},
        json.dumps(body).encode() if body is not None else None,
    )
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    error = json.loads(result["body"])["error"]

    assert result["statusCode"] == 400, error
    assert error["parameter"] == "Idempotency-Key"
    assert "comma" in error["message"] and "once" in error["message"]


@pytest.mark.parametrize(("method", "path", "body"), KEYED_ROUTES)
@pytest.mark.parametrize(
    ("key", "accepted"),
    [("order-1", True), ("k" * 255, True), ("a,b", False), ("", False), ("k" * 256, False), ("a b", False)],
)
def test_the_openapi_document_states_the_idempotency_key_each_route_reads(
    method: str, path: str, body: dict[str, Any] | None, key: str, accepted: bool
) -> None:
    """A client generated from the document sends the header, and learns which keys are taken:
    the document's schema and the handler agree on every key."""
    import jsonschema

    from archive_search.handlers.write import handler
    from archive_search.search.api import app

    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True, mode="json")
    template = re.sub(r"/ferry-1$", "/{external_id}", re.sub(r"/0{32}$", "/{article_id}", path))
    (declared,) = [
        parameter
        for parameter in document["paths"][template][method.lower()].get("parameters", [])
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    ]
    event = http_api_event(
        method,
        path,
        "",
        {"content-type": "application/json", "idempotency-key": key},
        json.dumps(body).encode() if body is not None else None,
    )
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    refused = (
        result["statusCode"] == 400 and json.loads(result["body"])["error"]["parameter"] == "Idempotency-Key"
    )

    assert declared["required"] is False
    assert jsonschema.Draft202012Validator(declared["schema"]).is_valid(key) is accepted
    assert refused is not accepted, result["body"]


@pytest.mark.parametrize(("method", "path", "body"), KEYED_ROUTES)
def test_an_empty_idempotency_key_is_a_400_saying_it_is_empty(
    method: str, path: str, body: dict[str, Any] | None
) -> None:
    """As an empty query parameter is: a client whose key variable was unset learns that, not
    that its key has the wrong characters."""
    from archive_search.handlers.write import handler

    event = http_api_event(
        method,
        path,
        "",
        {"content-type": "application/json", "idempotency-key": ""},
        json.dumps(body).encode() if body is not None else None,
    )
    result = handler(event, LambdaContext("archive-search-write", 29.0))
    error = json.loads(result["body"])["error"]

    assert result["statusCode"] == 400 and error["parameter"] == "Idempotency-Key", error
    assert "empty" in error["message"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/articles", {"body": "The ferry sails.", "source": ""}, "articles[0].source"),
        ("/articles", {"body": "The ferry sails.", "language": ""}, "articles[0].language"),
        ("/articles", {"body": "The ferry sails.", "url": ""}, "articles[0].url"),
        ("/articles", {"body": "The ferry sails.", "tags": ["harbour", ""]}, "articles[0].tags[1]"),
        ("/alerts", {"name": "", "q": "ferry"}, "name"),
        ("/alerts", {"name": "Ferries", "q": "ferry", "from": ""}, "from"),
        ("/alerts", {"name": "Ferries", "q": "ferry", "target": ""}, "target"),
    ],
)
def test_a_body_field_given_empty_is_a_400_saying_it_is_empty(
    path: str, body: dict[str, Any], field: str
) -> None:
    """As a query parameter given empty is: said as such, not as a pattern the client must read
    ('^[A-Za-z]{2,3}...') or the type's complaint; a list item is named as the other paths are."""
    status, error = call("POST", path, json.dumps(body).encode())

    assert status == 400 and error["parameter"] == field, error
    assert error["message"].startswith(f"{field}: the value is empty"), error["message"]
    assert "^" not in error["message"]
    assert ("leave name out" in error["message"]) is False  # a required field cannot be left out


@pytest.mark.parametrize("value", ["yes", "on", "true", 1, 0, "1", [True]])
def test_an_alert_has_date_takes_only_json_true_false_or_null(value: Any) -> None:
    """As the query parameter: pydantic's loose booleans ("yes", "on", 1) are a 400 naming the
    field, said as /search says it, not stored as true."""
    body = {"name": "Dated ferries", "q": "ferry", "has_date": value}
    status, error = call("POST", "/alerts", json.dumps(body).encode())

    assert status == 400 and error["parameter"] == "has_date", error
    assert error["message"] == "has_date: must be JSON true, false or null", error["message"]


@pytest.mark.parametrize(
    ("filename", "says"),
    [
        ("a\u0000b.txt", "a control character"),
        ("a\nb.txt", "a control character"),
        ("..", "not . or .."),
        ("a/b.txt", "without / or \\"),
        ("a" * 197 + ".txt", "1 to 200 characters"),
    ],
    ids=["NUL", "line break", "dot dot", "slash", "201 characters"],
)
def test_a_filename_post_uploads_refuses_is_a_400_naming_what_is_wrong_with_it(
    filename: str, says: str
) -> None:
    status, error = call("POST", "/uploads", json.dumps({"filename": filename}).encode())

    assert (status, error["parameter"]) == (400, "filename"), error
    assert says in error["message"], error
