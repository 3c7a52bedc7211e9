"""The two seeds of the foundation issue come out right."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search.cleaning import clean

pytestmark = pytest.mark.unit

TEASER_TEXT = (
    "Rafah",
    "First steps",
    "Updated 29 May, 2024",
    "29 May, 2024",
    "On a whim",
    "Afghan puzzle",
    "Persistent scourge",
    "Opinion",
    "Editorial",
    "Youm-i-Takbeer",
    "polio",
)


def test_seed_000_keeps_the_repeated_headline_once_as_title(seed_000: bytes) -> None:
    [article] = clean(seed_000, "inbox/000_178441e45c435c79.txt")

    assert article.title == (
        "Khawaja Asif Expresses Concern Over TTP’s Continued Use Of Afghan Soil For Attacks on Pakistan"
    )
    assert "Khawaja Asif Expresses Concern" not in article.body


def test_seed_000_body_has_no_related_link_or_widget_lines(seed_000: bytes) -> None:
    [article] = clean(seed_000, "inbox/000_178441e45c435c79.txt")

    for furniture in ("Read More", "Khorasani", "Most Popular", "To Top"):
        assert furniture not in article.body
    assert article.body.startswith("Pakistan’s Defense Minister Khawaja Asif has expressed concern")
    assert article.body.endswith("use of Afghan soil for carrying out attacks in Pakistan.")
    assert len(article.body.split("\n\n")) == 4


def test_seed_000_keeps_typographic_quotes(seed_000: bytes) -> None:
    [article] = clean(seed_000, "inbox/000_178441e45c435c79.txt")

    assert "“co-exist”" in article.body
    assert "Afghanistan’s interim government" in article.body
    assert "night vision goggles" in article.body


def test_seed_000_invents_no_source_date_or_place(seed_000: bytes) -> None:
    [article] = clean(seed_000, "inbox/000_178441e45c435c79.txt")

    assert article.source is None
    assert article.published is None
    assert article.place is None
    assert article.language == "en"


def test_seed_003_takes_source_and_date_from_the_credit_line(seed_003: bytes) -> None:
    [article] = clean(seed_003, "inbox/003_adb2bf521e5eb72d.txt")

    assert article.source == "Dawn"
    assert article.published == date(2023, 4, 12)
    assert article.place == "Karachi"


def test_seed_003_drops_the_teaser_block_after_the_credit_line(seed_003: bytes) -> None:
    [article] = clean(seed_003, "inbox/003_adb2bf521e5eb72d.txt")

    for teaser in TEASER_TEXT:
        assert teaser not in article.title
        assert teaser not in article.body
    assert "Published in Dawn" not in article.body
    assert article.body.endswith("poisoned by the Taliban in the past as well,” the minister said.")


def test_seed_003_keeps_every_article_paragraph_in_order(seed_003: bytes) -> None:
    [article] = clean(seed_003, "inbox/003_adb2bf521e5eb72d.txt")
    paragraphs = article.body.split("\n\n")

    assert len(paragraphs) == 11
    assert paragraphs[0].startswith("KARACHI: Defence Minister Khawaja Asif has said")
    assert "night vision goggles" in article.body
    assert article.title.startswith("Defence Minister Khawaja Asif has said")
