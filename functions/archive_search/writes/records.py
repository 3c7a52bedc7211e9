"""The article records the write API accepts, their validation and their object keys.

A record is the JSON record format of uploads (``cleaning.jsonrecord``) in its canonical
field names, plus ``external_id``; unknown fields are refused, so a misspelt field is a
400 naming it rather than text that silently goes missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from archive_search.errors import InvalidRequest
from archive_search.language_tags import LANGUAGE_TAG_PATTERN, language_code
from archive_search.model import (
    MAX_BODY_CHARS,
    MAX_PLACE_CHARS,
    MAX_PUBLISHED_YEAR,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    MIN_PUBLISHED_YEAR,
    PLACE_EDGE_CHARS,
    SOURCE_EDGE_CHARS,
)
from archive_search.search.http import dotted, empty_value, pattern_mismatch
from archive_search.search.syntax import typed_text
from archive_search.settings import RESERVED_PREFIX

# Objects written by the API; the write function may put and delete objects here only.
ARTICLES_PREFIX = "api/articles/"
UPLOADS_PREFIX = "uploads/"
WRITE_PREFIXES = (ARTICLES_PREFIX, UPLOADS_PREFIX)
# What POST /uploads was asked under each Idempotency-Key: nothing is stored at presign time
# but this claim, so a key reused for another file is told apart from a retry.
UPLOAD_CLAIMS_PREFIX = f"{RESERVED_PREFIX}upload-keys/"
# What each Idempotency-Key of the article routes (POST, PUT, DELETE) was first used for, and the
# answer it got: one key names one request, whatever its route, and its retry is answered again.
ARTICLE_CLAIMS_PREFIX = f"{RESERVED_PREFIX}article-keys/"

# A Lambda request body is at most 6 MB; one request writes at most this many articles, so
# its S3 puts finish well inside API Gateway's 30 s.
MAX_WRITE_BODY_BYTES = 6 * 1024 * 1024
MAX_ARTICLES_PER_REQUEST = 100
# What an empty body of POST /articles is told to send.
ARTICLES_EXPECTED = "a JSON article or a list of them"
MAX_TEXT_CHARS = 2_000_000
# A description (standfirst) longer than this is refused; ingest keeps at most its first
# 1,000 characters (cleaning.description.MAX_DESCRIPTION_CHARS).
MAX_DESCRIPTION_INPUT_CHARS = 10_000
# Ingest reads a record's date from its YYYY-MM-DD and keeps the model's published years: a
# week date ("2024-W18-3") or another year would pass fromisoformat and then be dropped in
# silence, the article indexed undated.
_CALENDAR_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?!\d)")
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
Body = Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class ArticleRecord(BaseModel):
    """One article as another service sends it. ``body`` (plain text, paragraphs separated
    by a blank line) or ``html`` (a page or a fragment) must hold text."""

    # defer_build: the validator is built on the first write, not at every cold start of the
    # search function, which shares the resolver but is never sent a write.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TITLE_CHARS)] | None = None
    body: Body | None = None
    html: Text | None = None
    url: Annotated[str, StringConstraints(max_length=MAX_URL_CHARS, pattern=r"^https?://\S+$")] | None = None
    published: Annotated[str, StringConstraints(max_length=40)] | None = None
    source: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SOURCE_CHARS)]
        | None
    ) = None
    author: Short | None = None
    place: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_PLACE_CHARS)]
        | None
    ) = None

    @field_validator("source", "place")
    @classmethod
    def _a_name_ingest_keeps(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Ingest drops a source or place that is no name (model.MAX_SOURCE_CHARS): refused here
        # rather than answered 202 and indexed without it. Measured as ingest measures it: NFC
        # (which decomposes a few characters) and whitespace collapsed.
        if value is None:
            return None
        source = info.field_name == "source"
        limit = MAX_SOURCE_CHARS if source else MAX_PLACE_CHARS
        name = " ".join(unicodedata.normalize("NFC", value).split()).strip(
            SOURCE_EDGE_CHARS if source else PLACE_EDGE_CHARS
        )
        if len(name) > limit:
            raise ValueError(f"a name of at most {limit} characters")
        if not any(ch.isalpha() for ch in name):
            raise ValueError("a name holds a letter")
        if source and name.startswith("@"):
            raise ValueError("the publisher's name, not a social-media handle")
        return value

    language: Annotated[str, StringConstraints(max_length=64, pattern=LANGUAGE_TAG_PATTERN)] | None = None
    tags: Annotated[list[Tag], Field(max_length=50)] | None = None
    description: Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION_INPUT_CHARS)] | None = None
    external_id: Annotated[str, StringConstraints(pattern=EXTERNAL_ID_PATTERN)] | None = None

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            if not _CALENDAR_DATE_RE.match(value):
                raise ValueError
            (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be an ISO 8601 date (YYYY-MM-DD) or date and time") from None
        if not MIN_PUBLISHED_YEAR <= int(value[:4]) <= MAX_PUBLISHED_YEAR:
            raise ValueError(f"the year must be {MIN_PUBLISHED_YEAR} to {MAX_PUBLISHED_YEAR}")
        return value

    @field_validator("language")
    @classmethod
    def _language_ingest_keeps(cls, value: str | None) -> str | None:
        # Ingest drops a tag that names no language and detects one instead.
        if value is not None and language_code(value) is None:
            raise ValueError(
                "must be a language tag: an ISO 639 code (en, fr, fil), perhaps with a region (pt-BR)"
            )
        return value

    def has_text(self) -> bool:
        # Read as ingest reads text: invisible and control characters dropped (typed_text), so a
        # body of only those is refused here, not answered 202 and rejected as no_article_text.
        return any(value and typed_text(value).strip() for value in (self.body, self.html))

    def object_bytes(self) -> bytes:
        """The object stored for this record: the JSON record ingest reads back."""
        return json.dumps(self.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True).encode()


def parse_records(data: Any, *, many: bool) -> list[ArticleRecord]:
    """The request body's JSON (``search.http.read_json_body``) -> validated records;
    ``InvalidRequest`` naming the item and field of the first problem. ``many``: a list (or
    ``{"articles": [...]}``) is allowed."""
    if many and isinstance(data, dict) and "articles" in data:
        # No article has a field named articles: this is the envelope, whatever it holds.
        unknown = sorted(set(data) - {"articles"})
        if unknown:
            raise InvalidRequest(
                f"{unknown[0]}: unknown field (the envelope holds only articles)", unknown[0]
            )
        if not isinstance(data["articles"], list):
            raise InvalidRequest("articles: must be a list of articles", "articles")
        data = data["articles"]
    items = data if many and isinstance(data, list) else [data]
    if isinstance(data, list) and not many:
        raise InvalidRequest("this route takes one JSON article, not a list", "body")
    if not items:
        raise InvalidRequest("the list holds no article", "body")
    if len(items) > MAX_ARTICLES_PER_REQUEST:
        raise InvalidRequest(f"at most {MAX_ARTICLES_PER_REQUEST} articles per request", "body")
    records = [_record(index, item) for index, item in enumerate(items)]
    # Two articles with one external_id would be written to one key, the last silently winning.
    seen: set[str] = set()
    for index, record in enumerate(records):
        if record.external_id in seen:
            where = f"articles[{index}].external_id"
            raise InvalidRequest(f"{where}: {record.external_id} is given to an earlier article too", where)
        if record.external_id is not None:
            seen.add(record.external_id)
    return records


def article_path(path: list[str | int]) -> str:
    """Where in the request a JSON path leads, as the other errors name it: ``articles[i].field``
    whether the body is one article, a list of them or the ``{"articles": [...]}`` envelope."""
    if path == ["articles"]:  # the envelope's own key
        return "articles"
    if path[:1] == ["articles"]:
        path = path[1:]
    if not path or not isinstance(path[0], int):
        path = [0, *path]  # one article
    return dotted(["articles", *path])


def _record(index: int, item: Any) -> ArticleRecord:
    where = f"articles[{index}]"
    if not isinstance(item, dict):
        raise InvalidRequest(f"{where}: must be a JSON object", where)
    try:
        record = ArticleRecord.model_validate(item)
    except ValidationError as err:
        first = err.errors()[0]
        field = dotted(list(first["loc"]))  # tags[1], as the other paths are written
        name = next(str(part) for part in first["loc"] if isinstance(part, str))
        message = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        message = empty_value(name, first) or pattern_mismatch(name, first) or message
        raise InvalidRequest(f"{where}.{field}: {message}", f"{where}.{field}") from None
    if not record.has_text():
        raise InvalidRequest(
            f"{where}.body: body or html must hold the article's text (a visible character)", f"{where}.body"
        )
    return record


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).hexdigest()


def article_key(record: ArticleRecord, idempotency_key: str | None, index: int) -> str:
    """Where an article is stored: by its ``external_id``, else by the request's
    Idempotency-Key and its place in the request, else a new key. The same external id or
    the same retried request always lands on the same key, hence the same article id."""
    if record.external_id:
        return external_id_key(record.external_id)
    if idempotency_key:
        return f"{ARTICLES_PREFIX}{_digest(idempotency_key, str(index))}.json"
    return f"{ARTICLES_PREFIX}{uuid.uuid4().hex}.json"


def external_id_key(external_id: str) -> str:
    return f"{ARTICLES_PREFIX}by-external-id/{external_id}.json"


def upload_key(filename: str, idempotency_key: str | None) -> str:
    folder = _digest(idempotency_key, "upload") if idempotency_key else uuid.uuid4().hex
    return f"{UPLOADS_PREFIX}{folder}/{filename}"


def upload_claim_key(idempotency_key: str) -> str:
    """The object recording which upload an Idempotency-Key of POST /uploads was first used for
    (under the reserved prefix: ingest acknowledges it and never indexes it)."""
    return f"{UPLOAD_CLAIMS_PREFIX}{_digest(idempotency_key, 'upload')}.json"


def article_claim_key(idempotency_key: str) -> str:
    """The object recording which article write an Idempotency-Key was first used for."""
    return f"{ARTICLE_CLAIMS_PREFIX}{_digest(idempotency_key, 'articles')}.json"


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
