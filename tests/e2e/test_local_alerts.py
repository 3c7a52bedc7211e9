"""End to end: on the stack as ``make run`` starts it, an alert saved over HTTP fires once for a
new matching upload, as an ``Alert Matched`` event in the subscriber queue, and never again for
the same bytes re-uploaded or copied under another key; a webhook alert's match reaches its own
URL, signed with the alert's own secret, which its POST /alerts answer showed."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest
import requests

from archive_local.events import DEFAULT_WEBHOOK_SECRET
from archive_search.alerts.relay import EVENT_ID_HEADER, SIGNATURE_HEADER
from archive_search.alerts.signing import webhook_secret
from tests.e2e.test_local_events import Subscriber, Webhook
from tests.e2e.test_local_stack import BUCKET, LocalStack, doc_id, eventually
from tests.e2e.test_local_stack import stack as stack  # the e2e suite's fixture

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

STORY = "Ferry crews walk out over rotas\n\nFerry crews at Port Ellery walked out on Monday over new rotas.\n"


def _outcome(stack: LocalStack, key: str) -> str | None:
    answer = requests.get(f"{stack.url}/ingest/status", params={"key": key}, timeout=30)
    return answer.json().get("outcome") if answer.status_code == 200 else None


def test_a_saved_alert_fires_once_for_a_new_upload_and_never_for_its_copies(stack: LocalStack) -> None:
    saved = requests.post(
        f"{stack.url}/alerts", json={"name": "Ferry walkouts", "q": "ferry rotas"}, timeout=30
    )
    assert saved.status_code == 201, saved.text
    alert_id = saved.json()["id"]
    assert requests.get(f"{stack.url}/alerts/{alert_id}", timeout=30).json()["name"] == "Ferry walkouts"
    s3, subscriber = stack.s3(), Subscriber(stack)

    s3.put_object(Bucket=BUCKET, Key="e2e/ferry.txt", Body=STORY.encode())
    matched = eventually(
        lambda: [e for e in subscriber.of("e2e/ferry.txt") if e["detail-type"] == "Alert Matched"], 60
    )
    assert [(e["detail"]["alert_id"], e["detail"]["article_id"]) for e in matched] == [
        (alert_id, doc_id("e2e/ferry.txt"))
    ]

    s3.put_object(Bucket=BUCKET, Key="e2e/ferry.txt", Body=STORY.encode())  # the same bytes again
    s3.put_object(Bucket=BUCKET, Key="e2e/ferry-copy.txt", Body=STORY.encode())  # a copy
    eventually(lambda: subscriber.of("e2e/ferry-copy.txt"), 60)  # its Article Indexed
    eventually(lambda: _outcome(stack, "e2e/ferry.txt") == "duplicate", 60)  # the re-upload settled
    fired = [
        e["detail"]["key"]
        for e in subscriber.events
        if e["detail-type"] == "Alert Matched" and e["detail"]["alert_id"] == alert_id
    ]
    assert fired == ["e2e/ferry.txt"]

    assert requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30).status_code == 204
    assert requests.get(f"{stack.url}/alerts", timeout=30).json()["total"] == 0


@pytest.fixture
def receiver() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


def test_a_webhook_alert_posts_its_match_to_its_own_url_signed(stack: LocalStack, receiver: Webhook) -> None:
    saved = requests.post(
        f"{stack.url}/alerts",
        json={
            "name": "Lighthouse keepers",
            "q": "lighthouse keepers",
            "target": "webhook",
            "webhook_url": receiver.url,
        },
        timeout=30,
    )
    assert saved.status_code == 201, saved.text
    alert_id = saved.json()["id"]
    story = "Lighthouse keepers return\n\nLighthouse keepers returned to Port Ellery's light on Monday.\n"
    stack.s3().put_object(Bucket=BUCKET, Key="e2e/lighthouse.txt", Body=story.encode())

    (headers, body) = eventually(lambda: receiver.raw, 60)[0]
    (event,) = receiver.received
    assert (event["detail-type"], event["detail"]["alert_id"]) == ("Alert Matched", alert_id)
    assert event["detail"]["article_id"] == doc_id("e2e/lighthouse.txt")
    assert headers["Content-Type"] == "application/json"
    assert headers[EVENT_ID_HEADER] == event["detail"]["event_id"]
    timestamp, v1 = (part.split("=", 1)[1] for part in headers[SIGNATURE_HEADER].split(","))
    secret = saved.json()["webhook_secret"]
    # Derived from LOCAL_WEBHOOK_SECRET as in AWS from the stack's secret.
    assert secret == webhook_secret(DEFAULT_WEBHOOK_SECRET.encode(), alert_id, 0)
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert hmac.compare_digest(v1, expected.hexdigest())
    assert requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30).status_code == 204
