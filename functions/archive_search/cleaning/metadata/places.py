"""Where and what: the dateline place (and date) opening a first paragraph, a tidy title."""

from __future__ import annotations

import re
from datetime import date

from archive_search.cleaning.metadata.dates import MONTH_RE, ORD, parse_date
from archive_search.cleaning.metadata.names import Byline, parse_byline
from archive_search.cleaning.metadata.wordlists import folded_words
from archive_search.cleaning.metadata.words import squash
from archive_search.model import MAX_PLACE_CHARS, PLACE_EDGE_CHARS


def clean_place(value: object) -> str | None:
    """A dateline place as a name: ``KARACHI`` -> ``Karachi``, ``SANTA FE, N.M.`` kept readable."""
    if not isinstance(value, str):
        return None
    text = squash(value).strip(PLACE_EDGE_CHARS)
    if not text or len(text) > MAX_PLACE_CHARS or not any(ch.isalpha() for ch in text):
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
    text = squash(value)
    return text or None


# An upper-case place name opening the first paragraph, ended by ":" or by an agency tag
# and/or a dash: "KARACHI:", "SANTA FE, N.M. (AP) —", "LONDON (Reuters) -", "BAAR, SWITZERLAND –".
_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\- ]{1,40}?(?:,\s*[A-ZÀ-ÖØ-Þa-z][A-Za-zÀ-ÿ'’.\- ]{0,25}?)?)"
    r"\s*(?:(?:\((?P<agency>[^)]{1,30})\))\s*)?(?P<sep>:|[-–—]{1,2}\s)"
)


# A dateline in mixed case, ended by a spaced dash or an agency tag: "Indianapolis –",
# "Dekalb, Ill. —", "New York, NY –", "Hong Kong (CNN Business)". Capitalised words only. The
# tag may touch the text after it: a page's <cite>Hong Kong (CNN Business)</cite>A ... has no space.
_MIXED_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-Þ][a-zà-ÿ'’.]+(?:[ -][A-ZÀ-Þ][a-zà-ÿ'’.]+){0,2}"
    r"(?:,\s*[A-ZÀ-Þ][A-Za-z.]{1,14}(?:\s[A-ZÀ-Þ][A-Za-z.]{1,14})?)?)"
    r"(?:\s+[–—]{1,2}\s|\s+--\s|\s*\((?P<agency>[^)]{1,30})\)\s*(?=[A-ZÀ-Þ]))"
)


# The parts of a Chinese dateline ("新华社北京3月5日电": the agency, ending in 社/网/报/台/版, the
# place, the day, "cabled") and of a Korean one ("(서울=연합뉴스)": place=agency).
_ZH_AGENCY = r"[\u4e00-\u9fff]{1,6}[社网網报報台版]"
_ZH_DAY = r"\d{1,2}月\d{1,2}日[电電讯訊]"
_KO_PLACE, _KO_AGENCY = r"[가-힣]{2,6}", r"=[^)）]{1,12}[)）]"
# A dateline of Chinese, Japanese or Korean papers: the Chinese and Korean ones above and
# "【ワシントン＝山田太郎】" (place＝reporter).
_CJK_DATELINE_RE = re.compile(
    rf"^\s*(?:{_ZH_AGENCY}(?P<zh>[\u4e00-\u9fff]{{2,8}}?){_ZH_DAY}"
    r"|【(?P<ja>[^＝=】\s]{2,10})[＝=][^】]{1,20}】"
    rf"|[(（](?P<ko>{_KO_PLACE}){_KO_AGENCY})"
)


# The reporters a CJK dateline names: "本报滨江3月5日电（记者 李明 王芳）", "(서울=연합뉴스) 홍길동 기자 ="
_CJK_DATELINE_REPORTERS_RE = re.compile(
    rf"^\s*(?:{_ZH_AGENCY}[\u4e00-\u9fff]{{0,8}}{_ZH_DAY}\s*"
    r"[（(](?P<zh>(?:记者|記者)[^）)]{2,30})[）)]"
    rf"|[(（]{_KO_PLACE}{_KO_AGENCY}\s*(?P<ko>[가-힣]{{2,4}}(?:\s*[·,]\s*[가-힣]{{2,4}}){{0,4}}\s*기자))"
)


def dateline_byline(paragraph: str | None) -> Byline:
    """The reporters a Chinese or Korean dateline opening ``paragraph`` credits."""
    if not paragraph or paragraph.isascii():
        return Byline()
    m = _CJK_DATELINE_REPORTERS_RE.match(paragraph[:80])
    return parse_byline(re.sub(r"\s*[·,]\s*", " ", m["zh"] or m["ko"])) if m else Byline()


def _not_a_place(place: str) -> bool:
    """A column's salutation or a label ("DEAR ABBY:", "UPDATE:"), not where the story was filed."""
    first = place.split()[0].casefold().strip(".,:")
    return first in folded_words("not_place_openers")


def find_dateline(paragraph: str | None) -> str | None:
    """The place of a dateline opening ``paragraph`` (``KARACHI: ...`` -> ``Karachi``), or ``None``."""
    if not paragraph:
        return None
    m = _DATELINE_RE.match(paragraph[:120])
    if not m and not paragraph.isascii():
        cjk = _CJK_DATELINE_RE.match(paragraph[:40])
        if cjk:
            return cjk["zh"] or cjk["ja"] or cjk["ko"]
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


# How many of an article's first blocks may come before its dateline paragraph: a picture's
# caption or a related-story link copied above the first paragraph.
_DATELINE_REACH = 3


def first_dateline(paragraphs: list[str]) -> str | None:
    """The place of the dateline opening one of an article's first blocks (a caption or a
    link copied above the first paragraph does not hide it), or ``None``."""
    return next((p for p in map(find_dateline, paragraphs[:_DATELINE_REACH]) if p), None)


# A dateline in mixed case with the date after the place: "Lakeside, October 8, 2023 —",
# "Springfield, Ill., 8 October 2023 (AP) —".
_DATED_DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’.\- ]){1,39}?(?:,\s*[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|[.\- ]){1,24}?)?),\s+"
    rf"(?P<date>(?:{MONTH_RE})\.?\s+\d{{1,2}}{ORD},?\s+\d{{4}}"
    rf"|\d{{1,2}}{ORD}\.?\s+(?:of\s+|de\s+)?(?:{MONTH_RE})\.?,?\s+(?:de\s+|del\s+)?\d{{4}})"
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
