"""SearchService: runs validated search requests against the engine and shapes responses.

Talks to the engine only through the ``Engine`` adapter it is given; every query is filtered by
``query.LIVE`` so tombstones of deleted articles never show. The request body is built by
``body``, pages after a cursor by ``paging``, responses shaped by ``shaping``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from archive_search.errors import ConfigurationError, NotFound
from archive_search.language_tags import language_of
from archive_search.search import cursor as cursors
from archive_search.search.body import COLLAPSE, GROUP_COUNT, SOURCE_FOR, groups_before, search_body
from archive_search.search.engine import Engine
from archive_search.search.paging import check_after, duplicate_counts, page_after, page_at
from archive_search.search.query import FACET_FIELDS, FACET_WORD_FIELDS, LIVE, PREFIX_EXPANSIONS
from archive_search.search.request import HIT_FIELDS, SearchRequest, validate
from archive_search.search.safe_text import plain
from archive_search.search.shaping import (
    article_fields,
    copies,
    facet_lists,
    fingerprint_of,
    folded_value,
    prefix_rank,
    shaped_hit,
)
from archive_search.search.syntax import typed_text


# "." and ".." are no ids: HTTP clients remove them from a path as dot segments, so the engine
# would be asked GET /<alias>/ and answer with the index's description, not a document.
def epoch_ms() -> int:
    """Now, in epoch milliseconds: the instant a sort=recent walk's boost decays from."""
    return time.time_ns() // 1_000_000


ID_PATTERN = re.compile(r"^(?!\.\.?$)[A-Za-z0-9_.:-]{1,128}$")


