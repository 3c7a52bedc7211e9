"""Plain-text dumps of whole pages (what copying a news page as text gives) to one Article.

Steps, in order:
1. split into blocks (one line, or one paragraph between blank lines, is one block);
2. a credit line ("Published in Dawn, April 12th, 2023") gives publisher and date and ends
   the article: what follows it is the page's teaser lists, never part of the article and
   never a source of metadata;
3. the line classifier (``classifier.keep_mask``) keeps the article's blocks; a short list of
   page-furniture patterns (related-link lines, "Most Popular", "To Top", share/follow
   prompts) is removed on top of it, whatever the classifier says;
4. the title is the first block when it reads as a headline (a headline repeated as the next
   block is kept once); otherwise it is taken from the first sentence of the body;
5. a dateline ("KARACHI: ...") gives the place, a byline ("By Jane Doe") the author.
Metadata the text does not state stays ``None``.
"""

from __future__ import annotations

import re
import unicodedata

from archive_search.cleaning import classifier
from archive_search.cleaning import metadata as md
from archive_search.errors import RejectedInput
from archive_search.model import Article

__all__ = ["extract_text", "is_furniture", "split_blocks"]

_WORD_RE = re.compile(r"\w+")

# A credit line: "Published in Dawn, April 12th, 2023", "First published in The Guardian on 3 May 2021".
_CREDIT_RE = re.compile(
    r"^(?:(?:this (?:article|story) was )?(?:first |originally )?(?:published|appeared|printed))\s+"
    r"(?:in|by|on)\s+(?P<source>[^,;|]{2,60}?)\s*(?:,|\bon\b|\||–|—|-)\s*(?P<date>.{6,40})$",
    re.IGNORECASE,
)

# Page furniture that survives any line classifier because it looks like a short sentence or a
# headline: links to related articles, widget titles, back-to-top links, share/follow prompts.
# These are the page's chrome, not content words: the classifier decides everything else.
_FURNITURE_RE = re.compile(
    r"^(?:"
    r"(?:read|see|also read|read also|watch|listen)(?: more| also| next| this| too)?\s*[:|>»›-]\s*.+"
    r"|also read\b.*"
    r"|related(?: articles?| stories| news| posts?| reading| coverage)?\s*[:|>»›-].*"
    r"|recommended(?: for you)?\s*[:|>»›-]?.*"
    r"|(?:most|the most) (?:popular|read|viewed|shared|commented)(?: (?:stories|articles|news|today|this week))?"
    r"|(?:back )?to (?:the )?top"
    r"|top of page|scroll to top|back to top"
    r"|(?:share|tweet|email|print)(?: this| the)?(?: article| story| post| page)?(?: on \w+)?"
    r"|share(?: this)?(?: article| story| post)?(?:\s*[:|]\s*.*)?"
    r"|follow us(?: on .*)?"
    r"|(?:like|follow) (?:us|our page) on .*"
    r"|subscribe(?: now| today)?(?: to .{0,40})?"
    r"|sign up for (?:our|the) .{0,40}newsletter.*"
    r"|advertisement|sponsored(?: content)?"
    r"|click here to .{0,80}"
    r")\s*$",
    re.IGNORECASE,
)
# A dateline prefix on the body's first sentence ("KARACHI: ", "LONDON (Reuters) - ").
_DATELINE_PREFIX_RE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ'’.,\- ]{1,40}(?:\([^)]{1,30}\))?\s*(?::|[-–—]{1,2})\s+")
_BYLINE_RE = re.compile(r"^(?:by|written by|von|par|por)\s+\S", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(A-ZÀ-Þ0-9])")

_TITLE_MAX_WORDS = 30
_TITLE_MAX_CHARS = 250
_DERIVED_TITLE_MAX_CHARS = 120
# Below this many blocks a text is judged block by block (furniture patterns only): there is
# not enough page around the article for the classifier's neighbourhood features.
_MIN_BLOCKS_FOR_CLASSIFIER = 12
_LANGUAGE_SAMPLE_CHARS = 1000


def split_blocks(text: str) -> list[str]:
    """Non-empty lines, whitespace collapsed. A line is a block (a paragraph in the seeds)."""
    return [" ".join(words) for words in map(str.split, text.split("\n")) if words]


