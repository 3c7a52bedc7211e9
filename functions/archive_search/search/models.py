"""Response shapes of the search API, as documented in the OpenAPI document.

Every string that comes from an article is HTML-escaped (see ``safe_text``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(
        description="Stable machine code: invalid_parameter, not_found, search_unavailable, ..."
    )
    message: str = Field(description="What went wrong, for people")
    parameter: str | None = Field(default=None, description="The request parameter at fault, when one is")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class SnippetModel(BaseModel):
    html: str = Field(description="Escaped text with <mark>…</mark> around the matches; safe as HTML")
    text: str = Field(description="The same text without marks (escaped like every string)")
    matches: list[list[int]] = Field(description="[start, end) offsets of the matches in text")


class Hit(BaseModel):
    id: str
    score: float | None = None
    title: str | None = None
    title_html: str | None = Field(default=None, description="Title with <mark> around matches")
    snippet: SnippetModel | None = None
    source: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    place: str | None = None
    author: str | None = None
    language: str | None = None
    tags: list[str] | None = None
    url: str | None = Field(default=None, description="http(s) links only")
    duplicates: int | None = Field(
        default=None, description="Other near-identical copies collapsed into this hit"
    )


class FacetValue(BaseModel):
    value: str
    count: int


class SearchResponse(BaseModel):
    total: int = Field(description="Exact number of matching articles (copies included)")
    total_groups: int | None = Field(
        default=None, description="Matching groups of near-duplicates (collapse)"
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
    title: str
    body: str
    source: str | None = None
    published: str | None = None
    place: str | None = None
    author: str | None = None
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


class HealthResponse(BaseModel):
    status: str
    engine: str
