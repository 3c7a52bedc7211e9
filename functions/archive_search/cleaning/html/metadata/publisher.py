"""The publisher as readers cite it: JSON-LD ``publisher.name``, ``og:site_name`` and their kin,
the ``<title>``'s site part, the masthead, the site's handle, then the domain. Taglines,
sections, platforms and bare host fragments are rejected; variants of one name become one.

One module on purpose: every source of a name is read only for ``extract_publisher`` and its
candidates all pass the same tests (``_publisher_name``, ``_names_host``); split by source, the
tests would be imported back by each part."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import ORGANISATION_TYPES, TITLE_SEP_RE, Page, jsonld_types
from archive_search.cleaning.metadata import html_text, sources, word_count, word_key

__all__ = ["edition_for_language", "extract_publisher"]


_MIN_HOST_PREFIX = 5  # a shorter host ("ap", "bbc") opens too many unrelated words
_MIN_INITIALS = 4


def _names_host(name: str, host: str) -> bool:
    """Whether a name is the site's: its letters (without a leading article, accents spelled
    as hosts spell them), each of its words, its initials, or as a domain (``DW.COM``) its host
    name."""
    squashed = sources.host_letters(name)
    if not host or not squashed:
        return False
    spelled = name.strip().casefold().translate(sources.HOST_SPELLING)
    if " " not in spelled and "." in spelled and sources.host_label("http://" + spelled) == host:
        return True
    if any(s and s in host for s in sources.host_spellings(name)) or (
        len(host) >= 4 and squashed.startswith(host)
    ):
        return True
    words = [w for w in re.findall(r"\w+", name.casefold()) if w != "the"]
    initials = "".join(w[0] for w in words[:-1]) + (words[-1] if words else "")
    # "Yahoo News" on news.yahoo.com, "CBS Detroit" on detroit.cbslocal.com: every word in the host
    every_word = len(words) >= 2 and all(
        len(sources.host_letters(w)) >= 3 and sources.host_letters(w) in host for w in words
    )
    # "Houston Chronicle" on chron.com: the host opens (and is shorter than) one of the words
    # of a name whose every word is capitalised
    opens_word = (
        len(host) >= _MIN_HOST_PREFIX
        and all(w[:1].isupper() or not w[:1].isalpha() for w in name.split())
        and any(
            sources.host_letters(w).startswith(host) and len(sources.host_letters(w)) > len(host)
            for w in words
        )
    )
    # "Hertha BSC Blog" on hertha-blog.de: some of the name's words, in order, spell the host
    if len(words) <= _MAX_SPELLING_WORDS and _spelled_by_some(
        host, [sources.host_letters(w) for w in words], 0
    ):
        return True
    # "NY Times" in "nytimes"; a short one ("Tamedia AG" -> "tag") is found in too many hosts
    by_initials = len(initials) >= _MIN_INITIALS and initials in host
    return (
        every_word
        or opens_word
        or (len(words) >= 2 and (by_initials or initials == host or "".join(w[0] for w in words) == host))
    )


_MAX_SPELLING_WORDS = 8
# a word in lower case: names capitalise theirs, taglines and phrases do not
_TAGLINE_WORD_RE = re.compile(r"(?<![\w'’])[a-zà-ÿ][\w-]{3,}")


def _spelled_by_some(host: str, words: list[str], used: int) -> bool:
    """Whether ``host`` is the concatenation of two or more of ``words``, in their order."""
    if not host:
        return used >= 2
    return any(
        w and host.startswith(w) and _spelled_by_some(host[len(w) :], words[i + 1 :], used + 1)
        for i, w in enumerate(words)
    )


def _publisher_name(value: Any, host: str, *, as_titled: bool = False) -> str | None:
    """A publisher name as readers cite it, or ``None`` for a tagline, a section, a platform
    or (unless ``as_titled``: the site's own ``<title>`` writes it so) a bare host fragment.
    ``Autoracing | F1 | Indy`` -> ``Autoracing``."""
    name = md.clean_source(value)
    if not name:
        return None
    pieces = [p.strip() for p in re.split(r"\s+[|–—-]\s+|\s+::\s+", name) if p.strip()]
    if len(pieces) > 1:  # "The Jerusalem Post | JPost.com", "Remember 80/90 - Memorabilia anni 80/90"
        name = next((p for p in pieces if _names_host(p, host)), pieces[0])
        name = re.sub(r"^www\.(?=\S+\.\w{2,}$)", "", name, flags=re.IGNORECASE)  # "www.x.de | Portal"
    folded = name.casefold()
    if folded in md.folded_words("not_publishers"):
        return None  # a section ("U.S.") or a platform ("Blogger", "Hosted")
    if (
        not as_titled
        and " " not in name
        and "." not in name
        and name.islower()
        and sources.host_letters(name) in host
    ):
        return None  # a bare host fragment in metadata ("nj", "cleveland", "oregonlive")
    # a tagline is a phrase ("Kabar tentang Dunia Islam", "Expert how-to for English Riders");
    # one word in lower case ("anarcat", "fboës") is a brand, whatever the host; a dotted one
    # ("navbar.site.example.de") on a page whose host is known is a markup name, unless that host.
    # A phrase wholly in lower case that the site itself writes as its name (``as_titled``: its
    # <title>'s site part, its masthead: "gnaddrig ad libitum") is a blog's stylised name:
    # taglines are written in sentence case.
    if (
        (" " in name or ("." in name and host))
        and not _names_host(name, host)
        and _TAGLINE_WORD_RE.search(name)
        and not (as_titled and " " in name and name.islower())
    ):
        return None
    return name


_DOMAIN_WORD_RE = re.compile(r"^(?:www\.)?[\w-]+\.(?-i:[a-z]{2,6})$")


def _without_section(name: str, host: str, sections: frozenset[str]) -> str:
    """``PolitiFact West Virginia`` on politifact.com/west-virginia/... -> ``PolitiFact``: when
    the name's first words spell the whole host name and the words after them are a section of
    the page's URL path (or a phrase in lower case), those words name the section (or a regional
    edition, or a tagline), not the site."""
    words = name.split()
    if len(words) < 2 or not host:
        return name
    spelled = ""
    for i, word in enumerate(words[:-1]):
        # a domain ("kath.net") spells its host name without the top-level domain
        spelled += (
            sources.host_label("http://" + word)
            if _DOMAIN_WORD_RE.match(word)
            else sources.host_letters(word)
        )
        if spelled == "the" and i == 0:
            spelled = ""  # "The Detroit News" spells "detroitnews"
        elif spelled == host:
            rest = sources.host_letters("".join(words[i + 1 :]))
            # or a tagline after the name: "kath.net katholische Nachrichten"
            tagline = _TAGLINE_WORD_RE.search(" ".join(words[i + 1 :])) is not None
            return " ".join(words[: i + 1]) if rest in sections or tagline else name
        elif not host.startswith(spelled):
            break
    return name


def _url_sections(url: str | None) -> frozenset[str]:
    """The URL path's segments, letters only (``/west-virginia/statements/`` -> ``westvirginia``,
    ``statements``)."""
    path = urlsplit(url).path if url else ""
    return frozenset(
        sources.host_letters(seg) for seg in path.split("/") if seg and sources.host_letters(seg)
    )


# WordPress's classic "Post « Site" and a box-drawing bar ("Post│Site") separate a title's
# parts as "»" and "|" do
_OTHER_TITLE_SEPS = str.maketrans({"«": "»", "│": " | "})


def _doc_title(page: Page) -> str:
    """The page's ``<title>``, its other separators written as the usual ones."""
    return html_text(page.elements["title"][0]).translate(_OTHER_TITLE_SEPS) if page.elements["title"] else ""


