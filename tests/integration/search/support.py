"""Driving the real search handler with real API Gateway HTTP API (v2) events.

``SearchApi`` indexes documents in the mapping's shape (as ingest writes them) straight
through ``SearchEngine.bulk``, and calls ``archive_search.handlers.search.handler`` with
events built by ``archive_local.lambda_events.http_api_event``. Each call activates its own
settings (environment + settings cache), the way a Lambda cold start reads them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from archive_local.lambda_events import LambdaContext, http_api_event
from archive_search.adapters.opensearch import cached_engine
from archive_search.documents import article_document
from archive_search.model import Article, ObjectRef, document_id
from archive_search.settings import Settings, get_settings

BUCKET = "archive"
# The cursor key the test "Lambda" is configured with (CURSOR_SECRET).
TEST_CURSOR_SECRET = "test-cursor-secret-0123456789abcdef"


def article_doc(
    title: str,
    body: str,
    *,
    key: str | None = None,
    source: str | None = None,
    published: str | None = None,
    place: str | None = None,
    authors: Sequence[str] = (),
    author_org: str | None = None,
    language: str | None = "en",
    tags: Sequence[str] = (),
    url: str | None = None,
    description: str | None = None,
    deleted: bool = False,
    ingested_at: str = "2026-11-21T12:00:00Z",
) -> tuple[str, dict[str, Any]]:
    """(id, document) for one article, shaped like the documents ingest writes."""
    key = key or f"inbox/{hashlib.sha1(f'{title}{body}'.encode()).hexdigest()[:12]}.txt"
    article = Article(
        title=title,
        body=body,
        source=source,
        published=date.fromisoformat(published) if published else None,
        place=place,
        authors=tuple(authors),
        author_org=author_org,
        language=language,
        url=url,
        tags=tuple(tags),
        description=description,
    )
    ref = ObjectRef(BUCKET, key)
    doc = article_document(
        article,
        ref,
        0,
        content_sha256=hashlib.sha256(body.encode()).hexdigest(),
        cleaner_version="test",
        ingested_at=ingested_at,
    )
    doc["deleted"] = deleted
    return document_id(ref), doc


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def error(self) -> dict[str, Any]:
        return self.json["error"]


def env_for(settings: Settings) -> dict[str, str]:
    return {
        "OPENSEARCH_URL": settings.opensearch_url,
        "INDEX_ALIAS": settings.index_alias,
        "RECEIPTS_ALIAS": settings.receipts_alias,
        "ARCHIVE_BUCKET": BUCKET,
        "SEARCH_TIMEOUT_MS": str(settings.search_timeout_ms),
        "CURSOR_SECRET": TEST_CURSOR_SECRET,
    }


@contextmanager
def activated(env: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def invoke(env: Mapping[str, str], event: dict[str, Any]) -> dict[str, Any]:
    from archive_search.handlers.search import handler

    with activated(env):
        return handler(event, LambdaContext("archive-search-search", timeout_seconds=29))


class SearchApi:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = env_for(settings)
        self.engine = cached_engine(settings)

    def create_index(self) -> None:
        self.engine.ensure_index()

    def index(self, *docs: tuple[str, dict[str, Any]]) -> list[str]:
        operations: list[dict[str, Any]] = []
        for doc_id, doc in docs:
            operations += [{"index": {"_index": self.settings.index_alias, "_id": doc_id}}, doc]
        results = self.engine.bulk(operations)
        assert all(r.get("status", 500) < 300 for r in results), results
        self.engine.refresh()
        return [doc_id for doc_id, _ in docs]

    def get(self, path: str, query: Mapping[str, Any] | Sequence[tuple[str, Any]] | str = "") -> ApiResponse:
        raw_query = query if isinstance(query, str) else urlencode(query, doseq=True)
        result = invoke(self.env, http_api_event("GET", path, raw_query))
        return ApiResponse(result["statusCode"], dict(result.get("headers") or {}), result.get("body") or "")

    def drop(self) -> None:
        for name in self.engine.alias_targets():
            self.engine.client.indices.delete(index=name)


# A small archive: two syndicated copies of one story, British and American spellings,
# a tombstone, an article without a date, and one carrying markup in every text field.
CORPUS = {
    "goggles": article_doc(
        "Night vision goggles seized in Karachi raid",
        "Police seized night vision goggles and rifles in a raid in Karachi on Tuesday.\n\n"
        "The equipment was meant for militants, officials said.",
        source="Dawn",
        published="2023-04-12",
        place="KARACHI",
        authors=["Imtiaz Ali"],
        tags=["crime", "security"],
        url="https://www.dawn.com/news/1",
    ),
    "goggles_copy": article_doc(
        "Night vision goggles seized in Karachi raid",
        "Police seized night vision goggles and rifles in a raid in Karachi on Tuesday.\n\n"
        "The equipment was meant for militants, officials said.",
        key="wire/copy-of-goggles.txt",
        source="Tribune",
        published="2023-04-13",
        place="Karachi",
        tags=["crime"],
    ),
    "budget": article_doc(
        "Defence budget debated in parliament",
        "The defence budget and the national theatre programme were debated for hours. "
        "Labour groups asked the organisation to favour the colour of the new flag.",
        source="Dawn",
        published="2024-01-02",
        place="Islamabad",
        tags=["politics"],
    ),
    "cricket": article_doc(
        "Pakistan win cricket match in Lahore",
        "Pakistan won the cricket match against India in Lahore after a night of rain.",
        source="Geo",
        language="en",
        tags=["sport"],
    ),
    "urdu": article_doc(
        "Lahore weather report",
        "Heavy rain in Lahore and Karachi; the city centre flooded.",
        source="Jang",
        published="2023-07-01",
        language="ur",
        tags=["weather"],
    ),
    "hostile": article_doc(
        "<script>alert('title')</script> Markup <b>in</b> a title",
        "Body with <img src=x onerror=alert(1)> markup and a goggles mention & an ampersand.",
        source="<i>Evil</i> Source",
        published="2022-05-05",
        authors=['"><script>alert(2)</script>'],
        tags=["<svg onload=alert(3)>"],
        url="javascript:alert(4)",
    ),
    "deleted": article_doc(
        "Deleted story about goggles",
        "This goggles article was deleted from the bucket.",
        source="Ghost",
        published="2023-04-20",
        tags=["crime"],
        deleted=True,
    ),
}


def corpus_id(name: str) -> str:
    return CORPUS[name][0]
