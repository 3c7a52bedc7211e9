"""The line classifier on a whole-page dump it has never seen."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.cleaning import classifier
from archive_search.cleaning.linestats import MIN_DOCUMENTS, LineStats

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
    assert classifier.residual_boilerplate([]) == []


def test_residual_boilerplate_flags_page_furniture_left_in_an_extracted_article() -> None:
    lines = [ARTICLE[0], "Facebook | Twitter | Instagram", ARTICLE[1], "Tags: river, trees", ARTICLE[2]]

    flags = classifier.residual_boilerplate(lines)

    assert flags == [False, True, False, True, False]


def test_features_have_one_weight_each() -> None:
    features = classifier.line_features(ARTICLE)

    assert all(len(f) == len(classifier.STAGE1_WEIGHTS) for f in features)


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
    "😀",
    "…",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=80).map("".join), max_size=6))
def test_a_line_is_profiled_the_same_alone_and_among_the_page(lines: list[str]) -> None:
    page = classifier._profile_matrix(lines)
    alone = [classifier._profile_matrix([line])[0] for line in lines]

    for row, single in zip(page, alone, strict=True):
        keep = [k for k in range(len(row)) if k != classifier._KEY]
        assert row[keep].tolist() == single[keep].tolist()


def _reference_profile(line: str) -> list[float]:
    """What each profile column means, written line by line with the regexes it stands for
    (the classifier computes the same for a whole page at once, with numpy)."""
    c = classifier
    words = len(c._WORD_RE.findall(line))
    nw = max(words, 1)
    nchars = max(len(line), 1)
    stop = sum(token in c._STOP_WORDS for token in line.lower().split())
    length = max(words, len(c._CJK_RE.findall(line)) // 2)
    row = [0.0] * c._N_PROFILE
    row[c._LENGTH] = length
    row[c._STOP] = min(stop / nw, 1.0)
    row[c._PUNCT] = sum(not (ch.isspace() or c._WORD_CHAR_RE.match(ch)) for ch in line) / nchars
    row[c._ENDS_SENTENCE] = bool(line) and line[-1] in c._TERMINAL
    row[c._CAPS] = sum(word[0].isupper() for word in c._WORD_RE.findall(line)) / nw
    row[c._DIGITS] = len(c._DIGIT_RE.findall(line)) / nchars
    row[c._LINK] = c._LINKY_RE.search(line) is not None
    row[c._DATED] = length <= 8 and c._DATE_RE.search(line) is not None
    row[c._LOWER_START] = line[:1].islower()
    row[c._COMMAS] = line.count(",") / nw
    row[c._ELLIPSIS] = line.endswith(("...", "…"))
    row[c._GLUED] = c._GLUED_RE.search(line) is not None
    row[c._LABEL] = c._LABEL_RE.match(line) is not None
    row[c._NO_STOP] = words >= 2 and stop == 0
    row[c._WORDS] = words
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
    page = classifier._profile_matrix(lines)

    for row, line in zip(page, lines, strict=True):
        expected = _reference_profile(line)
        keep = [k for k in range(len(row)) if k != classifier._KEY]
        assert row[keep].tolist() == pytest.approx([expected[k] for k in keep]), line


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
    keys = classifier._profile_matrix(lines)[:, classifier._KEY].tolist()

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
    assert classifier._densest_stretch(np.array(weights)) == _kadane(weights)


@pytest.mark.parametrize("archive", [False, True])
def test_weights_set_for_fitting_are_the_ones_new_memos_judge_with(archive: bool) -> None:
    names = (
        ("STAGE1_ARCHIVE_WEIGHTS", "STAGE2_ARCHIVE_WEIGHTS")
        if archive
        else ("STAGE1_WEIGHTS", "STAGE2_WEIGHTS")
    )
    shipped = tuple(getattr(classifier, name) for name in names)
    stats = LineStats.build([["Home", f"story {n}"] for n in range(MIN_DOCUMENTS)]) if archive else None
    lines = NAVIGATION + ARTICLE + FOOTER
    try:
        classifier.set_weights(archive=archive, stage1=[2.0] + [0.0] * (len(shipped[0]) - 1))

        flat = classifier.stage1_scores(lines, classifier.LineMemo(stats))

        assert flat.tolist() == pytest.approx([1 / (1 + math.exp(-2.0))] * len(lines))
    finally:
        classifier.set_weights(archive=archive, stage1=shipped[0], stage2=shipped[1])
    assert classifier.stage1_scores(lines, classifier.LineMemo(stats)).std() > 0.1
