"""Delete notifications moto does not send.

In a versioned bucket a DELETE without a version id only adds a delete marker; AWS
then notifies ``s3:ObjectRemoved:DeleteMarkerCreated``, moto sends nothing, so the
removed article would stay searchable. The stack polls the bucket's delete markers
and sends the notification AWS would have sent to the ingest queue, so deletes take
the real ingest path.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

log = logging.getLogger("s3")


def delete_marker_notification(
    bucket: str, key: str, event_time: datetime, version_id: str | None, *, sequencer: str | None = None
) -> str:
    """The SQS message body S3 sends for ``s3:ObjectRemoved:DeleteMarkerCreated``.

    Without ``sequencer`` the worker stamps it with the one the S3 front gave the delete
    (matched by ``version_id``)."""
    obj: dict[str, Any] = {"key": quote_plus(key), "size": 0}
    if version_id:
        obj["versionId"] = version_id
    if sequencer:
        obj["sequencer"] = sequencer
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": event_time.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "eventName": "ObjectRemoved:DeleteMarkerCreated",
        "userIdentity": {"principalId": "local"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "local", "x-amz-id-2": "local"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "local-stack-delete-markers",
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": "local"},
                "arn": f"arn:aws:s3:::{bucket}",
            },
            "object": obj,
        },
    }
    return json.dumps({"Records": [record]})


class DeleteMarkerWatcher:
    """Sends one notification per new delete marker that hides its key."""

    def __init__(self, s3: Any, sqs: Any, bucket: str, queue_url: str) -> None:
        self.s3 = s3
        self.sqs = sqs
        self.bucket = bucket
        self.queue_url = queue_url
        self.announced: set[tuple[str, str]] = set()

    def poll(self) -> list[str]:
        """Notify the keys newly hidden by a delete marker; returns them."""
        # The event's time: the listing starts after every delete it shows (the order
        # comes from the sequencer the worker stamps by the marker's version id).
        listed_at = datetime.now(UTC)
        markers: list[tuple[str, str]] = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket):
            for marker in page.get("DeleteMarkers", []):
                if marker.get("IsLatest"):
                    markers.append((marker["Key"], str(marker["VersionId"])))
        notified: list[str] = []
        for key, version_id in markers:
            if (key, version_id) in self.announced:
                continue
            body = delete_marker_notification(self.bucket, key, listed_at, version_id)
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)
            self.announced.add((key, version_id))
            notified.append(key)
            log.info("s3://%s/%s deleted (delete marker): sent ObjectRemoved to the queue", self.bucket, key)
        return notified
