"""The one place that owns logging, metrics and tracing (Powertools)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "archive-search"
NAMESPACE = "ArchiveSearch"

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace=NAMESPACE)
tracer = Tracer(service=SERVICE)

__all__ = ["NAMESPACE", "SERVICE", "logger", "metrics", "tracer"]
