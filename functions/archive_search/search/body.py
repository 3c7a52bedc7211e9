"""The engine request of a /search page, built in one place: the text query (``query``), the
filters, the sort, highlighting, facets and collapse."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from archive_search.index_schema import HIGHLIGHT_CHARS
from archive_search.search import cursor as cursors
from archive_search.search.query import (
    FACET_FIELDS,
    LIVE,
    facet_filter,
    highlight_query,
    published_filter,
    search_fields,
    text_query,
)
from archive_search.search.request import INTERVALS, SearchRequest
from archive_search.search.safe_text import MARK_CLOSE, MARK_OPEN
from archive_search.search.syntax import Node, parse_query, positive_words

SNIPPET_CHARS = 180
SOURCE_FOR = {
    "title": ["title"],
    "title_html": ["title"],
    "description": ["description"],
    "description_html": ["description"],
    "snippet": [],  # from the highlighted lead: a long body is never fetched for a snippet
    "source": ["source"],
    "published": ["published"],
    "place": ["place"],
    "authors": ["authors"],
    "author_org": ["author_org"],
    "language": ["language"],
    "tags": ["tags"],
    "url": ["url"],
    "ingested_at": ["ingested_at"],
}


def search_body(
    request: SearchRequest, *, profile: str, timeout: str, origin_ms: int | None = None
) -> tuple[dict[str, Any], list[Any]]:
    """The engine request of a /search page (``from``/``size`` set for page requests), and
    its sort, for a request ``validate`` accepted. The benchmark sends it directly to compare
    the handler against it.

    ``origin_ms``: the instant sort=recent's boost decays from (epoch ms); None: the engine's now."""
    node = parse_query(request.q)
    fields = search_fields(
        request.in_field,
        request.filters.get("language") or None,
        # Spelling variants come from the English analysis' synonym filter on OpenSearch;
        # osmem ignores synonym filters, so there the query expands them.
        query_variants=profile == "osmem",
    )
    scored = bool(positive_words(node))
    text = text_query(node, fields)
    if request.sort == "recent" and scored:
        text = _recency_boosted(text, origin_ms)
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
    sort = _sort(request.sort if scored or request.sort in ("newest", "oldest", "indexed") else "newest")
    body: dict[str, Any] = {
        "query": main,
        "sort": sort,
        "track_total_hits": True,
        "timeout": timeout,
        "_source": sorted({f for name in request.fields for f in SOURCE_FOR.get(name, [])} | {"fingerprint"}),
        "aggs": _facet_aggs(request, selected),
    }
    if selected:
        body["post_filter"] = {"bool": {"filter": list(selected.values())}}
    if {"snippet", "title_html", "description_html"} & set(request.fields):
        body["highlight"] = _highlight(request.in_field, node if scored else None)
    if not request.cursor:
        body.update({"from": ((request.page or 1) - 1) * request.size, "size": request.size})
        if request.collapse:
            body["collapse"] = COLLAPSE
    return body, sort


# One hit per group of near-duplicates; inner_hits' total is the number of matching copies in
# each hit's group (the API's ``duplicates``).
COLLAPSE = {"field": "fingerprint", "inner_hits": {"name": "copies", "size": 0, "_source": False}}


# Where a document came from is unique (bucket, key, ordinal in a multi-article file) and,
# unlike _id, sortable from doc values: it ends every sort so the order is total and
# search_after never skips or repeats a document when others have equal scores or dates.
TIEBREAK = [{"bucket": "asc"}, {"key": "asc"}, {"ordinal": "asc"}]


def _sort(sort: str) -> list[Any]:
    if sort == "newest":
        return [{"published": {"order": "desc", "missing": "_last"}}, *TIEBREAK]
    if sort == "oldest":
        return [{"published": {"order": "asc", "missing": "_last"}}, *TIEBREAK]
    if sort == "indexed":
        return [{"ingested_at": {"order": "desc", "missing": "_last"}}, *TIEBREAK]
    return [{"_score": "desc"}, *TIEBREAK]


# sort=recent ranks an undated article as this many years old: its date is unknown, so it is
# not news (without a factor it kept its whole score and outranked every dated match).
UNDATED_AGE_YEARS = 10


def _recency_boosted(query: dict[str, Any], origin_ms: int | None = None) -> dict[str, Any]:
    """Relevance with a recency boost: the score halves for every year of age, and an undated
    article's as if it were UNDATED_AGE_YEARS old. ``exp`` decay, not ``gauss``: a gauss of the
    same scale halves at one year but falls to 1/16 at two and 1/512 at three."""
    return {
        "function_score": {
            "query": query,
            "functions": [
                # The decay of a document without the field is 1: only the weight below applies.
                {"exp": {"published": {"origin": _instant(origin_ms), "scale": "365d", "decay": 0.5}}},
                {"filter": {"term": {"has_date": False}}, "weight": 0.5**UNDATED_AGE_YEARS},
            ],
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }


def _instant(epoch_ms: int | None) -> str:
    """An instant as the published field's format reads it (strict_date_optional_time)."""
    if epoch_ms is None:
        return "now"
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def _highlight(in_field: str | None, node: Node | None) -> dict[str, Any]:
    """Snippets from the stored lead (the body's first HIGHLIGHT_CHARS characters), the
    title and the description, all fallback-analysed, marking the query's words in any language's inflection.

    Bounded twice: the lead is bounded by the mapping, and max_analyzer_offset keeps OpenSearch
    from analysing past it (at most index.highlight.max_analyzed_offset, which it enforces).
    """
    fields: dict[str, Any] = {}
    if in_field in (None, "title"):
        fields["title"] = {"number_of_fragments": 0, "highlight_query": highlight_query(node, "title")}
    if in_field is None:
        # Whole (at most cleaning's 1,000 characters), as the title.
        fields["description"] = {
            "number_of_fragments": 0,
            "highlight_query": highlight_query(node, "description"),
        }
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
GROUP_COUNT = {"cardinality": {"field": "fingerprint", "precision_threshold": 40000}}


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
            inner["aggs"] = {"groups": GROUP_COUNT}
        aggs[f"facet_{name}"] = {"filter": {"bool": {"filter": others}}, "aggs": {"values": inner}}
    if request.collapse:
        # Groups among all matches (after every filter): total_groups.
        aggs["groups"] = {
            "filter": {"bool": {"filter": list(selected.values())}},
            "aggs": {"count": GROUP_COUNT},
        }
    return aggs


def groups_before(body: dict[str, Any], start: int) -> dict[str, Any]:
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
