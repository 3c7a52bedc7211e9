"""The search function (which serves /ingest/status) never imports the cleaner: status
reading lives apart from the ingest service."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

INGEST_ONLY = ("archive_search.cleaning", "archive_search.ingest.service", "numpy", "trafilatura", "lxml")


def test_importing_the_search_handler_imports_nothing_only_ingest_needs() -> None:
    code = (
        "import sys, json, archive_search.handlers.search, archive_search.handlers.write; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    modules = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True).stdout)

    loaded = [name for name in modules if any(name == p or name.startswith(p + ".") for p in INGEST_ONLY)]
    assert "archive_search.ingest.status_api" in modules
    assert loaded == []


def test_the_search_handler_loads_boto3_only_when_a_route_needs_it() -> None:
    # /health's queue backlog and the write routes import their AWS clients when served.
    code = "import sys, archive_search.handlers.search; print('boto3' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout

    assert loaded.strip() == "False"
