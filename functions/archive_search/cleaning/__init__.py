"""Cleaning: bytes of an upload in, articles out (or RejectedInput with a reason).

This is the entry point both the ingest Lambda and the cleaning benchmark call:

1. ``.gz`` (by key or by magic bytes) is decompressed with a bound on the output size (the
   format's byte bound, ``max_input_bytes``);
2. a page saved as MHTML is replaced by its HTML part (``mhtml.html_part``); the bytes are
   decoded (BOMs, UTF-16, charset detection, mojibake repair, NFC;
   ``decode.decode_bytes``);
3. the format is chosen by the key's extension, else by sniffing the text (JSON object, HTML
   markup, plain text); other formats (by extension, or by the signature their first bytes
   carry: PDF, images, Office files, archives) are rejected by name;
4. the text goes to the format's extractor: ``text.extract_text`` (plain-text dumps),
   ``html.extract_html``, ``jsonrecord.extract_json``, ``jsonrecord.extract_ndjson`` (JSON
   Lines); each returns ``list[Article]``;
5. every article gets a language (detected when the input does not declare one).

``clean()`` returns ``Cleaned``: the list of articles, which also says what a file of several
records left out (``skipped``: the count and the first reasons, ``skipped.py``) while the others
became articles. Callers that want only the articles use it as the list it is.

Every bound is checked before the work it protects (docs/limits.md): bytes per format before
decoding and extracting, records and JSON nesting before building articles, attributes and
elements per HTML page before trafilatura's tree walks, body characters per article. An input
over a bound, and any failure of the cleaner itself, is a ``RejectedInput`` naming it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import zlib
from collections.abc import Callable

from archive_search.cleaning import metadata as md
from archive_search.cleaning.decode import decode_bytes, normalise_text
from archive_search.cleaning.limits import (
    MAX_ARTICLES_PER_FILE,
    MAX_BODY_CHARS,
    check_body,
    loads_bounded,
    within_field_bounds,
)
from archive_search.cleaning.lines import LineStats
from archive_search.cleaning.mhtml import html_part, is_mhtml
from archive_search.cleaning.signatures import WHAT_TO_UPLOAD, signature_format
from archive_search.cleaning.skipped import Cleaned, skipped_in
from archive_search.cleaning.storable import storable_article
from archive_search.errors import RejectedInput
from archive_search.model import Article
from archive_search.upload_formats import (
    DEFAULT_MAX_DECOMPRESSED_BYTES,
    MAX_INPUT_BYTES,
    RECORD_FORMATS,
    max_input_bytes,
    named_format,
    over_limit,
    unsupported_extension,
    without_gz,
)

# Bump when the output of cleaning changes: indexed documents record it, so a reindex can find
# the documents cleaned by an older version.
CLEANER_VERSION = "1.58.0"

__all__ = [
    "CLEANER_VERSION",
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "MAX_ARTICLES_PER_FILE",
    "MAX_BODY_CHARS",
    "MAX_INPUT_BYTES",
    "Cleaned",
    "LineStats",
    "clean",
    "cleaner_version",
    "detect_format",
    "max_input_bytes",
    "reads_line_stats",
    "rejection_for_failure",
    "skipped_in",
    "text_dump_lines",
]

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_SNIFF_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|article|h1|title)[\s>]", re.IGNORECASE
)
# A whole HTML document opens so (after an XML declaration and comments): a web page saved
# under a text dump's extension, whose markup would otherwise be indexed as its words.
_HTML_DOCUMENT_RE = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)
# An XML document (its declaration first): news formats (NITF, NewsML) mark paragraphs up as HTML
# does, so the markup extractor reads them; a text dump's extension on one would index its tags.
_XML_DOCUMENT_RE = re.compile(r"<\?xml[\s?]", re.IGNORECASE)
# A feed's root element (after any declaration, processing instructions and comments): a list of
# links and summaries, not an article.
_FEED_RE = re.compile(
    r"\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*)*<(?:rss|feed|rdf:rdf)[\s>]", re.IGNORECASE | re.DOTALL
)


def _gunzip(data: bytes, key: str, max_bytes: int) -> bytes:
    """Decompress every gzip member, refusing output beyond ``max_bytes`` (zip bombs)."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error:
            raise RejectedInput("invalid_gzip", f"{key}: not a valid gzip file") from None
        if len(out) > max_bytes:
            fmt = named_format(without_gz(key), None)
            raise RejectedInput("too_large", f"{key}: decompressed, {over_limit(None, max_bytes, fmt)}")
        if not inflater.eof:
            raise RejectedInput("invalid_gzip", f"{key}: the gzip stream is truncated")
        rest = inflater.unused_data.lstrip(b"\x00")
        if rest and not rest.startswith(_GZIP_MAGIC):
            break
    return bytes(out)


