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
from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["STAGE1_WEIGHTS", "STAGE2_WEIGHTS", "keep_mask", "line_features", "residual_boilerplate", "scores"]

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_PUNCT_RE = re.compile(r"[^\w\s]")
_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Link- and menu-like: a URL or e-mail address, menu separators, breadcrumbs, copyright signs.
_LINKY_RE = re.compile(r"[|•·›»«‹→←▸►▶◄©@]|://|www\.| [/>] |\.(?:com|org|net)\b|\([cC]\)")
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


def _runs_of_short(short: list[bool]) -> list[int]:
    """For each short line, the length of the run of short lines it belongs to (0 otherwise)."""
    n = len(short)
    run = [0] * n
    i = 0
    while i < n:
        if short[i]:
            j = i
            while j < n and short[j]:
                j += 1
            run[i:j] = [j - i] * (j - i)
            i = j
        else:
            i += 1
    return run


def _distance_to_long(length: list[int], n: int) -> list[int]:
    """Lines between each line and the nearest long (15+ words) line; ``n`` when there is none."""
    dist = [n] * n
    last = -1
    for k in range(n):
        if length[k] >= 15:
            last = k
        if last >= 0:
            dist[k] = k - last
    last = -1
    for k in range(n - 1, -1, -1):
        if length[k] >= 15:
            last = k
        if last >= 0 and last - k < dist[k]:
            dist[k] = last - k
    return dist


_SAMPLE_CHARS = 300
# What one line says on its own, whatever surrounds it (see _profile).
_Profile = tuple[int, float, float, float, float, float, int, int, float, float, float, float, float, float]


