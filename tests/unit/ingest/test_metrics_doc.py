"""docs/ingest.md's metrics table names every metric the ingest modules emit, and only those:
a metric nobody can look up is a metric nobody watches."""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit

INGEST = ROOT / "functions" / "archive_search" / "ingest"
DOC = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")


def _names(expression: ast.expr, tables: dict[str, ast.expr]) -> set[str]:
    """The metric names an ``add_metric(name=...)`` argument can take: its string constants, or
    the values of the module-level table it indexes."""
    if isinstance(expression, ast.Subscript) and isinstance(expression.value, ast.Name):
        table = tables[expression.value.id]
        assert isinstance(table, ast.Dict)
        return {v.value for v in table.values if isinstance(v, ast.Constant)}
    return {n.value for n in ast.walk(expression) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def emitted_metrics() -> set[str]:
    names: set[str] = set()
    for path in sorted(INGEST.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tables = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_metric":
                names |= {n for k in node.keywords if k.arg == "name" for n in _names(k.value, tables)}
    return names


def documented_metrics() -> set[str]:
    assert "\n## Metrics\n" in DOC, "docs/ingest.md has no ## Metrics section"
    section = DOC.split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
    return {
        m
        for row in section.splitlines()
        if row.startswith("| `")
        for m in re.findall(r"`(\w+)`", row.split("|")[1])
    }


def test_the_ingest_metrics_table_lists_exactly_the_metrics_ingest_emits() -> None:
    emitted = emitted_metrics()
    assert {"RedeliveredEvents", "UploadsIndexed", "FolderKeysIgnored"} <= emitted, "the scan finds nothing"
    assert sorted(emitted - documented_metrics()) == [], "emitted, not in docs/ingest.md ## Metrics"
    assert sorted(documented_metrics() - emitted) == [], "in docs/ingest.md ## Metrics, never emitted"
