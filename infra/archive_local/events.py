"""The archive's events on the local stack: moto's EventBridge, shaped as template.yaml.

``provision_events`` creates (idempotently) the bus ingest publishes to and two rules on it. One
matches every archive-search event, with two SQS targets:

- ``<bus>-subscriber``: the queue a subscriber reads (the tests, ``docs/events_consumer.py``);
  the stack never reads it, so nothing is taken from a consumer;
- ``<bus>-log``: drained by ``EventLog``, which logs one line per event and, when
  ``LOCAL_WEBHOOK_URL`` is set, POSTs each event there as EventBridge's API destination
  would (the event JSON as the body). A webhook that fails is tried again after the
  queue's visibility timeout, ``WEBHOOK_MAX_RECEIVES`` times in all, then given up with
  a warning (in AWS: the rule's retry policy, then its DLQ).

The other is the template's ``RelayRule`` (``Alert Matched`` with ``detail.target`` webhook) to
``<bus>-relay``, the template's ``RelayQueue`` (its redrive policy to ``<bus>-relay-dlq``), read
by ``AlertRelay`` as the relay's event source mapping reads it in AWS: each batch goes through
``archive_search.alerts.relay_queue``, the code the relay Lambda runs, so each match reaches its
own alert's ``webhook_url`` signed with ``LOCAL_WEBHOOK_SECRET``, and a failed one waits the same
backoff schedule (``LOCAL_WEBHOOK_BACKOFF_SCALE`` shortens it) before it reaches the DLQ.

``start_events`` does both for ``make run`` and sets ``EVENT_BUS_NAME`` for the ingest
handler. Environment: ``EVENT_BUS`` (default ``archive-search-events``),
``LOCAL_WEBHOOK_URL`` (default: none), ``LOCAL_WEBHOOK_SECRET`` (default
``DEFAULT_WEBHOOK_SECRET``), ``LOCAL_WEBHOOK_BACKOFF_SCALE`` (default 1).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from archive_local.config import StartupError
from archive_local.lambda_events import sqs_event
from archive_local.worker import messages_to_delete
from archive_search.adapters.sqs import change_visibility
from archive_search.alerts.events import DETAIL_TYPE as ALERT_MATCHED
from archive_search.alerts.relay import relay_match
from archive_search.alerts.relay_queue import MAX_ATTEMPTS, relay_batch

log = logging.getLogger("events")

DEFAULT_BUS = "archive-search-events"
RULE_NAME = "archive-search-all"
EVENT_PATTERN = {"source": ["archive-search"]}
RELAY_RULE_NAME = "archive-search-alert-webhooks"
# template.yaml's RelayRule: webhook alerts' matches only.
RELAY_PATTERN = {
    "source": ["archive-search"],
    "detail-type": [ALERT_MATCHED],
    "detail": {"target": ["webhook"]},
}
# Webhook alerts' own secrets derive from it unless LOCAL_WEBHOOK_SECRET names another: a
# fixed, documented value so a receiver on this machine can derive them too (docs/alerts.md).
DEFAULT_WEBHOOK_SECRET = "archive-search-local-webhook-secret"
# The moto secret holding it, named by WEBHOOK_SECRET_ID as template.yaml names AlertWebhookSecret.
WEBHOOK_SECRET_NAME = "archive-search-local-webhooks"
WEBHOOK_MAX_RECEIVES = 5
WEBHOOK_TIMEOUT_SECONDS = 5.0
LOG_VISIBILITY_SECONDS = 5  # how soon a failed webhook call is tried again
# Longer than the relay takes on a batch (connect and read bounded by its timeout), as the
# template's RelayQueue: a batch the pump dies on is received again after it.
RELAY_VISIBILITY_SECONDS = 180


@dataclass(frozen=True)
class LocalEvents:
    bus_name: str
    bus_arn: str
    queue_url: str  # for subscribers (tests, the example consumer)
    log_queue_url: str  # drained by EventLog
    relay_queue_url: str  # read by AlertRelay
    relay_dlq_url: str  # where a match goes after the relay's last attempt


def provision_events(events: Any, sqs: Any, bus_name: str = DEFAULT_BUS) -> LocalEvents:
    """The bus, its rule and the rule's two queues (created when missing)."""
    try:
        bus_arn = events.describe_event_bus(Name=bus_name)["Arn"]
    except events.exceptions.ResourceNotFoundException:
        bus_arn = events.create_event_bus(Name=bus_name)["EventBusArn"]
    queue_url = sqs.create_queue(QueueName=f"{bus_name}-subscriber")["QueueUrl"]
    log_queue_url = sqs.create_queue(
        QueueName=f"{bus_name}-log",
        Attributes={"VisibilityTimeout": str(LOG_VISIBILITY_SECONDS)},
    )["QueueUrl"]
    _route(
        events,
        bus_name,
        RULE_NAME,
        EVENT_PATTERN,
        "every archive-search event -> the subscriber queue and the stack's log",
        {"subscribers": _queue_arn(sqs, queue_url), "log": _queue_arn(sqs, log_queue_url)},
    )
    relay_dlq_url = sqs.create_queue(QueueName=f"{bus_name}-relay-dlq")["QueueUrl"]
    relay_queue_url = sqs.create_queue(
        QueueName=f"{bus_name}-relay",
        Attributes={
            "VisibilityTimeout": str(RELAY_VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": _queue_arn(sqs, relay_dlq_url), "maxReceiveCount": MAX_ATTEMPTS}
            ),
        },
    )["QueueUrl"]
    _route(
        events,
        bus_name,
        RELAY_RULE_NAME,
        RELAY_PATTERN,
        "webhook alerts' matches -> the relay",
        {"relay": _queue_arn(sqs, relay_queue_url)},
    )
    return LocalEvents(bus_name, bus_arn, queue_url, log_queue_url, relay_queue_url, relay_dlq_url)


