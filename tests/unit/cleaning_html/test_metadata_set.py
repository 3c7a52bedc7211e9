"""The project's labelled metadata set: HTML and JSON documents come out exactly as labelled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive_search.cleaning import clean

pytestmark = pytest.mark.unit

SET_DIR = Path(__file__).resolve().parents[3] / "bench" / "metadata-set"
LABELS = json.loads((SET_DIR / "labels.json").read_text(encoding="utf-8"))
HTML_AND_JSON = sorted(name for name in LABELS if name.endswith((".html", ".json")))


def test_the_labelled_set_is_big_enough_and_multilingual() -> None:
    assert len(LABELS) >= 30
    assert {label["language"] for label in LABELS.values()} >= {"en", "fr", "de", "es"}


@pytest.mark.parametrize("name", HTML_AND_JSON)
def test_html_and_json_documents_match_their_labels(name: str) -> None:
    article = clean((SET_DIR / name).read_bytes(), name)[0]  # multi-record files: the first is labelled
    expected = LABELS[name]
    got = {
        "title": article.title,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "authors": list(article.authors),
        "author_org": article.author_org,
        "place": article.place,
        "language": article.language,
    }
    assert got == expected
