"""Example consumer of archive-search events (docs/events.md): reads the SQS queue a rule on
the archive's bus fills, and keeps a small catalogue of what the archive holds.

    source .local/env.sh                      # the local stack's endpoint (make run)
    python docs/events_consumer.py            # follow the events (Ctrl-C to stop)
    python docs/events_consumer.py --once     # read what is waiting, then stop

The queue defaults to the local stack's subscriber queue (``archive-search-events-subscriber``);
pass a queue URL to read another one, e.g. the target of your own rule in AWS.

What a consumer has to do, shown here:
- accept the schema versions it knows (``schema_version`` "1"), skip others loudly;
- drop copies: delivery is at least once, and ``detail.event_id`` is the same on every copy;
- tell the types apart: an ``Alert Matched`` (a saved search's match, docs/alerts.md) reaches
  a rule on the whole source too, and its detail has no ``version`` or ``articles``;
- order per object: ``detail.version`` grows with each S3 event on a key, so an event
  older than the last one applied to its key is stale;
- delete a message only after it was handled, so a crash means a redelivery, not a loss.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import Any

import boto3

DEFAULT_QUEUE = "archive-search-events-subscriber"
KNOWN_SCHEMAS = {"1"}


class Catalogue:
    """Which articles are live, per object key, as the events tell it."""

    def __init__(self) -> None:
        self.articles: dict[str, dict[str, Any]] = {}  # article id -> title, key
        self.versions: dict[tuple[str, str], int] = {}  # (bucket, key) -> last applied version
        self.seen: set[str] = set()  # event ids (a real consumer keeps these for a while, bounded)

    def apply(self, event: dict[str, Any]) -> str:
        """Apply one delivered event; returns what happened, as one line."""
        detail = event.get("detail") or {}
        kind = event.get("detail-type")
        if detail.get("schema_version") not in KNOWN_SCHEMAS:
            return f"skipped {kind}: unknown schema_version {detail.get('schema_version')!r}"
        if detail["event_id"] in self.seen:
            return f"skipped {kind} s3://{detail['bucket']}/{detail['key']}: a copy"
        self.seen.add(detail["event_id"])
        if kind == "Alert Matched":
            # A saved search's match (docs/alerts.md): it names an article, changes no object.
            return (
                f"{kind}: {detail['alert_name']}, s3://{detail['bucket']}/{detail['key']}: {detail['title']}"
            )
        where = (detail["bucket"], detail["key"])
        if detail["version"] is not None and detail["version"] < self.versions.get(where, -1):
            return f"skipped {kind} s3://{detail['bucket']}/{detail['key']}: older than the last one applied"
        if detail["version"] is not None:
            self.versions[where] = detail["version"]
        for article_id in detail["retracted_ids"]:
            self.articles.pop(article_id, None)
        for article in detail["articles"]:
            self.articles[article["id"]] = {"title": article["title"], "key": detail["key"]}
        line = f"{kind} s3://{detail['bucket']}/{detail['key']}"
        if detail["reason"]:
            line += f" ({detail['reason']}: {detail['message']})"
        titles = [a["title"] for a in detail["articles"]]
        if titles:
            line += f": {'; '.join(titles)}"
        return f"{line} -> {len(self.articles)} live article(s)"


def follow(queue_url: str, once: bool, sqs: Any = None) -> Catalogue:
    sqs = sqs or boto3.client("sqs")
    catalogue = Catalogue()
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1 if once else 10
        ).get("Messages", [])
        if not messages and once:
            return catalogue
        for message in messages:
            print(catalogue.apply(json.loads(message["Body"])), flush=True)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queue", nargs="?", help=f"queue URL (default: the local {DEFAULT_QUEUE})")
    parser.add_argument("--once", action="store_true", help="stop when no message is waiting")
    args = parser.parse_args(argv)
    sqs = boto3.client("sqs", region_name=os.environ.get("AWS_REGION", "us-east-1"))
    queue_url = args.queue or sqs.get_queue_url(QueueName=DEFAULT_QUEUE)["QueueUrl"]
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends following
        follow(queue_url, args.once, sqs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
