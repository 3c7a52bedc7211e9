"""A boilerplate classifier for the lines (blocks) of a page's text.

Not a phrase list: every line is described by language-independent features (length,
stop-word and punctuation density, link- and menu-likeness, position, runs of short lines,
repetition inside the document) and scored by a logistic model. A second stage looks at the
neighbourhood, because boilerplate comes in runs and article text comes in one stretch:
it smooths the first-stage scores over a window and finds the densest stretch of content
(a maximum-sum segment, as in body-text extraction). The weights are fitted by
``bench/fit_classifier.py`` on one half of the benchmark split and checked on the other.

Public helpers:
- ``keep_mask(lines)``: which lines of a whole-page dump are article text;
- ``residual_boilerplate(lines)``: lines of an already-extracted article (HTML output) that
  are still page furniture, judged by the context-free line features only.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from archive_search.cleaning.decode import code_points
from archive_search.cleaning.linestats import LineStats

__all__ = [
    "STAGE1_WEIGHTS",
    "STAGE2_WEIGHTS",
    "LineMemo",
    "keep_mask",
    "line_features",
    "residual_boilerplate",
    "scores",
]

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Link- and menu-like: a URL or e-mail address, menu separators, breadcrumbs, copyright signs.
_LINKY_CHARS = "|•·›»«‹→←▸►▶◄©@"
_LINKY_RE = re.compile(rf"[{_LINKY_CHARS}]|://|www\.| [/>] |\.(?:com|org|net)\b|\([cC]\)")
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
# The lookahead names every alternative's possible first characters (a digit or a month's first
# letter): the regex engine then skips other positions at once (1.8x faster, the same matches).
_DATE_RE = re.compile(
    rf"\b(?=[\dadfjmnos])(\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|({_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|\d{{1,2}}:\d{{2}}|\b(19|20)\d{{2}}\b)",
    re.I,
)
# A headline glued to its blurb ("...FavoritesFall has arrived"): teaser cards in a dump.
# Also a teaser card's headline running into its lede's dateline ("... stateless WASHINGTON: ...").
_GLUED_RE = re.compile(r"[a-z][a-z.?!][A-Z][a-z]|[a-z,] [A-Z]{3,}(?: [A-Z]{2,})*: [A-Z]")
# "Tags:", "Posted by:", "Share:": a label and its value, typical of page furniture.
_LABEL_RE = re.compile(r"^\w+( \w+)?\s?:\s")
_TERMINAL = frozenset(".!?。！？:;\"'”’»)…")

# Function words of the languages most news is written in. Running text is full of them;
# menus, buttons, teasers' headlines and bylines are not. Not a list of boilerplate phrases.
_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "more",
        "most",
        "my",
        "no",
        "not",
        "of",
        "on",
        "one",
        "or",
        "our",
        "out",
        "over",
        "she",
        "so",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "up",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "einen",
        "dem",
        "den",
        "des",
        "mit",
        "von",
        "zu",
        "auf",
        "für",
        "sich",
        "im",
        "auch",
        "es",
        "als",
        "an",
        "wird",
        "sind",
        "wie",
        "aber",
        "oder",
        "bei",
        "nach",
        "noch",
        "nur",
        "so",
        "vor",
        "aus",
        "hat",
        "wir",
        "er",
        "sie",
        "le",
        "la",
        "les",
        "et",
        "est",
        "un",
        "une",
        "des",
        "du",
        "en",
        "que",
        "qui",
        "dans",
        "pour",
        "pas",
        "sur",
        "au",
        "avec",
        "il",
        "elle",
        "ce",
        "se",
        "plus",
        "par",
        "sont",
        "el",
        "los",
        "las",
        "y",
        "es",
        "una",
        "del",
        "que",
        "en",
        "por",
        "con",
        "para",
        "su",
        "al",
        "lo",
        "como",
        "más",
        "pero",
        "sus",
        "il",
        "di",
        "che",
        "è",
        "per",
        "non",
        "della",
        "una",
        "sono",
        "nel",
        "alla",
        "gli",
        "o",
        "os",
        "as",
        "é",
        "um",
        "uma",
        "do",
        "da",
        "dos",
        "das",
        "em",
        "no",
        "na",
        "que",
        "para",
        "com",
        "não",
        "se",
        "por",
        "mais",
        "de",
        "het",
        "een",
        "en",
        "van",
        "is",
        "dat",
        "op",
        "te",
        "zijn",
        "met",
        "voor",
        "niet",
        "и",
        "в",
        "не",
        "на",
        "что",
        "с",
        "по",
        "это",
        "как",
        "но",
        "из",
        "он",
        "она",
        "они",
        "к",
        "же",
        "за",
        "то",
        "от",
    ]
)

# Stage 1: one line on its own and its immediate context. Fitted by bench/fit_classifier.py.
STAGE1_WEIGHTS: tuple[float, ...] = (-4.9232, 0.7462, -0.7051, 0.2548, 3.3857, 1.7965, -2.5285, -0.5287, -0.5150, -2.2180, -0.0009, 1.7272, 1.3027, -0.6103, -0.6354, 0.1744, 1.7164, 2.4408, -2.4584, -0.1649, 2.2050, -1.6076, -0.9638, -0.3166, -0.7069, -0.6740, 0.6075, -0.1257, 1.3074)  # fmt: skip
# Stage 2: stage-1 scores of the neighbourhood and the densest-stretch indicator.
STAGE2_WEIGHTS: tuple[float, ...] = (-3.3451, -20.5045, 0.4026, -0.4677, 5.9070, -0.6404, 0.0561, 0.5417, 20.8009, -0.5237, 0.1561, 2.2355)  # fmt: skip
# The same two stages with the archive's line statistics (three more stage-1 features: see
# _archive_line_features and _context_features), fitted on the same half with the benchmark's
# pages as the archive.
STAGE1_ARCHIVE_WEIGHTS: tuple[float, ...] = (-4.5113, 0.7274, -0.7451, 0.2028, 3.2030, 1.8265, -2.4287, -0.6625, -0.4355, -2.0484, 0.0434, 1.5696, 1.2392, -0.5472, -0.5907, 0.1676, 1.9839, 2.5843, -2.5838, -0.1886, 2.1300, -1.6329, -0.9856, -0.2128, -0.6025, -0.7347, 0.5803, -0.4165, 1.2619, 0.4406, -1.3693, -0.3490)  # fmt: skip
STAGE2_ARCHIVE_WEIGHTS: tuple[float, ...] = (-0.5210, -26.8588, 0.4427, -0.4785, 6.7588, -0.6610, 0.0485, -0.9616, 26.8383, -2.9954, -0.8058, 2.4993)  # fmt: skip
THRESHOLD = 0.5


def _runs_of_short(short: np.ndarray) -> np.ndarray:
    """For each short line, the length of the run of short lines it belongs to (0 otherwise)."""
    padded = np.zeros(len(short) + 2, dtype=np.int8)
    padded[1:-1] = short
    edges = padded[1:] - padded[:-1]
    lengths = (edges == -1).nonzero()[0] - (edges == 1).nonzero()[0]
    run = np.zeros(len(short))
    run[short] = lengths.repeat(lengths)
    return run


def _distance_to_long(length: np.ndarray) -> np.ndarray:
    """Lines between each line and the nearest long (15+ words) line; ``n`` when there is none."""
    n = len(length)
    long_at = (length >= 15).nonzero()[0]
    if not len(long_at):
        return np.full(n, float(n))
    idx = _indices(n)
    after = long_at.searchsorted(idx)  # first long line at or after each line
    next_long = long_at[np.minimum(after, len(long_at) - 1)]
    prev_long = long_at[np.maximum(after - 1, 0)]
    dist = np.minimum(np.abs(next_long - idx), np.abs(idx - prev_long))
    return dist.astype(float)


# Columns of the profile matrix: what one line says on its own, whatever surrounds it.
(
    _LENGTH,  # words (CJK: two characters a word)
    _STOP,  # stop-word share
    _PUNCT,  # punctuation share
    _ENDS_SENTENCE,
    _CAPS,  # capitalised share of the words
    _DIGITS,  # digit share
    _LINK,  # link- or menu-like
    _DATED,  # a short line with a date
    _LOWER_START,
    _COMMAS,  # commas per word
    _ELLIPSIS,
    _GLUED,  # a headline glued to its blurb
    _LABEL,  # "Label: value"
    _NO_STOP,  # two words or more, none of them a stop word
    _KEY,  # the line's comparison key (a hash of it stripped, in lower case): repetition inside a page
    _WORDS,  # \w+ words in the whole line
    _OTHERS,  # other documents of the archive holding the line (with line statistics only)
    _LINE_SCORE,  # the stage-1 score's context-free part (LineMemo's, with its weights)
    _N_PROFILE,
) = range(19)

# Bit flags of a character, looked up per code point.
_WORD, _SPACE, _DIGIT, _UPPER, _LOWER, _CJK, _ENDS, _LINK_CHAR = (1 << k for k in range(8))


def _char_flags(ch: str) -> int:
    return (
        (_WORD if _WORD_CHAR_RE.match(ch) else 0)
        | (_SPACE if ch.isspace() else 0)
        | (_DIGIT if _DIGIT_RE.match(ch) else 0)
        | (_UPPER if ch.isupper() else 0)
        | (_LOWER if ch.islower() else 0)
        | (_CJK if _CJK_RE.match(ch) else 0)
        | (_ENDS if ch in _TERMINAL else 0)
        | (_LINK_CHAR if ch in _LINKY_CHARS else 0)
    )


_WORD_CHAR_RE = re.compile(r"\w")


@lru_cache(maxsize=1)
def _flag_table() -> np.ndarray:
    """``_char_flags`` of every BMP character (built once, on first use: ~20 ms)."""
    return np.fromiter(map(_char_flags, map(chr, range(0x10000))), dtype=np.uint8, count=0x10000)


def _flags(cp: np.ndarray) -> np.ndarray:
    table = _flag_table()
    if cp.dtype == np.uint8 or not len(cp) or cp.max() <= 0xFFFF:
        return table[cp]
    flags = table[np.minimum(cp, 0xFFFF)]
    astral = cp > 0xFFFF
    for value in np.unique(cp[astral]).tolist():
        flags[cp == value] = _char_flags(chr(value))
    return flags


def _sequence(*masks: np.ndarray) -> np.ndarray:
    """Positions ``i`` where ``masks[k][i + k]`` holds for every ``k``: where a sequence of
    character classes starts (``False`` where it would run past the end). Slices, not copies."""
    n, m = len(masks[0]), len(masks)
    found = np.zeros(n, dtype=bool)
    if n >= m:
        head = found[: n - m + 1]
        np.copyto(head, masks[0][: n - m + 1])
        for k in range(1, m):
            head &= masks[k][k : n - m + 1 + k]
    return found


_TRUE = np.ones(1, dtype=bool)


def _is(cp: np.ndarray, chars: str) -> np.ndarray:
    found = cp == ord(chars[0])
    for ch in chars[1:]:
        found |= cp == ord(ch)
    return found


def _ascii_range(cp: np.ndarray, first: str, last: str) -> np.ndarray:
    return (cp >= ord(first)) & (cp <= ord(last))


# _LINKY_RE's multi-character alternatives, one regex each: a regex that starts with a literal
# is scanned for it in C, which an alternation of them is not (5x slower together).
_LINKY_LITERAL_RES = tuple(map(re.compile, (r"://", r"www\.", r"\.(?:com|org|net)\b", r"\([cC]\)")))


def _linky_at(cp: np.ndarray, flags: np.ndarray, text: str) -> np.ndarray:
    """Where ``_LINKY_RE`` matches in ``text`` (``cp``: its code points, ``flags``: theirs)."""
    found = (flags & _LINK_CHAR) != 0
    for pattern in _LINKY_LITERAL_RES:
        for match in pattern.finditer(text):
            found[match.start()] = True
    space = cp == 32
    found |= _sequence(space, _is(cp, "/>"), space)  # " / ", " > "
    return found


def _glued_at(cp: np.ndarray, text: str) -> np.ndarray:
    """Where ``_GLUED_RE`` matches in ``text`` (``cp`` its code points)."""
    lower, upper = _ascii_range(cp, "a", "z"), _ascii_range(cp, "A", "Z")
    found = _sequence(lower, lower | _is(cp, ".?!"), upper, lower)
    # "[a-z,] [A-Z]{3,}...: [A-Z]": rare; the candidates are checked with the regex itself
    candidates = _sequence(lower | _is(cp, ","), _is(cp, " "), upper, upper, upper)
    for at in (candidates & ~found).nonzero()[0].tolist():
        if _GLUED_RE.match(text, at):
            found[at] = True
    return found


# Tokens and lines are compared by a polynomial hash of their lower-case characters, computed
# for all of them at once with numpy (wrapping uint64 arithmetic, that is modulo 2**64): the
# stop-word lookups and comparison keys of a page, which as Python strings (lower(), split(),
# a set lookup per token) were a fifth of what a text dump cost. The base is odd, so its powers
# are invertible modulo 2**64 and a hash does not depend on where the token stands.
_HASH_BASE = 0x100000001B3
_HASH_BASE_INVERSE = pow(_HASH_BASE, -1, 2**64)


def _hash_code(ch: str) -> int:
    """What a character adds to a hash: its lower case (itself where lower() gives more than one
    character), plus one, so that a NUL counts."""
    lowered = ch.lower()
    return (ord(lowered) if len(lowered) == 1 else ord(ch)) + 1


@lru_cache(maxsize=1)
def _hash_code_table() -> np.ndarray:
    """``_hash_code`` of every BMP character."""
    return np.fromiter(map(_hash_code, map(chr, range(0x10000))), dtype=np.uint64, count=0x10000)


def _hash_codes(cp: np.ndarray) -> np.ndarray:
    table = _hash_code_table()
    if cp.dtype == np.uint8 or not len(cp) or cp.max() <= 0xFFFF:
        return table.take(cp)
    return np.where(cp > 0xFFFF, cp + 1, table.take(np.minimum(cp, 0xFFFF))).astype(np.uint64)


class _Powers:
    """Powers of the hash base and of its inverse, grown on demand and kept."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up), 4096)
            self.up = np.cumprod(np.full(size, _HASH_BASE, dtype=np.uint64))
            self.down = np.cumprod(np.full(size, _HASH_BASE_INVERSE, dtype=np.uint64))
            self.up = np.concatenate((np.ones(1, dtype=np.uint64), self.up[:-1]))
            self.down = np.concatenate((np.ones(1, dtype=np.uint64), self.down[:-1]))
        return self.up[:n], self.down[:n]


