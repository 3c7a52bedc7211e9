"""``archive-search status --watch --interval S``: S is a number of seconds a sleep can take."""

from __future__ import annotations

from typing import Any

import pytest

from archive_search import cli
from archive_search.adapters import s3
from archive_search.ingest import status_api
from archive_search.settings import get_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def unsettled_prefix(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A prefix with one upload queued on the first check and settled on the second."""
    monkeypatch.setenv("OPENSEARCH_URL", "http://engine.invalid:9200")
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive")
    monkeypatch.setattr(s3, "ObjectStore", lambda: "the store")
    checks: list[int] = []

    def counts(*_: Any, **__: Any) -> dict[str, Any]:
        checks.append(1)
        queued = 1 if len(checks) == 1 else 0
        return {
            "started": "now",
            "counts": {"queued": queued, "indexed": 1 - queued, "duplicate": 0, "rejected": 0, "deleted": 0},
            "listed_objects": 1,
            "settled": not queued,
        }

    monkeypatch.setattr(status_api, "progress_counts", counts)
    get_settings.cache_clear()
    yield checks
    get_settings.cache_clear()


@pytest.mark.parametrize("interval", ["nan", "inf", "-1"])
def test_an_interval_no_sleep_can_take_is_a_usage_error(unsettled_prefix, interval, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["status", "--prefix", "inbox/", "--watch", "--interval", interval])

    assert refused.value.code == 2
    assert "--interval" in capsys.readouterr().err
    assert unsettled_prefix == []


def test_a_small_interval_watches_until_the_prefix_settles(unsettled_prefix, capsys):
    assert cli.main(["status", "--prefix", "inbox/", "--watch", "--interval", "0"]) == 0
    assert len(unsettled_prefix) == 2
