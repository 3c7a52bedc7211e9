"""docs/integration.md's table of who may write names every route the write function serves."""

from __future__ import annotations

import re

import pytest

from archive_local.stack import WRITE_ROUTES
from archive_search.writes.records import MAX_BODY_CHARS, MAX_TEXT_CHARS
from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def test_the_write_routes_column_names_every_write_route() -> None:
    doc = (ROOT / "docs" / "integration.md").read_text(encoding="utf-8")
    header = doc.split("\n## Who may write\n", 1)[1].strip().splitlines()[0]
    named = {
        (method, re.sub(r"\{\w+\}", "[^/]+", path))
        for method, path in re.findall(r"`(GET|POST|PUT|DELETE) (/[^`]*)`", header)
    }

    assert set(WRITE_ROUTES) - named == set()


def test_the_article_table_states_the_bounds_the_write_api_enforces() -> None:
    doc = (ROOT / "docs" / "integration.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `body` or `html` |"))
    plain, html = row.split("HTML", 1)

    assert f"at most {MAX_BODY_CHARS:,} characters" in plain
    assert f"at most {MAX_TEXT_CHARS:,} characters" in html
