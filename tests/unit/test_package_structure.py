"""The package's shape: no import cycles, and a pinned public surface for what others import.

httpx's tests/test_exported_members.py is the model: a name leaves or joins ``__all__`` on
purpose, and the benchmarks and tests use the names listed there.
"""

from __future__ import annotations

import ast
import importlib
import itertools
from pathlib import Path

import pytest

import archive_search

pytestmark = pytest.mark.unit

PACKAGE = Path(archive_search.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``name`` imports, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        else:
            continue
        out.update(t for t in targets if t in modules and t != name)
    return out


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = []

    def visit(node: str, trail: list[str], done: set[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in trail:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*trail, nxt], done)
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name], done)
    # A package's __init__ importing its own submodules is how it re-exports them, not a cycle.
    real = [
        c
        for c in cycles
        if not all(a.startswith(b + ".") or b.startswith(a + ".") for a, b in itertools.pairwise(c))
    ]
    assert real == []


@pytest.mark.parametrize(
    ("module", "exported"),
    [
        (
            "archive_search.cleaning",
            {
                "CLEANER_VERSION",
                "DEFAULT_MAX_DECOMPRESSED_BYTES",
                "MAX_ARTICLES_PER_FILE",
                "MAX_BODY_CHARS",
                "MAX_INPUT_BYTES",
                "Cleaned",
                "LineStats",
                "clean",
                "cleaner_version",
                "detect_format",
                "max_input_bytes",
                "reads_line_stats",
                "rejection_for_failure",
                "skipped_in",
                "text_dump_lines",
            },
        ),
        (
            "archive_search.cleaning.lines",
            {
                "MIN_DOCUMENTS",
                "THRESHOLD",
                "LineMemo",
                "LineStats",
                "Trees",
                "Weights",
                "feature_count",
                "keep_mask",
                "line_features",
                "line_keys",
                "line_lengths",
                "scores",
                "shipped_trees",
                "shipped_weights",
                "stage1_scores",
                "stage2_features",
                "stage2_inputs",
                "write_trees",
                "write_weights",
            },
        ),
    ],
)
def test_exported_members_are_the_public_surface(module: str, exported: set[str]) -> None:
    imported = importlib.import_module(module)

    assert set(imported.__all__) == exported
    for name in imported.__all__:
        member = getattr(imported, name)
        assert not getattr(member, "__name__", name).startswith("_"), name


def test_every_data_file_of_the_package_is_declared_as_package_data() -> None:
    """A data file the code reads but pyproject.toml does not declare is missing from an
    installed wheel (the editable install and the tests would never notice)."""
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["archive_search"]
    declared = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    data = {
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert data, "no data file found: the check would prove nothing"
    assert sorted(str(p.relative_to(PACKAGE)) for p in data - declared) == []


# Bounds that several layers enforce (ingest, the write API, the read routes): one definition
# each, imported where used, so the layers cannot drift apart.
SHARED_BOUNDS = ("MAX_BODY_CHARS", "MAX_CURSOR_CHARS")


@pytest.mark.parametrize("bound", SHARED_BOUNDS)
def test_each_shared_bound_is_defined_in_one_module(bound: str) -> None:
    defined_in = sorted(
        name
        for name, path in _modules().items()
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id == bound
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    )
    assert len(defined_in) == 1, f"{bound} is defined in {defined_in}"
