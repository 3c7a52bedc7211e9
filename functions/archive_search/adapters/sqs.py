"""SQS adapter: replaying the ingest DLQ (``archive-search redrive``) and reading the ingest
queue's backlog (``/health``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config


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


def redrive(source_url: str, target_url: str, *, limit: int | None = None, client: Any = None) -> int:
    """Move messages from ``source_url`` (the DLQ) back to ``target_url``, bodies unchanged.

    A message is deleted from the DLQ only after the queue accepted it, so an
    interruption can duplicate a message (ingest is idempotent) but never lose one.
    Returns how many were moved."""
    sqs = client or cached_sqs_client()
    moved = 0
    while limit is None or moved < limit:
        count = 10 if limit is None else min(10, limit - moved)
        messages = sqs.receive_message(
            QueueUrl=source_url, MaxNumberOfMessages=count, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            break
        entries = [{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)]
        for i, message in enumerate(messages):
            if message.get("MessageAttributes"):
                entries[i]["MessageAttributes"] = message["MessageAttributes"]
        sent = sqs.send_message_batch(QueueUrl=target_url, Entries=entries)
        ok = {entry["Id"] for entry in sent.get("Successful", [])}
        done = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(messages)
            if str(i) in ok
        ]
        if done:
            sqs.delete_message_batch(QueueUrl=source_url, Entries=done)
        moved += len(done)
        if len(done) < len(messages):
            raise RuntimeError(
                f"the queue refused {len(messages) - len(done)} message(s); they stay in the DLQ"
            )
    return moved
