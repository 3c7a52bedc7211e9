"""What every route shares: the JSON body, the headers, the refusal of parameters the route
does not take, and the documented error responses."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from aws_lambda_powertools.event_handler import Response, content_types

from archive_search.errors import InvalidRequest, UnsupportedMediaType
from archive_search.json_twice import TwiceNoted, dotted, first_given_twice, given_twice_message
from archive_search.json_words import json_error_words
from archive_search.search.bounds import check_response_size

# Surrogate code points: in a str only from a JSON \u escape of half a pair (a whole pair is
# decoded into the one character it spells).
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# Every response, documents included: never sniffed as another type, never cached by a proxy.
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    check_response_size(text)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=text,
        headers={**SAFE_HEADERS, **(headers or {})},
    )


def base_path(event: Any) -> str:
    """What API Gateway put before the route (a named stage: ``/prod``), which Powertools strips
    to route: a link or ``Location`` the API gives out keeps it, or it leads out of the API."""
    raw, routed = event.raw_path, event.path
    return raw[: len(raw) - len(routed)] if raw.endswith(routed) else ""


JSON_MEDIA_TYPE = content_types.APPLICATION_JSON


def require_json_body(headers: Mapping[str, str]) -> None:
    """A route that reads a JSON body refuses a body declared as another media type (a form, text)
    with a 415 naming the one it takes; no Content-Type is read as JSON. So is a body sent with
    a content coding (RFC 9110 15.5.16): API Gateway passes it on compressed, and a body
    read as if it were not is either refused for a wrong reason or read as what it is not."""
    declared = (headers.get("content-type") or JSON_MEDIA_TYPE).split(";")[0].strip().lower()
    if declared != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType(f"send the body as {JSON_MEDIA_TYPE}, not {declared}", "Content-Type")
    coding = (headers.get("content-encoding") or "identity").strip()
    if coding.lower() != "identity":
        raise UnsupportedMediaType(f"send the body uncompressed, not {coding}", "Content-Encoding")


MAX_IDEMPOTENCY_KEY_CHARS = 255
_IDEMPOTENCY_KEY_RE = re.compile(rf"^[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY_CHARS}}}$")
# The header as the OpenAPI document declares it on every route that reads it (a route's
# ``documented`` details, "parameters"), so a generated client sends it: the keys
# ``idempotency_key`` takes, visible ASCII but the comma.
IDEMPOTENCY_KEY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Names the request: a retry with the same key is not done twice; 409 for another request",
    "schema": {"type": "string", "pattern": rf"^[\x21-\x2b\x2d-\x7e]{{1,{MAX_IDEMPOTENCY_KEY_CHARS}}}$"},
}


def idempotency_key(headers: Mapping[str, str]) -> str | None:
    """The request's Idempotency-Key header (a retry of a POST sends it again), checked the same
    way on every route that reads one: 1 to 255 visible ASCII characters but the comma;
    ``None`` when there is none."""
    value = headers.get("idempotency-key")
    if value == "":
        raise InvalidRequest(
            "Idempotency-Key is empty: send a key, or leave the header out", "Idempotency-Key"
        )
    if value is not None and "," in value:
        # API Gateway joins a header sent twice with a comma: "a,b" is two keys, not one.
        raise InvalidRequest(
            "Idempotency-Key holds a comma: the header was sent more than once (API Gateway joins "
            "repeated headers with commas), or the key has one; send the header once, with a key "
            "without commas",
            "Idempotency-Key",
        )
    if value is not None and not _IDEMPOTENCY_KEY_RE.match(value):
        raise InvalidRequest(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} visible ASCII characters",
            "Idempotency-Key",
        )
    return value


class FieldGivenTwice(ValueError):
    """A JSON object of a request body names one field twice; ``path`` leads to it (object keys
    and list indices, the field last)."""

    def __init__(self, path: list[str | int]) -> None:
        super().__init__(f"{dotted(path)}: given twice")
        self.path = path


def load_request_json(raw: str | bytes) -> Any:
    """``json.loads`` of a request body, strict as the rest of the request: an object that gives
    a field twice is ``FieldGivenTwice`` (json.loads keeps the last in silence, so the client's
    other value would be lost without a word). Other errors as ``json.loads`` raises them."""
    noted = TwiceNoted()
    data = json.loads(raw, object_pairs_hook=noted)
    if noted.seen:
        raise FieldGivenTwice(first_given_twice(data) or [])
    return data


def read_json_body(
    event: Any,
    *,
    max_bytes: int,
    expected: str,
    where: Callable[[list[str | int]], str] | None = None,
) -> Any:
    """The JSON body of a request, read the same way by every route that takes one, so the
    same bad body gets the same answer on each: 415 for another declared media type (see
    ``require_json_body``); a 400 naming ``body`` when it is empty (``expected`` says what to
    send), over ``max_bytes`` bytes (checked before it is decoded or parsed), not UTF-8 (RFC
    8259 8.1; a byte order mark is ignored), or not JSON, nesting deeper than the parser allows
    included; a field given twice is a 400 naming it, where ``where`` (default ``dotted``) puts
    its JSON path in the route's own names."""
    require_json_body(event.headers)
    raw: str = event.body or ""
    if event.is_base64_encoded:
        # Four base64 characters carry three bytes: a body surely too large is not decoded.
        if len(raw) > (max_bytes + 2) // 3 * 4 + 4:
            raise _too_large(max_bytes)
        try:
            data = base64.b64decode(raw, validate=True)
        except binascii.Error:
            raise InvalidRequest("the request body is marked base64 but is not base64", "body") from None
    else:
        data = raw.encode("utf-8", "surrogatepass")  # a lone surrogate fails the decoding below
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InvalidRequest(
            "the request body is not UTF-8 text: send JSON encoded as UTF-8", "body"
        ) from None
    if not text.strip():
        raise InvalidRequest(f"the request body is empty: send {expected}", "body")
    try:
        data = load_request_json(text)
    except FieldGivenTwice as twice:
        field = (where or dotted)(twice.path)
        raise InvalidRequest(given_twice_message(field), field) from None
    except json.JSONDecodeError as err:
        raise InvalidRequest(f"the request body is {json_error_words(err)}", "body") from None
    except ValueError:  # json.loads' own: a number past Python's 4,300 digits
        raise InvalidRequest(
            "the request body is not valid JSON: a number too long to read", "body"
        ) from None
    except RecursionError:
        raise InvalidRequest("the request body is not valid JSON: nested too deeply", "body") from None
    lone = _lone_surrogate(data)
    if lone is not None:
        field = (where or dotted)(lone) if lone else "body"
        raise InvalidRequest(
            f"{field}: a \\u escape of half a surrogate pair, which is no character: send the text as UTF-8",
            field,
        )
    return data


