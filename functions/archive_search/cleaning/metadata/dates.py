"""Dates as pages and records write them: ISO, compact, slashed, month names in several
languages, RFC 2822, epoch seconds; ``None`` when the value is not clearly a date."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_tz

from archive_search.model import MAX_PUBLISHED_YEAR, MIN_PUBLISHED_YEAR

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
    # abbreviations the names above do not give: German, Dutch, Spanish, Portuguese, Italian,
    # French ("31. Okt 2019", "12 dic 2021", "3 févr. 2020"); not "out", an English word
    "mär": 3, "mrz": 3, "okt": 10, "dez": 12, "mrt": 3, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
    "fev": 2, "set": 9, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, "janv": 1, "févr": 2,
    "fevr": 2, "avr": 4, "juil": 7, "déc": 12,
    # Russian, as dates write them (genitive: "11 октября 2018")
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    # Ukrainian (genitive)
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7,
    "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
    # Dutch, Indonesian, Swedish, Danish, Norwegian (the forms English and German lack)
    "januari": 1, "februari": 2, "maart": 3, "maret": 3, "marts": 3, "mei": 5, "maj": 5,
    "augustus": 8, "agustus": 8, "augusti": 8, "desember": 12,
    # Polish and Czech (genitive)
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    "ledna": 1, "února": 2, "března": 3, "dubna": 4, "května": 5, "června": 6, "července": 7,
    "srpna": 8, "září": 9, "října": 10, "listopadu": 11, "prosince": 12,
    # Turkish, Romanian, Finnish (partitive)
    "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6, "temmuz": 7,
    "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,
    "ianuarie": 1, "februarie": 2, "martie": 3, "aprilie": 4, "iunie": 6, "iulie": 7,
    "septembrie": 9, "octombrie": 10, "noiembrie": 11, "decembrie": 12,
    "tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4, "toukokuuta": 5,
    "kesäkuuta": 6, "heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9, "lokakuuta": 10,
    "marraskuuta": 11, "joulukuuta": 12,
    # Greek (genitive), Arabic (the Egyptian and Gulf names), Hebrew (bare and with "ב", "in")
    "ιανουαρίου": 1, "φεβρουαρίου": 2, "μαρτίου": 3, "απριλίου": 4, "μαΐου": 5, "ιουνίου": 6,
    "ιουλίου": 7, "αυγούστου": 8, "σεπτεμβρίου": 9, "οκτωβρίου": 10, "νοεμβρίου": 11,
    "δεκεμβρίου": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يوليو": 7,
    "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "ינואר": 1, "פברואר": 2, "מרץ": 3, "אפריל": 4, "מאי": 5, "יוני": 6, "יולי": 7, "אוגוסט": 8,
    "ספטמבר": 9, "אוקטובר": 10, "נובמבר": 11, "דצמבר": 12,
    "בינואר": 1, "בפברואר": 2, "במרץ": 3, "באפריל": 4, "במאי": 5, "ביוני": 6, "ביולי": 7,
    "באוגוסט": 8, "בספטמבר": 9, "באוקטובר": 10, "בנובמבר": 11, "בדצמבר": 12,
    # Thai (years of the Buddhist era: _thai_year)
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6,
    "กรกฎาคม": 7, "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6, "ก.ค.": 7, "ส.ค.": 8,
    "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}  # fmt: skip
MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
ORD = r"(?:st|nd|rd|th|er|e|º|°)?"
_ISO_RE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_ISO_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T[\d:]+)?Z?$")
_SLASH_YMD_RE = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
# "13/04/2023", "13.04.2023", "13-04-2023": one separator, a four-digit year last
_SLASH_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
# "2019年11月18日", "2019년 11월 18일": Chinese, Japanese and Korean dates, year first
_CJK_RE = re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
# "11/13/19": a two-digit year, with slashes only ("11.18.19" names things: issues, versions)
_SLASH_SHORT_YEAR_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
# a two-digit year up to this one is 20xx, above it 19xx (POSIX strptime's %y)
_SHORT_YEAR_PIVOT = 68
# a year glued to what follows it, as copied text joins a page's elements: the time ("Nov 19
# 20197:05 AM"), or a second date or a label after a blog's date ("19. Juni 201619. Juni 2016",
# "Dezember 29, 2021Dezember 29, 2021", "13. April 2017Autor: ..."), its "updated" date
_YEAR_END = (
    r"(?:\b|(?=\d{1,2}:\d{2})"
    rf"|(?=\d{{1,2}}{ORD}\.?\s+(?:{MONTH_RE})\b)|(?=(?-i:[A-ZÀ-ÖØ-ÞА-Я])))"
)
# "April 12th, 2023", "Apr. 12 2023", "April 12, 2023 10:00"; the month names (no name holds a
# space) are tried only at a word a number follows: trying them at every word made the search slow
_MDY_RE = re.compile(
    rf"\b(?=\S+\s+\d)({MONTH_RE})\.?\s+(\d{{1,2}}){ORD},?\s+(\d{{4}}){_YEAR_END}", re.IGNORECASE
)
# a day glued to the lower-case word before it, as copied text joins a name or a label to the
# date after it: "Nicole Collignon22. Februar 2020", "Posted on28. Juli 2019"
_DAY_START = r"(?:\b|(?<=(?-i:[a-zß-ÿ])))"
# "12 April 2023", "12th of April, 2023", "12. April 2023", "12 de abril de 2023", and with
# slashes or dashes: "29 / Dezember / 2022", "07-Nov-2023"
_DMY_RE = re.compile(
    rf"{_DAY_START}(\d{{1,2}}){ORD}\.?(?:\s*[/-]\s*|\s+)(?:of\s+|de\s+)?({MONTH_RE})\.?,?(?:\s*[/-]\s*|\s+)"
    rf"(?:de\s+|del\s+)?(\d{{4}}){_YEAR_END}",
    re.IGNORECASE,
)


# Thai dates count years from the Buddhist era, 543 years before the common era's
_BUDDHIST_ERA = 543


def _year(year: str, month_name: str) -> int:
    """The common-era year of a date written with ``month_name``: a Thai month's year is of
    the Buddhist era (``12 มีนาคม 2567`` is 2024) when it is past the common era's 2400."""
    value = int(year)
    thai = "\u0e00" <= month_name[:1] <= "\u0e7f"
    return value - _BUDDHIST_ERA if thai and value > 2400 else value


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not MIN_PUBLISHED_YEAR <= year <= MAX_PUBLISHED_YEAR:
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
_SPACED_YEAR_RE = re.compile(r"[\s/-]\d{4}")


