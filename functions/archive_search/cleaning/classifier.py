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
  are still boilerplate, judged line by line with a stricter threshold.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["STAGE1_WEIGHTS", "STAGE2_WEIGHTS", "keep_mask", "line_features", "residual_boilerplate", "scores"]

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_PUNCT_RE = re.compile(r"[^\w\s]")
_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_URL_RE = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(com|org|net)\b", re.I)
_MENU_SEP_RE = re.compile(r"[|•·›»«‹→←▸►▶◄]|\s[/>]\s|©|\(c\)", re.I)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_DATE_RE = re.compile(
    rf"\b(\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|({_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|\d{{1,2}}:\d{{2}}|\b(19|20)\d{{2}}\b)",
    re.I,
)
# A headline glued to its blurb ("...FavoritesFall has arrived"): teaser cards in a dump.
_GLUED_RE = re.compile(r"[a-z]{3}[A-Z][a-z]{2}|[a-z][.?!][A-Z][a-z]")
# "Tags:", "Posted by:", "Share:": a label and its value, typical of page furniture.
_LABEL_RE = re.compile(r"^\w+( \w+)?\s?:\s")
_TERMINAL = frozenset(".!?。！？:;\"'”’»)…")

# Function words of the languages most news is written in. Running text is full of them;
# menus, buttons, teasers' headlines and bylines are not. Not a list of boilerplate phrases.
_STOP_WORDS = frozenset(
    ["a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "more", "most", "my", "no", "not", "of", "on", "one", "or", "our", "out", "over", "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you", "your", "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "einen", "dem", "den", "des", "mit", "von", "zu", "auf", "für", "sich", "im", "auch", "es", "als", "an", "wird", "sind", "wie", "aber", "oder", "bei", "nach", "noch", "nur", "so", "vor", "aus", "hat", "wir", "er", "sie", "le", "la", "les", "et", "est", "un", "une", "des", "du", "en", "que", "qui", "dans", "pour", "pas", "sur", "au", "avec", "il", "elle", "ce", "se", "plus", "par", "sont", "el", "los", "las", "y", "es", "una", "del", "que", "en", "por", "con", "para", "su", "al", "lo", "como", "más", "pero", "sus", "il", "di", "che", "è", "per", "non", "della", "una", "sono", "nel", "alla", "gli", "o", "os", "as", "é", "um", "uma", "do", "da", "dos", "das", "em", "no", "na", "que", "para", "com", "não", "se", "por", "mais", "de", "het", "een", "en", "van", "is", "dat", "op", "te", "zijn", "met", "voor", "niet", "и", "в", "не", "на", "что", "с", "по", "это", "как", "но", "из", "он", "она", "они", "к", "же", "за", "то", "от"]
)

_N_FEATURES = 26

# Stage 1: one line on its own and its immediate context. Fitted by bench/fit_classifier.py.
STAGE1_WEIGHTS: tuple[float, ...] = (
    -5.0642,
    0.7864,
    -0.8598,
    0.3994,
    4.2622,
    1.7518,
    -2.3250,
    -0.4212,
    -1.4366,
    -2.1238,
    -0.0076,
    1.7438,
    0.8598,
    -0.5926,
    -0.6375,
    0.4156,
    1.3594,
    2.4142,
    -2.4986,
    -0.6666,
    2.1539,
    -1.5551,
    -1.0278,
    -0.2624,
    -0.3094,
    0.7244,
)
# Stage 2: stage-1 scores of the neighbourhood and the densest-stretch indicator.
STAGE2_WEIGHTS: tuple[float, ...] = (
    -1.4230,
    -27.8523,
    0.4387,
    -0.2358,
    5.1500,
    -0.3879,
    0.0502,
    0.5542,
    27.7739,
    -2.5489,
    0.4179,
    2.4654,
)
THRESHOLD = 0.5


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


def _short(n_words: int, cjk: int) -> bool:
    return n_words <= 4 and cjk < 12


