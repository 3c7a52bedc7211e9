"""S3 adapter: reading uploads, bounded, and listing the bucket for reindex; writing the
service's own objects (the line statistics, by the CLI: never by ingest); the write API's
objects, deletes and presigned uploads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from archive_search.errors import Conflict, NotFound, RejectedInput, StorageUnavailable
from archive_search.model import ObjectRef
from archive_search.upload_formats import named_format, over_limit


@dataclass(frozen=True)
class StoredObject:
    ref: ObjectRef
    data: bytes
    etag: str
    content_type: str | None
    last_modified_iso: str
    metadata: dict[str, str] = field(default_factory=dict)
    content_encoding: str | None = None


# Connections the client keeps alive: at least one per concurrent read (ingest's readers), so
# every GET reuses a connection instead of opening (and, over TLS, negotiating) a new one.
MAX_POOL_CONNECTIONS = 10
# Seconds to connect, and of silence on a connection, before a try gives up: botocore's 60 s
# would let a stalled GET hold a reader (and its connection) past the invocation.
CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 10.0


@lru_cache(maxsize=1)
def cached_s3_client():  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        config=Config(
            retries={"mode": "standard", "max_attempts": 4},
            max_pool_connections=MAX_POOL_CONNECTIONS,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
        ),
    )


class ObjectStore:
    def __init__(self, client=None) -> None:  # type: ignore[no-untyped-def]
        self.client = client or cached_s3_client()

    def read(self, ref: ObjectRef, *, max_bytes: int) -> StoredObject:
        """Read an object whole with one GET, refusing one over ``max_bytes`` by the response's
        length, before its body is read."""
        try:
            response = self.client.get_object(Bucket=ref.bucket, Key=ref.key)
            body = response["Body"]
            size = response.get("ContentLength")
            if size is not None and size > max_bytes:
                body.close()
                raise RejectedInput(
                    "too_large", f"{ref.key}: {over_limit(size, max_bytes, named_format(ref.key, None))}"
                )
            data = body.read(max_bytes + 1)
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc, ref, "reading") from exc
        if len(data) > max_bytes:
            raise RejectedInput(
                "too_large", f"{ref.key}: {over_limit(None, max_bytes, named_format(ref.key, None))}"
            )
        return StoredObject(
            ref=ref,
            data=data,
            etag=response["ETag"].strip('"'),
            content_type=response.get("ContentType"),
            last_modified_iso=response["LastModified"].isoformat(),
            metadata=dict(response.get("Metadata") or {}),
            content_encoding=response.get("ContentEncoding"),
        )

    def read_if_changed(self, ref: ObjectRef, *, etag: str, max_bytes: int) -> StoredObject | None:
        """``None`` when the object's ETag is still ``etag`` (one HEAD), else ``read``."""
        try:
            head = self.client.head_object(Bucket=ref.bucket, Key=ref.key)
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc, ref, "reading") from exc
        if head["ETag"].strip('"') == etag:
            return None
        return self.read(ref, max_bytes=max_bytes)

    def write(
        self,
        ref: ObjectRef,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
        if_absent: bool = False,
    ) -> str:
        """Put ``data`` at ``ref``; its ETag. The bucket notifies ingest of every write.
        ``if_absent``: only when no object is there (S3's conditional write), else ``Conflict``."""
        condition = {"IfNoneMatch": "*"} if if_absent else {}
        try:
            response = self.client.put_object(
                Bucket=ref.bucket,
                Key=ref.key,
                Body=data,
                ContentType=content_type,
                Metadata=metadata or {},
                **condition,
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if if_absent and code in ("412", "PreconditionFailed", "409", "ConditionalRequestConflict"):
                raise Conflict(f"s3://{ref.bucket}/{ref.key} was written by another request") from exc
            raise _error(exc, ref, "writing") from exc
        except BotoCoreError as exc:
            raise _error(exc, ref, "writing") from exc
        return str(response["ETag"]).strip('"')

    def metadata(self, ref: ObjectRef) -> dict[str, str] | None:
        """The user metadata of the object at ``ref`` (one HEAD), ``None`` when there is none."""
        try:
            head = self.client.head_object(Bucket=ref.bucket, Key=ref.key)
        except (ClientError, BotoCoreError) as exc:
            error = _error(exc, ref, "reading")
            if isinstance(error, NotFound):
                return None
            raise error from exc
        return dict(head.get("Metadata") or {})

    def delete(self, ref: ObjectRef) -> None:
        """Delete the object at ``ref`` (in a versioned bucket: a delete marker, the versions
        stay); the bucket notifies ingest, which tombstones its documents."""
        try:
            self.client.delete_object(Bucket=ref.bucket, Key=ref.key)
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc, ref, "deleting") from exc

    def presigned_post(
        self, ref: ObjectRef, *, content_type: str, max_bytes: int, expires_in: int
    ) -> dict[str, Any]:
        """A browser-style POST upload of exactly ``ref``: S3 refuses another key, another
        content type, an empty file or one over ``max_bytes``. ``{"url", "fields"}``."""
        try:
            return dict(
                self.client.generate_presigned_post(
                    Bucket=ref.bucket,
                    Key=ref.key,
                    Fields={"Content-Type": content_type},
                    Conditions=[
                        {"Content-Type": content_type},
                        ["content-length-range", 1, max_bytes],
                    ],
                    ExpiresIn=expires_in,
                )
            )
        except (ClientError, BotoCoreError) as exc:
            raise _error(exc, ref, "signing an upload to") from exc

    def bucket_exists(self, bucket: str) -> bool:
        """Whether a bucket named ``bucket`` exists (one HEAD). A 403 is a bucket that exists
        but is not ours to read: only a 404 says there is none."""
        try:
            self.client.head_bucket(Bucket=bucket)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchBucket", "NotFound"):
                return False
            if code in ("403", "AccessDenied", "Forbidden"):
                return True
            raise _error(exc, ObjectRef(bucket, ""), "reading") from exc
        except BotoCoreError as exc:
            raise _error(exc, ObjectRef(bucket, ""), "reading") from exc
        return True

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[tuple[str, str]]:
        """(key, etag) of every object in the bucket, in key order; ``NotFound`` when there is
        no such bucket."""
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield item["Key"], item["ETag"].strip('"')
        except ClientError as exc:
            # Only a listing names a missing bucket as such: a read of one object keeps its
            # own mapping (a missing key is a deleted object to ingest, a missing bucket not).
            if exc.response.get("Error", {}).get("Code") == "NoSuchBucket":
                raise NotFound(f"no bucket named {bucket}") from exc
            raise _error(exc, ObjectRef(bucket, prefix), "listing") from exc
        except BotoCoreError as exc:
            raise _error(exc, ObjectRef(bucket, prefix), "listing") from exc


def _error(exc: ClientError | BotoCoreError, ref: ObjectRef, doing: str) -> Exception:
    """The domain error for an S3 failure on ``ref``: a missing key is ``NotFound``, the rest
    (a changed object, throttling, access, network) ``StorageUnavailable``."""
    if isinstance(exc, BotoCoreError):
        return StorageUnavailable(f"S3 unreachable: {exc}")
    code = exc.response.get("Error", {}).get("Code", "")
    where = f"s3://{ref.bucket}/{ref.key}"
    if code in ("404", "NoSuchKey", "NotFound"):
        return NotFound(f"{where} does not exist")
    if code in ("412", "PreconditionFailed"):
        return StorageUnavailable(f"{where} changed while being read")
    return StorageUnavailable(f"S3 error {code} {doing} {where}")
