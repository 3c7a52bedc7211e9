"""Who published and who wrote: the publisher as readers cite it and bylines split into persons
and an organisation (agency, staff), with the word lists of ``metadata_words.json``."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from archive_search.cleaning.metadata.dates import MONTH_RE
from archive_search.cleaning.metadata.words import CJK_NAME_CHARS

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


# A copyright line: "© 2019 The Detroit News, a part of ...", "Copyright © 2016 Example Media.
# All rights reserved.", "Copyright 2019. Example Post.", "© 1995 - 2019 by Example Media"; the
# sign opens the line or a sentence ("This material may not be published. ©2019 Example LLC")
_COPYRIGHT_RE = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:all contents\s+)?(?:(?:©|ⓒ|\(c\)|copyright)\s*)+"
    r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?[.,]?\s*(?:(?:by|copyright|all rights reserved)\s+)?"
    r"(?P<holder>[^|©]{2,80})",
    re.IGNORECASE,
)
_COPYRIGHT_SIGN_RE = re.compile(r"©|ⓒ|\(c\)|\bcopyright\b", re.IGNORECASE)
# where a copyright holder's name ends: "The Detroit News, a part of ...", "X. All rights reserved",
# "Example Network.Example Broadcasting" (sentences glued together)
_HOLDER_END_RE = re.compile(
    r"[.,;:]\s|\.$|(?-i:\.(?=[A-Z][a-z]))|\s+(?:all|alle|tous|todos|tutti)\s|\s\d{4}\b|\s[-–—]\s|\s\(",
    re.IGNORECASE,
)
_HOLDER_MAX_WORDS = 6
_LINE_WORD_RE = re.compile(r"[\w.]+")
# "Example News is part of Example Holdings Inc, ...": the site named beside its parent company
_PART_OF_RE = r"^(?P<site>\S.{0,60}?)\s+is\s+(?:a\s+)?(?:part|division|unit|subsidiary|member|brand)\s+of\s+"


def copyright_holder(lines: list[str]) -> str | None:
    """The holder a page's last copyright line names, as a publisher (``© 2019 Newsweek`` ->
    ``Newsweek``), without a company's legal form and corporate words (``Forbes Media LLC`` ->
    ``Forbes``): readers cite the masthead, not the company. ``None`` for a picture credit
    (``© X/AdobeStock``) and for a company the page names nowhere else (a parent company)."""
    for line in reversed(lines):
        m = _COPYRIGHT_RE.search(line)
        if m:
            return _holder_as_publisher(line, m["holder"], lines)
    return None


def _holder_as_publisher(line: str, found: str, lines: list[str]) -> str | None:
    """The page's own name from the holder ``found`` in its copyright ``line``: the initials
    the page calls itself by, the name it shows elsewhere too (or the site it says the holder
    owns), else the name stated only in a footer notice or as a host name; ``None`` for a
    parent company, an agency or nobody."""
    written = _HOLDER_END_RE.split(found, maxsplit=1)[0].strip(" .,-–—")
    holder = _without_company_words(written)
    key = holder.casefold()
    folded = [other.casefold() for other in lines]
    initials = _initials_used(written, key, lines, folded)
    if initials:
        return initials
    words = holder.split()
    if "/" in holder or not 1 <= len(words) <= _HOLDER_MAX_WORDS or sum(map(str.isalpha, holder)) < 3:
        return None
    # the site's own name is on the page elsewhere too (masthead, menus, "About X"); a parent
    # company's only in the footer's copyright lines, an agency's in a credit in brackets
    # ("BERGEN (Nordic Wire) —")
    mentions = [
        other
        for other, low in zip(lines, folded, strict=True)
        if key in low and not _COPYRIGHT_SIGN_RE.search(other)
    ]
    # the holder's own patterns are compiled only when the page names it elsewhere: compiling
    # one costs more than the rest of this function
    if mentions:
        part_of = re.compile(_PART_OF_RE + re.escape(holder) + r"(?!\w)", re.IGNORECASE)
        site = next((m["site"] for other in mentions if (m := part_of.match(other))), None)
        if site is not None:
            return clean_source(site) if len(site.split()) <= _HOLDER_MAX_WORDS else None
        pattern = re.compile(rf"(?<![\w(]){re.escape(holder)}(?!\w)", re.IGNORECASE)
        if any(pattern.search(other) for other in mentions):
            return clean_source(holder)
    return _named_in_footer_only(line, holder, mentions)


def _without_company_words(name: str) -> str:
    """``name`` without the legal forms and corporate words ending it (``Example Media Group
    Ltd`` -> ``Example``), its first word kept."""
    words = name.split()
    dropped = folded_words("legal_forms") | folded_words("corporate_words")
    while len(words) > 1 and words[-1].casefold().strip(".,") in dropped:
        words.pop()
    return " ".join(words)


def _initials_used(name: str, key: str, lines: list[str], folded: list[str]) -> str | None:
    """The initials of ``name`` when the page calls itself by them and no line of it is the
    name written out (``name`` or ``key``: it without its company words, case-folded)."""
    initials = _initials(name.split())
    if not initials or name.casefold() in folded or key in folded:
        return None
    page = "\n".join(lines)
    if initials in page and re.search(rf"(?<!\w){initials}(?!\w)", page):
        # "Cable News Network" on a page that calls itself "CNN" (and has no masthead line
        # "Cable News Network": "The Hollywood Reporter" stays itself on a page saying "THR")
        return initials
    return None


def _named_in_footer_only(line: str, holder: str, mentions: list[str]) -> str | None:
    """A holder named only in the footer: the site's own name when its notice names no company
    (no legal form: "© 2019 Example Post. All rights reserved"), or a host name; an owner
    described as an organisation ("a nonprofit organization") is no masthead."""
    owner = folded_words("legal_forms") | folded_words("owner_words")
    company = any(w.casefold().strip(".") in owner for w in _LINE_WORD_RE.findall(line))
    credited = bool(mentions) and any(
        map(re.compile(rf"\(\s*{re.escape(holder)}\s*\)", re.IGNORECASE).search, mentions)
    )
    if _footer_notice_re().fullmatch(holder) or credited:
        return None  # "© All rights reserved" names nobody; "(Nordic Wire)" credits an agency
    if not company and (_footer_notice_re().search(line) or _HOST_RE.match(holder)):
        return clean_source(holder)
    return None


def _initials(words: list[str]) -> str | None:
    """The initials of a name of three or more capitalised words (``Cable News Network`` ->
    ``CNN``), legal forms left out; ``None`` otherwise."""
    named = [w for w in words if w.casefold().strip(".,") not in folded_words("legal_forms")]
    if len(named) < 3 or not all(w[:1].isupper() and w[:1].isalpha() for w in named):
        return None
    return "".join(w[0] for w in named)


@cache
def folded_words(key: str) -> frozenset[str]:
    """One word list of ``metadata_words.json``, case-folded (read once)."""
    return frozenset(w.casefold() for w in metadata_words()[key])


# A site's own footer notice rather than a picture's credit: rights reserved
# (metadata_words.json rights_reserved), or the years the site has run ("© 2005 - 2019 Example")
@lru_cache(maxsize=1)
def _footer_notice_re() -> re.Pattern[str]:
    reserved = "|".join(re.escape(p) for p in metadata_words()["rights_reserved"])
    return re.compile(rf"{reserved}|\d{{4}}\s*[-–]\s*\d{{4}}", re.IGNORECASE)


# "By", "Written by", "Analysis by", "Текст:": up to two words before the "by". Before "von",
# "di", "door" (also a name's particle: "Christoph von Eichhorn") up to three words in lower case
# or a byline's lead words ("Text und Fotos von", "Erstellt von": metadata_words.json byline_leads);
# the "by" words of other languages opening the byline only ("Av Anna Svensson", "بقلم ...":
# byline_words); a label and a colon ("Autor: Jan Kowalski", "作者：李明": byline_labels)
@lru_cache(maxsize=1)
def _byline_prefix_re() -> re.Pattern[str]:
    words = metadata_words()
    leads = "|".join(re.escape(w) for w in sorted(words["byline_leads"], key=len, reverse=True))
    by_words = "|".join(map(re.escape, words["byline_words"]))
    labels = "|".join(map(re.escape, words["byline_labels"]))
    return re.compile(
        r"^(?:[^\W\d_]+\s+){0,2}?(?:by|par|por)\s*[:\-]?\s+"
        rf"|^(?:(?:(?-i:[^\W\d_A-ZÀ-Þ][^\W\d_]*)|{leads})\s+){{0,3}}?(?:von|di|door)\s*[:\-]?\s+"
        rf"|^(?:{by_words})\s+(?=\S)"
        rf"|^(?:{labels})\s*[:：]\s*",
        re.IGNORECASE,
    )


# a label glued to the name: "AuthorAndreas Kalt"
_GLUED_LABEL_RE = re.compile(r"^(?:Author|Autor|Autorin|Auteur|Autore|Written by|By)(?=[A-ZÀ-Þ][a-zà-ÿ])")
# ", Transport Correspondent", "| Staff Reporter", " Senior Editor": a role after the name
_ROLES = (
    r"(?:reporter|correspondent|writer|editor|editor-at-large|contributor|journalist|columnist"
    r"|photographer|analyst|producer|critic|anchor)"
)
_AUTHOR_TAIL_RE = re.compile(
    rf"(?:\s*[|,;•·–—-]\s*(?:[\w.'’&-]+\s+){{0,3}}{_ROLES}s?\b.*$"
    rf"|\s+(?-i:[A-Z]{{2,5}}\s+)?(?:staff|senior|chief|special|national|sports|political|business)\s+{_ROLES}s?\b.*$"
    # a role word no name is spelled with: "Christoph Hein Chefredakteur"
    r"|\s+(?:chef|fach|lokal|sport|online)?redakteur(?:in)?\b.*$)",
    re.IGNORECASE,
)
# A line that is only a role ("Arts Correspondent"): the rest of a byline wrapped onto the next line.
_ROLE_LINE_RE = re.compile(rf"^(?:[\w.'’&-]+\s+){{0,3}}(?:{_ROLES}|staff)s?\.?$", re.IGNORECASE)


def role_start(text: str) -> int | None:
    """Where a role after the name begins (``Jane Doe, Staff Writer`` -> 8), ``None`` without one."""
    role = _AUTHOR_TAIL_RE.search(text)
    return None if role is None else role.start()


def is_role_line(text: str) -> bool:
    """``Arts Correspondent``, ``Staff Reporter``: a byline's role on a line of its own."""
    return len(text) <= 60 and _ROLE_LINE_RE.match(text.strip()) is not None


