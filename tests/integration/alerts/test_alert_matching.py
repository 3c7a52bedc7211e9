"""The real ingest handler on moto: a new article fires each alert it matches exactly once, as
an ``Alert Matched`` event on the bus; re-uploads, copies and non-matching alerts fire nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from archive_search.adapters.alert_index import AlertIndex
from archive_search.alerts.model import AlertRequest
from archive_search.alerts.relay import SIGNATURE_HEADER, Target, deliver
from archive_search.alerts.store import AlertStore
from archive_search.ingest.outcomes import SCHEMA_VERSION
from archive_search.model import ObjectRef, document_id
from tests.docs.test_webhook_signature_doc import documented_verify

pytestmark = pytest.mark.integration

BODY = "Ferry crews walked out on Monday over new rotas, stranding travellers at the harbour."
STORY = f"Ferry crews walk out over rotas\n\n{BODY}\n\nThe union said talks would resume.\n"
FERRY_RESUMES = (
    "Island ferry sailings resume\n\nThe island ferry sailed again on Friday after the operator "
    "and the crews agreed a timetable for the winter.\n"
)
OTHER = "Council approves library budget\n\nThe council approved the library budget on Tuesday.\n"


STACK_SECRET = b"stack-secret"


def store(events_rig) -> AlertStore:  # type: ignore[no-untyped-def]
    return AlertStore(AlertIndex(events_rig.ingest.engine), stack_secret=lambda: STACK_SECRET)


def save(events_rig, **fields) -> str:  # type: ignore[no-untyped-def]
    return str(store(events_rig).create(AlertRequest.model_validate(fields))["id"])


def alert_events(events_rig) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e for e in events_rig.received() if e["detail-type"] == "Alert Matched"]


def test_a_matching_alert_fires_once_with_the_article_and_the_alert(events_rig):
    rig = events_rig.ingest
    alert_id = save(events_rig, name="Ferry news", q="ferry strike OR rotas")
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()

    (event,) = alert_events(events_rig)
    assert event["source"] == "archive-search"
    detail = event["detail"]
    assert detail["schema_version"] == SCHEMA_VERSION
    assert (detail["alert_id"], detail["alert_name"], detail["target"]) == (alert_id, "Ferry news", "event")
    assert detail["article_id"] == document_id(ObjectRef(rig.archive.bucket, "inbox/ferry.txt"), 0)
    assert detail["title"] == "Ferry crews walk out over rotas"
    assert (detail["bucket"], detail["key"]) == (rig.archive.bucket, "inbox/ferry.txt")
    assert detail["content_sha256"] == rig.receipt("inbox/ferry.txt")["content_sha256"]
    assert set(detail) >= {"source", "published", "language", "url", "event_id", "webhook_url"}
    assert BODY not in json.dumps(event)  # never the article's text


def test_a_reupload_of_the_same_content_does_not_fire_again(events_rig):
    rig = events_rig.ingest
    save(events_rig, name="Ferry news", q="ferry")
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()
    assert len(alert_events(events_rig)) == 1

    rig.put("inbox/ferry.txt", STORY)
    rig.drain()
    assert rig.receipt("inbox/ferry.txt")["outcome"] == "duplicate"
    assert alert_events(events_rig) == []


def test_a_copy_under_another_key_does_not_fire_again(events_rig):
    rig = events_rig.ingest
    save(events_rig, name="Ferry news", q="ferry")
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()
    assert len(alert_events(events_rig)) == 1

    rig.put("wire/ferry-copy.txt", STORY)
    rig.drain()
    received = events_rig.received()
    (indexed,) = [e for e in received if e["detail-type"] == "Article Indexed"]
    assert indexed["detail"]["duplicate_of"]  # indexed, and known to be a copy
    assert [e for e in received if e["detail-type"] == "Alert Matched"] == []


def test_only_matching_alerts_fire_and_a_feed_alert_pushes_nothing(events_rig):
    rig = events_rig.ingest
    ferry = save(events_rig, name="Ferry news", q="ferry", language=["en"])
    save(events_rig, name="Libraries", q="library")
    save(events_rig, name="Ferry, other paper", q="ferry", source=["Another Paper"])
    save(events_rig, name="Ferry feed", q="ferry", target="feed")
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()

    assert [e["detail"]["alert_id"] for e in alert_events(events_rig)] == [ferry]


def test_every_matching_alert_fires_for_every_new_article_of_a_batch(events_rig):
    rig = events_rig.ingest
    ferry = save(events_rig, name="ferry", q="ferry")
    council = save(events_rig, name="council", q="council")
    both = save(events_rig, name="both", q="rotas OR budget")
    rig.put("inbox/ferry.txt", STORY)
    rig.put("inbox/library.txt", OTHER)
    rig.drain()

    pairs = sorted((e["detail"]["alert_id"], e["detail"]["key"]) for e in alert_events(events_rig))
    expected = [
        (ferry, "inbox/ferry.txt"),
        (council, "inbox/library.txt"),
        (both, "inbox/ferry.txt"),
        (both, "inbox/library.txt"),
    ]
    assert pairs == sorted(expected)


def test_a_webhook_alert_event_carries_its_url(events_rig):
    rig = events_rig.ingest
    save(events_rig, name="Hook", q="ferry", target="webhook", webhook_url="https://hooks.example/in")
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()
    (event,) = alert_events(events_rig)
    assert (event["detail"]["target"], event["detail"]["webhook_url"]) == (
        "webhook",
        "https://hooks.example/in",
    )


def relayed(event: dict[str, Any], sent_at: float) -> tuple[str, bytes]:
    """The signature header and body the relay sends for ``event``, signed at ``sent_at``."""
    sent: list[tuple[dict[str, str], bytes]] = []

    def receiver(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, None]:
        sent.append((headers, body))
        return 204, None

    deliver(
        event, STACK_SECRET, now=lambda: sent_at, resolve=lambda host, port: ["93.184.215.14"], send=receiver
    )
    ((headers, body),) = sent
    return headers[SIGNATURE_HEADER], body


def test_the_relay_signs_a_match_with_its_alerts_own_secret_and_both_during_a_rotation(events_rig):
    rig = events_rig.ingest
    hook = {"q": "ferry", "target": "webhook", "webhook_url": "https://hooks.example/in"}
    mine = store(events_rig).create(AlertRequest.model_validate({"name": "Mine", **hook}))
    theirs = store(events_rig).create(AlertRequest.model_validate({"name": "Theirs", **hook}))
    rig.put("inbox/ferry.txt", STORY)
    rig.drain()
    event = next(e for e in alert_events(events_rig) if e["detail"]["alert_id"] == mine["id"])
    assert event["detail"]["webhook_generation"] == 0
    verify = documented_verify()

    header, body = relayed(event, sent_at=1_800_000_000)
    assert header.count("v1=") == 1
    assert verify(mine["webhook_secret"].encode(), header, body, now=1_800_000_000)
    # A receiver holding another alert's secret cannot check (nor forge) this one's deliveries.
    assert not verify(theirs["webhook_secret"].encode(), header, body, now=1_800_000_000)

    rotated = store(events_rig).rotate_webhook_secret(mine["id"])
    rig.put("inbox/ferry-2.txt", FERRY_RESUMES)
    rig.drain()
    (after,) = [
        e
        for e in alert_events(events_rig)
        if e["detail"]["alert_id"] == mine["id"] and e["detail"]["key"] == "inbox/ferry-2.txt"
    ]
    assert after["detail"]["webhook_generation"] == 1
    now = time.time()
    header, body = relayed(after, sent_at=now)
    for secret in (rotated["webhook_secret"], mine["webhook_secret"]):
        assert verify(secret.encode(), header, body, now=now)


def test_a_filter_value_with_a_comma_matches_its_parts_as_search_and_the_alert_feed_do(events_rig):
    """/search (and so the alert's feed_url) reads source=Harbour Gazette,Dawn as either
    publisher, and as the whole value: the alert must fire for what its feed lists."""
    rig = events_rig.ingest
    save(events_rig, name="Two publishers", source=["Harbour Gazette,Dawn"])
    record = {"title": "Ferry crews walk out over rotas", "body": BODY, "source": "Dawn"}
    rig.put("inbox/dawn.json", json.dumps(record))
    rig.drain()

    (event,) = alert_events(events_rig)
    assert (event["detail"]["alert_name"], event["detail"]["source"]) == ("Two publishers", "Dawn")


def harbour_records(second_body: str) -> str:
    bodies = [
        "Harbour pilots guided the grain carrier through fog to its berth at dawn on Monday.",
        second_body,
        "The harbour museum reopened its boat shed to visitors after a year of repairs to the roof.",
    ]
    return json.dumps([{"title": f"Harbour note {n}", "body": body} for n, body in enumerate(bodies)])


def test_a_reupload_with_one_record_changed_fires_for_that_record_alone(events_rig):
    rig = events_rig.ingest
    save(events_rig, name="Harbour", q="harbour")
    rig.put("inbox/notes.json", harbour_records("Harbour dredging began on Tuesday to deepen the channel."))
    rig.drain()
    assert len(alert_events(events_rig)) == 3

    changed = "The harbour master closed the outer basin on Friday after a crane collapsed onto a quay."
    rig.put("inbox/notes.json", harbour_records(changed))
    rig.drain()

    (event,) = alert_events(events_rig)
    assert event["detail"]["article_id"] == document_id(ObjectRef(rig.archive.bucket, "inbox/notes.json"), 1)
    assert event["detail"]["title"] == "Harbour note 1"
