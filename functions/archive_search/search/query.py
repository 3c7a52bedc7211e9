"""The OpenSearch text query of a parsed ``q`` (``syntax``) and the filters of a search.

Every word is searched in the fields of each analysis it may be written in (``search_fields``),
with typo tolerance and prefixes bounded here, so the cost of a query is known before it is
sent; ``LIVE`` keeps tombstones out of every query the API sends.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive_search.index_schema import ANALYSES, SPELLING_VARIANTS, analysis_for
from archive_search.language_tags import language_of
from archive_search.search.syntax import And, Node, Not, Or, Phrase, Word

PREFIX_EXPANSIONS = 50
FUZZY_EXPANSIONS = 25
MAX_FUZZY_CHARS = 40

TITLE_BOOST = 3
# The description (standfirst) summarises the article in a sentence or two: its words weigh
# more than the body's, less than the headline's.
DESCRIPTION_BOOST = 2
# A match under the article's own language's analysis (lang.<analysis>.*) outranks the same
# words matched only by the fallback folding (title, body).
OWN_LANGUAGE_BOOST = 1.5

# Every query the API sends is filtered by this, in one place: tombstones (deleted
# articles kept so a late write cannot resurrect them) are never visible.
LIVE = {"bool": {"must_not": [{"term": {"deleted": True}}]}}


# -- British/American spelling ---------------------------------------------------
def _variant_pairs() -> list[tuple[str, str]]:
    """(British, American) stems: a final "e" both spellings share is dropped, so that
    "organising" and "organisation" find their American forms too."""
    pairs = []
    for line in SPELLING_VARIANTS:
        british, american = (part.strip() for part in line.split(","))
        if british.endswith("e") and american.endswith("e"):
            british, american = british[:-1], american[:-1]
        pairs.append((british, american))
    return pairs


_VARIANT_PAIRS = _variant_pairs()


def spelling_variants(word: str) -> list[str]:
    """Other spellings of ``word``, inflections included ("colours" -> "colors").

    The English analysis' synonym filter does this on OpenSearch; the query does it only on
    engines that ignore synonym filters (the osmem profile), on the English fields.
    """
    lowered = word.casefold()
    out: list[str] = []
    for british, american in _VARIANT_PAIRS:
        for have, other in ((british, american), (american, british)):
            if lowered.startswith(have):
                variant = other + lowered[len(have) :]
                if variant != lowered and variant not in out:
                    out.append(variant)
    return out


# -- the engine query -------------------------------------------------------------
@dataclass(frozen=True)
class Fields:
    """The fields a query searches: every one analyses the query its own way (multi_match)."""

    text: tuple[str, ...]  # with boosts
    english: tuple[str, ...] = ()  # where query-time spelling variants apply (empty: none)
    # Where expanding queries (typos, prefixes) run: the fallback fields only, which hold every
    # article's words as written, so a query's expansions do not grow with the languages
    # searched (OpenSearch caps a query's clauses in total, indices.query.bool.max_clause_count).
    expanded: tuple[str, ...] = ()

    @property
    def expanding(self) -> tuple[str, ...]:
        return self.expanded or self.text


def search_fields(
    in_field: str | None, languages: list[str] | None = None, *, query_variants: bool = False
) -> Fields:
    """The fields for ``in`` (title, body, or both with the description) in the analyses of ``languages`` (a language=
    filter's values; None: every analysis), always with the fallback fields.

    ``query_variants``: expand British/American spellings in the query (engines whose synonym
    filter does not work, see spelling_variants), on the English fields only.
    """
    parts = ["title", "description", "body"] if in_field is None else [in_field]
    chosen = (
        ANALYSES
        if languages is None
        else {a for a in map(analysis_for, map(filter_language, languages)) if a}
    )
    analyses = sorted(chosen)
    boost = {"title": TITLE_BOOST, "description": DESCRIPTION_BOOST, "body": 1}
    fields = [f"{part}^{boost[part]}" if boost[part] != 1 else part for part in parts]
    english: list[str] = []
    for analysis in analyses:
        for part in parts:
            field = f"lang.{analysis}.{part}^{boost[part] * OWN_LANGUAGE_BOOST:g}"
            fields.append(field)
            if analysis == "english":
                english.append(field)
    fallback = tuple(fields[: len(parts)])
    return Fields(tuple(fields), tuple(english) if query_variants else (), fallback)


def text_query(node: Node | None, fields: Fields) -> dict[str, Any]:
    """The engine query for a parsed ``q`` over ``fields``."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Word):
        return _word_query(node, fields)
    if isinstance(node, Phrase):
        # Phrases are analysed with each field's search_quote_analyzer: stop words and word
        # order kept.
        return {
            "multi_match": {
                "query": node.text,
                "type": "phrase",
                "fields": list(fields.text),
                "zero_terms_query": "none",
            }
        }
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [text_query(node.node, fields)]}}
    if isinstance(node, Or):
        return {
            "bool": {"should": [text_query(child, fields) for child in node.nodes], "minimum_should_match": 1}
        }
    must = [text_query(child, fields) for child in node.nodes if not isinstance(child, Not)]
    must_not = [text_query(child.node, fields) for child in node.nodes if isinstance(child, Not)]
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}


# Han characters and hiragana: the engine's standard tokenizer makes each one a word of its own.
SINGLE_CHARACTER_WORDS = re.compile(
    "[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
)


