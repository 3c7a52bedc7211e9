"""Inputs shared by the cleaning tests: the two seeds as they are kept in the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "infra" / "archive_local" / "samples"


@pytest.fixture(scope="session")
def seed_000() -> bytes:
    return (SAMPLES / "000_178441e45c435c79.txt").read_bytes()


@pytest.fixture(scope="session")
def seed_003() -> bytes:
    return (SAMPLES / "003_adb2bf521e5eb72d.txt").read_bytes()
