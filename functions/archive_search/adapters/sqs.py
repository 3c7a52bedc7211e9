"""SQS adapter: draining a DLQ (``archive-search redrive`` into the ingest queue,
``redrive-relay`` into the relay's), reading the ingest queue's backlog (``/health``) and
hiding a relay message until its next attempt."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive_search.errors import ArchiveSearchError, EngineUnavailable, NotFound


@lru_cache(maxsize=1)
def cached_sqs_client():  # type: ignore[no-untyped-def]
    return boto3.client("sqs")


# /health must answer quickly whatever SQS does: one attempt, one second per phase.
_QUICK = Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 1})


@lru_cache(maxsize=1)
def cached_quick_sqs_client():  # type: ignore[no-untyped-def]
    return boto3.client("sqs", config=_QUICK)


def queue_backlog(queue_url: str, *, client: Any = None) -> dict[str, int] | None:
    """Messages waiting in the queue (``queued``) and being processed (``in_flight``), or
    None when the queue cannot be read within the quick client's time."""
    sqs = client or cached_quick_sqs_client()
    try:
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
    except Exception:  # the backlog is informative: the caller reports it as unknown
        return None
    return {
        "queued": int(attributes.get("ApproximateNumberOfMessages", 0)),
        "in_flight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
    }


def change_visibility(queue_url: str, receipt_handle: str, seconds: int, *, client: Any = None) -> None:
    """Hide the received message ``receipt_handle`` of ``queue_url`` for ``seconds`` from now."""
    (client or cached_sqs_client()).change_message_visibility(
        QueueUrl=queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )


# What a drain hands each received batch to: the messages it accepted (deleted from the source)
# and, when it stopped short, the error to raise once those are deleted.
Forward = Callable[[list[dict[str, Any]]], tuple[list[dict[str, Any]], ArchiveSearchError | None]]


# Why a message must not be moved (the move stops there, the message stays), or None.
Refuse = Callable[[dict[str, Any]], ArchiveSearchError | None]


def redrive(
    source_url: str,
    target_url: str,
    *,
    limit: int | None = None,
    refuse: Refuse | None = None,
    client: Any = None,
) -> int:
    """Move messages from ``source_url`` (the DLQ) back to ``target_url``, bodies unchanged,
    stopping at the first one ``refuse`` refuses. Returns how many were moved (``drain``: an
    interruption duplicates, never loses)."""
    sqs = client or cached_sqs_client()

    def send_back(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], ArchiveSearchError | None]:
        stopped = None
        if refuse is not None:
            for i, message in enumerate(messages):
                if (stopped := refuse(message)) is not None:
                    messages = messages[:i]
                    break
        if not messages:
            return [], stopped
        entries = [{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)]
        for i, message in enumerate(messages):
            if message.get("MessageAttributes"):
                entries[i]["MessageAttributes"] = message["MessageAttributes"]
        sent = _call(sqs.send_message_batch, target_url, Entries=entries)
        ok = {entry["Id"] for entry in sent.get("Successful", [])}
        accepted = [m for i, m in enumerate(messages) if str(i) in ok]
        refused = len(messages) - len(accepted)
        if refused:
            return accepted, EngineUnavailable(
                f"{target_url} refused {refused} message(s); they stay in the DLQ"
            )
        return accepted, stopped

    return drain(source_url, send_back, limit=limit, client=sqs)


def drain(source_url: str, forward: Forward, *, limit: int | None = None, client: Any = None) -> int:
    """Receive messages from ``source_url`` in batches, hand each batch to ``forward`` and
    delete the messages it accepted; raise the error it stopped on. Returns how many moved.

    A message is deleted only after its target accepted it, so an interruption can
    duplicate a message (its consumer is idempotent) but never lose one."""
    sqs = client or cached_sqs_client()
    moved = 0
    while limit is None or moved < limit:
        count = 10 if limit is None else min(10, limit - moved)
        messages = _call(
            sqs.receive_message,
            source_url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        accepted, stopped = forward(messages)
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(accepted)]
        if done:
            _call(sqs.delete_message_batch, source_url, Entries=done)
        moved += len(done)
        if stopped is not None:
            raise stopped
    return moved


# The codes SQS answers for an unknown queue URL (JSON protocol, then the older query protocol).
_NO_QUEUE = ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")


def _call(operation: Any, queue_url: str, **kwargs: Any) -> dict[str, Any]:
    """``operation`` on ``queue_url``, its failures as domain errors naming the queue (an
    operator typing a URL gets a sentence, not botocore's stack trace)."""
    try:
        answer: dict[str, Any] = operation(QueueUrl=queue_url, **kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _NO_QUEUE:
            raise NotFound(f"no queue at {queue_url}") from exc
        raise EngineUnavailable(f"SQS error {code} on {queue_url}") from exc
    except BotoCoreError as exc:
        raise EngineUnavailable(f"SQS unreachable at {queue_url}: {exc}") from exc
    return answer