_POWERS = _Powers()


def _prefix_hashes(codes: np.ndarray) -> np.ndarray:
    """Hashes of every prefix of a text (``codes``: its ``_hash_codes``), for ``_span_hashes``."""
    up = _POWERS.get(len(codes) + 1)[0]
    return np.concatenate((np.zeros(1, np.uint64), (codes * up[: len(codes)]).cumsum(dtype=np.uint64)))


def _span_hashes(prefix: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The hash of the text's characters ``[b, e)`` for every span: the same wherever it stands.
    (uint64 arithmetic wraps without a warning: modulo 2**64 is meant.)"""
    down = _POWERS.get(len(prefix))[1]
    return (prefix[end] - prefix[begin]) * down[begin]


def _string_hash(text: str) -> int:
    """``_span_hashes`` of a whole string (what a stop word is looked up by)."""
    h, power = 0, 1
    for ch in text:
        h = (h + _hash_code(ch) * power) % 2**64
        power = power * _HASH_BASE % 2**64
    return h


_STOP_TABLE_BITS = 13
_GOLDEN = 0x9E3779B97F4A7C15  # 2**64 / the golden ratio: multiples spread hashes well


@lru_cache(maxsize=1)
def _stop_table() -> tuple[np.ndarray, np.uint64, np.uint64]:
    """The stop words' hashes in a table without collisions (a perfect hash: multiply by an
    odd number, keep the top bits): a token is a stop word when the slot its hash picks holds
    that hash, 6x faster than a binary search of the sorted hashes. The free slots hold a stop
    word's hash too; that hash picks its own slot, so no token matches in a free one."""
    hashes = np.unique(np.array([_string_hash(w) for w in _STOP_WORDS], dtype=np.uint64))
    shift = np.uint64(64 - _STOP_TABLE_BITS)
    for k in itertools.count(1):  # 14 tries for the 206 words in 8192 slots
        multiplier = np.uint64(_GOLDEN * k % 2**64 | 1)
        slots = (hashes * multiplier) >> shift
        if len(np.unique(slots)) == len(hashes):
            break
    table = np.full(1 << _STOP_TABLE_BITS, hashes[0], dtype=np.uint64)
    table[slots.astype(np.intp)] = hashes
    return table, multiplier, shift


