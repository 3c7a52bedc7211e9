"""An article's header in a text dump: the lines between the headline and the first paragraph
(standfirst, byline, date, share buttons, a picture's caption), read for who wrote it and when.

A copied page writes the byline and the date as lines of their own, in many shapes: ``By Jane
Doe``, ``By`` / ``Jane Doe`` on two lines, ``Posted by Jane Doe on May 3, 2021``, ``5:45 AM
11/19/2019 by Jane Doe``, ``Author:`` / ``Jane Doe``, or a name alone directly above the date
line (``Jane Doe`` / ``Published 18 November 2019``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from archive_search.cleaning.metadata.dates import parse_date, without_date
from archive_search.cleaning.metadata.names import (
    CJK_REPORTER_WORDS,
    Byline,
    folded_words,
    is_agency,
    is_byline_tail,
    parse_byline,
    role_start,
)
from archive_search.cleaning.metadata.wordlists import metadata_words
from archive_search.cleaning.metadata.words import CJK_CHARS, CJK_NAME_CHARS, word_count

__all__ = [
    "PICTURE_WORDS",
    "HeaderLines",
    "HeaderMask",
    "breadcrumb_end",
    "cjk_credit",
    "cjk_end_credit",
    "has_menu_separator",
    "header_lines",
    "is_header_line",
    "is_marked_byline",
    "is_menu_line",
    "labelled_date",
    "last_date",
    "read_header",
]

# A header line is short: a byline or a date line ("Mon 18 Nov 2019 18.54 GMT Last modified on
# Mon 18 Nov 2019 18.56 GMT" at most), never a paragraph.
_MAX_HEADER_WORDS = 20
# A CJK header line is short too: CJK words are not spaced, so it is bounded in characters
_CJK_HEADER_CHARS = 80
_WORD_RE = re.compile(r"\w+")
# "By Jane Doe", "Posted by Jane Doe on ...", "Von Anna Keller": "by" opening the line, after at
# most two lead words; after a date it is a byline too ("11/19/2019 by Jane Doe").
_BY_WORDS = ("by", "von", "par", "por", "door")
_BY_RE = re.compile(rf"(?:^|[\s/|])(?:{'|'.join(_BY_WORDS)})\s*:?\s+(?=\S)", re.IGNORECASE)
_LABELLED_RE = re.compile(
    r"^(?:author|autor|autorin|auteur|autore|written by|текст|автор)\s*:\s*(?=\S)", re.IGNORECASE
)
_LEAD_MAX_WORDS = 2
# A label on a line of its own, the name on the next: "By" / "Jane Doe", "Author:" / "Jane Doe"
_LABEL_RE = re.compile(
    r"^(?:by|von|par|por|author|autor|autorin|auteur|autore|written by)\s*:?$", re.IGNORECASE
)
_LABEL_MAX_WORDS = 2
# A date's label: "Publish date", "Datum", "Fecha"
_DATE_LABEL = r"(?:(?:publish(?:ed)?|publication|posted|release)\s+)?(?:date|datum|fecha|data)"
# "Publish date:" / "Nov 18, 2019": the date's label on a line of its own
_DATE_LABEL_RE = re.compile(rf"^{_DATE_LABEL}\s*:?$", re.IGNORECASE)
# A name line: two to five capitalised words (initials and particles allowed), nothing else.
_NAME_WORD = r"(?:[A-ZÀ-ÞА-Я][\w'’.-]*|van|von|de|der|den|da|di|du|la|le|bin|al)"
_NAME_LINE_RE = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}$")
# the two words a name line opens with: a line opening otherwise is no name with a role
_NAME_START_RE = re.compile(rf"^{_NAME_WORD}\s+{_NAME_WORD}")
# A name with the person's social-media handle: "Jane Doe @janedoe", "Jane Doe@janedoe"
_HANDLE_RE = re.compile(r"\s*@\w{2,30}$")
# A line stating when without a full date: "Published 1 day ago", "Today 12:01 AM", "1 hour ago"
_PUBLISHED_WHEN_RE = re.compile(
    r"^\W*(?:published|posted|updated|publicado|publié|veröffentlicht|aktualisiert)\b.*\d", re.IGNORECASE
)
_WHEN_RE = re.compile(
    r"^\W*(?:(?:today|yesterday|heute|gestern|hoy|ayer|aujourd'hui|hier)\b"
    r"|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b"
    r"|\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?$)",
    re.IGNORECASE,
)
_WHEN_MAX_WORDS = 8
# An organisation's credit on a line of its own: "Detroit News wire services", "HNN Staff"
_ORG_CREDIT_RE = re.compile(r"\b(?:staff|wire services?|wires|newsroom|desk)$", re.IGNORECASE)
# Words naming a picture, in a caption's credit ("Photo: AFP") or a picture's ("Image copyright").
PICTURE_WORDS = ("image", "photo", "picture", "foto", "bild")
# A picture's credit ("Image copyright Getty Images") is no byline.
_PICTURE_CREDIT_RE = re.compile(rf"\b(?:{'|'.join(PICTURE_WORDS)})s?\b|©|\bcopyright\b", re.IGNORECASE)
# An author box's links next to the byline: "View author archive", "Get author RSS feed",
# "email the author", "About Jane Doe", "Follow Jane Doe on Twitter", "follow on twitter".
_AUTHOR_BOX_RE = re.compile(
    r"^(?:(?:view|see|get|email|e-mail|contact|follow|read|more from|more by|all posts by)\s+(?:the\s+|this\s+)?"
    r"author\b.{0,30}"
    r"|(?:about|follow|contact|email|e-mail|more from|more by|all posts by)\s+"
    r"(?-i:[A-ZÀ-Þ][\w'’.-]*)(?:\s+(?-i:[A-ZÀ-Þ][\w'’.-]*)){0,3}(?:\s+on\s+\w+)?"
    r"|follow(?:\s+(?:me|him|her))?\s+on\s+\w+)$",
    re.IGNORECASE,
)
# "Updated ..." is when the page changed, not when the article was published.
_UPDATED_RE = re.compile(
    r"^\W*(?:updated|last (?:updated|modified)|aktualisiert|mis à jour|actualizado)\b", re.I
)


# CJK header lines: labels with a colon, several to a line ("来源：新华社 作者：李明",
# "2019年06月20日 10:15 来源：人民网"): the author, source, editor, time, views or font size
# (metadata_words.json cjk_header_labels). ``parse_byline`` reads the author's among them; a
# label opens the line or follows a space or a bar: "原文：" holds no "文：" label.
@lru_cache(maxsize=1)
def _cjk_label_re() -> re.Pattern[str]:
    labels = "|".join(map(re.escape, metadata_words()["cjk_header_labels"]))
    return re.compile(rf"(?:^|(?<=[\s|｜丨]))({labels})\s*[:：]")


# "文/张三", "文／张三", "新华社记者 李明": a writer's or an outlet's reporter's credit, the names
# after it; the name before the reporter's word ("山田太郎記者", "홍길동 기자", an e-mail address
# after it) or alone in brackets ("（山田太郎）": three or four characters, as "（下）" is none)
_CJK_WRITER_RE = re.compile(
    rf"^(?:文\s*[/／]|[^\s\d]{{0,12}}?(?:{CJK_REPORTER_WORDS})\s"
    rf"|[{CJK_NAME_CHARS}]{{2,4}}\s*(?:記者|기자|特派員|특파원)(?:\s+\S+@\S+)?$"
    rf"|[（(]\s*[{CJK_NAME_CHARS}]{{3,4}}\s*[）)]$)"
)
# an editorial department's credit on a line of its own: "編集部", "半月谈编辑部"
_CJK_DESK_RE = re.compile(r"^[^\s\d]{0,12}?(?:编辑部|編輯部|編集部)$")
_CJK_RE = re.compile(f"[{CJK_CHARS}]")


def cjk_credit(line: str) -> tuple[str, ...] | None:
    """The persons a CJK header line credits (none: "来源：人民网", "編集部"); ``None`` for any
    other line. A line of labels holds nothing
    else but a date or a time before the first; a writer's credit holds names alone after its
    label (``parse_byline`` reads them: a sentence after "记者" is none)."""
    # most lines are ASCII, told apart far faster than by searching for a CJK character
    if line.isascii() or len(line) > _CJK_HEADER_CHARS or not _CJK_RE.search(line):
        return None
    line = line.strip()
    if _CJK_DESK_RE.match(line):
        return ()
    if _CJK_WRITER_RE.match(line):
        authors = parse_byline(line).authors
        named = bool(authors) and not any(_CJK_WRITER_RE.match(a) for a in authors)
        return authors if named else None
    labels = list(_cjk_label_re().finditer(line))
    if not labels:
        return None
    lead = line[: labels[0].start()].strip(" |｜丨")
    if lead and (parse_date(lead) is None and not _TIME_RE.fullmatch(lead)):
        return None
    return parse_byline(line).authors


# a credit in brackets, the whole line: "（山田太郎）", "（记者 王小明）"
_BRACKETED_RE = re.compile(r"^[（(][^（()）]+[）)]$")


def cjk_end_credit(line: str) -> tuple[str, ...]:
    """The persons a CJK credit in brackets closing an article names (``（山田太郎）``,
    ``（记者 王小明）``), as a header line's credit is read; ``()`` for any other line. Chinese
    and Japanese papers credit the reporter there as often as in the header."""
    line = line.strip()
    if line.isascii() or not _BRACKETED_RE.match(line):
        return ()
    return cjk_credit(line) or ()


# A date badge: up to this many lines of at most this many words each ("20" / "Nov" / "2019").
_BADGE_PARTS = 3
_BADGE_PART_WORDS = 3
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?", re.IGNORECASE)


def _words(line: str) -> int:
    """``word_count``: a CJK paragraph written without spaces is as long in words as a spaced
    one, so the header lines' word bounds hold in every script."""
    return word_count(line)


