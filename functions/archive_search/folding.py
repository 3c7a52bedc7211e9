"""One accent- and case-insensitive form of text, for every comparison that ignores both."""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "fold_as_indexed"]

# Letters of living Latin orthographies that the engine's asciifolding filter folds and Unicode
# decomposition keeps whole (Nordic, Polish, Croatian, Vietnamese, Turkish, Icelandic, Maltese,
# Azerbaijani, Sámi), lower case as fold leaves them.
_INDEX_LETTERS = str.maketrans(
    {"æ": "ae", "ð": "d", "ø": "o", "þ": "th", "đ": "d", "ħ": "h", "ı": "i", "ł": "l"}
    | {"ŋ": "n", "œ": "oe", "ŧ": "t", "ə": "a", "ƒ": "f"}
)


def fold(text: str) -> str:
    """``text`` casefolded, its accents dropped (NFKD, combining marks removed): ``Élysée`` ->
    ``elysee``. Fingerprints and host-name matching must agree on it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_as_indexed(text: str) -> str:
    """``fold`` with the letters the index's folded fields also spell in ASCII (``Łódź``,
    ``Tromsø`` -> ``lodz``, ``tromso``): what a facet prefix is compared with values by."""
    return fold(text).translate(_INDEX_LETTERS)