def _lone_surrogate(data: Any) -> list[str | int] | None:
    """The path to the first string (or object key) holding a lone surrogate, which JSON's
    ``\\ud800`` escape lets through and no UTF-8 can carry (the object, the response or the
    engine's request would fail with it); ``None`` when there is none. Iterative: the parser
    took nesting as deep as the stack allows."""
    pending: list[tuple[list[str | int], Any]] = [([], data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE_RE.search(value):
                return path
        elif isinstance(value, dict):
            for key in value:
                if _SURROGATE_RE.search(key):
                    return [*path, key]
            pending.extend(reversed([([*path, key], child) for key, child in value.items()]))
        elif isinstance(value, list):
            pending.extend(reversed([([*path, index], child) for index, child in enumerate(value)]))
    return None


def _too_large(max_bytes: int) -> InvalidRequest:
    return InvalidRequest(f"the request body is over {max_bytes:,} bytes", "body")


# What from and to take (search/request.py's DATE_PATTERN), said in a 400.
DATE_FORMS = "a date written YYYY-MM-DD, a month (YYYY-MM) or a year (YYYY)"
# What an empty value of each type should have been, by pydantic's error type, and what the
# parameters and fields whose type (a string of a pattern or of any text) does not say it take:
# the words a 400 says instead of the regular expression that checks them.
_EXPECTED_BY_TYPE = {"int_parsing": "a whole number", "bool_parsing": "true or false"}
_EXPECTED_BY_NAME = {
    "from": DATE_FORMS,
    "to": DATE_FORMS,
    "cursor": "the next_cursor of the previous response",
    "since": "an ISO 8601 date or time (2026-12-08, 2026-12-08T09:30:00Z, 2026-12-08T10:30+01:00)",
    "external_id": "1 to 200 letters, digits, '.', '_', ':' or '-', the first a letter or digit",
    "url": "an http:// or https:// link, without spaces",
    "language": "a language tag (en, en-GB, pt_BR, fil)",
}


def empty_value(name: str, error: Mapping[str, Any], *, required: bool = False) -> str | None:
    """Why a parameter or field given empty (``facets=``, ``"source": ""``: a form's empty field,
    an unset variable) is refused, said as such rather than as the type's complaint or a pattern;
    ``None`` when the pydantic ``error``'s input is not empty. ``name``: as the client wrote it;
    ``required``: it cannot be left out instead."""
    if error.get("input") != "":
        return None
    expected = _EXPECTED_BY_NAME.get(name) or error.get("ctx", {}).get("expected")  # an enum's values
    expected = expected or _EXPECTED_BY_TYPE.get(str(error.get("type")), "a value")
    return f"the value is empty: give {expected}" + ("" if required else f", or leave {name} out")


def pattern_mismatch(name: str, error: Mapping[str, Any]) -> str | None:
    """Why a value not of its parameter's or field's shape is refused, said in words
    (``_EXPECTED_BY_NAME``) rather than as the regular expression pydantic quotes; ``None`` for
    any other error."""
    expected = _EXPECTED_BY_NAME.get(name)
    if error.get("type") != "string_pattern_mismatch" or not expected:
        return None
    return f"must be {expected}"


def _not_utf8(raw_query: str) -> InvalidRequest | None:
    """The error for the first parameter of a raw query string whose percent-escapes are not
    UTF-8 (``q=%FF``), or None. Decoded, they would be U+FFFD: a silently different request."""
    for pair in raw_query.split("&"):
        raw_name, _, raw_value = pair.partition("=")
        try:
            name = unquote_to_bytes(raw_name.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            return InvalidRequest("a parameter name is not UTF-8: percent-encode the UTF-8 bytes of text")
        try:
            unquote_to_bytes(raw_value.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            return InvalidRequest(f"{name}: not UTF-8: percent-encode the UTF-8 bytes of text", name)
    return None


def reject_unknown_parameters(app: Any, next_middleware: Any) -> Response:
    """A misspelt parameter (``sourse=Dawn``) is an error, not a silently wider search; so is
    a value whose bytes are not UTF-8."""
    undecodable = _not_utf8(app.current_event.raw_query_string or "")
    if undecodable:
        raise undecodable
    route = app.context["_route"]
    allowed = {param.alias for param in route.dependant.query_params}
    for name in app.current_event.query_string_parameters or {}:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            if not name:
                raise InvalidRequest(f"a parameter without a name (=…): this endpoint takes {known}")
            raise InvalidRequest(f"unknown parameter {name} (this endpoint takes: {known})", name)
    return next_middleware(app)


def reject_body(app: Any, next_middleware: Any) -> Response:
    """A route that takes no body refuses one (a 400 naming ``body``): what a client sends there
    would be dropped without a word, as a misspelt parameter would. An empty body is none."""
    if app.current_event.body:
        raise InvalidRequest("this request takes no body: send it without one", "body")
    return next_middleware(app)


# What a route's OpenAPI operation says beyond its parameters (responses, request body) is built
# with the document: the response models and JSON schemas only document (every route returns a
# Response), so a cold start builds none of them and requests never validate against them. The
# route carries a key to its details as an OpenAPI extension until the document is built.
_DETAILS_KEY = "x-archive-search-details"
_DETAILS: dict[str, Callable[[], dict[str, Any]]] = {}
REF_TEMPLATE = "#/components/schemas/{model}"


def documented(details: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A route's ``openapi_extensions`` whose ``responses`` and other operation fields (the keys
    ``details()`` returns: ``responses``, ``openapi_extensions``, and ``parameters`` added to the
    route's own) are filled in by ``complete_document``. Response content may name a pydantic
    ``model``, as in Powertools."""
    key = str(len(_DETAILS))
    _DETAILS[key] = details
    return {_DETAILS_KEY: key}


def complete_document(document: dict[str, Any], common: dict[int, Any]) -> None:
    """Fill in the OpenAPI ``document`` (a dict): each ``documented`` route's details, and
    ``common`` responses for every operation that documents no 400 of its own; the models
    they name become component schemas."""
    operations = [
        operation
        for path_item in document.get("paths", {}).values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]
    # Each operation with what its route's details() returns ({} for an undocumented route).
    described = [(op, _DETAILS[op.pop(_DETAILS_KEY)]() if _DETAILS_KEY in op else {}) for op in operations]
    models = {
        payload["model"]
        for responses in [common, *(details.get("responses", {}) for _, details in described)]
        for response in responses.values()
        for payload in response.get("content", {}).values()
        if "model" in payload
    }
    from pydantic.json_schema import models_json_schema  # deferred: documentation only

    refs, definitions = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda model: model.__name__)],
        ref_template=REF_TEMPLATE,
    )

    def with_schemas(code: int, response: dict[str, Any]) -> dict[str, Any]:
        if code == 204:  # No Content: no body to describe
            return {key: value for key, value in response.items() if key != "content"}
        if "content" not in response:  # as Powertools documents one: a JSON body
            return {**response, "content": {content_types.APPLICATION_JSON: {}}}
        content = {
            media: {key: value for key, value in payload.items() if key != "model"}
            | ({"schema": refs[(payload["model"], "serialization")]} if "model" in payload else {})
            for media, payload in response["content"].items()
        }
        return {**response, "content": content}

    for operation, details in described:
        if "responses" in details:
            operation["responses"] = {
                str(code): with_schemas(int(code), spec) for code, spec in details["responses"].items()
            }
        operation.update(details.get("openapi_extensions") or {})
        if "parameters" in details:
            operation["parameters"] = [*operation.get("parameters", []), *details["parameters"]]
        if "400" not in operation["responses"]:
            for code, spec in common.items():
                operation["responses"].setdefault(str(code), with_schemas(code, spec))
    schemas = {**document.setdefault("components", {}).get("schemas", {}), **definitions.get("$defs", {})}
    document["components"]["schemas"] = dict(sorted(schemas.items()))


def error_responses(*codes: int) -> dict[int, Any]:
    descriptions = {
        400: "A parameter is invalid (the error names it)",
        404: "No such article or route",
        409: "The archive's state refuses the write (the error says why)",
        415: f"The body is not {JSON_MEDIA_TYPE} (by its Content-Type), or is compressed (Content-Encoding)",
        503: "The search engine or the archive's storage is unreachable or timed out (the message says which); retry later",
    }
    from archive_search.search.models import ErrorResponse  # deferred: documentation only

    return {
        code: {
            "description": descriptions[code],
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for code in codes
    }


def ok_response(model: Any, description: str, status: int = 200) -> dict[int, Any]:
    return {
        status: {"description": description, "content": {content_types.APPLICATION_JSON: {"model": model}}}
    }
