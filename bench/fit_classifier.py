"""Fit the line classifier's weights and stage-2 trees on the tuning folds; score every fold.

    .venv/bin/python bench/fit_classifier.py [--bench-dir DIR] [--trafilatura-eval DIR]
        [--write] [--cv] [--sequence] [--trees-cv [--depths 2,3] [--rates 0.1] [--rounds 100]]
        [--weight-power P] [--later-passes N]

Lines of the extraction benchmark's text dumps are labelled from the gold article body: a
line is article text when most of its 4-token shingles (or, for lines under 4 tokens, its whole
token sequence) occur in the gold. The pages of trafilatura-eval become text dumps too (made by
the extraction benchmark's ``textdump.py``); their lines holding a snippet the article must
contain are article text, those holding a snippet it must not contain are not, and the others
are left out of the fit. Pages of both benchmarks are grouped by site into the folds of
``bench/generalisation.py``: the weights are fitted on the tuning folds (0-2) of both only, and
the F1 of the line model alone on the extraction benchmark's tuning and held-out folds (3-4)
is printed with the gap between them (a large gap: the weights memorise the pages they were
fitted on). ``--cv`` also fits on every four folds and scores the fifth
(grouped cross-validation; figures only, nothing written). ``--sequence`` compares, inside the
tuning folds only (fit on two, score the third), the shipped per-line decision with a two-state
Viterbi decoding of the stage-2 scores (figures only: it was measured and not adopted).
The model with the archive's line statistics also gets boosted trees added to its stage-2
score (``fit_trees``: oblivious trees of depth ``TREE_DEPTH``, Newton steps on histograms of
quantile bins, fitted on what the logistic stages leave); ``--trees-cv`` compares, inside the
tuning folds only, the logistic model with it plus trees of each ``--depths`` x ``--rates``,
cut after each of ``--rounds`` (figures only: the shape and the models that take trees were
chosen with it). The archive model (``LATER_PASS_MODELS``) is fitted again with each page also
as the cleaner's later selection passes see it: cut down to the lines the first fit keeps, up to
``--later-passes`` times (``cut_down_pages``). ``--write`` stores the fitted weights in
functions/archive_search/cleaning/lines/weights.json and the trees in trees.json beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The benchmark's scorer and its split, as the cleaning benchmark defines them (this script
# runs from bench/, so its sibling imports as ``cleaning``).
from cleaning import DEFAULT_DATA, load_evaluate, site_folds  # type: ignore[import-not-found]
from generalisation import (  # type: ignore[import-not-found]
    FOLDS,
    TUNING_FOLDS,
    TrafilaturaEval,
    fold,
    trafilatura_dumps,
)

# Snippets are compared with a line as trafilatura-eval's scorer compares them with a text.
from generalisation import _norm as norm_snippet  # type: ignore[import-not-found]

from archive_search.cleaning import lines as classifier
from archive_search.cleaning import text_dump_lines
from archive_search.cleaning.lines import LineStats, Weights
from archive_search.cleaning.text import split_blocks

UNLABELLED = -1
# The boosted trees' shape, chosen by cross-validation inside the tuning folds (--trees-cv),
# and the models that take them: without the archive's statistics, trees lost on one benchmark.
TREE_DEPTH, TREE_ROUNDS, TREE_RATE = 3, 100, 0.2
TREE_MODELS = ("archive",)
# A line weighs 1 + words**WEIGHT_POWER in the fit (--weight-power).
WEIGHT_POWER = 0.5
# The archive model is fitted on each page again as up to LATER_PASSES later selection passes
# see it (--later-passes; ``cut_down_pages``), chosen by cross-validation inside the tuning folds
# (bench/generalisation.py --textdump-cv): without the archive's statistics it lost on one benchmark.
LATER_PASSES = 8
LATER_PASS_MODELS = ("archive",)


def labels_for(lines: list[str], gold: str, ev) -> list[int]:
    gold_tokens = ev.tokenize(gold)
    shingles = {tuple(gold_tokens[i : i + 4]) for i in range(max(1, len(gold_tokens) - 3))}
    joined = " " + " ".join(gold_tokens) + " "
    out = []
    for line in lines:
        toks = ev.tokenize(line)
        if not toks:
            out.append(0)
        elif len(toks) < 4:
            out.append(1 if (" " + " ".join(toks) + " ") in joined else 0)
        else:
            sh = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
            out.append(1 if sum(s in shingles for s in sh) / len(sh) >= 0.5 else 0)
    return out


def snippet_labels(lines: list[str], with_: list[str], without: list[str]) -> list[int]:
    """1 for a line holding a snippet the article must contain, 0 for one holding a snippet it
    must not contain, ``UNLABELLED`` for the others."""
    must, must_not = [norm_snippet(s) for s in with_], [norm_snippet(s) for s in without]
    out = []
    for line in lines:
        text = norm_snippet(line)
        out.append(
            1 if any(s in text for s in must) else 0 if any(s in text for s in must_not) else UNLABELLED
        )
    return out


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    l2: float = 1e-3,
    iters: int = 100,
):
    """Weighted logistic regression by Newton's method (IRLS)."""
    beta = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (w * (p - y)) + l2 * beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def quantile_edges(x: np.ndarray, w: np.ndarray, bins: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each column's split candidates: the distinct values at its ``bins`` weighted quantiles
    (the last left out: nothing lies above it), and the threshold each stands for, halfway to
    the column's next value: the same split of the fitted lines, and one that stays the same when
    written to 6 decimals."""
    edges, thresholds = [], []
    for column in x.T:
        order = column.argsort(kind="stable")
        cumulative = np.cumsum(w[order])
        at = cumulative.searchsorted(cumulative[-1] * np.arange(1, bins) / bins)
        values = np.unique(column[order[np.minimum(at, len(order) - 1)]])
        values = values[values < column.max()]
        distinct = np.unique(column)
        above = distinct[distinct.searchsorted(values, side="right")]
        edges.append(values)
        thresholds.append((values + above) / 2)
    return edges, thresholds


def fit_trees(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    *,
    depth: int,
    rounds: int,
    rate: float,
    base_margin: np.ndarray | None = None,
    l2: float = 1.0,
    bins: int = 32,
) -> classifier.Trees:
    """Gradient-boosted oblivious trees for the weighted log-loss (Newton steps on histograms of
    quantile bins): each level of a tree takes the one question (column, edge) that lowers the
    loss most over all its leaves. ``base_margin``: a margin the trees add to (the logistic
    model's), otherwise they start from the weighted log-odds of ``y``."""
    keep = w > 0
    x, y, w = x[keep], y[keep], w[keep]
    n, n_features = x.shape
    edges, midpoints = quantile_edges(x, w, bins)
    codes = np.column_stack([e.searchsorted(col, side="left") for e, col in zip(edges, x.T, strict=True)])
    n_bins = bins + 1
    cell = (np.arange(n_features) * n_bins + codes).ravel()  # (line, column) -> histogram cell
    usable = np.arange(n_bins - 1)[None, :] < np.array([len(e) for e in edges])[:, None]
    rate_y = float(np.average(y, weights=w))
    base = 0.0 if base_margin is not None else float(np.log(rate_y / (1 - rate_y)))
    margin = np.full(n, base) if base_margin is None else base_margin[keep].astype(float)
    features = np.zeros((rounds, depth), dtype=np.intp)
    thresholds = np.zeros((rounds, depth))
    values = np.zeros((rounds, 2**depth))
    for r in range(rounds):
        p = 1 / (1 + np.exp(-np.clip(margin, -30, 30)))
        g, h = w * (p - y), w * p * (1 - p)
        leaf = np.zeros(n, dtype=np.intp)
        for level in range(depth):
            size = (2**level) * n_features * n_bins
            at = (leaf * (n_features * n_bins))[:, None].repeat(n_features, axis=1).ravel() + cell
            shape = (2**level, n_features, n_bins)
            hist_g = np.bincount(at, np.repeat(g, n_features), size).reshape(shape)
            hist_h = np.bincount(at, np.repeat(h, n_features), size).reshape(shape)
            left_g, left_h = hist_g.cumsum(axis=2)[:, :, :-1], hist_h.cumsum(axis=2)[:, :, :-1]
            total_g, total_h = hist_g.sum(axis=2, keepdims=True), hist_h.sum(axis=2, keepdims=True)
            gain = (left_g**2 / (left_h + l2) + (total_g - left_g) ** 2 / (total_h - left_h + l2)).sum(axis=0)
            gain[~usable] = -np.inf
            f, s = np.unravel_index(int(gain.argmax()), gain.shape)
            features[r, level], thresholds[r, level] = f, midpoints[f][s]
            leaf = leaf * 2 + (codes[:, f] > s)
        leaf_g = np.bincount(leaf, g, 2**depth)
        leaf_h = np.bincount(leaf, h, 2**depth)
        values[r] = -rate * leaf_g / (leaf_h + l2)
        margin += values[r][leaf]
    return classifier.Trees(base, features, thresholds, values)


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",")]


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(os.environ.get("BENCH_DATA", DEFAULT_DATA)),
    )
    ap.add_argument(
        "--trafilatura-eval",
        type=Path,
        default=DEFAULT_DATA.parent / "trafilatura-eval",
        help="the second benchmark, whose tuning folds are fitted on too",
    )
    ap.add_argument("--write", action="store_true", help="store the weights in cleaning/lines/weights.json")
    ap.add_argument(
        "--cv",
        action="store_true",
        help="also fit on every four site folds and score the fifth (figures only)",
    )
    ap.add_argument(
        "--sequence",
        action="store_true",
        help="per-line decision against a Viterbi decoding, inside the tuning folds (figures only)",
    )
    ap.add_argument(
        "--trees-cv",
        action="store_true",
        help="the logistic model against it with stage-2 trees of each shape, inside the tuning folds "
        "(figures only)",
    )
    ap.add_argument("--depths", type=_ints, default=[2, 3, 4], help="tree depths for --trees-cv")
    ap.add_argument("--rates", type=_floats, default=[0.05, 0.1, 0.2], help="learning rates for --trees-cv")
    ap.add_argument("--rounds", type=_ints, default=[50, 100, 150, 200, 300], help="rounds for --trees-cv")
    ap.add_argument("--weight-power", type=float, default=WEIGHT_POWER, help="a line weighs 1 + words**power")
    ap.add_argument(
        "--later-passes",
        type=int,
        default=LATER_PASSES,
        help="later selection passes each page is fitted on again as (0: the whole page only)",
    )
    args = ap.parse_args()
    ev = load_evaluate(args.bench_dir)
    gold = ev.load_gold(args.bench_dir)
    ids = sorted(gold)
    split = site_folds(args.bench_dir, ids)
    lines_of = {
        k: split_blocks((args.bench_dir / "textdump" / f"{k}.txt").read_text(encoding="utf-8")) for k in ids
    }
    # Each benchmark is the archive of its own pages for the archive model (a page's own lines
    # are not counted for it: LineStats.others leaves the document itself out).
    archive = LineStats.build(lines_of.values())
    docs = {k: (lines, np.array(labels_for(lines, gold[k], ev)), archive) for k, lines in lines_of.items()}
    extra = trafilatura_docs(args.trafilatura_eval)
    print(f"fitted on {len(split['tuning'])} + {len(extra)} pages of the two benchmarks' tuning folds")
    docs.update(extra)
    fit_keys = split["tuning"] + sorted(extra)
    if args.trees_cv:
        # Figures only, and no held-out figure: the shape is chosen inside the tuning folds.
        shapes = [Shape(d, max(args.rounds), r) for d in args.depths for r in args.rates]
        trees_check(
            docs, args.trafilatura_eval, args.bench_dir, ev, gold, shapes, args.rounds, args.weight_power
        )
        return
    found = {
        name: fit_model(docs, split, fit_keys, archive, args.weight_power, ev, gold, args.later_passes)
        for name, archive in (("plain", False), ("archive", True))
    }
    if args.cv:
        cross_validate(
            docs,
            sorted(extra),
            bench_dir=args.bench_dir,
            weight_power=args.weight_power,
            ev=ev,
            gold=gold,
            later_passes=args.later_passes,
        )
    if args.sequence:
        sequence_check(docs, args.trafilatura_eval, args.bench_dir, ev, gold, args.weight_power)
    if args.write:
        classifier.write_weights({name: weights for name, (weights, _) in found.items()})
        classifier.write_trees({name: trees for name, (_, trees) in found.items() if trees is not None})
        print("wrote the weights and trees to cleaning/lines/weights.json and trees.json", file=sys.stderr)


