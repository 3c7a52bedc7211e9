"""Metadata helpers shared by every cleaning path: dates, language, publisher, byline.

Each helper returns ``None`` when the input does not state the value clearly:
metadata is never invented (the ingest time is kept separately).
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_tz
from functools import lru_cache

__all__ = [
    "clean_author",
    "clean_place",
    "clean_source",
    "clean_title",
    "detect_language",
    "find_dated_dateline",
    "find_dateline",
    "is_role_line",
    "normalise_language",
    "parse_date",
]

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "decembre": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "dezember": 12,
    # Spanish / Portuguese / Italian
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12,
}  # fmt: skip
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th|er|e|º|°)?"
_ISO_RE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_ISO_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T[\d:]+)?Z?$")
_SLASH_YMD_RE = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_SLASH_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
# "April 12th, 2023", "Apr. 12 2023", "April 12, 2023 10:00"
_MDY_RE = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})\b", re.IGNORECASE)
# "12 April 2023", "12th of April, 2023", "12. April 2023", "12 de abril de 2023"
_DMY_RE = re.compile(
    rf"\b(\d{{1,2}}){_ORD}\.?\s+(?:of\s+|de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b",
    re.IGNORECASE,
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1800 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _epoch_date(seconds: float) -> date | None:
    """Unix time in seconds or milliseconds (JSON records from other services), UTC."""
    if 1e12 <= seconds < 1e13:
        seconds /= 1000
    if not 1e8 <= seconds < 1e10:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).date()


_DIGIT_RE = re.compile(r"\d")


def parse_date(value: object) -> date | None:
    """The calendar date a string states, or ``None``.

    Accepts ISO 8601 (``2023-04-12``, ``2023-04-12T10:00:00+05:00``: the date as written, not
    shifted to UTC), RFC 2822 (``Wed, 12 Apr 2023 10:00:00 +0000``), ``April 12th, 2023``,
    ``12 April 2023``, ``12. April 2023``, ``12 de abril de 2023``, ``2023/04/12``, when
    unambiguous (day > 12) ``12/04/2023``, and Unix time (seconds or milliseconds, UTC) given as
    a number. Ambiguous numeric dates give ``None``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _epoch_date(float(value))
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or len(text) > 200 or not _DIGIT_RE.search(text):
        return None  # every form below holds a digit; most lines asked about hold none
    m = _ISO_RE.search(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = _ISO_COMPACT_RE.match(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    parsed = parsedate_tz(text) if re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text) else None
    if parsed:
        return _safe_date(parsed[0], parsed[1], parsed[2])
    m = _MDY_RE.search(text)
    if m:
        return _safe_date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    m = _DMY_RE.search(text)
    if m:
        return _safe_date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = _SLASH_YMD_RE.search(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = _SLASH_DMY_RE.search(text)
    if m:
        first, second = int(m[1]), int(m[2])
        if first > 12 >= second:
            return _safe_date(int(m[3]), second, first)
        if second > 12 >= first:
            return _safe_date(int(m[3]), first, second)
    return None


# ---------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------

_LANG_MIN_CHARS = 40
_LANG_MIN_PROB = 0.8
# Plenty for a confident guess: 400 gives the same language as 1000 on all 308 bodies of the
# benchmark and the metadata set (300 loses one); langid's cost grows with the sample.
LANG_SAMPLE_CHARS = 400
# Matches when the sample holds at least _LANG_MIN_CHARS letters: stops at the 40th (counting
# every letter of the sample took a quarter of the detection's time).
_ENOUGH_LETTERS_RE = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{_LANG_MIN_CHARS}}}")


@lru_cache(maxsize=1)
def _identifier():
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # The model ships its feature table as float16; numpy converts the rows each call gathers
    # to float32 before scoring, which took a third of a call. Converted once here (+28 MB,
    # 0.1 s at cold start), a call is 1.45x faster with the same results.
    identifier.nb_ptc = identifier.nb_ptc.astype(np.float32)
    return identifier


# English function words that no other language uses as common words. A text whose first
# _ENGLISH_SAMPLE_CHARS hold many of them is English prose: py3langid (a byte-by-byte Python
# loop, the largest single cost of cleaning a text dump) is not asked. On the benchmark bodies,
# the labelled documents and 13,000 page slices, the quick answer (12 markers and a sixth of the
# words) fired 1,849 times; py3langid, given the same 1,000 characters, agreed every time (on
# its own 400-character sample it was unsure twice, on menus above English text). English prose
# holds 13-16 % of them (a sixth missed 21 of the benchmark's text dumps), other languages 0-2 %:
# an eighth fired on 12,042 of 18,480 1,000-character slices of the benchmark's pages and gold
# and of the labelled documents, py3langid agreeing every time, and changed no language of the
# 307 benchmark and labelled documents.
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


