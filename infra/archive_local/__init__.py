"""The local stack: moto server (S3 + SQS), osmem-server (OpenSearch), a queue worker
calling the real ingest handler, an HTTP front calling the real search handler, and an
inbox folder. Not shipped to Lambda; tests use the same pieces."""