def _title_end(doc_title: str) -> str:
    """The last part of a ``<title>`` of several parts (``Post | Site`` -> ``Site``), else ``""``."""
    pieces = TITLE_SEP_RE.split(doc_title)
    return pieces[-1].strip() if len(pieces) >= 3 else ""


def _is_written(candidate: Any, written: str) -> bool:
    """Whether a candidate name (a string, or a JSON-LD object's ``name``) is written exactly
    as ``written``, letter case included (``infobae`` is not the title's ``Infobae``)."""
    name = md.clean_source(candidate)
    return bool(written) and name is not None and name.split() == written.split()


_SPACED_COLON_RE = re.compile(r"\s+:\s+")


def _title_site(page: Page, host: str) -> str | None:
    """The site's name as the ``<title>`` ends (``... - Houston Chronicle``, ``... — www.wday.ru``)
    or, failing that, opens with it (``The Space Review: Seeking a bigger role``), or holds it
    between the headline and a tagline (``Post : Krimiblog-Archiv | Ermittlungen zum ...``)."""
    doc_title = _doc_title(page)
    pieces = TITLE_SEP_RE.split(doc_title)
    ends = [pieces[-1], pieces[0]] if len(pieces) >= 3 else []
    if ": " in doc_title:
        ends.append(doc_title.partition(": ")[0])
    # every part, " : " (a blog template's separator) splitting them too, after the ends
    parts = [part for piece in pieces[::2] for part in _SPACED_COLON_RE.split(piece)]
    for end in ends + (parts if len(parts) >= 2 else []):
        end = end.strip()
        if word_count(end) <= 6 and _names_host(end, host):
            return re.sub(r"^www\.", "", end, flags=re.IGNORECASE)
    return None


