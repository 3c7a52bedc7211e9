"""The formats an upload's first bytes name (file signatures): documents, images and archives
dropped by mistake are rejected by name, whatever their key says, instead of as ``binary`` or,
for a PDF written all in ASCII, as text indexed as its markup."""

from __future__ import annotations

__all__ = ["WHAT_TO_UPLOAD", "signature_format"]

# What a rejection of a file in another format asks for, in words a person acts on.
WHAT_TO_UPLOAD = "save the article as text (.txt), a web page (.html) or JSON (.json, .jsonl) and upload that"

# (first bytes, what the file is); checked in order.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Microsoft Office document (.doc, .xls or .ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"bplist00", "a Safari web archive (.webarchive) or another Apple binary file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an XZ archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"ID3\x03", "an MP3 audio file"),
    (b"ID3\x04", "an MP3 audio file"),
)
# A ZIP archive is also what Office and e-book files are: the first member names tell which.
_ZIP_SIGNATURE = b"PK\x03\x04"
_ZIP_CONTENTS = (
    (b"word/", "a Word document (.docx)"),
    (b"xl/", "an Excel workbook (.xlsx)"),
    (b"ppt/", "a PowerPoint presentation (.pptx)"),
    (b"application/vnd.oasis.opendocument", "an OpenDocument file (.odt, .ods or .odp)"),
    (b"application/epub+zip", "an EPUB e-book"),
)


def signature_format(data: bytes) -> str | None:
    """What the bytes are when they open with the signature of a format the cleaner does not
    read (``"a PDF document"``), else ``None``."""
    if data.startswith(_ZIP_SIGNATURE):
        head = data[:4096]
        return next((named for marker, named in _ZIP_CONTENTS if marker in head), "a ZIP archive")
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A ", b"ftypqt  "):
        return "a video or audio file (MP4, MOV or M4A)"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    return next((named for signature, named in _SIGNATURES if data.startswith(signature)), None)
