"""Words as the metadata rules count and compare them."""

from __future__ import annotations

import html
import re
import unicodedata

# the scripts of South-East Asia written without spaces between words: Thai, Lao, Myanmar,
# Khmer (their vowel marks are no \w: a word is a run of \w and of these)
SEA_CHARS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
_WORD_RE = re.compile(rf"[\w{SEA_CHARS}]+")
_WS_RE = re.compile(r"\s+")
# the characters a CJK personal name is matched in: ideographs and hangul (most names are
# written in them; a kana run is more often a word than a name)
CJK_NAME_CHARS = "\u3400-\u9fff\uac00-\ud7af"
# the scripts written without spaces between words: kana, CJK ideographs, hangul
CJK_CHARS = f"\u3040-\u30ff{CJK_NAME_CHARS}"
# counted by runs: findall would build one string per character (a list the size of the text)
_CJK_RUN_RE = re.compile(f"[{CJK_CHARS}]+")
_SEA_RUN_RE = re.compile(f"[{SEA_CHARS}]+")


def word_key(text: str) -> str:
    """The words of ``text``, lower case, one space apart: for comparing lines and titles."""
    return " ".join(_WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def _count_in(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` are in the runs ``runs`` matches."""
    return sum(m.end() - m.start() for m in runs.finditer(text))


def word_count(text: str) -> int:
    """Word count; scripts written without spaces count two CJK characters as a word, four of
    Thai, Lao, Myanmar or Khmer (their words are longer)."""
    words = len(_WORD_RE.findall(text))
    if text.isascii() or max(text) < "\u0e00":  # no character of SEA_CHARS or CJK_CHARS
        return words
    return max(words, (2 * _count_in(_CJK_RUN_RE, text) + _count_in(_SEA_RUN_RE, text)) // 4)


def text_length(text: str) -> int:
    """Length in characters, a CJK character counting as three: about the letters a word takes
    in spaced scripts, so a bound in characters means as much text in every script."""
    if text.isascii() or max(text) < "\u3040":
        return len(text)
    return len(text) + 2 * _count_in(_CJK_RUN_RE, text)


def html_text(el: object) -> str:
    """An lxml element's text, whitespace squashed; ``""`` for ``None``."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""  # type: ignore[attr-defined]


def squash(value: str) -> str:
    """Whitespace tidied, NFC, and HTML entities some pages double-escape in meta tags decoded."""
    if "&" in value:
        value = html.unescape(value)
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", value)).strip()
