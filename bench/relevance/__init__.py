"""The multilingual relevance set: articles in ten languages and inflected queries.

``articles.json`` holds short news articles written for this set (English, German, French,
Spanish, Italian, Portuguese, Dutch, Russian, Japanese, Chinese); ``queries.json`` pairs a query
in an inflected or elided form (plural, case, elision, compound, CJK word) with the articles it
must find. ``recall_at_10`` runs every pair through a search function and gives recall@10 per
language; ``bench/search.py`` prints it for the old mapping and the current one, and
tests/integration/search/test_multilingual_relevance.py asserts it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
K = 10


@dataclass(frozen=True)
class Article:
    id: str
    language: str
    title: str
    body: str


@dataclass(frozen=True)
class Pair:
    language: str
    kind: str
    q: str
    expected: tuple[str, ...]


def articles() -> list[Article]:
    return [Article(**item) for item in json.loads((HERE / "articles.json").read_text(encoding="utf-8"))]


def pairs() -> list[Pair]:
    items = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
    return [Pair(item["language"], item["kind"], item["q"], tuple(item["expected"])) for item in items]


def recall_at_10(search: Callable[[str], list[str]]) -> tuple[dict[str, float], list[tuple[Pair, list[str]]]]:
    """Recall@10 per language of ``search`` (q -> article ids, best first), and the pairs
    that missed an expected article with what they found."""
    found_by_language: dict[str, int] = defaultdict(int)
    expected_by_language: dict[str, int] = defaultdict(int)
    misses: list[tuple[Pair, list[str]]] = []
    for pair in pairs():
        top = search(pair.q)[:K]
        hits = sum(1 for article in pair.expected if article in top)
        found_by_language[pair.language] += hits
        expected_by_language[pair.language] += len(pair.expected)
        if hits < len(pair.expected):
            misses.append((pair, top))
    recall = {
        lang: found_by_language[lang] / expected_by_language[lang] for lang in sorted(expected_by_language)
    }
    return recall, misses
