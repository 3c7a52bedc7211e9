"""S3 adapter: reading uploads, bounded, and listing the bucket for reindex."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive_search.errors import EngineUnavailable, NotFound, RejectedInput
from archive_search.model import ObjectRef


@dataclass(frozen=True)
class StoredObject:
    ref: ObjectRef
    data: bytes
    etag: str
    content_type: str | None
    last_modified_iso: str


@lru_cache(maxsize=1)
def cached_s3_client():  # type: ignore[no-untyped-def]
    return boto3.client("s3", config=Config(retries={"mode": "standard", "max_attempts": 4}))


class ObjectStore:
    def __init__(self, client=None) -> None:  # type: ignore[no-untyped-def]
        self.client = client or cached_s3_client()

    def read(self, ref: ObjectRef, *, max_bytes: int) -> StoredObject:
        """Read an object whole, refusing (without downloading) one over ``max_bytes``."""
        try:
            head = self.client.head_object(Bucket=ref.bucket, Key=ref.key)
            size = head["ContentLength"]
            if size > max_bytes:
                raise RejectedInput(
                    "too_large", f"object is {size} bytes, over the limit of {max_bytes} bytes"
                )
            response = self.client.get_object(Bucket=ref.bucket, Key=ref.key, IfMatch=head["ETag"])
            data = response["Body"].read(max_bytes + 1)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchKey", "NotFound"):
                raise NotFound(f"s3://{ref.bucket}/{ref.key} does not exist") from exc
            if code in ("412", "PreconditionFailed"):
                raise EngineUnavailable(f"s3://{ref.bucket}/{ref.key} changed while being read") from exc
            raise EngineUnavailable(f"S3 error {code} reading s3://{ref.bucket}/{ref.key}") from exc
        except BotoCoreError as exc:
            raise EngineUnavailable(f"S3 unreachable: {exc}") from exc
        if len(data) > max_bytes:
            raise RejectedInput("too_large", f"object is over the limit of {max_bytes} bytes")
        return StoredObject(
            ref=ref,
            data=data,
            etag=head["ETag"].strip('"'),
            content_type=head.get("ContentType"),
            last_modified_iso=head["LastModified"].isoformat(),
        )

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[tuple[str, str]]:
        """(key, etag) of every object in the bucket, in key order."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"], item["ETag"].strip('"')
