"""Boundaries and residual boilerplate: the headline, standfirst, byline and date lines around
the article, URL and copyright lines, link lines, teaser lists and menu runs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from archive_search.cleaning import metadata as md
from archive_search.cleaning.html.lines import Line
from archive_search.cleaning.html.metadata import PageMetadata
from archive_search.cleaning.metadata import word_count as _words
from archive_search.cleaning.metadata import word_key as _norm

# a URL or an e-mail address alone on a line: a link or the reporter's contact, not the story
_URL_LINE_RE = re.compile(r"^(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$", re.IGNORECASE)


# a copyright notice: the sign, the word, or "all rights reserved" in the page's language
# (metadata_words.json rights_reserved)
@lru_cache(maxsize=1)
def _copyright_re() -> re.Pattern[str]:
    reserved = "|".join(re.escape(p) for p in md.metadata_words()["rights_reserved"])
    return re.compile(rf"©|\(c\)\s*\d{{4}}|\bcopyright\b|{reserved}", re.IGNORECASE)


# "By Jane Doe", "Written by ...", "Von ...", "Par ...", "Por ...", "di ...", "door ...": a
# byline prefix followed by a capitalised name
_BYLINE_RE = re.compile(
    r"^(?:(?:written|posted|reported|published|text)\s+)?(?:by|von|par|por|di|door)\s*:?\s+[^\W\d_]",
    re.IGNORECASE,
)


_TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b|\b\d{1,2}\s*[ap]\.?m\.?\b", re.IGNORECASE)


_TERMINAL = (".", "!", "?", ":", '"', "”", "»", "。", "！", "？")


def at_least_words(paragraphs: list[str], minimum: int) -> bool:
    """``sum(_words(p) for p in paragraphs) >= minimum``, stopping as soon as it is reached."""
    total = 0
    for p in paragraphs:
        total += _words(p)
        if total >= minimum:
            return True
    return total >= minimum


def _is_title_line(line: str, titles: list[str]) -> bool:
    n = _norm(line)
    if not n:
        return False
    for t in titles:
        nt = _norm(t)
        if not nt:
            continue
        if n == nt:
            return True
        # "<title>" is often "Headline | Site": the line is the headline part of it
        if (len(n) >= 15 and nt.startswith(n)) or (
            len(nt) >= 15 and n.startswith(nt) and len(n) - len(nt) < 40
        ):
            return True
    return False


def _is_dateish_line(line: str) -> bool:
    """A short line that is mostly a date/time stamp ("Updated at 1:23 p.m.", "22 Jan 2018 00:13")."""
    if _words(line) > 12:
        return False
    if md.parse_date(line) is None and not _TIME_RE.search(line):
        return False
    letters = re.sub(r"[\W\d_]", "", line)
    return len(letters) < 60


def _is_byline(line: str, author: str | None) -> bool:
    if _words(line) > 14:
        return False
    m = _BYLINE_RE.match(line)
    if m and line[m.end() - 1].isupper():
        return True
    return bool(author) and _norm(line) == _norm(author or "")


_LINK_LINE_SHARE = 0.6


_LINK_LINE_WORDS = 30


def is_boilerplate(line: Line) -> bool:
    text = line.text
    words = line.words
    if _URL_LINE_RE.match(text):
        return True
    if words <= 25 and _copyright_re().search(text):
        return True
    # a line that is (almost) all link text: navigation, teasers, "related" lists
    return bool(line.link_share >= _LINK_LINE_SHARE and words <= _LINK_LINE_WORDS)


_TEASER_ITEM_LINK_SHARE = 0.5


_TEASER_LIST_SHARE = 0.5


def _teaser_lists(lines: list[Line]) -> set[int]:
    """Lists most of whose items start as or are links: related stories, navigation."""
    items: dict[int, list[Line]] = {}
    for ln in lines:
        if ln.group >= 0:
            items.setdefault(ln.group, []).append(ln)
    out = set()
    for group, members in items.items():
        if len(members) < 2:
            continue
        linked = sum(1 for m in members if m.link_share >= _TEASER_ITEM_LINK_SHARE)
        if linked >= _TEASER_LIST_SHARE * len(members):
            out.add(group)
    return out


_MENU_RUN = 8  # lines


_MENU_LINE_WORDS = 6  # longest line a run may hold


_MENU_MEAN_WORDS = 3.5  # a menu's lines are mostly one to three words


# A page never writes its menus as list items, paragraphs or table rows it marks up as such;
# ranked lists, poems, ingredient lists and data tables (specifications, results) are.
_NEVER_MENU_TAGS = ("item", "p", "row")


def _drop_menu_runs(lines: list[Line]) -> list[Line]:
    """Drop long runs of short lines without sentence punctuation: menus, tag clouds."""
    out: list[Line] = []
    run: list[Line] = []

    def close() -> None:
        mean = sum(ln.words for ln in run) / len(run) if run else 0.0
        if len(run) < _MENU_RUN or mean > _MENU_MEAN_WORDS:
            out.extend(run)
        run.clear()

    for ln in lines:
        if (
            ln.tag not in _NEVER_MENU_TAGS
            and ln.words <= _MENU_LINE_WORDS
            and not ln.text.rstrip().endswith(_TERMINAL)
        ):
            run.append(ln)
        else:
            close()
            out.append(ln)
    close()
    return out


# A magazine closes its article with an end sign ("... that book." ❖, "... ends. ■")
_END_SIGN_RE = re.compile(r"[■□▪◼◆◇❖∎]\s*$")


def cut_after_end_sign(paragraphs: list[str]) -> list[str]:
    """The paragraphs after the last one closed by an end sign are not the article (a
    disclaimer, a subscription offer), when they hold fewer words than those up to it: an
    article's end sign never comes before most of its text."""
    last = next((i for i in range(len(paragraphs) - 1, -1, -1) if _END_SIGN_RE.search(paragraphs[i])), None)
    if last is None or last == len(paragraphs) - 1:
        return paragraphs
    before = sum(map(_words, paragraphs[: last + 1]))
    after = sum(map(_words, paragraphs[last + 1 :]))
    return paragraphs[: last + 1] if after < before else paragraphs


