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

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from archive_search.cleaning.decode import code_points

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
_PUNCT_RE = re.compile(r"[^\w\s]")
_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Link- and menu-like: a URL or e-mail address, menu separators, breadcrumbs, copyright signs.
_LINKY_CHARS = "|•·›»«‹→←▸►▶◄©@"
_LINKY_RE = re.compile(rf"[{_LINKY_CHARS}]|://|www\.| [/>] |\.(?:com|org|net)\b|\([cC]\)")
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_DATE_RE = re.compile(
    rf"\b(\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|({_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|\d{{1,2}}:\d{{2}}|\b(19|20)\d{{2}}\b)",
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

_N_FEATURES = 29

# Stage 1: one line on its own and its immediate context. Fitted by bench/fit_classifier.py.
STAGE1_WEIGHTS: tuple[float, ...] = (
    -4.8549,
    0.6931,
    -0.7262,
    0.0359,
    3.3693,
    1.7820,
    -2.3606,
    -0.4913,
    -0.5050,
    -2.2138,
    -0.0067,
    1.7279,
    1.3014,
    -0.6023,
    -0.6321,
    0.1739,
    1.6468,
    2.4162,
    -2.4569,
    -0.2258,
    2.0532,
    -1.5982,
    -0.9664,
    -0.1479,
    -0.7127,
    -0.6414,
    0.6370,
    -0.1541,
    1.3139,
)
# Stage 2: stage-1 scores of the neighbourhood and the densest-stretch indicator.
STAGE2_WEIGHTS: tuple[float, ...] = (
    -2.8991,
    -20.5299,
    0.4066,
    -0.4652,
    5.7583,
    -0.6571,
    0.0603,
    0.5540,
    20.7532,
    -1.0031,
    0.2634,
    2.3327,
)
THRESHOLD = 0.5


def _linky(line: str) -> bool:
    return _LINKY_RE.search(line) is not None


def _runs_of_short(short: np.ndarray) -> np.ndarray:
    """For each short line, the length of the run of short lines it belongs to (0 otherwise)."""
    edges = np.diff(np.concatenate(([0], short.astype(np.int8), [0])))
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    run = np.zeros(len(short))
    run[short] = np.repeat(lengths, lengths)
    return run


def _distance_to_long(length: np.ndarray) -> np.ndarray:
    """Lines between each line and the nearest long (15+ words) line; ``n`` when there is none."""
    n = len(length)
    long_at = np.flatnonzero(length >= 15)
    if not len(long_at):
        return np.full(n, float(n))
    idx = np.arange(n)
    after = np.searchsorted(long_at, idx)  # first long line at or after each line
    next_long = long_at[np.minimum(after, len(long_at) - 1)]
    prev_long = long_at[np.maximum(after - 1, 0)]
    dist = np.minimum(np.abs(next_long - idx), np.abs(idx - prev_long))
    return dist.astype(float)


_SAMPLE_CHARS = 300

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
    _KEY,  # id of the line's comparison key (stripped, lower case): repetition inside a page
    _WORDS,  # \w+ words in the whole line
    _N_PROFILE,
) = range(17)

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


def _shifted(mask: np.ndarray, k: int) -> np.ndarray:
    """``mask[i + k]`` at each position ``i`` (``False`` past the end)."""
    return np.concatenate((mask[k:], np.zeros(min(k, len(mask)), dtype=bool)))


def _is(cp: np.ndarray, chars: str) -> np.ndarray:
    found = cp == ord(chars[0])
    for ch in chars[1:]:
        found |= cp == ord(ch)
    return found


def _ascii_range(cp: np.ndarray, first: str, last: str) -> np.ndarray:
    return (cp >= ord(first)) & (cp <= ord(last))


