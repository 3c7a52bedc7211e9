"""The formats ingest does not read, refused by a file name's extension (ingest, POST /uploads) and
by a media type (POST /uploads): every spelling of every refused format gets its refusal, and the
formats ingest reads get none."""

from __future__ import annotations

import pytest

from archive_search.upload_formats import unsupported_content_type, unsupported_extension

pytestmark = pytest.mark.unit

REFUSED_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".tar", ".tgz",
    ".bz2", ".xz", ".7z", ".rar", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp3", ".mp4",
    ".mov", ".avi", ".exe", ".bin", ".epub", ".csv", ".tsv", ".ods", ".odp", ".webarchive", ".bmp",
    ".tif", ".tiff", ".heic",
)  # fmt: skip
REFUSED_MEDIA_TYPES = (
    "application/pdf", "application/zip", "application/x-zip-compressed", "application/msword",
    "application/rtf", "application/epub+zip", "application/x-7z-compressed", "application/vnd.rar",
    "application/x-rar-compressed", "application/x-tar", "application/x-bzip2", "application/x-xz",
    "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/x-msdownload",
    "text/csv", "text/tab-separated-values",
    # families: any type of them
    "image/png", "image/svg+xml", "audio/mpeg", "video/mp4", "font/woff2", "model/gltf+json",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
)  # fmt: skip
READ_EXTENSIONS = (
    ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".mhtml", ".json", ".jsonl", ".ndjson",
)  # fmt: skip
READ_MEDIA_TYPES = (
    "text/plain", "text/html", "text/markdown", "application/json", "application/x-ndjson",
    "application/xhtml+xml", "application/octet-stream", "application/gzip", "multipart/related",
)  # fmt: skip


@pytest.mark.parametrize("ext", REFUSED_EXTENSIONS)
def test_every_refused_extension_is_refused_in_any_case_and_under_gz(ext: str) -> None:
    assert unsupported_extension(f"inbox/report{ext}") == ext
    assert unsupported_extension(f"inbox/REPORT{ext.upper()}.gz") == ext


@pytest.mark.parametrize("ext", READ_EXTENSIONS)
def test_the_extensions_ingest_reads_are_not_refused(ext: str) -> None:
    assert unsupported_extension(f"inbox/report{ext}") is None
    assert unsupported_extension(f"inbox/report{ext}.gz") is None


@pytest.mark.parametrize("name", ["inbox/report", "inbox/.pdf", "inbox/report.pdf.bak", "inbox/pdf"])
def test_a_name_without_a_refused_extension_is_not_refused(name: str) -> None:
    assert unsupported_extension(name) is None


@pytest.mark.parametrize("media_type", REFUSED_MEDIA_TYPES)
def test_every_refused_media_type_is_refused_in_any_case_and_with_parameters(media_type: str) -> None:
    assert unsupported_content_type(media_type) == media_type
    assert unsupported_content_type(f"{media_type.upper()}; charset=UTF-8") == media_type


@pytest.mark.parametrize("media_type", READ_MEDIA_TYPES)
def test_the_media_types_ingest_reads_or_sniffs_are_not_refused(media_type: str) -> None:
    assert unsupported_content_type(media_type) is None


@pytest.mark.parametrize(
    "media_type",
    ["application/x-msdos-program", "application/vnd.microsoft.portable-executable", "application/x-dosexec"],
)
def test_the_media_types_of_programs_are_refused_as_their_extensions_are(media_type: str) -> None:
    """.exe is refused by name; the types systems give it (Debian's mime.types, IANA's, file(1)'s)
    name the same format, which ingest would store and reject as binary."""
    assert unsupported_extension("inbox/setup.exe") == ".exe"
    assert unsupported_content_type(media_type) == media_type
