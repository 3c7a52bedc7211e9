"""Bytes of an upload to clean Unicode text.

Order matters: a byte-order mark is the strongest evidence of an encoding, then strict
UTF-8 (most uploads), then charset detection for legacy encodings (cp1252, latin-1, ...).
The decoded text is then repaired (mojibake such as ``â€™`` → ``’``), NFC-normalised,
and stripped of zero-width and control characters; line breaks and tabs are kept.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes

from archive_search.errors import RejectedInput

__all__ = ["decode_bytes", "looks_binary", "normalise_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0/C1 controls except tab, LF, CR; zero-width and bidi formatting characters; BOM; soft hyphen;
# interlinear annotation marks; U+FFFE/U+FFFF non-characters.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_LINE_SEPARATORS_RE = re.compile("\r\n?|[\u2028\u2029\x85]")
# Share of "strange" characters above which decoded bytes are considered binary.
_BINARY_SHARE = 0.10
# UTF-8 read as cp1252/latin-1: a lead byte (Â..ô) followed by a continuation byte (0x80-0xBF as
# cp1252 shows it). A cheap gate: ftfy's full check costs milliseconds per page.
_MOJIBAKE_HINT_RE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# Control bytes, private-use characters and replacement characters: what binary data decodes to.
_STRANGE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\ud800-\udfff]")
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def _strip_bom(data: bytes) -> tuple[str | None, bytes]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom) :]
    return None, data


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.6 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control bytes: not a text file."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def _plausible_western(data: bytes) -> str | None:
    """Windows-1252 (a superset of latin-1's printable range) when it reads like Western text.

    Charset detectors are unreliable on short texts and often pick cp1250 or mac_roman for
    Western European text. In real Western text accented letters are a minority inside
    mostly-ASCII words; Cyrillic or Greek bytes read as cp1252 give words made only of them.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return text
    non_ascii = sum(1 for ch in letters if not ch.isascii())
    return text if non_ascii / len(letters) < 0.25 else None


def _detect(data: bytes) -> str:
    western = _plausible_western(data)
    if western is not None:
        return western
    best = from_bytes(data[:65536]).best()
    if best is None:
        raise RejectedInput("undecodable", "the file's character encoding could not be recognised")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise RejectedInput("undecodable", f"the file is not valid {best.encoding}") from None


def normalise_text(text: str) -> str:
    """Repair mojibake, NFC-normalise, unify line breaks, drop invisible/control characters."""
    text = _LINE_SEPARATORS_RE.sub("\n", text)
    text = text.replace("\u00a0", " ")
    if _MOJIBAKE_HINT_RE.search(text):
        text = ftfy.fix_text(text, _FTFY_CONFIG)
    text = _INVISIBLE_RE.sub("", text)
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes) -> str:
    """Decode one upload to normalised text, or raise RejectedInput (``binary``, ``undecodable``)."""
    encoding, payload = _strip_bom(data)
    if encoding is None:
        encoding = _utf16_without_bom(payload)
    if encoding is not None:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            raise RejectedInput("undecodable", f"the file is not valid {encoding}") from None
    else:
        if looks_binary(payload):
            raise RejectedInput("binary", "the file is binary, not text")
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(payload)
    strange = len(_STRANGE_RE.findall(text, 0, 8192))
    if text and strange / min(len(text), 8192) > _BINARY_SHARE:
        raise RejectedInput("binary", "the file is binary, not text")
    return normalise_text(text)
