"""bench/line_stats.py measures both ways of counting, in their own processes, and compares them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def test_the_line_stats_bench_prints_both_peaks_and_that_the_statistics_agree() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "line_stats.py"), "--pages", "2000"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stdout.strip().splitlines()

    assert lines[0].startswith("spilled ") and lines[1].startswith("in-memory ")
    assert re.fullmatch(
        r"line statistics of 2000 pages: peak memory \d+ MB spilled, \d+ MB in memory \(\d+\.\dx\); "
        r"same statistics: True",
        lines[-1],
    )
    assert "'lines': 20000," in lines[0]  # the 20 menu lines of each of 1,000 sites repeat; the rest do not
