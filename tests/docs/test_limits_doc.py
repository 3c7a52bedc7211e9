"""The search limits docs/api.md states are the ones the code enforces: each row of its Limits
table quotes the constants and the OpenAPI document's bounds, so a changed bound fails here
until the page says it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from archive_search.search import query, syntax
from archive_search.search.api import app
from archive_search.search.cursor import MAX_CURSOR_CHARS
from archive_search.search.request import MAX_RESULT_WINDOW
from archive_search.search.routes import MAX_ENGINE_TIMEOUT_MS, MAX_FILTER_VALUES
from archive_search.settings import Settings
from tests.docs.commands import ROOT

pytestmark = pytest.mark.unit


def _limits_rows() -> dict[str, str]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| (.+?) \| (.+) \|$", section, re.M))


def _parameter(path: str, name: str) -> dict[str, Any]:
    document = app.get_openapi_schema().model_dump(by_alias=True, exclude_none=True)
    (parameter,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema: dict[str, Any] = parameter["schema"]
    # An optional parameter's bounds sit on the non-null branch of its anyOf.
    return next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), schema)


def _expected() -> dict[str, list[str]]:
    filter_schema = _parameter("/search", "source")
    return {
        "`q`": [
            f"{_parameter('/search', 'q')['maxLength']} characters",
            f"{syntax.MAX_QUERY_CHARS} characters",
            f"{syntax.MAX_QUERY_TERMS} words",
            f"brackets {syntax.MAX_QUERY_DEPTH} deep",
            f"at most {query.PREFIX_EXPANSIONS} words",
            f"typos to {query.FUZZY_EXPANSIONS}",
            f"over {query.MAX_FUZZY_CHARS} characters",
        ],
        "`size`": [f"1–{_parameter('/search', 'size')['maximum']:g} hits", f"≤ {MAX_RESULT_WINDOW:,}"],
        "filters": [
            f"at most {MAX_FILTER_VALUES} values",
            f"at most {filter_schema['maxItems']} values",
            f"{filter_schema['items']['maxLength']} characters each",
        ],
        "`facet_size`": [
            f"1–{_parameter('/search', 'facet_size')['maximum']:g} values per facet",
            f"`size` 1–{_parameter('/facets/{field}', 'size')['maximum']:g}",
            f"`prefix` ≤ {_parameter('/facets/{field}', 'prefix')['maxLength']} characters",
            f"at most {query.PREFIX_EXPANSIONS} indexed words",
        ],
        "`cursor`": [
            f"≤ {MAX_CURSOR_CHARS:,} characters",
            f"≤ {_parameter('/search', 'cursor')['maxLength']:,} characters",
        ],
        "engine time per request": [
            f"default {Settings.search_timeout_ms // 1000} s",
            f"never more than {MAX_ENGINE_TIMEOUT_MS // 1000} s",
        ],
    }


@pytest.mark.parametrize("limit", list(_expected()))
def test_the_limits_table_states_the_bounds_the_code_enforces(limit: str) -> None:
    row = _limits_rows()[limit]
    assert [phrase for phrase in _expected()[limit] if phrase not in row] == []
