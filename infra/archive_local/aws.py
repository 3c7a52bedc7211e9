"""Provisioning of the archive's AWS resources on a local endpoint (moto server),
shaped as template.yaml shapes them in AWS: versioned bucket, ingest queue with a
DLQ and redrive policy, bucket notifications for ObjectCreated/ObjectRemoved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

REDRIVE_MAX_RECEIVES = 3


@dataclass(frozen=True)
class Archive:
    bucket: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str


def clients(endpoint_url: str | None, region: str = "us-east-1") -> tuple[Any, Any]:
    """S3 and SQS clients for an endpoint (``None``: boto3's own resolution, e.g. when
    pytest-localstack has patched botocore)."""
    kwargs: dict[str, Any] = {"region_name": region}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    return boto3.client("s3", **kwargs), boto3.client("sqs", **kwargs)


def provision(
    s3: Any,
    sqs: Any,
    bucket: str,
    queue: str,
    *,
    visibility_timeout: int = 30,
    max_receives: int = REDRIVE_MAX_RECEIVES,
) -> Archive:
    """Create (idempotently) the bucket, queue, DLQ and the notification wiring."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    dlq_url = sqs.create_queue(QueueName=f"{queue}-dlq")["QueueUrl"]
    dlq_arn = _arn(sqs, dlq_url)
    queue_url = sqs.create_queue(
        QueueName=queue,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
            ),
        },
    )["QueueUrl"]
    queue_arn = _arn(sqs, queue_url)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
            ]
        },
    )
    return Archive(bucket=bucket, queue_url=queue_url, queue_arn=queue_arn, dlq_url=dlq_url, dlq_arn=dlq_arn)


def _arn(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def queue_depth(sqs: Any, queue_url: str) -> int:
    """Messages in a queue, visible or in flight: 0 means nothing is left to process."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())