def _date_line(line: str, *, updated: bool = False, day_first: bool = False) -> date | None:
    """The date a short line states; an "Updated ..." line's only when ``updated``."""
    if _words(line) > _MAX_HEADER_WORDS or (not updated and _UPDATED_RE.match(line)):
        return None
    return parse_date(line, day_first=day_first)


# A date line with its label: "Date 19.01.2020", "Datum: 19.11.2021", "ePublished: 3 March 2020",
# "Veröffentlicht am 06.10.2023", "Créé: 12.12.2019, 07h36"
_LABELLED_DATE_RE = re.compile(
    rf"^\W*(?:{_DATE_LABEL}"
    r"|e?published|posted|veröffentlicht|publiziert|publié(?:e)?|publicad[oa]|pubblicat[oa]|créé|erstellt)\b",
    re.IGNORECASE,
)


# The label of the date a page was last changed: "Letzte Änderung 14.02.2019", "Stand: 08.05.2019"
_CHANGED_LABEL_RE = re.compile(r"^\W*(?:letzte änderung|stand)\b", re.IGNORECASE)


def labelled_date(lines: list[str]) -> date | None:
    """The date of the first short line that states it under a publication label, wherever it
    is: a page whose header states no date may state it after the article ("Date 19.01.2020"),
    where an unlabelled date is as likely a teaser's or a comment's. Else the date a label says
    the page was changed ("Updated ...", "Stand: ..."), as the header's own "Updated" lines."""
    changed = None
    for line in lines:
        if _LABELLED_DATE_RE.match(line) and (found := _date_line(line)):
            return found
        if changed is None and (_UPDATED_RE.match(line) or _CHANGED_LABEL_RE.match(line)):
            changed = _date_line(line, updated=True)
    return changed


