"""SQS adapter: replaying the ingest DLQ (``archive-search redrive``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3


@lru_cache(maxsize=1)
def cached_sqs_client():  # type: ignore[no-untyped-def]
    return boto3.client("sqs")


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