def _key(block: str) -> str:
    """Comparison key: case, accents, quotes and punctuation do not matter."""
    folded = unicodedata.normalize("NFKD", block).casefold()
    return " ".join(_WORD_RE.findall(folded.replace("’", "'")))


def _same_text(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= 8 and _key(a) == _key(b)


def is_furniture(block: str) -> bool:
    """A related-link, widget, back-to-top or share/follow line."""
    return len(block) <= 200 and _FURNITURE_RE.match(block) is not None


def _is_headline(block: str) -> bool:
    words = _WORD_RE.findall(block)
    if not words or len(words) > _TITLE_MAX_WORDS or len(block) > _TITLE_MAX_CHARS:
        return False
    if block.endswith((".", ",", ";", ":")) and not block.endswith("..."):
        return False
    if md.find_dateline(block) or is_furniture(block) or _CREDIT_RE.match(block):
        return False
    return any(ch.isalpha() for ch in block)


def _credit(blocks: list[str]) -> tuple[int | None, str | None, object]:
    """Index of the last credit line, its publisher and date (``None`` when there is none)."""
    for i in range(len(blocks) - 1, -1, -1):
        m = _CREDIT_RE.match(blocks[i])
        if m:
            published = md.parse_date(m["date"])
            source = md.clean_source(m["source"])
            if source and published:
                return i, source, published
    return None, None, None


def _derived_title(body_blocks: list[str]) -> str:
    first = body_blocks[0]
    first = _DATELINE_PREFIX_RE.sub("", first, count=1) if md.find_dateline(first) else first
    sentence = _SENTENCE_END_RE.split(first, maxsplit=1)[0].strip()
    if len(sentence) <= _DERIVED_TITLE_MAX_CHARS:
        return sentence.rstrip(".")
    cut = sentence[:_DERIVED_TITLE_MAX_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _select(blocks: list[str]) -> list[bool]:
    if len(blocks) < _MIN_BLOCKS_FOR_CLASSIFIER:
        keep = [True] * len(blocks)
    else:
        keep = classifier.keep_mask(blocks)
        if not any(keep):
            # The classifier found no article: fall back to the densest stretch of long blocks.
            keep = [len(_WORD_RE.findall(b)) >= 10 for b in blocks]
    return [k and not is_furniture(b) for k, b in zip(keep, blocks, strict=True)]


def extract_text(text: str, key: str) -> list[Article]:
    """One plain-text dump -> one Article, or ``RejectedInput("no_article_text")``."""
    blocks = split_blocks(text)
    if not blocks:
        raise RejectedInput("no_article_text", f"{key}: the text has no content")

    credit_at, source, published = _credit(blocks)
    if credit_at is not None:
        blocks = blocks[:credit_at]

    title: str | None = None
    start = 0
    if len(blocks) >= 2 and _is_headline(blocks[0]):
        title = blocks[0]
        start = 1
        if _same_text(blocks[1], title):
            start = 2
    rest = blocks[start:]
    keep = _select(rest)
    body_blocks = [b for b, k in zip(rest, keep, strict=True) if k and not (title and _same_text(b, title))]
    if not body_blocks or not any(any(ch.isalpha() for ch in b) for b in body_blocks):
        raise RejectedInput("no_article_text", f"{key}: no article text found")

    author = None
    first_body = body_blocks[0]
    if _BYLINE_RE.match(first_body) and len(_WORD_RE.findall(first_body)) <= 8:
        author = md.clean_author(first_body)
        if author:
            body_blocks = body_blocks[1:]
            if not body_blocks:
                raise RejectedInput("no_article_text", f"{key}: no article text found")

    if title is None:
        title = _derived_title(body_blocks)
    body = "\n\n".join(body_blocks)
    return [
        Article(
            title=title,
            body=body,
            source=source,
            published=published,  # type: ignore[arg-type]
            place=md.find_dateline(body_blocks[0]),
            author=author,
            # A thousand characters name the language as well as the whole text, many times faster.
            language=md.detect_language(f"{title}\n{body}"[:_LANGUAGE_SAMPLE_CHARS]),
        )
    ]
