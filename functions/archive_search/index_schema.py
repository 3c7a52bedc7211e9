"""The one definition of the article index: settings, mapping, names.

The index is reached through an alias (``Settings.index_alias``) that points at a
versioned concrete index, so a reindex can build a new one and swap the alias.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAPPING_VERSION = 8  # 8: the fallback reads ё as е and digits as ASCII, drops vowel points

# The analysis' word lists are data (analysis_words.json); a change to them changes the
# mapping, so MAPPING_VERSION goes up with it.
_WORDS: dict[str, list[str]] = json.loads(
    Path(__file__).with_name("analysis_words.json").read_text(encoding="utf-8")
)

# British/American spellings share a token. Whole words, for the index's synonym filter;
# the search also matches their inflections (search.query.spelling_variants).
SPELLING_VARIANTS: list[str] = _WORDS["spelling_variants"]

# Engine profiles: "opensearch" (OpenSearch and Amazon OpenSearch Service, the default) and
# "osmem" (the local in-memory engine). Only the gaps of the local engine differ between them,
# each named where it is used.
PROFILES = ("opensearch", "osmem")

# Highlighting reads at most this many characters of a body (the stored ``lead``), whatever the
# body's length: snippets cost bounded time however long an article is.
HIGHLIGHT_CHARS = 100_000
# index.highlight.max_analyzed_offset: what OpenSearch refuses to highlight past; the query's
# max_analyzer_offset stays at or below it.
MAX_ANALYZED_OFFSET = 1_000_000

# Language (ISO 639-1, as cleaning detects or the upload declares it) -> the OpenSearch built-in
# analyzer that analyses it. Each analyzer gets its own fields, lang.<analyzer>.title/body/
# description, written only for the articles in its languages.
LANGUAGE_ANALYZERS: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "bn": "bengali",
    "bg": "bulgarian",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "gl": "galician",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ms": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lv": "latvian",
    "lt": "lithuanian",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "fa": "persian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "ckb": "sorani",
    "es": "spanish",
    "sv": "swedish",
    "tr": "turkish",
    "th": "thai",
    "zh": "cjk",
    "yue": "cjk",  # Cantonese: written in Han characters as Chinese is
    "ja": "cjk",
    "ko": "cjk",
}
ANALYSES: tuple[str, ...] = tuple(sorted(set(LANGUAGE_ANALYZERS.values())))
# Gaps of the local engine (osmem profile only), found by comparing its _termvectors with its
# _analyze and reading its warnings: built-in analyzers it refuses, replaces by "standard", or
# runs at _analyze but not when indexing (no stemming): these languages get the fallback
# analysis in their lang.* fields there, so documents keep one shape on every engine. Dutch
# is among them: osmem indexes the built-in "dutch" unstemmed, and a custom chain with a Dutch
# stemmer (stemmer or snowball) as the empty term "", at index and query time alike, so every
# query would match every Dutch article.
OSMEM_MISSING = frozenset(
    {
        "arabic",
        "armenian",
        "basque",
        "bengali",
        "bulgarian",
        "catalan",
        "czech",
        "danish",
        "dutch",
        "estonian",
        "finnish",
        "galician",
        "greek",
        "hindi",
        "hungarian",
        "indonesian",
        "irish",
        "latvian",
        "lithuanian",
        "norwegian",
        "persian",
        "romanian",
        "sorani",
        "swedish",
        "thai",
        "turkish",
    }
)
# ...and analyzers it indexes without their stop words only when they keep them (with
# "stopwords": "_none_" it still drops some at index time): there they keep them.
OSMEM_KEEPS_STOPWORDS = frozenset({"french", "german", "italian", "portuguese", "spanish"})

FALLBACK = "folded"  # the analyzer of title/body: every article, any language or none

# Dutch: the built-in analyzer's chain (lowercase, Dutch stop words, Snowball Dutch stemmer)
# plus what that stemmer leaves apart: irregular plurals (stemmer_override, before it), and
# after it the doubled final consonant of a plural ("bruggen" -> "brugg") and the voicing of
# a final s/f ("huizen" -> "huiz", "brieven" -> "briev"), so a word and its plural meet.
DUTCH_IRREGULAR_PLURALS: list[str] = _WORDS["dutch_irregular_plurals"]
_DUTCH_DOUBLED_FINALS = "bfglmnprs"  # undoubled by a filter each (snowball itself does k, d, t)


def _dutch_analysis() -> tuple[dict[str, Any], list[str]]:
    """The Dutch token filters, and the chain after lowercasing (without stop words)."""
    filters: dict[str, Any] = {
        "dutch_stop": {"type": "stop", "stopwords": "_dutch_"},
        "dutch_irregular": {"type": "stemmer_override", "rules": DUTCH_IRREGULAR_PLURALS},
        "dutch_stemmer": {"type": "snowball", "language": "Dutch"},
        # One literal pattern per letter: the engines' regular expressions differ on backreferences.
        **{
            f"dutch_undouble_{c}": {"type": "pattern_replace", "pattern": f"{c}{c}$", "replacement": c}
            for c in _DUTCH_DOUBLED_FINALS
        },
        "dutch_final_z": {"type": "pattern_replace", "pattern": "z$", "replacement": "s"},
        "dutch_final_v": {"type": "pattern_replace", "pattern": "v$", "replacement": "f"},
    }
    chain = ["dutch_irregular", "dutch_stemmer"]
    chain += [f"dutch_undouble_{c}" for c in _DUTCH_DOUBLED_FINALS] + ["dutch_final_z", "dutch_final_v"]
    return filters, chain


def analysis_for(language: str | None) -> str | None:
    """The analysis (lang.<name> fields) of an article in ``language``, or None: fallback only."""
    return LANGUAGE_ANALYZERS.get((language or "").strip().lower())


def language_fields(
    title: str | None, body: str | None, language: str | None, description: str | None = None
) -> dict[str, Any]:
    """The fields of an article's document derived from its text (documents.py adds them):
    its title, body and description again under its language's analysis, and the lead that
    highlighting reads."""
    fields: dict[str, Any] = {"lead": (body or "")[:HIGHLIGHT_CHARS]}
    analysis = analysis_for(language)
    if analysis:
        fields["lang"] = {analysis: {"title": title, "body": body, "description": description}}
    return fields


def _apostrophe_filters(profile: str) -> dict[str, Any]:
    """Char filters of the folded analyses: English possessives go ("Pakistan's" ->
    "Pakistan"), then other apostrophes split words ("l'état" -> "l état")."""
    # osmem places highlights by byte offsets in the filtered text, so there a replacement keeps
    # the UTF-8 length of what it replaces (’ is three bytes); OpenSearch corrects char-filter
    # offsets itself.
    local = profile == "osmem"
    return {
        "english_possessive": {
            "type": "pattern_replace",
            "pattern": "'[sS]\\b",
            "replacement": "  " if local else "",
        },
        "english_possessive_curly": {
            "type": "pattern_replace",
            "pattern": "’[sS]\\b",
            "replacement": "    " if local else "",
        },
        "apostrophe": {"type": "pattern_replace", "pattern": "'", "replacement": " "},
        "apostrophe_curly": {
            "type": "pattern_replace",
            "pattern": "’",
            "replacement": "   " if local else " ",
        },
    }


_CHAR_FILTERS = ["english_possessive", "english_possessive_curly", "apostrophe", "apostrophe_curly"]


def _script_folding(profile: str) -> dict[str, Any]:
    """Char filters of the fallback analysis and the folded keywords, each a letter replaced by
    one of the same UTF-8 length, so osmem's byte-offset highlights stay in place."""
    # Russian and Belarusian print mostly write ё as е, and readers type either.
    filters: dict[str, Any] = {
        "cyrillic_yo": {"type": "pattern_replace", "pattern": "ё", "replacement": "е"},
        "cyrillic_yo_capital": {"type": "pattern_replace", "pattern": "Ё", "replacement": "Е"},
    }
    if profile == "osmem":
        # osmem lower-cases İ to i + a combining dot in place of its two bytes, a broken term
        # ("İstanbul" -> "i\ufffdstanbu"); OpenSearch lower-cases it to i. Dotless ı has the same
        # UTF-8 length and folds to i.
        filters["turkish_dotted_i"] = {"type": "pattern_replace", "pattern": "İ", "replacement": "ı"}
    return filters


