"""Language tags as the index keeps them: the ISO 639-1 code where the language has one (``en``,
``fr``: what detection gives and the analyzers are named by), otherwise its ISO 639-2/639-3
code (``fil``, ``yue``). A plain table and a function: ingest reads them, and so does the write
function (whose bundle holds no cleaning code) to refuse a tag ingest would drop. Searches also
take a language by name (``English``, ``français``), from a second table."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from archive_search.folding import fold

__all__ = ["LANGUAGE_TAG_PATTERN", "language_code", "language_of", "name_key"]

# A BCP 47 tag's shape: the language subtag, then script, region, variant... subtags
# (``zh-Hant-TW``, ``en_GB``); only the first is read.
LANGUAGE_TAG_PATTERN = r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$"
_TAG_RE = re.compile(LANGUAGE_TAG_PATTERN)


@lru_cache(maxsize=1)
def _codes() -> tuple[dict[str, str], frozenset[str]]:
    # Written by tools/language_codes.py from the ISO 639 tables.
    data = json.loads(Path(__file__).with_name("language_codes.json").read_text(encoding="utf-8"))
    return data["two_letter"], frozenset(data["codes"].split())


def language_code(value: object) -> str | None:
    """``en-US``/``en_GB``/``EN``/``eng`` -> ``en``, ``fil-PH`` -> ``fil``; ``None`` for anything
    that is not the tag of a language (``und``, ``xx``, ``english``)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _TAG_RE.match(value):
        return None
    code = re.split(r"[-_]", value, maxsplit=1)[0].lower()
    two_letter, kept = _codes()
    code = two_letter.get(code, code)
    return code if code in kept else None


def name_key(name: str) -> str:
    """How a language name is looked up: case, accents and spacing ignored (``Français`` and
    ``francais``, ``british  english``), as the filters ignore them."""
    return " ".join(fold(name).split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    # Written by tools/language_names.py from the CLDR names the search page shows.
    return json.loads(Path(__file__).with_name("language_names.json").read_text(encoding="utf-8"))


def language_of(value: str) -> str | None:
    """The language a search names, by tag (``language_code``) or by name in English, in itself
    or in a language the archive analyses (``English``, ``français``, ``Englisch``, ``British
    English`` -> ``en``); ``None`` when it names none."""
    return language_code(value) or _names().get(name_key(value))
