"""The word lists the metadata rules read, from ``metadata_words.json`` (read once)."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def metadata_words() -> dict[str, Any]:
    """The word lists of ``metadata_words.json`` (agencies, CMS accounts, non-publishers, ...)."""
    return json.loads(Path(__file__).with_name("metadata_words.json").read_text(encoding="utf-8"))


@cache
def folded_words(key: str) -> frozenset[str]:
    """One word list of ``metadata_words.json``, case-folded (read once)."""
    return frozenset(w.casefold() for w in metadata_words()[key])
