"""The ``q`` language: a request's ``q`` parsed into a syntax tree (``query`` turns it into the
engine's text query).

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

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from archive_search.errors import InvalidRequest

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_QUERY_DEPTH = 8
MIN_PREFIX_CHARS = 2


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

# The operators as a Chinese, Japanese or Korean input method types them (full width): the same
# operators, or "（東京｜大阪）－京都" would require the word it excludes. Typographic double
# quotes, as phone keyboards and each language write them, quote a phrase as '"' does.
_OPERATORS = str.maketrans(
    {chr(0xFF00 + ord(c) - 0x20): c for c in '"()|-*+'} | dict.fromkeys("“”„‟«»「」『』〝〞〟", '"')
)

_TOKEN = re.compile(r'"[^"]*"?|[()|]|[^\s"()|]+')
_WORD_CHAR = re.compile(r"[\w'’*-]")


def _word_chars(text: str, *, symbols: bool = False) -> str:
    """``text`` with every character but a word's as a space. A word's characters are \\w,
    apostrophes, "*", "-" and combining marks (Unicode category M), which \\w lacks: a
    Devanagari vowel sign or Thai tone mark is part of its word, as in the standard tokenizer.
    ``symbols``: symbols (So, Sk: emoji, their skin tones, flags) are word characters too."""
    return "".join(c if _WORD_CHAR.match(c) or _is_word_mark(c, symbols) else " " for c in text)


def _is_word_mark(c: str, symbols: bool) -> bool:
    return unicodedata.category(c)[0] == "M" or (symbols and _has_symbol(c))


def _has_symbol(text: str) -> bool:
    return any(unicodedata.category(c) in ("So", "Sk") for c in text)


def typed_text(q: str) -> str:
    """Text typed into a query (``q``, a facet prefix) as articles are indexed: composed (NFC)
    and without invisible formatting characters (soft hyphens, zero-width and bidi marks,
    BOMs), which cleaning drops from text, so a word pasted with one stays one word. Other
    control characters and unassigned code points become spaces."""
    return "".join(_cleaned_char(c) for c in unicodedata.normalize("NFC", q))


def _cleaned_char(c: str) -> str:
    category = unicodedata.category(c)
    if category == "Cf":
        return ""
    return " " if category[0] == "C" else c


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
    def __init__(self, q: str, *, stop_words_as_phrases: bool = False, symbols: bool = False) -> None:
        self.tokens = list(_tokens(typed_text(q).translate(_OPERATORS)))
        self.pos = 0
        self.terms = 0
        self.stop_words_as_phrases = stop_words_as_phrases
        self.symbols = symbols
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
            text = self.words_in(token.strip('"'))
            return self.count(Phrase(text)) if text else None
        return self.word(token)

    def words_in(self, raw: str) -> str:
        """The words of ``raw``, space-separated: runs of word characters holding a letter or
        digit (or, with ``symbols``, a symbol), so a lone mark (an emoji's variation selector
        after its symbol went) is no word."""
        pieces = _word_chars(raw, symbols=self.symbols).replace("*", " ").split()
        return " ".join(p for p in pieces if re.search(r"\w", p) or (self.symbols and _has_symbol(p)))

    def word(self, token: str) -> Node | None:
        prefix = token.endswith("*")
        text = self.words_in(token).strip("-'’ ")
        if not text:
            return None
        if not prefix and not self.symbols and set(re.findall(r"\w+", text.casefold())) <= STOPWORDS:
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
    if node is None:
        # A q of only emoji (or other symbols) searches them as words, as the engine's tokenizer
        # indexes emoji, rather than every article; beside words they stay separators.
        return _Parser(q, symbols=True).parse()
    return node


def positive_words(node: Node | None) -> list[str]:
    """The words and phrases a result must or may contain (none: there is nothing to rank by)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Word | Phrase):
        return [node.text]
    return [word for child in node.nodes for word in positive_words(child)]