_MAX_SITE_WORDS = 6


def _hostless_title_site(page: Page) -> str | None:
    """For a page with no URL to check a name against: the ``<title>``'s last part when the
    title has several (``Libre cours : Raoult - Avocat | Dalloz Actualité``) and that part is a
    short name the headline does not contain; or, when the last part is a tagline, the part
    right after the headline (``Ben Wilson Surf - Point of Sail - Segelmacher in Kiel``)."""
    doc_title = _doc_title(page)
    pieces = TITLE_SEP_RE.split(doc_title)
    if len(pieces) < 3:
        return None
    # the parts before it are the headline the page's <h1> shows
    headline = next((word_key(html_text(h)) for h in page.tree.iter("h1") if html_text(h)), "")
    if not headline:
        return None
    parts = [p.strip() for p in pieces[::2]]
    last = parts[-1]
    rest = word_key("".join(pieces[:-2]))
    if last and word_count(last) <= _MAX_SITE_WORDS and word_key(last) not in headline:
        return last if headline in rest or rest in headline else None
    # "Headline - Site - Tagline": the first part after the parts that hold the whole headline
    for i in range(1, len(parts) - 1):
        if headline in word_key("".join(parts[:i])):
            site = parts[i]
            return (
                site
                if site and word_count(site) <= _MAX_SITE_WORDS and word_key(site) not in headline
                else None
            )
    return None


_MIN_SHARED_WORD = 4  # a shorter word ("de", "news") is found in too many hosts


def _title_end_sharing_host(page: Page, url: str | None) -> str | None:
    """The ``<title>``'s last part when it is a name of a few words one of which the host
    spells (``... - Tierheim Berlin`` on tierschutz-berlin.de, ``... - Bundeskanzleramt
    Österreich`` on bundeskanzleramt.gv.at): a site's name the host spells only in part. Not
    on a subdomain (news.example.com), where a name sharing the brand may be a sister site's."""
    hostname = sources.hostname(url)
    if not hostname or hostname != sources.registered_domain(hostname):
        return None
    host = sources.host_label(url)
    pieces = TITLE_SEP_RE.split(_doc_title(page))
    last = pieces[-1].strip() if len(pieces) >= 3 else ""
    words = [sources.host_letters(w) for w in last.split()]
    if len(words) > _MAX_SITE_WORDS:
        return None
    return last if any(len(w) >= _MIN_SHARED_WORD and w in host for w in words) else None


_MASTHEAD_LINKS = 40  # the masthead links home near the top of the page


_SITE_TITLE_RE = re.compile(r"site[-_]?(?:title|name|branding)|\blogo|brand", re.IGNORECASE)


