"""The one definition of the article index: settings, mapping, names.

The index is reached through an alias (``Settings.index_alias``) that points at a
versioned concrete index, so a reindex can build a new one and swap the alias.
"""

from __future__ import annotations

from typing import Any

MAPPING_VERSION = 1

# British/American spellings share a token (issue 4 extends the list).
SPELLING_VARIANTS: list[str] = [
    "colour, color",
    "defence, defense",
    "centre, center",
    "organisation, organization",
    "analyse, analyze",
    "programme, program",
    "labour, labor",
    "favour, favor",
    "honour, honor",
    "theatre, theater",
    "licence, license",
    "travelled, traveled",
    "neighbour, neighbor",
    "behaviour, behavior",
]

ARTICLE_SETTINGS: dict[str, Any] = {
    "index": {"number_of_shards": 1, "max_result_window": 10_000},
    "analysis": {
        "filter": {
            "english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "spelling_variants": {"type": "synonym", "synonyms": SPELLING_VARIANTS},
        },
        "normalizer": {
            "folded_keyword": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
        },
        "analyzer": {
            # Full text: accents and case folded, English stemming.
            "folded_english": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "english_possessive",
                    "lowercase",
                    "asciifolding",
                    "spelling_variants",
                    "english_stop",
                    "english_stemmer",
                ],
            },
        },
    },
}

_KEYWORD_FACET = {
    "type": "keyword",
    "fields": {"folded": {"type": "keyword", "normalizer": "folded_keyword"}},
}

ARTICLE_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "title": {
            "type": "text",
            "analyzer": "folded_english",
            "fields": {"raw": {"type": "keyword", "ignore_above": 512}},
        },
        "body": {"type": "text", "analyzer": "folded_english"},
        "source": _KEYWORD_FACET,
        "language": {"type": "keyword"},
        "place": _KEYWORD_FACET,
        "author": _KEYWORD_FACET,
        "tags": _KEYWORD_FACET,
        "url": {"type": "keyword", "index": False},
        "published": {"type": "date", "format": "strict_date_optional_time||yyyy-MM-dd"},
        "has_date": {"type": "boolean"},
        "ingested_at": {"type": "date"},
        "bucket": {"type": "keyword"},
        "key": {"type": "keyword"},
        "ordinal": {"type": "integer"},
        "content_sha256": {"type": "keyword"},
        "fingerprint": {"type": "keyword"},
        "cleaner_version": {"type": "keyword"},
        "deleted": {"type": "boolean"},
    },
}


def article_index_body() -> dict[str, Any]:
    return {"settings": ARTICLE_SETTINGS, "mappings": ARTICLE_MAPPINGS}
