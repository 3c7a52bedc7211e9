"""The one definition of the article index: settings, mapping, names.

The index is reached through an alias (``Settings.index_alias``) that points at a
versioned concrete index, so a reindex can build a new one and swap the alias.
"""

from __future__ import annotations

from typing import Any

MAPPING_VERSION = 1

# British/American spellings share a token. Whole words, for the index's synonym filter;
# the search also matches their inflections (search.query.spelling_variants).
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
    "harbour, harbor",
    "humour, humor",
    "rumour, rumor",
    "vapour, vapor",
    "armour, armor",
    "endeavour, endeavor",
    "metre, meter",
    "litre, liter",
    "fibre, fiber",
    "calibre, caliber",
    "offence, offense",
    "pretence, pretense",
    "practise, practice",
    "organise, organize",
    "recognise, recognize",
    "realise, realize",
    "apologise, apologize",
    "criticise, criticize",
    "emphasise, emphasize",
    "prioritise, prioritize",
    "summarise, summarize",
    "authorise, authorize",
    "minimise, minimize",
    "maximise, maximize",
    "mobilise, mobilize",
    "privatise, privatize",
    "modernise, modernize",
    "legalise, legalize",
    "finalise, finalize",
    "characterise, characterize",
    "specialise, specialize",
    "stabilise, stabilize",
    "utilise, utilize",
    "subsidise, subsidize",
    "categorise, categorize",
    "hospitalise, hospitalize",
    "civilisation, civilization",
    "globalisation, globalization",
    "paralyse, paralyze",
    "catalogue, catalog",
    "dialogue, dialog",
    "analogue, analog",
    "aluminium, aluminum",
    "grey, gray",
    "mould, mold",
    "plough, plow",
    "judgement, judgment",
    "ageing, aging",
    "jewellery, jewelry",
    "manoeuvre, maneuver",
    "paediatric, pediatric",
    "anaemia, anemia",
    "oestrogen, estrogen",
    "encyclopaedia, encyclopedia",
    "sceptical, skeptical",
    "cancelled, canceled",
    "cancelling, canceling",
    "travelling, traveling",
    "traveller, traveler",
    "modelling, modeling",
    "labelled, labeled",
    "fuelled, fueled",
    "enrol, enroll",
    "fulfil, fulfill",
    "skilful, skillful",
    "pyjamas, pajamas",
]

ARTICLE_SETTINGS: dict[str, Any] = {
    "index": {"number_of_shards": 1, "max_result_window": 10_000},
    "analysis": {
        "filter": {
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "spelling_variants": {"type": "synonym", "synonyms": SPELLING_VARIANTS},
        },
        # Possessives ("Pakistan's", "Pakistan’s") become blanks before tokenising. A char
        # filter rather than the possessive_english stemmer: osmem-server mis-handles that
        # stemmer (every query then matches every document). The blanks keep the UTF-8 length
        # (’ is three bytes), because osmem places highlights by byte offsets in the filtered
        # text; OpenSearch corrects char-filter offsets itself, so both highlight correctly.
        "char_filter": {
            "english_possessive": {"type": "pattern_replace", "pattern": "'[sS]\\b", "replacement": "  "},
            "english_possessive_curly": {
                "type": "pattern_replace",
                "pattern": "’[sS]\\b",
                "replacement": "    ",
            },
        },
        "normalizer": {
            "folded_keyword": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
        },
        "analyzer": {
            # Full text: accents and case folded, English stemming.
            "folded_english": {
                "type": "custom",
                "char_filter": ["english_possessive", "english_possessive_curly"],
                "tokenizer": "standard",
                "filter": [
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


# Ingest receipts: one document per bucket + key (``model.receipt_id``), written with the
# external version of the event it records, so the latest outcome of every upload is
# queryable (GET /ingest/status, ``archive-search status``).
RECEIPTS_MAPPING_VERSION = 1

RECEIPT_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "bucket": {"type": "keyword"},
        "key": {"type": "keyword"},
        "outcome": {"type": "keyword"},  # indexed | duplicate | rejected | deleted
        "reason": {"type": "keyword"},
        "message": {"type": "text", "index": False},
        "document_ids": {"type": "keyword"},
        "articles": {"type": "integer"},  # articles the object held: ordinals 0..articles-1
        "duplicate_of": {"type": "keyword"},
        "failed_documents": {
            "type": "object",
            "properties": {
                "id": {"type": "keyword"},
                "ordinal": {"type": "integer"},
                "reason": {"type": "keyword", "ignore_above": 1024},
            },
        },
        "content_sha256": {"type": "keyword"},
        "cleaner_version": {"type": "keyword"},
        "etag": {"type": "keyword"},
        "object_version_id": {"type": "keyword"},
        "sequencer": {"type": "keyword"},
        "event_name": {"type": "keyword"},
        "event_time": {"type": "date"},
        "event_version": {"type": "long"},
        "updated_at": {"type": "date"},
    },
}


def receipts_index_body() -> dict[str, Any]:
    return {"settings": {"index": {"number_of_shards": 1}}, "mappings": RECEIPT_MAPPINGS}