def _check_input_bytes(size: int, key: str, fmt: str) -> None:
    limit = MAX_INPUT_BYTES[fmt]
    if size > limit:
        raise RejectedInput("too_large", f"{key}: {over_limit(size, limit, fmt)}")


def reads_line_stats(key: str, content_type: str | None = None) -> bool:
    """Whether cleaning the upload ``key`` may use the archive's line statistics: text dumps do,
    HTML and JSON (named so by the extension or the content type) do not. What the documents
    of an upload record as their cleaner: ``cleaner_version(stats)`` when this is true, else
    ``cleaner_version(None)``, so new statistics do not make HTML and JSON look re-cleanable."""
    return named_format(key, content_type) not in RECORD_FORMATS


def detect_format(key: str, text: str, content_type: str | None = None) -> str:
    """``text``, ``html``, ``json`` or ``ndjson``: by the key's extension, then the content type, then the
    text; a text dump's extension on a whole HTML or XML document gives ``html``, on JSON
    records ``json``."""
    named = named_format(key, content_type)
    head = text.lstrip()[:2048]
    if named == "text" and (_HTML_DOCUMENT_RE.match(head) or _XML_DOCUMENT_RE.match(head)):
        return "html"
    if named == "text" and head.startswith(("{", "[")) and _is_json(text):
        return "json"
    if named:
        return named
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<") and _HTML_SNIFF_RE.search(head):
        return "html"
    return "text"


def _is_json(text: str) -> bool:
    """Whether ``text`` is one JSON document, or JSON Lines (its first line a JSON object): records
    saved under a text dump's extension, whose syntax would otherwise be indexed as words. A text
    that only opens with a bracket (``[Updated] ...``) fails at its first word."""
    try:
        loads_bounded(text)
        return True
    except ValueError:
        pass
    try:
        return isinstance(loads_bounded(text.lstrip().split("\n", 1)[0]), dict)
    except ValueError:
        return False


def _extractor(fmt: str, line_stats: LineStats | None) -> Callable[[str, str], list[Article]]:
    # Imported here so that the plain-text path does not load lxml/trafilatura.
    if fmt == "html":
        from archive_search.cleaning.html import extract_html

        return extract_html
    if fmt == "json":
        from archive_search.cleaning.jsonrecord import extract_json

        return extract_json
    if fmt == "ndjson":
        from archive_search.cleaning.jsonrecord import extract_ndjson

        return extract_ndjson
    from archive_search.cleaning.text import extract_text

    return functools.partial(extract_text, line_stats=line_stats)


def cleaner_version(line_stats: LineStats | None = None) -> str:
    """What indexed documents record as their cleaner: the version, and the line statistics
    it used (their digest), since those change what a text dump keeps."""
    if line_stats is None or not line_stats.usable:
        return CLEANER_VERSION
    return f"{CLEANER_VERSION}+lines.{line_stats.digest}"


def _text_of(
    data: bytes, key: str, max_decompressed_bytes: int, content_type: str | None = None
) -> tuple[str, str, int]:
    """The upload's text, its key without ``.gz`` (the name that tells its format; messages
    name ``key``, the object) and its (decompressed) size in bytes (steps 1 and 2), or
    ``RejectedInput``. The bytes are bounded by the format the key names before they are
    decoded."""
    limit = min(max_decompressed_bytes, max_input_bytes(key, content_type))
    name = key
    if key.lower().endswith(".gz") or data[:2] == _GZIP_MAGIC:
        data = _gunzip(data, key, limit)
        name = without_gz(key)
    elif len(data) > limit:
        raise RejectedInput(
            "too_large", f"{key}: {over_limit(len(data), limit, named_format(key, content_type))}"
        )
    if not data.strip():
        raise RejectedInput("empty", f"{key}: the file is empty")
    unsupported = unsupported_extension(name)
    if unsupported:
        raise RejectedInput(
            "unsupported_type", f"{key}: {unsupported} files are not supported; {WHAT_TO_UPLOAD}"
        )
    named = signature_format(data)
    if named:
        raise RejectedInput(
            "unsupported_type", f"{key}: the file is {named}, which is not supported; {WHAT_TO_UPLOAD}"
        )
    text = _mhtml_text(data, key) if is_mhtml(data) else _decoded(data, key)
    if not text.strip():
        raise RejectedInput("empty", f"{key}: the file has no text")
    if _FEED_RE.match(text[:4096]):
        raise RejectedInput(
            "unsupported_type",
            f"{key}: the file is an RSS or Atom feed, a list of links rather than an article; {WHAT_TO_UPLOAD}",
        )
    return text, name, len(data)


