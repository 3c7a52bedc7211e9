"""Bytes of an upload to clean Unicode text.

Order matters: a byte-order mark is the strongest evidence of an encoding, then strict
UTF-8 (most uploads), then charset detection for legacy encodings (cp1252, latin-1, ...).
The decoded text is then repaired (mojibake such as ``â€™`` → ``’``), NFC-normalised,
and stripped of zero-width and control characters; line breaks and tabs are kept.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import ftfy
import numpy as np
from charset_normalizer import from_bytes

from archive_search.cleaning.signatures import WHAT_TO_UPLOAD
from archive_search.errors import RejectedInput

__all__ = [
    "CHAR_TABLES_FILE",
    "CharTable",
    "code_points",
    "compute_char_tables",
    "decode_bytes",
    "load_char_tables",
    "looks_binary",
    "normalise_text",
]

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
# Share of "strange" characters above which decoded bytes are considered binary.
_BINARY_SHARE = 0.10
# UTF-8 read as cp1252/latin-1: a lead byte (Â..ô) followed by a continuation byte (0x80-0xBF as
# cp1252 shows it). A cheap gate: ftfy's full check costs milliseconds per page.
_MOJIBAKE_LEAD = "[\u00c2-\u00f4]"
_MOJIBAKE_FOLLOW = (
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_MOJIBAKE_HINT_RE = re.compile(_MOJIBAKE_LEAD + _MOJIBAKE_FOLLOW)
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
    """Many control bytes (NULs among them, outside UTF-16): not a text file. A few NULs are
    not enough: a stray one in a text is dropped with the other control characters."""
    sample = data[:8192]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


# A Latin-1 symbol (¹ ³ ± ¶ ¼ ¾ ¿ ...) between two letters: what Central European letters
# (ą ł ś ź ż, in Windows-1250 or ISO 8859-2) become when read as Windows-1252.
_SYMBOL_IN_WORD_RE = re.compile(r"(?<=[^\W\d_])[\u00a1-\u00bf\u00d7\u00f7](?=[^\W\d_])")
# The other Latin code pages a text that passes for Western may be in, Windows' before ISO's
# (a tie goes to the first): Central European (Czech, Polish, ...) and Turkish.
_OTHER_LATIN = ("cp1250", "iso8859_2", "cp1254")
ALPHABETS_FILE = Path(__file__).with_name("alphabets.json")


@cache
def _alphabets() -> tuple[frozenset[str], ...]:
    """Each language's letters beyond ASCII (alphabets.json), in both cases."""
    listed = json.loads(ALPHABETS_FILE.read_text(encoding="utf-8"))
    return tuple(
        frozenset(letters) | {ch.upper() for ch in letters if len(ch.upper()) == 1}
        for name, letters in listed.items()
        if not name.startswith("_")
    )


def _misfits(text: str) -> int:
    """How many characters of ``text`` a wrong code page would explain: symbols inside words,
    and the non-ASCII letters outside the alphabet of the one language that holds most of them.
    A text is written in one language; a wrong code page mixes the letters of several."""
    letters = Counter(ch for ch in text if not ch.isascii() and ch.isalpha())
    total = sum(letters.values())
    fit = max((sum(n for ch, n in letters.items() if ch in alphabet) for alphabet in _alphabets()), default=0)
    return total - fit + len(_SYMBOL_IN_WORD_RE.findall(text))