# A label opening what follows an article ("Related", "Mehr zum Thema:", "3 Kommentare"):
# metadata_words.json article_end_labels, as whole words of a short line
@lru_cache(maxsize=1)
def _end_label_re() -> re.Pattern[str]:
    labels = "|".join(re.escape(p) for p in md.metadata_words()["article_end_labels"])
    return re.compile(rf"(?<!\w)(?:{labels})(?!\w)", re.IGNORECASE)


_END_LABEL_WORDS = 8  # a label, not a sentence that mentions comments


_END_LABEL_SHARE = 0.5  # of the kept words above it: a "Related" box inside the article is no end


def _is_end_label(text: str, heading: bool) -> bool:
    """A heading, a label before a colon, or the label alone (with a count: "3 Kommentare")
    that names what follows an article; a line of the text that mentions one is none."""
    text = text.strip()
    found = _end_label_re().search(text)
    if not found:
        return False
    if heading or text.endswith(":"):
        return True
    return not _COUNT_CHARS_RE.sub("", text[: found.start()] + text[found.end() :])


_COUNT_CHARS_RE = re.compile(r"[\d\s()\[\]]+")


def _end_label_at(texts: list[str], counts: list[int], headings: list[bool]) -> int | None:
    """Where the article ends: the first end label of ``_END_LABEL_WORDS`` words or fewer
    below most of the words (``counts``) of ``texts``; ``None`` when there is none. Related
    stories, reading suggestions and comments follow the article and read like prose."""
    half = _END_LABEL_SHARE * sum(counts)
    seen = 0
    for i, text in enumerate(texts):
        if seen >= half and counts[i] <= _END_LABEL_WORDS and _is_end_label(text, headings[i]):
            return i
        seen += counts[i]
    return None


def cut_at_end_label(paragraphs: list[str], titles: list[str]) -> list[str]:
    """``paragraphs`` without the lines from their end label to the end, or to a line
    repeating the page's title: the article's own card (a recipe's) after its related links."""
    i = _end_label_at(paragraphs, [_words(p) for p in paragraphs], [False] * len(paragraphs))
    if i is None:
        return paragraphs
    end = next(
        (j for j in range(i + 1, len(paragraphs)) if _is_title_line(paragraphs[j], titles)), len(paragraphs)
    )
    return paragraphs[:i] + paragraphs[end:]


