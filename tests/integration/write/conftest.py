"""The write routes driven through the real write handler, on a moto bucket whose
notifications feed the real ingest handler (``ingest`` fixture)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest

from archive_local.deletes import DeleteMarkerWatcher
from archive_local.lambda_events import LambdaContext, http_api_event
from tests.ingest_support import IngestRig, ingest, reset_caches  # noqa: F401  (the fixture)
from tests.integration.search.support import TEST_CURSOR_SECRET


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class WriteApi:
    rig: IngestRig

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw: str | bytes | None = None,
    ) -> Answer:
        from archive_search.handlers.write import handler

        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        event = http_api_event(
            method,
            path,
            urlencode(query or {}, doseq=True),
            {"content-type": "application/json", **(headers or {})},
            data.encode() if isinstance(data, str) else data,
        )
        result = handler(event, LambdaContext("archive-search-write", 29.0))
        return Answer(result["statusCode"], result.get("headers") or {}, json.loads(result["body"] or "null"))

    def stored(self) -> dict[str, bytes]:
        """The archive's objects (the service's own, under the reserved prefix, left out): key ->
        bytes."""
        from archive_search.settings import RESERVED_PREFIX

        return {
            key: self.rig.s3.get_object(Bucket=self.rig.archive.bucket, Key=key)["Body"].read()
            for key in self.rig.bucket_keys()
            if not key.startswith(RESERVED_PREFIX)
        }

    def settle(self) -> None:
        """Let ingest take every notification the writes caused (delete markers included,
        which moto does not notify: the local stack's watcher sends what AWS would)."""
        DeleteMarkerWatcher(
            self.rig.s3, self.rig.sqs, self.rig.archive.bucket, self.rig.archive.queue_url
        ).poll()
        self.rig.drain()
        self.rig.engine.refresh()
        self.rig.engine.refresh(self.rig.settings.receipts_alias)


@pytest.fixture
def api(ingest: IngestRig, monkeypatch: pytest.MonkeyPatch) -> WriteApi:  # noqa: F811
    monkeypatch.setenv("CURSOR_SECRET", TEST_CURSOR_SECRET)  # /ingest/status pages with cursors
    reset_caches()
    ingest.engine.ensure_index()
    return WriteApi(ingest)
