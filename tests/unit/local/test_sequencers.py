"""The local stack's sequencers: S3's order on one key, kept across restarts, put into
moto's notifications by the state each one describes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from archive_local.config import StartupError
from archive_local.sequencers import BLOCK, STATES_PER_KEY, Sequencers, format_sequencer
from archive_search.ingest.events import parse_message_body, sequencer_value, sequencer_version
from tests.events import load_event

pytestmark = pytest.mark.unit


def notification(
    key: str, *, etag: str | None = None, removed: bool = False, version_id: str | None = None
) -> str:
    """What moto sends: the real shape without a sequencer."""
    body = load_event("s3_object_removed_delete_marker" if removed else "s3_object_created_put")
    obj = body["Records"][0]["s3"]["object"]
    obj.pop("sequencer", None)
    obj.pop("versionId", None)
    obj["key"] = key
    if etag:
        obj["eTag"] = etag
    if version_id:
        obj["versionId"] = version_id
    return json.dumps(body)


def sequencer_of(body: str) -> str | None:
    [event] = parse_message_body(body)
    return event.sequencer


def test_values_only_grow_across_a_restart_even_when_the_clock_went_back(tmp_path: Path) -> None:
    path = tmp_path / "sequencer.json"
    first = Sequencers(path, clock=lambda: 2_000_000_000.0)
    before = [first.draw() for _ in range(3)]
    # The process dies (nothing closed); the next run's clock is an hour behind.
    second = Sequencers(path, clock=lambda: 2_000_000_000.0 - 3600)
    after = second.draw()

    assert before == sorted(before) and len(set(before)) == 3
    assert after > max(before)


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b"[]", b'{"ceil": 5}', b'{"ceiling": "5"}', b'{"ceiling": -1}', b"\xff"]
)
def test_a_corrupt_ceiling_file_stops_the_start_with_an_error_naming_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "sequencer.json"
    path.write_bytes(content)

    with pytest.raises(StartupError, match=r"sequencer\.json is corrupt") as raised:
        Sequencers(path)

    assert "\n" not in str(raised.value)
    assert path.read_bytes() == content  # left for the operator to inspect


def test_a_block_is_on_disk_before_any_of_its_values_is_handed_out(tmp_path: Path) -> None:
    path = tmp_path / "sequencer.json"
    sequencers = Sequencers(path, clock=lambda: 1.0)
    value = sequencers.draw()

    assert json.loads(path.read_text())["ceiling"] > value
    assert json.loads(path.read_text())["ceiling"] == 1_000_000 + BLOCK


def test_values_start_above_the_event_time_versions_of_older_receipts(tmp_path: Path) -> None:
    now = 1_765_000_000.0  # receipts written before had version = event time in ms
    value = Sequencers(tmp_path / "s.json", clock=lambda: now).draw()
    assert value > int(now * 1000)


def test_a_local_sequencer_is_its_own_external_version_for_millennia(tmp_path: Path) -> None:
    in_the_year_3000 = 32_503_680_000.0
    value = Sequencers(tmp_path / "s.json", clock=lambda: in_the_year_3000).draw()

    assert sequencer_version(format_sequencer(value)) == value


def test_created_events_get_the_sequencer_of_the_write_that_left_their_etag(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    with sequencers.locked(["a.txt"]):
        first = sequencers.assign("a.txt", '"e1"', "v1")
    with sequencers.locked(["a.txt"]):
        second = sequencers.assign("a.txt", '"e2"', "v2")

    # Processed in reverse order, each event still carries its own write's place.
    assert sequencer_of(sequencers.stamp(notification("a.txt", etag="e2"))) == second
    assert sequencer_of(sequencers.stamp(notification("a.txt", etag="e1"))) == first
    assert sequencer_value(second) > sequencer_value(first)


def test_a_removal_gets_the_delete_and_a_marker_is_matched_by_its_version_id(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    put = sequencers.assign("a.txt", "e1")
    deleted = sequencers.assign("a.txt", None, "marker-1")
    sequencers.assign("a.txt", "e2")
    again = sequencers.assign("a.txt", None, "marker-2")

    assert (
        sequencer_of(sequencers.stamp(notification("a.txt", removed=True, version_id="marker-1"))) == deleted
    )
    assert sequencer_of(sequencers.stamp(notification("a.txt", removed=True))) == again
    assert sequencer_value(put) < sequencer_value(deleted) < sequencer_value(again)


def test_an_event_older_than_every_remembered_state_sorts_below_them(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    sequencers.assign("a.txt", "oldest")
    kept = [sequencers.assign("a.txt", f"e{i}") for i in range(STATES_PER_KEY)]

    stamped = sequencer_of(sequencers.stamp(notification("a.txt", etag="oldest")))

    assert stamped is not None and sequencer_value(stamped) < min(sequencer_value(s) for s in kept)


def test_events_of_keys_never_written_through_the_front_are_left_as_they_are(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    body = notification("elsewhere.txt", etag="e1")
    assert sequencers.stamp(body) == body
    assert sequencers.stamp("not json") == "not json"


def test_keys_are_matched_decoded_as_moto_encodes_them(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    assigned = sequencers.assign("inbox/a b+c.txt", "e1")
    assert sequencer_of(sequencers.stamp(notification("inbox/a+b%2Bc.txt", etag="e1"))) == assigned


def test_stamping_waits_for_a_write_in_progress_on_its_key(tmp_path: Path) -> None:
    sequencers = Sequencers(tmp_path / "s.json")
    stamped: list[str] = []
    # The front holds the key's lock from before moto sees the write; moto may queue the
    # notification before the front has drawn the write's sequencer.
    with sequencers.locked(["a.txt"]):
        worker = threading.Thread(
            target=lambda: stamped.append(sequencers.stamp(notification("a.txt", etag="e1")))
        )
        worker.start()
        worker.join(0.3)
        assert worker.is_alive()  # waiting, not stamping without a sequencer
        assigned = sequencers.assign("a.txt", "e1")
    worker.join(5)

    assert sequencer_of(stamped[0]) == assigned