def _profile_matrix(lines: Sequence[str]) -> np.ndarray:
    """The context-free properties of each line (the ``_LENGTH`` ... ``_KEY`` columns), for all
    lines at once: one pass of numpy over the page's characters instead of a dozen regex scans
    per line (which were half of the time a text dump took).
    """
    n = len(lines)
    out = np.zeros((n, _N_PROFILE))
    if n == 0:
        return out
    # Each line followed by a "\n": the separators belong to no class counted below.
    text = "\n".join(lines) + "\n"
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    (lens[:-1] + 1).cumsum(out=starts[1:])
    ends = starts + lens
    cp = code_points(text)
    flags = _flags(cp)
    word = (flags & _WORD) != 0
    space = (flags & _SPACE) != 0
    word_start = word & ~np.concatenate(([False], word[:-1]))
    token_start = ~space & np.concatenate(([True], space[:-1]))

    # Stop words: the whitespace tokens of each line, lower case, looked up by their hash.
    prefix = _prefix_hashes(_hash_codes(cp))
    token_begin = token_start.nonzero()[0]
    token_end = (~space & np.concatenate((space[1:], _TRUE))).nonzero()[0] + 1
    stop_table, multiplier, shift = _stop_table()
    token_hashes = _span_hashes(prefix, token_begin, token_end)
    is_stop = stop_table[(token_hashes * multiplier) >> shift] == token_hashes
    stop_at = np.zeros(len(cp), dtype=bool)
    stop_at[token_begin[is_stop]] = True

    # Per-line counts of every character class at once: one sum over each line's stretch.
    masks = np.empty((8, len(cp)), dtype=bool)
    masks[0] = word_start
    masks[1] = (flags & _CJK) != 0
    masks[2] = token_start
    masks[3] = ~word & ~space  # punctuation
    masks[4] = word_start & ((flags & _UPPER) != 0)  # capitalised words
    masks[5] = (flags & _DIGIT) != 0
    masks[6] = cp == 44  # ","
    masks[7] = stop_at
    words, cjk, tokens, punct, caps, digits, commas, stop = np.add.reduceat(
        masks, starts, axis=1, dtype=np.int32
    ).astype(float)
    # The last characters of each line. The separators before a line (padding before the
    # first) are neither terminal nor a dot.
    padded = np.empty(len(cp) + 3, dtype=cp.dtype)
    padded[:3] = 10
    padded[3:] = cp
    last, before_last, third_last = padded[ends + 2], padded[ends + 1], padded[ends]
    last_flags = np.where(lens > 0, flags[ends - 1], 0)
    first_flags = np.where(lens > 0, flags[starts], 0)
    nw = np.maximum(words, 1.0)
    length = np.maximum(words, cjk // 2)

    def lines_of(found: np.ndarray) -> np.ndarray:
        """1.0 for each line holding a position where ``found`` is true."""
        hit = np.zeros(n)
        hit[starts.searchsorted(found.nonzero()[0], side="right") - 1] = 1.0
        return hit

    # A line of whitespace has the empty key; the others are hashed from their first token's
    # start to their last token's end (the line stripped).
    has_tokens = tokens > 0
    key_begin, key_end = starts.copy(), starts.copy()
    if len(token_begin):
        key_begin[has_tokens] = token_begin[token_begin.searchsorted(starts[has_tokens])]
        key_end[has_tokens] = token_end[token_end.searchsorted(ends[has_tokens], side="right") - 1]

    out[:, _LENGTH] = length
    out[:, _STOP] = np.minimum(stop / nw, 1.0)
    out[:, _PUNCT] = punct / np.maximum(lens, 1)
    out[:, _ENDS_SENTENCE] = (last_flags & _ENDS) != 0
    out[:, _CAPS] = caps / nw
    out[:, _DIGITS] = digits / np.maximum(lens, 1)
    out[:, _LINK] = lines_of(_linky_at(cp, flags, text))
    # Every alternative of _DATE_RE holds a digit.
    short = ((length <= 8) & (digits > 0)).nonzero()[0].tolist()
    out[short, _DATED] = [1.0 if _DATE_RE.search(lines[i]) else 0.0 for i in short]
    out[:, _LOWER_START] = (first_flags & _LOWER) != 0
    out[:, _COMMAS] = commas / nw
    out[:, _ELLIPSIS] = (last == 0x2026) | (
        (last == 46) & (before_last == 46) & (third_last == 46)
    )  # "…", "..."
    out[:, _GLUED] = lines_of(_glued_at(cp, text))
    # A "Label: value" line starts with a word character and holds a colon.
    labels = [i for i in ((first_flags & _WORD) != 0).nonzero()[0].tolist() if ":" in lines[i]]
    out[labels, _LABEL] = [1.0 if _LABEL_RE.match(lines[i]) else 0.0 for i in labels]
    out[:, _NO_STOP] = (words >= 2) & (stop == 0)
    # The low 53 bits of the key's hash (the hash modulo 2**53): a float holds them exactly.
    out[:, _KEY] = (_span_hashes(prefix, key_begin, key_end) & np.uint64(2**53 - 1)).astype(float)
    out[:, _WORDS] = words
    return out


class LineMemo:
    """The profiles of the lines of one page, computed once and kept between calls (the
    selection is repeated on what it kept; only the neighbourhood features change), and the
    archive's line statistics the page is judged with (``None``: without them).

    Each profile also holds the line's share of the stage-1 score: the features that do not
    depend on the neighbours, already weighted (``_LINE_SCORE``), so a pass computes only the
    neighbourhood features."""

    def __init__(self, stats: LineStats | None = None) -> None:
        self.stats = stats if stats is not None and stats.usable else None
        self.line_weights, self.context_weights, self.stage2 = _model(self.stats is not None)
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, _N_PROFILE))
        self._words: dict[str, int] = {}

    def word_count(self, line: str) -> int:
        """``len(re.findall(r"\\w+", line))``, from the profile when the line has one."""
        count = self._words.get(line)
        if count is None:
            count = self._words[line] = len(_WORD_RE.findall(line))
        return count

    def profiles(self, lines: Sequence[str]) -> np.ndarray:
        rows = self._rows
        at = list(map(rows.get, lines))
        if None in at:
            missing = [line for line in dict.fromkeys(lines) if line not in rows]
            base = len(self._matrix)
            rows.update(zip(missing, range(base, base + len(missing)), strict=True))
            new = _profile_matrix(missing)
            line_features = _line_features(new)
            if self.stats is not None:
                new[:, _OTHERS] = self.stats.others(new[:, _KEY].astype(np.uint64))
                line_features = np.concatenate((line_features, _archive_line_features(new)), axis=1)
            new[:, _LINE_SCORE] = line_features @ self.line_weights
            self._matrix = np.concatenate((self._matrix, new)) if base else new
            self._words.update(zip(missing, new[:, _WORDS].astype(int).tolist(), strict=True))
            at = list(map(rows.__getitem__, lines))
        return self._matrix[at]


