"""Near-duplicate fingerprints: one key shared by copies of the same text.

Syndicated wire stories and re-uploads under another key differ in whitespace,
punctuation, case, typographic quotes or a line of boilerplate at either end; their
fingerprint is the same, so search can collapse them into one hit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from archive_search.model import Article

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


def fingerprint(article: Article) -> str:
    """A key equal for near-identical bodies: the hash of the body's words with the
    first and last tenth trimmed (where credit lines and footers differ between copies)."""
    words = _words(article.body)
    trim = len(words) // 10
    core = words[trim : len(words) - trim] if len(words) >= 20 else words
    return hashlib.blake2b(" ".join(core).encode(), digest_size=12).hexdigest()