def _linky_at(cp: np.ndarray, flags: np.ndarray, text: str) -> np.ndarray:
    """Where ``_LINKY_RE`` matches in ``text`` (``cp``: its code points, ``flags``: theirs).
    Each multi-character alternative is looked for only when ``text`` holds it at all."""
    found = (flags & _LINK_CHAR) != 0
    slash = _is(cp, "/")
    if "://" in text:
        found |= _is(cp, ":") & _shifted(slash, 1) & _shifted(slash, 2)
    if "www." in text:
        w = _is(cp, "w")
        found |= w & _shifted(w, 1) & _shifted(w, 2) & _shifted(_is(cp, "."), 3)
    if " / " in text or " > " in text:
        space = _is(cp, " ")
        found |= space & _shifted(slash | _is(cp, ">"), 1) & _shifted(space, 2)
    if "(c)" in text or "(C)" in text:
        found |= _is(cp, "(") & _shifted(_is(cp, "cC"), 1) & _shifted(_is(cp, ")"), 2)
    # .com, .org, .net followed by a word boundary (the next character is not a word character)
    if ".com" in text or ".org" in text or ".net" in text:
        after = ~_shifted((flags & _WORD) != 0, 4)
        after[-4:] = True  # the end of the text is a boundary
        c, o, n = _is(cp, "c"), _is(cp, "o"), _is(cp, "n")
        tld = (c & _shifted(o, 1) & _shifted(_is(cp, "m"), 2)) | (
            o & _shifted(_is(cp, "r"), 1) & _shifted(_is(cp, "g"), 2)
        )
        tld |= n & _shifted(_is(cp, "e"), 1) & _shifted(_is(cp, "t"), 2)
        found |= _is(cp, ".") & _shifted(tld, 1) & after
    return found


def _glued_at(cp: np.ndarray, text: str) -> np.ndarray:
    """Where ``_GLUED_RE`` matches in ``text`` (``cp`` its code points)."""
    lower, upper = _ascii_range(cp, "a", "z"), _ascii_range(cp, "A", "Z")
    found = lower & _shifted(lower | _is(cp, ".?!"), 1) & _shifted(upper, 2) & _shifted(lower, 3)
    # "[a-z,] [A-Z]{3,}...: [A-Z]": rare; the candidates are checked with the regex itself
    candidates = (lower | _is(cp, ",")) & _shifted(_is(cp, " "), 1)
    candidates &= _shifted(upper, 2) & _shifted(upper, 3) & _shifted(upper, 4)
    for at in np.flatnonzero(candidates & ~found).tolist():
        if _GLUED_RE.match(text, at):
            found[at] = True
    return found


