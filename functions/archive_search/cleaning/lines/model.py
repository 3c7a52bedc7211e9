"""A boilerplate classifier for the lines (blocks) of a page's text.

Not a phrase list: every line is described by language-independent features (length,
stop-word and punctuation density, link- and menu-likeness, position, runs of short lines,
repetition inside the document) and scored by a logistic model. A second stage looks at the
neighbourhood, because boilerplate comes in runs and article text comes in one stretch:
it smooths the first-stage scores over a window and finds the densest stretch of content
(a maximum-sum segment, as in body-text extraction). Boosted shallow trees (``Trees``) may add
to stage 2's logistic score what a weighted sum cannot combine: a line's own features with how
its neighbours were scored. The weights are fitted by
``bench/fit_classifier.py`` on the tuning folds of both benchmarks and kept in ``weights.json``
(two models: with and without the archive's line statistics), the trees in ``trees.json``
(a model without trees there is the logistic model alone).

``keep_mask(lines)`` tells which lines of a whole-page dump are article text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from archive_search.cleaning.lines.profile import (
    CAPS,
    COMMAS,
    DATED,
    DIGITS,
    ELLIPSIS,
    ENDS_SENTENCE,
    GLUED,
    KEY,
    LABEL,
    LENGTH,
    LINE_SCORE,
    LINK,
    LOWER_START,
    N_PROFILE,
    NO_STOP,
    OTHERS,
    PUNCT,
    ROW,
    STOP,
    profile_and_words,
    profile_matrix,
)
from archive_search.cleaning.lines.stats import LineStats
from archive_search.cleaning.metadata.words import word_count

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
TREES_FILE = Path(__file__).with_name("trees.json")
THRESHOLD = 0.5


@dataclass(frozen=True)
class Weights:
    """One fitted model: the stage-1 weights (one per feature column, bias first) and stage 2's."""

    stage1: tuple[float, ...]
    stage2: tuple[float, ...]


@dataclass(frozen=True)
class Trees:
    """Boosted oblivious trees: every tree asks the same question of all the lines at one depth
    (``feature > threshold``), so a line's leaf is the bits of its answers; its margin (log-odds)
    is ``base`` plus the sum over trees of the value of its leaf in each."""

    base: float
    features: np.ndarray  # (trees, depth) feature columns, the root's question first
    thresholds: np.ndarray  # (trees, depth)
    values: np.ndarray  # (trees, 2 ** depth) leaf values

    @classmethod
    def from_json(cls, data: Mapping) -> Trees:
        return cls(
            float(data["base"]),
            np.asarray(data["features"], dtype=np.intp),
            np.asarray(data["thresholds"], dtype=float),
            np.asarray(data["values"], dtype=float),
        )

    def to_json(self) -> dict:
        return {
            "base": round(self.base, 6),
            "features": self.features.tolist(),
            "thresholds": [[round(float(t), 6) for t in row] for row in self.thresholds],
            "values": [[round(float(v), 6) for v in row] for row in self.values],
        }

    def margin(self, x: np.ndarray) -> np.ndarray:
        """The trees' log-odds for each row of ``x``, all trees and lines in one pass."""
        n_trees, depth = self.features.shape
        answers = (x[:, self.features.ravel()] > self.thresholds.ravel()).reshape(len(x), n_trees, depth)
        # Each tree's leaves follow the previous tree's in ``values.ravel()``; one product a
        # level (a boolean matmul has no fast path).
        leaf = np.arange(n_trees) << depth
        for level in range(depth):
            leaf = leaf + answers[:, :, level] * (1 << (depth - 1 - level))
        return self.base + self.values.ravel()[leaf].sum(axis=1)


def read_weights(path: Path) -> dict[str, Weights]:
    """The models a weights file holds, by name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Weights(tuple(model["stage1"]), tuple(model["stage2"])) for name, model in data.items()}


@lru_cache(maxsize=1)
def shipped_weights() -> dict[str, Weights]:
    """The fitted models: ``"plain"``, and ``"archive"`` for pages judged with the archive's line
    statistics."""
    return read_weights(WEIGHTS_FILE)


def read_trees(path: Path) -> dict[str, Trees]:
    """The boosted trees a trees file holds, by model name."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Trees.from_json(trees) for name, trees in data.items()}


@lru_cache(maxsize=1)
def shipped_trees() -> dict[str, Trees]:
    """The boosted trees stage 2 adds to its logistic score, by model name (as ``shipped_weights``;
    a model not named has none)."""
    return read_trees(TREES_FILE)


