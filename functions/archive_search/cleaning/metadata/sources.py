"""Who published: the publisher's name as a page or a credit line states it (``clean_source``),
as a page's copyright line names it (``copyright_holder``; every notice's holder as written:
``copyright_holders``) and as a text dump's masthead states it (``dump_masthead``); how host
names spell a site's name (``host_label``, ``host_letters``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

from archive_search.cleaning.metadata.wordlists import folded_words, metadata_words
from archive_search.cleaning.metadata.words import squash
from archive_search.folding import fold
from archive_search.model import MAX_SOURCE_CHARS, SOURCE_EDGE_CHARS

# "dawn.com" -> "Dawn"? No: only a bare host name is reduced, and only by its TLD, so
# "Dawn.com" and "Dawn" stay distinct names when a publisher calls itself "Dawn.com".
# An e-mail address stated beside the name ("Example Media <news@example.com>"): how to reach
# the publisher, not what readers call it.
_EMAIL_RE = re.compile(r"[(<\[]?\s*(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")
_HOST_RE = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$", re.IGNORECASE)


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
    text = squash(_EMAIL_RE.sub(" ", value)).strip(SOURCE_EDGE_CHARS)
    m = _HOST_RE.match(text)
    if m and (text.lower().startswith(("http://", "https://", "www.")) or text.endswith("/")):
        text = m[1].lower()
    if not text or len(text) > MAX_SOURCE_CHARS or not any(ch.isalpha() for ch in text):
        return None
    if text.startswith("@"):
        return None  # a social-media handle, not the publisher's name
    return text


# A copyright notice: "© 2019 The Detroit News, a part of ...", "Copyright © 2016 Example Media.
# All rights reserved.", "Copyright 2019. Example Post.", "© 1995 - 2019 by Example Media"; a word
# standing for the sign before it or a colon opens one too ("版权所有 © 2024 X", "版權所有：X",
# "저작권자 © X": metadata_words.json copyright_words), never that word in a sentence
_SIGN = r"©|ⓒ|\(c\)|copyright"


@lru_cache(maxsize=1)
def _notice() -> str:
    words = "|".join(re.escape(w) for w in sorted(metadata_words()["copyright_words"], key=len, reverse=True))
    return (
        rf"(?:all contents\s+)?(?:(?:{_SIGN}|(?:{words})\s*(?:[:：]|(?=\s*(?:{_SIGN}))))\s*)+"
        r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?[.,]?\s*(?P<holder>[^\n|©]{2,80})"
    )


# In plain text the sign opens a line, a sentence or a footer's item ("This material may not be
# published. ©2019 Example LLC", "About | © 2019 X"): inside prose it is not a notice. An HTML
# page's markup sets its footer apart, so there a notice may follow other words in its text.
@lru_cache(maxsize=2)
def _copyright_re(*, anywhere: bool) -> re.Pattern[str]:
    opening = "" if anywhere else r"(?:^|(?<=[.!?。！？]\s)|(?<=[。！？|])\s*)"
    return re.compile(opening + _notice(), re.IGNORECASE | re.MULTILINE)


_COPYRIGHT_SIGN_RE = re.compile(_SIGN, re.IGNORECASE)


# where a copyright holder's name ends: "The Detroit News, a part of ...", "X. All rights reserved",
# "Example Network.Example Broadcasting", "Example Network.A Example Company" (sentences glued
# together), a version or a number after it ("Example Nachrichten 2.6411"); not the full stop of
# one letter, an initial or a legal form's abbreviation ("G. & L. Hoppe", "Example e. V."); the
# rights reserved in any language ("滨海日报社 版权所有") and a licence number after the name
# ("滨海日报社 京ICP备12345678号": metadata_words.json rights_reserved, registration_marks)
@lru_cache(maxsize=1)
def _holder_end_re() -> re.Pattern[str]:
    words = metadata_words()
    reserved = "|".join(re.escape(w) for w in words["rights_reserved"] + words["copyright_words"])
    marks = "|".join(map(re.escape, words["registration_marks"]))
    return re.compile(
        r"(?<!\b\w)\.\s|[,;:]\s|(?<!\b\w)\.$|(?-i:\.(?=[A-Z][a-z])|(?<=[a-z]{2})\.(?=[A-Z]))"
        r"|\s+(?:all|alle|tous|todos|tutti)\s"
        r"|\s\d{4}\b|\s\d+[.,]\d|\s[-–—]\s|\s\("
        rf"|[。，、；：]|\s+copyright\b|\s*(?:{reserved})|\s*[^\W\d_]?(?:{marks})",
        re.IGNORECASE,
    )


# words before the holder's name: "© 2019 by Example Media", "© 2019 All rights reserved Example",
# "© 2015 Copyright by example.com"
_HOLDER_INTRO_RE = re.compile(r"^(?:(?:by|copyright|all rights reserved)\s+)+(?=\S.)", re.IGNORECASE)
_HOLDER_MAX_WORDS = 6
_LINE_WORD_RE = re.compile(r"[\w.]+")
# "Example News is part of Example Holdings Inc, ...", "... is part of the Example Beauty Group",
# "example news is an Example Media Network": the site named beside its parent company
_PART_OF_RE = (
    r"^(?P<site>\S.{{0,60}}?)\s+is\s+(?:(?:a\s+)?(?:part|division|unit|subsidiary|member|brand)\s+of\s+"
    r"(?:the\s+)?{holder}(?!\w)|an?\s+{holder}(?:\s+\w+)?\s+(?:network|company|brand|publication)\b)"
)


def copyright_holder(lines: list[str]) -> str | None:
    """The holder a page's last copyright line names, as a publisher (``© 2019 Newsweek`` ->
    ``Newsweek``), without a company's legal form and corporate words (``Forbes Media LLC`` ->
    ``Forbes``): readers cite the masthead, not the company. ``None`` for a picture credit
    (``© X/AdobeStock``) and for a company the page names nowhere else (a parent company)."""
    for line in reversed(lines):
        written = next(copyright_holders(line), None) if _may_hold_notice(line) else None
        if written is not None and _publication(line) == written:
            return clean_source(written)  # the publication the notice's company holds
        if written is not None:
            return _holder_as_publisher(line, _HOLDER_INTRO_RE.sub("", written, count=1), lines)
    return None


def _may_hold_notice(line: str) -> bool:
    """Whether ``line`` may hold a copyright notice: only with a sign ("©", "ⓒ", "(c)",
    "copyright", in any case) or a word standing for one (``copyright_words``) in it. Most lines
    hold none, and telling so is many times faster than searching them for a notice."""
    lowered = line.lower()
    if "(c)" in lowered or "copyright" in lowered:
        return True
    if line.isascii():
        return False
    # the notice's pattern ignores case as ``re`` does, where "ı" and "İ" are an "i" too
    return "ı" in line or "İ" in line or any(mark in lowered for mark in _non_ascii_signs())


@lru_cache(maxsize=1)
def _non_ascii_signs() -> tuple[str, ...]:
    """The signs and words opening a notice (``_notice``) that are not ASCII, in lower case."""
    return ("©", "ⓒ", *metadata_words()["copyright_words"])


def copyright_holders(text: str, *, anywhere: bool = False) -> Iterator[str]:
    """The holder each copyright notice of ``text`` (one line, or lines joined by newlines)
    names, as written after the sign and the year (``© 2019 The Detroit News, a part of ...`` ->
    ``The Detroit News``, ``© 2019 by Example`` -> ``by Example``), or the publication a
    company's notice names in quotes (``_publication``); a notice opens a line or a sentence, or
    stands ``anywhere`` (an HTML page's text)."""
    for m in _copyright_re(anywhere=anywhere).finditer(text):
        yield _publication(m["holder"]) or _holder_end_re().split(m["holder"], maxsplit=1)[0].strip(" .,-–—")


# A company's notice naming the publication it holds the rights of, in quotes: after the company's
# legal form ("© Example Medien AG «Example Post»") or as its trademark ("Example Newspapers Ltd.
# "Daily Example" is a registered trademark"). Readers cite the publication, not the company.
_QUOTED = r"[«\"“„](?P<{}>[^«»\"“”„\n]{{2,60}}?)[»\"”“]"


@lru_cache(maxsize=1)
def _publication_re() -> re.Pattern[str]:
    forms = "|".join(re.escape(f) for f in sorted(folded_words("legal_forms"), key=len, reverse=True))
    return re.compile(
        rf"[^\W\d]\S*\s+(?:{forms})\.?\s*{_QUOTED.format('held')}"
        rf"|{_QUOTED.format('mark')}\s+is\s+a\s+(?:registered\s+)?trade\s?mark",
        re.IGNORECASE,
    )


def _publication(notice: str) -> str | None:
    """The publication a company's copyright ``notice`` names in quotes (``_publication_re``)."""
    m = _publication_re().search(notice)
    return (m["held"] or m["mark"]).strip() if m else None


def _holder_as_publisher(line: str, written: str, lines: list[str]) -> str | None:
    """The page's own name from the holder ``written`` in its copyright ``line``: the initials
    the page calls itself by, the name it shows elsewhere too (or the site it says the holder
    owns), else the name stated only in a footer notice or as a host name; ``None`` for a
    parent company, an agency or nobody."""
    holder = _without_company_words(written)
    if holder != written:
        holder = _with_article(holder, lines)
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
    # the notice's own line may say whose the site is before its sign ("Example is part of the
    # Parent Group. © 2020 Parent Corporation")
    sign = _COPYRIGHT_SIGN_RE.search(line)
    said = [*mentions, line[: sign.start()]] if sign and key in line[: sign.start()].casefold() else mentions
    # the holder's own patterns are compiled only when the page names it elsewhere: compiling
    # one costs more than the rest of this function
    if said:
        part_of = re.compile(_PART_OF_RE.format(holder=re.escape(holder)), re.IGNORECASE)
        site = next((m["site"] for other in said if (m := part_of.match(other))), None)
        if site is not None:
            return clean_source(site) if len(site.split()) <= _HOLDER_MAX_WORDS else None
    if mentions:
        pattern = re.compile(rf"(?<![\w(]){re.escape(holder)}(?!\w)", re.IGNORECASE)
        if any(pattern.search(other) for other in mentions):
            return clean_source(holder)
    return _spelled_out(holder, lines) or _named_in_footer_only(line, holder, mentions)


_INITIALS_RE = re.compile(r"[A-Z]{2,6}")
# words a name's initials leave out: "The Washington Post" is "WP"
_UNINITIALLED = frozenset({"the", "of", "and", "&"})


def _spelled_out(holder: str, lines: list[str]) -> str | None:
    """The masthead line a holder in initials spells (``NYP Holdings`` and the line ``New York
    Post``), the page writing the initials nowhere else: a holding company named after its paper."""
    if not _INITIALS_RE.fullmatch(holder):
        return None
    for line in lines:
        words = line.split()
        if not 2 <= len(words) <= _HOLDER_MAX_WORDS or _COPYRIGHT_SIGN_RE.search(line):
            continue
        named = [w for w in words if w.casefold() not in _UNINITIALLED]
        if all(w[:1].isupper() for w in named) and "".join(w[0] for w in named) == holder:
            return clean_source(line)
    return None


def _with_article(brand: str, lines: list[str]) -> str:
    """A company's brand as the page writes it with its article (``Telegraph Media Group
    Limited`` on a page saying ``Follow The Telegraph`` -> ``The Telegraph``), else as it is."""
    article = f"The {brand}"
    found = any(article in line for line in lines) and re.search(
        rf"(?<!\w){re.escape(article)}(?!\w)", "\n".join(lines)
    )
    return article if found else brand


def _without_company_words(name: str) -> str:
    """``name`` without the legal forms and corporate words ending it (``Example Media Group
    Ltd`` -> ``Example``), its first word kept."""
    name = _without_cjk_company_words(name)
    words = name.split()
    dropped = folded_words("legal_forms") | folded_words("corporate_words")
    while len(words) > 1:
        # a legal form written in two abbreviations ("e. V.", "S. A.") is one
        if len(words) > 2 and "".join(words[-2:]).casefold().strip(".,") in dropped:
            del words[-2:]
        elif words[-1].casefold().strip(".,") in dropped:
            words.pop()
        else:
            break
    return " ".join(words)


def _without_cjk_company_words(name: str) -> str:
    """``name`` without the CJK legal forms and corporate words at either end (``株式会社朝日``,
    ``滨海日报有限公司``, ``(주)한빛``): those scripts write them without a space, and Japanese and
    Korean put them before the name as often as after. A name that is nothing else stays."""
    forms = metadata_words()["cjk_legal_forms"]
    while True:
        for form in forms:
            if name.startswith(form) and name[len(form) :].strip():
                name = name[len(form) :].strip()
                break
            if name.endswith(form) and name[: -len(form)].strip():
                name = name[: -len(form)].strip()
                break
        else:
            return name


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


# A site's own footer notice rather than a picture's credit: rights reserved
# (metadata_words.json rights_reserved), the years the site has run ("© 2005 - 2019 Example"), or
# the site's licence number (registration_marks: "京ICP备12345678号"), which only a site states
@lru_cache(maxsize=1)
def _footer_notice_re() -> re.Pattern[str]:
    words = metadata_words()
    reserved = "|".join(re.escape(p) for p in words["rights_reserved"] + words["registration_marks"])
    return re.compile(rf"{reserved}|\d{{4}}\s*[-–]\s*\d{{4}}", re.IGNORECASE)


def hostname(url: str | None) -> str:
    """The URL's host without ``www.``; ``""`` for none or a malformed one (``http://[m]``)."""
    try:
        return ((urlsplit(url).hostname or "") if url else "").removeprefix("www.")
    except ValueError:
        return ""


_MAX_PLAIN_TLD = 3  # .de, .com, .org; a longer one (.media, .world) is a word of the name
# a country's second-level registries (example.co.uk, example.gv.at, example.or.jp)
SECOND_LEVEL_REGISTRIES = frozenset(
    {"co", "com", "org", "net", "ac", "gov", "gv", "or", "ne", "go", "gob", "gouv", "edu"}
)
# "The Times of Israel" on timesofisrael.com: hosts often leave the article out
LEADING_ARTICLE_RE = re.compile(r"^(?:the|die|der|das|la|le|les|el|il|lo)\s+", re.IGNORECASE)
# "Süddeutsche" is "sueddeutsche" in a host name
HOST_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


def _registry_labels(parts: list[str]) -> int:
    """How many of a host's last labels the registry's are: two under a country's second-level
    registry (``example.co.uk``), else one (``example.de``)."""
    return 2 if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in SECOND_LEVEL_REGISTRIES else 1


def registered_domain(hostname: str) -> str:
    """``lexikon.example.de`` -> ``example.de``, ``news.example.co.uk`` -> ``example.co.uk``:
    the name the site registered, under which its subdomains are sections."""
    parts = hostname.split(".")
    return ".".join(parts[-(_registry_labels(parts) + 1) :])


def host_label(url: str | None) -> str:
    """``https://www.nbc-dfw.com/x`` -> ``nbcdfw``: the host's letters without ``www`` and the
    top-level domain, which a publisher's own name is found in. A top-level domain that is a
    word (``aoc.media`` -> ``aocmedia``) is kept: the site's name reads it (``AOC media``)."""
    parts = hostname(url).split(".")
    registry = _registry_labels(parts)
    if registry == 2 or (len(parts) >= 2 and len(parts[-1]) <= _MAX_PLAIN_TLD):
        parts = parts[:-registry]
    return host_letters("".join(parts))


def host_letters(text: str) -> str:
    """Letters and digits only, casefolded and without accents (``La Vie des idées`` ->
    ``laviedesidees``), as a host name writes them."""
    return re.sub(r"[\W_]", "", fold(text))


def host_spellings(name: str) -> set[str]:
    """How a host name may spell ``name``: its letters, without a leading article (``The Times
    of Israel`` on timesofisrael.com), and with accents spelled out (``Süddeutsche`` ->
    ``sueddeutsche``)."""
    spelled = name.casefold().translate(HOST_SPELLING)
    return {host_letters(name), host_letters(LEADING_ARTICLE_RE.sub("", name)), host_letters(spelled)}


# A domain a dump writes: "foxbusiness.com", "www.example.de/impressum", "news@example.de"
_WRITTEN_DOMAIN_RE = re.compile(r"(?<![\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,6}(?![\w-])", re.IGNORECASE)
# its ending, searched first: a pattern opening with a literal is found fast, and prose has none
_DOMAIN_END_RE = re.compile(r"\.[a-z]{2,6}(?![\w-])", re.IGNORECASE)
# the masthead is the dump's first line, or its second under a skip link or a menu button; further
# down the header (under a menu's items) a line is the masthead only when the site's own address
# spells it: a domain in a copyright notice or an e-mail address, where a menu item ("Facebook",
# "Jobs") is spelled by the domains of the links out a footer lists
_MASTHEAD_LINES = 2
_HEADER_MASTHEAD_LINES = 12
_MASTHEAD_MAX_WORDS = 5
# a name's characters: no arrows, brackets or colons (links out, templates, labels)
_MASTHEAD_NAME_RE = re.compile(r"[\w .&'’!-]+")


def _written_domains(lines: list[str]) -> list[tuple[int, str, bool]]:
    """(line, host label, whether it is the site's own address) of each domain a dump writes;
    its own: in a copyright notice or as an e-mail address's."""
    found = []
    for j, line in enumerate(lines):
        if not _DOMAIN_END_RE.search(line):
            continue
        notice = _COPYRIGHT_SIGN_RE.search(line) is not None
        for m in _WRITTEN_DOMAIN_RE.finditer(line):
            own = notice or line[m.start() - 1 : m.start()] == "@"
            found.append((j, host_label("http://" + m[0].lower()), own))
    return found


def dump_masthead(lines: list[str]) -> str | None:
    """The site's name a text dump's masthead states: its first or second line, a name of five
    words or fewer whose letters are those of a domain the dump writes on another line (a
    footer's address or e-mail: ``MoreBikes`` and ``info@morebikes.co.uk``), or a later line of
    the header whose letters are those of the site's own address (a copyright notice's domain,
    an e-mail address). A masthead alone cannot be told from a menu's first item; the site's own
    domain confirms it."""
    written: list[tuple[int, str, bool]] | None = None  # (line, host label, the site's own address)
    for i, line in enumerate(lines[:_HEADER_MASTHEAD_LINES]):
        if (
            not _MASTHEAD_NAME_RE.fullmatch(line)
            or len(line.split()) > _MASTHEAD_MAX_WORDS
            or line.casefold() in folded_words("not_publishers")
        ):
            continue
        if written is None:  # the dump is read for domains once, and only for a name-like line
            written = _written_domains(lines)
        if i >= _MASTHEAD_LINES and not any(own for *_, own in written):
            break  # no address of the site's own to confirm a line further down
        spellings = host_spellings(line)
        spelled = line.casefold().translate(HOST_SPELLING)
        if " " not in spelled and _WRITTEN_DOMAIN_RE.fullmatch(spelled):
            spellings.add(host_label("http://" + spelled))  # the masthead is the domain: "Taucher.net"
        spellings.discard("")
        if spellings and any(
            label in spellings and (own or i < _MASTHEAD_LINES) for j, label, own in written if j != i
        ):
            return clean_source(line)
    return None
