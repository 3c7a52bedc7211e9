"""Pages after a cursor: a collapsed page by its groups' position when they still line up with
the cursor (one request), otherwise read with ``search_after`` in batches and grouped here
(OpenSearch collapses together with search_after only when sorting by the collapse field);
and the cursor's values checked."""

from __future__ import annotations

from typing import Any

from archive_search.errors import InvalidRequest
from archive_search.search import cursor as cursors
from archive_search.search.body import COLLAPSE
from archive_search.search.engine import Engine
from archive_search.search.request import SearchRequest
from archive_search.search.shaping import fingerprint_of

_INT64 = 2**63

BEFORE_ANY_DOCUMENT = ["", "", -1]  # sorts before every (bucket, key, ordinal) of the tiebreak


def page_at(
    engine: Engine, body: dict[str, Any], request: SearchRequest, cursor: cursors.Cursor
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The collapsed page after a cursor, read by position in one request, or None when the
    positions no longer line up with the cursor (then ``page_after`` reads it).

    The engine collapses as on a numbered page, from the cursor's own group on: when that
    group still leads at the position the cursor recorded and none of the groups after it was
    already shown, the groups after it are exactly the ones ``page_after`` would list, and
    each brings its number of copies (inner_hits) and the facets in the same response.
    Documents added, deleted or rescored before the cursor shift the positions: the check
    fails and the page is read with search_after, as without a position.
    """
    if cursor.shown is None or cursor.shown + request.size > cursors.MAX_SHOWN:
        return None
    start = cursor.shown - 1  # the cursor's own group, checked below
    response = engine.search({**body, "collapse": COLLAPSE, "from": start, "size": request.size + 1})
    hits = response["hits"]["hits"]
    if not hits or hits[0].get("sort") != cursor.after:
        return None
    page = hits[1:]
    if any(cursor.has_seen(fingerprint_of(hit)) for hit in page):
        return None
    return page, response


def page_after(
    engine: Engine, body: dict[str, Any], request: SearchRequest, cursor: cursors.Cursor
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
    nudge = by_score and engine.profile == "osmem"
    batch = min(request.size * 4, 200) if request.collapse or by_score else request.size
    seen = set(cursor.seen) if request.collapse else set()
    after = cursor.after
    page: list[dict[str, Any]] = []
    first: dict[str, Any] | None = None  # facets and totals come with the first batch
    for _ in range(5):
        search_after = [after[0] + abs(after[0]) * 1e-6 + 1e-9, *BEFORE_ANY_DOCUMENT] if nudge else after
        response = engine.search({**body, "size": batch, "search_after": search_after})
        first = first or response
        batch_hits = response["hits"]["hits"]
        for hit in batch_hits:
            if by_score and not _sorts_after(hit["sort"], after):
                continue
            if request.collapse:
                short = fingerprint_of(hit)[: cursors.SEEN_PREFIX_CHARS]
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


def duplicate_counts(engine: Engine, body: dict[str, Any], hits: list[dict[str, Any]]) -> dict[str, int]:
    """Matching documents per fingerprint of the page's hits (one small aggregation)."""
    fps = sorted({fingerprint_of(h) for h in hits if fingerprint_of(h)})
    if not fps:
        return {}
    # Only the page's groups are read: the query, narrowed to their fingerprints.
    narrowed = [body["query"], {"terms": {"fingerprint": fps}}]
    if "post_filter" in body:
        narrowed.append(body["post_filter"])
    query = {"bool": {"filter": narrowed}}
    response = engine.search(
        {
            "size": 0,
            "timeout": body["timeout"],
            "query": query,
            "aggs": {"fp": {"terms": {"field": "fingerprint", "include": fps, "size": len(fps)}}},
        }
    )
    return {b["key"]: b["doc_count"] for b in response["aggregations"]["fp"]["buckets"]}


def _sorts_after(values: list[Any], after: list[Any]) -> bool:
    """Whether a hit's sort values (score, then the tiebreak) come after the cursor's."""
    return values[0] < after[0] or (values[0] == after[0] and list(values[1:]) > list(after[1:]))


def check_after(after: list[Any], sort: list[Any]) -> None:
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
    # A date sort (published, ingested_at) reads epoch milliseconds.
    if "_score" not in sort[0] and (not isinstance(first, int) or not -_INT64 <= first < _INT64):
        raise invalid