def trafilatura_docs(folder: Path) -> dict[str, tuple[list[str], np.ndarray, LineStats]]:
    """trafilatura-eval's tuning-fold pages as text dumps with their snippet labels (pages
    without a labelled line are left out), judged with the statistics of all its dumps."""
    bench = TrafilaturaEval(folder)
    dumps = trafilatura_dumps(bench)
    archive = LineStats.build(text_dump_lines(data, "page.txt") for data in dumps.values())
    out = {}
    for page in bench.pages:
        if fold(page.url) not in TUNING_FOLDS:
            continue
        lines = split_blocks(dumps[page.id].decode("utf-8"))
        item = bench.items[page.id]
        labels = np.array(snippet_labels(lines, item["with"], item["without"]))
        if (labels != UNLABELLED).any():
            out[page.url] = (lines, labels, archive)
    return out


def line_weights(lines: list[str], labels: np.ndarray, weight_power: float) -> np.ndarray:
    """Each line's weight in the fit (0 for an unlabelled line)."""
    # Longer lines carry more of the scored shingles; a page weighs the square root of its
    # lines' total, since the benchmark averages over pages: a page of 300 lines counts
    # once in the score, so it must not outweigh ten pages of 30 in the fit.
    weights = np.array([1.0 + n**weight_power for n in classifier.line_lengths(lines)])
    weights[labels == UNLABELLED] = 0.0
    return weights / np.sqrt(max(weights.sum(), 1e-9))


