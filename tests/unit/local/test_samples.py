"""The sample archive: the two seeds plus the project's own articles in every format."""

from __future__ import annotations

import gzip
import json

import pytest

from archive_local.stack import sample_files
from tests.conftest import SEEDS as SEED_FILES

pytestmark = pytest.mark.unit

SEEDS = {seed.name for seed in SEED_FILES}


def own_samples() -> dict[str, bytes]:
    return {name: data for name, data in sample_files() if name not in SEEDS}


def article_count(name: str, data: bytes) -> int:
    if name.endswith(".gz"):
        name, data = name[:-3], gzip.decompress(data)
    if name.endswith(".json"):
        parsed = json.loads(data)
        return len(parsed) if isinstance(parsed, list) else 1
    if name.endswith(".ndjson"):
        return len(data.splitlines())
    return 1


def test_the_seeds_ship_with_the_samples() -> None:
    assert {name for name, _ in sample_files()} >= SEEDS


def test_at_least_twenty_articles_of_our_own() -> None:
    assert sum(article_count(name, data) for name, data in own_samples().items()) >= 20


def test_every_supported_format_is_represented() -> None:
    names = own_samples()
    for suffix in (".txt", ".html", ".htm", ".json", ".ndjson", ".txt.gz", ".html.gz"):
        assert any(name.endswith(suffix) for name in names), suffix
    assert any(isinstance(json.loads(data), list) for name, data in names.items() if name.endswith(".json"))


@pytest.mark.parametrize("word", ["rafah", "khorasani", "night vision"])
def test_no_sample_of_our_own_matches_the_seed_acceptance_queries(word: str) -> None:
    for name, data in own_samples().items():
        raw = gzip.decompress(data) if name.endswith(".gz") else data
        assert word not in raw.decode("latin-1").lower(), name
