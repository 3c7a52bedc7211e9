"""``archive-search status --prefix P [--watch]``: counts and a live progress bar that ends
when the prefix settles."""

from __future__ import annotations

import json
import threading

import pytest

from archive_search.cli import main

pytestmark = pytest.mark.integration

TEXT = "Harbour budget approved\n\nThe council approved the new harbour budget on Monday after a long debate."


def printed_report(out: str) -> dict:  # type: ignore[type-arg]
    """The command's result: the indented JSON it prints last (log lines may come before)."""
    return json.loads(out[out.index("{\n") :])


def test_status_without_key_counts_queued_uploads_under_the_prefix(api, capsys) -> None:
    api.rig.put("inbox/a.txt", TEXT)
    api.rig.put("inbox/empty.txt", "")

    assert main(["status", "--prefix", "inbox/"]) == 0

    report = printed_report(capsys.readouterr().out)
    assert report["counts"]["queued"] == 2 and report["settled"] is False


def test_watch_draws_a_bar_until_the_prefix_settles(api, capsys) -> None:
    api.rig.put("inbox/a.txt", TEXT)
    api.rig.put("inbox/empty.txt", "")
    codes: list[int] = []
    watcher = threading.Thread(
        target=lambda: codes.append(main(["status", "--prefix", "inbox/", "--watch", "--interval", "0.2"]))
    )

    watcher.start()
    api.settle()
    watcher.join(60)

    assert codes == [0]
    captured = capsys.readouterr()
    report = printed_report(captured.out)
    assert report["settled"] is True
    assert report["counts"] == {"queued": 0, "indexed": 1, "duplicate": 0, "rejected": 1, "deleted": 0}
    assert "[##############################] 2/2 settled · queued 0 · indexed 1 · rejected 1" in captured.err


def test_a_key_with_prefix_or_watch_is_refused(api, capsys) -> None:
    assert main(["status", "inbox/a.txt", "--watch"]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("command", [["status"], ["line-stats"]])
def test_a_bucket_that_does_not_exist_is_named_as_not_found(api, command, capsys) -> None:
    assert main([*command, "--bucket", "no-such-bucket-here"]) == 1

    error = json.loads(capsys.readouterr().err)["error"]
    assert error["code"] == "not_found"
    assert "no-such-bucket-here" in error["message"]


@pytest.mark.parametrize("command", [["bootstrap"], ["status", "inbox/a.txt"], ["reindex"]])
def test_an_unreachable_engine_is_one_clear_line_naming_the_failure(command, monkeypatch, capsys) -> None:
    from archive_search.settings import get_settings
    from tests.conftest import free_port

    monkeypatch.setenv("OPENSEARCH_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive")
    get_settings.cache_clear()
    try:
        assert main(command) == 1
    finally:
        get_settings.cache_clear()

    err = capsys.readouterr().err.strip().splitlines()[-1]
    error = json.loads(err)["error"]
    assert error["code"] == "search_unavailable"
    assert error["message"] == "search engine unavailable (ConnectionError)"
