"""bench/fit_classifier.py: its boosted trees learn what a weighted sum cannot; its later-pass
pages are what the cleaner's later selection passes judge."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fit_classifier(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # the script imports its siblings
    spec = importlib.util.spec_from_file_location(
        "bench_fit_classifier", ROOT / "bench" / "fit_classifier.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _interaction(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Short lines between long ones are text, short lines elsewhere and long lines alone are
    not: the label is an AND of two columns, with a third column of noise."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3))
    y = ((x[:, 0] < 0.5) == (x[:, 1] > 0.5)).astype(float)
    return x, y


def test_boosted_trees_separate_an_interaction_a_logistic_model_cannot(fit_classifier) -> None:
    x, y = _interaction(2000, seed=1)
    test_x, test_y = _interaction(1000, seed=2)
    w = np.ones(len(y))

    trees = fit_classifier.fit_trees(x, y, w, depth=2, rounds=30, rate=0.3)
    beta = fit_classifier.fit_logistic(np.column_stack((np.ones(len(x)), x)), y, w)

    tree_accuracy = ((trees.margin(test_x) > 0) == test_y).mean()
    logistic_accuracy = (((np.column_stack((np.ones(len(test_x)), test_x)) @ beta) > 0) == test_y).mean()
    assert tree_accuracy > 0.97
    assert logistic_accuracy < 0.7


def test_trees_fit_only_what_the_margin_they_are_given_leaves(fit_classifier) -> None:
    rng = np.random.default_rng(3)
    x = rng.random((4000, 3))
    base = 6 * x[:, 0] - 3  # the labels follow this margin and nothing else
    y = (rng.random(len(x)) < 1 / (1 + np.exp(-base))).astype(float)
    w = np.ones(len(y))

    on_base = fit_classifier.fit_trees(x, y, w, depth=2, rounds=10, rate=0.3, base_margin=base)
    alone = fit_classifier.fit_trees(x, y, w, depth=2, rounds=10, rate=0.3)

    assert on_base.base == 0.0
    assert np.abs(on_base.margin(x)).mean() < 0.2
    assert np.abs(alone.margin(x)).mean() > 1.0


def test_unlabelled_lines_weigh_nothing_in_the_trees(fit_classifier) -> None:
    x, y = _interaction(1000, seed=4)
    w = np.ones(len(y))
    w[::2] = 0.0
    flipped = y.copy()
    flipped[::2] = 1 - flipped[::2]  # wrong labels, all on weightless lines

    with_noise = fit_classifier.fit_trees(x, flipped, w, depth=2, rounds=10, rate=0.3)
    without = fit_classifier.fit_trees(x[1::2], y[1::2], w[1::2], depth=2, rounds=10, rate=0.3)

    assert np.allclose(with_noise.margin(x), without.margin(x))


def test_written_trees_split_the_fitted_lines_as_the_fit_did(fit_classifier, tmp_path) -> None:
    """Thresholds stand halfway between a quantile and the next value: written to 6 decimals,
    a line whose feature equals a quantile (counts, log-counts: most features repeat values)
    still falls on the side the fit put it."""
    from archive_search.cleaning import lines as classifier
    from archive_search.cleaning.lines import model

    rng = np.random.default_rng(5)
    x = np.log1p(rng.integers(0, 6, (3000, 3))) / 3  # few distinct values, none short in decimals
    y = (x[:, 0] + x[:, 1] > 0.6).astype(float)
    trees = fit_classifier.fit_trees(x, y, np.ones(len(y)), depth=2, rounds=20, rate=0.3)
    path = tmp_path / "trees.json"

    classifier.write_trees({"archive": trees}, path)

    assert model.read_trees(path)["archive"].margin(x) == pytest.approx(trees.margin(x), abs=1e-5)


MENU = ["Skip to content", "Home", "World", "Business", "Sport", "Sign in", "Subscribe"]
STORY = [
    "Volunteers planted more than four thousand trees along the river on Saturday, the largest "
    "single planting the valley has seen since the floods of 2019.",
    "The organisers, a coalition of schools and farming co-operatives, said the willows and alders "
    "would stabilise the banks and give shade to the water, which has grown warmer each summer.",
    "The regional water board paid for the saplings and will monitor the site for five years. It "
    "said similar plantings elsewhere had cut erosion by about a third within a decade.",
    "Not everyone was convinced. Two landowners downstream said they had not been consulted and "
    "worried that roots would block the drainage ditches that run into the river.",
]
FOOT = [
    "Related stories",
    "About us",
    "Contact",
    "Privacy policy",
    "© 2024 Valley Herald. All rights reserved.",
]


def test_later_passes_are_fitted_on_the_lines_the_model_keeps_with_their_labels(fit_classifier) -> None:
    """A later selection pass judges the page cut down to what the model kept: the fit sees
    that page, its lines labelled as on the whole page; a page kept whole, or cut down to
    unlabelled lines only, adds nothing."""
    from archive_search.cleaning import lines as classifier

    unlabelled = fit_classifier.UNLABELLED
    page = MENU + STORY + FOOT
    docs = {
        "page": (page, np.array([0] * len(MENU) + [1] * len(STORY) + [0] * len(FOOT)), None),
        "story only": (STORY, np.ones(len(STORY), dtype=int), None),
        "labels on the menu only": (
            page,
            np.array([0] * len(MENU) + [unlabelled] * (len(page) - len(MENU))),
            None,
        ),
    }
    weights = classifier.shipped_weights()["plain"]
    assert classifier.keep_mask(page, memo=classifier.LineMemo(None, weights)) == [
        line in STORY for line in page
    ]

    cut = fit_classifier.cut_down_pages(docs, list(docs), False, weights, None, passes=8)

    assert list(cut) == ["page (pass 2)"]
    lines, labels, stats = cut["page (pass 2)"]
    assert lines == STORY
    assert labels.tolist() == [1] * len(STORY)
    assert stats is None