def _cut_lines_at_end_label(kept: list[Line], titles: list[str]) -> list[Line]:
    """``cut_at_end_label`` on lines, which know their headings (the card's is one)."""
    i = _end_label_at([ln.text for ln in kept], [ln.words for ln in kept], [ln.tag == "head" for ln in kept])
    if i is None:
        return kept
    end = next(
        (
            j
            for j in range(i + 1, len(kept))
            if kept[j].tag == "head" and _is_title_line(kept[j].text, titles)
        ),
        len(kept),
    )
    return kept[:i] + kept[end:]


def _word_re(key: str, opening: bool = False) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in md.metadata_words()[key])
    before = r"(?:^|[.!?:;¡¿–—-]\s*)" if opening else r"(?<!\w)"
    return re.compile(rf"{before}(?:{words})(?!\w)", re.IGNORECASE)


# A prompt to the reader closing the page: a call to subscribe, or one to follow, join or
# download opening a sentence (an imperative, not a report: "she would follow ...") that names
# a channel (metadata_words.json subscription_calls, reader_calls, reader_channels)
@lru_cache(maxsize=1)
def _prompt_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return _word_re("subscription_calls"), _word_re("reader_calls", True), _word_re("reader_channels")


_PROMPT_WORDS = 30  # a prompt, not the article's closing paragraph that mentions a channel


def _is_reader_prompt(text: str) -> bool:
    if _words(text) > _PROMPT_WORDS:
        return False
    subscribe, call, channel = _prompt_res()
    return bool(subscribe.search(text) or (call.search(text) and channel.search(text)))


# A picture's credit ("Titelbild: ...", "Photo source: ...", "Beitragsbild via Unsplash")
_PICTURE_CREDIT_RE = re.compile(
    rf"^\w*(?:{'|'.join(md.PICTURE_WORDS)})\w*(?:\s+(?:source|credit)s?)?\s*(?::|via\b|by\b)", re.IGNORECASE
)


_CREDIT_WORDS = 12


def _is_picture_credit(text: str) -> bool:
    return _words(text) <= _CREDIT_WORDS and _PICTURE_CREDIT_RE.match(text) is not None


def drop_closing_prompts(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without the reader's prompts and picture credits that close them
    ("Follow us on ...", "Subscribe to ...", "Photo: ..."): the page's, never the article's
    last words."""
    end = len(paragraphs)
    while end > 1 and (_is_reader_prompt(paragraphs[end - 1]) or _is_picture_credit(paragraphs[end - 1])):
        end -= 1
    return paragraphs[:end]


def refine(lines: list[Line], meta: PageMetadata) -> tuple[list[str], dict[str, Any]]:
    """Drop boundary and boilerplate lines; returns (paragraphs, facts found on the way)."""
    found: dict[str, Any] = {}
    lines = _drop_menu_runs(lines)
    teaser_lists = _teaser_lists(lines)
    kept = [ln for ln in lines if ln.group not in teaser_lists and not is_boilerplate(ln)]

    # head: title, standfirst matching the description, bylines, date lines
    titles = meta.titles
    start = 0
    for i, ln in enumerate(kept[:6]):
        text = ln.text
        if _is_title_line(text, titles):
            start = i + 1
            continue
        if meta.description and _norm(text) == _norm(meta.description) and ln.tag == "head":
            start = i + 1
            continue
        if _is_byline(text, meta.author):
            found.setdefault("byline", md.parse_byline(text, meta.source))
            dated = md.parse_date(text)  # "Von Anna Keller, publiziert am 11. Juli 2023"
            if dated:
                found.setdefault("published", dated)
            start = i + 1
            continue
        if _is_dateish_line(text):
            found.setdefault("published", md.parse_date(text))
            # a CJK date line often holds the author's label too: "2024年3月5日 来源：新华社 作者：李明"
            if md.has_author_label(text):
                found.setdefault("byline", md.parse_byline(text, meta.source))
            start = i + 1
            continue
        if i >= start and _words(text) > 12:
            break
    kept = _cut_lines_at_end_label(kept[start:], titles)

    # tail: bylines, date stamps, short headings left dangling at the end
    while kept and (
        _is_dateish_line(kept[-1].text)
        or _is_byline(kept[-1].text, meta.author)
        or (kept[-1].tag == "head" and _words(kept[-1].text) <= 12)
        or md.is_editor_credit(kept[-1].text)
    ):
        kept.pop()

    paragraphs: list[str] = []
    for ln in kept:
        if paragraphs and paragraphs[-1] == ln.text:
            continue
        paragraphs.append(ln.text)
    return paragraphs, found
