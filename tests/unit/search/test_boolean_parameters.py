"""A boolean query parameter takes ``true`` or ``false`` (any case) and nothing else: pydantic's
loose reading (``yes``, ``on``, ``1``, ``t``, ``y``) is refused with a 400 naming the parameter,
as docs/api.md says. Refused before the engine is asked, so no server runs here."""

from __future__ import annotations

import json

import pytest

from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit

BOOLEAN_PARAMETERS = [
    ("/search", "has_date"),
    ("/search", "collapse"),
    ("/feed", "has_date"),
    ("/feed", "collapse"),
]


@pytest.mark.parametrize(("path", "parameter"), BOOLEAN_PARAMETERS)
@pytest.mark.parametrize("value", ["yes", "no", "on", "off", "1", "0", "t", "f", "y", "n", "truthy"])
def test_a_boolean_parameter_refuses_anything_but_true_or_false(
    path: str, parameter: str, value: str
) -> None:
    status, body = answer_of(path, f"{parameter}={value}")

    assert status == 400, body
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"] == f"{parameter}: must be true or false", body["error"]["message"]


@pytest.mark.parametrize(("path", "parameter"), BOOLEAN_PARAMETERS)
@pytest.mark.parametrize("value", ["true", "false", "TRUE", "False"])
def test_a_boolean_parameter_takes_true_or_false_in_any_case(path: str, parameter: str, value: str) -> None:
    # Accepted, so the request reaches the (absent) engine: 503, not a 400.
    status, body = answer_of(path, f"{parameter}={value}")

    assert status == 503, body


def test_the_openapi_document_says_boolean_parameters_take_true_or_false() -> None:
    from archive_search.search.api import app

    document = json.loads(app.get_openapi_json_schema())
    parameters = {p["name"]: p for p in document["paths"]["/search"]["get"]["parameters"]}
    for name in ("has_date", "collapse"):
        assert "true or false" in parameters[name]["description"], parameters[name]
        schemas = parameters[name]["schema"].get("anyOf", [parameters[name]["schema"]])
        assert {"type": "boolean"} in [{"type": s.get("type")} for s in schemas], parameters[name]
