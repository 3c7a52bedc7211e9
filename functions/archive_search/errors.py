"""Domain errors, one hierarchy for the whole package.

    ArchiveSearchError
    ├── ConfigurationError   a required setting is missing or invalid (cold start)
    ├── RejectedInput        an upload cannot be cleaned; permanent, never retried
    ├── InvalidRequest       a search request names a bad parameter (HTTP 400)
    │   └── UnsupportedMediaType   a request body that is not JSON, or compressed (HTTP 415)
    ├── NotFound             an unknown article id or key (HTTP 404)
    ├── Conflict             a write the archive's state refuses: a reused Idempotency-Key,
    │                        a delete of one article of a multi-article file (HTTP 409)
    └── EngineUnavailable    the search engine is down, overloaded or timed out;
        │                    transient: ingest retries, search answers 503
        ├── IndexMissing     the index searched does not exist (yet, or any more); the same
        │                    to callers, told apart where a missing index means "empty"
        └── StorageUnavailable   the archive's storage (S3) failed or timed out; the same
                                 to callers (503, retried), named as what failed

The HTTP mapping of these lives in one place, ``archive_search.api``.
"""

from __future__ import annotations


class ArchiveSearchError(Exception):
    """Base class of every error the package raises on purpose."""

    code = "internal_error"


class ConfigurationError(ArchiveSearchError):
    code = "configuration_error"


class RejectedInput(ArchiveSearchError):
    """An upload that cannot become an article. ``reason`` is a stable machine code
    (``empty``, ``binary``, ``too_large``, ``unsupported_type``, ``undecodable``,
    ``no_article_text``, ``invalid_json``, ...); the message is for people."""

    code = "rejected_input"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class InvalidRequest(ArchiveSearchError):
    code = "invalid_parameter"

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter


class UnsupportedMediaType(InvalidRequest):
    code = "unsupported_media_type"


class NotFound(ArchiveSearchError):
    code = "not_found"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(ArchiveSearchError):
    code = "conflict"

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter


class IndexRefused(ArchiveSearchError):
    """The engine refused a document or mapping the service built (an index an earlier or
    later version made): the server's fault, and a retry meets the same refusal."""

    code = "index_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EngineUnavailable(ArchiveSearchError):
    code = "search_unavailable"
    what = "the search engine"  # what a 503 says is unavailable (never the message: internals)

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class IndexMissing(EngineUnavailable):
    """The index (or alias) searched does not exist: a 503 to callers like any engine failure,
    but a reader for which a missing index is an empty one (the events outbox) can tell."""


class StorageUnavailable(EngineUnavailable):
    """S3 failed: transient like the engine (same code, so clients retry both alike), but the
    503 names the storage, since the engine may be fine."""

    what = "the archive's storage"
