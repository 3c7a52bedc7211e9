"""The write routes: POST /articles, PUT and DELETE /articles/by-external-id/{external_id},
DELETE /articles/{id}, POST /uploads. Included in the API's resolver; API Gateway sends
these routes to the write function (its own permission and role) and the others to the
search function, whose role cannot write.

Bodies are read by ``search.http.read_json_body`` (as POST /alerts reads its) and validated
here rather than by Powertools, so a bad item is a 400 that names its index and field
(``articles[3].published``) and a body nested too deep for ``json.loads`` is a 400, not a 500.
"""

from __future__ import annotations

import mimetypes
import re
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from archive_search.adapters.opensearch import cached_engine
from archive_search.errors import ConfigurationError, InvalidRequest, NotFound
from archive_search.search.http import (
    IDEMPOTENCY_KEY_HEADER,
    documented,
    error_responses,
    idempotency_key,
    json_response,
    ok_response,
    read_json_body,
    reject_body,
    reject_unknown_parameters,
)
from archive_search.search.service import SearchService
from archive_search.settings import get_settings
from archive_search.upload_formats import unsupported_content_type, unsupported_extension
from archive_search.writes.records import (
    ARTICLES_EXPECTED,
    EXTERNAL_ID_PATTERN,
    MAX_ARTICLES_PER_REQUEST,
    MAX_WRITE_BODY_BYTES,
    ArticleRecord,
    article_path,
    parse_records,
)
from archive_search.writes.service import ArchiveWriter, missing_article

router = Router()


# The routes' documentation (search/http.py ``documented``): JSON schemas built when the
# OpenAPI document is, not at every cold start.
def _record_schema() -> dict[str, Any]:
    return ArticleRecord.model_json_schema()