def _profile_matrix(lines: Sequence[str], key_ids: dict[str, int]) -> np.ndarray:
    """The context-free properties of each line (the ``_LENGTH`` ... ``_KEY`` columns), for all
    lines at once: one pass of numpy over the page's characters instead of a dozen regex scans
    per line (which were half of the time a text dump took).

    Shares are measured on the first ``_SAMPLE_CHARS`` characters of a line: on a long paragraph
    they are stable by then. Past the sample, whitespace-separated tokens count the words.
    """
    n = len(lines)
    out = np.zeros((n, _N_PROFILE))
    if n == 0:
        return out
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lens + 1)[:-1]))
    ends = starts + lens
    # Each line followed by a "\n": the separators belong to no class counted below.
    cp = code_points("\n".join(lines) + "\n")
    flags = _flags(cp)
    total = len(cp)
    pos = np.arange(total) - np.repeat(starts, lens + 1)  # position inside its line
    in_sample = pos < _SAMPLE_CHARS
    word = (flags & _WORD) != 0
    space = (flags & _SPACE) != 0
    word_start = word & ~np.concatenate(([False], word[:-1]))
    token_start = ~space & np.concatenate(([True], space[:-1]))
    digit = (flags & _DIGIT) != 0

    # Per-line counts of every character class at once: one sum over each line's stretch.
    masks = np.stack(
        [
            word_start & in_sample,  # words in the sample
            ~space & (pos >= _SAMPLE_CHARS) & (token_start | (pos == _SAMPLE_CHARS)),  # tokens past it
            (flags & _CJK) != 0,
            token_start & in_sample,  # whitespace tokens in the sample
            ~word & ~space & in_sample,  # punctuation
            word_start & in_sample & ((flags & _UPPER) != 0),  # capitalised words
            digit & in_sample,
            digit,
            (cp == 44) & in_sample,  # ","
            cp == 58,  # ":"
            word_start,
        ]
    )
    counts = np.add.reduceat(masks, starts, axis=1, dtype=np.int32).astype(float)
    (
        sample_words,
        tail_tokens,
        cjk,
        sample_tokens,
        punct,
        caps,
        sample_digits,
        digits,
        commas,
        colons,
        words,
    ) = counts

    nw = np.maximum(sample_words, 1.0)
    nchars = np.maximum(np.minimum(lens, _SAMPLE_CHARS), 1)
    length = np.maximum(sample_words + tail_tokens, cjk // 2)

    # Stop words: the whitespace tokens of each line's sample, lower case.
    samples = "\n".join([line[:_SAMPLE_CHARS] for line in lines])
    tokens = samples.lower().split()
    per_line_tokens = sample_tokens.astype(np.int64)
    if int(per_line_tokens.sum()) == len(tokens):
        hits = np.concatenate(
            ([0], np.cumsum(np.fromiter(map(_STOP_WORDS.__contains__, tokens), bool, len(tokens))))
        )
        bounds = np.concatenate(([0], np.cumsum(per_line_tokens)))
        stop = (hits[bounds[1:]] - hits[bounds[:-1]]).astype(float)
    else:  # never seen; keeps the definition if lower() ever changed where tokens split
        stop = np.array(
            [sum(map(_STOP_WORDS.__contains__, line[:_SAMPLE_CHARS].lower().split())) for line in lines],
            dtype=float,
        )

    # Link-likeness and glued headlines on the samples, found with numpy over the page's
    # characters (what _LINKY_RE and _GLUED_RE match; scanning with them was slower than the
    # rest of the profile together). A match's start names its line.
    scp = code_points(samples)
    sample_starts = np.concatenate(([0], np.cumsum(np.minimum(lens, _SAMPLE_CHARS) + 1)[:-1]))

    def lines_of(found: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        out[np.searchsorted(sample_starts, np.flatnonzero(found), side="right") - 1] = 1.0
        return out

    linky_at, glued_at = _linky_at(scp, _flags(scp), samples), _glued_at(scp, samples)

    nonempty = lens > 0
    first_flags = np.where(nonempty, flags[starts], 0)
    last_flags = np.where(nonempty, flags[np.maximum(ends - 1, 0)], 0)
    stop_share = stop / nw
    out[:, _LENGTH] = length
    out[:, _STOP] = np.minimum(stop_share, 1.0)
    out[:, _PUNCT] = punct / nchars
    out[:, _ENDS_SENTENCE] = (last_flags & _ENDS) != 0
    out[:, _CAPS] = caps / nw
    out[:, _DIGITS] = sample_digits / nchars
    out[:, _LINK] = lines_of(linky_at)
    # Every alternative of _DATE_RE holds a digit.
    short = np.flatnonzero((length <= 8) & (digits > 0)).tolist()
    out[short, _DATED] = [1.0 if _DATE_RE.search(lines[i]) else 0.0 for i in short]
    out[:, _LOWER_START] = (first_flags & _LOWER) != 0
    out[:, _COMMAS] = commas / nw
    out[:, _ELLIPSIS] = [line.endswith(("...", "…")) for line in lines]
    out[:, _GLUED] = lines_of(glued_at)
    # A "Label: value" line starts with a word character and holds a colon.
    labels = np.flatnonzero(((first_flags & _WORD) != 0) & (colons > 0)).tolist()
    out[labels, _LABEL] = [1.0 if _LABEL_RE.match(lines[i]) else 0.0 for i in labels]
    out[:, _NO_STOP] = (sample_words >= 2) & (stop == 0)
    out[:, _KEY] = [key_ids.setdefault(line.strip().lower(), len(key_ids)) for line in lines]
    out[:, _WORDS] = words
    return out


class LineMemo:
    """The profiles of the lines of one page, computed once and kept between calls (the
    selection is repeated on what it kept; only the neighbourhood features change)."""

    def __init__(self) -> None:
        self._rows: dict[str, int] = {}
        self._key_ids: dict[str, int] = {}
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
        missing = [line for line in dict.fromkeys(lines) if line not in rows]
        if missing:
            base = len(self._matrix)
            rows.update((line, base + i) for i, line in enumerate(missing))
            new = _profile_matrix(missing, self._key_ids)
            self._matrix = np.concatenate((self._matrix, new)) if base else new
            self._words.update(zip(missing, new[:, _WORDS].astype(int).tolist(), strict=True))
        return self._matrix[[rows[line] for line in lines]]


def line_lengths(lines: Sequence[str]) -> list[int]:
    """Length of each line in words; CJK text has no spaces: about 2 characters a word."""
    return [int(x) for x in _profile_matrix(lines, {})[:, _LENGTH]]


def _window_size(n: int, radius: int) -> np.ndarray:
    """How many lines the window of +-``radius`` lines around each line holds (clipped at the ends)."""
    idx = np.arange(n)
    return (np.minimum(n, idx + radius + 1) - np.maximum(0, idx - radius)).astype(float)


def _window_sum(values: np.ndarray, radius: int) -> np.ndarray:
    """Sum of ``values`` over the window of +-``radius`` lines around each line (clipped at the ends)."""
    n = len(values)
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    idx = np.arange(n)
    return cumulative[np.minimum(n, idx + radius + 1)] - cumulative[np.maximum(0, idx - radius)]


def line_features(lines: Sequence[str], memo: LineMemo | None = None) -> np.ndarray:
    """The stage-1 feature matrix: one row per line, bias first.

    ``memo`` keeps the context-free part of each line between calls on the same page (the
    selection is repeated on what it kept) and only the neighbourhood part is recomputed.
    """
    return _features((memo or LineMemo()).profiles(lines))


def _features(prof: np.ndarray) -> np.ndarray:
    n = len(prof)
    if n == 0:
        return np.zeros((0, _N_FEATURES))
    length = prof[:, _LENGTH]
    stop, terminal, caps = prof[:, _STOP], prof[:, _ENDS_SENTENCE], prof[:, _CAPS]
    linky, dated = prof[:, _LINK], prof[:, _DATED]
    log_len = np.log1p(length)
    short = length <= 4
    is_short = short.astype(float)
    run = _runs_of_short(short)
    keys = prof[:, _KEY].astype(np.int64)
    repeated = (np.bincount(keys)[keys] > 1).astype(float)
    dist = _distance_to_long(length)
    neighbours = _window_size(n, 2) - 1
    neigh_len = np.divide(
        _window_sum(log_len, 2) - log_len, neighbours, out=np.zeros(n), where=neighbours > 0
    )
    long = (length >= 10).astype(float)
    out = np.empty((n, _N_FEATURES))
    out[:, 0] = 1.0
    out[:, 1] = log_len
    out[:, 2] = long
    out[:, 3] = stop
    out[:, 4] = prof[:, _PUNCT]
    out[:, 5] = terminal
    out[:, 6] = caps
    out[:, 7] = prof[:, _DIGITS]
    out[:, 8] = linky
    out[:, 9] = np.arange(n) / max(1, n - 1)
    out[:, 10] = np.log1p(run) * is_short
    out[:, 11] = neigh_len
    out[:, 12] = repeated
    out[:, 13] = dated
    out[:, 14] = np.log1p(dist)
    out[:, 15] = prof[:, _LOWER_START]
    out[:, 16] = prof[:, _COMMAS]
    out[:, 17] = is_short * (1 - terminal)
    out[:, 18] = prof[:, _ELLIPSIS]
    out[:, 19] = prof[:, _GLUED]
    out[:, 20] = caps * (length <= 12)
    out[:, 21] = prof[:, _LABEL]
    out[:, 22] = neigh_len * is_short
    out[:, 23] = stop * log_len
    out[:, 24] = is_short * repeated
    out[:, 25] = long * repeated
    out[:, 26] = prof[:, _NO_STOP]
    # Dates and links among the neighbours: teaser lists and comment threads.
    out[:, 27] = (_window_sum(dated, 3) - dated) / 6
    out[:, 28] = (_window_sum(linky, 3) - linky) / 6
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def _densest_stretch(weights: Sequence[float]) -> tuple[int, int]:
    """Maximum-sum contiguous segment [start, end) (Kadane); (0, 0) if every weight is negative."""
    best, best_span = 0.0, (0, 0)
    cur, start = 0.0, 0
    for k, x in enumerate(weights):
        if cur <= 0:
            cur, start = x, k
        else:
            cur += x
        if cur > best:
            best, best_span = cur, (start, k + 1)
    return best_span


def stage2_features(p1: np.ndarray | Sequence[float], lengths: np.ndarray | Sequence[int]) -> np.ndarray:
    """The stage-2 feature matrix: each line's stage-1 score, its neighbours' and the page's."""
    p1 = np.asarray(p1, dtype=float)
    lengths = np.asarray(lengths, dtype=float)
    n = len(p1)
    if n == 0:
        return np.zeros((0, 12))
    top = float(p1.max()) or 1e-9
    # Centre the gains on the document's own scale: a page whose article is one short
    # paragraph still has a densest stretch, around its best line.
    centre = min(0.5, 0.6 * top)
    lo, hi = _densest_stretch(((p1 - centre) * np.log1p(lengths)).tolist())
    idx = np.arange(n)
    inside = ((idx >= lo) & (idx < hi)).astype(float)
    prev1 = np.concatenate(([0.0], p1[:-1]))
    next1 = np.concatenate((p1[1:], [0.0]))
    window_mean = _window_sum(p1, 3) / _window_size(n, 3)
    padded = np.concatenate((np.zeros(3), p1, np.zeros(3)))
    window_max = padded[:n].copy()
    for k in range(1, 7):
        np.maximum(window_max, padded[k : k + n], out=window_max)
    outside_distance = np.minimum(np.abs(idx - lo), np.abs(idx - hi + 1)) / max(1, n) * (1 - inside)
    out = np.empty((n, 12))
    out[:, 0] = 1.0
    out[:, 1] = p1
    out[:, 2] = prev1
    out[:, 3] = next1
    out[:, 4] = window_mean
    out[:, 5] = inside
    out[:, 6] = np.log1p(lengths)
    out[:, 7] = outside_distance
    out[:, 8] = p1 / top
    out[:, 9] = top
    out[:, 10] = window_max
    out[:, 11] = p1 * inside
    return out


def stage1_scores(lines: Sequence[str], memo: LineMemo | None = None) -> np.ndarray:
    return _sigmoid(line_features(lines, memo) @ np.asarray(STAGE1_WEIGHTS))


def _scores(lines: Sequence[str], memo: LineMemo | None) -> np.ndarray:
    prof = (memo or LineMemo()).profiles(lines)
    p1 = _sigmoid(_features(prof) @ np.asarray(STAGE1_WEIGHTS))
    return _sigmoid(stage2_features(p1, prof[:, _LENGTH]) @ np.asarray(STAGE2_WEIGHTS))


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
    prof = _profile_matrix(lines, {})
    length, linky, label = prof[:, _LENGTH], prof[:, _LINK], prof[:, _LABEL]
    return ((length <= 12) & ((linky > 0) | ((length <= 6) & (label > 0)))).tolist()
