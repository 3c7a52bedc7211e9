"""Cleaning: bytes of an upload in, articles out (or RejectedInput with a reason).

This is the entry point both the ingest Lambda and the cleaning benchmark call.
v0: a first cut the cleaning issue replaces with the real cleaner.
"""

from __future__ import annotations

import re

from archive_search.errors import RejectedInput
from archive_search.model import Article

CLEANER_VERSION = "0"

__all__ = ["CLEANER_VERSION", "clean"]


def clean(data: bytes, key: str, *, content_type: str | None = None) -> list[Article]:
    """Clean one upload into its articles (usually one).

    ``key`` gives the format by its extension (``.txt``, ``.html``/``.htm``, ``.json``,
    any of them ``.gz``-compressed); ``content_type`` is a hint only.
    """
    if not data.strip():
        raise RejectedInput("empty", "the file is empty")
    if b"\x00" in data[:4096]:
        raise RejectedInput("binary", "the file is binary, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RejectedInput("undecodable", "the file is not UTF-8 text") from None
    blocks = [re.sub(r"\s+", " ", b).strip() for b in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if b]
    if len(blocks) < 2:
        raise RejectedInput("no_article_text", "no article text found")
    return [Article(title=blocks[0], body="\n\n".join(blocks[1:]))]