def write_trees(models: Mapping[str, Trees], path: Path = TREES_FILE) -> None:
    """Store fitted trees where ``shipped_trees`` reads them (``bench/fit_classifier.py --write``),
    one line per model and field."""
    parts = []
    for name, trees in models.items():
        fields = ",\n".join(f'    "{key}": {json.dumps(value)}' for key, value in trees.to_json().items())
        parts.append(f'  "{name}": {{\n{fields}\n  }}')
    path.write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")


def write_weights(models: Mapping[str, Weights], path: Path = WEIGHTS_FILE) -> None:
    """Store fitted models where ``shipped_weights`` reads them (``bench/fit_classifier.py --write``),
    to 4 decimals: a refit that changes nothing leaves the file as it was."""
    # One line per stage: a refit shows in a diff as the stages it changed.
    stages = [
        f'  "{name}": {{"stage1": {json.dumps([round(w, 4) for w in model.stage1])},\n'
        f'    "stage2": {json.dumps([round(w, 4) for w in model.stage2])}}}'
        for name, model in models.items()
    ]
    path.write_text("{\n" + ",\n".join(stages) + "\n}\n", encoding="utf-8")


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


class LineMemo:
    """The profiles of the lines of one page, computed once and kept between calls (the
    selection is repeated on what it kept; only the neighbourhood features change), and the
    archive's line statistics the page is judged with (``None``: without them).

    Each profile also holds the line's share of the stage-1 score: the features that do not
    depend on the neighbours, already weighted (``LINE_SCORE``), so a pass computes only the
    neighbourhood features."""

    def __init__(
        self, stats: LineStats | None = None, weights: Weights | None = None, trees: Trees | None = None
    ) -> None:
        self.stats = stats if stats is not None and stats.usable else None
        archive = self.stats is not None
        name = "archive" if archive else "plain"
        # Given weights are judged with the trees given with them (none: the logistic model alone);
        # trees fit the weights they were fitted on top of, so trees without weights are an error.
        if trees is not None and weights is None:
            raise ValueError("trees are given with the weights they were fitted on top of")
        self.trees = trees if weights is not None else shipped_trees().get(name)
        self.line_weights, self.context_weights, self.stage2 = _split(
            weights or shipped_weights()[name], archive
        )
        self._rows: dict[str, int] = {}
        own = len(_LINE_COLUMNS) + (len(_ARCHIVE_LINE_COLUMNS) if archive else 0)
        self._matrix = np.zeros((0, N_PROFILE + own))
        self._words: dict[str, int] = {}
        # Without statistics, the content words of every row (``profile_and_words``): the row
        # each is on, its hash.
        self._word_rows = np.zeros(0, dtype=np.intp)
        self._word_hashes = np.zeros(0, dtype=np.uint64)
        # The words in the order of their hashes, and where each one's run of equal hashes
        # starts and ends in that order: a pass counts the prose lines holding a word by a
        # cumulative sum, without sorting.
        self._by_hash = np.zeros(0, dtype=np.intp)
        self._same_from = self._same_to = np.zeros(0, dtype=np.intp)
        # What the cleaner's own per-line tests found on this page (the selection asks them
        # again of the lines it kept): a line -> its answer. One page's, never another's.
        self.line_tests: dict[str, bool] = {}
        # The same for the headline's test, which its searches ask of overlapping windows.
        self.title_tests: dict[str, bool] = {}

    def word_count(self, line: str) -> int:
        """The line's ``metadata.word_count`` (CJK: two characters a word), asked once a line."""
        count = self._words.get(line)
        if count is None:
            count = self._words[line] = word_count(line)
        return count

    def profiles(self, lines: Sequence[str]) -> np.ndarray:
        rows = self._rows
        at = list(map(rows.get, lines))
        if None in at:
            missing = [line for line in dict.fromkeys(lines) if line not in rows]
            base = len(self._matrix)
            rows.update(zip(missing, range(base, base + len(missing)), strict=True))
            if self.stats is None:
                new, word_rows, word_hashes = profile_and_words(missing)
                self._add_words(word_rows + base, word_hashes)
            else:
                new = profile_matrix(missing)
            new[:, ROW] = _indices(base + len(missing))[base:]
            line_features = _line_features(new)
            if self.stats is not None:
                new[:, OTHERS] = self.stats.others(new[:, KEY].astype(np.uint64))
                line_features = np.concatenate((line_features, _archive_line_features(new)), axis=1)
            new[:, LINE_SCORE] = line_features @ self.line_weights
            # The line's own features follow its profile: the trees read them on every pass.
            new = np.concatenate((new, line_features), axis=1)
            self._matrix = np.concatenate((self._matrix, new)) if base else new
            self._words.update(zip(missing, new[:, LENGTH].astype(int).tolist(), strict=True))
            at = list(map(rows.__getitem__, lines))
        return self._matrix[at]

    def _add_words(self, rows: np.ndarray, hashes: np.ndarray) -> None:
        self._word_rows = np.concatenate((self._word_rows, rows))
        self._word_hashes = np.concatenate((self._word_hashes, hashes))
        self._by_hash = self._word_hashes.argsort(kind="stable")
        ordered = self._word_hashes[self._by_hash]
        starts = np.concatenate((_TRUE, ordered[1:] != ordered[:-1])).nonzero()[0]
        run = np.repeat(_indices(len(starts)), np.diff(np.append(starts, len(ordered))))
        self._same_from = starts[run]
        self._same_to = np.append(starts[1:], len(ordered))[run]

    def shared_with_prose(self, prof: np.ndarray) -> np.ndarray:
        """Each line's share of its content words that another prose line of the page (10+
        words ending a sentence) holds: an author box or a site blurb shares few words with the
        story. ``prof``: this memo's profiles of the page's lines."""
        n = len(prof)
        at = np.full(len(self._matrix), -1)
        at[prof[:, ROW].astype(np.intp)] = _indices(n)
        line = at[self._word_rows]  # -1: a word of a line not on this page
        prose = np.zeros(n + 1, dtype=bool)  # the last entry stands for "not on the page"
        prose[:n] = (prof[:, LENGTH] >= 10) & (prof[:, ENDS_SENTENCE] > 0)
        in_prose = prose[line]
        held = np.zeros(len(line) + 1)
        in_prose[self._by_hash].cumsum(out=held[1:])
        holders = np.empty(len(line))
        holders[self._by_hash] = held[self._same_to] - held[self._same_from]
        # Each word is once a line: a prose line's own words count one holder less.
        mine = line >= 0
        shared = (holders - in_prose)[mine] > 0
        line = line[mine]
        return np.bincount(line, shared, n) / np.maximum(np.bincount(line, minlength=n), 1)


