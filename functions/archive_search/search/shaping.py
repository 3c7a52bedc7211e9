"""Engine hits and aggregations -> the API's response: plain text, ``*_html`` fields escaped."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from archive_search.folding import fold_as_indexed
from archive_search.search.query import SINGLE_CHARACTER_WORDS
from archive_search.search.request import SearchRequest
from archive_search.search.safe_text import escape, plain, safe_url, snippet


def copies(hit: dict[str, Any]) -> int:
    """Documents in a collapsed hit's group (itself included)."""
    total = hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("total", {})
    return int(total.get("value", 1)) if isinstance(total, dict) else int(total or 1)


def _count(bucket: dict[str, Any]) -> int:
    """A facet bucket's count: its groups when collapsing, else its documents."""
    groups = bucket.get("groups")
    return int(groups["value"]) if groups else int(bucket["doc_count"])


def facet_lists(aggregations: dict[str, Any], request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
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


def fingerprint_of(hit: dict[str, Any]) -> str:
    return str(hit.get("_source", {}).get("fingerprint") or hit["_id"])


def folded_value(text: str) -> str:
    """A facet value as prefixes are matched against it: folded as the index folds it."""
    return fold_as_indexed(text).strip()


def prefix_rank(folded: str, prefix: str) -> int | None:
    """How a facet value matches the prefix: 0 when the whole value starts with it, 1 when
    another of its words does (a word starts after any character but a letter or digit, and
    at each Han character or hiragana, as the engine's tokenizer splits words: "新聞" starts a
    word of "朝日新聞"), None when it does not match. Words are compared, not what separates
    them ("saint aubin" matches "Saint-Aubin"); a prefix ending in a separator ends its last
    word there ("l'" matches "L'Écho", not "Lakeside")."""
    # The value's end also ends its last word: "post," matches "Valmont Post".
    folded = _spaced(folded) + " "
    prefix = _spaced(prefix).lstrip()
    if folded.startswith(prefix):
        return 0
    starts = (i for i in range(1, len(folded)) if folded[i].isalnum() and _word_starts(folded[i - 1 : i + 1]))
    return 1 if any(folded.startswith(prefix, i) for i in starts) else None


def _in_word(character: str) -> bool:
    """A letter, a digit, or a mark (a vowel sign keeps its word whole, as in the tokenizer)."""
    return character.isalnum() or unicodedata.category(character).startswith("M")


def _spaced(text: str) -> str:
    """``text`` with each run of characters no word holds one space."""
    return re.sub(" +", " ", "".join(c if _in_word(c) else " " for c in text))


def _word_starts(pair: str) -> bool:
    """Whether a word starts at the second of two characters (a letter or digit)."""
    return not _in_word(pair[0]) or bool(SINGLE_CHARACTER_WORDS.search(pair))


def _as_list(value: Any) -> list[Any]:
    """A keyword field's values: the engine returns one value or a list as it was stored."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def article_fields(source: dict[str, Any]) -> dict[str, Any]:
    published = source.get("published")
    tags = _as_list(source.get("tags"))
    return {
        "title": plain(source.get("title") or ""),
        "description": plain(source.get("description")),
        "source": plain(source.get("source")),
        "published": plain(str(published)[:10]) if published else None,
        "place": plain(source.get("place")),
        "authors": [plain(str(a)) for a in _as_list(source.get("authors"))],
        "author_org": plain(source.get("author_org")),
        "language": plain(source.get("language")),
        "tags": [plain(str(t)) for t in tags],
        "url": safe_url(source.get("url")),
    }


def shaped_hit(hit: dict[str, Any], fields: tuple[str, ...], duplicates: dict[str, int]) -> dict[str, Any]:
    source = hit.get("_source", {})
    base = article_fields(source)
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
        elif name == "description_html":
            fragments = highlight.get("description")
            description = base["description"]
            out["description_html"] = (
                snippet(fragments[0]).html if fragments else escape(description) if description else None
            )
        elif name == "duplicates":
            fp = fingerprint_of(hit)
            out["duplicates"] = max(0, duplicates.get(fp, 1) - 1)
        elif name == "ingested_at":
            out["ingested_at"] = plain(source.get("ingested_at"))
        else:
            out[name] = base[name]
    return out
