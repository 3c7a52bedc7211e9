"""Writes: articles and files from other services become objects in the archive bucket.

Every write is an object under a write prefix (``api/`` for articles, ``uploads/`` for
presigned uploads); the bucket's notifications take it through the same S3 -> SQS ->
ingest path as a dropped file, so it gets the same limits, rejections and receipts. No
route here writes to the index.
"""
