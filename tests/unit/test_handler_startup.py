"""The handlers load their modules with the garbage collector off, then freeze what the
imports made and switch the collector back on (handlers/startup.py)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from archive_search.handlers.startup import imports_frozen

pytestmark = pytest.mark.unit


@pytest.fixture
def collector():
    """Nothing frozen before the test, and the collector left on or off as the test found it."""
    enabled = gc.isenabled()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize(
    "module",
    ["archive_search.handlers.search", "archive_search.handlers.write", "archive_search.handlers.ingest"],
)
def test_a_cold_start_ends_with_the_collector_on_and_the_imports_frozen(module: str) -> None:
    code = f"import gc, {module}; print(gc.isenabled(), gc.get_freeze_count() > 10_000)"
    state = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout

    assert state.split() == ["True", "True"]


@pytest.mark.usefixtures("collector")
def test_no_collection_runs_while_the_modules_load() -> None:
    gc.enable()
    with imports_frozen():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


@pytest.mark.usefixtures("collector")
def test_a_failed_import_still_switches_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(ImportError), imports_frozen():
        import archive_search.no_such_module  # noqa: F401
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with imports_frozen():
        pass
    assert not gc.isenabled()