def _plausible_western(data: bytes) -> str | None:
    """The text in a Latin code page when it reads like Latin-script text: Windows-1252 (a
    superset of latin-1's printable range), or a Central European or the Turkish code page when
    its reading fits one language's letters strictly better (``_misfits``); else ``None``.

    Charset detectors are unreliable on short texts and often pick cp1250 or mac_roman for
    Western European text (and cp1257 or ISO 8859-3 for Polish). In real Western text accented
    letters are a minority inside mostly-ASCII words; Cyrillic or Greek bytes read as cp1252
    give words made only of them.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return text
    non_ascii = sum(1 for ch in letters if not ch.isascii())
    if non_ascii / len(letters) >= 0.25:
        return None
    best, fewest = text, _misfits(text)
    for codec in _OTHER_LATIN:
        if not fewest:
            break
        reading = data.decode(codec, errors="replace")
        if "\ufffd" not in reading and (misfits := _misfits(reading)) < fewest:
            best, fewest = reading, misfits
    return best


# A page's own statement of its charset: an HTML meta (``charset=`` alone or in http-equiv's
# content) or an XML declaration's encoding, in the first bytes.
_DECLARED_CHARSET_RE = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{2,40})|<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([a-z0-9_.:-]{2,40})",
    re.IGNORECASE,
)
# Labels browsers read as a superset (the WHATWG Encoding Standard): pages declaring latin-1
# hold Windows-1252's curly quotes, "gb2312" pages hold GBK, "shift_jis" pages Windows-31J.
_CHARSET_SUPERSETS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254", "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "gb2312": "gbk", "gb_2312-80": "gbk", "x-gbk": "gbk", "shift_jis": "cp932", "shift-jis": "cp932",
    "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932", "euc-kr": "cp949", "big5": "big5hkscs",
}  # fmt: skip
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _declared_codec(data: bytes) -> str | None:
    """The Python codec of the charset the page declares in its first 4 kB, else ``None``
    (none declared, an unknown label, or a Unicode one: those were tried before)."""
    match = _DECLARED_CHARSET_RE.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup(_CHARSET_SUPERSETS.get(label, label)).name
    except LookupError:
        return None
    return None if codec.startswith(("utf", "utf_")) else codec


def _single_byte(codec: str) -> bool:
    return len(_HIGH_BYTES.decode(codec, errors="replace")) == len(_HIGH_BYTES)


def _declared(data: bytes, western: str | None) -> str | None:
    """The text in the charset the page declares, when the bytes bear it out: a multi-byte
    charset (GBK, Shift-JIS, EUC-KR, ...) when every byte sequence is valid in it, a single-byte
    one when the text reads as Latin-script (``western``): any bytes are valid in a single-byte
    charset, so a wrong label on a page in another script would otherwise be believed."""
    codec = _declared_codec(data)
    if codec is None or (western is None and _single_byte(codec)):
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# Half-width katakana: what Big5's two-byte characters become when read as Shift-JIS (whose
# bytes 0xA1-0xDF are one such katakana each); Japanese text writes its katakana full width.
_HALF_WIDTH_KANA_RE = re.compile("[\uff61-\uff9f]")


def _big5_misread_as_kana(data: bytes, text: str) -> str | None:
    """``data`` read as Big5 when ``text``, the detector's reading, is mostly half-width
    katakana (a quarter of its non-ASCII characters or more) and the bytes are valid Big5
    holding none: short Big5 texts are often taken for Shift-JIS."""
    kana = len(_HALF_WIDTH_KANA_RE.findall(text))
    if not kana or 4 * kana < len(text) - len(text.encode("ascii", "ignore")):
        return None
    try:
        reading = data.decode("big5hkscs")
    except UnicodeDecodeError:
        return None
    return None if _HALF_WIDTH_KANA_RE.search(reading) else reading


def _detect(data: bytes) -> str:
    western = _plausible_western(data)
    declared = _declared(data, western)
    if declared is not None:
        return declared
    if western is not None:
        return western
    best = from_bytes(data[:65536]).best()
    if best is None:
        raise RejectedInput("undecodable", "the file's character encoding could not be recognised")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise RejectedInput("undecodable", f"the file is not valid {best.encoding}") from None
    return _big5_misread_as_kana(data, text) or text


def code_points(text: str) -> np.ndarray:
    """The text's code points as one array (about a tenth of a millisecond for 100 kB)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


class CharTable:
    """A regex character class of BMP characters (or a ready table) as a lookup table, to ask whether a text
    holds any of them without scanning it with the regex (several ms on a 100 kB page)."""

    def __init__(self, char_class: str, table: np.ndarray | None = None) -> None:
        if table is not None:
            self.table = table
        else:
            # One more entry, False, that code points beyond the BMP are mapped to.
            self.table = np.zeros(0x10001, dtype=bool)
            every_bmp_char = "".join(map(chr, range(0x10000)))
            self.table[[m.start() for m in re.finditer(char_class, every_bmp_char)]] = True
        # Printable ASCII and the line breaks are never looked up when the class has none of
        # them: most texts then have no candidate at all.
        marked_high = np.flatnonzero(self.table[0x20:])
        self.first_high = int(marked_high[0]) + 0x20 if len(marked_high) else 0x10000
        self.low_only = not self.table[[0x09, 0x0A, 0x0D]].any()

    def count_in(self, cp: np.ndarray) -> int:
        """How many of the code points (``code_points(text)``) are in the class."""
        return int(self.table.take(np.minimum(cp, 0x10000) if cp.dtype != np.uint8 else cp).sum())

    def found_in(self, cp: np.ndarray) -> bool:
        """Whether any of the code points (``code_points(text)``) is in the class."""
        candidates = cp[(cp < 0x20) | (cp >= self.first_high)]
        if self.low_only:
            candidates = candidates[(candidates != 0x0A) & (candidates != 0x09) & (candidates != 0x0D)]
        if not len(candidates):
            return False
        if candidates.dtype != np.uint8:
            candidates = np.minimum(candidates, 0x10000)
        return bool(self.table[candidates].any())