def _plain(text: str, name: str) -> str:
    """A text dump's text as the cleaner reads it: a Markdown file's marks taken out."""
    from archive_search.cleaning.markdown import is_markdown, markdown_text

    return markdown_text(text) if is_markdown(name) else text


def _mhtml_text(data: bytes, key: str) -> str:
    """The HTML page of a saved MHTML page, in the charset its part declares when the bytes are
    valid in it (the part's header is the page's own statement), else detected."""
    part = html_part(data)
    if part is None:
        raise RejectedInput("no_article_text", f"{key}: the saved page (MHTML) holds no HTML page")
    html, charset = part
    if charset:
        try:
            return normalise_text(html.decode(charset))
        except (UnicodeDecodeError, LookupError):
            pass
    return _decoded(html, key)


def _decoded(data: bytes, key: str) -> str:
    """``decode_bytes``, its rejection (which knows no key) starting with ``key`` as every
    rejection's message does."""
    try:
        return decode_bytes(data)
    except RejectedInput as rejection:
        raise RejectedInput(rejection.reason, f"{key}: {rejection.message}") from None


def text_dump_lines(
    data: bytes,
    key: str,
    *,
    content_type: str | None = None,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
) -> list[str]:
    """The lines of an upload that is a plain-text dump, as the line classifier reads them
    (what ``LineStats.build`` counts); ``[]`` for other formats and for uploads cleaning rejects."""
    try:
        text, name, _ = _text_of(data, key, max_decompressed_bytes, content_type)
    except RejectedInput:
        return []
    if detect_format(name, text, content_type) != "text":
        return []
    from archive_search.cleaning.text import split_blocks

    return split_blocks(_plain(text, name))


def clean(
    data: bytes,
    key: str,
    *,
    content_type: str | None = None,
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES,
    line_stats: LineStats | None = None,
) -> Cleaned:
    """Clean one upload into its articles (usually one), in order, with what it left out
    (``Cleaned.skipped``: records of a JSON or JSON Lines file that could not become articles).

    ``key`` gives the format by its extension (``.txt``, ``.html``/``.htm``/``.mhtml``, ``.json``,
    ``.jsonl``/``.ndjson``, any of them ``.gz``-compressed); ``content_type`` is a hint only.
    ``line_stats``: the archive's line statistics, used on text dumps
    (``cleaner_version(line_stats)`` names the result).
    Raises ``RejectedInput`` (with a stable ``reason``) for anything that cannot become an
    article, and nothing else: a failure of the cleaner itself is ``cleaner_failed`` naming the
    exception's class (``too_deeply_nested`` for a ``RecursionError``).
    """
    try:
        text, name, size = _text_of(data, key, max_decompressed_bytes, content_type)
        fmt = detect_format(name, text, content_type)
        _check_input_bytes(size, key, fmt)  # the sniffed format's bound (a named one is checked)
        extracted = _extractor(fmt, line_stats)(_plain(text, name) if fmt == "text" else text, key)
        articles = [within_field_bounds(storable_article(a)) for a in extracted]
        for ordinal, article in enumerate(articles):
            where = key if len(articles) == 1 else f"{key} (article {ordinal})"
            if not article.body:  # it held control characters only
                raise RejectedInput("no_article_text", f"{where}: the article body has no text")
            check_body(article.body, where)
        return Cleaned(
            (
                a
                if a.language
                else dataclasses.replace(a, language=md.detect_language(f"{a.title}\n{a.body}"))
                for a in articles
            ),
            skipped_in(extracted),
        )
    except RejectedInput:
        raise
    except Exception as exc:
        raise rejection_for_failure(exc, key) from None


def rejection_for_failure(exc: BaseException, key: str) -> RejectedInput:
    """The rejection recorded when cleaning ``key`` raised ``exc``: the class of the failure,
    never its message (which can quote the upload)."""
    if isinstance(exc, RejectedInput):
        return exc
    if isinstance(exc, RecursionError):
        return RejectedInput("too_deeply_nested", f"{key}: nested too deeply to clean (RecursionError)")
    return RejectedInput("cleaner_failed", f"{key}: the cleaner failed on this upload ({type(exc).__name__})")
