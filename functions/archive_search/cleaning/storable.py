"""The characters a cleaned article may hold, whatever its input format.

Events, receipts, feeds and documents carry an article's fields as cleaning leaves them, as
UTF-8 JSON or XML: no field holds a C0 or C1 control character (a body keeps its newlines),
a noncharacter (U+FDD0..U+FDEF, the last two code points of every plane) or a lone surrogate.
Text dumps lose most of them when decoded (``decode.normalise_text``); JSON escapes
(``"\\u0007"``) and HTML character references (``&#7;``) reach the fields after that step.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from archive_search.cleaning.decode import code_points
from archive_search.model import Article

__all__ = ["storable_article", "without_unstorable_references"]

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane | 0xFFFE) + chr(plane | 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
# Controls that separate words: each becomes a space, so the words either side stay apart.
_SPACING = "\t\n\x0b\x0c\r\x1c-\x1f\x85"
_UNSTORABLE_RE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_SPACING_RE = re.compile(f"[{_SPACING}]")
_SPACING_IN_BODY_RE = re.compile(f"[{_SPACING.replace(chr(10), '')}]")
_OTHER_RE = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_NONCHARACTERS}]")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# A numeric character reference: HTML parsers turn &#150; into "–" (windows-1252) but &#7; into
# a control character, which also makes lxml refuse the text nodes trafilatura rewrites.
_NUMERIC_REFERENCE_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _spelt(match: re.Match[str]) -> str:
    number = int(match[1], 16) if match[1] else int(match[2])
    if 0x80 <= number <= 0x9F or number > 0x10FFFF or chr(number) in "\t\n\x0c\r":
        return match[0]
    return "" if _UNSTORABLE_RE.match(chr(number)) else match[0]


def without_unstorable_references(html: str) -> str:
    """``html`` without the numeric references that spell a character no field may hold
    (references to the C1 range stay: parsers read them as windows-1252)."""
    return _NUMERIC_REFERENCE_RE.sub(_spelt, html) if "&#" in html else html


def _holds_unstorable(text: str, *, body: bool) -> bool:
    # A printable text holds none (they are Cc, Cs, Cn); the rest (a space other than U+0020,
    # a format character) is looked at with numpy: a regex scan costs as much as cleaning a body.
    if (text.replace("\n", "") if body else text).isprintable():
        return False
    cp = code_points(text)
    controls = (cp < 0x20) & (cp != 0x0A) if body else cp < 0x20
    if cp.dtype == np.uint8:
        return bool(controls.any() or (cp == 0x7F).any())
    return bool(
        (
            controls
            | ((cp >= 0x7F) & (cp <= 0x9F))
            | ((cp >= 0xD800) & (cp <= 0xDFFF))
            | ((cp >= 0xFDD0) & (cp <= 0xFDEF))
            | ((cp & 0xFFFE) == 0xFFFE)
        ).any()
    )


def _storable_text(text: str, *, body: bool) -> str:
    text = _LONE_SURROGATE_RE.sub("\ufffd", text)  # a character was there: say so
    text = _OTHER_RE.sub("", text)
    if not body:
        return " ".join(_SPACING_RE.sub(" ", text).split())
    text = _SPACING_IN_BODY_RE.sub(" ", text)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def storable_article(article: Article) -> Article:
    """``article`` with every unstorable character gone from its fields: a control character
    or noncharacter dropped (a spacing control becomes a space), a lone surrogate replaced by
    U+FFFD; a url holding one is dropped (it is not a link), a value left empty is None."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        body = field.name == "body"
        if isinstance(value, str) and _holds_unstorable(value, body=body):
            if field.name == "url":
                changes["url"] = None
            else:
                text = _storable_text(value, body=body)
                changes[field.name] = text if text or field.name in ("title", "body") else None
        elif isinstance(value, tuple) and any(_holds_unstorable(item, body=False) for item in value):
            texts = (_storable_text(item, body=False) for item in value)
            changes[field.name] = tuple(text for text in texts if text)
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]
