"""What an HTML page states about itself: one small extractor per field, composed by
``page_metadata``.

Sources, most trusted first: JSON-LD (``NewsArticle``/``Article``/... also inside ``@graph`` or a
``WebPage``'s ``mainEntity``), meta tags (``og:``/``article:``/``twitter:``/Dublin Core/
``itemprop``), then the markup (``<h1>``, ``<title>``, ``<time>``, elements marked as bylines,
``<html lang>``, the canonical link). Each extractor returns ``None`` (or empty) when the page
does not state the value clearly: metadata is never invented.

Longer than the package's other modules (~560 lines) on purpose: the eight field extractors share
the JSON-LD and meta-tag readers above them, and one field's rules read best beside the others'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning import metadata as md
from archive_search.cleaning.limits import loads_bounded
from archive_search.cleaning.metadata import Byline, html_text, word_count, word_key

__all__ = ["PageMetadata", "edition_for_language", "guessed_published", "page_metadata"]

_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Report|NewsArticle|LiveBlogPosting|Posting)$")
_ORGANISATION_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation"})


@dataclass
class PageMetadata:
    """What the page states about itself (all optional)."""

    title: str | None = None
    titles: list[str] = field(default_factory=list)  # every title-like string seen
    description: str | None = None
    source: str | None = None
    published: Any = None
    byline: Byline = field(default_factory=Byline)
    language: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    place: str | None = None
    article_body: str | None = None

    @property
    def author(self) -> str | None:
        """The byline's persons as one line, for matching a byline line in the text."""
        return ", ".join(self.byline.authors) or self.byline.org


@dataclass
class _Page:
    """The parts of a page the extractors read, gathered in one walk."""

    tree: HtmlElement
    article: dict[str, Any]  # the first JSON-LD article object ({} when none)
    objects: list[dict[str, Any]]  # every JSON-LD object
    metas: dict[str, list[str]]
    elements: dict[str, list[HtmlElement]]

    def meta(self, *names: str) -> str | None:
        for name in names:
            values = self.metas.get(name)
            if values:
                return values[0]
        return None


# ---------------------------------------------------------------------------
# Reading the page
# ---------------------------------------------------------------------------


def _iter_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _iter_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):  # WebPage {mainEntity: NewsArticle} too
            if isinstance(node.get(key), (dict, list)):
                yield from _iter_jsonld(node[key])


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for v in value:
            s = _first_str(v)
            if s:
                return s
    if isinstance(value, dict):
        for k in ("name", "@id", "url"):
            s = _first_str(value.get(k))
            if s:
                return s
    return None


