"""Response shapes of the search API, as documented in the OpenAPI document.

Every string is plain text; only the fields named ``*_html`` hold HTML (see ``safe_text``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, RootModel


class ErrorDetail(BaseModel):
    code: str = Field(
        description="Stable machine code: invalid_parameter, not_found, search_unavailable, ..."
    )
    message: str = Field(description="What went wrong, for people")
    parameter: str | None = Field(default=None, description="The request parameter at fault, when one is")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SnippetModel(BaseModel):
    html: str = Field(
        description="HTML: the text escaped, with <mark>…</mark> around the matches; safe to insert as HTML"
    )
    text: str = Field(description="Plain text: the same text without marks, not escaped")
    matches: list[list[int]] = Field(
        description="[start, end) offsets of the matches in text, in Unicode code points"
    )


class Hit(BaseModel):
    id: str
    score: float | None = None
    title: str | None = Field(default=None, description="Plain text, not escaped")
    title_html: str | None = Field(
        default=None,
        description="HTML: the title escaped, with <mark> around matches; safe to insert as HTML",
    )
    description: str | None = Field(
        default=None,
        description="Plain text, not escaped: the article's standfirst or summary, when it states one "
        "the title and body do not hold (at most 1,000 characters)",
    )
    description_html: str | None = Field(
        default=None,
        description="HTML: the description escaped, with <mark> around matches; safe to insert as HTML "
        "(null when the article has no description)",
    )
    snippet: SnippetModel | None = None
    source: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    place: str | None = None
    authors: list[str] | None = Field(default=None, description="Persons credited, each name alone")
    author_org: str | None = Field(
        default=None, description="An agency or organisation credited as author (AP, Reuters, Staff)"
    )
    language: str | None = None
    tags: list[str] | None = None
    url: str | None = Field(default=None, description="http(s) links only")
    duplicates: int | None = Field(
        default=None, description="Other near-identical copies collapsed into this hit"
    )
    ingested_at: str | None = Field(
        default=None, description="When the archive indexed the article (RFC 3339, UTC)"
    )
    truncated: bool | None = Field(
        default=None,
        description="Present (true) when a string was cut to 1,000 characters or tags or authors to 30: /articles/{id} has all",
    )


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int = Field(description="Exact number of matching articles (copies included)")
    total_groups: int | None = Field(
        default=None,
        description="The hits to page through: matching groups of near-duplicates, or total with collapse=false",
    )
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None = Field(description="Pass as cursor to get the next page; null on the last page")


class Origin(BaseModel):
    bucket: str | None = None
    key: str | None = None
    ordinal: int | None = None
    ingested_at: str | None = None
    cleaner_version: str | None = None


class ArticleResponse(BaseModel):
    id: str
    title: str = Field(description="Plain text, not escaped")
    body: str = Field(
        description="Plain text, not escaped: the characters [body_offset, body_offset + body_chars) of the body"
    )
    body_offset: int = Field(description="Where this page of the body starts (characters)")
    body_total_chars: int = Field(description="Length of the whole body (characters)")
    body_truncated: bool = Field(description="Whether more of the body follows this page")
    next_body_offset: int | None = Field(
        description="body_offset of the next page of the body; null on the last page"
    )
    description: str | None = Field(
        default=None,
        description="Plain text, not escaped: the standfirst or summary the body does not hold, when the "
        "article states one (at most 1,000 characters)",
    )
    source: str | None = None
    published: str | None = None
    place: str | None = None
    authors: list[str] = Field(description="Persons credited, each name alone")
    author_org: str | None = Field(
        default=None, description="An agency or organisation credited as author (AP, Reuters, Staff)"
    )
    language: str | None = None
    tags: list[str]
    url: str | None = None
    origin: Origin


class SimilarResponse(BaseModel):
    id: str
    hits: list[Hit]


class FacetValuesResponse(BaseModel):
    field: str
    prefix: str | None = None
    values: list[FacetValue]


class EngineHealth(BaseModel):
    status: Literal["ok", "unavailable"] = Field(
        description="ok when a size-0 search on the alias answered within 1 s"
    )
    took_ms: float = Field(description="How long the probe took")


class IngestBacklog(BaseModel):
    status: Literal["ok", "unavailable", "not_configured"] = Field(
        description="Whether the ingest queue's counts could be read"
    )
    queued: int | None = Field(default=None, description="Uploads waiting to be ingested (approximate)")
    in_flight: int | None = Field(default=None, description="Uploads being ingested now (approximate)")


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="degraded (with a 503) when search does not work")
    engine: EngineHealth
    ingest: IngestBacklog


class WrittenArticle(BaseModel):
    key: str = Field(description="The object the article is stored as, under api/articles/")
    id: str = Field(description="The id the article has once indexed (32 hex characters)")
    status_url: str = Field(description="GET it for the upload's ingest receipt")
    unchanged: bool = Field(
        description="Nothing was written: the key already held this content, or this is a retry "
        "with the Idempotency-Key of a request already answered"
    )


class WrittenArticles(BaseModel):
    articles: list[WrittenArticle] = Field(description="One per article of the request, in its order")


class DeletedArticle(BaseModel):
    id: str = Field(description="The article's id")
    key: str = Field(description="The object deleted (the bucket keeps its earlier versions)")
    status_url: str = Field(
        description="GET it for the key's receipt: deleted once ingest has seen the delete"
    )


class UploadForm(BaseModel):
    method: Literal["POST"]
    url: str = Field(description="Where to send the form")
    fields: dict[str, str] = Field(description="Every field to send before the file, as given")


class UploadSlot(BaseModel):
    key: str = Field(description="The object the file is stored as, under uploads/")
    upload: UploadForm
    content_type: str = Field(description="The media type the file must be sent with (lower case)")
    max_bytes: int = Field(description="The most bytes the file may hold: what ingest reads of its format")
    expires_at: str = Field(description="When the form stops being accepted (RFC 3339, UTC)")
    status_url: str = Field(description="GET it for the upload's ingest receipt")


class FailedDocument(BaseModel):
    id: str
    ordinal: int | None = None
    reason: str | None = Field(default=None, description="Why the index refused the document")


class SkippedRecordModel(BaseModel):
    record: int | None = Field(default=None, description="Its place in a JSON file, from 0")
    line: int | None = Field(default=None, description="Its line in a JSON Lines file, from 1")
    reason: str
    message: str | None = None


class Receipt(BaseModel):
    """What ingest last did with one upload (docs/ingest.md, Receipts)."""

    bucket: str
    key: str
    outcome: Literal["indexed", "duplicate", "rejected", "deleted"]
    reason: str | None = Field(default=None, description="Why it was rejected (rejected only)")
    message: str | None = Field(default=None, description="The rejection, for people (rejected only)")
    document_ids: list[str] | None = None
    articles: int | None = Field(default=None, description="Articles the upload held")
    duplicate_of: list[str] | None = Field(
        default=None, description="Near-identical documents under other keys"
    )
    failed_documents: list[FailedDocument] | None = None
    skipped: int | None = Field(default=None, description="Records of a JSON upload that became no article")
    skipped_records: list[SkippedRecordModel] | None = Field(default=None, description="The first of them")
    content_sha256: str | None = None
    cleaner_version: str | None = None
    etag: str | None = None
    object_version_id: str | None = None
    sequencer: str | None = None
    event_name: str | None = None
    event_time: str | None = None
    event_version: int | None = None
    updated_at: str | None = None


class UploadStatus(Receipt):
    """``GET /ingest/status?key=``: the receipt, and whether its event still waits to be sent."""

    event_pending: bool | None = Field(
        description="The upload's event still waits in the events outbox; null when that cannot be read"
    )


class OutcomeCounts(BaseModel):
    queued: int = Field(description="Listed objects without a receipt for their current content")
    indexed: int
    duplicate: int
    rejected: int
    deleted: int


class IngestProgress(BaseModel):
    """``GET /ingest/status`` without ``key``: counts by outcome and a page of the latest receipts."""

    bucket: str
    prefix: str
    counts: OutcomeCounts
    listed_objects: int = Field(description="Objects listed under the prefix to count queued ones")
    listing_complete: bool = Field(description="Whether every object under the prefix was listed")
    settled: bool = Field(description="Every listed object has a receipt for its current content")
    receipts: list[Receipt]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")


class IngestStatusResponse(RootModel[UploadStatus | IngestProgress]):
    """One upload's receipt (with ``key``), or the progress of many (without)."""
