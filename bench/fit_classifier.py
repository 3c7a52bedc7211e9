"""Fit the line classifier's weights on the tuning folds of the benchmark; score every fold.

    .venv/bin/python bench/fit_classifier.py [--bench-dir DIR] [--write] [--cv]

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
``--write`` stores the fitted weights in functions/archive_search/cleaning/lines/weights.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
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
    ap.add_argument("--weight-power", type=float, default=0.5, help="a line weighs 1 + words**power")
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
    found = {
        name: fit_model(docs, split, fit_keys, archive, args.weight_power, ev, gold)
        for name, archive in (("plain", False), ("archive", True))
    }
    if args.cv:
        cross_validate(
            docs, sorted(extra), bench_dir=args.bench_dir, weight_power=args.weight_power, ev=ev, gold=gold
        )
    if args.sequence:
        sequence_check(docs, args.trafilatura_eval, bench_dir=args.bench_dir, ev=ev, gold=gold)
    if args.write:
        classifier.write_weights(found)
        print("wrote the weights to cleaning/lines/weights.json", file=sys.stderr)


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


def fit_weights(docs, keys, archive: bool, weight_power) -> Weights:
    """Both stages fitted on the labelled lines of the pages ``keys`` (``archive``: the model
    with the archive's line statistics)."""

    def weights_of(lines, labels):
        # Longer lines carry more of the scored shingles; a page weighs the square root of its
        # lines' total, since the benchmark averages over pages: a page of 300 lines counts
        # once in the score, so it must not outweigh ten pages of 30 in the fit.
        weights = np.array([1.0 + n**weight_power for n in classifier.line_lengths(lines)])
        weights[labels == UNLABELLED] = 0.0
        return weights / np.sqrt(max(weights.sum(), 1e-9))

    def memo(k, weights=None):
        return classifier.LineMemo(docs[k][2] if archive else None, weights)

    y = np.concatenate([np.maximum(docs[k][1], 0) for k in keys])
    sw = np.concatenate([weights_of(docs[k][0], docs[k][1]) for k in keys])
    sw /= sw[sw > 0].mean()  # the L2 penalty keeps its strength against a mean line weight of 1
    x1 = np.vstack([classifier.line_features(docs[k][0], memo(k)) for k in keys])
    b1 = tuple(float(v) for v in fit_logistic(x1, y, sw))
    # Stage 2 is fitted on the scores of the stage 1 just fitted (stage 2's weights unused).
    shipped = classifier.shipped_weights()["archive" if archive else "plain"]
    x2 = np.vstack(
        [
            classifier.stage2_features(
                classifier.stage1_scores(docs[k][0], memo(k, Weights(b1, shipped.stage2))),
                classifier.line_lengths(docs[k][0]),
            )
            for k in keys
        ]
    )
    return Weights(b1, tuple(float(v) for v in fit_logistic(x2, y, sw)))


def line_model_texts(docs, keys, archive: bool, fitted: Weights) -> dict[str, str]:
    """What the line model alone keeps of each page (no title, metadata or furniture rules)."""
    preds = {}
    for k in keys:
        lines = docs[k][0]
        mask = classifier.keep_mask(lines, memo=classifier.LineMemo(docs[k][2] if archive else None, fitted))
        preds[k] = "\n".join(ln for ln, m in zip(lines, mask, strict=True) if m)
    return preds


def fit_model(docs, split, fit_keys, archive: bool, weight_power, ev, gold):
    """Fit both stages on ``fit_keys`` (``archive``: the archive model); print the extraction
    benchmark's F1 by part."""
    fitted = fit_weights(docs, fit_keys, archive, weight_power)
    print(f"line model alone, {'with' if archive else 'without'} the archive's line statistics")
    f1 = {}
    for part, keys in split.items():
        preds = line_model_texts(docs, keys, archive, fitted)
        m = ev.score({k: gold[k] for k in keys}, preds, 4, 0)
        f1[part] = m["f1"]
        print(f"  {part:8} docs {len(keys):3}  F1 {m['f1']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}")
    print(f"  gap (tuning - held-out) {f1['tuning'] - f1['held-out']:+.3f}")
    return fitted


def cross_validate(docs, extra_keys, bench_dir, weight_power, ev, gold) -> None:
    """Grouped cross-validation: each site fold of the extraction benchmark scored by weights
    fitted on the other four (and on trafilatura-eval's tuning folds)."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    by_fold = {f: [k for k in sorted(gold) if fold(truth[k]["url"]) == f] for f in range(FOLDS)}
    for archive in (False, True):
        preds: dict[str, str] = {}
        cells = []
        for f, keys in by_fold.items():
            others = [k for g, ks in by_fold.items() if g != f for k in ks] + extra_keys
            fold_preds = line_model_texts(
                docs, keys, archive, fit_weights(docs, others, archive, weight_power)
            )
            preds.update(fold_preds)
            cells.append(f"{ev.score({k: gold[k] for k in keys}, fold_preds, 4, 0)['f1']:.3f}")
        m = ev.score({k: gold[k] for k in preds}, preds, 4, 0)
        name = "archive" if archive else "plain"
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


def sequence_check(docs, traf_folder: Path, bench_dir: Path, ev, gold) -> None:
    """Inside the tuning folds (fit on two, score the third; the held-out folds stay unread):
    the per-line decision (probability >= 0.5) against a Viterbi decoding of the stage-2
    log-odds with the switch cost of the fitted pages' labels, over all lines and over short
    lines only (lines of 5+ words keep their own decision)."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    bench = TrafilaturaEval(traf_folder)
    fold_of = {k: fold(truth[k]["url"]) for k in gold}
    fold_of.update({k: fold(k) for k in docs if k not in gold})
    # trafilatura-eval's pages without a labelled line are scored too (they weigh 0 in a fit).
    dumps = trafilatura_dumps(bench)
    traf_archive = LineStats.build(text_dump_lines(data, "page.txt") for data in dumps.values())
    traf_pages = [p for p in bench.pages if fold(p.url) in TUNING_FOLDS]
    for page in traf_pages:
        if page.id not in docs:
            lines = split_blocks(dumps[page.id].decode("utf-8"))
            docs[page.id] = (lines, np.full(len(lines), UNLABELLED), traf_archive)
            fold_of[page.id] = fold(page.url)

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
            fitted = fit_weights(docs, fit_keys, archive, 0.5)
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


if __name__ == "__main__":
    main()