def line_lengths(lines: Sequence[str]) -> list[int]:
    """Length of each line in words; CJK text has no spaces: about 2 characters a word."""
    return [int(x) for x in _profile_matrix(lines)[:, _LENGTH]]


_INDEX = np.arange(4096)


def _indices(n: int) -> np.ndarray:
    """``np.arange(n)`` as a view of one kept array (grown when a page needs more). Read only."""
    global _INDEX
    if len(_INDEX) < n:
        _INDEX = np.arange(max(n, 2 * len(_INDEX)))
    return _INDEX[:n]


def _window(n: int, radius: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the window of +-``radius`` lines around each of ``n`` lines ends and starts
    (clipped at the ends), and how many lines it holds. (Computed from a kept ``arange``:
    pages differ in length, so a cache by length missed on most of them.)"""
    idx = _indices(n + radius + 1)
    hi = np.minimum(idx[radius + 1 : n + radius + 1], n)
    lo = np.maximum(idx[:n] - radius, 0)
    return hi, lo, hi - lo


def line_features(lines: Sequence[str], memo: LineMemo | None = None) -> np.ndarray:
    """The stage-1 feature matrix: one row per line, bias first; with the archive's line
    statistics (``memo.stats``), the archive columns after the others (what the model is
    fitted on; scoring adds the two parts of it separately: see ``LineMemo``).

    ``memo`` keeps the context-free part of each line between calls on the same page (the
    selection is repeated on what it kept) and only the neighbourhood part is recomputed.
    """
    memo = memo or LineMemo()
    prof = memo.profiles(lines)
    archive = memo.stats is not None
    out = np.empty((len(prof), _N_FEATURES + (_N_ARCHIVE_FEATURES if archive else 0)))
    out[:, _LINE_COLUMNS] = _line_features(prof)
    context = _context_features(prof, archive)
    if archive:
        out[:, _ARCHIVE_LINE_COLUMNS] = _archive_line_features(prof)
        out[:, _ARCHIVE_CONTEXT_COLUMNS] = context[:, len(_CONTEXT_COLUMNS) :]
    out[:, _CONTEXT_COLUMNS] = context[:, : len(_CONTEXT_COLUMNS)]
    return out


def line_keys(lines: Sequence[str]) -> np.ndarray:
    """Each line's comparison key (the line stripped, letter case aside), as ``LineStats`` counts them."""
    return _profile_matrix(lines)[:, _KEY].astype(np.uint64)


def _repeated(keys: np.ndarray) -> np.ndarray:
    """1.0 where the key occurs more than once (sorted neighbours, 3x faster than np.unique)."""
    order = keys.argsort(kind="stable")
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    dup = np.concatenate(([False], same)) | np.concatenate((same, [False]))
    out = np.empty(len(keys))
    out[order] = dup
    return out


# The stage-1 features (columns of the weights) that depend on the line alone, and those that
# depend on its neighbours; then the archive's (with line statistics), the same two kinds.
_LINE_COLUMNS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 15, 16, 17, 18, 19, 20, 21, 23, 26]
_CONTEXT_COLUMNS = [9, 10, 11, 12, 14, 22, 24, 25, 27, 28]
_N_FEATURES = len(_LINE_COLUMNS) + len(_CONTEXT_COLUMNS)
_ARCHIVE_LINE_COLUMNS = [29, 30]
_ARCHIVE_CONTEXT_COLUMNS = [31]
_N_ARCHIVE_FEATURES = len(_ARCHIVE_LINE_COLUMNS) + len(_ARCHIVE_CONTEXT_COLUMNS)