def line_features(lines: Sequence[str]) -> list[list[float]]:
    """The stage-1 feature vector of each line (bias first)."""
    n = len(lines)
    words = [_WORD_RE.findall(line) for line in lines]
    cjk = [len(_CJK_RE.findall(line)) for line in lines]
    # Length in "word equivalents": CJK text has no spaces, about 2 characters a word.
    length = [max(len(w), c // 2) for w, c in zip(words, cjk, strict=True)]
    short = [_short(len(w), c) for w, c in zip(words, cjk, strict=True)]
    run = [0] * n
    i = 0
    while i < n:
        if short[i]:
            j = i
            while j < n and short[j]:
                j += 1
            for k in range(i, j):
                run[k] = j - i
            i = j
        else:
            i += 1
    counts = Counter(line.strip().lower() for line in lines)
    long_idx = [k for k in range(n) if length[k] >= 15]
    out: list[list[float]] = []
    li = 0
    for k, line in enumerate(lines):
        w = words[k]
        nw = len(w)
        nchars = max(1, len(line))
        stop = sum(map(_STOP_WORDS.__contains__, map(str.lower, w))) / nw if nw else 0.0
        punct = len(_PUNCT_RE.findall(line)) / nchars
        caps = sum(1 for t in w if t[:1].isupper()) / nw if nw else 0.0
        digits = len(_DIGIT_RE.findall(line)) / nchars
        stripped = line.rstrip()
        terminal = 1.0 if stripped and stripped[-1] in _TERMINAL else 0.0
        linky = 1.0 if _URL_RE.search(line) or _MENU_SEP_RE.search(line) else 0.0
        lo, hi = max(0, k - 2), min(n, k + 3)
        neigh = [length[j] for j in range(lo, hi) if j != k]
        neigh_len = sum(math.log1p(x) for x in neigh) / len(neigh) if neigh else 0.0
        while li < len(long_idx) and long_idx[li] < k:
            li += 1
        dist = min(
            (abs(long_idx[j] - k) for j in (li - 1, li) if 0 <= j < len(long_idx)),
            default=n,
        )
        date_like = 1.0 if length[k] <= 8 and _DATE_RE.search(line) else 0.0
        lower_start = 1.0 if line[:1].islower() else 0.0
        out.append(
            [
                1.0,
                math.log1p(length[k]),
                1.0 if length[k] >= 10 else 0.0,
                stop,
                punct,
                terminal,
                caps,
                digits,
                linky,
                k / max(1, n - 1),
                math.log1p(run[k]) if short[k] else 0.0,
                neigh_len,
                1.0 if counts[line.strip().lower()] > 1 else 0.0,
                date_like,
                math.log1p(dist),
                lower_start,
                (line.count(",") / max(1, nw)),
                1.0 if short[k] and terminal == 0.0 else 0.0,
                1.0 if stripped.endswith(("...", "…")) else 0.0,
                1.0 if _GLUED_RE.search(line) else 0.0,
                caps if length[k] <= 12 else 0.0,
                1.0 if _LABEL_RE.match(line) else 0.0,
                neigh_len if short[k] else 0.0,
                stop * math.log1p(length[k]),
                1.0 if short[k] and counts[line.strip().lower()] > 1 else 0.0,
                1.0 if nw >= 2 and stop == 0.0 else 0.0,
            ]
        )
    return out


def _dot(w: Sequence[float], x: Sequence[float]) -> float:
    return sum(map(operator.mul, w, x))


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


def stage2_features(p1: Sequence[float], lengths: Sequence[int]) -> list[list[float]]:
    n = len(p1)
    top = max(p1, default=0.0) or 1e-9
    # Centre the gains on the document's own scale: a page whose article is one short
    # paragraph still has a densest stretch, around its best line.
    centre = min(0.5, 0.6 * top)
    gains = [(p - centre) * math.log1p(length) for p, length in zip(p1, lengths, strict=True)]
    lo, hi = _densest_stretch(gains)
    out = []
    for k in range(n):
        prev1 = p1[k - 1] if k > 0 else 0.0
        next1 = p1[k + 1] if k + 1 < n else 0.0
        window = p1[max(0, k - 3) : k + 4]
        inside = lo <= k < hi
        out.append(
            [
                1.0,
                p1[k],
                prev1,
                next1,
                sum(window) / len(window),
                1.0 if inside else 0.0,
                math.log1p(lengths[k]),
                0.0 if inside else min(abs(k - lo), abs(k - hi + 1)) / max(1, n),
                p1[k] / top,
                top,
                max(window),
                p1[k] if inside else 0.0,
            ]
        )
    return out


def _lengths(lines: Sequence[str]) -> list[int]:
    return [max(len(_WORD_RE.findall(line)), len(_CJK_RE.findall(line)) // 2) for line in lines]


def stage1_scores(lines: Sequence[str]) -> list[float]:
    return [_sigmoid(_dot(STAGE1_WEIGHTS, x)) for x in line_features(lines)]


def scores(lines: Sequence[str]) -> list[float]:
    """Probability that each line is article text, judged with its neighbourhood."""
    if not lines:
        return []
    p1 = stage1_scores(lines)
    return [_sigmoid(_dot(STAGE2_WEIGHTS, x)) for x in stage2_features(p1, _lengths(lines))]


def keep_mask(lines: Sequence[str], threshold: float = THRESHOLD) -> list[bool]:
    """Which lines of a whole-page text dump are article text."""
    return [p >= threshold for p in scores(lines)]


def residual_boilerplate(lines: Sequence[str], threshold: float = 0.15) -> list[bool]:
    """Which lines of an already-extracted article are still boilerplate (HTML extractor output).

    The extractor already chose the article region, so only lines the line model itself is
    confident about are flagged: a low stage-1 score (menus, share prompts, link lists).
    """
    if not lines:
        return []
    return [p < threshold for p in stage1_scores(lines)]