def parse_date(value: object, *, day_first: bool = False) -> date | None:
    """The calendar date a string states, or ``None``.

    Accepts ISO 8601 (``2023-04-12``, ``2023-04-12T10:00:00+05:00``: the date as written, not
    shifted to UTC), RFC 2822 (``Wed, 12 Apr 2023 10:00:00 +0000``), ``April 12th, 2023``,
    ``12 April 2023``, ``12. April 2023``, ``12 de abril de 2023``, ``11 октября 2018``,
    ``2023/04/12``, when unambiguous (day > 12) ``12/04/2023`` and ``11/13/19``, and Unix time (seconds or milliseconds, UTC) given as
    a number, ``13-04-2023``, ``2019年11月18日``. Ambiguous numeric dates give ``None``, or
    read day first when ``day_first`` (the convention of every language but US English).
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
    m = _CJK_RE.search(text) if "年" in text or "년" in text else None
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    # RFC 2822 and the forms with a month's name have a space, a slash or a dash before a
    # four-digit year: a text without one is not searched for them (the month names make those
    # searches slow).
    spaced_year = _SPACED_YEAR_RE.search(text) is not None
    parsed = parsedate_tz(text) if spaced_year and re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text) else None
    if parsed:
        return _safe_date(parsed[0], parsed[1], parsed[2])
    m = _MDY_RE.search(text) if spaced_year else None
    if m:
        return _safe_date(_year(m[3], m[1]), _MONTHS[m[1].lower()], int(m[2]))
    m = _DMY_RE.search(text) if spaced_year else None
    if m:
        return _safe_date(_year(m[3], m[2]), _MONTHS[m[2].lower()], int(m[1]))
    m = _SLASH_YMD_RE.search(text)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = _SLASH_DMY_RE.search(text)
    if m:
        # a date with dots ("06.10.2023") is written day first in every language that uses them
        return _day_month(int(m[1]), int(m[3]), int(m[4]), day_first or m[2] == ".")
    m = _SLASH_SHORT_YEAR_RE.search(text)
    if m:
        year = int(m[3])
        return _day_month(
            int(m[1]), int(m[2]), year + (2000 if year <= _SHORT_YEAR_PIVOT else 1900), day_first
        )
    return None


def _day_month(first: int, second: int, year: int, day_first: bool = False) -> date | None:
    """A numeric date's day and month when only one reading is possible (one of them > 12), or
    the day first when ``day_first``."""
    if first > 12 >= second or (day_first and max(first, second) <= 12):
        return _safe_date(year, second, first)
    if second > 12 >= first:
        return _safe_date(year, first, second)
    return None


_DATE_FORMS = (_ISO_RE, _CJK_RE, _MDY_RE, _DMY_RE, _SLASH_YMD_RE, _SLASH_DMY_RE)


def without_date(text: str) -> str | None:
    """``text`` without the date that opens or ends it (``November 20, 2019 Jane Doe`` ->
    ``Jane Doe``), separators around it dropped; ``None`` when no date opens or ends it."""
    text = text.strip()
    if not _DIGIT_RE.search(text):
        return None  # every date form holds a digit; the month names make their searches slow
    for pattern in _DATE_FORMS:
        for m in pattern.finditer(text):
            if parse_date(m[0]) is None:
                continue
            if m.start() == 0:
                return text[m.end() :].strip(" |·•,-–—")
            if m.end() == len(text):
                return text[: m.start()].strip(" |·•,-–—")
    return None


def opening_date(text: str, *, day_first: bool = False) -> date | None:
    """The date that opens ``text`` (``05/10/2018 - Posted by Jane Doe``), ``None`` when no date
    opens it. ``day_first`` as in ``parse_date``."""
    text = text.strip()
    if not _DIGIT_RE.search(text):
        return None  # every date form holds a digit
    for pattern in _DATE_FORMS:
        m = pattern.match(text)
        if m and (found := parse_date(m[0], day_first=day_first)):
            return found
    return None


# "/2019/11/18/", "/2019/nov/18/", "/2019-11-18/": a full date as a path's own segments
_URL_DATE_RE = re.compile(
    rf"/((?:19|20)\d\d)[/-](\d{{1,2}}|{MONTH_RE})[/-](\d{{1,2}})(?=[/-]|$)", re.IGNORECASE
)


def url_date(url: str | None) -> date | None:
    """The date a URL's path states in full (year, month, day; ``/2019/nov/18/`` too), as the
    site dated the article when it published it; ``None`` for a year or month alone."""
    if not url:
        return None
    path = url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
    m = _URL_DATE_RE.search("/" + path)
    if not m:
        return None
    month = int(m[2]) if m[2].isdigit() else _MONTHS[m[2].lower()]
    return _safe_date(int(m[1]), month, int(m[3]))