def _jsonld_articles(scripts: list[HtmlElement]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(article objects, every object) of the page's JSON-LD blocks; bad JSON is skipped."""
    articles: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for script in scripts:
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = loads_bounded(raw)
        except ValueError:
            try:  # a common mistake: trailing commas / several objects; keep it cheap
                data = loads_bounded(re.sub(r",\s*([}\]])", r"\1", raw))
            except ValueError:  # too deeply nested is skipped as bad JSON is
                continue
        for obj in _iter_jsonld(data):
            objects.append(obj)
            if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
                articles.append(obj)
    return articles, objects


def _meta_map(meta_elements: list[HtmlElement]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in meta_elements:
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            name = meta.get(attr)
            if name:
                found.setdefault(name.strip().lower(), []).append(content.strip())
    return found


_METADATA_TAGS = ("script", "meta", "h1", "title", "time", "link")


def _read(tree: HtmlElement) -> _Page:
    # One walk over the page for the elements the extractors read (each in document order).
    elements: dict[str, list[HtmlElement]] = {tag: [] for tag in _METADATA_TAGS}
    for el in tree.iterdescendants(*_METADATA_TAGS):
        elements[el.tag].append(el)
    articles, objects = _jsonld_articles(elements["script"])
    if not articles:  # a WebPage (MedicalWebPage, ...) stating the article's author and dates
        articles = [
            o
            for o in objects
            if any(t.endswith("WebPage") for t in _types(o)) and ("author" in o or "datePublished" in o)
        ]
    return _Page(tree, articles[0] if articles else {}, objects, _meta_map(elements["meta"]), elements)


# ---------------------------------------------------------------------------
# One extractor per field
# ---------------------------------------------------------------------------


def extract_titles(page: _Page) -> list[str]:
    """Every title the page states, most trusted first (headline, og:title, <h1>, <title>)."""
    art = page.article
    titles = [
        _first_str(art.get("headline")),
        page.meta("og:title"),
        page.meta("twitter:title"),
        _first_str(art.get("name")),
        page.meta("headline", "dc.title"),
    ]
    h1 = page.elements["h1"][0] if page.elements["h1"] else None
    titles.append(html_text(h1) or None)
    doc_title = page.elements["title"][0] if page.elements["title"] else None
    titles.append(html_text(doc_title) or None)
    return [t for t in (md.clean_title(t) for t in titles if t) if t]


def extract_description(page: _Page) -> str | None:
    return _first_str(page.article.get("description")) or page.meta(
        "og:description", "description", "twitter:description"
    )


_TITLE_SEP_RE = re.compile(r"(\s+(?:\||-|–|—|::|·|»)\s+)")


def _strip_site_name(title: str, source: str | None) -> str:
    """``Headline | Site`` -> ``Headline`` when the last part names the site (or the title is a
    breadcrumb of three parts or more, ``Headline | Section | Site``)."""
    pieces = _TITLE_SEP_RE.split(title)  # text, separator, text, ...
    if len(pieces) < 3:
        return title
    src = word_key(source or "")
    while (
        len(pieces) >= 3
        and src
        and word_key(pieces[-1])
        and (
            word_key(pieces[-1]) in src
            or (src in word_key(pieces[-1]) and word_count(pieces[-1]) <= word_count(src) + 2)
        )
    ):
        del pieces[-2:]
    if len(pieces) >= 5 and title.count(" | ") >= 2 and word_count(pieces[0]) >= 2:
        pieces = pieces[:1]
    return "".join(pieces)


def _headline(titles: list[str], source: str | None) -> str | None:
    """The first title without the site's name, or without a section crumb when another of the
    page's titles is the bare headline (``Headline | Editorial`` beside ``Headline``)."""
    if not titles:
        return None
    title = _strip_site_name(titles[0], source)
    pieces = _TITLE_SEP_RE.split(title)
    if len(pieces) >= 3:
        head = word_key("".join(pieces[:-2]))
        if any(word_key(t) == head for t in titles[1:]):
            return "".join(pieces[:-2])
    return title


def _host_label(url: str | None) -> str:
    """``https://www.nbc-dfw.com/x`` -> ``nbcdfw``: the host's letters without ``www`` and the
    top-level domain, which a publisher's own name is found in."""
    host = (urlsplit(url).hostname or "") if url else ""
    parts = host.removeprefix("www.").split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in ("co", "com", "org", "net", "ac", "gov"):
        parts = parts[:-2]
    elif len(parts) >= 2:
        parts = parts[:-1]
    return _squashed("".join(parts))


def _squashed(text: str) -> str:
    """Letters and digits only, casefolded and without accents (``La Vie des idées`` ->
    ``laviedesidees``), as a host name writes them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\W_]", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


# "The Times of Israel" on timesofisrael.com: hosts often leave the article out
_ARTICLE_RE = re.compile(r"^(?:the|die|der|das|la|le|les|el|il|lo)\s+", re.IGNORECASE)


# "Süddeutsche" is "sueddeutsche" in a host name
_HOST_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


def _names_host(name: str, host: str) -> bool:
    """Whether a name is the site's: its letters (without a leading article, accents spelled
    as hosts spell them), its initials, or as a domain (``DW.COM``) its host name."""
    squashed = _squashed(name)
    if not host or not squashed:
        return False
    spelled = name.strip().casefold().translate(_HOST_SPELLING)
    if " " not in spelled and "." in spelled and _host_label("http://" + spelled) == host:
        return True
    spellings = {squashed, _squashed(_ARTICLE_RE.sub("", name)), _squashed(spelled)}
    if any(s and s in host for s in spellings) or (len(host) >= 4 and squashed.startswith(host)):
        return True
    words = [w for w in re.findall(r"\w+", name.casefold()) if w != "the"]
    initials = "".join(w[0] for w in words[:-1]) + (words[-1] if words else "")
    return len(words) >= 2 and (initials in host or "".join(w[0] for w in words) == host)


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
    if folded in {n.casefold() for n in md.metadata_words()["not_publishers"]}:
        return None  # a section ("U.S.") or a platform ("Blogger", "Hosted")
    if not as_titled and " " not in name and "." not in name and name.islower() and _squashed(name) in host:
        return None  # a bare host fragment in metadata ("nj", "cleveland", "oregonlive")
    if not _names_host(name, host) and re.search(r"(?<![\w'’])[a-zà-ÿ][\w-]{3,}", name):
        return None  # a tagline ("Kabar tentang Dunia Islam", "Expert how-to for English Riders")
    return name


def _without_section(name: str, host: str, sections: frozenset[str]) -> str:
    """``PolitiFact West Virginia`` on politifact.com/west-virginia/... -> ``PolitiFact``: when
    the name's first words spell the whole host name and the words after them are a section of
    the page's URL path, those words name the section (or a regional edition), not the site."""
    words = name.split()
    if len(words) < 2 or not host or not sections:
        return name
    spelled = ""
    for i, word in enumerate(words[:-1]):
        spelled += _squashed(word)
        if spelled == "the" and i == 0:
            spelled = ""  # "The Detroit News" spells "detroitnews"
        elif spelled == host:
            rest = _squashed("".join(words[i + 1 :]))
            return " ".join(words[: i + 1]) if rest in sections else name
        elif not host.startswith(spelled):
            break
    return name


def _url_sections(url: str | None) -> frozenset[str]:
    """The URL path's segments, letters only (``/west-virginia/statements/`` -> ``westvirginia``,
    ``statements``)."""
    path = urlsplit(url).path if url else ""
    return frozenset(_squashed(seg) for seg in path.split("/") if seg and _squashed(seg))


def _title_site(page: _Page, host: str) -> str | None:
    """The site's name as the ``<title>`` ends (``... - Houston Chronicle``, ``... — www.wday.ru``)
    or, failing that, opens with it (``The Space Review: Seeking a bigger role``)."""
    doc_title = html_text(page.elements["title"][0]) if page.elements["title"] else ""
    pieces = _TITLE_SEP_RE.split(doc_title)
    ends = [pieces[-1], pieces[0]] if len(pieces) >= 3 else []
    if ": " in doc_title:
        ends.append(doc_title.partition(": ")[0])
    for end in ends:
        end = end.strip()
        if word_count(end) <= 6 and _names_host(end, host):
            return re.sub(r"^www\.", "", end, flags=re.IGNORECASE)
    return None


_MASTHEAD_LINKS = 40  # the masthead links home near the top of the page


_SITE_TITLE_RE = re.compile(r"site[-_]?(?:title|name|branding)|\blogo|brand", re.IGNORECASE)


def _masthead(page: _Page, url: str | None) -> str | None:
    """The site's name as its masthead shows it, near the top of the page: the ``alt`` of the
    logo linking to the home page, or the words of a home link marked as the site's title
    (``<p class="site-title"><a href="/" rel="home">Name</a>``)."""
    site = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    for i, a in enumerate(page.tree.iter("a")):
        if i >= _MASTHEAD_LINKS:
            break
        href = (a.get("href") or "").strip()
        linked = _link_host(href)
        is_home = href in ("/", "./", "index.html", "/index.html") or (
            linked is not None and linked == (site, True)
        )
        if not is_home and "home" not in (a.get("rel") or "").lower().split():
            continue
        # the logo's alt text: a home link's own words are often "Home" or "Back"
        alt = next((img.get("alt") or "" for img in a.iter("img") if img.get("alt")), "")
        parent = a.getparent()
        marks = f"{a.get('class') or ''} {a.get('id') or ''}"
        if parent is not None:
            marks += f" {parent.get('class') or ''} {parent.get('id') or ''}"
        if not alt and _SITE_TITLE_RE.search(marks):
            alt = html_text(a)
        # "Schweizer Jäger Logo" names the site; "Logo", "express_logo" describe the image
        text = " ".join(w for w in alt.split() if w.casefold() != "logo")
        if text and 1 <= word_count(text) <= 5 and "logo" not in text.casefold():
            return text
    return None


_HANDLE_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9]{1,30})_?$")