def _route(
    events, bus_name: str, rule: str, pattern: dict, description: str, targets: dict[str, str]
) -> None:
    """Rule ``rule`` on the bus sends what ``pattern`` matches to each target (id -> ARN)."""
    events.put_rule(
        Name=rule,
        EventBusName=bus_name,
        EventPattern=json.dumps(pattern),
        State="ENABLED",
        Description=description,
    )
    events.put_targets(
        Rule=rule,
        EventBusName=bus_name,
        Targets=[{"Id": target_id, "Arn": arn} for target_id, arn in targets.items()],
    )


def _queue_arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def event_line(event: Mapping[str, Any]) -> str:
    """One readable line for one delivered event."""
    detail = event.get("detail") or {}
    where = f"s3://{detail.get('bucket')}/{detail.get('key')}"
    parts = [str(event.get("detail-type")), where]
    titles = [a.get("title") for a in detail.get("articles") or [] if a.get("title")]
    if titles:
        parts.append(json.dumps(titles[0], ensure_ascii=False))
    if detail.get("article_count"):
        parts.append(f"articles={detail['article_count']}")
    if detail.get("reason"):
        parts.append(f"reason={detail['reason']}")
    if detail.get("retracted_ids"):
        parts.append(f"retracted={len(detail['retracted_ids'])}")
    return " ".join(parts)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the webhook's answer, an HTTPError: urllib would follow a 302 to a POST with a
    GET without the body, losing the event while counting it as delivered."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_WEBHOOK_OPENER = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, body: bytes, timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> None:
    """POST ``body`` as JSON; raises OSError (URLError, HTTPError) unless the answer is 2xx.
    The status is the answer: the body is never read, so a huge or endless one cannot hold
    the event log."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    _WEBHOOK_OPENER.open(request, timeout=timeout).close()


def _receive(sqs: Any, queue_url: str, wait_seconds: int, attributes: list[str]) -> list[dict[str, Any]]:
    """One batch of up to 10 messages, long-polled for ``wait_seconds``."""
    return sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds, AttributeNames=attributes
    ).get("Messages", [])


def _delete(sqs: Any, queue_url: str, messages: Iterable[Mapping[str, Any]]) -> None:
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


class EventLog:
    """Drains the log queue: one log line per event, and a POST per event to ``webhook_url``."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        webhook_url: str | None = None,
        *,
        post: Callable[[str, bytes], None] = post_json,
        wait_seconds: int = 1,
    ) -> None:
        if webhook_url and not webhook_url.startswith(("http://", "https://")):
            raise ValueError(f"LOCAL_WEBHOOK_URL must be an http(s) URL, got {webhook_url!r}")
        self.sqs = sqs
        self.queue_url = queue_url
        self.webhook_url = webhook_url
        self.post = post
        self.wait_seconds = wait_seconds

    def poll_once(self) -> int:
        """Handle one batch of delivered events; returns how many were received."""
        messages = _receive(self.sqs, self.queue_url, self.wait_seconds, ["ApproximateReceiveCount"])
        # Each message is deleted as soon as it is done with, before the next is handled.
        _delete(self.sqs, self.queue_url, (message for message in messages if self._handle(message)))
        return len(messages)

    def _handle(self, message: Mapping[str, Any]) -> bool:
        """Whether the message is done with (logged, and POSTed or given up): one not done
        with is received again after the queue's visibility timeout."""
        receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            event = json.loads(message["Body"])
        except ValueError:
            log.warning("not an event, dropped: %.200s", message["Body"])
            return True
        if receives == 1:
            log.info("event %s", event_line(event))
        if not self.webhook_url:
            return True
        try:
            self.post(self.webhook_url, message["Body"].encode())
        except OSError as exc:
            if receives >= WEBHOOK_MAX_RECEIVES:
                log.warning(
                    "webhook %s refused event %s %d times (%s): given up",
                    self.webhook_url,
                    event.get("id"),
                    receives,
                    exc,
                )
                return True
            log.warning(
                "webhook %s failed (%s): retried in %d s", self.webhook_url, exc, LOG_VISIBILITY_SECONDS
            )
            return False
        return True


