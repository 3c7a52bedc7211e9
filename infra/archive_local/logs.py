"""Readable log lines for a person watching ``make run``.

The handlers log structured JSON (Powertools), which is right for CloudWatch but hard
to read in a terminal. Locally each JSON line is rendered as
``time level logger message key=value ...`` without the Lambda context fields that
are the same on every line. ``LOG_FORMAT=json`` keeps the JSON.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from typing import Any

FORMAT = "%(asctime)s %(levelname)-7s %(name)-6s %(message)s"
DATEFMT = "%H:%M:%S"

# Fields Powertools adds to every line: the same on every invocation, or already shown.
_CONTEXT_FIELDS = frozenset(
    {
        "level",
        "location",
        "message",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "sampling_rate",
        "xray_trace_id",
    }
)


class ReadableFormatter(logging.Formatter):
    """Renders the JSON a Powertools formatter produces as one short text line."""

    def __init__(self, structured: logging.Formatter, name: str) -> None:
        super().__init__(FORMAT, DATEFMT)
        self.structured = structured
        self.name = name

    def __getattr__(self, name: str) -> Any:
        # Powertools manages its keys through the registered formatter (append_keys,
        # clear_state, ...): those calls go to the structured formatter underneath.
        return getattr(self.structured, name)

    def format(self, record: logging.LogRecord) -> str:
        rendered = self.structured.format(record)
        try:
            fields: dict[str, Any] = json.loads(rendered)
        except ValueError:
            return rendered
        extras = " ".join(
            f"{key}={_short(value)}" for key, value in fields.items() if key not in _CONTEXT_FIELDS
        )
        line = f"{self.formatTime(record, DATEFMT)} {record.levelname:<7} {self.name:<6} {fields.get('message', '')}"
        return f"{line} {extras}" if extras else line


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if " " not in text else json.dumps(text, ensure_ascii=False)


def configure(level: str) -> None:
    """Plain lines for the stack's own loggers, quiet third-party ones."""
    logging.basicConfig(level=level, format=FORMAT, datefmt=DATEFMT, stream=sys.stderr)
    for noisy, at in (("botocore", "WARNING"), ("boto3", "WARNING"), ("urllib3", "WARNING")):
        logging.getLogger(noisy).setLevel(at)
    # opensearch-py logs every non-2xx response, expected 404s included; the handlers
    # report the failures that matter themselves.
    logging.getLogger("opensearch").setLevel("ERROR")
    # Without a metrics sink locally, Powertools warns on every invocation.
    warnings.filterwarnings("ignore", message="No application metrics to publish")


def readable_lambda_logs() -> None:
    """Render the handlers' Powertools JSON as plain lines (call once their environment
    is set: the Powertools logger reads it when first imported)."""
    from archive_search.observability import logger

    handler = logger.registered_handler
    handler.setFormatter(ReadableFormatter(handler.formatter or logging.Formatter(), "lambda"))