def _handle(page: _Page) -> str | None:
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


def _linked_site(page: _Page) -> str | None:
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
    confirmed |= {
        found[0] for found in map(_link_host, (ln.get("href") for ln in page.elements["link"])) if found
    }
    if not counts:
        return None
    host, n = max(counts.items(), key=lambda item: item[1])
    if n >= _MIN_SITE_LINKS and 2 * n >= sum(counts.values()) and host in confirmed:
        return f"http://{host}/"
    return None


def _domain_as_written(page: _Page, hostname: str) -> str:
    """The domain as the page's own text writes it (``Copyright EnterMedia.co.kr``), else as
    the URL has it: the publisher of last resort, cased as the site cases itself."""
    text = page.tree.text_content()
    m = re.search(rf"(?<![\w.-]){re.escape(hostname)}(?![\w-])", text, re.IGNORECASE)
    return m[0] if m else hostname


def extract_publisher(page: _Page, url: str | None) -> str | None:
    """JSON-LD ``publisher.name``, ``og:site_name`` (and its kin), the ``<title>``'s site part,
    then the domain; variants of one name (``Inexhibit`` / ``Inexhibit magazine``) become the
    shortest."""
    url = _original_url(url) if url else None
    host = _host_label(url)
    candidates: list[Any] = [page.article.get("publisher"), page.meta("og:site_name")]
    candidates += [obj.get("name") for obj in page.objects if _ORGANISATION_TYPES & set(_types(obj))]
    candidates += [page.meta("application-name"), page.meta("dc.publisher", "publisher")]
    names = [n for n in (_publisher_name(c, host) for c in candidates if c) if n]
    # the <title>'s site part is the name as the site writes it for readers ("my6sense")
    titled = _publisher_name(_title_site(page, host), host, as_titled=True)
    names += [titled] if titled else []
    sections = _url_sections(url)
    names = [_without_section(n, host, sections) for n in names]
    # A syndicated story's agency ("Associated Press") is not the site readers cite.
    names = [n for n in names if not md.is_agency(n)] or names
    if not names:
        masthead = _publisher_name(_masthead(page, url), host, as_titled=True)
        handle = _publisher_name(_handle(page), host, as_titled=True)
        names = [n for n in (masthead, handle) if n]
    if not names:
        hostname = ((urlsplit(url).hostname or "") if url else "").removeprefix("www.")
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
    if edition_language and language and language != edition_language:
        return head
    return publisher