_LANG_TAG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def normalise_language(value: object) -> str | None:
    """``en-US``/``en_GB``/``EN`` -> ``en``; anything not a language tag -> ``None``."""
    if not isinstance(value, str):
        return None
    m = _LANG_TAG_RE.match(value.strip())
    if not m:
        return None
    code = m[1].lower()
    if len(code) == 3:
        return {"eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es"}.get(code)
    return code


# ---------------------------------------------------------------------------
# Publisher, author, place, title
# ---------------------------------------------------------------------------

_WS_RE = re.compile(r"\s+")
# "dawn.com" -> "Dawn"? No: only a bare host name is reduced, and only by its TLD, so
# "Dawn.com" and "Dawn" stay distinct names when a publisher calls itself "Dawn.com".
_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$", re.IGNORECASE)


def _squash(value: str) -> str:
    """Whitespace tidied, NFC, and HTML entities some pages double-escape in meta tags decoded."""
    if "&" in value:
        value = html.unescape(value)
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_source(value: object) -> str | None:
    """A publisher name as the page or credit line states it, whitespace tidied.

    Conservative: a name is kept as written (``Dawn.com`` stays ``Dawn.com``); only a bare
    URL (``https://www.dawn.com/``) becomes its host name (``dawn.com``). Empty, very long or
    purely numeric values give ``None``.
    """
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, dict))), None)
        return clean_source(value)
    if not isinstance(value, str):
        return None
    text = _squash(value).strip(" |·-–—:,")
    m = _HOST_RE.match(text)
    if m and (text.lower().startswith(("http://", "https://", "www.")) or text.endswith("/")):
        text = m[1].lower()
    if not text or len(text) > 80 or not any(ch.isalpha() for ch in text):
        return None
    if text.startswith("@"):
        return None  # a social-media handle, not the publisher's name
    return text


# "By", "Written by", "Analysis by", "Text und Fotos von": up to two words before the "by"
_BYLINE_PREFIX_RE = re.compile(
    r"^(?:[^\W\d_]+\s+){0,2}?(?:by|von|par|por|di|door)\s*[:\-]?\s+", re.IGNORECASE
)
# ", Transport Correspondent", "| Staff Reporter", " Senior Editor": a role after the name
_ROLES = r"(?:reporter|correspondent|writer|editor|contributor|journalist|staff|columnist|photographer)"
_AUTHOR_TAIL_RE = re.compile(
    rf"(?:\s*[|,;•·–—-]\s*(?:[\w.'’&-]+\s+){{0,3}}{_ROLES}s?\b.*$"
    rf"|\s+(?:staff|senior|chief|special)\s+{_ROLES}s?\b.*$)",
    re.IGNORECASE,
)
# A line that is only a role ("Arts Correspondent"): the rest of a byline wrapped onto the next line.
_ROLE_LINE_RE = re.compile(rf"^(?:[\w.'’&-]+\s+){{0,3}}{_ROLES}s?\.?$", re.IGNORECASE)


def is_role_line(text: str) -> bool:
    """``Arts Correspondent``, ``Staff Reporter``: a byline's role on a line of its own."""
    return len(text) <= 60 and _ROLE_LINE_RE.match(text.strip()) is not None


_EMAIL_RE = re.compile(r"\S+@\S+")
_DATE_TAIL_RE = re.compile(r"\s*(?:[|,•·–—-]|\bon\b|\bupdated\b|\bpublished\b).*\d{4}.*$", re.IGNORECASE)


def clean_author(value: object) -> str | None:
    """A byline reduced to the name(s): ``By Jane Doe | Staff Reporter`` -> ``Jane Doe``.

    Lists (JSON-LD ``author`` arrays, several meta tags) are joined with ``", "``. A value that
    is a URL, an e-mail address only, or longer than a byline can be gives ``None``.
    """
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, (list, tuple)):
        names: list[str] = []
        for item in value:
            name = clean_author(item)
            if name and name not in names:
                names.append(name)
        return ", ".join(names) if names else None
    if not isinstance(value, str):
        return None
    text = _squash(value)
    if text.lower().startswith(("http://", "https://", "www.")):
        return None
    text = _EMAIL_RE.sub("", text)
    text = _BYLINE_PREFIX_RE.sub("", text)
    text = _DATE_TAIL_RE.sub("", text)
    text = _AUTHOR_TAIL_RE.sub("", text)
    text = text.strip(" |·•,;:-–—")
    if not text or len(text) > 100 or not any(ch.isalpha() for ch in text):
        return None
    if len(text.split()) > 12:
        return None
    return _uncap_names(text)


