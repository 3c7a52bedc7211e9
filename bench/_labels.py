"""What the metadata benchmarks share (``bench/metadata.py``, ``bench/dump_silver.py``,
``bench/dump_dates.py``): where the labels live, how a found value is compared with a label, and
what each extractor finds on a page. It imports none of them, so their imports form a tree."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from archive_search.cleaning import clean
from archive_search.errors import RejectedInput

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "bench" / "metadata-set"
# the hand-labelled publishers of trafilatura-eval tuning-fold pages (metadata-set/README.md)
PUBLISHER_SETS = ("publisher-labels.json", "publisher-labels-next100.json", "publisher-labels-next83.json")
FIELDS = ("title", "publisher", "authors", "author_org", "published", "language", "place")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


def norm(value: Any) -> str | None:
    """Compare values as people would: case, composition, spacing, quote and dash styles ignored."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).casefold().translate(_QUOTES)
    text = " ".join(text.split())
    return text or None


def project_metadata(data: bytes, key: str = "page.html", line_stats: Any = None) -> dict[str, Any]:
    """What ``clean()`` finds, by field (every field ``None`` when it rejects the input)."""
    try:
        article = clean(data, key, line_stats=line_stats)[0]
    except RejectedInput:
        return dict.fromkeys(FIELDS)
    return {
        "title": article.title,
        "publisher": article.source,
        "authors": list(article.authors),
        "author_org": article.author_org,
        "published": article.published,
        "language": article.language,
        "place": article.place,
    }


def trafilatura_metadata(data: bytes, url: str) -> dict[str, Any]:
    """What trafilatura's ``extract_metadata`` finds: title, sitename as publisher, author split
    on ``;``, date (htmldate)."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    found = extract_metadata(load_html(data), default_url=url)
    authors = [a.strip() for a in (found.author or "").split(";") if a.strip()]
    return {"title": found.title, "publisher": found.sitename, "authors": authors, "published": found.date}


_WORD_RE = re.compile(r"\w+")
_COPYRIGHT_RE = re.compile(r"©|ⓒ|\(c\)|\bcopyright\b", re.IGNORECASE)


def _words(value: Any) -> str:
    return " ".join(_WORD_RE.findall(norm(value) or ""))


def publisher_stated(dump: str, accepted: list[Any]) -> bool:
    """Whether a dump states one of the accepted publisher names where a reader finds it: as a
    line of its own (a masthead, a logo's text) or inside a copyright line."""
    names = {w for w in map(_words, accepted) if w}
    for line in dump.split("\n"):
        words = _words(line)
        if words in names or (_COPYRIGHT_RE.search(line) and any(f" {n} " in f" {words} " for n in names)):
            return True
    return False