# Hebrew vowel points and cantillation, Arabic-script short vowels, shadda, sukun and tanwin,
# and the tatweel that stretches a headline's word: a word is the same with or without them
# (the arabic analyzer drops them too, but Urdu and Hebrew have none). A token filter, so
# offsets stay those of the text as written. Not on osmem, which runs pattern_replace token
# filters in _analyze but not when indexing: there queries would lose marks articles keep.
_POINT_RANGES = [(0x591, 0x5BD), (0x5BF, 0x5BF), (0x5C1, 0x5C2), (0x5C4, 0x5C5), (0x5C7, 0x5C7)]
_POINT_RANGES += [(0x610, 0x61A), (0x640, 0x640), (0x64B, 0x652), (0x670, 0x670)]
# The marks themselves in the class: osmem, whose _analyze checks this chain, refuses \uXXXX.
_POINTS = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in _POINT_RANGES)
_POINT_FILTERS = {"vowel_points": {"type": "pattern_replace", "pattern": f"[{_POINTS}]", "replacement": ""}}


def _fallback_filters(profile: str) -> list[str]:
    """The token filters of the fallback analysis. decimal_digit reads every script's digits as
    ASCII (٢٠٢٤, २०२४ = 2024), as the arabic, persian and hindi analyzers do for their own
    articles; osmem, again, runs it in _analyze only."""
    if profile == "osmem":
        return _folding_filters(profile)
    return [*_folding_filters(profile), "decimal_digit", *_POINT_FILTERS]