_INDEX = np.arange(4096)
_TRUE = np.ones(1, dtype=bool)


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
    out = np.empty((len(prof), feature_count(archive)))
    out[:, _LINE_COLUMNS] = _line_features(prof)
    context = _context_features(prof, memo)
    if archive:
        out[:, _ARCHIVE_LINE_COLUMNS] = _archive_line_features(prof)
        out[:, _ARCHIVE_CONTEXT_COLUMNS] = context[:, len(_CONTEXT_COLUMNS) :]
    else:
        out[:, _PLAIN_CONTEXT_COLUMNS] = context[:, len(_CONTEXT_COLUMNS) :]
    out[:, _CONTEXT_COLUMNS] = context[:, : len(_CONTEXT_COLUMNS)]
    return out


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
# Without the archive's statistics, a neighbourhood feature of its own in their place: what a
# line shares with the page's prose (``LineMemo.shared_with_prose``). The archive model fitted
# with it too lost on both benchmarks (bench/README.md).
_PLAIN_CONTEXT_COLUMNS = [29]


def _line_features(prof: np.ndarray) -> np.ndarray:
    """The ``_LINE_COLUMNS`` features, in that order."""
    length = prof[:, LENGTH]
    stop, terminal, caps = prof[:, STOP], prof[:, ENDS_SENTENCE], prof[:, CAPS]
    log_len = np.log1p(length)
    out = np.empty((len(prof), len(_LINE_COLUMNS)))
    out[:, 0] = 1.0
    out[:, 1] = log_len
    out[:, 2] = length >= 10
    out[:, 3] = stop
    out[:, 4] = prof[:, PUNCT]
    out[:, 5] = terminal
    out[:, 6] = caps
    out[:, 7] = prof[:, DIGITS]
    out[:, 8] = prof[:, LINK]
    out[:, 9] = prof[:, DATED]
    out[:, 10] = prof[:, LOWER_START]
    out[:, 11] = prof[:, COMMAS]
    out[:, 12] = (length <= 4) * (1 - terminal)
    out[:, 13] = prof[:, ELLIPSIS]
    out[:, 14] = prof[:, GLUED]
    out[:, 15] = caps * (length <= 12)
    out[:, 16] = prof[:, LABEL]
    out[:, 17] = stop * log_len
    out[:, 18] = prof[:, NO_STOP]
    return out


def _archive_line_features(prof: np.ndarray) -> np.ndarray:
    """How many other documents of the archive hold each line (``_ARCHIVE_LINE_COLUMNS``): a
    site's menus and footers repeat on all its pages."""
    out = np.empty((len(prof), len(_ARCHIVE_LINE_COLUMNS)))
    out[:, 0] = np.log1p(prof[:, OTHERS])
    out[:, 1] = prof[:, OTHERS] >= 1
    return out


