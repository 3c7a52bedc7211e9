"""OpenSearch adapter of the alerts: the alert documents under ``<alias>-alerts`` and the
multi-search that runs alerts against the article alias.

Every request names its index in the URL (``PUT /<alerts>/_doc/<id>``,
``POST /<articles>/_msearch`` with empty headers): the domain refuses indices named in a
multi-request body (``rest.action.multi.allow_explicit_index: false``) and the template
grants exactly these paths.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opensearchpy import (
    ConflictError,
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    OpenSearch,
    RequestError,
    TransportError,
)

from archive_search.adapters.opensearch import SearchEngine
from archive_search.errors import Conflict, EngineUnavailable, IndexRefused, NotFound
from archive_search.index_schema import ALERT_MAPPINGS, alerts_index_body


@contextmanager
def _engine_errors(what: str) -> Iterator[None]:
    try:
        yield
    except (NotFoundError, ConflictError):
        raise  # the caller says what was not found, or who saved the alert first
    except RequestError as exc:  # a 400: the alerts index's mapping does not fit this version
        raise IndexRefused(
            f"{what}: the alerts index refused it ({exc.error}): its mapping does not fit this "
            "version; `archive-search bootstrap` updates it"
        ) from exc
    except (ConnectionError, ConnectionTimeout, TransportError) as exc:
        status = getattr(exc, "status_code", None)
        raise EngineUnavailable(
            f"{what}: search engine unavailable ({status or type(exc).__name__})"
        ) from exc


class AlertIndex:
    """Alert documents by id, and alert queries run against the article alias."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.client: OpenSearch = engine.client
        self.alias = engine.settings.alerts_alias
        self.articles_alias = engine.settings.index_alias
        self._ready = False

    def ensure(self) -> None:
        """Create the alerts index behind its alias once per execution environment, and give an
        index an earlier version made the fields its strict mapping lacks (a save would be refused)."""
        if not self._ready:
            self.engine.ensure_index(self.alias, alerts_index_body())
            with _engine_errors("adding the alert fields"):
                self.engine.add_fields(self.alias, ALERT_MAPPINGS)
            self._ready = True

    def put(
        self,
        alert_id: str,
        document: Mapping[str, Any],
        *,
        create: bool = False,
        version: tuple[int, int] | None = None,
    ) -> None:
        """Store the alert; ``create``: only while no alert has the id, ``version`` (from
        ``get_versioned``): only while it is the one read, not changed or deleted since; else
        ``Conflict``."""
        condition: dict[str, Any] = {"op_type": "create"} if create else {}
        if version is not None:
            condition = {"if_seq_no": version[0], "if_primary_term": version[1]}
        try:
            with _engine_errors("saving the alert"):
                # wait_for: the alert is listed (and matched by ingest) once the call returns.
                self.client.index(
                    index=self.alias,
                    id=alert_id,
                    body={**document, "alert_id": alert_id},
                    refresh="wait_for",
                    **condition,
                )
        except ConflictError as exc:
            raise Conflict(f"alert {alert_id} was saved by another request") from exc

    def get(self, alert_id: str) -> dict[str, Any]:
        return self.get_versioned(alert_id)[0]

    def get_versioned(self, alert_id: str) -> tuple[dict[str, Any], tuple[int, int]]:
        """The alert and its version (sequence number, primary term), for a conditional ``put``."""
        try:
            with _engine_errors("reading the alert"):
                found = self.client.get(index=self.alias, id=alert_id)
        except NotFoundError as exc:
            raise NotFound(f"no alert with id {alert_id!r}") from exc
        return dict(found["_source"]), (int(found["_seq_no"]), int(found["_primary_term"]))

    def delete(self, alert_id: str) -> None:
        try:
            with _engine_errors("deleting the alert"):
                self.client.delete(index=self.alias, id=alert_id, refresh="wait_for")
        except NotFoundError as exc:
            raise NotFound(f"no alert with id {alert_id!r}") from exc

    def count(self) -> int:
        try:
            with _engine_errors("counting alerts"):
                return int(self.client.count(index=self.alias)["count"])
        except NotFoundError:
            return 0

    def all(self, limit: int, offset: int = 0) -> list[tuple[str, dict[str, Any]]]:
        """Up to ``limit`` alerts after the first ``offset``, oldest first, as (id, document)."""
        body = {
            "from": offset,
            "size": limit,
            "query": {"match_all": {}},
            # Ties broken by alert_id (unique); unmapped_type: an index an earlier version made
            # still sorts (by created_at) until its first save adds the field (ensure).
            "sort": [{"created_at": "asc"}, {"alert_id": {"order": "asc", "unmapped_type": "keyword"}}],
            "track_total_hits": False,
        }
        try:
            with _engine_errors("listing alerts"):
                hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
        except NotFoundError:
            return []
        return [(hit["_id"], hit["_source"]) for hit in hits]

    def refresh_articles(self) -> None:
        """Make the documents ingest just wrote searchable (a real cluster shows them only
        after a refresh)."""
        self.engine.refresh()

    def msearch_articles(self, bodies: Sequence[Mapping[str, Any]], timeout_s: float) -> list[dict[str, Any]]:
        """One ``_msearch`` on the article alias; the responses in request order (an entry
        holding ``error`` for a search that failed alone)."""
        lines: list[Any] = []
        for body in bodies:
            lines += [{}, dict(body)]
        with _engine_errors("matching alerts"):
            response = self.client.msearch(index=self.articles_alias, body=lines, request_timeout=timeout_s)
        return list(response["responses"])
