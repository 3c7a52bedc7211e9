"""Fit the line classifier's weights on one half of the benchmark split; score both halves.

    .venv/bin/python bench/fit_classifier.py [--bench-dir DIR] [--write] [--swap]

Lines are labelled from the gold article body: a line is article text when most of its
4-token shingles (or, for lines under 4 tokens, its whole token sequence) occur in the gold.
The split is by document id (sorted, alternating), so no page is in both halves. The F1 of
both halves is printed: a large gap between them means the weights memorise the fit half.
``--write`` stores the fitted weights in functions/archive_search/cleaning/lines/weights.json.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

# The benchmark's scorer and its split, as the cleaning benchmark defines them (this script
# runs from bench/, so its sibling imports as ``cleaning``).
from cleaning import DEFAULT_DATA, halves, load_evaluate  # type: ignore[import-not-found]

from archive_search.cleaning import lines as classifier
from archive_search.cleaning.lines import LineStats, Weights
from archive_search.cleaning.text import split_blocks


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
    ap.add_argument("--write", action="store_true", help="store the weights in cleaning/lines/weights.json")
    ap.add_argument(
        "--swap", action="store_true", help="fit on the odd half, check on the even one (never --write this)"
    )
    ap.add_argument("--weight-power", type=float, default=0.5, help="a line weighs 1 + words**power")
    args = ap.parse_args()
    if args.swap and args.write:
        ap.error("--swap is for checking only: the shipped weights are fitted on the even half")
    ev = load_evaluate(args.bench_dir)
    gold = ev.load_gold(args.bench_dir)
    ids = sorted(gold)
    split = halves(ids)
    if args.swap:
        split = {"fit": split["check"], "check": split["fit"]}
    docs = {}
    for k in ids:
        lines = split_blocks((args.bench_dir / "textdump" / f"{k}.txt").read_text(encoding="utf-8"))
        docs[k] = (lines, np.array(labels_for(lines, gold[k], ev)))

    # The archive the second model is fitted with: every page of the benchmark (a page's own
    # lines are not counted for it: LineStats.others leaves the document itself out).
    archive = LineStats.build(lines for lines, _ in docs.values())
    found = {name: fit_model(docs, split, stats, args.weight_power, ev, gold) for name, stats in
             (("plain", None), ("archive", archive))}  # fmt: skip
    if args.write:
        classifier.write_weights(found)
        print("wrote the weights to cleaning/lines/weights.json", file=sys.stderr)


def fit_model(docs, split, stats, weight_power, ev, gold):
    """Fit both stages on the fit half (with ``stats``: the archive model), print F1 by half."""
    archive = stats is not None

    def weights_of(lines):
        # Longer lines carry more of the scored shingles.
        return np.array([1.0 + n**weight_power for n in classifier.line_lengths(lines)])

    fit = split["fit"]
    y = np.concatenate([docs[k][1] for k in fit])
    sw = np.concatenate([weights_of(docs[k][0]) for k in fit])
    x1 = np.vstack([classifier.line_features(docs[k][0], classifier.LineMemo(stats)) for k in fit])
    b1 = tuple(float(v) for v in fit_logistic(x1, y, sw))
    # Stage 2 is fitted on the scores of the stage 1 just fitted (stage 2's weights unused).
    shipped = classifier.shipped_weights()["archive" if archive else "plain"]
    memos = {k: classifier.LineMemo(stats, Weights(b1, shipped.stage2)) for k in docs}
    x2 = np.vstack(
        [
            classifier.stage2_features(
                classifier.stage1_scores(docs[k][0], memos[k]), classifier.line_lengths(docs[k][0])
            )
            for k in fit
        ]
    )
    b2 = tuple(float(v) for v in fit_logistic(x2, y, sw))
    fitted = Weights(b1, b2)
    memos = {k: classifier.LineMemo(stats, fitted) for k in docs}
    label = (
        "without archive statistics"
        if not archive
        else f"with the archive's line statistics ({stats.documents} pages)"
    )
    print(label)
    for half, keys in split.items():
        preds = {}
        for k in keys:
            lines = docs[k][0]
            mask = classifier.keep_mask(lines, memo=memos[k])
            preds[k] = "\n".join(ln for ln, m in zip(lines, mask, strict=True) if m)
        m = ev.score({k: gold[k] for k in keys}, preds, 4, 0)
        print(f"  {half:6} docs {len(keys):3}  F1 {m['f1']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}")
    return fitted


if __name__ == "__main__":
    main()