_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "publishdate", "publish-date", "publish_date", "pubdate", "date", "dc.date.issued", "dc.date",
    "dcterms.issued", "dcterms.created", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
    "originalpublicationdate", "article:published", "og:published_time", "datecreated",
)  # fmt: skip


def _stated_published(page: _Page) -> Any:
    """The publication date the page's metadata states: JSON-LD, meta tags, marked ``<time>``."""
    art = page.article
    for key in ("datePublished", "dateCreated", "uploadDate"):
        published = md.parse_date(_first_str(art.get(key)))
        if published:
            return published
    published = md.parse_date(page.meta(*_DATE_META))
    if published:
        return published
    for t in page.elements["time"]:
        marked = (t.get("itemprop") or "").lower() in ("datepublished", "datecreated")
        if marked or t.get("pubdate") is not None:
            published = md.parse_date(t.get("datetime") or html_text(t))
            if published:
                return published
    return None


def extract_published(page: _Page, url: str | None) -> Any:
    """The article's own publication date: the metadata's, the URL path's, then ``<time>``.

    A date in the URL path (``/2019/11/18/``) is the site's local date of first publication:
    it wins over a metadata timestamp one day off (written in UTC), not over another date."""
    stated = _stated_published(page)
    in_url = md.url_date(url)
    if in_url and (stated is None or abs((stated - in_url).days) <= 1):
        return in_url
    if stated:
        return stated
    t = page.tree.find(".//article//time[@datetime]")
    if t is None:
        t = next((t for t in page.elements["time"] if t.get("datetime") is not None), None)
    return md.parse_date(t.get("datetime")) if t is not None else None