def feature_count(archive: bool) -> int:
    """How many stage-1 features (weights) a model has, with or without the archive's."""
    return _N_FEATURES + (_N_ARCHIVE_FEATURES if archive else len(_PLAIN_CONTEXT_COLUMNS))


def _context_features(prof: np.ndarray, memo: LineMemo) -> np.ndarray:
    """The ``_CONTEXT_COLUMNS`` features, in that order, then with the archive's statistics
    (``memo.stats``) the ``_ARCHIVE_CONTEXT_COLUMNS``: how many documents of the archive hold the
    neighbours (two lines each side; boilerplate comes in runs), without them the
    ``_PLAIN_CONTEXT_COLUMNS``. The neighbourhood sums come from one cumulative sum (the count
    of numpy calls, not their size, is what costs here)."""
    n = len(prof)
    archive = memo.stats is not None
    length = prof[:, LENGTH]
    short = length <= 4
    is_short = short.astype(float)
    repeated = _repeated(prof[:, KEY])
    values = np.empty((n, 3 + archive))
    values[:, 0] = np.log1p(length)
    values[:, 1] = prof[:, DATED]
    values[:, 2] = prof[:, LINK]
    if archive:
        values[:, 3] = np.log1p(prof[:, OTHERS])
    cumulative = np.zeros((n + 1, 3 + archive))
    values.cumsum(axis=0, out=cumulative[1:])
    hi2, lo2, size2 = _window(n, 2)
    hi3, lo3, _ = _window(n, 3)
    # Means over the other lines of the window (0 for a line alone): log length, archive counts.
    near = (cumulative[hi2] - cumulative[lo2] - values) / np.maximum(size2 - 1, 1)[:, None]
    # Dates and links among the six neighbours: teaser lists and comment threads.
    around = (cumulative[hi3, 1:3] - cumulative[lo3, 1:3] - values[:, 1:3]) / 6
    out = np.empty((n, len(_CONTEXT_COLUMNS) + 1))
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
    else:
        out[:, 10] = memo.shared_with_prose(prof)
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, as ``(1 + tanh(x / 2)) / 2``: no overflow to guard against."""
    y = x * 0.5
    np.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    return y


def densest_stretch(weights: np.ndarray) -> tuple[int, int]:
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
    lo, hi = densest_stretch((p1 - centre) * log_len)
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


@lru_cache(maxsize=4)
def _split(model: Weights, archive: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stage-1 weights of a line's own features, those of its neighbourhood's (with the
    archive's columns when there are line statistics), and the stage-2 weights."""
    line_columns = _LINE_COLUMNS + (_ARCHIVE_LINE_COLUMNS if archive else [])
    context_columns = _CONTEXT_COLUMNS + (_ARCHIVE_CONTEXT_COLUMNS if archive else _PLAIN_CONTEXT_COLUMNS)
    weights = np.asarray(model.stage1)
    return weights[line_columns], weights[context_columns], np.asarray(model.stage2)


def _stage1(prof: np.ndarray, memo: LineMemo) -> tuple[np.ndarray, np.ndarray]:
    """Stage-1 scores: each line's own share of the score (kept in its profile) plus its
    neighbourhood's, which is all that changes from one pass to the next; and the
    neighbourhood features."""
    context = _context_features(prof, memo)
    return _sigmoid(prof[:, LINE_SCORE] + context @ memo.context_weights), context


def stage1_scores(lines: Sequence[str], memo: LineMemo | None = None) -> np.ndarray:
    memo = memo or LineMemo()
    return _stage1(memo.profiles(lines), memo)[0]


def _tree_input(x2: np.ndarray, prof: np.ndarray, context: np.ndarray) -> np.ndarray:
    return np.concatenate((x2, prof[:, N_PROFILE:], context), axis=1)


def stage2_inputs(lines: Sequence[str], memo: LineMemo | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2's logistic features (``stage2_features``) and its trees' input: those, then
    every stage-1 feature of the line (its own, then its neighbourhood's). The trees see how a
    line's neighbours were scored together with what the line is (short, link-like, near the
    end), which a weighted sum cannot combine."""
    memo = memo or LineMemo()
    prof = memo.profiles(lines)
    p1, context = _stage1(prof, memo)
    x2 = stage2_features(p1, prof[:, LENGTH])
    return x2, _tree_input(x2, prof, context)


def _scores(lines: Sequence[str], memo: LineMemo | None) -> np.ndarray:
    memo = memo or LineMemo()
    prof = memo.profiles(lines)
    p1, context = _stage1(prof, memo)
    x2 = stage2_features(p1, prof[:, LENGTH])
    margin = x2 @ memo.stage2
    if memo.trees is not None:
        margin += memo.trees.margin(_tree_input(x2, prof, context))
    return _sigmoid(margin)


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