class AlertRelay:
    """The relay's event source mapping on ``make run``: receives a batch from the relay queue,
    runs the relay Lambda's batch code on it as an SQS event and deletes what it did not report
    failed. Each match goes to its own ``webhook_url``, signed with ``secret``; plain http to this
    machine's loopback allowed, as ``POST /alerts`` allows it for ``make run``. ``delay_scale``
    (0 to 1) shortens every wait of the backoff schedule."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        secret: bytes,
        *,
        delay_scale: float = 1.0,
        wait_seconds: int = 1,
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = _queue_arn(sqs, queue_url)
        self.relay = partial(relay_match, secret=secret, allow_loopback=True)
        self.hide = partial(change_visibility, queue_url, client=sqs)
        self.delay_scale = delay_scale
        self.wait_seconds = wait_seconds

    def poll_once(self) -> int:
        """Relay one batch; returns how many matches were received."""
        messages = _receive(self.sqs, self.queue_url, self.wait_seconds, ["All"])
        if messages:
            answer = relay_batch(
                sqs_event(messages, self.queue_arn), self.relay, self.hide, delay_scale=self.delay_scale
            )
            _delete(self.sqs, self.queue_url, messages_to_delete(messages, answer))
        return len(messages)


def local_webhook_secret(env: Mapping[str, str]) -> bytes:
    """``LOCAL_WEBHOOK_SECRET``: the stack secret webhook alerts' own secrets derive from."""
    return (env.get("LOCAL_WEBHOOK_SECRET", "").strip() or DEFAULT_WEBHOOK_SECRET).encode()


def provision_webhook_secret(endpoint_url: str, region: str, env: Mapping[str, str] | None = None) -> str:
    """For ``make run``, as template.yaml gives the write function: a secret on the moto server
    at ``endpoint_url`` holding ``LOCAL_WEBHOOK_SECRET``, named by ``WEBHOOK_SECRET_ID`` (set
    here, before the API's environments start); returns its name."""
    import boto3

    env = os.environ if env is None else env
    client = boto3.client("secretsmanager", endpoint_url=endpoint_url, region_name=region)
    value = local_webhook_secret(env).decode()
    try:
        client.create_secret(Name=WEBHOOK_SECRET_NAME, SecretString=value)
    except client.exceptions.ResourceExistsException:  # a moto server that outlived a stack
        client.put_secret_value(SecretId=WEBHOOK_SECRET_NAME, SecretString=value)
    os.environ["WEBHOOK_SECRET_ID"] = WEBHOOK_SECRET_NAME
    return WEBHOOK_SECRET_NAME


def backoff_scale(env: Mapping[str, str]) -> float:
    """``LOCAL_WEBHOOK_BACKOFF_SCALE``: 0 to 1, what every wait of the relay's schedule is
    multiplied by (0: a failed match is tried again at once)."""
    text = env.get("LOCAL_WEBHOOK_BACKOFF_SCALE", "").strip() or "1"
    try:
        scale = float(text)
    except ValueError:
        scale = -1.0
    if not 0 <= scale <= 1:  # also refuses nan
        raise StartupError(
            f"LOCAL_WEBHOOK_BACKOFF_SCALE must be a number from 0 to 1 (default 1), got {text!r}"
        )
    return scale


def start_events(
    endpoint_url: str, sqs: Any, env: Mapping[str, str] | None = None
) -> tuple[LocalEvents, Any]:
    """For ``make run``: provision the bus on the moto server at ``endpoint_url``, point
    ingest at it (``EVENT_BUS_NAME``) and start the event log; returns the bus and the
    log's runner (``stop()`` it)."""
    import boto3

    from archive_local.stack import Periodic

    env = os.environ if env is None else env
    events = boto3.client("events", endpoint_url=endpoint_url, region_name=sqs.meta.region_name)
    local = provision_events(events, sqs, env.get("EVENT_BUS", "").strip() or DEFAULT_BUS)
    os.environ["EVENT_BUS_NAME"] = local.bus_name
    webhook = env.get("LOCAL_WEBHOOK_URL", "").strip() or None
    try:
        event_log = EventLog(sqs, local.log_queue_url, webhook)
    except ValueError as exc:
        raise StartupError(str(exc)) from None
    secret = local_webhook_secret(env)
    scale = backoff_scale(env)
    # The log queue's receive waits; this one only looks.
    relay = AlertRelay(sqs, local.relay_queue_url, secret, delay_scale=scale, wait_seconds=0)
    runner = Periodic("events", 0.1, lambda: event_log.poll_once() + relay.poll_once())
    runner.start()
    log.info(
        "events: bus %s -> rule %s -> queue %s%s",
        local.bus_name,
        RULE_NAME,
        local.queue_url,
        f" and POST {webhook}" if webhook else "",
    )
    return local, runner
