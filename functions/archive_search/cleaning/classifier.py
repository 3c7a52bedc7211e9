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


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


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


def line_features(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> list[list[float]]:
    """The stage-1 feature vector of each line (bias first).

    ``memo`` keeps the context-free part of each line between calls on the same page (the
    selection is repeated on what it kept) and only the neighbourhood part is recomputed.
    """
    profiles = _profiles(lines, memo)
    n = len(lines)
    length = [p[0] for p in profiles]
    log_len = [math.log1p(x) for x in length]
    short = [x <= 4 for x in length]
    run = _runs_of_short(short)
    keys = [line.strip().lower() for line in lines]
    counts = Counter(keys)
    dist = _distance_to_long(length, n)
    prefix = [0.0]
    for x in log_len:
        prefix.append(prefix[-1] + x)
    last = max(1, n - 1)
    dated = [p[7] for p in profiles]
    linky = [p[6] for p in profiles]
    dated_prefix = [0]
    linky_prefix = [0]
    for d, li in zip(dated, linky, strict=True):
        dated_prefix.append(dated_prefix[-1] + d)
        linky_prefix.append(linky_prefix[-1] + li)
    out: list[list[float]] = []
    for k, prof in enumerate(profiles):
        (
            lk,
            stop,
            punct,
            terminal,
            caps,
            digits,
            _,
            _,
            lower_start,
            commas,
            ellipsis,
            glued,
            label,
            no_stop,
        ) = prof
        is_short = short[k]
        lo, hi = max(0, k - 2), min(n, k + 3)
        neighbours = hi - lo - 1
        neigh_len = (prefix[hi] - prefix[lo] - log_len[k]) / neighbours if neighbours else 0.0
        repeated = counts[keys[k]] > 1
        out.append(
            [
                1.0,
                log_len[k],
                1.0 if lk >= 10 else 0.0,
                stop,
                punct,
                terminal,
                caps,
                digits,
                float(linky[k]),
                k / last,
                math.log1p(run[k]) if is_short else 0.0,
                neigh_len,
                1.0 if repeated else 0.0,
                float(dated[k]),
                math.log1p(dist[k]),
                lower_start,
                commas,
                1.0 if is_short and not terminal else 0.0,
                ellipsis,
                glued,
                caps if lk <= 12 else 0.0,
                label,
                neigh_len if is_short else 0.0,
                stop * log_len[k],
                1.0 if is_short and repeated else 0.0,
                1.0 if lk >= 10 and repeated else 0.0,
                no_stop,
                # Dates and links among the neighbours: teaser lists and comment threads.
                (dated_prefix[min(n, k + 4)] - dated_prefix[max(0, k - 3)] - dated[k]) / 6,
                (linky_prefix[min(n, k + 4)] - linky_prefix[max(0, k - 3)] - linky[k]) / 6,
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


def stage1_scores(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> list[float]:
    return [_sigmoid(_dot(STAGE1_WEIGHTS, x)) for x in line_features(lines, memo)]


def scores(lines: Sequence[str], memo: dict[str, _Profile] | None = None) -> list[float]:
    """Probability that each line is article text, judged with its neighbourhood."""
    if not lines:
        return []
    memo = {} if memo is None else memo
    p1 = stage1_scores(lines, memo)
    length = [memo[line][0] for line in lines]
    return [_sigmoid(_dot(STAGE2_WEIGHTS, x)) for x in stage2_features(p1, length)]


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