def _line_features(prof: np.ndarray) -> np.ndarray:
    """The ``_LINE_COLUMNS`` features, in that order."""
    length = prof[:, _LENGTH]
    stop, terminal, caps = prof[:, _STOP], prof[:, _ENDS_SENTENCE], prof[:, _CAPS]
    log_len = np.log1p(length)
    out = np.empty((len(prof), len(_LINE_COLUMNS)))
    out[:, 0] = 1.0
    out[:, 1] = log_len
    out[:, 2] = length >= 10
    out[:, 3] = stop
    out[:, 4] = prof[:, _PUNCT]
    out[:, 5] = terminal
    out[:, 6] = caps
    out[:, 7] = prof[:, _DIGITS]
    out[:, 8] = prof[:, _LINK]
    out[:, 9] = prof[:, _DATED]
    out[:, 10] = prof[:, _LOWER_START]
    out[:, 11] = prof[:, _COMMAS]
    out[:, 12] = (length <= 4) * (1 - terminal)
    out[:, 13] = prof[:, _ELLIPSIS]
    out[:, 14] = prof[:, _GLUED]
    out[:, 15] = caps * (length <= 12)
    out[:, 16] = prof[:, _LABEL]
    out[:, 17] = stop * log_len
    out[:, 18] = prof[:, _NO_STOP]
    return out