def fit_targets(docs, keys, weight_power) -> tuple[np.ndarray, np.ndarray]:
    """The labels (unlabelled as 0) and line weights of the pages ``keys``, the weights scaled
    to a mean of 1 over the labelled lines: the L2 penalty keeps its strength whatever the pages."""
    y = np.concatenate([np.maximum(docs[k][1], 0) for k in keys])
    sw = np.concatenate([line_weights(docs[k][0], docs[k][1], weight_power) for k in keys])
    sw /= sw[sw > 0].mean()
    return y, sw


def fit_line_model(
    docs, keys, archive: bool, weight_power, later_passes: int = LATER_PASSES
) -> tuple[Weights, classifier.Trees | None]:
    """The weights of both stages and, for a model in ``TREE_MODELS``, its stage-2 trees of the
    shipped ``Shape``, fitted on the pages ``keys`` and, for a model in ``LATER_PASS_MODELS``, on
    those pages as ``later_passes`` later selection passes see them (``cut_down_pages``)."""
    fitted, trees = _fit_stages(docs, keys, archive, weight_power)
    if later_passes and ("archive" if archive else "plain") in LATER_PASS_MODELS:
        cut = cut_down_pages(docs, keys, archive, fitted, trees, later_passes)
        fitted, trees = _fit_stages({**docs, **cut}, [*keys, *cut], archive, weight_power)
    return fitted, trees


