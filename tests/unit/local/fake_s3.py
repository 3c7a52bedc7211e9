"""An in-memory stand-in for the few S3 calls the inbox and the mirror make."""

from __future__ import annotations

import hashlib
import io
from typing import Any


class FakeS3:
    class exceptions:  # named like boto3's client.exceptions namespace
        class NoSuchKey(Exception):
            pass

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.puts: list[str] = []

    def put_object(
        self,
        Bucket: str,
        Key: str,
        Body: bytes,
        ContentType: str = "binary/octet-stream",
        Metadata: dict | None = None,
    ) -> dict[str, Any]:
        etag = f'"{hashlib.md5(Body).hexdigest()}"'
        self.objects[(Bucket, Key)] = {
            "data": Body,
            "ETag": etag,
            "ContentType": ContentType,
            "Metadata": Metadata or {},
        }
        self.puts.append(Key)
        return {"ETag": etag}

    def delete_object(self, Bucket: str, Key: str) -> None:
        self.objects.pop((Bucket, Key), None)

    def get_object(self, Bucket: str, Key: str) -> dict[str, Any]:
        try:
            obj = self.objects[(Bucket, Key)]
        except KeyError:
            raise self.exceptions.NoSuchKey(Key) from None
        return {
            "Body": io.BytesIO(obj["data"]),
            "ETag": obj["ETag"],
            "ContentType": obj["ContentType"],
            "Metadata": obj["Metadata"],
        }

    def get_paginator(self, name: str) -> Any:
        assert name == "list_objects_v2"
        fake = self

        class Paginator:
            def paginate(self, Bucket: str) -> list[dict[str, Any]]:
                contents = [
                    {"Key": key, "ETag": obj["ETag"]}
                    for (bucket, key), obj in sorted(fake.objects.items())
                    if bucket == Bucket
                ]
                return [{"Contents": contents}] if contents else [{}]

        return Paginator()
