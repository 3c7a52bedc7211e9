"""The write logic: records and upload requests -> objects in the bucket (never the index).

The object store and the search engine are passed in (``ObjectStore``, ``SearchEngine``),
so the same code runs in Lambda, in the local stack and in tests.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from archive_search.errors import Conflict, InvalidRequest, NotFound
from archive_search.ingest import receipts
from archive_search.ingest.status_api import status_path
from archive_search.model import ObjectRef, document_id
from archive_search.upload_formats import max_input_bytes
from archive_search.writes.records import (
    WRITE_PREFIXES,
    ArticleRecord,
    article_claim_key,
    article_key,
    content_digest,
    external_id_key,
    upload_claim_key,
    upload_key,
)

if TYPE_CHECKING:
    from archive_search.adapters.s3 import StoredObject

# S3 user metadata (x-amz-meta-*) recording the stored record's digest, so a retried request
# can tell its own earlier write from different content; an article stored by Idempotency-Key
# also records the digest of its whole request, so a list with an article more or less is
# another request too, not a retry (objects stored before it have none: their article is compared).
DIGEST_METADATA = "content-sha256"
REQUEST_DIGEST_METADATA = "request-sha256"
UPLOAD_EXPIRES_SECONDS = 900
# An Idempotency-Key's claim holds at most its request's answer (the keys and ids of at most
# MAX_ARTICLES_PER_REQUEST articles); more is not a claim this service wrote.
MAX_CLAIM_BYTES = 1024 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class Written:
    key: str
    id: str
    status_url: str
    unchanged: bool

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "id": self.id, "status_url": self.status_url, "unchanged": self.unchanged}


class ArchiveWriter:
    def __init__(
        self, store: Any, engine: Any, *, bucket: str, receipts_alias: str, max_object_bytes: int
    ) -> None:
        self.store = store
        self.engine = engine
        self.bucket = bucket
        self.receipts_alias = receipts_alias
        self.max_object_bytes = max_object_bytes

    def put_articles(
        self, records: list[ArticleRecord], idempotency_key: str | None, *, request: str = "POST /articles"
    ) -> list[Written]:
        """Store each record as its own object (one article per object, so each can be
        replaced or deleted alone). A record whose key already holds the same content is
        not written again; an Idempotency-Key reused with another request (``request``: the
        route, then the records) is a Conflict. An object ingest would reject for its size is
        refused before anything is written."""
        objects = []
        for index, record in enumerate(records):
            ref = ObjectRef(self.bucket, article_key(record, idempotency_key, index))
            data = record.object_bytes()
            # The bound ingest reads the object with (its .json key names the format's); checked
            # before the key is claimed, so a refused request leaves the key free for the fixed one.
            max_bytes = min(self.max_object_bytes, max_input_bytes(ref.key))
            if len(data) > max_bytes:
                raise InvalidRequest(
                    f"articles[{index}]: stored as {len(data)} bytes of JSON, over the limit of "
                    f"{max_bytes} bytes ingest accepts for one object",
                    f"articles[{index}]",
                )
            objects.append((record, ref, data))
        content = b"\n".join(data for _, _, data in objects)
        answer, replayed = self._once(
            idempotency_key,
            request.encode() + b"\n" + content,
            lambda: [item.as_dict() for item in self._put(objects, idempotency_key, content_digest(content))],
        )
        return [Written(**{**item, "unchanged": item["unchanged"] or replayed}) for item in answer]

    def _put(
        self,
        objects: list[tuple[ArticleRecord, ObjectRef, bytes]],
        idempotency_key: str | None,
        request_digest: str,
    ) -> list[Written]:
        planned = []
        for index, (record, ref, data) in enumerate(objects):
            digest = content_digest(data)
            stored = self.store.metadata(ref)
            by_request = bool(idempotency_key) and not record.external_id
            if by_request and stored is not None and not _same_request(stored, digest, request_digest):
                raise _reused(idempotency_key, index)
            unchanged = stored is not None and stored.get(DIGEST_METADATA) == digest
            planned.append((index, ref, data, digest, unchanged, by_request))
        written = []
        for index, ref, data, digest, unchanged, by_request in planned:
            if not unchanged:
                metadata = {DIGEST_METADATA: digest}
                if by_request:
                    metadata[REQUEST_DIGEST_METADATA] = request_digest
                try:
                    # A key of an Idempotency-Key is written only while it is free: another
                    # request with that key may have stored its article since the check.
                    self.store.write(
                        ref, data, content_type="application/json", metadata=metadata, if_absent=by_request
                    )
                except Conflict:
                    stored = self.store.metadata(ref)
                    if stored is None or not _same_request(stored, digest, request_digest):
                        raise _reused(idempotency_key, index) from None
                    unchanged = True  # a concurrent retry stored these same bytes
            written.append(Written(ref.key, document_id(ref, 0), status_path(ref.key), unchanged))
        return written

    def delete_by_external_id(self, external_id: str, idempotency_key: str | None = None) -> dict[str, Any]:
        """Delete the article stored under ``external_id`` (no index lookup: its key is known)."""
        request = f"DELETE /articles/by-external-id/{external_id}".encode()
        return self._once(idempotency_key, request, lambda: self._delete_by_external_id(external_id))[0]

    def _delete_by_external_id(self, external_id: str) -> dict[str, Any]:
        ref = ObjectRef(self.bucket, external_id_key(external_id))
        if self.store.metadata(ref) is None:
            raise NotFound(f"no article with external_id {external_id}")
        self.store.delete(ref)
        return {"id": document_id(ref, 0), "key": ref.key, "status_url": status_path(ref.key)}

    def delete_article(
        self, article_id: str, live_document: Callable[[], dict[str, Any]], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """Delete the object an article came from (``live_document``: reads its live index
        document, ``NotFound`` when there is none)."""
        request = f"DELETE /articles/{article_id}".encode()
        return self._once(
            idempotency_key, request, lambda: self._delete_article(article_id, live_document())
        )[0]

    def _delete_article(self, article_id: str, document: dict[str, Any]) -> dict[str, Any]:
        ref = ObjectRef(str(document.get("bucket")), str(document.get("key")))
        if ref.bucket != self.bucket or not ref.key.startswith(WRITE_PREFIXES):
            raise Conflict(
                f"article {article_id} comes from s3://{ref.bucket}/{ref.key}, which was not written "
                f"through this API (only {' and '.join(WRITE_PREFIXES)} are): delete that object from "
                "the bucket instead",
                "id",
            )
        found = receipts.read_receipts(self.engine, self.receipts_alias, [ref])
        articles = receipts.live_articles(found[ref][1]) if ref in found else 1
        if articles > 1:
            raise Conflict(
                f"article {article_id} is one of the {articles} articles of s3://{ref.bucket}/{ref.key}; "
                "deleting the source would delete all of them: upload the file again without this "
                "article, or delete the file itself from the bucket",
                "id",
            )
        self.store.delete(ref)
        return {"id": article_id, "key": ref.key, "status_url": status_path(ref.key)}

    def presign_upload(self, filename: str, content_type: str, idempotency_key: str | None) -> dict[str, Any]:
        if idempotency_key:
            self._claim_upload_key(idempotency_key, filename, content_type)
        ref = ObjectRef(self.bucket, upload_key(filename, idempotency_key))
        # What ingest will read of this file: its format's bound (a text dump's is 1 MiB).
        max_bytes = min(self.max_object_bytes, max_input_bytes(ref.key, content_type))
        post = self.store.presigned_post(
            ref, content_type=content_type, max_bytes=max_bytes, expires_in=UPLOAD_EXPIRES_SECONDS
        )
        return {
            "key": ref.key,
            "upload": {"method": "POST", "url": post["url"], "fields": post["fields"]},
            "content_type": content_type,
            "max_bytes": max_bytes,
            "expires_at": time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + UPLOAD_EXPIRES_SECONDS)
            ),
            "status_url": status_path(ref.key),
        }

    def _claim_upload_key(self, idempotency_key: str, filename: str, content_type: str) -> None:
        """Record what this Idempotency-Key asks for (filename and content type) the first time,
        and refuse it with another request later: a Conflict, as the article routes do."""
        request = json.dumps({"filename": filename, "content_type": content_type}, sort_keys=True).encode()
        self._claim(
            ObjectRef(self.bucket, upload_claim_key(idempotency_key)),
            request,
            body=request,
            refused=lambda: Conflict(
                f"Idempotency-Key {idempotency_key} was used before for another upload (another "
                "filename or content_type); send a new key for a new upload",
                "Idempotency-Key",
            ),
        )

    def _once(self, idempotency_key: str | None, request: bytes, apply: Callable[[], T]) -> tuple[T, bool]:
        """``(answer, replayed)``: ``apply()``, the write an article route asked for (``request``:
        the route, its target and content), done once per Idempotency-Key. One key names one
        request: sent again with another route, target or content it is a Conflict, before
        anything changes. The answer is recorded in the key's claim, and a retry gets it again
        without the write being done again: a late retry must not undo what came after it (bring
        back an article deleted since, or put back an older version). A claim without an answer
        is a request that did not finish: its retry does the work."""
        if not idempotency_key:
            return apply(), False
        ref = ObjectRef(self.bucket, article_claim_key(idempotency_key))
        claim = self._claim(
            ref,
            request,
            body=b"",
            refused=lambda: Conflict(
                f"Idempotency-Key {idempotency_key} was used before for another request (other "
                "content, another article or another route); send a new key for a new request",
                "Idempotency-Key",
            ),
        )
        if claim is not None and claim.data:
            return json.loads(claim.data), True
        answer = apply()
        self.store.write(
            ref,
            json.dumps(answer).encode(),
            content_type="application/json",
            metadata={REQUEST_DIGEST_METADATA: content_digest(request)},
        )
        return answer, False

    def _claim(
        self, ref: ObjectRef, request: bytes, *, body: bytes, refused: Callable[[], Conflict]
    ) -> StoredObject | None:
        """Claim ``ref`` for ``request`` (its digest in the claim's metadata, ``body`` its
        content): ``None`` when this request made the claim, the stored claim when the same
        request made it before, ``refused()`` when another did. Written only while it is free
        (S3's conditional write), so of two requests racing with one key and different content
        one wins and the other is refused."""
        digest = content_digest(request)
        stored = self._stored_claim(ref)
        if stored is None:
            try:
                self.store.write(
                    ref,
                    body,
                    content_type="application/json",
                    metadata={REQUEST_DIGEST_METADATA: digest},
                    if_absent=True,
                )
                return None
            except Conflict:
                stored = self._stored_claim(ref)  # another request claimed it since the check
        if stored is None or stored.metadata.get(REQUEST_DIGEST_METADATA) != digest:
            raise refused()
        return stored

    def _stored_claim(self, ref: ObjectRef) -> StoredObject | None:
        try:
            return self.store.read(ref, max_bytes=MAX_CLAIM_BYTES)
        except NotFound:
            return None


def _same_request(stored: dict[str, str], digest: str, request_digest: str) -> bool:
    """Whether an object stored under an Idempotency-Key was written by this same request."""
    if stored.get(DIGEST_METADATA) != digest:
        return False
    return stored.get(REQUEST_DIGEST_METADATA, request_digest) == request_digest


def _reused(idempotency_key: str | None, index: int) -> Conflict:
    return Conflict(
        f"articles[{index}]: Idempotency-Key {idempotency_key} was used before for other "
        "content; send a new key for a new request",
        "Idempotency-Key",
    )


def missing_article(article_id: str) -> NotFound:
    return NotFound(
        f"no article with id {article_id}; an article written a moment ago has an id once its "
        "status_url says indexed"
    )
