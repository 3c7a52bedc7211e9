"""Archive line statistics: counting, storing, and what the cleaner does with them."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from archive_search.cleaning import CLEANER_VERSION, clean, cleaner_version, text_dump_lines
from archive_search.cleaning.lines import MIN_DOCUMENTS, LineMemo, LineStats, line_keys, scores, stage1_scores
from archive_search.cleaning.lines import stats as stats_module
from archive_search.errors import ConfigurationError

pytestmark = pytest.mark.unit

MENU = ["Home", "World", "Business", "Sport", "Sign in", "Subscribe to our newsletter"]
FOOTER = ["About us", "Contact", "Privacy policy", "© 2024 Valley Herald. All rights reserved."]


def _page(n: int) -> list[str]:
    """A page of the same site: its menu and footer, and an article of its own."""
    article = [
        f"Story {n}: volunteers planted {n * 10 + 7} trees along the river on Saturday, the largest "
        f"planting the valley has seen in {n + 3} years, the organisers said.",
        f"The water board, which paid for saplings number {n}, will monitor the site for {n + 2} years "
        "and said similar plantings elsewhere had cut erosion by about a third.",
        f"Not everyone was convinced: landowner {n} said the roots would block the drainage ditches.",
    ]
    return [*MENU, f"Trees for the river, part {n}", *article, "Related stories", *FOOTER]


def _archive(pages: int) -> LineStats:
    return LineStats.build(_page(n) for n in range(pages))


def test_a_line_counts_once_per_document_holding_it_and_single_document_lines_are_not_kept() -> None:
    stats = LineStats.build([["Home", "Home", "a story"], ["Home", "another story"], ["HOME  ", "x"]])

    assert stats.documents == 3
    keys = line_keys(["Home", "home", "a story", "never seen"])
    # "Home" is in three documents (case and outer spaces aside): two others for any of them
    assert stats.others(keys).tolist() == [2.0, 2.0, 0.0, 0.0]
    assert len(stats.keys) == 1  # "a story", "another story" and "x" are in one document each


def test_statistics_survive_a_round_trip_through_bytes() -> None:
    stats = _archive(30)

    again = LineStats.from_bytes(stats.to_bytes())

    assert again.documents == stats.documents
    assert np.array_equal(again.keys, stats.keys) and np.array_equal(again.counts, stats.counts)
    assert again.digest == stats.digest


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_bytes_that_are_not_statistics_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="not line statistics"):
        LineStats.from_bytes(data)


def test_unsorted_keys_are_refused() -> None:
    stats = LineStats(np.array([5, 3], dtype=np.uint64), np.array([2, 2], dtype=np.uint32), 40)

    with pytest.raises(ValueError, match="not sorted"):
        LineStats.from_bytes(stats.to_bytes())


def test_the_digest_names_the_content() -> None:
    assert _archive(30).digest == _archive(30).digest
    assert _archive(30).digest != _archive(31).digest


def test_statistics_of_few_documents_are_not_used() -> None:
    few, enough = _archive(MIN_DOCUMENTS - 1), _archive(MIN_DOCUMENTS)

    assert not few.usable and enough.usable
    assert LineMemo(few).stats is None
    assert LineMemo(enough).stats is enough
    assert cleaner_version(None) == cleaner_version(few) == CLEANER_VERSION
    assert cleaner_version(enough) == f"{CLEANER_VERSION}+lines.{enough.digest}"


def test_lines_the_archive_repeats_score_lower_than_when_the_archive_has_never_seen_them() -> None:
    page = _page(99)
    site = _archive(40)  # every page of the site has the menu and the footer
    unrelated = LineStats.build([f"page {n} line {k}" for k in range(3)] for n in range(40))

    with_site = scores(page, LineMemo(site))
    without = scores(page, LineMemo(unrelated))
    with_site_1 = stage1_scores(page, LineMemo(site))
    without_1 = stage1_scores(page, LineMemo(unrelated))

    boilerplate = [i for i, line in enumerate(page) if line in MENU + FOOTER]
    # The statistics enter stage 1; stage 2 rescales by the page's best line, so a line far
    # below the threshold either way may come out level there.
    assert all(with_site_1[i] < without_1[i] for i in boilerplate)
    assert all(with_site[i] < without[i] or with_site[i] < 0.05 for i in boilerplate)
    assert sum(with_site[i] for i in boilerplate) < sum(without[i] for i in boilerplate)


def test_clean_uses_the_statistics_it_is_given_on_text_dumps() -> None:
    data = "\n".join(_page(7)).encode()
    site = _archive(40)

    article = clean(data, "inbox/page.txt", line_stats=site)[0]

    assert "Story 7" in article.body
    assert not any(line in article.body for line in MENU + FOOTER)


def test_text_dump_lines_are_the_blocks_of_text_uploads_only() -> None:
    assert text_dump_lines(b"Home\n\n  World   news  \n", "a.txt") == ["Home", "World news"]
    assert text_dump_lines(b"<html><body><p>Hello</p></body></html>", "a.html") == []
    assert text_dump_lines(b'{"title": "x"}', "a.json") == []
    assert text_dump_lines(b"", "empty.txt") == []


def _many_documents() -> list[list[str]]:
    return [[f"line {k % 7}", f"line {n}", "Home", f"menu {n % 3}"] for n, k in enumerate(range(0, 300, 3))]


def test_counts_spilled_to_files_by_key_range_are_the_counts_of_one_pass_in_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    documents = _many_documents()
    whole = LineStats.build(documents)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spilled: list[int] = []
    add = stats_module._KeyRanges.add
    monkeypatch.setattr(
        stats_module._KeyRanges, "add", lambda self, keys: (spilled.append(len(keys)), add(self, keys))
    )

    chunked = LineStats.build(documents, spill_every=5)

    assert len(spilled) > 10
    assert chunked.digest == whole.digest and len(whole.keys) > 0
    assert list(tmp_path.iterdir()) == []  # the temporary files are gone


def test_the_most_frequent_lines_are_the_same_when_counted_by_key_range() -> None:
    documents = _many_documents()
    whole = LineStats.build(documents, max_lines=3)

    assert LineStats.build(documents, max_lines=3, spill_every=5).digest == whole.digest
    assert len(whole.keys) == 3


def test_temporary_files_are_removed_when_counting_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def documents():
        yield from _many_documents()[:20]
        raise OSError("the bucket listing broke")

    with pytest.raises(OSError):
        LineStats.build(documents(), spill_every=5)

    assert list(tmp_path.iterdir()) == []


def test_only_the_most_frequent_lines_are_kept_beyond_the_limit() -> None:
    documents = [
        ["everywhere", "often" if n % 2 else "rarely", "twice" if n < 2 else f"alone {n}"] for n in range(10)
    ]

    stats = LineStats.build(documents, max_lines=2)

    kept = stats.others(line_keys(["everywhere", "often", "rarely", "twice"])).tolist()
    assert kept == [9.0, 4.0, 4.0, 0.0] or kept == [9.0, 4.0, 0.0, 0.0] or kept == [9.0, 0.0, 4.0, 0.0]
    assert len(stats.keys) == 2


def test_no_room_for_temporary_files_is_a_clear_error_naming_tmpdir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))

    with pytest.raises(ConfigurationError, match="TMPDIR"):
        LineStats.build(_many_documents(), spill_every=5)
