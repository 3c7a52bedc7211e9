"""Configuration: one typed object read from the environment and validated once.

Every variable, its default and its meaning are listed in README.md (Configuration).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlparse

from archive_search.errors import ConfigurationError

# Keys under this prefix are the service's own objects in the archive bucket (the line
# statistics): ingest never takes them for uploads, reindex and line-stats skip them.
RESERVED_PREFIX = "_archive-search/"
# Where the archive's line statistics (cleaning/lines/stats.py) are kept in its bucket.
LINE_STATS_KEY = f"{RESERVED_PREFIX}line-stats.npz"
# EVENT_ORDER: what orders the events on one key. S3 sends a sequencer with each; a store
# that sends none needs the explicit event-time mode (ingest/events.py).
SEQUENCER = "sequencer"
EVENT_TIME = "event-time"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    opensearch_url: str
    opensearch_auth: str  # "none" | "sigv4"
    aws_region: str
    index_alias: str = "articles"
    receipts_alias: str = "ingest-receipts"
    # Saved searches (docs/alerts.md): always <INDEX_ALIAS>-alerts, the name the template grants.
    alerts_alias: str = "ingest-alerts"
    # Events not yet accepted by the bus (ingest/outbox.py): always <INDEX_ALIAS>-outbox, the
    # name the template grants.
    outbox_alias: str = "ingest-outbox"
    archive_bucket: str | None = None
    # Ceilings over cleaning's own bounds by format (cleaning.MAX_INPUT_BYTES, the largest
    # of which they default to): an operator can lower them, not raise them. docs/limits.md.
    max_object_bytes: int = 5 * 1024 * 1024
    max_decompressed_bytes: int = 5 * 1024 * 1024
    # Bytes of one bulk request: half the 10 MiB HTTP request cap of small managed domains.
    max_bulk_bytes: int = 5 * 1024 * 1024
    search_timeout_ms: int = 10_000
    service_name: str = "archive-search"
    # Key of the archive's line statistics in its bucket; None: cleaning never uses them.
    line_stats_key: str | None = LINE_STATS_KEY
    # HMAC key of search cursors (CURSOR_SECRET); None: the search API refuses to page.
    cursor_secret: bytes | None = None
    # The ingest queue whose backlog /health reports (INGEST_QUEUE_URL); None: not reported.
    ingest_queue_url: str | None = None
    # EventBridge bus that hears every final ingest outcome (docs/events.md); None: no events.
    event_bus_name: str | None = None
    # Seconds an event stays in the outbox before the republisher sends it again (docs/events.md).
    events_republish_after_s: int = 300
    # ENGINE_PROFILE: "opensearch" | "osmem" (the local engine's gaps, fenced in index_schema and
    # search), or "auto": asked from the engine once per execution environment.
    engine_profile: str = "auto"
    # EVENT_ORDER: SEQUENCER (an event without one is malformed) or EVENT_TIME.
    event_order: str = SEQUENCER

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        url = env.get("OPENSEARCH_URL", "").strip().rstrip("/")
        if not url:
            raise ConfigurationError(
                "OPENSEARCH_URL is not set: name the search engine, e.g. http://127.0.0.1:9200"
            )
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigurationError(f"OPENSEARCH_URL must be an http(s) URL, got {url!r}")
        default_auth = "sigv4" if parsed.hostname.endswith(".amazonaws.com") else "none"
        auth = env.get("OPENSEARCH_AUTH", default_auth).strip().lower()
        if auth not in ("none", "sigv4"):
            raise ConfigurationError(f"OPENSEARCH_AUTH must be 'none' or 'sigv4', got {auth!r}")
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        alias = env.get("INDEX_ALIAS", "articles").strip()
        if not alias or alias != alias.lower() or any(c in alias for c in ' "*\\<|,>/?'):
            raise ConfigurationError(f"INDEX_ALIAS must be a lower-case OpenSearch name, got {alias!r}")
        profile = env.get("ENGINE_PROFILE", "auto").strip().lower() or "auto"
        if profile not in ("auto", "opensearch", "osmem"):
            raise ConfigurationError(
                f"ENGINE_PROFILE must be 'auto', 'opensearch' or 'osmem', got {profile!r}"
            )
        event_order = env.get("EVENT_ORDER", SEQUENCER).strip().lower() or SEQUENCER
        if event_order not in (SEQUENCER, EVENT_TIME):
            raise ConfigurationError(
                f"EVENT_ORDER must be '{SEQUENCER}' or '{EVENT_TIME}', got {event_order!r}"
            )
        return cls(
            opensearch_url=url,
            opensearch_auth=auth,
            aws_region=region,
            index_alias=alias,
            receipts_alias=env.get("RECEIPTS_ALIAS", f"{alias}-receipts").strip(),
            alerts_alias=f"{alias}-alerts",
            outbox_alias=f"{alias}-outbox",
            archive_bucket=env.get("ARCHIVE_BUCKET") or None,
            max_object_bytes=_int(env, "MAX_OBJECT_BYTES", cls.max_object_bytes),
            max_decompressed_bytes=_int(env, "MAX_DECOMPRESSED_BYTES", cls.max_decompressed_bytes),
            max_bulk_bytes=_int(env, "MAX_BULK_BYTES", cls.max_bulk_bytes, minimum=64 * 1024),
            search_timeout_ms=_int(env, "SEARCH_TIMEOUT_MS", cls.search_timeout_ms, minimum=100),
            service_name=env.get("POWERTOOLS_SERVICE_NAME", "archive-search"),
            line_stats_key=_line_stats_key(env),
            cursor_secret=_cursor_secret(env),
            ingest_queue_url=env.get("INGEST_QUEUE_URL", "").strip() or None,
            event_bus_name=_event_bus_name(env),
            events_republish_after_s=_int(
                env, "EVENTS_REPUBLISH_AFTER_SECONDS", cls.events_republish_after_s, minimum=0
            ),
            engine_profile=profile,
            event_order=event_order,
        )


def _line_stats_key(env: Mapping[str, str]) -> str | None:
    """``LINE_STATS_KEY``: unset is the default key, empty turns line statistics off."""
    key = env.get("LINE_STATS_KEY", LINE_STATS_KEY).strip()
    if not key:
        return None
    if not key.startswith(RESERVED_PREFIX) or key == RESERVED_PREFIX or key.endswith("/"):
        # Outside the reserved prefix, writing the statistics would make ingest index them.
        raise ConfigurationError(
            f"LINE_STATS_KEY must name an object under {RESERVED_PREFIX}, got {key!r} (empty turns it off)"
        )
    return key


MIN_CURSOR_SECRET_CHARS = 32


def _cursor_secret(env: Mapping[str, str]) -> bytes | None:
    """``CURSOR_SECRET``: the key cursors are authenticated with (at least 32 characters;
    in AWS a Secrets Manager secret the template generates, locally one per stack)."""
    secret = env.get("CURSOR_SECRET", "").strip()
    if not secret:
        return None
    if len(secret) < MIN_CURSOR_SECRET_CHARS:
        raise ConfigurationError(
            f"CURSOR_SECRET must be at least {MIN_CURSOR_SECRET_CHARS} characters, got {len(secret)}"
        )
    return secret.encode()


def _event_bus_name(env: Mapping[str, str]) -> str | None:
    """``EVENT_BUS_NAME``: a bus name or ARN; unset or empty publishes no events."""
    name = env.get("EVENT_BUS_NAME", "").strip()
    if not name:
        return None
    if not re.fullmatch(r"(arn:[\w-]+:events:[\w-]+:\d{12}:event-bus/)?[\w.\-/]{1,256}", name):
        raise ConfigurationError(f"EVENT_BUS_NAME must be an EventBridge bus name or ARN, got {name!r}")
    return name


def not_an_upload(key: str) -> str | None:
    """Why the object ``key`` is not an upload (ingest acknowledges its events without a
    receipt; listings, reindex and line-stats skip it), or ``None`` for an upload."""
    if key.startswith(RESERVED_PREFIX):
        return f"keys under {RESERVED_PREFIX} are the service's own objects, not uploads"
    if key.endswith("/"):
        # The S3 console's "Create folder" stores an empty object so named; no file is.
        return "a key ending in / is a folder, not an uploaded file"
    return None


def is_upload_key(key: str) -> bool:
    return not_an_upload(key) is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this execution environment, read once at cold start."""
    return Settings.from_env()
