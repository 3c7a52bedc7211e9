"""A Markdown upload (``.md``, ``.markdown``) as the plain text dump it spells: headings, emphasis,
links, images, quotes, code marks and rules are markup, not words, so they are taken out before
the text-dump cleaner reads the lines (a title ``# Harbour reopens`` is ``Harbour reopens``).
Conservative: what is not clearly Markdown (list markers, tables, HTML) stays as written."""

from __future__ import annotations

import re

from archive_search.upload_formats import extension

_MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})

_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
# A rule (---, ***, ___), a setext heading's underline (===, ---) or a code fence (```, ~~~).
_MARK_LINE_RE = re.compile(r"^ {0,3}(?:(?:[-*_][ \t]*){3,}|=+|```.*|~~~.*)[ \t]*$", re.MULTILINE)
_QUOTE_RE = re.compile(r"^ {0,3}(?:>[ \t]?)+", re.MULTILINE)
_REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]+\S+.*$", re.MULTILINE)
_IMAGE_RE = re.compile(r"!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_LINK_RE = re.compile(r"\[([^\]\n]+)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# Single * or _ at word edges only, so 5*3*2, snake_case and file_names stay whole.
_EMPHASIS_RE = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_CODE_RE = re.compile(r"`+([^`\n]+)`+")


def is_markdown(name: str) -> bool:
    """Whether an upload named ``name`` (its key without ``.gz``) is Markdown."""
    return extension(name) in _MARKDOWN_EXTENSIONS


def markdown_text(text: str) -> str:
    """``text`` with its Markdown marks taken out, line for line."""
    text = _HEADING_RE.sub(r"\1", text)
    text = _MARK_LINE_RE.sub("", text)
    text = _QUOTE_RE.sub("", text)
    text = _REFERENCE_RE.sub("", text)
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2), text)
    return _CODE_RE.sub(r"\1", text)
