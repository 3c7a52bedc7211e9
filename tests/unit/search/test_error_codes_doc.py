"""docs/api.md names every route the API serves and every error code it answers with."""

from __future__ import annotations

import re

import pytest

from archive_search import errors
from tests.conftest import ROOT

pytestmark = pytest.mark.unit

# RejectedInput is ingest's (a receipt's reason), never an HTTP answer.
NOT_HTTP = {errors.RejectedInput}


def _codes_answered() -> set[str]:
    classes, pending = set(), [errors.ArchiveSearchError]
    while pending:
        cls = pending.pop()
        classes.add(cls)
        pending.extend(cls.__subclasses__())
    # A method a path does not route is answered by the one error mapping (search/api.py).
    return {cls.code for cls in classes - NOT_HTTP} | {"method_not_allowed"}


def test_every_error_code_the_api_answers_is_in_the_errors_table() -> None:
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    tabled = set(re.findall(r"^\| \d{3} \| `(\w+)` \|", section, flags=re.M))

    assert _codes_answered() - tabled == set()


def test_the_endpoint_table_names_every_route_of_the_openapi_document() -> None:
    from archive_search.search.api import app

    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    routes = {
        _route(f"{method.upper()} {path}") for path, item in document["paths"].items() for method in item
    }
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = doc.split("\n## ", 1)[0]
    named = {_route(route) for route in re.findall(r"`((?:GET|POST|PUT|DELETE) /[^`]*)`", table)}

    # The page and its assets are the web page's (docs/web.md), not the API's.
    assert routes - named - {"GET /", "GET /web/{}"} == set()


def _route(route: str) -> str:
    """``GET /articles/{article_id}?x=`` -> ``GET /articles/{}``: the path, whatever its
    parameters are called."""
    return re.sub(r"\{\w+\}", "{}", route.split("?")[0])


def test_every_reference_in_the_openapi_document_leads_somewhere_in_it() -> None:
    """A $ref resolves from the document's root: a schema pasted with its own $defs leaves
    "#/$defs/..." pointing nowhere, and client generators and validators stop there."""
    from archive_search.search.api import app

    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True, mode="json")

    def refs(node: object, where: str) -> list[tuple[str, str]]:
        if isinstance(node, dict):
            found = [(where, node["$ref"])] if isinstance(node.get("$ref"), str) else []
            return found + [ref for key, value in node.items() for ref in refs(value, f"{where}/{key}")]
        if isinstance(node, list):
            return [ref for index, value in enumerate(node) for ref in refs(value, f"{where}/{index}")]
        return []

    def leads_somewhere(ref: str) -> bool:
        node: object = document
        for part in ref.removeprefix("#/").split("/"):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return ref.startswith("#/")

    found = refs(document, "")
    assert found
    assert [(where, ref) for where, ref in found if not leads_somewhere(ref)] == []


def _responses() -> list[tuple[str, str, dict]]:
    from archive_search.search.api import app

    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True, mode="json")
    return [
        (f"{method.upper()} {path}", code, response)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for code, response in operation["responses"].items()
    ]


def test_every_error_the_document_states_has_the_error_shape() -> None:
    """Every 4xx and 5xx body is {"error": {...}}: the document says so for each, 415 included."""
    shapes = {
        (route, code): response.get("content", {}).get("application/json", {}).get("schema")
        for route, code, response in _responses()
        # /health's 503 is its report, degraded (docs/api-contract.md), not an error.
        if code.startswith(("4", "5")) and (route, code) != ("GET /health", "503")
    }

    assert shapes
    assert {
        key: shape for key, shape in shapes.items() if shape != {"$ref": "#/components/schemas/ErrorResponse"}
    } == {}


def test_a_204_the_document_states_has_no_body() -> None:
    no_content = [(route, response) for route, code, response in _responses() if code == "204"]

    assert no_content
    assert [route for route, response in no_content if "content" in response] == []
