"""The relay's queue: the backoff schedule, and the batch answer that keeps a failed match in
the queue, hidden until its next attempt, while delivered and given-up ones leave it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archive_local.lambda_events import sqs_event
from archive_search.alerts.relay import Delivery, DeliveryFailed
from archive_search.alerts.relay_queue import (
    MAX_ATTEMPTS,
    MAX_DELAY_SECONDS,
    RETRY_DELAYS_SECONDS,
    relay_batch,
    relay_queue_url,
    retry_delay,
)
from archive_search.errors import ConfigurationError
from archive_search.observability import metrics
from tests.events import load_event

pytestmark = pytest.mark.unit

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:archive-RelayQueue-1A2B"
DAY = 24 * 3600


def test_the_schedule_retries_for_more_than_a_day_growing_each_step() -> None:
    assert len(RETRY_DELAYS_SECONDS) + 1 == MAX_ATTEMPTS
    assert sum(RETRY_DELAYS_SECONDS) > DAY
    assert list(RETRY_DELAYS_SECONDS) == sorted(RETRY_DELAYS_SECONDS)
    assert RETRY_DELAYS_SECONDS[0] <= 60
    # SQS refuses to hide a message for 12 h or more after its receipt.
    assert max(RETRY_DELAYS_SECONDS) == MAX_DELAY_SECONDS < 12 * 3600


def test_each_failed_attempt_waits_its_step_and_the_last_goes_to_the_dlq_at_once() -> None:
    waits = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
    assert waits == [*RETRY_DELAYS_SECONDS, 0]
    assert retry_delay(MAX_ATTEMPTS + 3) == 0


@pytest.mark.parametrize(
    ("attempt", "retry_after", "wait"),
    [
        (1, 600, 600),  # the receiver asks for longer than the step: it gets it
        (1, 5, RETRY_DELAYS_SECONDS[0]),  # sooner than the step: the schedule holds
        (1, 0, RETRY_DELAYS_SECONDS[0]),
        (2, 10**9, MAX_DELAY_SECONDS),  # beyond what SQS can hide a message for: the bound
        (MAX_ATTEMPTS, 3600, 0),  # no attempt is left to wait for
    ],
)
def test_retry_after_lengthens_a_wait_within_bounds_never_shortens_it(
    attempt: int, retry_after: int, wait: int
) -> None:
    assert retry_delay(attempt, retry_after) == wait


def _match(n: int) -> str:
    event = load_event("alert_matched_webhook")
    event["detail"]["event_id"] = f"{n:032x}"
    return json.dumps(event)


def _batch(*bodies: str, attempt: int = 1) -> dict[str, Any]:
    messages = [
        {
            "MessageId": f"m{n}",
            "ReceiptHandle": f"r{n}",
            "Body": body,
            "Attributes": {"ApproximateReceiveCount": str(attempt)},
        }
        for n, body in enumerate(bodies)
    ]
    return sqs_event(messages, QUEUE_ARN)


class Receivers:
    """Answers each match by its event id: delivered, given up, or a failure to retry."""

    def __init__(self, answers: dict[str, Delivery | DeliveryFailed]) -> None:
        self.answers = answers
        self.relayed: list[str] = []

    def __call__(self, event: dict[str, Any]) -> Delivery:
        event_id = event["detail"]["event_id"]
        self.relayed.append(event_id)
        answer = self.answers[event_id]
        if isinstance(answer, DeliveryFailed):
            raise answer
        return answer


class Visibility:
    def __init__(self) -> None:
        self.set: dict[str, int] = {}

    def __call__(self, receipt_handle: str, seconds: int) -> None:
        self.set[receipt_handle] = seconds


def test_only_failed_matches_are_reported_and_hidden_until_their_next_attempt() -> None:
    receivers = Receivers(
        {
            f"{0:032x}": Delivery(True, "delivered", 204),
            f"{1:032x}": DeliveryFailed("hooks.example answered 503"),
            f"{2:032x}": Delivery(False, "http_410", 410),
            f"{3:032x}": DeliveryFailed("hooks.example answered 429", retry_after=900),
        }
    )
    visibility = Visibility()

    answer = relay_batch(_batch(*(_match(n) for n in range(4)), attempt=2), receivers, visibility)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}
    assert len(receivers.relayed) == 4
    assert visibility.set == {"r1": RETRY_DELAYS_SECONDS[1], "r3": 900}


def test_a_batch_that_failed_whole_is_an_answer_naming_every_item_not_an_error() -> None:
    receivers = Receivers({f"{n:032x}": DeliveryFailed("timed out") for n in range(2)})
    visibility = Visibility()

    answer = relay_batch(_batch(_match(0), _match(1)), receivers, visibility)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}]}
    assert visibility.set == {"r0": RETRY_DELAYS_SECONDS[0], "r1": RETRY_DELAYS_SECONDS[0]}


def test_the_last_attempt_failing_is_made_visible_at_once_for_the_dlq() -> None:
    visibility = Visibility()
    receivers = Receivers({f"{0:032x}": DeliveryFailed("answered 500", retry_after=60)})

    answer = relay_batch(_batch(_match(0), attempt=MAX_ATTEMPTS), receivers, visibility)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert visibility.set == {"r0": 0}


def test_the_local_scale_shortens_every_wait() -> None:
    visibility = Visibility()
    receivers = Receivers({f"{0:032x}": DeliveryFailed("answered 500")})

    relay_batch(_batch(_match(0), attempt=3), receivers, visibility, delay_scale=0.1)

    assert visibility.set == {"r0": int(RETRY_DELAYS_SECONDS[2] * 0.1)}


@pytest.fixture
def counted():  # type: ignore[no-untyped-def]
    metrics.clear_metrics()
    yield metrics.metric_set
    metrics.clear_metrics()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"a string"', "[" * 100_000 + "]" * 100_000])
def test_a_message_that_is_not_an_event_is_given_up_counted_and_leaves_the_queue(
    body: str, counted: dict
) -> None:
    receivers, visibility = Receivers({}), Visibility()

    answer = relay_batch(_batch(body), receivers, visibility)

    assert answer == {"batchItemFailures": []}
    assert receivers.relayed == [] and visibility.set == {}
    assert set(counted) == {"AlertWebhookGivenUp"}


def test_a_missing_queue_setting_names_itself() -> None:
    with pytest.raises(ConfigurationError, match="RELAY_QUEUE_URL"):
        relay_queue_url({})
    assert relay_queue_url({"RELAY_QUEUE_URL": " https://sqs/q "}) == "https://sqs/q"
