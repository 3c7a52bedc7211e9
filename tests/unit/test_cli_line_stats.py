"""``archive-search line-stats``: arguments and settings reach the job, its report is printed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive_search import cli
from archive_search.adapters import s3
from archive_search.ingest import linestats_job
from archive_search.settings import LINE_STATS_KEY, get_settings

pytestmark = pytest.mark.unit


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENSEARCH_URL", "http://engine.invalid:9200")
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive")
    monkeypatch.setenv("MAX_OBJECT_BYTES", "1234")
    monkeypatch.delenv("LINE_STATS_KEY", raising=False)
    monkeypatch.setattr(s3, "ObjectStore", lambda: "the store")
    calls: list[tuple[Any, ...]] = []

    def job(store: Any, bucket: str, **kwargs: Any) -> linestats_job.LineStatsReport:
        calls.append((store, bucket, kwargs))
        return linestats_job.LineStatsReport(
            documents=21, lines=7, digest="0123456789ab", key=kwargs["key"], usable=True, objects=30
        )

    monkeypatch.setattr(linestats_job, "build_line_stats", job)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_line_stats_builds_from_the_configured_bucket_and_prints_the_report(env, capsys):
    assert cli.main(["line-stats"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {
        "documents": 21,
        "lines": 7,
        "digest": "0123456789ab",
        "key": LINE_STATS_KEY,
        "usable": True,
        "objects": 30,
    }
    [(store, bucket, kwargs)] = env
    assert (store, bucket) == ("the store", "archive")
    assert kwargs["key"] == LINE_STATS_KEY and kwargs["max_object_bytes"] == 1234


def test_line_stats_takes_a_bucket_but_no_prefix(env, capsys):
    assert cli.main(["line-stats", "--bucket", "other"]) == 0
    [(_, bucket, kwargs)] = env
    assert bucket == "other" and "prefix" not in kwargs
    with pytest.raises(SystemExit) as refused:
        cli.main(["line-stats", "--prefix", "inbox/"])
    assert refused.value.code == 2 and len(env) == 1


def test_line_stats_refuses_to_run_when_line_statistics_are_turned_off(env, capsys, monkeypatch):
    monkeypatch.setenv("LINE_STATS_KEY", "")
    get_settings.cache_clear()
    assert cli.main(["line-stats"]) == 1
    assert "LINE_STATS_KEY" in json.loads(capsys.readouterr().err)["error"]["message"]
    assert env == []