def _profile(line: str) -> _Profile:
    """Context-free properties of a line: (length in words, stop-word share, punctuation share,
    ends a sentence, capitalised share, digit share, link-like, date-like, starts lower-case,
    commas per word, ends with an ellipsis, headline glued to text, "Label:" line, no stop word).

    Shares are measured on the first ``_SAMPLE_CHARS`` characters: on a long paragraph they
    are stable by then, and scanning whole paragraphs was most of the classifier's time.
    """
    sample = line[:_SAMPLE_CHARS]
    words = _WORD_RE.findall(sample)
    # Past the sample, whitespace-separated tokens count words closely enough, much faster.
    n_words = len(words) + len(line[_SAMPLE_CHARS:].split())
    length = n_words if line.isascii() else max(n_words, len(_CJK_RE.findall(line)) // 2)
    nw = len(words) or 1
    nchars = len(sample) or 1
    stop = sum(map(_STOP_WORDS.__contains__, sample.lower().split())) / nw
    caps = sum([t[0].isupper() for t in words]) / nw
    punct = len(_PUNCT_RE.findall(sample)) / nchars
    digits = len(_DIGIT_RE.findall(sample)) / nchars
    return (
        length,
        min(stop, 1.0),
        punct,
        1.0 if line[-1:] in _TERMINAL else 0.0,
        caps,
        digits,
        1 if _linky(sample) else 0,
        1 if length <= 8 and _DATE_RE.search(line) else 0,
        1.0 if line[:1].islower() else 0.0,
        sample.count(",") / nw,
        1.0 if line.endswith(("...", "…")) else 0.0,
        1.0 if _GLUED_RE.search(sample) else 0.0,
        1.0 if _LABEL_RE.match(line) else 0.0,
        1.0 if len(words) >= 2 and stop == 0.0 else 0.0,
    )


def _profiles(lines: Sequence[str], memo: dict[str, _Profile] | None) -> list[_Profile]:
    if memo is None:
        return [_profile(line) for line in lines]
    out = []
    for line in lines:
        found = memo.get(line)
        if found is None:
            found = memo[line] = _profile(line)
        out.append(found)
    return out


def line_lengths(lines: Sequence[str]) -> list[int]:
    """Length of each line in words; CJK text has no spaces: about 2 characters a word."""
    return [_profile(line)[0] for line in lines]


def _window_sum(values: np.ndarray, radius: int) -> np.ndarray:
    """Sum of ``values`` over the window of +-``radius`` lines around each line (clipped at the ends)."""
    n = len(values)
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    idx = np.arange(n)
    return cumulative[np.minimum(n, idx + radius + 1)] - cumulative[np.maximum(0, idx - radius)]


def line_features(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> np.ndarray:
    """The stage-1 feature matrix: one row per line, bias first.

    ``memo`` keeps the context-free part of each line between calls on the same page (the
    selection is repeated on what it kept) and only the neighbourhood part is recomputed.
    """
    profiles = _profiles(lines, memo)
    n = len(lines)
    if n == 0:
        return np.zeros((0, _N_FEATURES))
    prof = np.array(profiles, dtype=float)
    length = prof[:, 0]
    stop, punct, terminal, caps, digits = prof[:, 1], prof[:, 2], prof[:, 3], prof[:, 4], prof[:, 5]
    linky, dated, lower_start, commas, ellipsis = prof[:, 6], prof[:, 7], prof[:, 8], prof[:, 9], prof[:, 10]
    glued, label, no_stop = prof[:, 11], prof[:, 12], prof[:, 13]
    log_len = np.log1p(length)
    short = length <= 4
    run = np.array(_runs_of_short(short.tolist()), dtype=float)
    keys = [line.strip().lower() for line in lines]
    counts = Counter(keys)
    repeated = np.array([counts[k] > 1 for k in keys], dtype=float)
    dist = np.array(_distance_to_long([int(x) for x in length], n), dtype=float)
    neighbours = _window_sum(np.ones(n), 2) - 1
    neigh_len = np.divide(
        _window_sum(log_len, 2) - log_len, neighbours, out=np.zeros(n), where=neighbours > 0
    )
    is_short = short.astype(float)
    return np.column_stack(
        [
            np.ones(n),
            log_len,
            (length >= 10).astype(float),
            stop,
            punct,
            terminal,
            caps,
            digits,
            linky,
            np.arange(n) / max(1, n - 1),
            np.log1p(run) * is_short,
            neigh_len,
            repeated,
            dated,
            np.log1p(dist),
            lower_start,
            commas,
            is_short * (1 - terminal),
            ellipsis,
            glued,
            caps * (length <= 12),
            label,
            neigh_len * is_short,
            stop * log_len,
            is_short * repeated,
            (length >= 10) * repeated,
            no_stop,
            # Dates and links among the neighbours: teaser lists and comment threads.
            (_window_sum(dated, 3) - dated) / 6,
            (_window_sum(linky, 3) - linky) / 6,
        ]
    )


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
    window_mean = _window_sum(p1, 3) / _window_sum(np.ones(n), 3)
    padded = np.concatenate((np.zeros(3), p1, np.zeros(3)))
    window_max = np.lib.stride_tricks.sliding_window_view(padded, 7).max(axis=1)
    outside_distance = np.minimum(np.abs(idx - lo), np.abs(idx - hi + 1)) / max(1, n) * (1 - inside)
    return np.column_stack(
        [
            np.ones(n),
            p1,
            prev1,
            next1,
            window_mean,
            inside,
            np.log1p(lengths),
            outside_distance,
            p1 / top,
            np.full(n, top),
            window_max,
            p1 * inside,
        ]
    )


def stage1_scores(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> np.ndarray:
    return _sigmoid(line_features(lines, memo) @ np.asarray(STAGE1_WEIGHTS))


def scores(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> list[float]:
    """Probability that each line is article text, judged with its neighbourhood."""
    if not lines:
        return []
    memo = {} if memo is None else memo
    p1 = stage1_scores(lines, memo)
    length = [memo[line][0] for line in lines]
    return _sigmoid(stage2_features(p1, length) @ np.asarray(STAGE2_WEIGHTS)).tolist()


def keep_mask(
    lines: Sequence[str], threshold: float = THRESHOLD, *, memo: dict[str, _Profile] | None = None
) -> list[bool]:
    """Which lines of a whole-page text dump are article text.

    Pass the same ``memo`` dict when judging lines of the same page again.
    """
    return [p >= threshold for p in scores(lines, memo)]


def residual_boilerplate(lines: Sequence[str]) -> list[bool]:
    """Which lines of an already-extracted article (HTML output) are still page furniture.

    The extractor already chose the article, so the neighbourhood no longer separates
    boilerplate from text (every neighbour is text, short headings included). Only the
    line-level signals that do not depend on context are used: a short line (12 words or
    fewer) that is link- or menu-like (URLs, separators, ©) or a "Label: value" line of at
    most six words ("Tags: ...", "Photo: ...").
    """
    out = []
    for length, line in zip((_profile(line)[0] for line in lines), lines, strict=True):
        out.append(length <= 12 and (_linky(line) or (length <= 6 and _LABEL_RE.match(line) is not None)))
    return out