def _folding_filters(profile: str) -> list[str]:
    """Case and accents folded, in the fallback analysis and the folded keywords. Greek's own
    lower case also drops the tonos and dialytika and reads ς as σ, which asciifolding leaves
    (headlines in capitals, and much typing, carry no tonos); for any other letter it is
    lowercase. arabic_normalization reads the letters often typed plain as plain (أ إ آ as ا,
    ى as ي, ة as ه), persian_normalization the Persian and Urdu letters an Arabic keyboard types
    otherwise (ی as ي, ک as ك, ہ as ه); they touch no other letter. osmem runs them in _analyze
    only."""
    if profile == "osmem":
        return ["lowercase", "asciifolding"]
    return ["greek_lowercase", "asciifolding", "arabic_normalization", "persian_normalization"]


def article_settings(profile: str = "opensearch") -> dict[str, Any]:
    """Index settings and analysis. Text is indexed with every word (stop words included) so
    that phrases keep their words and positions; queries drop each language's stop words
    (search_analyzer) except inside phrases (search_quote_analyzer)."""
    analyzers: dict[str, Any] = {
        # The fallback: case and accents folded, no stemming, no stop words.
        FALLBACK: {
            "type": "custom",
            "char_filter": [*_CHAR_FILTERS, *_script_folding(profile)],
            "tokenizer": "standard",
            "filter": _fallback_filters(profile),
        },
        # English: folded as the fallback, British/American spellings as one, stemmed.
        "english_index": {
            "type": "custom",
            "char_filter": _CHAR_FILTERS,
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "spelling_variants", "english_stemmer"],
        },
        "english_search": {
            "type": "custom",
            "char_filter": _CHAR_FILTERS,
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "spelling_variants", "english_stop", "english_stemmer"],
        },
    }
    filters: dict[str, Any] = {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_stemmer": {"type": "stemmer", "language": "english"},
        "spelling_variants": {"type": "synonym", "synonyms": SPELLING_VARIANTS},
    }
    if profile != "osmem":
        filters |= _POINT_FILTERS | {"greek_lowercase": {"type": "lowercase", "language": "greek"}}
    if fully_analysed("dutch", profile):
        dutch_filters, dutch_chain = _dutch_analysis()
        filters |= dutch_filters
        analyzers["dutch_index"] = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", *dutch_chain],
        }
        analyzers["dutch_search"] = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "dutch_stop", *dutch_chain],
        }
    for name in ANALYSES:
        if name in ("english", "dutch") or not fully_analysed(name, profile):
            continue
        # The built-in analyzer without its stop words for indexing and phrases, with them for
        # the words of a query.
        local_stopwords = profile == "osmem" and name in OSMEM_KEEPS_STOPWORDS
        analyzers[f"{name}_index"] = (
            {"type": name} if local_stopwords else {"type": name, "stopwords": "_none_"}
        )
        analyzers[f"{name}_search"] = {"type": name}
    return {
        "index": {
            "number_of_shards": 1,
            "max_result_window": 10_000,
            "highlight": {"max_analyzed_offset": MAX_ANALYZED_OFFSET},
        },
        "analysis": {
            "filter": filters,
            "char_filter": _apostrophe_filters(profile) | _script_folding(profile),
            "normalizer": {
                "folded_keyword": {
                    "type": "custom",
                    "char_filter": list(_script_folding(profile)),
                    "filter": _folding_filters(profile),
                },
            },
            "analyzer": analyzers,
        },
    }


def fully_analysed(analysis: str, profile: str = "opensearch") -> bool:
    """Whether the engine runs ``analysis`` itself (else its fields have the fallback's)."""
    return not (profile == "osmem" and analysis in OSMEM_MISSING)


def analyzers_of(analysis: str, profile: str = "opensearch") -> dict[str, str]:
    """The analyzers of one analysis' fields (index, query words, query phrases)."""
    if not fully_analysed(analysis, profile):
        return {"analyzer": FALLBACK, "search_analyzer": FALLBACK, "search_quote_analyzer": FALLBACK}
    return {
        "analyzer": f"{analysis}_index",
        "search_analyzer": f"{analysis}_search",
        "search_quote_analyzer": f"{analysis}_index",
    }


