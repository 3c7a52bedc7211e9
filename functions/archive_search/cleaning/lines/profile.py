"""Each line's context-free profile: what one line says on its own, whatever surrounds it.

One pass of numpy over a page's characters (``profile_matrix``) instead of a dozen regex scans
per line; the columns are named below. ``line_keys`` is how lines are compared within a page
and across the archive (``LineStats``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from archive_search.cleaning.decode import code_points
from archive_search.cleaning.lines.hashing import hash_codes, prefix_hashes, span_hashes, stop_table
from archive_search.cleaning.metadata.words import CJK_CHARS, SEA_CHARS

_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(f"[{CJK_CHARS}]")
_SEA_RE = re.compile(f"[{SEA_CHARS}]")
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

# Columns of the profile matrix: what one line says on its own, whatever surrounds it.
(
    LENGTH,  # words (CJK: two characters a word)
    STOP,  # stop-word share
    PUNCT,  # punctuation share
    ENDS_SENTENCE,
    CAPS,  # capitalised share of the words
    DIGITS,  # digit share
    LINK,  # link- or menu-like
    DATED,  # a short line with a date
    LOWER_START,
    COMMAS,  # commas per word
    ELLIPSIS,
    GLUED,  # a headline glued to its blurb
    LABEL,  # "Label: value"
    NO_STOP,  # two words or more, none of them a stop word
    KEY,  # the line's comparison key (a hash of it stripped, in lower case): repetition inside a page
    OTHERS,  # other documents of the archive holding the line (with line statistics only)
    ROW,  # the line's row in its ``LineMemo`` (where its content words are found)
    LINE_SCORE,  # the stage-1 score's context-free part (LineMemo's, with its weights)
    N_PROFILE,
) = range(19)

# Bit flags of a character, looked up per code point.
_WORD, _SPACE, _DIGIT, _UPPER, _LOWER, _CJK, _ENDS, _LINK_CHAR = (1 << k for k in range(8))
# _CJK marks both unspaced classes; _SEA_CODES tells Thai, Lao, Myanmar and Khmer apart
_SEA_CODES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))


def _char_flags(ch: str) -> int:
    return (
        (_WORD if _WORD_CHAR_RE.match(ch) else 0)
        | (_SPACE if ch.isspace() else 0)
        | (_DIGIT if _DIGIT_RE.match(ch) else 0)
        | (_UPPER if ch.isupper() else 0)
        | (_LOWER if ch.islower() else 0)
        | (_CJK if _CJK_RE.match(ch) or _SEA_RE.match(ch) else 0)
        | (_ENDS if ch in _TERMINAL else 0)
        | (_LINK_CHAR if ch in _LINKY_CHARS else 0)
    )


_WORD_CHAR_RE = re.compile(rf"[\w{SEA_CHARS}]")  # Thai vowel marks are no \w, but of the word


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
_FALSE = np.zeros(1, dtype=bool)


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


def profile_matrix(lines: Sequence[str]) -> np.ndarray:
    """The context-free properties of each line (the ``LENGTH`` ... ``KEY`` columns), for all
    lines at once: one pass of numpy over the page's characters instead of a dozen regex scans
    per line (which were half of the time a text dump took).
    """
    return _profile(lines, False)[0]


def profile_and_words(lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``profile_matrix`` of the lines, and their content words from the same pass: the words
    of 3 or more characters that are not stop words, each once a line, as the line it is on and
    its lower-case hash (what a line shares with the page's prose)."""
    out, words = _profile(lines, True)
    assert words is not None
    return out, *words


