"""bench/compare.py checks out a base revision, runs both versions interleaved and prints ratios."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
BODY = (
    "The harbour authority approved a plan on Tuesday to dredge the northern channel so that larger "
    "cargo ships can dock at the port for the first time since 1998."
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "textdump").mkdir()
    for doc_id, title in (("a", "Dredging plan"), ("b", "Port reopens"), ("c", "Channel works")):
        (tmp_path / "textdump" / f"{doc_id}.txt").write_text(f"Home\nNews\n{title}\n{BODY}\n{BODY}\n")
    return tmp_path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "compare.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _base_upper_casing_titles(tmp_path: Path, found: str) -> Path:
    """A copy of the functions whose clean() upper-cases the titles of what ``found`` (lines
    setting ``found``, and returning early when the base should clean as the tree does) finds."""
    base = tmp_path / "base"
    shutil.copytree(ROOT / "functions", base / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    with (base / "functions" / "archive_search" / "cleaning" / "__init__.py").open("a") as module:
        module.write(
            "\n_clean = clean\n"
            "def clean(*args, **kwargs):\n"
            "    import dataclasses\n"
            f"{found}"
            "    return [dataclasses.replace(a, title=a.title.upper()) for a in found]\n"
        )
    return base


def test_compare_against_head_prints_round_ratios_and_finds_the_same_output(data: Path) -> None:
    result = run(
        "--base", "HEAD", "--input", "textdump", "--data", str(data), "--rounds", "2", "--check-output"
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"# textdump, 3 pages of .*, 2 rounds", lines[0])
    assert [
        line.split(":")[0] for line in lines if line.startswith("# base") or line.startswith("# new")
    ] == [
        "# base",
        "# new",
    ]
    assert sum(1 for line in lines if re.match(r"# (before|after): load [\d. ]+, timeit ", line)) == 2
    rounds = [line for line in lines if line.startswith("round ")]
    assert [r.split(":")[0] for r in rounds] == ["round 1", "round 2"]
    assert all(re.search(r"new is \d+\.\d\dx of base$", r) for r in rounds)
    assert "output differs on 0 of 3 pages" in lines
    assert re.fullmatch(r"best-of: new is \d+\.\d\dx of base \(base CPU time / new CPU time\)", lines[-1])


def test_compare_names_a_base_it_cannot_check_out(data: Path) -> None:
    result = run("--base", "no-such-revision", "--data", str(data))

    assert result.returncode != 0
    assert "--base no-such-revision" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_output_counts_the_pages_a_base_cleans_differently(data: Path, tmp_path: Path) -> None:
    # A base checkout whose cleaner upper-cases every title: all three pages differ.
    base = _base_upper_casing_titles(tmp_path, "    found = _clean(*args, **kwargs)\n")

    result = run("--base", str(base), "--data", str(data), "--rounds", "1", "--check-output")

    assert result.returncode == 0, result.stderr
    assert "output differs on 3 of 3 pages: a b c" in result.stdout.splitlines()


def test_no_stats_cleans_text_dumps_without_line_statistics(data: Path, tmp_path: Path) -> None:
    # A base checkout whose cleaner upper-cases every title when it is given line statistics.
    base = _base_upper_casing_titles(
        tmp_path,
        "    found = _clean(*args, **kwargs)\n    if kwargs.get('line_stats') is None:\n        return found\n",
    )
    common = ("--base", str(base), "--data", str(data), "--rounds", "1", "--check-output")

    with_stats, without = run(*common), run(*common, "--no-stats")

    assert with_stats.returncode == without.returncode == 0, with_stats.stderr + without.stderr
    assert "output differs on 3 of 3 pages: a b c" in with_stats.stdout.splitlines()
    assert "output differs on 0 of 3 pages" in without.stdout.splitlines()
    assert without.stdout.startswith("# textdump, without line statistics, 3 pages of ")