class SearchService:
    def __init__(self, engine: Engine, *, timeout_ms: int = 10_000, cursor_key: bytes | None = None) -> None:
        self.engine = engine
        self.timeout = f"{timeout_ms}ms"
        self._cursor_key = cursor_key

    @property
    def cursor_key(self) -> bytes:
        if not self._cursor_key:
            raise ConfigurationError("CURSOR_SECRET is not set: the search API cannot make or read cursors")
        return self._cursor_key

    # -- GET /search ------------------------------------------------------------
    def search(self, request: SearchRequest) -> dict[str, Any]:
        """One engine round trip per page: page 2+ of a collapsed search asks for the groups
        before it in the same _msearch, and a collapsed cursor page is read by its groups'
        position. Only a cursor whose positions no longer line up (documents changed before
        it) takes more: its page is read with search_after and its copies counted apart."""
        # Before anything asks the engine, its profile included: a bad request is a 400 even
        # while the engine is down.
        validate(request)
        cursor = (
            cursors.decode(request.cursor, request.digest(), key=self.cursor_key) if request.cursor else None
        )
        # sort=recent scores decay with time: every page of a walk scores from the first page's
        # instant, or the scores would fall below the cursor's and the walk repeat its pages.
        origin = None if request.sort != "recent" else (cursor.origin if cursor else None) or epoch_ms()
        body, sort = search_body(request, profile=self.engine.profile, timeout=self.timeout, origin_ms=origin)
        seen: list[str] = []
        shown: int | None = None  # groups listed up to the end of this page (collapse only)
        if cursor:
            check_after(cursor.after, sort)
            seen = list(cursor.seen)
            positioned = page_at(self.engine, body, request, cursor) if request.collapse else None
            if positioned:
                hits, response = positioned
                shown = (cursor.shown or 0) + len(hits)
                duplicates = {fingerprint_of(h): copies(h) for h in hits}
            else:
                hits, response = page_after(self.engine, body, request, cursor)
                duplicates = duplicate_counts(self.engine, body, hits) if request.collapse else {}
        else:
            start = body["from"]
            if request.collapse and start:
                response, before = self.engine.msearch([body, groups_before(body, start)])
                hits = response["hits"]["hits"]
                if len(hits) == request.size:
                    seen = [fingerprint_of(hit) for hit in before["hits"]["hits"]]
            else:
                response = self.engine.search(body)
                hits = response["hits"]["hits"]
            duplicates = {fingerprint_of(h): copies(h) for h in hits} if request.collapse else {}
            shown = start + len(hits) if request.collapse else None

        shaped = [shaped_hit(h, request.fields, duplicates) for h in hits]
        total = response["hits"]["total"]["value"]
        result: dict[str, Any] = {"total": total, "hits": shaped}
        # The hits a client pages through: groups of copies, or (collapse=false) every copy.
        result["total_groups"] = (
            response["aggregations"]["groups"]["count"]["value"] if request.collapse else total
        )
        result["facets"] = facet_lists(response.get("aggregations", {}), request)
        more = len(hits) == request.size and hits and "sort" in hits[-1]
        result["next_cursor"] = (
            cursors.encode(
                hits[-1]["sort"],
                request.digest(),
                seen + [fingerprint_of(h) for h in hits],
                key=self.cursor_key,
                shown=shown,
                origin=origin,
            )
            if more
            else None
        )
        return result

    def search_body(self, request: SearchRequest) -> tuple[dict[str, Any], list[Any]]:
        """The engine request of a /search page and its sort (``body.search_body``)."""
        validate(request)
        return search_body(request, profile=self.engine.profile, timeout=self.timeout)

    # -- GET /articles/{id} --------------------------------------------------------
    def article(self, doc_id: str) -> dict[str, Any]:
        source = self.live_document(doc_id)
        article = article_fields(source)
        article["id"] = doc_id
        article["body"] = plain(source.get("body") or "")
        article["origin"] = {
            "bucket": plain(source.get("bucket")),
            "key": plain(source.get("key")),
            "ordinal": source.get("ordinal"),
            "ingested_at": plain(source.get("ingested_at")),
            "cleaner_version": plain(source.get("cleaner_version")),
        }
        return article

    def live_document(self, doc_id: str) -> dict[str, Any]:
        if not ID_PATTERN.match(doc_id):
            raise NotFound(f"no article with id {doc_id}")
        try:
            source = self.engine.get(doc_id)
        except NotFound:
            raise NotFound(f"no article with id {doc_id}") from None
        if source.get("deleted"):
            raise NotFound(f"article {doc_id} was deleted")
        return source

    # -- GET /articles/{id}/similar ----------------------------------------------
    def similar(self, doc_id: str, size: int = 10) -> dict[str, Any]:
        source = self.live_document(doc_id)
        like = "\n\n".join(
            [source.get("title") or "", source.get("description") or "", (source.get("body") or "")[:5000]]
        )
        must_not: list[dict[str, Any]] = [{"ids": {"values": [doc_id]}}]
        if source.get("fingerprint"):
            must_not.append({"term": {"fingerprint": source["fingerprint"]}})
        response = self.engine.search(
            {
                "size": size,
                "timeout": self.timeout,
                "_source": sorted({f for fs in SOURCE_FOR.values() for f in fs} - {"body"} | {"fingerprint"}),
                "query": {
                    "bool": {
                        "must": [
                            {
                                "more_like_this": {
                                    "fields": ["title", "description", "body"],
                                    "like": [like],
                                    "min_term_freq": 1,
                                    "min_doc_freq": 1,
                                    "max_query_terms": 25,
                                    "minimum_should_match": "20%",
                                }
                            }
                        ],
                        "filter": [LIVE],
                        "must_not": must_not,
                    }
                },
                "collapse": COLLAPSE,
            }
        )
        hits = response["hits"]["hits"]
        fields = tuple(f for f in HIT_FIELDS if f not in ("snippet", "title_html", "description_html"))
        duplicates = {fingerprint_of(h): copies(h) for h in hits}
        return {"id": doc_id, "hits": [shaped_hit(h, fields, duplicates) for h in hits]}

    # -- GET /facets/{field} -----------------------------------------------------
    def facet_values(self, name: str, prefix: str | None, size: int = 10) -> dict[str, Any]:
        match_field, count_field = FACET_FIELDS[name]
        typed = typed_text(prefix or "")
        if name == "language":
            # A whole tag (en-GB, eng) or name (English) is read as the language filter reads
            # it: the index keeps only its language subtag. Anything else stays a prefix of the
            # codes ("f").
            typed = language_of(typed) or typed
        folded_prefix = folded_value(typed)
        query: dict[str, Any] = {"bool": {"filter": [LIVE]}}
        if folded_prefix:
            prefix_field = match_field if match_field.endswith(".folded") else count_field
            # The fold drops every combining mark (Greek tonos, Arabic hamza), which the field's
            # normaliser (lowercase, asciifolding) keeps outside Latin: the prefix is also
            # compared as that normaliser makes it of non-Latin text, lower case letter by
            # letter (as Lucene's lowercase filter: "Σ" -> "σ", never the final "ς").
            lowered = "".join(c.lower() for c in typed.strip())
            should: list[dict[str, Any]] = [
                {"prefix": {prefix_field: text}} for text in dict.fromkeys((folded_prefix, lowered))
            ]
            if name in FACET_WORD_FIELDS:  # a value is found by any of its words ("mccoy", "harbour")
                should += [
                    {
                        "match_phrase_prefix": {
                            FACET_WORD_FIELDS[name]: {"query": text, "max_expansions": PREFIX_EXPANSIONS}
                        }
                    }
                    for text in dict.fromkeys((folded_prefix, lowered))
                ]
            query["bool"]["filter"].append({"bool": {"should": should, "minimum_should_match": 1}})
        response = self.engine.search(
            {
                "size": 0,
                "timeout": self.timeout,
                "query": query,
                # Groups of copies, as /search's facets count them by default: a value found
                # here shows the count ticking it gives.
                "aggs": {
                    "values": {
                        "terms": {
                            "field": count_field,
                            "size": 500,
                            "order": [{"groups": "desc"}, {"_key": "asc"}],
                        },
                        "aggs": {"groups": GROUP_COUNT},
                    }
                },
            }
        )
        buckets = response["aggregations"]["values"]["buckets"]
        ranked = [(prefix_rank(folded_value(str(b["key"])), folded_prefix), b) for b in buckets]
        # Values starting with the prefix first, then those with a later word that does; each
        # part in the engine's order (most groups first).
        values = [
            {"value": plain(str(b["key"])), "count": int(b["groups"]["value"])}
            for rank, b in sorted((pair for pair in ranked if pair[0] is not None), key=lambda pair: pair[0])
        ]
        return {"field": name, "prefix": plain(prefix), "values": values[:size]}