def _fit_stages(docs, keys, archive: bool, weight_power) -> tuple[Weights, classifier.Trees | None]:
    fitted = fit_weights(docs, keys, archive, weight_power)
    takes_trees = ("archive" if archive else "plain") in TREE_MODELS
    trees = fit_stage2_trees(docs, keys, archive, fitted, weight_power, Shape()) if takes_trees else None
    return fitted, trees


def cut_down_pages(docs, keys, archive: bool, fitted: Weights, trees, passes: int) -> dict:
    """Each page of ``keys`` cut down to the lines ``fitted`` keeps, then what it keeps of that,
    ``passes`` times (or until it keeps every line or none), with their labels: the pages the
    cleaner's later selection passes judge, where a line's neighbours and place differ from the
    whole page's (the article's last paragraph sits at the page's end, where a footer sits)."""
    out = {}
    for k in keys:
        lines, labels, stats = docs[k]
        for n in range(2, passes + 2):
            memo = classifier.LineMemo(stats if archive else None, fitted, trees)
            keep = np.array(classifier.keep_mask(lines, memo=memo), dtype=bool)
            if keep.all() or not keep.any():
                break
            lines, labels = [line for line, kept in zip(lines, keep, strict=True) if kept], labels[keep]
            if (labels != UNLABELLED).any():
                out[f"{k} (pass {n})"] = (lines, labels, stats)
    return out


