"""trafilatura's main-content tree -> lines that remember how much of their text is link text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement

from archive_search.cleaning.html.trafilatura_steps import main_content
from archive_search.cleaning.metadata import word_count as _words
from archive_search.observability import logger


@dataclass
class Line:
    text: str
    link_chars: int
    tag: str
    group: int = -1  # the <list> a list item belongs to (-1: not in a list)

    @cached_property
    def words(self) -> int:
        return _words(self.text)

    @property
    def link_share(self) -> float:
        n = len(self.text.replace(" ", ""))
        return self.link_chars / n if n else 0.0


_BREAK_TAGS = {"lb", "item", "row", "p", "head", "quote", "list", "table", "code", "graphic"}


def _tree_lines(body: etree._Element) -> list[Line]:
    """Lines of trafilatura's output tree: one per paragraph, heading, list item, table row and
    ``<lb/>``-separated line of a paragraph (a list item stays one line)."""
    lines: list[Line] = []
    parts: list[str] = []
    state = {"link": 0, "tag": "p", "group": -1, "in_item": 0, "lists": 0}

    def flush() -> None:
        raw = "".join(parts)
        # trafilatura's baseline rescue keeps the page's own line breaks in one element
        chunks = raw.split("\n") if raw.count("\n") >= 3 else [raw]
        for chunk in chunks:
            text = " ".join(chunk.split())
            if text:
                share = state["link"] * len(text) // max(1, len(raw.strip()))
                tag = "dump" if len(chunks) > 1 else state["tag"]
                lines.append(Line(text, share if len(chunks) > 1 else state["link"], tag, state["group"]))
        parts.clear()
        state["link"] = 0

    def add(text: str, is_link: bool) -> None:
        parts.append(text)
        if is_link:
            state["link"] += len(text.replace(" ", "").strip())

    def walk(el: etree._Element, in_link: bool) -> None:
        name = el.tag if isinstance(el.tag, str) else ""
        breaks = name in _BREAK_TAGS and not (state["in_item"] and name in ("lb", "p"))
        saved = (state["tag"], state["group"])
        if breaks:
            flush()
            if name != "lb":
                state["tag"] = name
        if name == "list":
            state["lists"] += 1
            state["group"] = state["lists"]
        if name == "item":
            state["in_item"] += 1
        is_link = in_link or name == "ref"
        if el.text:
            add(el.text, is_link)
        for child in el:
            walk(child, is_link)
            if child.tail:
                add(child.tail, in_link or name == "ref")
        if name == "cell":
            parts.append(" ")
        if name == "item":
            state["in_item"] -= 1
        if breaks and name != "lb":
            flush()
            state["tag"], state["group"] = saved

    for child in body:
        walk(child, False)
        if child.tail:  # text after a top-level heading or list, outside any paragraph
            add(child.tail, False)
    flush()
    return lines


def trafilatura_lines(tree: HtmlElement, *, recall: bool = False) -> list[Line]:
    try:
        body = main_content(tree, recall=recall)
    except Exception:  # a library failure on a hostile page: the fallbacks take over
        logger.warning("trafilatura failed on a page", exc_info=True)
        return []
    if body is None:
        return []
    return _tree_lines(body)
