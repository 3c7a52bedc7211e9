"""Late, never lost, on moto and the engine: an event the bus refused stays in the outbox and
the scheduled republisher (the real ingest handler on a scheduled event) publishes it once,
with its ``event_id``; a partly refused batch; the republisher's bounds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from archive_local.lambda_events import LambdaContext
from archive_search.handlers.ingest import handler
from archive_search.ingest.batch import default_events, default_service
from archive_search.ingest.outbox import republish
from archive_search.ingest.outcomes import BusEvent, event_id
from archive_search.ingest.status_api import _one_receipt
from archive_search.model import ObjectRef
from tests.events import load_event
from tests.ingest_support import blind_receipt_reads, reset_caches, s3_notification
from tests.integration.events.conftest import EventsRig, make_rig

pytestmark = pytest.mark.integration

ARTICLE = "Harbour reopens after the storm\n\n{} tells what happened at the harbour on Monday.\n"


class Gate:
    """The real EventBridge client, except that entries whose detail holds one of ``refused``
    (or every entry, ``refuse_all``) are answered with a final error, as PutEvents does."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.refused: set[str] = set()
        self.refuse_all = False

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        blocked = [self.refuse_all or any(text in e["Detail"] for text in self.refused) for e in Entries]
        passed = [e for e, no in zip(Entries, blocked, strict=True) if not no]
        answers = iter(self.client.put_events(Entries=passed)["Entries"] if passed else [])
        results = [
            {"ErrorCode": "AccessDeniedException", "ErrorMessage": "refused by the test"}
            if no
            else next(answers)
            for no in blocked
        ]
        return {"FailedEntryCount": sum(blocked), "Entries": results}


@pytest.fixture
def rig(archive, settings, monkeypatch) -> Iterator[tuple[EventsRig, Gate]]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVENTS_REPUBLISH_AFTER_SECONDS", "0")
    events_rig = make_rig(archive, settings, monkeypatch, "")
    publisher, _ = default_events()  # type: ignore[misc]
    gate = Gate(publisher.client)
    publisher.client = gate
    yield events_rig, gate
    reset_caches()


def run_schedule(events_rig: EventsRig) -> dict[str, Any]:
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)
    return handler(load_event("scheduled_event"), LambdaContext("ingest", 60))


def stored_ids(events_rig: EventsRig) -> list[str]:
    _, outbox = default_events()  # type: ignore[misc]
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)
    events, _ = outbox.due(outbox.clock(), 100)
    return sorted(str(e.detail["event_id"]) for e in events)


def test_a_refused_event_is_published_late_by_the_republisher_once_with_its_event_id(rig):
    events_rig, gate = rig
    ingest = events_rig.ingest
    gate.refuse_all = True
    ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    ingest.drain()

    receipt = ingest.receipt("inbox/harbour.txt")
    assert receipt is not None and receipt["outcome"] == "indexed"  # indexed all the same
    assert events_rig.received() == []
    expected = event_id(ObjectRef(ingest.archive.bucket, "inbox/harbour.txt"), receipt, "indexed")
    assert stored_ids(events_rig) == [expected]

    gate.refuse_all = False
    answer = run_schedule(events_rig)

    (event,) = events_rig.received()
    assert event["detail-type"] == "Article Indexed" and event["detail"]["event_id"] == expected
    assert (answer["republished"], answer["pending"]) == (1, 0)
    assert stored_ids(events_rig) == []

    assert run_schedule(events_rig)["republished"] == 0  # nothing twice after success
    assert events_rig.received() == []


def test_a_partly_refused_batch_leaves_only_the_refused_event_pending(rig):
    events_rig, gate = rig
    ingest = events_rig.ingest
    gate.refused = {"inbox/b.txt"}
    for name in ("a", "b", "c"):
        ingest.put(f"inbox/{name}.txt", ARTICLE.format(f"Story {name}"))
    ingest.drain()

    assert sorted(e["detail"]["key"] for e in events_rig.received()) == ["inbox/a.txt", "inbox/c.txt"]
    receipt = ingest.receipt("inbox/b.txt")
    assert stored_ids(events_rig) == [
        event_id(ObjectRef(ingest.archive.bucket, "inbox/b.txt"), receipt or {}, "indexed")
    ]

    assert run_schedule(events_rig)["failed"] == 1  # still refused: still pending
    assert events_rig.received() == [] and len(stored_ids(events_rig)) == 1
    assert [pending(ingest, f"inbox/{name}.txt") for name in ("a", "b")] == [False, True]

    gate.refused = set()
    run_schedule(events_rig)
    assert [e["detail"]["key"] for e in events_rig.received()] == ["inbox/b.txt"]
    assert stored_ids(events_rig) == []
    assert pending(ingest, "inbox/b.txt") is False


def pending(ingest: Any, key: str) -> bool | None:
    """What GET /ingest/status?key= answers as the upload's ``event_pending``."""
    ingest.engine.refresh(ingest.settings.outbox_alias)
    ref = ObjectRef(ingest.archive.bucket, key)
    return _one_receipt(ingest.settings, ref)["event_pending"]