def fit_weights(docs, keys, archive: bool, weight_power) -> Weights:
    """Both stages fitted on the labelled lines of the pages ``keys`` (``archive``: the model
    with the archive's line statistics)."""

    # The stage-1 features do not depend on the weights a memo is given.
    start = Weights((0.0,) * classifier.feature_count(archive), (0.0,) * 12)

    def memo(k, weights=start):
        return classifier.LineMemo(docs[k][2] if archive else None, weights)

    y, sw = fit_targets(docs, keys, weight_power)
    x1 = np.vstack([classifier.line_features(docs[k][0], memo(k)) for k in keys])
    b1 = tuple(float(v) for v in fit_logistic(x1, y, sw))
    # Stage 2 is fitted on the scores of the stage 1 just fitted (stage 2's weights unused).
    x2 = np.vstack(
        [
            classifier.stage2_features(
                classifier.stage1_scores(docs[k][0], memo(k, Weights(b1, start.stage2))),
                classifier.line_lengths(docs[k][0]),
            )
            for k in keys
        ]
    )
    return Weights(b1, tuple(float(v) for v in fit_logistic(x2, y, sw)))


@dataclass(frozen=True)
class Shape:
    """The boosted trees' shape: depth, rounds (trees) and learning rate."""

    depth: int = TREE_DEPTH
    rounds: int = TREE_ROUNDS
    rate: float = TREE_RATE


def fit_stage2_trees(docs, keys, archive: bool, fitted: Weights, weight_power, shape: Shape):
    """Boosted trees on stage 2's tree input (``classifier.stage2_inputs``), added to the
    logistic stage-2 margin of ``fitted``: they fit what the weighted sums leave."""
    inputs = [
        classifier.stage2_inputs(docs[k][0], classifier.LineMemo(docs[k][2] if archive else None, fitted))
        for k in keys
    ]
    y, sw = fit_targets(docs, keys, weight_power)
    base = np.concatenate([x2 @ np.asarray(fitted.stage2) for x2, _ in inputs])
    x = np.vstack([tree_input for _, tree_input in inputs])
    return fit_trees(x, y, sw, depth=shape.depth, rounds=shape.rounds, rate=shape.rate, base_margin=base)


def line_model_texts(docs, keys, archive: bool, fitted: Weights, trees=None) -> dict[str, str]:
    """What the line model alone keeps of each page (no title, metadata or furniture rules)."""
    preds = {}
    for k in keys:
        lines = docs[k][0]
        memo = classifier.LineMemo(docs[k][2] if archive else None, fitted, trees)
        mask = classifier.keep_mask(lines, memo=memo)
        preds[k] = "\n".join(ln for ln, m in zip(lines, mask, strict=True) if m)
    return preds


def fit_model(docs, split, fit_keys, archive: bool, weight_power, ev, gold, later_passes=LATER_PASSES):
    """Fit both stages on ``fit_keys`` (``archive``: the archive model), and the stage-2 trees
    if the model takes them; print the extraction benchmark's F1 by part, with and without
    the trees."""
    fitted, trees = fit_line_model(docs, fit_keys, archive, weight_power, later_passes)
    print(f"line model alone, {'with' if archive else 'without'} the archive's line statistics")
    for label, model_trees in (("logistic", None), ("+ trees", trees))[: 2 if trees else 1]:
        f1 = {}
        for part, keys in split.items():
            preds = line_model_texts(docs, keys, archive, fitted, model_trees)
            m = ev.score({k: gold[k] for k in keys}, preds, 4, 0)
            f1[part] = m["f1"]
            print(
                f"  {label:8} {part:8} docs {len(keys):3}  F1 {m['f1']:.3f}  P {m['precision']:.3f}  "
                f"R {m['recall']:.3f}"
            )
        print(f"  {label:8} gap (tuning - held-out) {f1['tuning'] - f1['held-out']:+.3f}")
    return fitted, trees