def _nfc_unstable_table() -> np.ndarray:
    """Which BMP characters can make a text change under NFC: a combining mark (non-zero
    canonical class), a character NFC replaces, or one that can compose with the character
    before it (the second character of a canonical decomposition, Hangul vowel and trailing
    jamo). Without any of them a text is already NFC (the quick check of UAX #15 answers yes),
    so ``unicodedata.normalize`` is skipped. The last entry (code points beyond the BMP) is True.
    """
    table = np.zeros(0x10001, dtype=bool)
    table[0x10000] = True
    table[0x1161:0x1176] = table[0x11A8:0x11C3] = True  # Hangul V and T jamo
    decomposition, combining, normalize = (
        unicodedata.decomposition,
        unicodedata.combining,
        unicodedata.normalize,
    )
    for cp in (*range(0x20000), *range(0x2F800, 0x2FA20)):
        ch = chr(cp)
        if cp < 0x10000 and combining(ch):
            table[cp] = True
        parts = decomposition(ch)
        if not parts or parts[0] == "<":  # none, or a compatibility one (NFC keeps those)
            continue
        if cp < 0x10000 and normalize("NFC", ch) != ch:
            table[cp] = True
        for part in parts.split()[1:]:
            table[min(int(part, 16), 0x10000)] = True
    return table


# The lookup tables are data, written by tools/char_tables.py: building them scans every code
# point, which each cold start would otherwise pay for. The NFC table depends on the Unicode
# version of the interpreter, so the file holds one per version it was written with.
CHAR_TABLES_FILE = Path(__file__).with_name("char_tables.npz")


def _nfc_table_name() -> str:
    return "nfc_unstable_" + unicodedata.unidata_version.replace(".", "_")


def compute_char_tables() -> dict[str, np.ndarray]:
    """The tables this module uses, computed from the patterns and ``unicodedata``."""
    return {
        "invisible": CharTable(_INVISIBLE_RE.pattern).table,
        "strange": CharTable(_STRANGE_RE.pattern).table,
        "mojibake_follow": CharTable(_MOJIBAKE_FOLLOW).table,
        _nfc_table_name(): _nfc_unstable_table(),
    }


def load_char_tables(path: Path = CHAR_TABLES_FILE) -> dict[str, np.ndarray]:
    """The tables from the data file; any it lacks (another Unicode version) are computed."""
    tables: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path) as stored:
            tables = {name: stored[name] for name in stored.files}
    names = ("invisible", "strange", "mojibake_follow", _nfc_table_name())
    if missing := [name for name in names if name not in tables]:
        computed = compute_char_tables()
        tables.update({name: computed[name] for name in missing})
    return {name: tables[name] for name in names}


_TABLES = load_char_tables()
_INVISIBLE = CharTable("", _TABLES["invisible"])
_STRANGE = CharTable("", _TABLES["strange"])
_NFC_UNSTABLE = CharTable("", _TABLES[_nfc_table_name()])
_MOJIBAKE_FOLLOW_TABLE = _TABLES["mojibake_follow"]


def _has_mojibake_hint(cp: np.ndarray) -> bool:
    """``_MOJIBAKE_HINT_RE.search`` on the code points: a lead character (Â..ô) followed by a
    continuation character as cp1252 shows it."""
    if cp.dtype == np.uint8:
        return False  # ASCII
    leads = np.flatnonzero((cp[:-1] >= 0xC2) & (cp[:-1] <= 0xF4))  # _MOJIBAKE_LEAD
    if not len(leads):
        return False
    return bool(_MOJIBAKE_FOLLOW_TABLE[np.minimum(cp[leads + 1], 0x10000)].any())


