"""The ``q`` language and the OpenSearch query bodies built from a search request.

``q`` follows ``simple_query_string`` conventions, parsed here rather than by the engine so
that every input has a meaning, the cost of a query is bounded before it is sent, and typo
tolerance and spelling variants can be added per word:

    night vision            both words (AND is the default)
    "night vision"          the exact phrase
    -goggles  NOT goggles   excluded
    dawn OR tribune         either (``|`` works too); AND binds tighter than OR
    goggl*                  words starting with ``goggl`` (at least two characters)
    (dawn | tribune) -sport grouping

Odd syntax never fails: an unclosed quote or bracket closes at the end, a stray ``)`` or a
dangling operator is ignored, other punctuation is just a word separator. Limits (length,
number of words, nesting) are the only way ``q`` is refused, with a 400 naming ``q``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive_search.errors import InvalidRequest
from archive_search.index_schema import ANALYSES, SPELLING_VARIANTS, analysis_for

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_QUERY_DEPTH = 8
MIN_PREFIX_CHARS = 2
PREFIX_EXPANSIONS = 50
FUZZY_EXPANSIONS = 25
MAX_FUZZY_CHARS = 40

TITLE_BOOST = 3
# A match under the article's own language's analysis (lang.<analysis>.*) outranks the same
# words matched only by the fallback folding (title, body).
OWN_LANGUAGE_BOOST = 1.5

# Every query the API sends is filtered by this, in one place: tombstones (deleted
# articles kept so a late write cannot resurrect them) are never visible.
LIVE = {"bool": {"must_not": [{"term": {"deleted": True}}]}}


# -- the q language ------------------------------------------------------------
@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Phrase | Not | And | Or

# The analyzer's stop words (Lucene's _english_ list, index_schema "english_stop").
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)

_TOKEN = re.compile(r'"[^"]*"?|[()|]|[^\s"()|]+')
_WORD_CHARS = re.compile(r"[^\w'’*-]+")


def _clean(q: str) -> str:
    """Control characters and unassigned code points become spaces."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in q)


def _tokens(q: str) -> Iterator[str]:
    for match in _TOKEN.finditer(q):
        token = match.group()
        # Operators are upper case, as in Lucene syntax: "not guilty" searches both words.
        if token == "OR":
            yield "|"
        elif token == "AND":
            continue
        elif token == "NOT":
            yield "-"
        elif token.startswith(("-", "+")):
            # "-word" excludes, "+word" is the default AND; a lone "-" before a quote or
            # bracket ('-"a b"', '-(a b)') is its own token already.
            signs = len(token) - len(token.lstrip("-+"))
            yield from ["-"] * token[:signs].count("-")
            if token[signs:]:
                yield token[signs:]
        else:
            yield token


class _Parser:
    def __init__(self, q: str, *, stop_words_as_phrases: bool = False) -> None:
        self.tokens = list(_tokens(_clean(q)))
        self.pos = 0
        self.terms = 0
        self.stop_words_as_phrases = stop_words_as_phrases
        self.dropped = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        nodes: list[Node] = []
        while self.peek() is not None:
            node = self.parse_or(0)
            if node is not None:
                nodes.append(node)
            elif self.peek() == ")":
                self.next()  # a stray closing bracket
        return _join(And, nodes)

    def parse_or(self, depth: int) -> Node | None:
        branches: list[Node] = []
        current = self.parse_and(depth)
        if current is not None:
            branches.append(current)
        while self.peek() == "|":
            self.next()
            current = self.parse_and(depth)
            if current is not None:
                branches.append(current)
        return _join(Or, branches)

    def parse_and(self, depth: int) -> Node | None:
        nodes: list[Node] = []
        while (token := self.peek()) is not None and token not in ("|", ")"):
            node = self.parse_unary(depth)
            if node is not None:
                nodes.append(node)
        return _join(And, nodes)

    def parse_unary(self, depth: int) -> Node | None:
        negations = 0
        while self.peek() == "-":
            self.next()
            negations += 1
        if self.peek() in (None, "|", ")"):
            return None
        node = self.parse_primary(depth)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def parse_primary(self, depth: int) -> Node | None:
        token = self.next()
        if token == "(":
            if depth + 1 > MAX_QUERY_DEPTH:
                raise InvalidRequest(f"q nests brackets deeper than {MAX_QUERY_DEPTH} levels", "q")
            node = self.parse_or(depth + 1)
            if self.peek() == ")":
                self.next()
            return node
        if token.startswith('"'):
            text = " ".join(_WORD_CHARS.sub(" ", token.strip('"')).replace("*", " ").split())
            return self.count(Phrase(text)) if text else None
        return self.word(token)

    def word(self, token: str) -> Node | None:
        prefix = token.endswith("*")
        text = " ".join(_WORD_CHARS.sub(" ", token).replace("*", " ").split()).strip("-'’ ")
        if not text:
            return None
        if not prefix and set(re.findall(r"\w+", text.casefold())) <= STOPWORDS:
            # "the", "not": not required beside other words (the query analysis drops them);
            # a query of nothing else searches them as written, as a phrase does.
            if self.stop_words_as_phrases:
                return self.count(Phrase(text))
            self.dropped += 1
            return None
        if prefix and len(text) < MIN_PREFIX_CHARS:
            prefix = False  # "a*" would expand to half the vocabulary: search the word itself
        return self.count(Word(text, prefix))

    def count(self, node: Node) -> Node:
        self.terms += 1
        if self.terms > MAX_QUERY_TERMS:
            raise InvalidRequest(f"q has more than {MAX_QUERY_TERMS} words or phrases", "q")
        return node


def _join(kind: type[And] | type[Or], nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


def parse_query(q: str | None) -> Node | None:
    """``q`` -> its syntax tree (None when it holds no words: every article matches)."""
    if q is None:
        return None
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidRequest(f"q is longer than {MAX_QUERY_CHARS} characters", "q")
    parser = _Parser(q)
    node = parser.parse()
    if node is None and parser.dropped:
        return _Parser(q, stop_words_as_phrases=True).parse()
    return node


def positive_words(node: Node | None) -> list[str]:
    """The words and phrases a result must or may contain (none: there is nothing to rank by)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Word | Phrase):
        return [node.text]
    return [word for child in node.nodes for word in positive_words(child)]


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
    """The fields for ``in`` (title, body or both) in the analyses of ``languages`` (a language=
    filter's values; None: every analysis), always with the fallback fields.

    ``query_variants``: expand British/American spellings in the query (engines whose synonym
    filter does not work, see spelling_variants), on the English fields only.
    """
    parts = ["title", "body"] if in_field is None else [in_field]
    chosen = ANALYSES if languages is None else {a for a in map(analysis_for, languages) if a}
    analyses = sorted(chosen)
    boost = {"title": TITLE_BOOST, "body": 1}
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


def highlight_query(node: Node | None, field: str) -> dict[str, Any] | None:
    """What highlighting marks in ``field`` (a fallback-analysed field): the query's words,
    phrases and prefixes, with typo tolerance, so that a word's inflections in any language
    (Brücken/Brücke, Москвы/Москва) are marked too; None when there is nothing to mark."""
    if node is None or isinstance(node, Not):
        return None
    return text_query(node, Fields((field,)))


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


def facet_filter(name: str, values: list[str]) -> dict[str, Any]:
    match_field = FACET_FIELDS[name][0]
    if name == "language":
        values = [value.strip().lower() for value in values]
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