def near_date(lines: list[str], *, day_first: bool = False) -> date | None:
    """The date of the first short line among ``lines`` that states one, "Updated ..." lines
    aside: the article's date line near its headline or its first paragraph. A date badge's
    parts copy as lines of their own (``November 20`` / ``15:23 2019``, ``20`` / ``Nov`` /
    ``2019``): up to three lines of a few words each are read joined, times left out.
    ``day_first``: read a numeric date both ways readable (``05/10/2018``) day first."""
    for i, line in enumerate(lines):
        found = _date_line(line, day_first=day_first)
        if found:
            return found
        parts: list[str] = []
        for part in lines[i : i + _BADGE_PARTS]:
            if _words(part) > _BADGE_PART_WORDS:
                break
            parts.append(_TIME_RE.sub(" ", part))
            if len(parts) > 1 and (found := parse_date(" ".join(parts), day_first=day_first)):
                return found
    return None


def last_date(lines: list[str], *, day_first: bool = False) -> date | None:
    """The date of the last short line among ``lines`` that states one, "Updated ..." lines
    aside: the date line nearest the first paragraph in a header whose headline was not found."""
    return next((found for line in reversed(lines) if (found := _date_line(line, day_first=day_first))), None)


def _credited(line: str) -> str | None:
    """The credit of a byline line (``Posted by Jane Doe on ...`` -> ``Jane Doe on ...``; a
    CJK header line's persons joined by commas)."""
    m = _LABELLED_RE.match(line)
    if m:
        return line[m.end() :]
    names = cjk_credit(line)
    return ", ".join(names) if names else _by_credit(line)