def _profile(
    lines: Sequence[str], with_words: bool
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    n = len(lines)
    out = np.zeros((n, N_PROFILE))
    if n == 0:
        return out, (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.uint64)) if with_words else None
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
    prefix = prefix_hashes(hash_codes(cp))
    token_begin = token_start.nonzero()[0]
    token_end = (~space & np.concatenate((space[1:], _TRUE))).nonzero()[0] + 1
    stops, multiplier, shift = stop_table()
    token_hashes = span_hashes(prefix, token_begin, token_end)
    is_stop = stops[(token_hashes * multiplier) >> shift] == token_hashes
    stop_at = np.zeros(len(cp), dtype=bool)
    stop_at[token_begin[is_stop]] = True

    # Per-line counts of every character class at once: one sum over each line's stretch.
    masks = np.empty((8, len(cp)), dtype=np.int8)
    masks[0] = word_start
    # characters of unspaced scripts, weighted as word_count weighs them: 2 for CJK, 1 for the
    # scripts of South-East Asia, 4 a word
    unspaced = (flags & _CJK) != 0
    masks[1] = 2 * unspaced
    if unspaced.any():
        for low, high in _SEA_CODES:
            masks[1] -= unspaced & (cp >= low) & (cp <= high)
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
    length = np.maximum(words, cjk // 4)

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

    out[:, LENGTH] = length
    out[:, STOP] = np.minimum(stop / nw, 1.0)
    out[:, PUNCT] = punct / np.maximum(lens, 1)
    out[:, ENDS_SENTENCE] = (last_flags & _ENDS) != 0
    out[:, CAPS] = caps / nw
    out[:, DIGITS] = digits / np.maximum(lens, 1)
    out[:, LINK] = lines_of(_linky_at(cp, flags, text))
    # Every alternative of _DATE_RE holds a digit.
    short = ((length <= 8) & (digits > 0)).nonzero()[0].tolist()
    out[short, DATED] = [1.0 if _DATE_RE.search(lines[i]) else 0.0 for i in short]
    out[:, LOWER_START] = (first_flags & _LOWER) != 0
    out[:, COMMAS] = commas / nw
    out[:, ELLIPSIS] = (last == 0x2026) | (
        (last == 46) & (before_last == 46) & (third_last == 46)
    )  # "…", "..."
    out[:, GLUED] = lines_of(_glued_at(cp, text))
    # A "Label: value" line starts with a word character and holds a colon.
    labels = [i for i in ((first_flags & _WORD) != 0).nonzero()[0].tolist() if ":" in lines[i]]
    out[labels, LABEL] = [1.0 if _LABEL_RE.match(lines[i]) else 0.0 for i in labels]
    out[:, NO_STOP] = (words >= 2) & (stop == 0)
    # The low 53 bits of the key's hash (the hash modulo 2**53): a float holds them exactly.
    out[:, KEY] = (span_hashes(prefix, key_begin, key_end) & np.uint64(2**53 - 1)).astype(float)
    return out, _content_words(prefix, word, word_start, starts) if with_words else None


def _content_words(
    prefix: np.ndarray, word: np.ndarray, word_start: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    begin = word_start.nonzero()[0]
    end = (word & ~np.concatenate((word[1:], _FALSE))).nonzero()[0] + 1
    long = (end - begin) >= 3
    begin, end = begin[long], end[long]
    hashes = span_hashes(prefix, begin, end)
    stops, multiplier, shift = stop_table()
    content = stops[(hashes * multiplier) >> shift] != hashes
    line, hashes = starts.searchsorted(begin[content], side="right") - 1, hashes[content]
    # Each word once a line: sorted by line, then by hash.
    order = np.lexsort((hashes, line))
    line, hashes = line[order], hashes[order]
    first = np.ones(len(line), dtype=bool)
    first[1:] = (line[1:] != line[:-1]) | (hashes[1:] != hashes[:-1])
    return line[first], hashes[first]


def line_lengths(lines: Sequence[str]) -> list[int]:
    """Length of each line in words; CJK text has no spaces: about 2 characters a word."""
    return [int(x) for x in profile_matrix(lines)[:, LENGTH]]


def line_keys(lines: Sequence[str]) -> np.ndarray:
    """Each line's comparison key (the line stripped, letter case aside), as ``LineStats`` counts them."""
    return profile_matrix(lines)[:, KEY].astype(np.uint64)