def normalise_text(text: str) -> str:
    """Repair mojibake, NFC-normalise, unify line breaks, drop invisible/control characters.

    The regexes run only where a cheap check (``in``, numpy over the code points) finds
    something to change: on a 100 kB page scanning with them cost several milliseconds.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        for separator in ("\u2028", "\u2029", "\x85"):
            if separator in text:
                text = text.replace(separator, "\n")
        if "\u00a0" in text:
            text = text.replace("\u00a0", " ")
    cp = code_points(text)
    if _has_mojibake_hint(cp):
        text = ftfy.fix_text(text, _FTFY_CONFIG)
        cp = code_points(text)
    if _INVISIBLE.found_in(cp):
        text = _INVISIBLE_RE.sub("", text)
    # Without a character NFC may change, the text is already NFC (removing characters above
    # cannot change that).
    if cp.dtype == np.uint8 or not _NFC_UNSTABLE.found_in(cp):
        return text
    return unicodedata.normalize("NFC", text)


_NON_ASCII_BYTES = bytes(range(128, 256))
_REPLACEMENT_UTF8 = "\ufffd".encode()


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with the few invalid bytes replaced (U+FFFD) when the valid multi-byte characters
    outnumber the invalid sequences at least two to one: one stray byte in UTF-8 text must
    not send the whole text to a single-byte charset (``cafÃ©``). Text in a legacy charset
    has accented letters that are almost never valid UTF-8 sequences. ``None`` otherwise."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(_REPLACEMENT_UTF8)
    ascii_bytes = len(data.translate(None, _NON_ASCII_BYTES))
    valid_multibyte = len(text) - ascii_bytes - invalid
    return text if valid_multibyte >= 2 * invalid else None


# Unicode categories text never holds: controls (tab and line breaks aside), private use,
# unassigned code points and surrogates.
_NOT_TEXT_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})
# Below this, random bytes too often read as assigned characters (one in a hundred at 64 bytes).
_UTF16_MIN_BYTES = 64


def _utf16_text(data: bytes) -> str | None:
    """``data`` read as UTF-16 without a BOM when one byte order gives nothing but assigned,
    printable characters (tab and line breaks aside), else ``None``. The last reading of bytes
    that would be rejected as binary: text in a non-Latin script has no NUL pattern (its high
    bytes are the script's, 0x04 for Cyrillic), and binary data read as UTF-16 meets a
    surrogate, a private-use or an unassigned code point within a few hundred bytes.
    """
    if len(data) % 2 or len(data) < _UTF16_MIN_BYTES:
        return None
    category = unicodedata.category
    readings = []
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip() and all(ch in "\t\n\r" or category(ch) not in _NOT_TEXT_CATEGORIES for ch in text):
            readings.append(text)
    # Both can pass for a small alphabet (Greek read in the wrong order is CJK and Hangul): a
    # script's text keeps to a few blocks of the code space, its wrong reading is spread out.
    return min(readings, key=lambda text: len({ord(ch) >> 7 for ch in text}), default=None)


def decode_bytes(data: bytes) -> str:
    """Decode one upload to normalised text, or raise RejectedInput (``binary``, ``undecodable``)."""
    try:
        return _decode_bytes(data)
    except RejectedInput as rejection:
        text = _utf16_text(data) if rejection.reason == "binary" else None
        if text is None:
            raise
        return normalise_text(text)


def _decode_bytes(data: bytes) -> str:
    encoding, payload = _strip_bom(data)
    if encoding is None:
        encoding = _utf16_without_bom(payload)
    if encoding is not None:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            raise RejectedInput("undecodable", f"the file is not valid {encoding}") from None
    else:
        # Trailing NULs are padding (a preallocated or partly copied file), never text.
        payload = payload.rstrip(b"\x00")
        if looks_binary(payload):
            raise RejectedInput("binary", f"the file holds binary data, not text; {WHAT_TO_UPLOAD}")
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            text = _mostly_utf8(payload) or _detect(payload)
    strange = _STRANGE.count_in(code_points(text[:8192]))
    if text and strange / min(len(text), 8192) > _BINARY_SHARE:
        raise RejectedInput("binary", f"the file holds binary data, not text; {WHAT_TO_UPLOAD}")
    return normalise_text(text)