def test_an_event_stays_pending_after_a_crash_before_publishing_and_the_redelivery(rig):
    # The Lambda dies between writing the receipts and publishing: SQS delivers the same S3
    # event again, which its receipt already records: the receipt stays, nothing is sent twice.
    events_rig, _ = rig
    ingest = events_rig.ingest
    ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    body = s3_notification("inbox/harbour.txt", bucket=ingest.archive.bucket, sequencer="0055AED6DCD90281E5")
    service = default_service()
    announce = service.announce

    def died(*_: Any) -> None:
        raise RuntimeError("the Lambda died before publishing")

    service.announce = died
    with pytest.raises(RuntimeError):
        ingest.invoke([body])
    service.announce = announce
    written = ingest.receipt("inbox/harbour.txt")
    ingest.invoke([body])

    assert ingest.receipt("inbox/harbour.txt") == written and (written or {})["outcome"] == "indexed"
    assert events_rig.received() == [] and len(stored_ids(events_rig)) == 1
    assert pending(ingest, "inbox/harbour.txt") is True

    run_schedule(events_rig)
    assert [e["detail"]["outcome"] for e in events_rig.received()] == ["indexed"]
    assert pending(ingest, "inbox/harbour.txt") is False


def test_a_run_publishes_at_most_its_bound_and_the_next_run_the_rest(rig):
    events_rig, _ = rig
    publisher, outbox = default_events()  # type: ignore[misc]
    ids = [f"{n:032x}" for n in range(7)]
    assert outbox.put([BusEvent("Article Indexed", {"event_id": i, "key": f"k{i}"}) for i in ids]) == set()
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)

    first = republish(outbox, publisher, lambda: 60_000, grace_s=0, max_events=5, page_size=3)
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)
    second = republish(outbox, publisher, lambda: 60_000, grace_s=0, max_events=5, page_size=3)

    assert (first.republished, first.pending, first.stopped) == (5, 2, "max_events")
    assert (second.republished, second.pending, second.stopped) == (2, 0, None)
    assert sorted(e["detail"]["event_id"] for e in events_rig.received()) == ids


def test_a_warm_republisher_whose_outbox_was_deleted_finds_nothing_pending(rig):
    events_rig, gate = rig
    ingest = events_rig.ingest
    gate.refuse_all = True
    ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    ingest.drain()
    assert run_schedule(events_rig)["failed"] == 1  # the environment is warm, its outbox known
    for index in ingest.engine.alias_targets(ingest.settings.outbox_alias):
        ingest.engine.client.indices.delete(index=index)  # an operator drops the backlog

    answer = handler(load_event("scheduled_event"), LambdaContext("ingest", 60))

    assert (answer["republished"], answer["failed"], answer["pending"]) == (0, 0, 0)
    assert run_schedule(events_rig)["pending"] == 0  # and the outbox is there again


def test_the_cli_republishes_what_the_bus_refused(rig, capsys):
    from archive_search import cli

    events_rig, gate = rig
    gate.refuse_all = True
    events_rig.ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    events_rig.ingest.drain()
    assert events_rig.received() == []

    gate.refuse_all = False
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)
    assert cli.main(["republish-events", "--after-seconds", "0", "--max-events", "10"]) == 0

    assert [e["detail"]["key"] for e in events_rig.received()] == ["inbox/harbour.txt"]
    assert '"republished": 1' in capsys.readouterr().out


def test_the_cli_status_of_a_key_says_whether_its_event_is_pending(rig, capsys):
    from archive_search import cli

    events_rig, gate = rig
    gate.refuse_all = True
    events_rig.ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    events_rig.ingest.drain()
    events_rig.ingest.engine.refresh(events_rig.ingest.settings.outbox_alias)

    assert cli.main(["status", "inbox/harbour.txt"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed[printed.index("{\n") :])["event_pending"] is True

    gate.refuse_all = False
    run_schedule(events_rig)
    assert cli.main(["status", "inbox/harbour.txt"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed[printed.index("{\n") :])["event_pending"] is False


def test_a_late_copy_that_loses_the_race_to_an_unchanged_receipt_keeps_the_event_pending(rig, monkeypatch):
    # v1's event waits (the bus refused it); v2 put the same bytes again (a duplicate: no event of
    # its own); a late copy of v1, which missed v2's receipt, loses the race to the receipt. Its
    # articles are the ones v2's receipt holds: nothing is withdrawn, so v1's event must not be.
    events_rig, gate = rig
    ingest = events_rig.ingest
    gate.refuse_all = True
    ingest.put("inbox/harbour.txt", ARTICLE.format("The story"))
    v1 = s3_notification("inbox/harbour.txt", bucket=ingest.archive.bucket, sequencer="0055AED6DCD90281E5")
    ingest.invoke([v1])
    ingest.invoke(
        [s3_notification("inbox/harbour.txt", bucket=ingest.archive.bucket, sequencer="0055AED6DCD90281F0")]
    )
    (pending_id,) = stored_ids(events_rig)

    with monkeypatch.context() as patched:
        blind_receipt_reads(patched)
        ingest.invoke([v1])

    gate.refuse_all = False
    run_schedule(events_rig)
    assert [e["detail"]["event_id"] for e in events_rig.received()] == [pending_id]
    assert len(ingest.documents()) == 1