def guessed_published(tree: HtmlElement, url: str | None) -> Any:
    """For a page whose metadata, byline and dateline state no date: the article's original
    date as htmldate finds it in the markup (it skips update and comment dates), then in the
    text; a 1 January from the text search is a bare year (a copyright line), not a date."""
    from htmldate import find_date

    for extensive in (False, True):
        try:
            found = find_date(
                tree, url=url, original_date=True, extensive_search=extensive, outputformat="%Y-%m-%d"
            )
        except (ValueError, TypeError, etree.LxmlError):
            return None
        guessed = md.parse_date(found) if found else None
        if guessed and not (extensive and (guessed.month, guessed.day) == (1, 1)):
            return guessed
    return None


_AUTHOR_META = (
    "author", "article:author", "byl", "dc.creator", "dcterms.creator", "sailthru.author",
    "parsely-author", "citation_author",
)  # fmt: skip
_BYLINE_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:byline|author|autor|auteur|autore)(?:$|[\s_-])", re.IGNORECASE)
_NAME_WORD_RE = re.compile(r"^[^\W\d_][\w.'’-]*$")
_SIGNED_RE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+\S", re.IGNORECASE)


def _looks_like_names(names: tuple[str, ...]) -> bool:
    """Markup guesses need a stricter check than metadata: capitalised words, no digits."""
    for name in names:
        words = name.split()
        if not 2 <= len(words) <= 5 or not all(_NAME_WORD_RE.match(w) and len(w) <= 20 for w in words):
            return False
        if sum(w[0].isupper() for w in words) < 2:
            return False
    return bool(names)


_COMMENT_RE = re.compile(r"comment|reply|respond", re.IGNORECASE)


def _in_comments(el: HtmlElement) -> bool:
    """Whether an element belongs to the readers' comments (their authors are not the byline)."""
    return any(
        _COMMENT_RE.search(f"{a.get('class') or ''} {a.get('id') or ''}") for a in (el, *el.iterancestors())
    )


def _byline_by_class(tree: HtmlElement, publisher: str | None) -> Byline:
    """The first short element marked as a byline by its class or id (``<p class="byline">``)."""
    for el in tree.iter("p", "div", "span", "a", "address"):
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _BYLINE_CLASS_RE.search(marker) or _in_comments(el):
            continue
        text = html_text(el)
        if text and word_count(text) <= 16:
            byline = md.parse_byline(text, publisher)
            # "by Anmol": one capitalised name is enough after an explicit "by"
            signed = _SIGNED_RE.match(text) is not None and all(a[0].isupper() for a in byline.authors)
            if (
                _looks_like_names(byline.authors)
                or (byline.authors and signed)
                or (byline.org and not byline.authors)
            ):
                return byline
    return Byline()


