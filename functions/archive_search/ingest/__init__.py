"""Ingest: S3 notifications (via SQS) -> cleaned, versioned documents and receipts.

The package imports nothing on its own: ``ingest.receipts`` and ``ingest.status_api`` (read by
the search function) must not pull in ``ingest.service`` and with it the cleaner. Import the
service from ``archive_search.ingest.service``.
"""
