"""Writes functions/archive_search/language_names.json: language names, folded (case and accents
ignored, spaces collapsed), to the language code the index keeps (``language_code``), from the
Unicode CLDR tables Babel ships, the tables the search page's ``Intl.DisplayNames`` reads:

- every language's English name, and the English names of its regional and script variants
  (``British English``, ``Simplified Chinese``): the names the page shows;
- every language's own name (``français``, ``Deutsch``, ``中文``);
- the names of the languages with a two-letter code in the languages the archive analyses in
  full (``anglais``, ``Englisch``, ``英语``).

A name that two tables give to different languages is kept as the earlier table gives it; a
name one table gives to two languages is left out (it names neither).

    .venv/bin/python -m tools.language_names   # Babel is installed with trafilatura (courlan)
"""

from __future__ import annotations

import json
from pathlib import Path

from babel import Locale, UnknownLocaleError

from archive_search.language_tags import language_code, name_key

OUT = Path(__file__).resolve().parents[1] / "functions" / "archive_search" / "language_names.json"
# The languages with a full analysis on every engine (docs/search-languages.md), and Dutch and
# Arabic, whose readers search this archive in them.
NAMING_LOCALES = ("de", "fr", "es", "it", "pt", "ru", "zh", "ja", "ko", "nl", "ar")


def _table(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Folded name -> code for (CLDR code, name) pairs; names given to two languages dropped."""
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for cldr_code, name in pairs:
        code = language_code(cldr_code.split("_")[0])
        key = name_key(name)
        if code is None or not key:
            continue
        if table.setdefault(key, code) != code:
            ambiguous.add(key)
    return {key: code for key, code in table.items() if key not in ambiguous}


def _own_names(codes: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for code in codes:
        try:
            own = Locale.parse(code).languages.get(code)
        except (UnknownLocaleError, ValueError):
            continue
        if own:
            pairs.append((code, own))
    return pairs


def build() -> dict[str, str]:
    english = Locale("en").languages
    two_letter = [code for code in english if len(code) == 2]
    tables = [
        _table(list(english.items())),
        _table(_own_names([code for code in english if "_" not in code])),
        _table([(code, Locale(locale).languages[code]) for locale in NAMING_LOCALES for code in two_letter]),
    ]
    names: dict[str, str] = {}
    for table in tables:
        for key, code in table.items():
            names.setdefault(key, code)
    return dict(sorted(names.items()))


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
