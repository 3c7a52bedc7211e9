"""The OpenAPI document declares the shape of an article id (model.document_id: 32 lower-case
hex digits); an id of another shape is still a 404, no article, not a 400."""

from __future__ import annotations

import json
import re

import pytest

from archive_search.model import ObjectRef, document_id
from tests.unit.search.offline import answer_of, no_engine  # noqa: F401  (the fixture)

pytestmark = pytest.mark.unit


def id_schema(path: str) -> dict:
    from archive_search.search.api import app

    document = json.loads(app.get_openapi_json_schema())
    (parameter,) = [p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "path"]
    return parameter["schema"]


@pytest.mark.parametrize("path", ["/articles/{article_id}", "/articles/{article_id}/similar"])
def test_the_document_declares_the_id_shape_ingest_makes(path: str) -> None:
    pattern = id_schema(path)["pattern"]
    made = [
        document_id(ObjectRef("archive", key), ordinal) for key in ("a.txt", "b/c.html") for ordinal in (0, 3)
    ]

    assert all(re.fullmatch(pattern, made_id) for made_id in made), (pattern, made)
    assert not re.fullmatch(pattern, "nope")
    assert not re.fullmatch(pattern, made[0].upper())


@pytest.mark.parametrize("path", ["/articles/{}", "/articles/{}/similar"])
def test_an_id_of_another_shape_is_still_a_404(path: str) -> None:
    status, body = answer_of(path.format("not-an-id!"))

    assert status == 404, body
    assert body["error"]["code"] == "not_found"