def _by_credit(line: str) -> str | None:
    """The credit after a "by" that opens the line (after lead words or a date), else ``None``."""
    # an ASCII line (in lower case, as IGNORECASE reads it) without the words is not searched
    lowered = line.lower()
    if line.isascii() and not any(word in lowered for word in _BY_WORDS):
        return None
    for m in _BY_RE.finditer(line):
        lead = line[: m.start()]
        words = _WORD_RE.findall(lead)
        # lead words ("Posted by"), after the date's numbers ("05/10/2018 - Publicado por:")
        named = [w for w in words if not w.isdigit()]
        if (
            len(named) <= _LEAD_MAX_WORDS and all(w.casefold() in folded_words("byline_leads") for w in named)
        ) or parse_date(lead):
            return line[m.end() :]
    return None


def _is_credited(line: str) -> bool:
    """A marked byline or a CJK header line (one crediting nobody too: "来源：人民网")."""
    return (
        cjk_credit(line) is not None or _LABELLED_RE.match(line) is not None or _by_credit(line) is not None
    )


def _is_when(line: str, words: int) -> bool:
    """A line stating when without a full date; ``words``: its ``_words``."""
    if _PUBLISHED_WHEN_RE.match(line):
        return words <= _MAX_HEADER_WORDS
    return words <= _WHEN_MAX_WORDS and _WHEN_RE.match(line) is not None


def _is_credit_line(line: str) -> bool:
    """Persons credited with an agency (``Jane Doe and John Roe, Associated Press``) or an
    organisation's staff credit (``Detroit News wire services``), without a "By"."""
    if _words(line) > _MAX_HEADER_WORDS or _PICTURE_CREDIT_RE.search(line):
        return False
    folded = line.casefold().rstrip(" .")
    staff = _ORG_CREDIT_RE.search(folded) is not None
    # Either credit ends the line (a staff credit, an agency's name): a line ending otherwise
    # is none, and is not given to the costly byline parse.
    if not staff and not folded.endswith(tuple(folded_words("agencies"))):
        return False
    byline = parse_byline(line)
    if not byline.org:
        return False
    return staff or (
        is_agency(byline.org) and bool(byline.authors) and folded.endswith(byline.org.casefold())
    )


class _Line(NamedTuple):
    """One line's own tests (a line too long for a header is tested for nothing); a tuple,
    built for every line of a header's window."""

    short: bool  # few enough words for a header line
    stated: date | None  # the date the line states ("Updated ..." lines' too)
    timed: bool  # it states a date or a time
    label: bool  # a label on a line of its own: "By", "Author:", "Publish date:"


def _line_tests(line: str, words: int) -> _Line:
    """The tests of ``line`` of ``words`` words (its ``_words``)."""
    if words > _MAX_HEADER_WORDS:
        return _Line(False, None, False, False)
    stated = parse_date(line)
    return _Line(
        True,
        stated,
        stated is not None or _is_when(line, words),
        # a label is a word or two ("By", "Author:", "Publish date:")
        words <= _LABEL_MAX_WORDS and (_LABEL_RE.match(line) or _DATE_LABEL_RE.match(line)) is not None,
    )