def highlight_query(node: Node | None, field: str) -> dict[str, Any] | None:
    """What highlighting marks in ``field`` (a fallback-analysed field): the query's words,
    phrases and prefixes, with typo tolerance, so that a word's inflections in any language
    (Brücken/Brücke, Москвы/Москва) are marked too; None when there is nothing to mark."""
    if node is None or isinstance(node, Not):
        return None
    return text_query(_characters_in_order(node), Fields((field,)))


# Hangul: Korean writes a word's particles onto it (서울시는, 정책을), one token with it.
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def _characters_in_order(node: Node) -> Node:
    """``node`` as highlighting reads the fallback field. A Chinese or Japanese word is a
    phrase: the field holds it a character a word, and highlighting marks every term it
    matches, so 東京大学 as words would mark the 大 of 大きい too. A Korean word is a prefix,
    so 서울시 marks 서울시는, the field's word for it with its particle."""
    if isinstance(node, Word) and not node.prefix:
        if SINGLE_CHARACTER_WORDS.search(node.text):
            return Phrase(node.text)
        if _HANGUL.search(node.text):
            return Word(node.text, prefix=True)
    if isinstance(node, And | Or):
        return type(node)(tuple(_characters_in_order(child) for child in node.nodes))
    return node


def _typos_allowed(text: str) -> int:
    """Edits a word may be away from its match, decided on the word as typed (the engine's
    AUTO would count the stemmed term: "gogles" is "gogl"): none below 5 letters, where a
    typo is most often another real word (tram/team), one from 5, two from 9. Numbers are
    meant exactly (2023 is not a typo of 2024), and words over MAX_FUZZY_CHARS are not
    words: a typo automaton would only cost engine time."""
    if len(text) > MAX_FUZZY_CHARS or any(c.isdigit() for c in text):
        return 0
    shortest = min((len(part) for part in re.findall(r"\w+", text)), default=0)
    return 2 if shortest >= 9 else 1 if shortest >= 5 else 0


def _word_query(word: Word, fields: Fields) -> dict[str, Any]:
    if word.prefix:
        return {
            "multi_match": {
                "query": word.text,
                "type": "phrase_prefix",
                "fields": list(fields.expanding),
                "max_expansions": PREFIX_EXPANSIONS,
                "zero_terms_query": "none",
            }
        }

    def match(text: str, on: tuple[str, ...], **options: Any) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": text,
                "fields": list(on),
                "operator": "and",
                "zero_terms_query": "none",
                **options,
            }
        }

    # An exact (or variant-spelled) match scores on top of the typo-tolerant one, so exact
    # matches rank first and a misspelt word still finds its articles.
    exact = [match(word.text, fields.text, boost=2)]
    if fields.english:
        exact += [match(variant, fields.english, boost=2) for variant in spelling_variants(word.text)]
    edits = _typos_allowed(word.text)
    if not edits:
        return {"bool": {"should": exact, "minimum_should_match": 1}}
    fuzzy = match(
        word.text, fields.expanding, fuzziness=edits, prefix_length=1, max_expansions=FUZZY_EXPANSIONS
    )
    return {"bool": {"should": [*exact, fuzzy], "minimum_should_match": 1}}


# -- filters ------------------------------------------------------------------------
# Filter parameter -> the field it matches (case- and accent-insensitive where the mapping
# has a folded subfield) and the field its facet counts.
FACET_FIELDS = {
    "source": ("source.folded", "source"),
    "language": ("language", "language"),
    "place": ("place.folded", "place"),
    "author": ("authors.folded", "authors"),
    "tag": ("tags.folded", "tags"),
}
# Facet -> the subfield holding its values' words, which value search matches by their start.
# Language codes are one word each: their value search matches the whole value only.
FACET_WORD_FIELDS = {
    "source": "source.text",
    "place": "place.text",
    "author": "authors.text",
    "tag": "tags.text",
}


def filter_language(value: str) -> str:
    """A language= value as the index keeps languages: a tag's language subtag, two letters where
    the language has them (``en-GB``, ``EN``, ``eng`` -> ``en``), as ingest reads a page's tag, or
    the code of a language's name (``English``, ``français``); a value naming no language (which
    the routes refuse) is only lower-cased (it matches nothing)."""
    return language_of(value) or value.strip().lower()


# A language filter value -> the languages the index may keep its articles under: Norwegian
# ("no") is written in Bokmål (nb) and Nynorsk (nn), and detection and page tags give any of them.
LANGUAGE_MEMBERS = {"no": ("no", "nb", "nn")}


def facet_filter(name: str, values: list[str]) -> dict[str, Any]:
    match_field = FACET_FIELDS[name][0]
    # The index holds values composed (NFC); its normaliser folds accents only from those.
    values = [unicodedata.normalize("NFC", value) for value in values]
    if name == "language":
        codes = map(filter_language, values)
        values = [member for code in codes for member in LANGUAGE_MEMBERS.get(code, (code,))]
    # Responses carry values HTML-escaped ("AT&amp;T"); a client echoing one back still matches.
    values = list(dict.fromkeys([*values, *(html.unescape(value) for value in values)]))
    return {"terms": {match_field: values}}


def published_filter(date_from: date | None, date_to: date | None) -> dict[str, Any] | None:
    """The publication date range (inclusive), or None when neither bound is given."""
    if not (date_from or date_to):
        return None
    bounds = {}
    if date_from:
        bounds["gte"] = date_from.isoformat()
    if date_to:
        bounds["lte"] = date_to.isoformat()
    return {"range": {"published": {**bounds, "format": "yyyy-MM-dd"}}}
