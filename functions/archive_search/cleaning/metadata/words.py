"""Words as the metadata rules count and compare them."""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"\w+", re.UNICODE)
# the scripts written without spaces between words: kana, CJK ideographs, hangul
CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_CJK_RE = re.compile(f"[{CJK_CHARS}]")


def word_key(text: str) -> str:
    """The words of ``text``, lower case, one space apart: for comparing lines and titles."""
    return " ".join(_WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def word_count(text: str) -> int:
    """Word count; scripts written without spaces count two characters as a word."""
    words = len(_WORD_RE.findall(text))
    if text.isascii() or max(text) < "\u3040":  # no character _CJK_RE can match
        return words
    return max(words, len(_CJK_RE.findall(text)) // 2)


def text_length(text: str) -> int:
    """Length in characters, a CJK character counting as three: about the letters a word takes
    in spaced scripts, so a bound in characters means as much text in every script."""
    if text.isascii() or max(text) < "\u3040":
        return len(text)
    return len(text) + 2 * len(_CJK_RE.findall(text))


def html_text(el: object) -> str:
    """An lxml element's text, whitespace squashed; ``""`` for ``None``."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""  # type: ignore[attr-defined]
