"""The language of a text (py3langid, with a quick answer for plain English) and of a declared
language tag."""

from __future__ import annotations

import re
from functools import lru_cache

from archive_search.language_tags import language_code

_LANG_MIN_CHARS = 40
_LANG_MIN_PROB = 0.8
# Plenty for a confident guess (a longer sample gives the same languages on the benchmarks);
# langid's cost grows with the sample.
LANG_SAMPLE_CHARS = 400
# Matches when the sample holds at least _LANG_MIN_CHARS letters: stops at the 40th (counting
# every letter of the sample took a quarter of the detection's time).
_ENOUGH_LETTERS_RE = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{_LANG_MIN_CHARS}}}")


@lru_cache(maxsize=1)
def _identifier():
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The model ships its feature table as float16, which numpy converts to float32 on every
    # call: converted once here, each call is faster with the same results.
    identifier.nb_ptc = identifier.nb_ptc.astype(np.float32)
    return identifier


# English function words that no other language uses as common words. A text whose first
# _ENGLISH_SAMPLE_CHARS hold many of them is English prose, and py3langid (a byte-by-byte Python
# loop, the largest single cost of cleaning a text dump) is not asked: English prose holds far
# more of them than the threshold, other languages far fewer (figures: bench/README.md).
_ENGLISH_MARKERS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "was",
        "that",
        "with",
        "for",
        "are",
        "have",
        "has",
        "from",
        "this",
        "which",
        "were",
        "would",
        "been",
        "their",
        "they",
        "will",
    ]
)
_ENGLISH_MIN_MARKERS = 12
_ENGLISH_SAMPLE_CHARS = 1000
_ENGLISH_MIN_SHARE = 1 / 8


def _plainly_english(sample: str) -> bool:
    words = sample.lower().split()
    markers = sum(map(_ENGLISH_MARKERS.__contains__, words))
    return markers >= _ENGLISH_MIN_MARKERS and markers >= _ENGLISH_MIN_SHARE * len(words)


def detect_language(text: str | None) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when too short or unsure."""
    if not text:
        return None
    sample = text[:LANG_SAMPLE_CHARS]
    if not _ENOUGH_LETTERS_RE.match(sample):
        return None
    if _plainly_english(text[:_ENGLISH_SAMPLE_CHARS]):
        return "en"
    code, prob = _identifier().classify(sample)
    if prob < _LANG_MIN_PROB:
        return None
    return str(code)


def normalise_language(value: object) -> str | None:
    """The declared language tag as the index keeps it (``archive_search.language_tags``)."""
    return language_code(value)