class HeaderLines:
    """A window of a text dump's lines (``lo`` to ``hi``), read as header lines. Each line's own
    tests run once, when first asked, and serve every window of the same lines: the headline's
    search, the lines under a standfirst and the byline read ask about overlapping windows,
    and a line's neighbours ask its tests too. Indices are the window's. ``count_words``: a
    line's ``_words`` (a page's memo of them, which the cleaner holds already)."""

    def __init__(
        self,
        lines: list[str],
        lo: int = 0,
        hi: int | None = None,
        count_words: Callable[[str], int] = _words,
    ) -> None:
        self._lines = lines
        self._lo = lo
        self._hi = len(lines) if hi is None else min(hi, len(lines))
        self._tests: dict[int, _Line] = {}
        self._count_words = count_words

    def window(self, lo: int, hi: int) -> HeaderLines:
        """Lines ``lo`` to ``hi`` of this window (clipped to it), sharing its tests."""
        view = HeaderLines(self._lines, self._lo + lo, min(self._lo + hi, self._hi), self._count_words)
        view._tests = self._tests
        return view

    def __len__(self) -> int:
        return max(0, self._hi - self._lo)

    def line(self, i: int) -> str:
        return self._lines[self._lo + i]

    def tests(self, i: int) -> _Line:
        at = self._lo + i
        tests = self._tests.get(at)
        if tests is None:
            line = self._lines[at]
            tests = self._tests[at] = _line_tests(line, self._count_words(line))
        return tests

    def date(self, i: int, *, updated: bool = False) -> date | None:
        """``_date_line`` of line ``i``."""
        stated = self.tests(i).stated
        if not updated and stated is not None and _UPDATED_RE.match(self.line(i)):
            return None
        return stated


def _next_to_date(header: HeaderLines, i: int) -> bool:
    """Whether the line above or below states a date or a time: a byline's neighbour, where a
    picture's credit ("Jane Doe, Associated Press" under a caption) has none."""
    return (i > 0 and header.tests(i - 1).timed) or (i + 1 < len(header) and header.tests(i + 1).timed)


def _is_name_over_date(header: HeaderLines, i: int) -> bool:
    """A name alone directly above the date line (``Jane Doe`` / ``Published 18 November 2019``)."""
    if i + 1 >= len(header):
        return False
    return (
        header.tests(i + 1).stated is not None
        and _NAME_LINE_RE.match(header.line(i)) is not None
        and header.date(i) is None
    )


def _is_shaped_byline(header: HeaderLines, i: int) -> bool:
    """A byline read from its shape, not marked as one: a name above the date, a name and a
    role or a handle, a credit line next to a date or a time."""
    line = header.line(i)
    return (
        _is_name_over_date(header, i)
        or _is_name_with_role(line)
        or _is_name_with_handle(line)
        or (_next_to_date(header, i) and _is_credit_line(line))
    )


def _is_name_with_handle(line: str) -> bool:
    """A name and a social-media handle (``Jane Doe @janedoe``): a person's credit."""
    m = _HANDLE_RE.search(line) if "@" in line else None
    return m is not None and m.start() > 0 and _NAME_LINE_RE.match(line[: m.start()]) is not None


