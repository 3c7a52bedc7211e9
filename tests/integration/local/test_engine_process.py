"""The local engine launched by the stack (``processes.EngineProcess``): it loads its seed
in the background, lives in a session of its own (Ctrl-C in the terminal does not reach it
before the last snapshot is written), never outlives the stack, and a seed it cannot load
gives way to an empty engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from archive_local.processes import EngineProcess, free_port, serving_engine

pytestmark = pytest.mark.integration

HOST = "127.0.0.1"


def seed_dir(root: Path, documents: int) -> Path:
    """An osmem seed as the engine snapshot writes it: one index with external versions."""
    root.mkdir()
    (root / "notes.index.json").write_text(
        json.dumps({"mappings": {"properties": {"text": {"type": "text"}}}, "aliases": {"notes-alias": {}}})
    )
    lines = []
    for i in range(documents):
        lines.append(json.dumps({"index": {"_id": f"n{i}", "version": 7, "version_type": "external"}}))
        lines.append(json.dumps({"text": f"note number {i}"}))
    (root / "notes.ndjson").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture
def engines() -> Iterator[list[EngineProcess]]:
    started: list[EngineProcess] = []
    yield started
    for engine in started:
        engine.close()


def count(engine: EngineProcess, index: str) -> int:
    response = requests.get(f"{engine.url}/{index}/_count", timeout=10)
    return int(response.json()["count"]) if response.status_code == 200 else -1


def test_the_engine_serves_its_seed_with_versions_in_a_session_of_its_own(
    tmp_path: Path, engines: list[EngineProcess]
) -> None:
    engine = EngineProcess(HOST, free_port(), seed_dir(tmp_path / "seed", 30))
    engines.append(engine)

    served = serving_engine(engine, HOST, int(engine.url.rsplit(":", 1)[1]))

    assert served is engine
    assert count(engine, "notes-alias") == 30
    document = requests.get(f"{engine.url}/notes/_doc/n3", timeout=10).json()
    assert document["_version"] == 7
    assert os.getsid(engine.process.pid) != os.getsid(0)  # Ctrl-C to our group does not reach it
    assert os.getpgid(engine.process.pid) != os.getpgid(0)


def test_a_seed_the_engine_cannot_load_gives_way_to_an_empty_engine(
    tmp_path: Path, engines: list[EngineProcess], caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "seed"
    broken.mkdir()
    (broken / "notes.index.json").write_text("{not json")
    port = free_port()
    engine = EngineProcess(HOST, port, broken)
    engines.append(engine)

    served = serving_engine(engine, HOST, port)
    engines.append(served)

    assert served is not engine and served.seed is None
    assert engine.process.poll() is not None
    assert requests.get(served.url, timeout=10).status_code == 200
    assert count(served, "notes") == -1  # nothing of the broken seed
    assert "could not be loaded" in caplog.text


def test_closing_the_engine_stops_it_without_a_kill(tmp_path: Path, engines: list[EngineProcess]) -> None:
    engine = EngineProcess(HOST, free_port())
    engines.append(engine)
    engine.wait_ready(30)

    engine.close(grace=10)

    assert engine.process.returncode == 0  # it exited when its stdin closed, not by SIGKILL


def test_a_stack_killed_by_sigkill_leaves_no_engine_behind(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from archive_local.processes import EngineProcess
        engine = EngineProcess({HOST!r}, {free_port()})
        engine.wait_ready(30)
        print(engine.process.pid, flush=True)
        time.sleep(600)
        """
    )
    stack = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert stack.stdout is not None
        engine_pid = int(stack.stdout.readline())
        assert Path(f"/proc/{engine_pid}").exists()
    finally:
        stack.send_signal(signal.SIGKILL)
        stack.wait(10)

    deadline = time.monotonic() + 15
    while _alive(engine_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(engine_pid)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_snapshot_with_an_empty_index_loads_into_a_new_engine(
    tmp_path: Path, engines: list[EngineProcess]
) -> None:
    from archive_local.snapshot import IndexSnapshot

    source = EngineProcess(HOST, free_port(), seed_dir(tmp_path / "seed", 3))
    engines.append(source)
    serving_engine(source, HOST, int(source.url.rsplit(":", 1)[1]))
    # An empty index behind its alias, as the events outbox mostly is.
    requests.put(f"{source.url}/outbox-v1", json={"aliases": {"outbox": {}}}, timeout=10).raise_for_status()
    snapshot = IndexSnapshot(tmp_path / "snapshot", ["notes-alias", "outbox"])
    assert snapshot.write(source.url) == 3

    loaded = EngineProcess(HOST, free_port(), snapshot.root)
    engines.append(loaded)
    served = serving_engine(loaded, HOST, int(loaded.url.rsplit(":", 1)[1]))

    assert served is loaded  # loaded from the snapshot, not started empty
    assert (count(loaded, "notes-alias"), count(loaded, "outbox")) == (3, 0)


def test_a_snapshot_leaves_out_an_alias_the_engine_does_not_have_yet(
    tmp_path: Path, engines: list[EngineProcess]
) -> None:
    # An empty archive has no receipts index until its first upload: the snapshot failed
    # on its 404, so nothing (saved alerts, the outbox) survived a restart.
    from archive_local.snapshot import IndexSnapshot

    source = EngineProcess(HOST, free_port(), seed_dir(tmp_path / "seed", 3))
    engines.append(source)
    serving_engine(source, HOST, int(source.url.rsplit(":", 1)[1]))
    snapshot = IndexSnapshot(tmp_path / "snapshot", ["receipts-not-yet", "notes-alias"])
    assert snapshot.write(source.url) == 3

    loaded = EngineProcess(HOST, free_port(), snapshot.root)
    engines.append(loaded)
    assert serving_engine(loaded, HOST, int(loaded.url.rsplit(":", 1)[1])) is loaded
    assert (count(loaded, "notes-alias"), count(loaded, "receipts-not-yet")) == (3, -1)
