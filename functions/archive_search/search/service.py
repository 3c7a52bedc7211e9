"""SearchService: runs validated search requests against the engine and shapes responses.

Talks to the engine only through the ``SearchEngine`` adapter it is given; every query it
builds is filtered by ``query.LIVE`` so tombstones of deleted articles never show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from archive_search.errors import ConfigurationError, InvalidRequest, NotFound
from archive_search.index_schema import ARTICLE_SETTINGS, HIGHLIGHT_CHARS
from archive_search.search import cursor as cursors
from archive_search.search.query import (
    FACET_FIELDS,
    LIVE,
    Node,
    facet_filter,
    highlight_query,
    parse_query,
    positive_words,
    published_filter,
    search_fields,
    text_query,
)
from archive_search.search.safe_text import MARK_CLOSE, MARK_OPEN, escape, plain, safe_url, snippet

MAX_RESULT_WINDOW: int = ARTICLE_SETTINGS["index"]["max_result_window"]
SNIPPET_CHARS = 180
FACET_NAMES = ("source", "language", "place", "author", "tag", "published")
INTERVALS = {"day": "yyyy-MM-dd", "week": "yyyy-MM-dd", "month": "yyyy-MM", "year": "yyyy"}
HIT_FIELDS = (
    "id",
    "score",
    "title",
    "title_html",
    "snippet",
    "source",
    "published",
    "place",
    "authors",
    "author_org",
    "language",
    "tags",
    "url",
    "duplicates",
)
_SOURCE_FOR = {
    "title": ["title"],
    "title_html": ["title"],
    "snippet": [],  # from the highlighted lead: a long body is never fetched for a snippet
    "source": ["source"],
    "published": ["published"],
    "place": ["place"],
    "authors": ["authors"],
    "author_org": ["author_org"],
    "language": ["language"],
    "tags": ["tags"],
    "url": ["url"],
}
_INT64 = 2**63
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class Engine(Protocol):
    @property
    def profile(self) -> str: ...

    def search(self, body: Mapping[str, Any], *, index: str | None = None) -> dict[str, Any]: ...

    def msearch(
        self, bodies: list[Mapping[str, Any]], *, index: str | None = None
    ) -> list[dict[str, Any]]: ...

    def get(self, doc_id: str, *, index: str | None = None) -> dict[str, Any]: ...

    def ping(self) -> bool: ...


@dataclass(frozen=True)
class SearchRequest:
    q: str | None = None
    in_field: str | None = None  # "title" | "body" | None (both)
    sort: str = "relevance"  # relevance | recent | newest | oldest
    filters: dict[str, list[str]] = field(default_factory=dict)  # source/language/place/author/tag
    date_from: date | None = None
    date_to: date | None = None
    has_date: bool | None = None
    facets: tuple[str, ...] = ()
    interval: str = "month"
    facet_size: int = 10
    size: int = 10
    page: int | None = None
    cursor: str | None = None
    fields: tuple[str, ...] = HIT_FIELDS
    collapse: bool = True

    def digest(self) -> str:
        """What a cursor must be replayed with: everything that decides the result order."""
        return cursors.request_digest(
            {
                "q": self.q,
                "in": self.in_field,
                "sort": self.sort,
                "filters": {k: sorted(v) for k, v in self.filters.items() if v},
                "from": self.date_from,
                "to": self.date_to,
                "has_date": self.has_date,
                "collapse": self.collapse,
            }
        )


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
        before it in the same _msearch; a cursor page may read further batches (rarely)."""
        body, sort = self.search_body(request)
        seen: list[str] = []
        if request.cursor:
            cursor = cursors.decode(request.cursor, request.digest(), key=self.cursor_key)
            _check_after(cursor.after, sort)
            hits, response = self._page_after(body, request, cursor)
            seen = list(cursor.seen)
            duplicates = self._duplicate_counts(body, hits) if request.collapse else {}
        else:
            start = body["from"]
            if request.collapse and start:
                response, before = self.engine.msearch([body, _groups_before(body, start)])
                hits = response["hits"]["hits"]
                if len(hits) == request.size:
                    seen = [_fp(hit) for hit in before["hits"]["hits"]]
            else:
                response = self.engine.search(body)
                hits = response["hits"]["hits"]
            duplicates = {_fp(h): _copies(h) for h in hits} if request.collapse else {}

        shaped = [_hit(h, request.fields, duplicates) for h in hits]
        total = response["hits"]["total"]["value"]
        result: dict[str, Any] = {"total": total, "hits": shaped}
        if request.collapse:
            result["total_groups"] = response["aggregations"]["groups"]["count"]["value"]
        result["facets"] = _facets(response.get("aggregations", {}), request)
        more = len(hits) == request.size and hits and "sort" in hits[-1]
        result["next_cursor"] = (
            cursors.encode(
                hits[-1]["sort"], request.digest(), seen + [_fp(h) for h in hits], key=self.cursor_key
            )
            if more
            else None
        )
        return result

    def search_body(self, request: SearchRequest) -> tuple[dict[str, Any], list[Any]]:
        """The engine request of a /search page (``from``/``size`` set for page requests), and
        its sort. The benchmark sends it directly to compare the handler against it."""
        _validate(request)
        node = parse_query(request.q)
        fields = search_fields(
            request.in_field,
            request.filters.get("language") or None,
            # Spelling variants come from the English analysis' synonym filter on OpenSearch;
            # osmem ignores synonym filters, so there the query expands them.
            query_variants=self.engine.profile == "osmem",
        )
        scored = bool(positive_words(node))
        text = text_query(node, fields)
        if request.sort == "recent" and scored:
            text = _recency_boosted(text)
        always = [LIVE] if request.has_date is None else [LIVE, {"term": {"has_date": request.has_date}}]
        main = {"bool": {"must": [text], "filter": always}}
        # Filters with a facet of their own (the date range is the published facet's) apply
        # as a post_filter, so that facet's counts can ignore them (multi-select facets).
        selected = {name: facet_filter(name, values) for name, values in request.filters.items() if values}
        date_range = published_filter(request.date_from, request.date_to)
        if date_range:
            selected["published"] = date_range
        # Without words to rank by (no q, or only exclusions) every score is equal:
        # relevance then means newest first.
        sort = _sort(request.sort if scored or request.sort in ("newest", "oldest") else "newest")
        body: dict[str, Any] = {
            "query": main,
            "sort": sort,
            "track_total_hits": True,
            "timeout": self.timeout,
            "_source": sorted(
                {f for name in request.fields for f in _SOURCE_FOR.get(name, [])} | {"fingerprint"}
            ),
            "aggs": _facet_aggs(request, selected),
        }
        if selected:
            body["post_filter"] = {"bool": {"filter": list(selected.values())}}
        if {"snippet", "title_html"} & set(request.fields):
            body["highlight"] = _highlight(request.in_field, node if scored else None)
        if not request.cursor:
            body.update({"from": ((request.page or 1) - 1) * request.size, "size": request.size})
            if request.collapse:
                # inner_hits' total is the number of matching copies in each hit's group.
                body["collapse"] = {
                    "field": "fingerprint",
                    "inner_hits": {"name": "copies", "size": 0, "_source": False},
                }
        return body, sort

    def _page_after(
        self, body: dict[str, Any], request: SearchRequest, cursor: cursors.Cursor
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The page after a cursor, read in batches with ``search_after``.

        - Collapsing: the engine cannot collapse together with search_after, so groups are
          formed here: a document of a group already shown (on this page or an earlier one)
          is skipped, and the next page starts after the last group leader.
        - Relevance: OpenSearch prints scores that read back exactly, so search_after starts
          at the cursor. The osmem profile fences a gap of the local engine (it keeps more
          precision than it prints): there the batch starts a hair above the cursor's score
          and documents at or before the cursor are dropped here by the printed values.
        """
        by_score = "_score" in body["sort"][0]
        nudge = by_score and self.engine.profile == "osmem"
        batch = min(request.size * 4, 200) if request.collapse or by_score else request.size
        seen = set(cursor.seen) if request.collapse else set()
        after = cursor.after
        page: list[dict[str, Any]] = []
        first: dict[str, Any] | None = None  # facets and totals come with the first batch
        for _ in range(5):
            search_after = [after[0] + abs(after[0]) * 1e-6 + 1e-9, *_BEFORE_ANY_DOCUMENT] if nudge else after
            response = self.engine.search({**body, "size": batch, "search_after": search_after})
            first = first or response
            batch_hits = response["hits"]["hits"]
            for hit in batch_hits:
                if by_score and not _sorts_after(hit["sort"], after):
                    continue
                if request.collapse:
                    short = _fp(hit)[: cursors.SEEN_PREFIX_CHARS]
                    if short in seen:
                        continue
                    seen.add(short)
                page.append(hit)
                if len(page) == request.size:
                    return page, first
            if len(batch_hits) < batch:
                break
            body = {key: value for key, value in body.items() if key != "aggs"}
            after = batch_hits[-1]["sort"]
        return page, first or {}

    def _duplicate_counts(self, body: dict[str, Any], hits: list[dict[str, Any]]) -> dict[str, int]:
        """Matching documents per fingerprint of the page's hits (one small aggregation)."""
        fps = sorted({_fp(h) for h in hits if _fp(h)})
        if not fps:
            return {}
        # Only the page's groups are read: the query, narrowed to their fingerprints.
        narrowed = [body["query"], {"terms": {"fingerprint": fps}}]
        if "post_filter" in body:
            narrowed.append(body["post_filter"])
        query = {"bool": {"filter": narrowed}}
        response = self.engine.search(
            {
                "size": 0,
                "timeout": self.timeout,
                "query": query,
                "aggs": {"fp": {"terms": {"field": "fingerprint", "include": fps, "size": len(fps)}}},
            }
        )
        return {b["key"]: b["doc_count"] for b in response["aggregations"]["fp"]["buckets"]}

    # -- GET /articles/{id} --------------------------------------------------------
    def article(self, doc_id: str) -> dict[str, Any]:
        source = self.live_document(doc_id)
        article = _article_fields(source)
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
        like = f"{source.get('title') or ''}\n\n{(source.get('body') or '')[:5000]}"
        must_not: list[dict[str, Any]] = [{"ids": {"values": [doc_id]}}]
        if source.get("fingerprint"):
            must_not.append({"term": {"fingerprint": source["fingerprint"]}})
        response = self.engine.search(
            {
                "size": size,
                "timeout": self.timeout,
                "_source": sorted(
                    {f for fs in _SOURCE_FOR.values() for f in fs} - {"body"} | {"fingerprint"}
                ),
                "query": {
                    "bool": {
                        "must": [
                            {
                                "more_like_this": {
                                    "fields": ["title", "body"],
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
                "collapse": {"field": "fingerprint"},
            }
        )
        fields = tuple(f for f in HIT_FIELDS if f not in ("snippet", "title_html", "duplicates"))
        return {"id": doc_id, "hits": [_hit(h, fields, {}) for h in response["hits"]["hits"]]}

    # -- GET /facets/{field} -----------------------------------------------------
    def facet_values(self, name: str, prefix: str | None, size: int = 10) -> dict[str, Any]:
        match_field, count_field = FACET_FIELDS[name]
        folded_prefix = _fold(prefix or "")
        query: dict[str, Any] = {"bool": {"filter": [LIVE]}}
        if folded_prefix:
            prefix_field = match_field if match_field.endswith(".folded") else count_field
            prefix_query: dict[str, Any] = {"prefix": {prefix_field: folded_prefix}}
            if name == "author":  # a person is found by any of their names ("mccoy")
                prefix_query = {
                    "bool": {
                        "should": [prefix_query, {"match_phrase_prefix": {"authors.text": folded_prefix}}],
                        "minimum_should_match": 1,
                    }
                }
            query["bool"]["filter"].append(prefix_query)
        response = self.engine.search(
            {
                "size": 0,
                "timeout": self.timeout,
                "query": query,
                "aggs": {"values": {"terms": {"field": count_field, "size": 500}}},
            }
        )
        buckets = response["aggregations"]["values"]["buckets"]
        values = [
            {"value": plain(str(b["key"])), "count": b["doc_count"]}
            for b in buckets
            if _matches_prefix(_fold(str(b["key"])), folded_prefix, by_word=name == "author")
        ]
        return {"field": name, "prefix": plain(prefix), "values": values[:size]}

    # -- GET /health -----------------------------------------------------------------
    def healthy(self) -> bool:
        return self.engine.ping()


def _groups_before(body: dict[str, Any], start: int) -> dict[str, Any]:
    """The search for the groups on the pages before ``start`` (their fingerprints), so a cursor
    taken from a later page does not show them again (as many as a cursor remembers)."""
    skip = max(0, start - cursors.MAX_SEEN_GROUPS)
    return {
        "query": body["query"],
        **({"post_filter": body["post_filter"]} if "post_filter" in body else {}),
        "sort": body["sort"],
        "collapse": {"field": "fingerprint"},
        "from": skip,
        "size": start - skip,
        "_source": ["fingerprint"],
        "timeout": body["timeout"],
    }


def _copies(hit: dict[str, Any]) -> int:
    """Documents in a collapsed hit's group (itself included)."""
    total = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("total", {})
    return int(total.get("value", 1)) if isinstance(total, dict) else int(total or 1)


def _validate(request: SearchRequest) -> None:
    if request.page is not None and request.cursor:
        raise InvalidRequest("use either page or cursor, not both", "page")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise InvalidRequest("from must not be after to", "from")
    if request.page is not None and request.page * request.size > MAX_RESULT_WINDOW:
        raise InvalidRequest(
            f"page {request.page} with size {request.size} reaches past the first {MAX_RESULT_WINDOW} "
            "results: page through deeper results with cursor (pass next_cursor from the previous response)",
            "page",
        )
    unknown = [name for name in request.facets if name not in FACET_NAMES]
    if unknown:
        raise InvalidRequest(f"unknown facet {unknown[0]}: choose from {', '.join(FACET_NAMES)}", "facets")
    bad_fields = [name for name in request.fields if name not in HIT_FIELDS]
    if bad_fields:
        raise InvalidRequest(f"unknown field {bad_fields[0]}: choose from {', '.join(HIT_FIELDS)}", "fields")


# Where a document came from is unique (bucket, key, ordinal in a multi-article file) and,
# unlike _id, sortable from doc values: it ends every sort so the order is total and
# search_after never skips or repeats a document when others have equal scores or dates.
TIEBREAK = [{"bucket": "asc"}, {"key": "asc"}, {"ordinal": "asc"}]
_BEFORE_ANY_DOCUMENT = ["", "", -1]  # sorts before every (bucket, key, ordinal)


def _sort(sort: str) -> list[Any]:
    if sort == "newest":
        return [{"published": {"order": "desc", "missing": "_last"}}, *TIEBREAK]
    if sort == "oldest":
        return [{"published": {"order": "asc", "missing": "_last"}}, *TIEBREAK]
    return [{"_score": "desc"}, *TIEBREAK]


def _recency_boosted(query: dict[str, Any]) -> dict[str, Any]:
    """Relevance with a recency boost: the score halves for every year of age (undated
    articles are not boosted or penalised)."""
    return {
        "function_score": {
            "query": query,
            "functions": [{"gauss": {"published": {"origin": "now", "scale": "365d", "decay": 0.5}}}],
            "boost_mode": "multiply",
        }
    }


def _sorts_after(values: list[Any], after: list[Any]) -> bool:
    """Whether a hit's sort values (score, then the tiebreak) come after the cursor's."""
    return values[0] < after[0] or (values[0] == after[0] and list(values[1:]) > list(after[1:]))


def _check_after(after: list[Any], sort: list[Any]) -> None:
    invalid = InvalidRequest("cursor is not valid for this request", "cursor")
    if len(after) != len(sort):
        raise invalid
    bucket, key, ordinal = after[-3:]
    if not isinstance(bucket, str) or not isinstance(key, str) or not isinstance(ordinal, int):
        raise invalid
    if not -_INT64 <= ordinal < _INT64:
        raise invalid
    first = after[0]
    if "_score" in sort[0] and not isinstance(first, int | float):
        raise invalid
    if "published" in sort[0] and (not isinstance(first, int) or not -_INT64 <= first < _INT64):
        raise invalid


def _highlight(in_field: str | None, node: Node | None) -> dict[str, Any]:
    """Snippets from the stored lead (the body's first HIGHLIGHT_CHARS characters) and the
    title, both fallback-analysed, marking the query's words in any language's inflection.

    Bounded twice: the lead is bounded by the mapping, and max_analyzer_offset keeps OpenSearch
    from analysing past it (at most index.highlight.max_analyzed_offset, which it enforces).
    """
    fields: dict[str, Any] = {}
    if in_field in (None, "title"):
        fields["title"] = {"number_of_fragments": 0, "highlight_query": highlight_query(node, "title")}
    fields["lead"] = {
        "fragment_size": SNIPPET_CHARS,
        "number_of_fragments": 1,
        "no_match_size": SNIPPET_CHARS,
        "highlight_query": highlight_query(node, "lead"),
    }
    for options in fields.values():
        if options["highlight_query"] is None:
            del options["highlight_query"]
    return {
        "pre_tags": [MARK_OPEN],
        "post_tags": [MARK_CLOSE],
        "require_field_match": False,
        "max_analyzer_offset": HIGHLIGHT_CHARS,
        "fields": fields,
    }


# Groups of near-duplicates (one fingerprint each): what a collapsed search lists as hits.
_GROUPS = {"cardinality": {"field": "fingerprint", "precision_threshold": 40000}}


def _facet_aggs(request: SearchRequest, selected: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Multi-select facets: each facet's counts ignore its own filter and respect the others.

    With collapse on, a facet value counts groups, as the hits do: selecting a value lists as
    many hits as its count said (a group whose copies differ in that value counts under each).
    """
    aggs: dict[str, Any] = {}
    for name in request.facets:
        others = [flt for other, flt in selected.items() if other != name]
        inner: dict[str, Any]
        if name == "published":
            inner = {
                "date_histogram": {
                    "field": "published",
                    "calendar_interval": request.interval,
                    "format": INTERVALS[request.interval],
                    "min_doc_count": 1,
                }
            }
        else:
            inner = {"terms": {"field": FACET_FIELDS[name][1], "size": request.facet_size}}
            if request.collapse:
                inner["terms"]["order"] = [{"groups": "desc"}, {"_key": "asc"}]
        if request.collapse:
            inner["aggs"] = {"groups": _GROUPS}
        aggs[f"facet_{name}"] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": inner}}
    if request.collapse:
        # Groups among all matches (after every filter): total_groups.
        aggs["groups"] = {"filter": {"bool": {"filter": list(selected.values())}}, "aggs": {"count": _GROUPS}}
    return aggs


def _count(bucket: dict[str, Any]) -> int:
    """A facet bucket's count: its groups when collapsing, else its documents."""
    groups = bucket.get("groups")
    return int(groups["value"]) if groups else int(bucket["doc_count"])


def _facets(aggregations: dict[str, Any], request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name in request.facets:
        buckets = aggregations.get(f"facet_{name}", {}).get("values", {}).get("buckets", [])
        if name == "published":
            facets[name] = [
                {"value": b["key_as_string"], "count": _count(b)} for b in buckets if b["doc_count"]
            ]
        else:
            facets[name] = [{"value": plain(str(b["key"])), "count": _count(b)} for b in buckets]
    return facets


def _fp(hit: dict[str, Any]) -> str:
    return str(hit.get("_source", {}).get("fingerprint") or hit["_id"])


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def _matches_prefix(folded: str, prefix: str, *, by_word: bool) -> bool:
    """Whether a facet value starts with the prefix (or, by word, has a word that does)."""
    if folded.startswith(prefix):
        return True
    return by_word and any(folded[i + 1 :].startswith(prefix) for i, ch in enumerate(folded) if ch in " -")


def _as_list(value: Any) -> list[Any]:
    """A keyword field's values: the engine returns one value or a list as it was stored."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _article_fields(source: dict[str, Any]) -> dict[str, Any]:
    published = source.get("published")
    tags = _as_list(source.get("tags"))
    return {
        "title": plain(source.get("title") or ""),
        "source": plain(source.get("source")),
        "published": plain(str(published)[:10]) if published else None,
        "place": plain(source.get("place")),
        "authors": [plain(str(a)) for a in _as_list(source.get("authors"))],
        "author_org": plain(source.get("author_org")),
        "language": plain(source.get("language")),
        "tags": [plain(str(t)) for t in tags],
        "url": safe_url(source.get("url")),
    }


def _hit(hit: dict[str, Any], fields: tuple[str, ...], duplicates: dict[str, int]) -> dict[str, Any]:
    source = hit.get("_source", {})
    base = _article_fields(source)
    highlight = hit.get("highlight", {})
    out: dict[str, Any] = {"id": hit["_id"]}
    for name in fields:
        if name == "id":
            continue
        if name == "score":
            out["score"] = hit.get("_score")
        elif name == "snippet":
            fragment = (highlight.get("lead") or [""])[0]
            piece = snippet(fragment)
            out["snippet"] = {"html": piece.html, "text": piece.text, "matches": piece.matches}
        elif name == "title_html":
            fragments = highlight.get("title")
            out["title_html"] = snippet(fragments[0]).html if fragments else escape(base["title"])
        elif name == "duplicates":
            fp = _fp(hit)
            out["duplicates"] = max(0, duplicates.get(fp, 1) - 1)
        else:
            out[name] = base[name]
    return out
