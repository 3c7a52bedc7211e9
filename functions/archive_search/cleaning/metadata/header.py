"""An article's header in a text dump: the lines between the headline and the first paragraph
(standfirst, byline, date, share buttons, a picture's caption), read for who wrote it and when.

A copied page writes the byline and the date as lines of their own, in many shapes: ``By Jane
Doe``, ``By`` / ``Jane Doe`` on two lines, ``Posted by Jane Doe on May 3, 2021``, ``5:45 AM
11/19/2019 by Jane Doe``, ``Author:`` / ``Jane Doe``, or a name alone directly above the date
line (``Jane Doe`` / ``Published 18 November 2019``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from archive_search.cleaning.metadata.dates import parse_date
from archive_search.cleaning.metadata.names import _AUTHOR_TAIL_RE, Byline, metadata_words, parse_byline

__all__ = ["header_lines", "read_header"]

# A header line is short: a byline or a date line ("Mon 18 Nov 2019 18.54 GMT Last modified on
# Mon 18 Nov 2019 18.56 GMT" at most), never a paragraph.
_MAX_HEADER_WORDS = 20
_WORD_RE = re.compile(r"\w+")
# "By Jane Doe", "Posted by Jane Doe on ...", "Von Anna Keller": "by" opening the line, after at
# most two lead words; after a date it is a byline too ("11/19/2019 by Jane Doe").
_BY_RE = re.compile(r"(?:^|[\s/|])(?:by|von|par|por|door)\s*:?\s+(?=\S)", re.IGNORECASE)
_LABELLED_RE = re.compile(r"^(?:author|autor|autorin|auteur|autore|written by)\s*:\s*(?=\S)", re.IGNORECASE)
_LEAD_MAX_WORDS = 2
# A label on a line of its own, the name on the next: "By" / "Jane Doe", "Author:" / "Jane Doe"
_LABEL_RE = re.compile(
    r"^(?:by|von|par|por|author|autor|autorin|auteur|autore|written by)\s*:?$", re.IGNORECASE
)
# A name line: two to five capitalised words (initials and particles allowed), nothing else.
_NAME_LINE_RE = re.compile(
    r"^(?:[A-ZÀ-ÞА-Я][\w'’.-]*|van|von|de|der|den|da|di|du|la|le|bin|al)"
    r"(?:\s+(?:[A-ZÀ-ÞА-Я][\w'’.-]*|van|von|de|der|den|da|di|du|la|le|bin|al)){1,4}$"
)
# "Updated ..." is when the page changed, not when the article was published.
_UPDATED_RE = re.compile(
    r"^\W*(?:updated|last (?:updated|modified)|aktualisiert|mis à jour|actualizado)\b", re.I
)


@lru_cache(maxsize=1)
def _leads() -> frozenset[str]:
    return frozenset(metadata_words()["byline_leads"])


def _words(line: str) -> int:
    return len(_WORD_RE.findall(line))


def _date_line(line: str, *, updated: bool = False) -> date | None:
    """The date a short line states; an "Updated ..." line's only when ``updated``."""
    if _words(line) > _MAX_HEADER_WORDS or (not updated and _UPDATED_RE.match(line)):
        return None
    return parse_date(line)


def _credited(line: str) -> str | None:
    """The credit of a byline line (``Posted by Jane Doe on ...`` -> ``Jane Doe on ...``)."""
    m = _LABELLED_RE.match(line)
    if m:
        return line[m.end() :]
    for m in _BY_RE.finditer(line):
        lead = line[: m.start()]
        words = _WORD_RE.findall(lead)
        if (len(words) <= _LEAD_MAX_WORDS and all(w.casefold() in _leads() for w in words)) or parse_date(
            lead
        ):
            return line[m.end() :]
    return None


def _is_name_over_date(lines: list[str], i: int) -> bool:
    """A name alone directly above the date line (``Jane Doe`` / ``Published 18 November 2019``)."""
    return (
        i + 1 < len(lines)
        and _NAME_LINE_RE.match(lines[i]) is not None
        and _date_line(lines[i + 1], updated=True) is not None
        and _date_line(lines[i]) is None
    )


def _is_name_with_role(line: str) -> bool:
    """A name and a role (``Jane Doe, Staff Writer``, ``Bruce Y. Lee Senior Contributor``)."""
    role = _AUTHOR_TAIL_RE.search(line)
    return (
        role is not None
        and role.start() > 0
        and _NAME_LINE_RE.match(line[: role.start()].rstrip()) is not None
    )


def header_lines(lines: list[str]) -> list[bool]:
    """Which lines are a byline or a date line (``By Jane Doe``, ``Posted on May 3, 2021``,
    ``Updated 10:01 pm, November 19, 2019``, ``Author:``, a name above the date line)."""
    return [
        _words(line) <= _MAX_HEADER_WORDS
        and bool(
            _LABEL_RE.match(line)
            or _credited(line) is not None
            or _date_line(line, updated=True)
            or _is_name_over_date(lines, i)
            or _is_name_with_role(line)
        )
        for i, line in enumerate(lines)
    ]


def _byline_at(lines: list[str], i: int) -> Byline:
    line = lines[i]
    if _words(line) > _MAX_HEADER_WORDS:
        return Byline()
    if _LABEL_RE.match(line) and i + 1 < len(lines):
        return parse_byline(f"By {lines[i + 1]}")
    credit = _credited(line)
    if credit is not None:
        return parse_byline(f"By {credit}")
    if _is_name_over_date(lines, i) or _is_name_with_role(line):
        return parse_byline(line)
    return Byline()


def read_header(lines: list[str]) -> tuple[Byline, date | None]:
    """The byline and the publication date the header lines state (empty when they do not)."""
    byline = Byline()
    published = None
    for i, line in enumerate(lines):
        if not byline:
            byline = _byline_at(lines, i)
        if published is None:
            published = _date_line(line)
        if byline and published:
            break
    return byline, published
