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
        self.delete_markers: list[dict[str, Any]] = []  # a versioned bucket's DELETEs

    def put_object(
        self,
        Bucket: str,
        Key: str,
        Body: bytes,
        ContentType: str = "binary/octet-stream",
        Metadata: dict | None = None,
    ) -> dict[str, Any]:
        Key.encode("utf-8")  # as botocore does to put the key in the URL: a surrogate raises
        etag = f'"{hashlib.md5(Body).hexdigest()}"'
        self.objects[(Bucket, Key)] = {
            "data": Body,
            "ETag": etag,
            "ContentType": ContentType,
            "Metadata": Metadata or {},
        }
        self.puts.append(Key)
        self._hide_markers(Bucket, Key)
        return {"ETag": etag}

    def delete_object(self, Bucket: str, Key: str) -> None:
        self.objects.pop((Bucket, Key), None)
        self._hide_markers(Bucket, Key)
        version = f"marker-{len(self.delete_markers)}"
        self.delete_markers.append({"Bucket": Bucket, "Key": Key, "VersionId": version, "IsLatest": True})

    def _hide_markers(self, bucket: str, key: str) -> None:
        for marker in self.delete_markers:
            if (marker["Bucket"], marker["Key"]) == (bucket, key):
                marker["IsLatest"] = False

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
        fake = self
        if name == "list_object_versions":

            class VersionPaginator:
                def paginate(self, Bucket: str) -> list[dict[str, Any]]:
                    markers = [
                        {k: v for k, v in m.items() if k != "Bucket"}
                        for m in fake.delete_markers
                        if m["Bucket"] == Bucket
                    ]
                    return [{"DeleteMarkers": markers}]

            return VersionPaginator()
        assert name == "list_objects_v2"

        class Paginator:
            def paginate(self, Bucket: str) -> list[dict[str, Any]]:
                contents = [
                    {"Key": key, "ETag": obj["ETag"]}
                    for (bucket, key), obj in sorted(fake.objects.items())
                    if bucket == Bucket
                ]
                return [{"Contents": contents}] if contents else [{}]

        return Paginator()
