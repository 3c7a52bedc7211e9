"""One accent- and case-insensitive form of text, for every comparison that ignores both."""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """``text`` casefolded, its accents dropped (NFKD, combining marks removed): ``Élysée`` ->
    ``elysee``. Fingerprints, facet-value prefixes and host-name matching must agree on it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
