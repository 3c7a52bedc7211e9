"""The bounds of alerts (docs/alerts.md), checked before anything is stored or run.

Plain constants, so ingest's matcher reads them without the API's validation (pydantic is not
in the ingest bundle).
"""

from __future__ import annotations

from archive_search.search.query import FACET_FIELDS

MAX_ALERT_BODY_BYTES = 64 * 1024  # a POST /alerts body, checked before it is parsed
MAX_ALERTS = 5_000  # per deployment: ingest reads them all for every batch with new articles
# The stored search as JSON: with MAX_ALERTS, what ingest reads per batch stays under 40 MB.
MAX_SEARCH_BYTES = 8 * 1024
MAX_PAGE_SIZE = 50  # alerts per GET /alerts page
MAX_NAME_CHARS = 200
MAX_FILTER_VALUES = 50
MAX_FILTER_VALUE_CHARS = 256
MAX_WEBHOOK_URL_CHARS = 2048
FILTER_NAMES = tuple(FACET_FIELDS)  # source, language, place, author, tag