def _record_list_schema() -> dict[str, Any]:
    return {"type": "array", "items": _record_schema(), "minItems": 1, "maxItems": MAX_ARTICLES_PER_REQUEST}


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """The request body in the OpenAPI document (read and validated by the route itself)."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def _answers(
    status: int, model: str, description: str, *, conflict: str | None = None, json_body: bool = True
) -> dict[int, Any]:
    """A write route's documented answers: ``status`` with ``model`` (a name in search/models.py,
    imported when the document is built), the 415 of a JSON body, the 409 of a ``conflict``."""
    from archive_search.search import models

    answers: dict[int, Any] = {
        **ok_response(getattr(models, model), description, status),
        **(error_responses(415) if json_body else {}),
    }
    if conflict:
        answers[409] = {**error_responses(409)[409], "description": conflict}
    return answers


# 1 to 200 characters, no path separator or control character, no space at either end (the
# OpenAPI document states the same pattern).
_FILENAME_RE = re.compile(r"^[^/\\\x00-\x20\x7f](?:[^/\\\x00-\x1f\x7f]{0,198}[^/\\\x00-\x20\x7f])?$")
# A media type and a charset are case-insensitive (stored and signed in lower case); spelt out
# in the pattern, since the OpenAPI document's regular expressions take no flags.
_CONTENT_TYPE_RE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
    r"(;\s*[Cc][Hh][Aa][Rr][Ss][Ee][Tt]=[A-Za-z0-9_-]+)?$"
)
MAX_UPLOAD_REQUEST_BYTES = 4096
UPLOAD_REQUEST_EXPECTED = 'a JSON object {"filename": ..., "content_type": ...}'
WRITE_DOC = (
    f" The body is at most {MAX_WRITE_BODY_BYTES} bytes; records use the JSON record format's canonical "
    "fields (title, body or html, url, published, source, author, place, language, tags, description, "
    "external_id); "
    "see docs/integration.md."
)


KEY_REUSED = "Idempotency-Key used before for another request (other content, article or route)"
KEYED = (
    "An Idempotency-Key header names the request: a retry with it gets the first answer again and "
    "changes nothing; 409 when the key was used for another request."
)


def _writer() -> ArchiveWriter:
    from archive_search.adapters.s3 import ObjectStore  # boto3: only when a write is served

    settings = get_settings()
    if not settings.archive_bucket:
        # The deployment's fault, not the request's: no request can name the bucket.
        raise ConfigurationError("ARCHIVE_BUCKET is not set: the write routes have no bucket to write to")
    return ArchiveWriter(
        ObjectStore(),
        cached_engine(settings),
        bucket=settings.archive_bucket,
        receipts_alias=settings.receipts_alias,
        max_object_bytes=settings.max_object_bytes,
    )


def _articles(*, many: bool) -> list[ArticleRecord]:
    expected = ARTICLES_EXPECTED if many else "a JSON article"
    data = read_json_body(
        router.current_event, max_bytes=MAX_WRITE_BODY_BYTES, expected=expected, where=article_path
    )
    return parse_records(data, many=many)


def _idempotency_key() -> str | None:
    return idempotency_key(router.current_event.headers)


@router.post(
    "/articles",
    summary="Add articles (one JSON article or a list); they are indexed asynchronously",
    description=(
        f"Each article becomes an object under api/articles/ and is indexed like any upload. 202 "
        f"with, per article, its object key, the id it will have and its status_url. At most "
        f"{MAX_ARTICLES_PER_REQUEST} articles. An external_id makes a retry land on the same key and "
        "id. " + KEYED + WRITE_DOC
    ),
    middlewares=[reject_unknown_parameters],
    openapi_extensions=documented(
        lambda: {
            "responses": _answers(
                202,
                "WrittenArticles",
                "Stored; per article its key, id and status_url",
                conflict=KEY_REUSED,
            ),
            "parameters": [IDEMPOTENCY_KEY_HEADER],
            "openapi_extensions": _body(
                {
                    "oneOf": [
                        _record_schema(),
                        _record_list_schema(),
                        {
                            "type": "object",
                            "properties": {"articles": _record_list_schema()},
                            "required": ["articles"],
                            "additionalProperties": False,
                        },
                    ]
                },
                'One article, a list of articles, or the list as {"articles": [...]}',
            ),
        }
    ),
)
def add_articles():
    records = _articles(many=True)
    written = _writer().put_articles(records, _idempotency_key())
    return json_response(202, {"articles": [item.as_dict() for item in written]})


@router.put(
    "/articles/by-external-id/<external_id>",
    summary="Add or replace the article with this external id",
    description="202 with its object key, id and status_url; the body's external_id, if any, must match. "
    + KEYED
    + WRITE_DOC,
    middlewares=[reject_unknown_parameters],
    openapi_extensions=documented(
        lambda: {
            "responses": _answers(
                202, "WrittenArticle", "Stored; its key, id and status_url", conflict=KEY_REUSED
            ),
            "parameters": [IDEMPOTENCY_KEY_HEADER],
            "openapi_extensions": _body(_record_schema(), "One article"),
        }
    ),
)
def upsert_article(external_id: Annotated[str, Path(pattern=EXTERNAL_ID_PATTERN, description="Your id")]):
    (record,) = _articles(many=False)
    if record.external_id not in (None, external_id):
        raise InvalidRequest(
            f"articles[0].external_id: {record.external_id} differs from the path's {external_id}",
            "articles[0].external_id",
        )
    record = record.model_copy(update={"external_id": external_id})
    (written,) = _writer().put_articles(
        [record], _idempotency_key(), request=f"PUT /articles/by-external-id/{external_id}"
    )
    return json_response(202, written.as_dict())


@router.delete(
    "/articles/by-external-id/<external_id>",
    summary="Delete the article with this external id",
    description="202 with the deleted object's key, the article's id and status_url; 404 when there is none. "
    + KEYED,
    middlewares=[reject_unknown_parameters, reject_body],
    openapi_extensions=documented(
        lambda: {
            "responses": _answers(
                202,
                "DeletedArticle",
                "The article's object is deleted; its key, id and status_url",
                conflict=KEY_REUSED,
                json_body=False,
            ),
            "parameters": [IDEMPOTENCY_KEY_HEADER],
        }
    ),
)
def delete_by_external_id(
    external_id: Annotated[str, Path(pattern=EXTERNAL_ID_PATTERN, description="Your id")],
):
    return json_response(202, _writer().delete_by_external_id(external_id, _idempotency_key()))


@router.delete(
    "/articles/<article_id>",
    summary="Delete an article by deleting the object it came from",
    description=(
        "202 with the deleted object's key and status_url (deleted once ingest has seen it). 409 when "
        "the object holds several articles or was not written through this API; 404 for an unknown id. "
        + KEYED
    ),
    middlewares=[reject_unknown_parameters, reject_body],
    openapi_extensions=documented(
        lambda: {
            "responses": _answers(
                202,
                "DeletedArticle",
                "The source object is deleted; its key, the article's id and status_url",
                conflict="The source holds several articles or was not written through this API, or an "
                + KEY_REUSED,
                json_body=False,
            ),
            "parameters": [IDEMPOTENCY_KEY_HEADER],
        }
    ),
)
def delete_article(article_id: Annotated[str, Path(description="Article id (as returned in hits)")]):
    key = _idempotency_key()

    def live_document() -> dict[str, Any]:
        try:
            return SearchService(cached_engine(get_settings())).live_document(article_id)
        except NotFound:
            raise missing_article(article_id) from None

    return json_response(202, _writer().delete_article(article_id, live_document, key))


@router.post(
    "/uploads",
    summary="A presigned S3 upload for one file of any supported format",
    description=(
        'Body {"filename": "x.html", "content_type": "text/html"} (content_type defaults from the '
        "filename). 200 with a POST URL and form fields that accept exactly that key and content type "
        "and 1 byte up to the ingest size limit, valid for 15 minutes, and the file's status_url. "
        "An Idempotency-Key header gives the same key again (409 for another filename or content_type)."
    ),
    middlewares=[reject_unknown_parameters],
    openapi_extensions=documented(
        lambda: {
            "responses": _answers(
                200,
                "UploadSlot",
                "The upload form (url, fields), its key and status_url",
                conflict="Idempotency-Key reused for another filename or content_type",
            ),
            "parameters": [IDEMPOTENCY_KEY_HEADER],
            "openapi_extensions": _body(
                {
                    "type": "object",
                    "properties": {
                        "filename": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 200,
                            "pattern": _FILENAME_RE.pattern,
                            "not": {"enum": [".", ".."]},
                        },
                        "content_type": {
                            "anyOf": [
                                {"type": "string", "pattern": _CONTENT_TYPE_RE.pattern},
                                {"type": "null"},
                            ],
                            "description": "Absent or null: from the filename's extension",
                        },
                    },
                    "required": ["filename"],
                    "additionalProperties": False,
                },
                "The file's name (its extension picks the cleaner) and media type",
            ),
        }
    ),
)
def presign_upload():
    request = _upload_request()
    filename = request.get("filename")
    if isinstance(filename, str) and filename != filename.strip():
        # "a.html " names no .html file: it would be signed and read as something else.
        raise InvalidRequest("filename: starts or ends with a space; send the name trimmed", "filename")
    if not isinstance(filename, str) or not _FILENAME_RE.match(filename) or filename in (".", ".."):
        raise InvalidRequest(
            "filename: a file name of 1 to 200 characters, without / or \\ or a control character, "
            "and not . or ..",
            "filename",
        )
    unsupported = unsupported_extension(filename)
    if unsupported:
        # Ingest would only reject it (unsupported_type): refused before the file is sent.
        raise InvalidRequest(
            f"filename: {unsupported} files are not supported; send text (.txt, .md), HTML (.html), "
            "JSON (.json) or JSON Lines (.jsonl, .ndjson), any of them as .gz",
            "filename",
        )
    content_type = request.get("content_type")
    guessed = content_type is None
    if guessed:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not isinstance(content_type, str) or not _CONTENT_TYPE_RE.match(content_type):
        raise InvalidRequest("content_type: a media type such as text/html", "content_type")
    unsupported_type = unsupported_content_type(content_type)
    if unsupported_type:
        # Ingest reads it by its bytes and would only reject it (binary): refused before it is sent.
        named = "filename" if guessed else "content_type"
        raise InvalidRequest(
            f"{named}: {unsupported_type} is not a format ingest reads; send text, HTML, JSON or JSON Lines",
            named,
        )
    return json_response(200, _writer().presign_upload(filename, content_type.lower(), _idempotency_key()))


def _upload_request() -> dict[str, Any]:
    data = read_json_body(
        router.current_event, max_bytes=MAX_UPLOAD_REQUEST_BYTES, expected=UPLOAD_REQUEST_EXPECTED
    )
    if not isinstance(data, dict):
        raise InvalidRequest(f"the request body must be {UPLOAD_REQUEST_EXPECTED}", "body")
    unknown = sorted(set(data) - {"filename", "content_type"})
    if unknown:
        raise InvalidRequest(
            f"{unknown[0]}: unknown field (this route takes filename, content_type)", unknown[0]
        )
    return data
