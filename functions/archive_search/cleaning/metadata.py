"""Metadata helpers shared by every cleaning path: dates, language, publisher, byline.

Each helper returns ``None`` when the input does not state the value clearly:
metadata is never invented (the ingest time is kept separately).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_tz
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "Byline",
    "clean_place",
    "clean_source",
    "clean_title",
    "detect_language",
    "find_dated_dateline",
    "find_dateline",
    "html_text",
    "is_agency",
    "is_role_line",
    "metadata_words",
    "normalise_language",
    "parse_byline",
    "parse_date",
    "word_count",
    "word_key",
]

# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def word_key(text: str) -> str:
    """The words of ``text``, lower case, one space apart: for comparing lines and titles."""
    return " ".join(_WORD_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def word_count(text: str) -> int:
    """Word count; scripts written without spaces count two characters as a word."""
    words = len(_WORD_RE.findall(text))
    if text.isascii() or max(text) < "\u3040":  # no character _CJK_RE can match
        return words
    return max(words, len(_CJK_RE.findall(text)) // 2)


def html_text(el: object) -> str:
    """An lxml element's text, whitespace squashed; ``""`` for ``None``."""
    return " ".join("".join(el.itertext()).split()) if el is not None else ""  # type: ignore[attr-defined]


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


# "By", "Written by", "Analysis by", "Text und Fotos von", "Текст:": up to two words before the "by"
_BYLINE_PREFIX_RE = re.compile(
    r"^(?:[^\W\d_]+\s+){0,2}?(?:by|von|par|por|di|door)\s*[:\-]?\s+|^(?:by|текст|автор)\s*:\s*",
    re.IGNORECASE,
)
# ", Transport Correspondent", "| Staff Reporter", " Senior Editor": a role after the name
_ROLES = (
    r"(?:reporter|correspondent|writer|editor|editor-at-large|contributor|journalist|columnist"
    r"|photographer|analyst|producer|critic|anchor)"
)
_AUTHOR_TAIL_RE = re.compile(
    rf"(?:\s*[|,;•·–—-]\s*(?:[\w.'’&-]+\s+){{0,3}}{_ROLES}s?\b.*$"
    rf"|\s+(?-i:[A-Z]{{2,5}}\s+)?(?:staff|senior|chief|special|national|sports|political|business)\s+{_ROLES}s?\b.*$)",
    re.IGNORECASE,
)
# A line that is only a role ("Arts Correspondent"): the rest of a byline wrapped onto the next line.
_ROLE_LINE_RE = re.compile(rf"^(?:[\w.'’&-]+\s+){{0,3}}(?:{_ROLES}|staff)s?\.?$", re.IGNORECASE)


def is_role_line(text: str) -> bool:
    """``Arts Correspondent``, ``Staff Reporter``: a byline's role on a line of its own."""
    return len(text) <= 60 and _ROLE_LINE_RE.match(text.strip()) is not None


_EMAIL_RE = re.compile(r"\S+@\S+\.\S+")
_HANDLE_RE = re.compile(r"@\w+")
_DATE_TAIL_RE = re.compile(
    r"\s*(?:[|,•·–—-]|\bon\b)?\s*"
    r"(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\b(?:{_MONTH_RE})\b\.?\s+\d|\d{{1,2}}\s+(?:{_MONTH_RE})\b|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}"
    r"|\d+\s+(?:min|minute|hour|day)s?\b"
    r"|\b(?:updated|published|posted|publiziert|veröffentlicht|aktualisiert|publié|mis à jour"
    r"|publicado|actualizado|pubblicato|aggiornato)\b).*$",
    re.IGNORECASE,
)
# Text some sites glue to the name ("Jose AltoverosView More Articles", "ERIC TUCKERAssociated Press")
_GLUED_TAIL_RE = re.compile(
    r"(?<=[a-zà-ÿ])(?=(?:View|Read|More|See|Follow|Associated Press|Reuters|Business|CNN|FOX|Fox"
    r"|January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"|(?<=[A-ZÀ-Þ]{2})(?=[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*$)"
)
_TRAILER_RE = re.compile(
    r"\b(?:view|read|see|more)\s+(?:more\s+|all\s+)?(?:articles|stories|posts|by)\b.*$"
    r"|\b(?:follow|about)\b.*$|\bget author rss\b.*$",
    re.IGNORECASE,
)
# Credentials after a name: "Rachael Link, MS, RD"
_CREDENTIAL_RE = re.compile(r"^(?:[A-Z]{2,5}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|I{2,3})$")
_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\||\s\band\b|\s\bund\b|\s\bet\b|\s\by\b|\s\be\b)\s*")
_DIGITS_TAIL_RE = re.compile(r"(?:^|[\s(]+)\d.*$")


