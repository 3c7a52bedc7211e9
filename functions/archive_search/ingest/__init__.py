"""Ingest: S3 notifications (via SQS) -> cleaned, versioned documents and receipts."""

from archive_search.ingest.events import ObjectEvent, parse_message_body
from archive_search.ingest.service import BatchResult, IngestService, Message

__all__ = ["BatchResult", "IngestService", "Message", "ObjectEvent", "parse_message_body"]
