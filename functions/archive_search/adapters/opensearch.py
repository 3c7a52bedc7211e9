"""OpenSearch adapter: the client factory and the ``SearchEngine`` the logic talks to."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from opensearchpy import (
    AWSV4SignerAuth,
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    OpenSearch,
    RequestsHttpConnection,
    TransportError,
)
from opensearchpy.exceptions import RequestError

from archive_search.errors import EngineUnavailable, IndexMissing, InvalidRequest, NotFound
from archive_search.index_schema import MAPPING_VERSION, article_index_body
from archive_search.settings import Settings

_TRANSIENT_STATUS = {429, 502, 503, 504}
CLIENT_TIMEOUT_S = 30.0  # a request's timeout unless its caller has less time left
# No bulk request starts with less time than this: a round trip to a healthy domain takes tens of ms.
MIN_BULK_TIMEOUT_S = 0.2


def build_client(settings: Settings, *, timeout: float = CLIENT_TIMEOUT_S) -> OpenSearch:
    kwargs: dict[str, Any] = {
        "hosts": [settings.opensearch_url],
        "timeout": timeout,
        "max_retries": 0,  # retries are decided by the caller, within the Lambda's time
        "retry_on_timeout": False,
        "http_compress": True,
    }
    if settings.opensearch_auth == "sigv4":
        credentials = _aws_credentials()
        kwargs.update(
            http_auth=AWSV4SignerAuth(credentials, settings.aws_region, "es"),
            use_ssl=True,
            verify_certs=True,
            connection_class=RequestsHttpConnection,
        )
    return OpenSearch(**kwargs)


class _EnvCredentials(NamedTuple):
    """Static keys from the environment, in the shape the SigV4 signer reads (the fields of
    botocore's frozen credentials)."""

    access_key: str
    secret_key: str
    token: str | None

    def get_frozen_credentials(self) -> _EnvCredentials:
        return self


def _aws_credentials() -> Any:
    """The credentials botocore's default chain finds. Its first source is the environment,
    where Lambda puts the function's role as static keys: those are read here as botocore's
    EnvProvider reads them (tests/unit/test_engine_credentials.py compares the two). Keys with an
    expiry, partial keys or none go to EnvProvider and then the rest of the chain."""
    environ = os.environ
    access_key, secret_key = environ.get("AWS_ACCESS_KEY_ID", ""), environ.get("AWS_SECRET_ACCESS_KEY", "")
    if access_key and secret_key and not environ.get("AWS_CREDENTIAL_EXPIRATION"):
        token = environ.get("AWS_SECURITY_TOKEN") or environ.get("AWS_SESSION_TOKEN") or None
        return _EnvCredentials(access_key, secret_key, token)
    # Deferred: botocore.credentials loads botocore's client configuration, which signing never uses.
    from botocore.credentials import EnvProvider

    credentials = EnvProvider().load()
    if credentials is None:
        import botocore.session

        credentials = botocore.session.get_session().get_credentials()
    return credentials


@lru_cache(maxsize=4)
def cached_engine(settings: Settings) -> SearchEngine:
    """One engine (and one HTTP connection pool) per execution environment."""
    return SearchEngine(build_client(settings), settings)


def _too_large(size: int, limit: int) -> dict[str, Any]:
    """The per-item result of a document too large to send in any request."""
    reason = f"the document is {size} bytes, over the {limit} bytes of one bulk request"
    return {"status": 413, "error": {"type": "document_too_large", "reason": reason}}


def _unavailable(exc: Exception) -> EngineUnavailable:
    # opensearch-py gives a connection failure the status "N/A": name its class instead.
    status = getattr(exc, "status_code", None)
    return EngineUnavailable(
        f"search engine unavailable ({status if isinstance(status, int) else type(exc).__name__})"
    )


class SearchEngine:
    """The operations the domain needs, with engine errors mapped to domain errors."""

    def __init__(self, client: OpenSearch, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.alias = settings.index_alias
        self._profile: str | None = settings.engine_profile
        if self._profile == "auto":
            # SigV4 means Amazon OpenSearch Service, whose IAM grants may not cover GET /.
            self._profile = "opensearch" if settings.opensearch_auth == "sigv4" else None

    @property
    def profile(self) -> str:
        """The engine profile (index_schema.PROFILES): the setting, or on "auto" what the engine
        says it is (osmem-server names itself in its root answer), asked once; "opensearch"
        without asking when requests are SigV4-signed."""
        if self._profile is None:
            try:
                info = self.client.info()
            except (ConnectionError, ConnectionTimeout, TransportError) as exc:
                raise _unavailable(exc) from exc
            self._profile = "osmem" if info.get("cluster_name") == "osmem" else "opensearch"
        return self._profile

    # -- index lifecycle -------------------------------------------------
    def ensure_index(self, alias: str | None = None, body: Mapping[str, Any] | None = None) -> str:
        """Create the versioned index and its alias if the alias is missing (by default the
        article index; ingest also passes the receipts alias and body).

        Idempotent and safe to race: returns the concrete index the alias points at.
        """
        alias = alias or self.alias
        try:
            current = self.client.indices.get_alias(name=alias)
            return next(iter(current))
        except NotFoundError:
            pass
        except (ConnectionError, ConnectionTimeout) as exc:
            raise _unavailable(exc) from exc
        name = self.new_index_name(alias)
        self.create_index(name, body)
        try:
            self.client.indices.put_alias(index=name, name=alias)
        except TransportError as exc:
            raise _unavailable(exc) from exc
        return name

    def add_fields(self, alias: str, mappings: Mapping[str, Any]) -> None:
        """Put ``mappings`` on the indices behind ``alias``: fields it adds are added, fields it
        states as they are change nothing; a changed field is refused (it needs a new index)."""
        try:
            self.client.indices.put_mapping(index=alias, body=dict(mappings))
        except (ConnectionError, ConnectionTimeout) as exc:
            raise _unavailable(exc) from exc

    def new_index_name(self, alias: str | None = None) -> str:
        # Microseconds: a reindex right after bootstrap still gets a new name.
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{time.time_ns() // 1000 % 1_000_000:06d}"
        return f"{alias or self.alias}-v{MAPPING_VERSION}-{stamp}"

    def create_index(self, name: str, body: Mapping[str, Any] | None = None) -> None:
        try:
            self.client.indices.create(
                index=name, body=dict(body) if body else article_index_body(self.profile)
            )
        except RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
        except (ConnectionError, ConnectionTimeout) as exc:
            raise _unavailable(exc) from exc

    # -- reads -------------------------------------------------------------
    def search(self, body: Mapping[str, Any], *, index: str | None = None) -> dict[str, Any]:
        try:
            return self.client.search(
                index=index or self.alias,
                body=dict(body),
                request_timeout=self.settings.search_timeout_ms / 1000,
            )
        except NotFoundError as exc:
            raise IndexMissing(f"index {index or self.alias!r} does not exist yet") from exc
        except RequestError as exc:
            raise InvalidRequest(f"the search engine rejected the query: {exc.error}") from exc
        except (ConnectionError, ConnectionTimeout) as exc:
            raise _unavailable(exc) from exc
        except TransportError as exc:
            raise _unavailable(exc) from exc

    def msearch(self, bodies: list[Mapping[str, Any]], *, index: str | None = None) -> list[dict[str, Any]]:
        """Several searches in one round trip; an error in any of them fails all, as search does."""
        lines: list[Mapping[str, Any]] = []
        for body in bodies:
            lines += [{}, dict(body)]
        try:
            responses = self.client.msearch(
                index=index or self.alias,
                body=lines,
                request_timeout=self.settings.search_timeout_ms / 1000,
            )["responses"]
        except NotFoundError as exc:
            raise IndexMissing(f"index {index or self.alias!r} does not exist yet") from exc
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc
        for response in responses:
            error = response.get("error")
            if error:
                status = response.get("status", 500)
                reason = error.get("type", error) if isinstance(error, dict) else error
                if status == 400:
                    raise InvalidRequest(f"the search engine rejected the query: {reason}")
                raise EngineUnavailable(f"search engine unavailable ({status})")
        return responses

    def get(self, doc_id: str, *, index: str | None = None) -> dict[str, Any]:
        try:
            return self.client.get(index=index or self.alias, id=doc_id)["_source"]
        except NotFoundError as exc:
            raise NotFound(f"no article with id {doc_id!r}") from exc
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc

    def mget(self, ids: Iterable[str], *, index: str | None = None) -> dict[str, dict[str, Any]]:
        """Found documents by id (missing ids are simply absent)."""
        ids = list(ids)
        if not ids:
            return {}
        try:
            docs = self.client.mget(index=index or self.alias, body={"ids": ids})["docs"]
        except NotFoundError:
            return {}
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc
        return {d["_id"]: d for d in docs if d.get("found")}

    # -- writes ------------------------------------------------------------
    def bulk(
        self,
        operations: list[dict[str, Any] | None],
        *,
        index: str | None = None,
        require_alias: bool = True,
        time_left_s: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Send the items to ``/<index>/_bulk`` (the article alias by default; never the domain
        root: the IAM grants name the alias' indices) in requests of at most ``settings.max_bulk_bytes``; return the per-item
        results in request order.

        ``operations`` is the flat list of (action, source) pairs, the actions without
        ``_index``; a ``delete`` action's source is ``None`` (it has no body line). An item
        larger than a request may be gets a 413 result of its own without being sent (a 413 is
        never retryable); a request the engine refuses with 413 is split in two and each half
        sent again. Raises EngineUnavailable when a request as a whole
        fails; per-item failures (429, 409, mapping errors) are left for the caller to map.

        ``time_left_s`` (the caller's time left, seconds) caps each request's timeout when it
        starts, so a slow domain times the request out while the caller can still fail its items
        cleanly; a request with less than ``MIN_BULK_TIMEOUT_S`` left is not sent
        (EngineUnavailable).
        """
        index = index or self.alias
        dumps = self.client.transport.serializer.dumps
        items = [
            (
                f"{dumps(operations[i])}\n"
                + ("" if operations[i + 1] is None else f"{dumps(operations[i + 1])}\n")
            ).encode()
            for i in range(0, len(operations), 2)
        ]
        results: list[dict[str, Any]] = [{}] * len(items)
        chunk: list[int] = []
        size = 0
        for i, item in enumerate(items):
            if len(item) > self.settings.max_bulk_bytes:
                results[i] = _too_large(len(item), self.settings.max_bulk_bytes)
                continue
            if chunk and size + len(item) > self.settings.max_bulk_bytes:
                self._send_bulk(chunk, items, results, index, require_alias, time_left_s)
                chunk, size = [], 0
            chunk.append(i)
            size += len(item)
        if chunk:
            self._send_bulk(chunk, items, results, index, require_alias, time_left_s)
        return results

    def _send_bulk(
        self,
        chunk: list[int],
        items: list[bytes],
        results: list[dict[str, Any]],
        index: str,
        require_alias: bool,
        time_left_s: Callable[[], float] | None = None,
    ) -> None:
        timeout = CLIENT_TIMEOUT_S if time_left_s is None else min(CLIENT_TIMEOUT_S, time_left_s())
        if timeout < MIN_BULK_TIMEOUT_S:
            raise EngineUnavailable("search engine unavailable (no time left for a bulk request)")
        try:
            # require_alias: a vanished alias fails the items (404) instead of auto-creating
            # an index without the mapping; the caller re-creates the alias and retries.
            params = {"require_alias": "true"} if require_alias else {}
            response = self.client.bulk(
                body=b"".join(items[i] for i in chunk), index=index, params=params, request_timeout=timeout
            )
        except (ConnectionError, ConnectionTimeout) as exc:
            raise _unavailable(exc) from exc
        except TransportError as exc:
            if exc.status_code == 413:
                if len(chunk) == 1:
                    results[chunk[0]] = _too_large(len(items[chunk[0]]), self.settings.max_bulk_bytes)
                    return
                half = len(chunk) // 2
                self._send_bulk(chunk[:half], items, results, index, require_alias, time_left_s)
                self._send_bulk(chunk[half:], items, results, index, require_alias, time_left_s)
                return
            if exc.status_code in _TRANSIENT_STATUS or not isinstance(exc.status_code, int):
                raise _unavailable(exc) from exc
            raise
        for i, item in zip(chunk, response["items"], strict=True):
            results[i] = next(iter(item.values()))

    # -- alias swaps (reindex) ---------------------------------------------
    def alias_targets(self, alias: str | None = None) -> list[str]:
        """The concrete indices an alias points at (empty when it does not exist)."""
        try:
            return sorted(self.client.indices.get_alias(name=alias or self.alias))
        except NotFoundError:
            return []
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc

    def swap_alias(self, new_index: str, alias: str | None = None) -> list[str]:
        """Point the alias at ``new_index`` only, in one atomic request; returns the old targets."""
        alias = alias or self.alias
        old = self.alias_targets(alias)
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": new_index, "alias": alias}})
        try:
            self.client.indices.update_aliases(body={"actions": actions})
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc
        return [name for name in old if name != new_index]

    def refresh(self, index: str | None = None) -> None:
        try:
            self.client.indices.refresh(index=index or self.alias)
        except (ConnectionError, ConnectionTimeout, TransportError) as exc:
            raise _unavailable(exc) from exc

    def probe(self, timeout_s: float) -> None:
        """A real read on the alias (a size-0 search) that must answer within ``timeout_s``;
        raises EngineUnavailable otherwise. ``HEAD /`` answers while searches hang."""
        try:
            self.client.search(
                index=self.alias,
                body={"size": 0, "track_total_hits": False, "timeout": f"{int(timeout_s * 1000)}ms"},
                request_timeout=timeout_s,
            )
        except Exception as exc:  # any failure of the probe is an unhealthy engine
            raise _unavailable(exc) from exc

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False
