"""The upload formats ingest reads, as a key's extension or its content type names them, and
the bytes each may hold. Plain tables and string functions: the cleaner reads them, and so does
the write function, whose bundle holds no cleaning code, to give a presigned upload the bound
ingest will apply (docs/limits.md gives the reasons and the measured cost)."""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "MAX_INPUT_BYTES",
    "RECORD_FORMATS",
    "extension",
    "max_input_bytes",
    "named_format",
    "over_limit",
    "unsupported_content_type",
    "unsupported_extension",
    "without_gz",
]

_MIB = 1024 * 1024
# The bytes (decompressed) one upload may hold, by format: a text dump holds one article and
# its page furniture, an HTML page one article and its markup, a JSON file up to
# MAX_ARTICLES_PER_FILE records (JSON Lines: one a line). They keep one object's cleaning within its share of a batch
# (10 messages in a 1,024 MB, 120 s Lambda); docs/limits.md has the measured cost per MB.
MAX_INPUT_BYTES = {"text": 1 * _MIB, "html": 5 * _MIB, "json": 5 * _MIB, "ndjson": 5 * _MIB}
# An upload whose format only its text tells is read up to the largest of them.
DEFAULT_MAX_DECOMPRESSED_BYTES = max(MAX_INPUT_BYTES.values())

_TEXT_EXTENSIONS = frozenset({".txt", ".text", ".md", ".markdown"})
# .mht/.mhtml: a page saved as one MIME file, whose HTML part the cleaner reads.
_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".mhtml", ".mht"})
_JSON_EXTENSIONS = frozenset({".json"})
_NDJSON_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
# Formats this cleaner does not read, each by its extensions and media types (one ending in "/"
# or "." names a family): refused by name instead of being read as garbage text, and a presigned
# upload of one is refused whichever of the two spellings names it.
_UNSUPPORTED_FORMATS = {
    "PDF": ((".pdf",), ("application/pdf",)),
    "office documents": (
        (".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx", ".ods", ".odp"),
        (
            "application/msword", "application/rtf", "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.",
            "application/vnd.oasis.opendocument.",
        ),
    ),
    "tables as text": ((".csv", ".tsv"), ("text/csv", "text/tab-separated-values")),
    "archives": (
        (".zip", ".tar", ".tgz", ".bz2", ".xz", ".7z", ".rar"),
        (
            "application/zip", "application/x-zip-compressed", "application/x-tar", "application/x-bzip2",
            "application/x-xz", "application/x-7z-compressed", "application/vnd.rar",
            "application/x-rar-compressed",
        ),
    ),
    "e-books": ((".epub",), ("application/epub+zip",)),
    "images": (
        (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".heic"),
        ("image/",),
    ),
    "audio": ((".mp3",), ("audio/",)),
    "video": ((".mp4", ".mov", ".avi"), ("video/",)),
    "programs": (
        (".exe", ".bin"),
        (
            "application/x-msdownload", "application/x-msdos-program",
            "application/vnd.microsoft.portable-executable", "application/x-dosexec",
        ),
    ),
    "fonts": ((), ("font/",)),
    "3D models": ((), ("model/",)),
    "Safari web archives": ((".webarchive",), ()),
}  # fmt: skip
_UNSUPPORTED_EXTENSIONS = frozenset(ext for exts, _ in _UNSUPPORTED_FORMATS.values() for ext in exts)
_UNSUPPORTED_MEDIA = [media for _, types in _UNSUPPORTED_FORMATS.values() for media in types]
_UNSUPPORTED_MEDIA_TYPES = frozenset(media for media in _UNSUPPORTED_MEDIA if not media.endswith(("/", ".")))
_UNSUPPORTED_MEDIA_FAMILIES = tuple(media for media in _UNSUPPORTED_MEDIA if media.endswith(("/", ".")))
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/jsonl": "ndjson",
}
# The formats that carry their own metadata, so never read the archive's line statistics.
RECORD_FORMATS = ("html", "json", "ndjson")


def extension(key: str) -> str:
    name = key.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def without_gz(key: str) -> str:
    return key[:-3] if key.lower().endswith(".gz") else key


def named_format(key: str, content_type: str | None) -> str | None:
    """The format the key's extension (``.gz`` aside) or else the content type names; ``None``
    when only the text can tell."""
    ext = extension(without_gz(key))
    if ext in _HTML_EXTENSIONS:
        return "html"
    if ext in _JSON_EXTENSIONS:
        return "json"
    if ext in _NDJSON_EXTENSIONS:
        return "ndjson"
    if ext in _TEXT_EXTENSIONS:
        return "text"
    if content_type:
        return _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    return None


def max_input_bytes(key: str, content_type: str | None = None) -> int:
    """The most bytes (stored, and again decompressed) an upload named ``key`` may hold: its
    format's bound when the extension or content type names the format, else the largest."""
    named = named_format(key, content_type)
    return MAX_INPUT_BYTES[named] if named else DEFAULT_MAX_DECOMPRESSED_BYTES


_FORMAT_WORDS = {"text": "text", "html": "HTML", "json": "JSON", "ndjson": "JSON Lines"}


def _amount(size: int) -> str:
    """A byte count as people read it: in the bounds' unit (MiB, written MB), bytes when small."""
    return f"{size / _MIB:.1f} MB" if size >= _MIB // 10 else f"{size:,} bytes"


def over_limit(size: int | None, limit: int, fmt: str | None) -> str:
    """What a ``too_large`` rejection says to a person: how big the file is, the bound, and what
    to do. ``size``: the file's bytes when known; ``fmt``: the format the bound is for."""
    bound = f"{limit // _MIB} MB" if limit % _MIB == 0 else _amount(limit)
    kind = f"{_FORMAT_WORDS[fmt]} files" if fmt in _FORMAT_WORDS else "a file"
    if size is None:
        said = "the file is over"
    elif size < _MIB // 10 or round(size / _MIB, 1) > round(limit / _MIB, 1):
        said = f"the file is {_amount(size)}, over"
    else:  # just over, "1.0 MB, over the limit of 1 MB": the bytes say how much to cut
        said, kind = f"the file is {size:,} bytes, over", f"{kind} ({limit:,} bytes)"
    return (
        f"{said} the limit of {bound} for {kind}; upload the article alone, or split a file of many records"
    )


def unsupported_extension(key: str) -> str | None:
    """The extension (``.gz`` aside) of a format the cleaner does not read, else ``None``."""
    ext = extension(without_gz(key))
    return ext if ext in _UNSUPPORTED_EXTENSIONS else None


def unsupported_content_type(content_type: str) -> str | None:
    """The media type (parameters aside, lower case) of a format the cleaner does not read,
    else ``None``."""
    media_type = content_type.split(";")[0].strip().lower()
    unsupported = media_type in _UNSUPPORTED_MEDIA_TYPES or media_type.startswith(_UNSUPPORTED_MEDIA_FAMILIES)
    return media_type if unsupported else None
