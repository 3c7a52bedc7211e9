"""Documents of the article index, built from cleaned articles.

Ingest writes them; tests and benchmarks that fill an index build them the same way.
"""

from __future__ import annotations

from typing import Any

from archive_search.fingerprint import fingerprint
from archive_search.index_schema import language_fields
from archive_search.model import Article, ObjectRef


def article_document(
    article: Article,
    ref: ObjectRef,
    ordinal: int,
    *,
    content_sha256: str,
    cleaner_version: str,
    ingested_at: str,
    article_fingerprint: str | None = None,
) -> dict[str, Any]:
    """The article index's document for one article: the one place its shape is built.
    ``article_fingerprint``: ``fingerprint(article)`` when the caller has worked it out."""
    return {
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "has_date": article.published is not None,
        "place": article.place,
        "authors": list(article.authors),
        "author_org": article.author_org,
        "language": article.language,
        "url": article.url,
        "tags": list(article.tags),
        "description": article.description,
        "ingested_at": ingested_at,
        "bucket": ref.bucket,
        "key": ref.key,
        "ordinal": ordinal,
        "content_sha256": content_sha256,
        "fingerprint": article_fingerprint or fingerprint(article),
        "cleaner_version": cleaner_version,
        "deleted": False,
        **language_fields(article.title, article.body, article.language, article.description),
    }