def _uncap_names(text: str) -> str:
    """``JANIE HAR`` -> ``Janie Har``; mixed-case parts and short acronyms (``AP``) stay."""
    parts = re.split(r"(,\s*|\s+and\s+|\s*&\s*)", text)
    out = []
    for part in parts:
        if part.isupper() and len(part.replace(" ", "")) > 3 and " " in part.strip():
            part = " ".join(w if len(w) <= 2 and w.isalpha() else w.capitalize() for w in part.split(" "))
            part = re.sub(r"\bAnd\b", "and", part)
        out.append(part)
    return "".join(out)


def clean_place(value: object) -> str | None:
    """A dateline place as a name: ``KARACHI`` -> ``Karachi``, ``SANTA FE, N.M.`` kept readable."""
    if not isinstance(value, str):
        return None
    text = _squash(value).strip(" :,-–—")
    if not text or len(text) > 60 or not any(ch.isalpha() for ch in text):
        return None
    segments = text.split(",")
    out = []
    for i, segment in enumerate(segments):
        if segment.isupper():
            words = []
            for word in segment.split(" "):
                if i > 0 and ("." in word or len(word) <= 2):
                    words.append(word)  # state abbreviations after the city: N.M., U.S.
                else:
                    words.append("-".join(p.capitalize() for p in word.split("-")))
            segment = " ".join(words)
        out.append(segment)
    return ",".join(out)


def clean_title(value: object) -> str | None:
    """A title with whitespace tidied; ``None`` when empty."""
    if not isinstance(value, str):
        return None
    text = _squash(value)
    return text or None


# An upper-case place name opening the first paragraph, ended by ":" or by an agency tag
# and/or a dash: "KARACHI:", "SANTA FE, N.M. (AP) —", "LONDON (Reuters) -", "BAAR, SWITZERLAND –".
_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\- ]{1,40}?(?:,\s*[A-ZÀ-ÖØ-Þa-z][A-Za-zÀ-ÿ'’.\- ]{0,25}?)?)"
    r"\s*(?:(?:\((?P<agency>[^)]{1,30})\))\s*)?(?P<sep>:|[-–—]{1,2}\s)"
)


def find_dateline(paragraph: str | None) -> str | None:
    """The place of a dateline opening ``paragraph`` (``KARACHI: ...`` -> ``Karachi``), or ``None``."""
    if not paragraph:
        return None
    m = _DATELINE_RE.match(paragraph[:120])
    if not m:
        return None
    place = m["place"].strip()
    head = place.split(",")[0]
    # the main name must be written in capitals (that is what marks a dateline)
    if not head.replace(" ", "").replace(".", "").replace("-", "").replace("'", "").isupper():
        return None
    if len(head.replace(" ", "")) < 3:
        return None
    return clean_place(place)


# A dateline in mixed case with the date after the place: "Lakeside, October 8, 2023 —",
# "Springfield, Ill., 8 October 2023 (AP) —".
_DATED_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’.\- ]){1,39}?(?:,\s*[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|[.\- ]){1,24}?)?),\s+"
    rf"(?P<date>(?:{_MONTH_RE})\.?\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"
    rf"|\d{{1,2}}{_ORD}\.?\s+(?:of\s+|de\s+)?(?:{_MONTH_RE})\.?,?\s+(?:de\s+|del\s+)?\d{{4}})"
    r"\s*(?:\([^)]{1,30}\)\s*)?[-–—]{1,2}\s",
    re.IGNORECASE,
)


def find_dated_dateline(paragraph: str | None) -> tuple[str, date] | None:
    """The place and date of a ``Place, Month D, YYYY —`` dateline opening ``paragraph``."""
    if not paragraph:
        return None
    m = _DATED_DATELINE_RE.match(paragraph[:160])
    if not m or not m["place"][0].isupper():
        return None
    published = parse_date(m["date"])
    place = clean_place(m["place"])
    return (place, published) if place and published else None
