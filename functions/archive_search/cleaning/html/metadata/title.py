"""The headline and the description a page states."""

from __future__ import annotations

from collections.abc import Sequence

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.metadata.page import TITLE_SEP_RE, Page, first_str
from archive_search.cleaning.metadata import html_text, word_count, word_key


def extract_titles(page: Page) -> list[str]:
    """Every title the page states, most trusted first (headline, og:title, <h1>, <title>)."""
    art = page.article
    titles = [
        first_str(art.get("headline")),
        page.meta("og:title"),
        page.meta("twitter:title"),
        first_str(art.get("name")),
        page.meta("headline", "dc.title"),
    ]
    h1 = page.elements["h1"][0] if page.elements["h1"] else None
    titles.append(html_text(h1) or None)
    doc_title = page.elements["title"][0] if page.elements["title"] else None
    titles.append(html_text(doc_title) or None)
    return [t for t in (md.clean_title(t) for t in titles if t) if t]


def extract_description(page: Page) -> str | None:
    return first_str(page.article.get("description")) or page.meta(
        "og:description", "description", "twitter:description"
    )


def _strip_site_name(title: str, source: str | None) -> str:
    """``Headline | Site`` -> ``Headline`` when the last part names the site (or the title is a
    breadcrumb of three parts or more, ``Headline | Section | Site``)."""
    pieces = TITLE_SEP_RE.split(title)  # text, separator, text, ...
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


_MAX_WORDS_LEFT_OUT = 3


def _fuller_h1(title: str, h1: str | None) -> str:
    """The ``<h1>`` when the metadata's title is it with a few words left out inside
    (``... | Anastassiades' light ...`` for the page's ``... | Michael Anastassiades’ light ...``)."""
    if not h1:
        return title
    short, full = word_key(title).split(), word_key(h1).split()
    extra = len(full) - len(short)
    # the words left out are inside: a kicker glued before the headline is not one of them
    if not 0 < extra <= _MAX_WORDS_LEFT_OUT or full[:2] != short[:2] or full[-2:] != short[-2:]:
        return title
    rest = iter(full)
    return h1 if all(word in rest for word in short) else title  # short is a subsequence of full


# the first few <h2> read: a page whose <h1> is its site's name heads the article with one
HEADINGS_READ = 3


def _stated_part(title: str, stated: set[str], source: str | None) -> str | None:
    """The longest run of a ``<title>``'s parts that the page also states on its own (another of
    its titles, a heading): ``Site » Section » Headline`` beside ``<h2>Headline</h2>``. A part
    naming the site is not a headline."""
    pieces = TITLE_SEP_RE.split(title)
    if len(pieces) < 3:
        return None
    src = word_key(source or "")
    best: tuple[tuple[int, int], str] | None = None
    for i in range(0, len(pieces), 2):
        for j in range(len(pieces) - 1, i - 1, -2):
            if i == 0 and j == len(pieces) - 1:
                continue  # the whole title
            part = "".join(pieces[i : j + 1])
            key = word_key(part)
            if (
                key in stated
                and key != src
                # a later part as short as a section's name is not taken for the headline
                and (i == 0 or 2 * len(key.split()) >= len(word_key(title).split()))
            ):
                # the longest; of parts with the same words, the one without stray symbols
                rank = (len(key), -len(part))
                if best is None or rank > best[0]:
                    best = (rank, part)
    return best[1] if best else None


def headline(
    titles: list[str], source: str | None, h1: str | None = None, headings: Sequence[str] = ()
) -> str | None:
    """The first title without the site's name, or the part of it the page states on its own
    (``Headline | Editorial`` beside ``Headline``, ``Site » Headline`` beside an ``<h2>``); the
    page's ``<h1>`` when the metadata left words out of it. A title that is only the site's name
    (a blog's ``<h1>``) gives way to the next one."""
    if not titles:
        return None
    src = word_key(source or "")
    if src and word_key(titles[0]) == src:
        rest = [t for t in titles[1:] if word_key(t) != src]
        if rest:
            return headline(rest, source, None, headings)
    title = _fuller_h1(_strip_site_name(titles[0], source), h1)
    stated = {word_key(t) for t in (*titles[1:], *headings)} - {""}
    return _stated_part(title, stated, source) or title