# The settings every caller reads (result window, highlight bound): the same in every profile.
ARTICLE_SETTINGS: dict[str, Any] = article_settings()

_KEYWORD_FACET = {
    "type": "keyword",
    "fields": {"folded": {"type": "keyword", "normalizer": "folded_keyword"}},
}
# A facet whose value search matches the start of any word ("harbour" finds "The Harbour
# Gazette"): its words, folded, in a text subfield, so the engine finds them from its index.
_WORDED_FACET = {
    **_KEYWORD_FACET,
    "fields": {**_KEYWORD_FACET["fields"], "text": {"type": "text", "analyzer": FALLBACK}},
}


def article_mappings(profile: str = "opensearch") -> dict[str, Any]:
    """The article index's mapping: one declaration, the analyses filled in from ANALYSES."""
    text = {
        "type": "text",
        **dict.fromkeys(("analyzer", "search_analyzer", "search_quote_analyzer"), FALLBACK),
    }
    return {
        "dynamic": "strict",
        # The per-language copies and the lead are indexed, never returned: the bucket holds the
        # source of truth and reindex rebuilds them from it.
        "_source": {"excludes": ["lang", "lead"]},
        "properties": {
            "title": {**text, "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
            "body": text,
            # The standfirst kept beside the body (at most 1,000 characters): searched and
            # highlighted from _source, as the title is.
            "description": text,
            # Highlighting reads this bounded copy of the body's start (stored: not in _source).
            "lead": {**text, "store": True},
            "lang": {
                "properties": {
                    name: {
                        "properties": {
                            "title": {"type": "text", **analyzers_of(name, profile)},
                            "body": {"type": "text", **analyzers_of(name, profile)},
                            "description": {"type": "text", **analyzers_of(name, profile)},
                        }
                    }
                    for name in ANALYSES
                }
            },
            "source": _WORDED_FACET,
            "language": {"type": "keyword"},
            "place": _WORDED_FACET,
            # One value per person, so /facets/author?prefix=mccoy finds "Kevin McCoy".
            "authors": _WORDED_FACET,
            "author_org": _KEYWORD_FACET,
            "tags": _WORDED_FACET,
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


def article_index_body(profile: str = "opensearch") -> dict[str, Any]:
    return {"settings": article_settings(profile), "mappings": article_mappings(profile)}


# Ingest receipts: one document per bucket + key (``model.receipt_id``), written with the
# external version of the event it records, so the latest outcome of every upload is
# queryable (GET /ingest/status, ``archive-search status``).
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
        # Records of an indexed file that became no article: how many, and the first reasons.
        "skipped": {"type": "integer"},
        "skipped_records": {
            "type": "object",
            "properties": {
                "record": {"type": "integer"},
                "line": {"type": "integer"},
                "reason": {"type": "keyword"},
                "message": {"type": "text", "index": False},
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


# Saved searches (alerts/): one document per alert, under <alias>-alerts. The search is
# stored as given, not indexed: ingest reads every alert and runs them as queries
# (alerts/matcher.py), so the stored parameters are never searched themselves.
ALERT_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword", "ignore_above": 256},
        "target": {"type": "keyword"},  # event | webhook | feed
        "webhook_url": {"type": "keyword", "index": False},
        "search": {"type": "object", "enabled": False},
        "created_at": {"type": "date"},
        # The alert's id again, as a field: GET /alerts breaks created_at ties on it, since a
        # cluster may refuse to sort on _id (indices.id_field_data.enabled is false by default).
        "alert_id": {"type": "keyword"},
        # A webhook alert's secret is derived from its generation (alerts/signing.py), never stored.
        "webhook_generation": {"type": "integer"},
        "webhook_rotated_at": {"type": "date"},
    },
}


def alerts_index_body() -> dict[str, Any]:
    return {"settings": {"index": {"number_of_shards": 1}}, "mappings": ALERT_MAPPINGS}


# The events outbox (ingest/outbox.py): one document per event not yet accepted by the bus,
# under <alias>-outbox, deleted once PutEvents accepts it, so the index holds only the backlog.
OUTBOX_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "event_id": {"type": "keyword"},
        "source": {"type": "keyword"},
        "detail_type": {"type": "keyword"},
        "detail": {"type": "object", "enabled": False},  # the event as published, never searched
        "created_at": {"type": "date"},
    },
}


def outbox_index_body() -> dict[str, Any]:
    return {"settings": {"index": {"number_of_shards": 1}}, "mappings": OUTBOX_MAPPINGS}