def _home_links(page: Page, url: str | None) -> Iterator[HtmlElement]:
    """The links to the site's home page near the top of the page, where the masthead is."""
    site = sources.hostname(url)
    for i, a in enumerate(page.tree.iter("a")):
        if i >= _MASTHEAD_LINKS:
            break
        href = (a.get("href") or "").strip()
        linked = _link_host(href)
        is_home = href in ("/", "./", "index.html", "/index.html") or (
            linked is not None and linked == (site, True)
        )
        if is_home or "home" in (a.get("rel") or "").lower().split():
            yield a


def _masthead(page: Page, url: str | None) -> str | None:
    """The site's name as its masthead shows it, near the top of the page: the ``alt`` of the
    logo linking to the home page, or the words of a home link marked as the site's title
    (``<p class="site-title"><a href="/" rel="home">Name</a>``)."""
    for a in _home_links(page, url):
        # the logo's alt text: a home link's own words are often "Home" or "Back"
        alt = next((img.get("alt") or "" for img in a.iter("img") if img.get("alt")), "")
        parent = a.getparent()
        marks = f"{a.get('class') or ''} {a.get('id') or ''}"
        if parent is not None:
            marks += f" {parent.get('class') or ''} {parent.get('id') or ''}"
        if not alt and _SITE_TITLE_RE.search(marks):
            alt = html_text(a)
        # "Regiolanda | Regionale Produkte, ...": the name, then a tagline after a separator
        alt = TITLE_SEP_RE.split(alt)[0]
        # "Schweizer Jäger Logo" names the site; "Logo", "express_logo" describe the image
        text = " ".join(w for w in alt.split() if w.casefold() != "logo")
        if text and 1 <= word_count(text) <= 5 and "logo" not in text.casefold():
            return text
    return None


_HANDLE_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9]{1,30})_?$")


def _handle(page: Page) -> str | None:
    """The site's social-media handle (``twitter:site`` ``@ap`` -> ``AP``, ``@comwrap`` ->
    ``comwrap``): how a site that states no name signs its posts."""
    m = _HANDLE_RE.match(page.meta("twitter:site") or "")
    if not m:
        return None
    return m[1].upper() if len(m[1]) <= 3 else m[1]


_MIN_SITE_LINKS = 3  # a host the page links to this often (and home) is the page's own