def extract_byline(page: _Page, publisher: str | None) -> Byline:
    """Who wrote it: JSON-LD ``author``, author meta tags, ``rel``/``itemprop="author"``, then
    an element marked as a byline. The first source naming a person or an organisation wins."""
    art_author = page.article.get("author")
    if art_author:
        byline = md.parse_byline(art_author, publisher)
        if byline:
            return byline
    for name in _AUTHOR_META:
        for value in page.metas.get(name, ()):
            if not value.startswith(("@", "http")):
                byline = md.parse_byline(value, publisher)
                if byline:
                    return byline
    for xpath in ('.//*[@rel="author"]', './/*[@itemprop="author"]'):
        el = next((el for el in page.tree.iterfind(xpath) if not _in_comments(el)), None)
        if el is not None:
            byline = md.parse_byline(html_text(el), publisher)
            if byline:
                return byline
    return _byline_by_class(page.tree, publisher)


def extract_language(page: _Page) -> str | None:
    tree = page.tree
    html_el = tree if tree.tag == "html" else tree.getroottree().getroot()
    return (
        md.normalise_language(_first_str(page.article.get("inLanguage")))
        or md.normalise_language(
            html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang")
        )
        or md.normalise_language(page.meta("content-language", "og:locale", "language", "dc.language"))
    )


def extract_url(page: _Page) -> str | None:
    canonical = None
    for link in page.elements["link"]:
        if (link.get("rel") or "").lower() == "canonical" and link.get("href", "").startswith("http"):
            canonical = link.get("href").strip()
            break
    art_url = page.article.get("url")
    url = _first_str(art_url) if isinstance(art_url, str) else None
    return next((u for u in (canonical, page.meta("og:url"), url) if u and u.startswith("http")), None)


# A topic keyword is words: not markup debris, a path, an id or a CMS flag.
_NOT_TOPIC_RE = re.compile(r"[/@_=<>{}\[\]|\\]|&\w*;?|\bquot\b|:\d|^\W|^\d+$|https?:", re.IGNORECASE)
_MAX_TAGS = 30


def _topic(tag: str) -> str | None:
    text = " ".join(tag.split()).strip(" ,;.\"'«»“”„‘’")  # '"Brexit"' is the topic Brexit
    if not text or len(text) > 60 or not any(ch.isalpha() for ch in text):
        return None
    if _NOT_TOPIC_RE.search(text) or text.casefold() in {
        t.casefold() for t in md.metadata_words()["not_tags"]
    }:
        return None
    return text


def extract_tags(page: _Page) -> tuple[str, ...]:
    """Topic keywords: JSON-LD ``keywords``, ``article:tag``, else ``news_keywords``/``keywords``."""
    tags: list[str] = []
    keywords = page.article.get("keywords")
    if isinstance(keywords, str):
        tags.extend(keywords.split(","))
    elif isinstance(keywords, list):
        tags.extend(k for k in keywords if isinstance(k, str))
    tags.extend(page.metas.get("article:tag", []))
    if not tags:
        kw = page.meta("news_keywords", "keywords")
        if kw:
            tags.extend(kw.split(","))
    seen: dict[str, str] = {}
    for raw in tags:
        topic = _topic(raw)
        if topic and topic.casefold() not in seen:
            seen[topic.casefold()] = topic
    return tuple(list(seen.values())[:_MAX_TAGS])


def extract_place(page: _Page) -> str | None:
    for key in ("contentLocation", "locationCreated", "spatialCoverage"):
        place = md.clean_place(_first_str(page.article.get(key)))
        if place:
            return place
    return None


def page_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """The metadata a page states about itself. ``url`` (where the page came from) is used when
    the page names no canonical URL, to tell a site's own name from a tagline and as the
    publisher of last resort."""
    page = _read(tree)
    own_url = extract_url(page)
    site_url = own_url or url
    source = extract_publisher(page, site_url or _linked_site(page))
    titles = extract_titles(page)
    body = page.article.get("articleBody")
    return PageMetadata(
        title=_headline(titles, source),
        titles=titles,
        description=extract_description(page),
        source=source,
        published=extract_published(page, own_url),
        byline=extract_byline(page, source),
        language=extract_language(page),
        url=own_url,
        tags=extract_tags(page),
        place=extract_place(page),
        article_body=body if isinstance(body, str) and body.strip() else None,
    )