# A post's meta line puts its date, author, time and comment count side by side, between
# separators or none: "23.06.2016 um 16:14 Uhr - Jane Doe - 91 Kommentare", "Jane Doe,02.01.2023".
_META_SEPARATOR_RE = re.compile(r"\s+(?:[|~·•]|//|[-–—])\s+")
_CLOCK_RE = re.compile(rf"(?:\bum\s+)?{_TIME_RE.pattern}(?:\s*(?:uhr|h|hrs)\b)?", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
# a comment count closing the line: "0", "1 Comment", "71 Kommentare"
_COUNT_TAIL_RE = re.compile(r"\s+\d+(?:\s+[^\W\d_]+)?$")


def _name_beside_date(line: str) -> str | None:
    """The one name a dated line holds beside its date (``November 20, 2019 Jane Doe``, ``Jane
    Doe | 20/11/2019``, ``19.6.2007 9:40 Uhr Jane Doe 71 Kommentare``, ``Jane Doe,02.01.2023,
    11:08 Uhr``): each part between separators (or commas) read without its date, time, e-mail
    address or closing count; ``None`` unless exactly one part is a name."""
    if _words(line) > _MAX_HEADER_WORDS or parse_date(line) is None:
        return None
    text = _CLOCK_RE.sub(" ", _EMAIL_RE.sub(" ", line))
    parts = _META_SEPARATOR_RE.split(text)
    names = set()
    for part in [*parts, *(c for whole in parts if "," in whole for c in whole.split(","))]:
        rest = part.strip(" ,")
        if parse_date(rest):
            rest = without_date(rest) or ""
        rest = _COUNT_TAIL_RE.sub("", rest).strip(" ,")
        if rest and _NAME_LINE_RE.match(rest) and parse_date(rest) is None:
            names.add(rest)
    return names.pop() if len(names) == 1 else None


def _is_name_with_role(line: str) -> bool:
    """A name and a role (``Jane Doe, Staff Writer``, ``Bruce Y. Lee Senior Contributor``)."""
    if _NAME_START_RE.match(line) is None:
        return False
    role = role_start(line)
    return bool(role) and _NAME_LINE_RE.match(line[:role].rstrip()) is not None


# Menus and breadcrumbs: items separated by pipes, bullets or arrows
_MENU_SEPARATOR_RE = re.compile(r"\s[|•·›»/>]\s")
# A headline's kicker: "Milan Design Week 2018 | A light installation for a showroom"
_KICKER_MIN_WORDS = 3


def has_menu_separator(line: str) -> bool:
    """Items separated by a pipe, a bullet or an arrow (``News | World``, ``Home › Sport``)."""
    return _MENU_SEPARATOR_RE.search(line) is not None


def is_menu_line(line: str) -> bool:
    """Menu items or a breadcrumb on one line (``News | World | Europe``, ``Home › Sport``);
    not a headline with its kicker, two parts of three words or more around one separator."""
    parts = _MENU_SEPARATOR_RE.split(line)
    if len(parts) == 1:
        return False
    return len(parts) > 2 or min(_words(p) for p in parts) < _KICKER_MIN_WORDS


def breadcrumb_end(line: str) -> str | None:
    """The last item of a menu line or breadcrumb (``Home » News » Headline``), else ``None``."""
    return _MENU_SEPARATOR_RE.split(line)[-1].strip() if is_menu_line(line) else None


def is_marked_byline(line: str) -> bool:
    """A byline marked as one (``By Jane Doe``, ``Posted by Jane Doe on ...``, ``Author: Jane
    Doe``), as a page writes it directly under its headline."""
    return _words(line) <= _MAX_HEADER_WORDS and _credited(line) is not None


def is_header_line(line: str, words: int | None = None) -> bool:
    """A marked byline with its date, or a "Published ..." line, read without its neighbours
    (``By Jane Doe and John Roe on Monday, November 18th, 2019 at 11:08 a.m.``): as long as a
    paragraph, but no paragraph of the article. ``words``: the line's ``word_count`` when the
    caller holds it."""
    if (_words(line) if words is None else words) > _MAX_HEADER_WORDS:
        return False
    if _PUBLISHED_WHEN_RE.match(line):
        return True
    return parse_date(line) is not None and _credited(line) is not None


def header_lines(lines: list[str] | HeaderLines) -> list[bool]:
    """Which lines are a byline or a date line (``By Jane Doe``, ``Posted on May 3, 2021``,
    ``Updated 10:01 pm, November 19, 2019``, ``Author:``, a name above the date line), or an
    author box's links in a run next to one (``About Jane Doe``, ``View author archive``)."""
    mask = HeaderMask(lines)
    return [mask[i] for i in range(len(mask))]


class HeaderMask:
    """``header_lines`` of a window, each line read when first asked: a headline's search asks
    about the lines near the ones it weighs, and most lines of a long header (menus, share
    buttons) it never asks about."""

    def __init__(self, lines: list[str] | HeaderLines) -> None:
        self._header = lines if isinstance(lines, HeaderLines) else HeaderLines(lines)
        self._own: dict[int, bool] = {}
        self._box: dict[int, bool] = {}

    def __len__(self) -> int:
        return len(self._header)

    def __getitem__(self, i: int) -> bool:
        if not 0 <= i < len(self._header):
            raise IndexError(i)
        if self._dated_or_credited(i):
            return True
        if not self._in_box(i):
            return False
        # a run of author-box lines belongs to the header when a header line borders it
        lo, hi = i, i
        while lo > 0 and self._in_box(lo - 1):
            lo -= 1
        while hi + 1 < len(self._header) and self._in_box(hi + 1):
            hi += 1
        return (lo > 0 and self._dated_or_credited(lo - 1)) or (
            hi + 1 < len(self._header) and self._dated_or_credited(hi + 1)
        )

    def _in_box(self, i: int) -> bool:
        found = self._box.get(i)
        if found is None:
            found = self._box[i] = _AUTHOR_BOX_RE.match(self._header.line(i)) is not None
        return found

    def _dated_or_credited(self, i: int) -> bool:
        found = self._own.get(i)
        if found is None:
            header = self._header
            t = header.tests(i)
            # the date beside a credit line is asked before its costly byline parse
            found = self._own[i] = t.short and (
                t.label
                or t.timed
                or (i > 0 and header.tests(i - 1).label)
                or _is_credited(header.line(i))
                or _is_shaped_byline(header, i)
            )
        return found


def _byline_at(header: HeaderLines, i: int, *, stated: bool, publisher: str | None) -> Byline:
    """The byline line ``i`` states: with ``stated``, only one marked as such ("By", a label);
    otherwise only one read from its shape (a name above the date, a name and a role, a credit)."""
    line = header.line(i)
    if not header.tests(i).short:
        return Byline()
    if stated:
        if _LABEL_RE.match(line) and i + 1 < len(header):
            return parse_byline(f"By {header.line(i + 1)}", publisher, capitalised=True)
        credit = _credited(line)
        if credit is None:
            return Byline()
        if i + 1 < len(header) and is_byline_tail(header.line(i + 1)):
            credit = (
                f"{credit}, {header.line(i + 1)}"  # "By Jane Doe" / "Associated Press": one byline, wrapped
            )
        return parse_byline(f"By {credit}", publisher, capitalised=True)
    if _is_shaped_byline(header, i):
        return parse_byline(line, publisher, capitalised=True)
    name = _name_beside_date(line)
    return parse_byline(name, publisher, capitalised=True) if name else Byline()


def _above_byline(line: str, publisher: str | None) -> Byline:
    """The byline a line above the headline states when it is marked as one (``By Jane Doe``,
    ``Von Jane Doe publiziert am 25. September 2018``)."""
    credit = _credited(line) if _words(line) <= _MAX_HEADER_WORDS else None
    return parse_byline(f"By {credit}", publisher, capitalised=True) if credit else Byline()


def read_header(
    lines: list[str] | HeaderLines, above: list[str] | None = None, publisher: str | None = None
) -> tuple[Byline, date | None]:
    """The byline and the publication date the header lines state (empty when they do not).

    A byline marked as one ("By", "Author:") wins over one read from its shape. ``above``: the
    lines just above the headline, where some pages put the date or a marked byline (read only
    when the lines under it state none). ``publisher``: the page's own name, an organisation credit in a byline.

    The date: the marked byline's own (``By Jane Doe on May 3, 2021``: the article's, where a
    quote's attribution above it may be dated too), else the first date line that is not an
    "Updated ..." one, else one above the headline, else an "Updated ..." line's: a page stating
    only when it was updated was most often updated the day it appeared, and a date close to
    the article's serves a reader's date filter better than none."""
    header = lines if isinstance(lines, HeaderLines) else HeaderLines(lines)
    byline, at = Byline(), None
    for stated in (True, False):
        byline, at = next(
            (
                (b, i)
                for i in range(len(header))
                if (b := _byline_at(header, i, stated=stated, publisher=publisher))
            ),
            (Byline(), None),
        )
        if byline:
            break
    if not byline and above:
        # a marked byline right above the headline (a blog's post meta over its title)
        byline = next((b for line in reversed(above) if (b := _above_byline(line, publisher))), Byline())
    published = header.date(at) if at is not None else None
    published = published or next((d for i in range(len(header)) if (d := header.date(i))), None)
    if published is None and above:
        published = next((d for d in map(_date_line, reversed(above)) if d), None)
    if published is None:
        published = next((d for i in range(len(header)) if (d := header.date(i, updated=True))), None)
    return byline, published
