"""The line classifier on a whole-page dump it has never seen."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.cleaning import classifier

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
    page = classifier._profile_matrix(lines, {})
    alone = [classifier._profile_matrix([line], {})[0] for line in lines]

    for row, single in zip(page, alone, strict=True):
        keep = [k for k in range(len(row)) if k != classifier._KEY]
        assert row[keep].tolist() == single[keep].tolist()