_ARCHIVED_RE = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(https?://.+)$", re.IGNORECASE)


def _original_url(url: str) -> str:
    """An archived copy's URL (``web.archive.org/web/2008.../http://site/...``) -> the URL it
    archives, whose site published the page."""
    m = _ARCHIVED_RE.match(url)
    return m[1] if m else url


def _link_host(href: str | None) -> tuple[str, bool] | None:
    """(host without ``www.``, whether the link goes to that host's home page) of an absolute
    link; ``None`` for a relative or malformed one."""
    href = _original_url((href or "").strip())
    if not href.startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(href)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # a malformed link ("http://[x") names no host
        return None
    return (host, parts.path in ("", "/") and not parts.query) if host else None


def _linked_site(page: Page) -> str | None:
    """For a page that states no URL of its own: the host most of its absolute links go to,
    when that is at least half of them and the page also links to its home page or loads its
    feeds, styles or icons from it."""
    counts: dict[str, int] = {}
    confirmed: set[str] = set()  # hosts linked home to, or named by a <link>
    for a in page.tree.iter("a"):
        found = _link_host(a.get("href"))
        if found:
            counts[found[0]] = counts.get(found[0], 0) + 1
            if found[1]:
                confirmed.add(found[0])
    loaded: dict[str, int] = {}  # hosts the page loads its feeds, styles or icons from
    for found in map(_link_host, (ln.get("href") for ln in page.elements["link"])):
        if found:
            loaded[found[0]] = loaded.get(found[0], 0) + 1
    confirmed |= loaded.keys()
    if not counts:
        return None
    host, n = max(counts.items(), key=lambda item: item[1])
    if n >= _MIN_SITE_LINKS and 2 * n >= sum(counts.values()) and host in confirmed:
        return f"http://{host}/"
    # a host the page both loads its own resources from and links to is its own, however many
    # other sites it links to (a CDN or a font host is loaded from but not linked to)
    own = [h for h in sorted(loaded, key=loaded.__getitem__, reverse=True) if h in counts]
    return f"http://{own[0]}/" if own else None


_DOMAIN_RE = re.compile(r"(?:[a-z0-9-]+\.)+(?-i:[a-z]{2,6})", re.IGNORECASE)


def _written_site(page: Page) -> str | None:
    """For a page that states no URL of its own: the domain it writes where a small site puts
    its name, a part of its ``<title>`` (``Headline | Example.de``) or the opening of its
    ``<h1>`` masthead (``example.ch News - Archiv``)."""
    parts = [p.strip() for p in TITLE_SEP_RE.split(_doc_title(page))[::2]]
    openings = [(html_text(h).split() or [""])[0] for h in page.elements["h1"]]
    domain = next((t for t in parts + openings if _DOMAIN_RE.fullmatch(t)), None)
    return f"http://{domain.lower()}/" if domain else None


def _domain_as_written(page: Page, hostname: str) -> str:
    """The domain as the page's own text writes it (``Copyright EnterMedia.co.kr``), else as
    the URL has it: the publisher of last resort, cased as the site cases itself. A subdomain's
    page that writes only the registered domain (``lexikon.example.de`` writing ``example.de``)
    is cited by that, as readers cite the site, unless it is a publishing platform's."""
    text = page.tree.text_content()
    registered = sources.registered_domain(hostname)
    for domain in dict.fromkeys((hostname, registered)):
        m = re.search(rf"(?<![\w.-]){re.escape(domain)}(?![\w-])", text, re.IGNORECASE)
        if m and (domain == hostname or m[0].casefold() not in md.folded_words("not_publishers")):
            return m[0]
    return hostname


def _copyright_holders(page: Page) -> Iterator[str]:
    """The names the page's copyright lines credit (``© 2019 The Detroit News, a part of the
    USA TODAY Network`` -> ``The Detroit News``). A line break inside a text is a space, as the
    browser shows it; each element's text is a line of its own."""
    text = "\n".join(" ".join(node.split()) for node in page.tree.itertext())
    for holder in md.copyright_holders(text, anywhere=True):
        # "© DVFG/AdobeStock" credits a picture; "(c)" alone names nobody
        if len(sources.host_letters(holder)) >= 3 and "/" not in holder and word_count(holder) <= 6:
            yield holder


_LATIN_RE = re.compile(r"[A-Za-zÀ-ɏ]")
_MIN_UNSPACED_NAME = 2  # one character ("网", "报") opens too many names


def _title_names(page: Page) -> list[str]:
    """The parts of the ``<title>`` that may be the site's name: its first and last part, and
    what a title without separators holds besides the ``<h1>`` headline (``Trails! Ischgl``
    over ``<h1>Ischgl</h1>``)."""
    title = _doc_title(page)
    pieces = TITLE_SEP_RE.split(title)
    if len(pieces) >= 3:  # the end first: titles end with the site's name more often than open
        names = [pieces[-1].strip(), pieces[0].strip()]
    else:
        headline = word_key(html_text(page.elements["h1"][0])) if page.elements["h1"] else ""
        words = title.split()
        names = [
            name
            for k in range(1, len(words))
            for rest, name in ((words[k:], words[:k]), (words[:-k], words[-k:]))
            if headline and word_key(" ".join(rest)) == headline
        ]
        names = [" ".join(words) for words in names]
    return [n for n in names if n and word_count(n) <= _MAX_SITE_WORDS]


_FEED_TYPE_RE = re.compile(r"rss|atom", re.IGNORECASE)
# metas naming the page's owner: one statement, as a template often fills them alike
_OWN_NAME_METAS = ("author", "dc.publisher", "publisher")


def _mastheads(page: Page, url: str | None) -> Iterator[str]:
    """The names the top of the page shows as its masthead: the logo's ``alt`` in a link home
    or a link marked ``logo``/``brand``, the words of a home link that heads the page (inside an
    ``<h1>``) or is marked as the site's title, and a home link's words in a script a host
    cannot spell (in Latin letters they are as often a menu's label: ``Übersicht``)."""
    home = set(_home_links(page, url))
    for i, a in enumerate(page.tree.iter("a")):
        if i >= _MASTHEAD_LINKS:
            break
        parent = a.getparent()
        marks = f"{a.get('class') or ''} {a.get('id') or ''}"
        if parent is not None:
            marks += f" {parent.get('class') or ''} {parent.get('id') or ''}"
        marked = _SITE_TITLE_RE.search(marks) is not None
        if a not in home and not marked:
            continue
        yield from (img.get("alt") or "" for img in a.iter("img") if img.get("alt"))
        words = html_text(a)
        if marked or not _LATIN_RE.search(words) or any(el.tag == "h1" for el in a.iterancestors()):
            yield words


def _statements(page: Page, url: str | None, holders: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(source, name) of each name the page states for itself, the ``<title>``'s parts first:
    the masthead, the copyright notices' holders (its lines and its copyright meta), the feeds'
    titles (``Site » Feed``, ``Feed - Site``) and the author and publisher metas."""
    yield from (("title", name) for name in _title_names(page))
    for name in _mastheads(page, url):
        yield from (("masthead", part.strip()) for part in TITLE_SEP_RE.split(name)[::2])
    yield from (("holder", holder) for holder in (*holders, *page.metas.get("copyright", ())))
    for link in page.elements["link"]:
        if _FEED_TYPE_RE.search(link.get("type") or "") and link.get("title"):
            yield from (("feed", part.strip()) for part in TITLE_SEP_RE.split(link.get("title"))[::2])
    for name in _OWN_NAME_METAS:
        yield from (("meta", value) for value in page.metas.get(name, ()))


_MIN_SHARED_WORDS = 2  # one word ("Ann") opens too many names to tie two statements together


def _agree(one: tuple[str, str], other: tuple[str, str]) -> str | None:
    """The name two statements (``(name, word_key(name))``) share: both the same words, or the
    shorter, of two words or more, opening the other (``Feuerwehr Oldenburg`` and ``Feuerwehr
    Oldenburg, Abteilung Wasserrettung``)."""
    (short, short_key), (_, long_key) = sorted((one, other), key=lambda s: len(s[1]))
    if short_key and (
        short_key == long_key
        or (len(short_key.split()) >= _MIN_SHARED_WORDS and long_key.startswith(short_key + " "))
    ):
        return short
    return None


def _agreed_name(page: Page, url: str | None, holders: tuple[str, ...]) -> str | None:
    """The name two of the page's own statements of different sources give (``_statements``),
    a pair with the ``<title>`` first: the site's name where no host confirms it (a page with
    no URL, a name the host does not spell). One statement alone is as often a menu label, a
    section or an author. In a script written without spaces, a copyright holder opening with
    the ``<title>``'s end is the name and its kind of company run together (``© 半月谈杂志社``
    for ``...-半月谈``)."""
    statements = [(source, (name, word_key(name))) for source, name in _statements(page, url, holders)]
    for i, (source, name) in enumerate(statements):
        for other_source, other in statements[i + 1 :]:
            if other_source != source and (agreed := _agree(name, other)):
                return agreed
    ends = [name for source, (name, _) in statements if source == "title" and not _LATIN_RE.search(name)]
    return next(
        (
            end
            for key in map(word_key, holders)
            for end in ends
            if len(end) >= _MIN_UNSPACED_NAME and key.startswith(word_key(end))
        ),
        None,
    )


def extract_publisher(page: Page, url: str | None) -> str | None:
    """JSON-LD ``publisher.name``, ``og:site_name`` (and its kin), the ``<title>``'s site part,
    then the domain; variants of one name (``Inexhibit`` / ``Inexhibit magazine``) become the
    shortest."""
    url = _original_url(url) if url else _linked_site(page) or _written_site(page)
    host = sources.host_label(url)
    title_text = _doc_title(page)
    # (a title of one part, "Quanta Magazine", is the name itself)
    doc_title = word_key(title_text) if len(TITLE_SEP_RE.split(title_text)) >= 3 else ""
    candidates: list[Any] = [page.article.get("publisher"), page.meta("og:site_name")]
    candidates += [obj.get("name") for obj in page.objects if ORGANISATION_TYPES & set(jsonld_types(obj))]
    candidates += [obj.get("name") for obj in page.objects if "WebSite" in jsonld_types(obj)]
    # a site name that repeats the whole <title> ("Headline | Site") is the title, not a name
    candidates = [
        c for c in candidates if not (isinstance(c, str) and doc_title and word_key(c) == doc_title)
    ]
    # a name the <title>'s site part repeats is written so by the site itself
    title_end = _title_end(title_text)
    names = [
        n
        for n in (_publisher_name(c, host, as_titled=_is_written(c, title_end)) for c in candidates if c)
        if n
    ]
    # application-name and dc.publisher are often a template's or an author's: the site's name
    # only when the host says so (on a page with no URL: a fallback after the masthead); a
    # short name only part of the host ("Jan" on jan-grosser.de) is its owner's first name
    weak = [
        _publisher_name(c, host)
        for c in (page.meta("application-name"), page.meta("dc.publisher", "publisher"))
    ]
    names += [
        n
        for n in weak
        if n
        and _names_host(n, host)
        and (len(sources.host_letters(n)) >= _MIN_HOST_PREFIX or sources.host_letters(n) == host)
    ]
    # the <title>'s site part is the name as the site writes it for readers ("my6sense")
    titled = _publisher_name(_title_site(page, host), host, as_titled=True)
    names += [titled] if titled else []
    sections = _url_sections(url)
    names = [_without_section(n, host, sections) for n in names]
    # A syndicated story's agency ("Associated Press") is not the site readers cite, unless it is
    # the site itself (CNN on cnn.com).
    names = [n for n in names if not md.is_agency(n) or _names_host(n, host)] or names
    if not names:
        masthead = _publisher_name(_masthead(page, url), host, as_titled=True)
        # the page's copyright lines, read once for the holder named like the host and the title
        holders = tuple(_copyright_holders(page))
        own_holder = next((h for h in holders if _names_host(h, host)), None)
        holder = _publisher_name(own_holder, host, as_titled=True)
        handle = _handle(page)
        # a handle in lower case that is not the host's is a person's or an agency's account
        handle = (
            _publisher_name(handle, host, as_titled=True)
            if handle and (not handle.islower() or _names_host(handle, host))
            else None
        )
        agreed = _publisher_name(_agreed_name(page, url, holders), host, as_titled=True)
        names = [n for n in (masthead, holder, handle, agreed, *(weak if not host else [])) if n]
    if not names and not host:
        names = [n for n in [_publisher_name(_hostless_title_site(page), host)] if n]
    if not names:
        names = [n for n in [_publisher_name(_title_end_sharing_host(page, url), host)] if n]
    if not names:
        hostname = sources.hostname(url)
        return _domain_as_written(page, hostname) if hostname else None
    # the name that is the site's own (found in its host name) before another organisation's
    first = next((n for n in names if _names_host(n, host)), names[0])
    variants = [
        n for n in names if word_key(n).startswith(word_key(first)) or word_key(first).startswith(word_key(n))
    ]
    return min(variants, key=len)


def edition_for_language(publisher: str | None, language: str | None) -> str | None:
    """``Business Insider Deutschland`` on an English page -> ``Business Insider``: an edition's
    name only when the page is in that edition's language."""
    if not publisher or " " not in publisher:
        return publisher
    head, _, last = publisher.rpartition(" ")
    edition_language = md.metadata_words()["editions"].get(last.casefold())
    # "Searchlight New Mexico": the word is part of a place's name, not an edition
    place_part = head.rpartition(" ")[2].casefold() in _PLACE_NAME_OPENERS
    if edition_language and language and language != edition_language and not place_part:
        return head
    return publisher


# words that open a place's name ("New Mexico", "Nueva España"), never end a publisher's
_PLACE_NAME_OPENERS = frozenset({"new", "nuevo", "nueva", "neu", "nouveau", "nouvelle", "nova", "novo"})
