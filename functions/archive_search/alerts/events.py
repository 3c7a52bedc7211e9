"""``Alert Matched``: one bus event per (alert, newly indexed article), in the style of
``ingest.outcomes`` (versioned, bounded ``detail``; docs/alerts.md is the contract)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archive_search.alerts.signing import generation_of
from archive_search.cleaning.description import MAX_DESCRIPTION_CHARS
from archive_search.ingest.outcomes import (
    MAX_DETAIL_TITLE_CHARS,
    MAX_DETAIL_URL_CHARS,
    MAX_KEY_CHARS,
    MAX_SHORT_CHARS,
    SCHEMA_VERSION,
    BusEvent,
    article_summary,
    cut,
)
from archive_search.model import Article, ObjectRef

DETAIL_TYPE = "Alert Matched"
MAX_ALERT_NAME_CHARS = MAX_DETAIL_TITLE_CHARS


@dataclass(frozen=True)
class NewArticle:
    """An article ingest just made searchable for the first time (see matcher.new_articles)."""

    id: str
    ordinal: int
    article: Article
    ref: ObjectRef
    content_sha256: str | None


def match_id(alert_id: str, article: NewArticle) -> str:
    """The same for every copy of this match: a subscriber drops copies with it."""
    text = f"{alert_id}\x00{article.id}\x00{article.content_sha256}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def build_alert_event(alert_id: str, alert: Mapping[str, Any], article: NewArticle) -> BusEvent:
    summary = article_summary(article.id, article.ordinal, article.article)
    detail: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "event_id": match_id(alert_id, article),
        "alert_id": alert_id,
        "alert_name": cut(alert.get("name"), MAX_ALERT_NAME_CHARS),
        "target": alert.get("target", "event"),
        "webhook_url": cut(alert.get("webhook_url"), MAX_DETAIL_URL_CHARS),
        # The relay derives the alert's signing secrets from these, without reading the alert;
        # null generation: a webhook alert saved before per-alert secrets (alerts/signing.py).
        "webhook_generation": generation_of(alert.get("webhook_generation")),
        "webhook_rotated_at": cut(alert.get("webhook_rotated_at"), MAX_SHORT_CHARS),
        "article_id": article.id,
        "title": summary["title"],
        # the standfirst lets a subscriber tell what the story says without fetching it
        "description": cut(article.article.description, MAX_DESCRIPTION_CHARS),
        "source": summary["source"],
        "published": summary["published"],
        "language": summary["language"],
        "url": summary["url"],
        "bucket": article.ref.bucket,
        "key": cut(article.ref.key, MAX_KEY_CHARS),
        "content_sha256": cut(article.content_sha256, MAX_SHORT_CHARS),
    }
    return BusEvent(DETAIL_TYPE, detail)
