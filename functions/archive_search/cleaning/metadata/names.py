"""Who wrote: bylines split into persons and an organisation (agency, staff), with the word
lists of ``metadata_words.json``. The publisher's name is ``sources``'s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive_search.cleaning.metadata.dates import MONTH_RE
from archive_search.cleaning.metadata.sources import clean_source
from archive_search.cleaning.metadata.wordlists import folded_words, metadata_words
from archive_search.cleaning.metadata.words import CJK_NAME_CHARS, squash


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
    # a desk in title case before the role in lower case ending the line: "Jane Doe Education editor"
    rf"|\s+(?-i:[A-Z][a-z]+\s+{_ROLES})$"
    # a role word no name is spelled with: "Christoph Hein Chefredakteur"
    r"|\s+(?:chef|fach|lokal|sport|online)?redakteur(?:in)?\b.*$)",
    re.IGNORECASE,
)
# A line that is only a role ("Arts Correspondent"): the rest of a byline wrapped onto the next line.
_ROLE_LINE_RE = re.compile(rf"^(?:[\w.'’&-]+\s+){{0,3}}(?:{_ROLES}|staff)s?\.?$", re.IGNORECASE)


# Every role _AUTHOR_TAIL_RE finds holds one of these words: an ASCII text (lower case, as
# IGNORECASE reads it) without one is not searched, a search trying three alternatives a character.
_ROLE_WORD_RE = re.compile(rf"{_ROLES}|redakteur")


def role_start(text: str) -> int | None:
    """Where a role after the name begins (``Jane Doe, Staff Writer`` -> 8), ``None`` without one."""
    if text.isascii() and not _ROLE_WORD_RE.search(text.lower()):
        return None
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
    # the month names (none holds a space) are tried only at a word a number follows
    rf"(?:\b(?=\S+\s+\d)(?:{MONTH_RE})\b\.?\s+\d|\d{{1,2}}\s+(?:{MONTH_RE})\b|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}"
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


# Lower-case words a name holds: its particles ("Justus von Daniels", "Oscar de la Hoya")
_PARTICLE_WORDS = (
    "van von vom zu zum zur de der den des del della di da das dos do du la le les lo y e bin ibn al el "
    "ben ter ten te op"
)
_NAME_PARTICLES = frozenset(_PARTICLE_WORDS.split())


def _person(part: str, capitalised: bool = False) -> str | None:
    words = part.split()
    if capitalised and words and words[0][:1].isupper():
        # a name's words are capitalised, particles aside: a lower-case word after it is the
        # byline's text, not the name ("Dago on" of "By Dago on May 3", "Jane Doe in Politics")
        end = next(
            (i for i, w in enumerate(words) if w[:1].islower() and w.casefold() not in _NAME_PARTICLES),
            len(words),
        )
        if end < len(words):
            words = words[:end]
            part = " ".join(words)
    if not 1 <= len(words) <= 5 or not all(_NAME_RE.match(w) for w in words):
        return None
    return _uncap_names(part)


# The words a Chinese or Japanese reporter's credit opens with: reporter, correspondent
CJK_REPORTER_WORDS = "记者|記者|通讯员|通訊員"
# Chinese, Japanese and Korean credits: a reporter's label before the names ("新华社记者 李明 王芳",
# "（记者 李明）", "文/张三") or after the name ("홍길동 기자", "山田太郎記者")
_CJK_CREDIT_LEAD_RE = re.compile(
    rf"^[（(【\[]?\s*(?:[\u4e00-\u9fff]{{0,8}}?(?:{CJK_REPORTER_WORDS})\s*[:：]?|(?:撰文|文字|文)\s*[/／|｜:：])\s*(?=\S)"
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
    # a name alone in brackets ("（山田太郎）"): the tail's bracket goes, and so does the lead's
    names = _CJK_CREDIT_TAIL_RE.sub("", names).strip().lstrip("（(【[").strip()
    return ", ".join(re.split(r"[\s、]+", names)) if _CJK_NAMES_RE.match(names) else text


def parse_byline(value: object, publisher: str | None = None, *, capitalised: bool = False) -> Byline:
    """A byline as persons and an organisation: ``By Jane Doe and JOHN ROE, Associated Press``
    -> ``Byline(("Jane Doe", "John Roe"), "Associated Press")``.

    Takes a string, a JSON-LD ``author`` (a Person, an Organization, a list of either) or a list
    of strings. Drops "By", roles, affiliations after ``|`` or ``,``, dates, e-mail addresses,
    handles, glued trailers ("View More Articles") and CMS account names; an agency, a staff
    credit or the publisher's own name becomes ``org``. ``Byline()`` when nothing is left.
    ``capitalised``: a name ends at a lower-case word that is no particle, as a line of a text
    dump runs on after the name (``By Dago on May 3``); an HTML author field is the name alone.
    """
    if isinstance(value, dict):
        kind = value.get("@type") or value.get("type")
        name = value.get("name")
        if isinstance(kind, str) and kind.casefold() in ("organization", "newsmediaorganization"):
            org = clean_source(name)
            return Byline((), org) if org else Byline()
        return parse_byline(name, publisher, capitalised=capitalised) if isinstance(name, str) else Byline()
    if isinstance(value, (list, tuple)):
        authors: list[str] = []
        org = None
        for item in value[:20]:
            found = parse_byline(item, publisher, capitalised=capitalised)
            authors.extend(a for a in found.authors if a not in authors)
            org = org or found.org
        return Byline(tuple(authors), org)
    if not isinstance(value, str):
        return Byline()
    text = squash(value)
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
            name = _person(part, capitalised)
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
