"""The line classifier on a whole-page dump it has never seen."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.cleaning import lines as classifier
from archive_search.cleaning.lines import (
    MIN_DOCUMENTS,
    LineStats,
    Trees,
    Weights,
    model,
    profile,
    shipped_trees,
    shipped_weights,
)
from archive_search.cleaning.lines.hashing import stop_words
from archive_search.cleaning.metadata import word_count
from archive_search.cleaning.metadata.words import SEA_CHARS

pytestmark = pytest.mark.unit

NAVIGATION = [
    "Skip to content",
    "Home",
    "World",
    "Business",
    "Sport",
    "Culture",
    "Weather",
    "Sign in",
    "Subscribe",
]
ARTICLE = [
    "Volunteers planted more than four thousand trees along the river on Saturday, the largest "
    "single planting the valley has seen since the floods of 2019.",
    "The organisers, a coalition of schools and farming co-operatives, said the willows and alders "
    "would stabilise the banks and give shade to the water, which has grown warmer each summer.",
    "“We wanted something people could see change within their own lifetime,” said Maria Lindgren, "
    "a teacher who has led the project since it began with a single class three years ago.",
    "The regional water board paid for the saplings and will monitor the site for five years. It "
    "said similar plantings elsewhere had cut erosion by about a third within a decade.",
    "Not everyone was convinced. Two landowners downstream said they had not been consulted and "
    "worried that roots would block the drainage ditches that run into the river.",
]
FOOTER = [
    "Related stories",
    "Floods: ten years on",
    "River board raises charges",
    "School wins green award",
    "Facebook | Twitter | Instagram",
    "About us",
    "Contact",
    "Privacy policy",
    "© 2024 Valley Herald. All rights reserved.",
]


def test_article_lines_are_kept_and_navigation_and_footer_dropped() -> None:
    lines = NAVIGATION + ARTICLE + FOOTER

    keep = classifier.keep_mask(lines)

    kept = [line for line, k in zip(lines, keep, strict=True) if k]
    assert kept == ARTICLE


def test_scores_are_probabilities_one_per_line() -> None:
    lines = NAVIGATION + ARTICLE + FOOTER

    scores = classifier.scores(lines)

    assert len(scores) == len(lines)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert min(scores[len(NAVIGATION) : len(NAVIGATION) + len(ARTICLE)]) > max(scores[: len(NAVIGATION)])


def test_no_lines_give_no_scores() -> None:
    assert classifier.keep_mask([]) == []
    assert classifier.scores([]) == []


def test_features_have_one_weight_each() -> None:
    features = classifier.line_features(ARTICLE)

    assert all(len(f) == len(shipped_weights()["plain"].stage1) for f in features)


_PIECES = [
    "The ",
    "river ",
    "www.",
    ".com",
    " | ",
    "(c)",
    "a ABC: D",
    "aB",
    "Tags: ",
    "12 May 2023",
    "中文字",
    "ข่าวที่เกี่ยวข้อง ",
    "😀",
    "…",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=80).map("".join), max_size=6))
def test_a_line_is_profiled_the_same_alone_and_among_the_page(lines: list[str]) -> None:
    page = profile.profile_matrix(lines)
    alone = [profile.profile_matrix([line])[0] for line in lines]

    for row, single in zip(page, alone, strict=True):
        keep = [k for k in range(len(row)) if k != profile.KEY]
        assert row[keep].tolist() == single[keep].tolist()


def _reference_profile(line: str) -> list[float]:
    """What each profile column means, written line by line with the regexes it stands for
    (the classifier computes the same for a whole page at once, with numpy)."""
    c = profile
    word_runs = re.findall(rf"[\w{SEA_CHARS}]+", line)
    words = len(word_runs)
    nw = max(words, 1)
    nchars = max(len(line), 1)
    stop = sum(token in stop_words() for token in line.lower().split())
    # two CJK characters a word, four of Thai, Lao, Myanmar or Khmer
    length = max(words, (2 * len(c._CJK_RE.findall(line)) + len(c._SEA_RE.findall(line))) // 4)
    row = [0.0] * c.N_PROFILE
    row[c.LENGTH] = length
    row[c.STOP] = min(stop / nw, 1.0)
    row[c.PUNCT] = sum(not (ch.isspace() or c._WORD_CHAR_RE.match(ch)) for ch in line) / nchars
    row[c.ENDS_SENTENCE] = bool(line) and line[-1] in c._TERMINAL
    row[c.CAPS] = sum(word[0].isupper() for word in word_runs) / nw
    row[c.DIGITS] = len(c._DIGIT_RE.findall(line)) / nchars
    row[c.LINK] = c._LINKY_RE.search(line) is not None
    row[c.DATED] = length <= 8 and c._DATE_RE.search(line) is not None
    row[c.LOWER_START] = line[:1].islower()
    row[c.COMMAS] = line.count(",") / nw
    row[c.ELLIPSIS] = line.endswith(("...", "…"))
    row[c.GLUED] = c._GLUED_RE.search(line) is not None
    row[c.LABEL] = c._LABEL_RE.match(line) is not None
    row[c.NO_STOP] = words >= 2 and stop == 0
    return [float(x) for x in row]


_LONG_PIECES = [
    *_PIECES,
    "x" * 250,
    "word " * 40,
    "THE ",
    "Dec 12",
    "3.4.2021 ",
    "13:45",
    "1999",
    "Label: yes",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_LONG_PIECES) | st.characters(), max_size=60).map("".join), max_size=6)
)
def test_the_page_profile_is_what_each_line_says_on_its_own(lines: list[str]) -> None:
    page = profile.profile_matrix(lines)

    for row, line in zip(page, lines, strict=True):
        expected = _reference_profile(line)
        keep = [k for k in range(len(row)) if k != profile.KEY]
        assert row[keep].tolist() == pytest.approx([expected[k] for k in keep]), line
        # the rules' word count (LineMemo.word_count) is the model's length feature
        assert row[profile.LENGTH] == word_count(line), line


def _folded(line: str) -> str:
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in line.strip())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Ab", "aB", " ", "x" * 299, "İ", "ß", "😀", "49", "29"]) | st.characters(),
            max_size=8,
        ).map("".join),
        min_size=2,
        max_size=8,
    )
)
def test_lines_share_a_key_exactly_when_they_are_the_same_line_but_for_case_and_outer_space(
    lines: list[str],
) -> None:
    keys = profile.profile_matrix(lines)[:, profile.KEY].tolist()

    for i in range(len(lines)):
        for j in range(i):
            assert (keys[i] == keys[j]) == (_folded(lines[i]) == _folded(lines[j])), (lines[i], lines[j])


def _kadane(weights: list[float]) -> tuple[int, int]:
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


# Quarters add up exactly, so the scan and its vectorised form meet the same ties.
@given(st.lists(st.integers(-8, 8).map(lambda q: q / 4), max_size=40))
def test_the_densest_stretch_is_kadanes_maximum_sum_segment(weights: list[float]) -> None:
    assert model.densest_stretch(np.array(weights)) == _kadane(weights)


@pytest.mark.parametrize("archive", [False, True])
def test_a_memo_judges_with_the_weights_it_is_given(archive: bool) -> None:
    shipped = shipped_weights()["archive" if archive else "plain"]
    stats = LineStats.build([["Home", f"story {n}"] for n in range(MIN_DOCUMENTS)]) if archive else None
    lines = NAVIGATION + ARTICLE + FOOTER
    bias_only = Weights(stage1=(2.0,) + (0.0,) * (len(shipped.stage1) - 1), stage2=shipped.stage2)

    flat = classifier.stage1_scores(lines, classifier.LineMemo(stats, bias_only))

    assert flat.tolist() == pytest.approx([1 / (1 + math.exp(-2.0))] * len(lines))
    assert classifier.stage1_scores(lines, classifier.LineMemo(stats)).std() > 0.1


def test_written_weights_are_read_back_as_they_were_fitted(tmp_path) -> None:
    fitted = {"plain": Weights((0.123456, -1.0), (2.5,)), "archive": Weights((1.0,), (-0.00004, 3.0))}
    path = tmp_path / "weights.json"

    classifier.write_weights(fitted, path)

    assert model.read_weights(path) == {
        "plain": Weights((0.1235, -1.0), (2.5,)),
        "archive": Weights((1.0,), (-0.0, 3.0)),
    }


def _walk(trees: Trees, row: np.ndarray) -> float:
    """One line's margin, tree by tree and question by question."""
    total = trees.base
    for features, thresholds, values in zip(trees.features, trees.thresholds, trees.values, strict=True):
        leaf = 0
        for feature, threshold in zip(features, thresholds, strict=True):
            leaf = 2 * leaf + int(row[feature] > threshold)
        total += values[leaf]
    return total


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 12), st.integers(0, 30), st.integers(0, 2**32 - 1))
def test_tree_margins_are_the_sum_of_each_trees_leaf(
    depth: int, n_trees: int, n_lines: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    trees = Trees(
        float(rng.normal()),
        rng.integers(0, 5, (n_trees, depth)),
        rng.normal(size=(n_trees, depth)).round(1),
        rng.normal(size=(n_trees, 2**depth)),
    )
    x = rng.normal(size=(n_lines, 5)).round(1)  # rounded: values equal to a threshold occur

    assert trees.margin(x).tolist() == pytest.approx([_walk(trees, row) for row in x])


def test_written_trees_are_read_back_as_they_were_fitted(tmp_path) -> None:
    fitted = Trees(
        -0.25, np.array([[3, 0], [1, 1]]), np.array([[0.5, -1.0], [2.0, 0.125]]), np.arange(8.0).reshape(2, 4)
    )
    path = tmp_path / "trees.json"

    classifier.write_trees({"plain": fitted}, path)
    read = model.read_trees(path)["plain"]

    assert read.base == fitted.base
    for field in ("features", "thresholds", "values"):
        assert np.array_equal(getattr(read, field), getattr(fitted, field))


@pytest.mark.parametrize("archive", [False, True])
def test_stage_two_adds_the_trees_it_is_given_to_its_logistic_score(archive: bool) -> None:
    stats = LineStats.build([["Home", f"story {n}"] for n in range(MIN_DOCUMENTS)]) if archive else None
    lines = NAVIGATION + ARTICLE + FOOTER
    weights = shipped_weights()["archive" if archive else "plain"]
    x2, tree_input = classifier.stage2_inputs(lines, classifier.LineMemo(stats, weights))
    rng = np.random.default_rng(7)
    trees = Trees(
        -0.5,
        rng.integers(0, tree_input.shape[1], (20, 3)),
        rng.normal(size=(20, 3)),
        rng.normal(size=(20, 8)),
    )
    keep_all = Trees(9.0, trees.features[:1], trees.thresholds[:1], np.zeros((1, 8)))

    logistic = classifier.scores(lines, classifier.LineMemo(stats, weights))
    with_trees = classifier.scores(lines, classifier.LineMemo(stats, weights, trees))

    margin = x2 @ np.asarray(weights.stage2) + trees.margin(tree_input)
    assert with_trees == pytest.approx((1 / (1 + np.exp(-margin))).tolist())
    assert with_trees != pytest.approx(logistic)
    assert classifier.keep_mask(lines, memo=classifier.LineMemo(stats, weights, keep_all)) == [True] * len(
        lines
    )


def test_trees_without_the_weights_they_were_fitted_on_are_refused() -> None:
    trees = Trees(0.0, np.zeros((1, 3), dtype=int), np.zeros((1, 3)), np.zeros((1, 8)))
    with pytest.raises(ValueError, match="weights"):
        classifier.LineMemo(None, None, trees)


def test_the_shipped_trees_belong_to_shipped_models_and_read_their_inputs() -> None:
    lines = NAVIGATION + ARTICLE + FOOTER
    stats = LineStats.build([["Home", f"story {n}"] for n in range(MIN_DOCUMENTS)])
    for name, trees in shipped_trees().items():
        memo = classifier.LineMemo(stats if name == "archive" else None, shipped_weights()[name])
        assert memo.stats is not None or name == "plain"
        _, tree_input = classifier.stage2_inputs(lines, memo)
        assert trees.features.min() >= 0 and trees.features.max() < tree_input.shape[1]
        assert trees.values.shape == (len(trees.features), 2 ** trees.features.shape[1])


def test_an_empty_page_has_a_feature_row_for_each_of_its_no_lines() -> None:
    stats = LineStats.build([["Home", f"story {n}"] for n in range(MIN_DOCUMENTS)])
    for memo in (classifier.LineMemo(), classifier.LineMemo(stats)):
        x2, tree_input = classifier.stage2_inputs([], memo)
        assert len(x2) == len(tree_input) == 0
        assert tree_input.shape[1] == classifier.stage2_inputs(ARTICLE, memo)[1].shape[1]


AUTHOR_BOX = "Jane Doe is a freelance reporter who writes about transport and housing for several magazines."


def _shared_with_prose(lines: list[str]) -> list[float]:
    """What ``LineMemo.shared_with_prose`` computes, written out: a line's distinct words of 3+
    characters that are not stop words, and the share of them another prose line (10+ words,
    ending a sentence) holds."""
    stops = stop_words()
    words = [
        {w for w in re.findall(r"\w+", line.lower()) if len(w) >= 3 and w not in stops} for line in lines
    ]
    prose = [word_count(line) >= 10 and line.rstrip()[-1:] in ".!?" for line in lines]
    out = []
    for i, own in enumerate(words):
        others = set().union(*(w for j, w in enumerate(words) if j != i and prose[j]))
        out.append(len(own & others) / len(own) if own else 0.0)
    return out


def test_without_statistics_a_line_is_judged_by_the_words_it_shares_with_the_pages_prose() -> None:
    page = NAVIGATION + ARTICLE + [AUTHOR_BOX] + FOOTER
    memo = classifier.LineMemo()
    column = model._PLAIN_CONTEXT_COLUMNS[0]

    shared = classifier.line_features(page, memo)[:, column]

    assert shared.tolist() == pytest.approx(_shared_with_prose(page))
    assert shared[len(NAVIGATION) + len(ARTICLE)] < min(
        shared[len(NAVIGATION) : len(NAVIGATION) + len(ARTICLE)]
    )
    # A later pass judges the page cut down to its kept lines, with the same memo.
    cut = [*ARTICLE[2:], AUTHOR_BOX]
    assert classifier.line_features(cut, memo)[:, column].tolist() == pytest.approx(_shared_with_prose(cut))


def test_a_prose_line_alone_shares_no_word() -> None:
    column = model._PLAIN_CONTEXT_COLUMNS[0]

    assert classifier.line_features(ARTICLE[:1], classifier.LineMemo())[:, column].tolist() == [0.0]