def _archive_line_features(prof: np.ndarray) -> np.ndarray:
    """How many other documents of the archive hold each line (``_ARCHIVE_LINE_COLUMNS``): a
    site's menus and footers repeat on all its pages."""
    out = np.empty((len(prof), len(_ARCHIVE_LINE_COLUMNS)))
    out[:, 0] = np.log1p(prof[:, _OTHERS])
    out[:, 1] = prof[:, _OTHERS] >= 1
    return out


def _context_features(prof: np.ndarray, archive: bool = False) -> np.ndarray:
    """The ``_CONTEXT_COLUMNS`` features, in that order, then (``archive``) the
    ``_ARCHIVE_CONTEXT_COLUMNS``: how many documents of the archive hold the neighbours (two
    lines each side; boilerplate comes in runs). The neighbourhood sums of all of them come
    from one cumulative sum (the count of numpy calls, not their size, is what costs here)."""
    n = len(prof)
    length = prof[:, _LENGTH]
    short = length <= 4
    is_short = short.astype(float)
    repeated = _repeated(prof[:, _KEY])
    values = np.empty((n, 3 + archive))
    values[:, 0] = np.log1p(length)
    values[:, 1] = prof[:, _DATED]
    values[:, 2] = prof[:, _LINK]
    if archive:
        values[:, 3] = np.log1p(prof[:, _OTHERS])
    cumulative = np.zeros((n + 1, 3 + archive))
    values.cumsum(axis=0, out=cumulative[1:])
    hi2, lo2, size2 = _window(n, 2)
    hi3, lo3, _ = _window(n, 3)
    # Means over the other lines of the window (0 for a line alone): log length, archive counts.
    near = (cumulative[hi2] - cumulative[lo2] - values) / np.maximum(size2 - 1, 1)[:, None]
    # Dates and links among the six neighbours: teaser lists and comment threads.
    around = (cumulative[hi3, 1:3] - cumulative[lo3, 1:3] - values[:, 1:3]) / 6
    out = np.empty((n, len(_CONTEXT_COLUMNS) + archive))
    out[:, 0] = _indices(n) / max(1, n - 1)  # position on the page
    out[:, 1] = np.log1p(_runs_of_short(short))  # 0 for a line that is not short
    out[:, 2] = near[:, 0]
    out[:, 3] = repeated
    out[:, 4] = np.log1p(_distance_to_long(length))
    out[:, 5] = near[:, 0] * is_short
    out[:, 6] = is_short * repeated
    out[:, 7] = (length >= 10) * repeated
    out[:, 8:10] = around
    if archive:
        out[:, 10] = near[:, 3]
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, as ``(1 + tanh(x / 2)) / 2``: no overflow to guard against."""
    y = x * 0.5
    np.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    return y


def _densest_stretch(weights: np.ndarray) -> tuple[int, int]:
    """Maximum-sum contiguous segment [start, end); (0, 0) if every weight is negative.

    Kadane's scan, vectorised: with prefix sums ``C``, the best segment ending at ``k`` starts
    where ``C`` was lowest before it (the latest such place), and the first ``k`` with the
    highest gain wins."""
    prefix = np.zeros(len(weights) + 1)
    weights.cumsum(out=prefix[1:])
    lowest = np.minimum.accumulate(prefix[:-1])
    gains = prefix[1:] - lowest
    end = int(gains.argmax()) if len(gains) else 0
    if not len(gains) or gains[end] <= 0:
        return 0, 0
    start = int((prefix[: end + 1] == lowest[end]).nonzero()[0][-1])
    return start, end + 1


def stage2_features(p1: np.ndarray | Sequence[float], lengths: np.ndarray | Sequence[int]) -> np.ndarray:
    """The stage-2 feature matrix: each line's stage-1 score, its neighbours' and the page's.
    (Written into one matrix with slices: on a page's 30-200 lines, the count of numpy calls,
    not their size, is what costs.)"""
    p1 = np.asarray(p1, dtype=float)
    log_len = np.log1p(np.asarray(lengths, dtype=float))
    n = len(p1)
    if n == 0:
        return np.zeros((0, 12))
    top = float(p1.max()) or 1e-9
    # Centre the gains on the document's own scale: a page whose article is one short
    # paragraph still has a densest stretch, around its best line.
    centre = min(0.5, 0.6 * top)
    lo, hi = _densest_stretch((p1 - centre) * log_len)
    hi3, lo3, size3 = _window(n, 3)
    cumulative = np.zeros(n + 1)
    p1.cumsum(out=cumulative[1:])
    padded = np.concatenate((np.zeros(3), p1, np.zeros(3)))
    out = np.zeros((n, 12))
    out[:, 0] = 1.0
    out[:, 1] = p1
    out[1:, 2] = p1[:-1]  # the line before (0 for the first)
    out[:-1, 3] = p1[1:]  # the line after
    out[:, 4] = (cumulative[hi3] - cumulative[lo3]) / size3  # mean over +-3 lines
    out[lo:hi, 5] = 1.0  # inside the densest stretch
    out[:, 6] = log_len
    # outside the stretch: how far from it, as a share of the page
    idx = _indices(n)
    if hi > lo:
        out[:lo, 7] = (lo - idx[:lo]) / n
        out[hi:, 7] = (idx[hi:] - hi + 1) / n
    else:  # no stretch: the distance to its (empty) place at the top
        out[:, 7] = idx / n
    out[:, 8] = p1 / top
    out[:, 9] = top
    window_max = out[:, 10]  # max over +-3 lines
    np.maximum(padded[:n], padded[1 : n + 1], out=window_max)
    for k in range(2, 7):
        np.maximum(window_max, padded[k : k + n], out=window_max)
    out[lo:hi, 11] = p1[lo:hi]
    return out


def set_weights(
    *, archive: bool, stage1: Sequence[float] | None = None, stage2: Sequence[float] | None = None
) -> None:
    """Judge with other weights (``bench/fit_classifier.py`` fitting): the model with the
    archive's features (``archive``) or the one without. A ``LineMemo`` takes the weights when
    it is made (its profiles keep each line's weighted score): make new ones afterwards."""
    names = (
        ("STAGE1_ARCHIVE_WEIGHTS", "STAGE2_ARCHIVE_WEIGHTS")
        if archive
        else ("STAGE1_WEIGHTS", "STAGE2_WEIGHTS")
    )
    for name, weights in zip(names, (stage1, stage2), strict=True):
        if weights is not None:
            globals()[name] = tuple(float(w) for w in weights)
    _model.cache_clear()


@lru_cache(maxsize=2)
def _model(archive: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model to judge with (the archive's when there are line statistics): the stage-1
    weights of the line's own features, those of its neighbourhood's, the stage-2 weights."""
    stage1, stage2 = (
        (STAGE1_ARCHIVE_WEIGHTS, STAGE2_ARCHIVE_WEIGHTS) if archive else (STAGE1_WEIGHTS, STAGE2_WEIGHTS)
    )
    line_columns = _LINE_COLUMNS + (_ARCHIVE_LINE_COLUMNS if archive else [])
    context_columns = _CONTEXT_COLUMNS + (_ARCHIVE_CONTEXT_COLUMNS if archive else [])
    weights = np.asarray(stage1)
    return weights[line_columns], weights[context_columns], np.asarray(stage2)


def _stage1(prof: np.ndarray, memo: LineMemo) -> np.ndarray:
    """Stage-1 scores: each line's own share of the score (kept in its profile) plus its
    neighbourhood's, which is all that changes from one pass to the next."""
    context = _context_features(prof, memo.stats is not None)
    return _sigmoid(prof[:, _LINE_SCORE] + context @ memo.context_weights)


def stage1_scores(lines: Sequence[str], memo: LineMemo | None = None) -> np.ndarray:
    memo = memo or LineMemo()
    return _stage1(memo.profiles(lines), memo)


def _scores(lines: Sequence[str], memo: LineMemo | None) -> np.ndarray:
    memo = memo or LineMemo()
    prof = memo.profiles(lines)
    return _sigmoid(stage2_features(_stage1(prof, memo), prof[:, _LENGTH]) @ memo.stage2)


def scores(lines: Sequence[str], memo: LineMemo | None = None) -> list[float]:
    """Probability that each line is article text, judged with its neighbourhood."""
    if not lines:
        return []
    return _scores(lines, memo).tolist()


def keep_mask(
    lines: Sequence[str], threshold: float = THRESHOLD, *, memo: LineMemo | None = None
) -> list[bool]:
    """Which lines of a whole-page text dump are article text.

    Pass the same ``memo`` dict when judging lines of the same page again.
    """
    if not lines:
        return []
    return (_scores(lines, memo) >= threshold).tolist()


def residual_boilerplate(lines: Sequence[str]) -> list[bool]:
    """Which lines of an already-extracted article (HTML output) are still page furniture.

    The extractor already chose the article, so the neighbourhood no longer separates
    boilerplate from text (every neighbour is text, short headings included). Only the
    line-level signals that do not depend on context are used: a short line (12 words or
    fewer) that is link- or menu-like (URLs, separators, ©) or a "Label: value" line of at
    most six words ("Tags: ...", "Photo: ...").
    """
    if not lines:
        return []
    prof = _profile_matrix(lines)
    length, linky, label = prof[:, _LENGTH], prof[:, _LINK], prof[:, _LABEL]
    return ((length <= 12) & ((linky > 0) | ((length <= 6) & (label > 0)))).tolist()