def cross_validate(docs, extra_keys, bench_dir, weight_power, ev, gold, later_passes=LATER_PASSES) -> None:
    """Grouped cross-validation: each site fold of the extraction benchmark scored by weights
    fitted on the other four (and on trafilatura-eval's tuning folds)."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    by_fold = {f: [k for k in sorted(gold) if fold(truth[k]["url"]) == f] for f in range(FOLDS)}
    for archive in (False, True):
        name = "archive" if archive else "plain"
        preds: dict[str, str] = {}
        cells = []
        for f, keys in by_fold.items():
            others = [k for g, ks in by_fold.items() if g != f for k in ks] + extra_keys
            fitted, trees = fit_line_model(docs, others, archive, weight_power, later_passes)
            fold_preds = line_model_texts(docs, keys, archive, fitted, trees)
            preds.update(fold_preds)
            cells.append(f"{ev.score({k: gold[k] for k in keys}, fold_preds, 4, 0)['f1']:.3f}")
        m = ev.score({k: gold[k] for k in preds}, preds, 4, 0)
        print(
            f"grouped {FOLDS}-fold CV, line model alone, {name}: F1 {m['f1']:.3f} (folds {' '.join(cells)})"
        )


def switch_cost(docs, keys) -> float:
    """The cost of a change of state in the two-state decoding: the log-odds against a change
    between adjacent labelled lines of the pages ``keys`` (the transition of a two-state HMM)."""
    changes = pairs = 0
    for k in keys:
        labels = docs[k][1]
        a, b = labels[:-1], labels[1:]
        both = (a != UNLABELLED) & (b != UNLABELLED)
        changes += int((a[both] != b[both]).sum())
        pairs += int(both.sum())
    rate = min(max(changes / max(pairs, 1), 1e-6), 0.5)
    return float(np.log((1 - rate) / rate))


def viterbi(gain: np.ndarray, cost: float) -> np.ndarray:
    """The two-state path (1: article) with the highest sum of ``gain`` over its article lines
    less ``cost`` per change of state; the page may start and end in either state."""
    n = len(gain)
    from_article = np.zeros(n, dtype=bool)  # best way into "not article" at i came from article
    from_other = np.zeros(n, dtype=bool)  # best way into "article" at i came from "not article"
    other = article = 0.0
    for i, g in enumerate(gain.tolist()):
        switch_out, switch_in = article - cost, other - cost
        from_article[i], from_other[i] = switch_out > other, switch_in > article
        other, article = max(other, switch_out), max(article, switch_in) + g
    state = article > other
    path = np.zeros(n, dtype=bool)
    for i in range(n - 1, -1, -1):
        path[i] = state
        state = not from_other[i] if state else bool(from_article[i])
    return path


def sequence_check(docs, traf_folder: Path, bench_dir: Path, ev, gold, weight_power=WEIGHT_POWER) -> None:
    """Inside the tuning folds (fit on two, score the third; the held-out folds stay unread):
    the per-line decision (probability >= 0.5) against a Viterbi decoding of the stage-2
    log-odds with the switch cost of the fitted pages' labels, over all lines and over short
    lines only (lines of 5+ words keep their own decision)."""
    fold_of, bench, traf_pages = tuning_fold_pages(docs, traf_folder, bench_dir, gold)

    def decide(name: str, p2: np.ndarray, words: np.ndarray, cost: float) -> np.ndarray:
        if name == "per line":
            return p2 >= classifier.THRESHOLD
        log_odds = np.log(np.clip(p2, 1e-6, 1 - 1e-6) / np.clip(1 - p2, 1e-6, 1))
        path = viterbi(log_odds, cost)
        return path if name == "viterbi" else np.where(words <= 4, path, p2 >= classifier.THRESHOLD)

    deciders = ("per line", "viterbi", "viterbi, short lines")
    for archive in (False, True):
        texts: dict[str, dict[str, str]] = {name: {} for name in deciders}
        for test in sorted(TUNING_FOLDS):
            fit_keys = [k for k in docs if fold_of[k] in TUNING_FOLDS - {test}]
            fitted = fit_weights(docs, fit_keys, archive, weight_power)
            cost = switch_cost(docs, fit_keys)
            for k in (k for k in docs if fold_of[k] == test):
                lines = docs[k][0]
                memo = classifier.LineMemo(docs[k][2] if archive else None, fitted)
                words = np.asarray(classifier.line_lengths(lines))
                x2 = classifier.stage2_features(classifier.stage1_scores(lines, memo), words)
                p2 = 1 / (1 + np.exp(-(x2 @ np.asarray(fitted.stage2))))
                for name in deciders:
                    keep = decide(name, p2, words, cost)
                    texts[name][k] = "\n".join(ln for ln, m in zip(lines, keep, strict=True) if m)
        tuned = [k for k in sorted(gold) if fold_of[k] in TUNING_FOLDS]
        for name in deciders:
            m = ev.score({k: gold[k] for k in tuned}, {k: texts[name][k] for k in tuned}, 4, 0)
            f1, precision, recall = bench.score(traf_pages, texts[name])
            print(
                f"tuning-fold CV, {'archive' if archive else 'plain':7} {name:21} "
                f"extraction F1 {m['f1']:.3f} (P {m['precision']:.3f} R {m['recall']:.3f})  "
                f"trafilatura-eval F1 {f1:.3f} (P {precision:.3f} R {recall:.3f})"
            )


def tuning_fold_pages(docs, traf_folder: Path, bench_dir: Path, gold):
    """Every page of both benchmarks' tuning folds with its fold (trafilatura-eval's pages
    without a labelled line are added to ``docs``: they weigh 0 in a fit but are scored), and
    the trafilatura-eval benchmark with those of its pages."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    bench = TrafilaturaEval(traf_folder)
    fold_of = {k: fold(truth[k]["url"]) for k in gold}
    fold_of.update({k: fold(k) for k in docs if k not in gold})
    dumps = trafilatura_dumps(bench)
    traf_archive = LineStats.build(text_dump_lines(data, "page.txt") for data in dumps.values())
    traf_pages = [p for p in bench.pages if fold(p.url) in TUNING_FOLDS]
    for page in traf_pages:
        if page.id not in docs:
            lines = split_blocks(dumps[page.id].decode("utf-8"))
            docs[page.id] = (lines, np.full(len(lines), UNLABELLED), traf_archive)
            fold_of[page.id] = fold(page.url)
    return fold_of, bench, traf_pages