def is_byline_tail(text: str) -> bool:
    """The rest of a byline wrapped onto a line of its own: a role (``Arts Correspondent``) or
    an agency (``Associated Press`` under ``By Jane Doe``)."""
    return is_role_line(text) or (len(text) <= 60 and is_agency(text.strip(" .")))


_EMAIL_RE = re.compile(r"\S+@\S+\.\S+")
_HANDLE_RE = re.compile(r"@\w+")
_DATE_TAIL_RE = re.compile(
    r"\s*(?:[|,•·–—-]|\b(?:on|am|vom|le|du|el|del|il)\b)?\s*"
    r"(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\b(?:{MONTH_RE})\b\.?\s+\d|\d{{1,2}}\s+(?:{MONTH_RE})\b|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}"
    r"|\d+\s+(?:min|minute|hour|day)s?\b"
    r"|\b(?:updated|published|posted|publiziert|veröffentlicht|aktualisiert|stand|publié|mis à jour"
    r"|publicado|actualizado|pubblicato|aggiornato)\b).*$",
    re.IGNORECASE,
)
# Text some sites glue to the name ("Jose AltoverosView More Articles", "ERIC TUCKERAssociated Press")
_GLUED_TAIL_RE = re.compile(
    r"(?<=[a-zà-ÿ])(?=(?:View|Read|More|See|Follow|Associated Press|Reuters|Business|CNN|FOX|Fox"
    r"|January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"|(?<=[A-ZÀ-Þ]{2})(?=[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*$)"
    # a site's name in capitals glued to a name ("Jonathan GarberFOXBusiness")
    r"|(?<=[a-zà-ÿ]{3})(?=[A-ZÀ-Þ]{2,}[a-zà-ÿ]*$)"
)
_TRAILER_RE = re.compile(
    r"\b(?:view|read|see|more)\s+(?:more\s+|all\s+)?(?:articles|stories|posts|by)\b.*$"
    r"|\b(?:follow|about)\b.*$|\bget author rss\b.*$",
    re.IGNORECASE,
)
# Credentials after a name: "Rachael Link, MS, RD"
_CREDENTIAL_RE = re.compile(r"^(?:[A-Z]{2,5}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|I{2,3})$")
_SEPARATOR_RE = re.compile(r"\s*[,;|、]\s*")
# "and" in a byline's languages; "e", "y", "et" only as words ("Hanns-Seidel-Stiftung e.V.")
_CONJUNCTION_RE = re.compile(r"\s*(?:&|\s\band\b|\s\bund\b|\s\bet(?=\s)|\s\by(?=\s)|\s\be(?=\s))\s*")
# an institution's name ("Bundesministerium für Wirtschaft und Klimaschutz") is one credit
_INSTITUTION_RE = re.compile(
    r"(?:stiftung|ministerium|ministry|verband|verein|institut|institute|university|universität"
    r"|foundation|association|gesellschaft|agentur|department)\b|\be\.\s?v\b",
    re.IGNORECASE,
)
_DIGITS_TAIL_RE = re.compile(r"(?:^|[\s(]+)\d.*$")


def _word_set(name: str) -> set[str]:
    return set(re.findall(r"\w+", name.casefold()))


@lru_cache(maxsize=1)
def metadata_words() -> dict[str, Any]:
    """The word lists of ``metadata_words.json`` (agencies, CMS accounts, non-publishers, ...)."""
    return json.loads(Path(__file__).with_name("metadata_words.json").read_text(encoding="utf-8"))


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
    folded = part.casefold()
    if folded in folded_words("agencies") or _INSTITUTION_RE.search(part):
        return True
    tokens = _word_set(part)
    if tokens & folded_words("org_words"):
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
    if folded in folded_words("accounts") or any(ch.isdigit() for ch in part):
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
    return name.casefold() in folded_words("agencies")


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
    for agency in folded_words("agencies"):
        if " " in agency and folded.endswith(" " + agency):
            return part[-len(agency) :]
    return None


_NAME_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")


def _person(part: str) -> str | None:
    words = part.split()
    if not 1 <= len(words) <= 5 or not all(_NAME_RE.match(w) for w in words):
        return None
    return _uncap_names(part)


# Chinese, Japanese and Korean credits: a reporter's label before the names ("新华社记者 李明 王芳",
# "（记者 李明）", "文/张三") or after the name ("홍길동 기자", "山田太郎記者")
_CJK_CREDIT_LEAD_RE = re.compile(
    r"^[（(【\[]?\s*(?:[\u4e00-\u9fff]{0,8}?(?:记者|記者|通讯员|通訊員)\s*[:：]?|(?:撰文|文字|文)\s*[/／|｜:：])\s*(?=\S)"
)
_CJK_CREDIT_TAIL_RE = re.compile(r"\s*(?:기자|記者|特派員|특파원)(?:\s.*)?$|\s*[）)】\]]$")
# names of two to four characters, several apart by spaces or "、": one credit each
_CJK_NAMES_RE = re.compile(rf"^[{CJK_NAME_CHARS}]{{2,4}}(?:[\s、]+[{CJK_NAME_CHARS}]{{2,4}})*$")


# an author's label inside a line of labels: "2024年3月5日 来源：新华社 作者：李明 编辑：王芳"
_CJK_AUTHOR_LABEL_RE = re.compile(r"(?:作者|记者|記者|撰文)\s*[:：]\s*(.+?)(?=\s+[^\s:：]{1,6}[:：]|$)")


# An editor's credit closing the article ("责任编辑：王芳", "【編集：山田】"): the desk's, not the
# story's (metadata_words.json editor_labels)
@lru_cache(maxsize=1)
def _editor_credit_re() -> re.Pattern[str]:
    labels = "|".join(map(re.escape, metadata_words()["editor_labels"]))
    return re.compile(rf"^[【\[(（]?\s*(?:{labels})\s*[:：]\s*[^:：]{{1,24}}?\s*[】\])）]?$")


def is_editor_credit(line: str) -> bool:
    """Whether ``line`` is an editor's credit alone (``责任编辑：王芳``, ``【編集：山田】``)."""
    return not line.isascii() and _editor_credit_re().match(line) is not None


def has_author_label(text: str) -> bool:
    """Whether a line of CJK labels names its author (``来源：新华社 作者：李明``)."""
    return not text.isascii() and _CJK_AUTHOR_LABEL_RE.search(text) is not None


def _cjk_names(text: str) -> str:
    """A CJK credit's names alone, several joined by commas; other text as it is."""
    if text.isascii():
        return text
    labelled = _CJK_AUTHOR_LABEL_RE.search(text)
    names = labelled[1] if labelled else _CJK_CREDIT_LEAD_RE.sub("", text)
    names = _CJK_CREDIT_TAIL_RE.sub("", names).strip()
    return ", ".join(re.split(r"[\s、]+", names)) if _CJK_NAMES_RE.match(names) else text


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
    text = _cjk_names(_EMAIL_RE.sub(" ", text).strip())
    text = _GLUED_LABEL_RE.sub("", text)
    glued = _GLUED_TAIL_RE.search(text)
    if glued and " " not in text[glued.end() :] and not is_agency(text[glued.end() :]):
        text = text[: glued.start()]  # one glued word that is no agency: a site's or a label
    text = _GLUED_TAIL_RE.sub(" | ", text)
    text = _HANDLE_RE.sub(" ", text)
    text = _TRAILER_RE.sub("", text)
    text = _byline_prefix_re().sub("", text.strip(" |·•,;:-–—"))
    text = _DATE_TAIL_RE.sub("", text)
    text = _DIGITS_TAIL_RE.sub("", text)
    authors: list[str] = []
    org = None
    role = _AUTHOR_TAIL_RE.search(text)
    if role:  # ", AP National Political Writer", ", Arts and Culture Correspondent"
        head = role.group().strip(" |,;•·–—-").split(" ", 1)[0]
        if is_agency(head) and head.casefold() not in folded_words("org_words"):
            org = _agency_names()[head.casefold()]
        text = text[: role.start()]
    for part in _byline_parts(text):
        # a closing initial keeps its full stop ("Joe S.")
        initial = re.search(r"\s[A-ZÀ-Þ]\.\s*$", part) is not None
        part = part.strip(" .|·•,;:-–—()") + ("." if initial else "")
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
            if head.casefold() in folded_words("agencies") and head.casefold() not in folded_words(
                "org_words"
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


def _byline_parts(text: str) -> list[str]:
    """A byline's credits: parts between commas, each split at "and" unless it names an
    institution; an organisation's address after its name (``hessenschau.de, Frankfurt,
    Germany``) is dropped."""
    chunks = _SEPARATOR_RE.split(text)
    countries = folded_words("countries")
    if len(chunks) >= 2 and chunks[-1].strip(" .").casefold() in countries:
        chunks = chunks[:1]
    parts: list[str] = []
    for chunk in chunks:
        parts += [chunk] if _INSTITUTION_RE.search(chunk) else _CONJUNCTION_RE.split(chunk)
    return parts


def _uncap_names(text: str) -> str:
    """``JANIE HAR`` -> ``Janie Har``; mixed-case names and short acronyms stay."""
    if text.isupper() and len(text.replace(" ", "")) > 3:
        return " ".join(
            w if len(w) <= 2 and w.isalpha() else "-".join(p.capitalize() for p in w.split("-"))
            for w in text.split(" ")
        )
    return text
