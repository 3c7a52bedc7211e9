"""The one place that owns logging, metrics and tracing (Powertools).

``tracer`` is Powertools' Tracer where tracing is on and a pass-through elsewhere: the X-Ray
SDK it needs is imported only when a function runs with tracing, so a cold start without
tracing (the local stack, tests, ``POWERTOOLS_TRACE_DISABLED=true``) does not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

SERVICE = "archive-search"
NAMESPACE = "ArchiveSearch"

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace=NAMESPACE)

_F = TypeVar("_F", bound=Callable[..., Any])
_TRUE = {"1", "true", "yes", "on", "y", "t"}


def tracing_enabled(environ: os._Environ[str] | dict[str, str] = os.environ) -> bool:
    """Powertools' own rule: tracing runs inside Lambda (``LAMBDA_TASK_ROOT`` set), except under
    ``sam local`` or Chalice's local mode, or when ``POWERTOOLS_TRACE_DISABLED`` is true."""
    if environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _TRUE:
        return False
    if environ.get("AWS_SAM_LOCAL") or environ.get("AWS_CHALICE_CLI_MODE"):
        return False
    return bool(environ.get("LAMBDA_TASK_ROOT"))


class LazyTracer:
    """Powertools' Tracer, built on first use when tracing is enabled; otherwise its decorators
    return the function unchanged and its other methods do nothing."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._tracer: Tracer | None = None

    @property
    def enabled(self) -> bool:
        return tracing_enabled()

    def _real(self) -> Tracer:
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer(service=self._service)
        return self._tracer

    def capture_lambda_handler(self, handler: _F | None = None, **options: Any) -> Any:
        if not self.enabled:
            return handler if handler is not None else (lambda function: function)
        return self._real().capture_lambda_handler(handler, **options)

    def capture_method(self, method: _F | None = None, **options: Any) -> Any:
        if not self.enabled:
            return method if method is not None else (lambda function: function)
        return self._real().capture_method(method, **options)

    def put_annotation(self, key: str, value: str | float | bool) -> None:
        if self.enabled:
            self._real().put_annotation(key=key, value=value)

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        if self.enabled:
            self._real().put_metadata(key=key, value=value, namespace=namespace)


tracer = LazyTracer(SERVICE)

__all__ = ["NAMESPACE", "SERVICE", "LazyTracer", "logger", "metrics", "tracer", "tracing_enabled"]