def trees_check(
    docs, traf_folder: Path, bench_dir: Path, ev, gold, shapes: list[Shape], stops, weight_power=WEIGHT_POWER
) -> None:
    """Inside the tuning folds only (fit on two, score the third; the held-out folds stay
    unread): the logistic model alone against it with stage-2 trees of each shape, cut after
    each of ``stops`` rounds."""
    fold_of, bench, traf_pages = tuning_fold_pages(docs, traf_folder, bench_dir, gold)
    tuned = [k for k in sorted(gold) if fold_of[k] in TUNING_FOLDS]
    for archive in (True, False):
        texts: dict[str, dict[str, str]] = {}
        for test in sorted(TUNING_FOLDS):
            fit_keys = [k for k in docs if fold_of[k] in TUNING_FOLDS - {test}]
            test_keys = [k for k in docs if fold_of[k] == test]
            fitted = fit_weights(docs, fit_keys, archive, weight_power)
            texts.setdefault("logistic", {}).update(line_model_texts(docs, test_keys, archive, fitted))
            for shape in shapes:
                trees = fit_stage2_trees(docs, fit_keys, archive, fitted, weight_power, shape)
                for stop in (n for n in stops if n <= shape.rounds):
                    cut = classifier.Trees(
                        trees.base, trees.features[:stop], trees.thresholds[:stop], trees.values[:stop]
                    )
                    name = f"trees depth {shape.depth} rate {shape.rate} rounds {stop}"
                    texts.setdefault(name, {}).update(line_model_texts(docs, test_keys, archive, fitted, cut))
        for name, got in texts.items():
            m = ev.score({k: gold[k] for k in tuned}, {k: got[k] for k in tuned}, 4, 0)
            f1, precision, recall = bench.score(traf_pages, got)
            print(
                f"tuning-fold CV, {'archive' if archive else 'plain':7} {name:34} "
                f"extraction F1 {m['f1']:.3f} (P {m['precision']:.3f} R {m['recall']:.3f})  "
                f"trafilatura-eval F1 {f1:.3f} (P {precision:.3f} R {recall:.3f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