def _word_set(name: str) -> set[str]:
    return set(re.findall(r"\w+", name.casefold()))


@lru_cache(maxsize=1)
def metadata_words() -> dict[str, Any]:
    """The word lists of ``metadata_words.json`` (agencies, CMS accounts, non-publishers, ...)."""
    return json.loads(Path(__file__).with_name("metadata_words.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _byline_words() -> dict[str, frozenset[str]]:
    words = metadata_words()
    return {key: frozenset(v.casefold() for v in words[key]) for key in ("agencies", "org_words", "accounts")}


@lru_cache(maxsize=1)
def _agency_names() -> dict[str, str]:
    """Each agency's usual spelling by its case-folded form (``ap`` -> ``AP``)."""
    return {name.casefold(): name for name in metadata_words()["agencies"]}


@dataclass(frozen=True)
class Byline:
    """Who a byline credits: persons, each name alone, and an agency or organisation."""

    authors: tuple[str, ...] = ()
    org: str | None = None

    def __bool__(self) -> bool:
        return bool(self.authors or self.org)


def _is_org(part: str, publisher: str | None) -> bool:
    words = _byline_words()
    folded = part.casefold()
    if folded in words["agencies"]:
        return True
    tokens = _word_set(part)
    if tokens & words["org_words"]:
        return True
    if publisher:
        pub = re.sub(r"[^\w]", "", publisher.casefold())
        squashed = re.sub(r"[^\w]", "", folded)
        if squashed and (squashed == pub or (len(squashed) >= 4 and (squashed in pub or pub in squashed))):
            return True
    return False


def _is_account(part: str) -> bool:
    """A CMS user name, not a person's name: ``admin``, ``jdadmin``, ``rmb8090``, ``Гость``."""
    folded = part.casefold()
    if folded in _byline_words()["accounts"] or any(ch.isdigit() for ch in part):
        return True
    return " " not in part and (part.islower() or folded.endswith("admin"))


def _org_name(part: str) -> str | None:
    """An organisation credit as written; an all-capitals one (``JERUSALEM POST STAFF``) in title case."""
    known = _agency_names().get(part.casefold())
    if known:
        return known
    if part.isupper() and len(part) > 5:
        part = " ".join(w.capitalize() for w in part.split())
    return clean_source(part)


def is_agency(name: str) -> bool:
    """Whether a name is a news agency's or a wire service's (``Associated Press``, ``Reuters``)."""
    return name.casefold() in _byline_words()["agencies"]


def _publisher_suffix(part: str, publisher: str | None) -> str | None:
    """The publisher's name closing a byline part (``Elliot Brownstein Florida Today`` on
    floridatoday.com), as the part writes it."""
    if not publisher:
        return None
    site = re.sub(r"[\W_]", "", re.sub(r"\.[a-z]{2,3}(?:\.[a-z]{2})?$", "", publisher.casefold()))
    words = part.split()
    for k in (1, 2, 3):
        if len(words) > k and re.sub(r"[\W_]", "", " ".join(words[-k:]).casefold()) == site:
            return " ".join(words[-k:])
    return None


def _agency_suffix(part: str) -> str | None:
    """The agency a byline part ends with after a name (``Tom Davies Associated Press``)."""
    folded = part.casefold()
    for agency in _byline_words()["agencies"]:
        if " " in agency and folded.endswith(" " + agency):
            return part[-len(agency) :]
    return None


_NAME_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")


def _person(part: str) -> str | None:
    words = part.split()
    if not 1 <= len(words) <= 5 or not all(_NAME_RE.match(w) for w in words):
        return None
    return _uncap_names(part)


def parse_byline(value: object, publisher: str | None = None) -> Byline:
    """A byline as persons and an organisation: ``By Jane Doe and JOHN ROE, Associated Press``
    -> ``Byline(("Jane Doe", "John Roe"), "Associated Press")``.

    Takes a string, a JSON-LD ``author`` (a Person, an Organization, a list of either) or a list
    of strings. Drops "By", roles, affiliations after ``|`` or ``,``, dates, e-mail addresses,
    handles, glued trailers ("View More Articles") and CMS account names; an agency, a staff
    credit or the publisher's own name becomes ``org``. ``Byline()`` when nothing is left.
    """
    if isinstance(value, dict):
        kind = value.get("@type") or value.get("type")
        name = value.get("name")
        if isinstance(kind, str) and kind.casefold() in ("organization", "newsmediaorganization"):
            org = clean_source(name)
            return Byline((), org) if org else Byline()
        return parse_byline(name, publisher) if isinstance(name, str) else Byline()
    if isinstance(value, (list, tuple)):
        authors: list[str] = []
        org = None
        for item in value[:20]:
            found = parse_byline(item, publisher)
            authors.extend(a for a in found.authors if a not in authors)
            org = org or found.org
        return Byline(tuple(authors), org)
    if not isinstance(value, str):
        return Byline()
    text = _squash(value)
    if len(text) > 300 or text.lower().startswith(("http://", "https://", "www.")):
        return Byline()
    text = _EMAIL_RE.sub(" ", text)
    text = _GLUED_TAIL_RE.sub(" | ", text)
    text = _HANDLE_RE.sub(" ", text)
    text = _TRAILER_RE.sub("", text)
    text = _BYLINE_PREFIX_RE.sub("", text.strip(" |·•,;:-–—"))
    text = _DATE_TAIL_RE.sub("", text)
    text = _DIGITS_TAIL_RE.sub("", text)
    authors: list[str] = []
    org = None
    role = _AUTHOR_TAIL_RE.search(text)
    if role:  # ", AP National Political Writer", ", Arts and Culture Correspondent"
        head = role.group().strip(" |,;•·–—-").split(" ", 1)[0]
        if is_agency(head) and head.casefold() not in _byline_words()["org_words"]:
            org = _agency_names()[head.casefold()]
        text = text[: role.start()]
    for part in _SPLIT_RE.split(text):
        part = part.strip(" .|·•,;:-–—()")
        if not part:
            continue
        if is_agency(part):  # before credentials: "PTI", "AP" are agencies, not degrees
            org = org or _agency_names()[part.casefold()]
            continue
        if _CREDENTIAL_RE.match(part):
            continue
        role_free = _AUTHOR_TAIL_RE.sub("", part).strip()
        if is_role_line(part) and (part.casefold() == "staff" or part.casefold().endswith(" staff")):
            org = org or _org_name(part)  # "Jerusalem Post Staff", "HNN Staff"
            continue
        if role_free != part or is_role_line(part):
            # "AP Sports Writer", "CNN Editor-at-large": the agency in a role is the credit
            head = part.split()[0]
            if (
                head.casefold() in _byline_words()["agencies"]
                and head.casefold() not in _byline_words()["org_words"]
            ):
                org = org or _agency_names()[head.casefold()]
            if not role_free or is_role_line(part):
                continue
            part = role_free
        agency = _agency_suffix(part) or _publisher_suffix(part, publisher)
        if agency:  # "Tom Davies Associated Press"
            org = org or agency
            part = part[: -len(agency)].strip(" ,|")
            if not part:
                continue
        if _is_org(part, publisher) or part.casefold().startswith("the "):
            org = org or _org_name(part)
        elif _is_account(part):
            continue
        else:
            name = _person(part)
            if name and name not in authors:
                authors.append(name)
    return Byline(tuple(authors[:10]), org)


def _uncap_names(text: str) -> str:
    """``JANIE HAR`` -> ``Janie Har``; mixed-case names and short acronyms stay."""
    if text.isupper() and len(text.replace(" ", "")) > 3:
        return " ".join(
            w if len(w) <= 2 and w.isalpha() else "-".join(p.capitalize() for p in w.split("-"))
            for w in text.split(" ")
        )
    return text


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


# A dateline in mixed case, ended by a spaced dash or an agency tag: "Indianapolis –",
# "Dekalb, Ill. —", "New York, NY –", "Hong Kong (CNN Business)". Capitalised words only.
_MIXED_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-Þ][a-zà-ÿ'’.]+(?:[ -][A-ZÀ-Þ][a-zà-ÿ'’.]+){0,2}"
    r"(?:,\s*[A-ZÀ-Þ][A-Za-z.]{1,14}(?:\s[A-ZÀ-Þ][A-Za-z.]{1,14})?)?)"
    r"(?:\s+[–—]{1,2}\s|\s+--\s|\s*\((?P<agency>[^)]{1,30})\)\s+(?=[A-ZÀ-Þ]))"
)


def _not_a_place(place: str) -> bool:
    """A column's salutation or a label ("DEAR ABBY:", "UPDATE:"), not where the story was filed."""
    first = place.split()[0].casefold().strip(".,:")
    return first in {w.casefold() for w in metadata_words()["not_place_openers"]}


def find_dateline(paragraph: str | None) -> str | None:
    """The place of a dateline opening ``paragraph`` (``KARACHI: ...`` -> ``Karachi``), or ``None``."""
    if not paragraph:
        return None
    m = _DATELINE_RE.match(paragraph[:120])
    if not m:
        mixed = _MIXED_DATELINE_RE.match(paragraph[:80])
        if not mixed or _not_a_place(mixed["place"]):
            return None
        return clean_place(mixed["place"])
    place = m["place"].strip()
    if _not_a_place(place):
        return None
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
