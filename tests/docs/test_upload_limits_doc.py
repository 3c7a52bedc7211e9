"""The upload bounds docs/limits.md states are the ones ingest enforces: each row of its
"Ingest and cleaning" table quotes the constant behind it, and every extension a size row
names is bounded by the size it states."""

from __future__ import annotations

import re

import pytest

from archive_search import upload_formats
from archive_search.cleaning import limits
from archive_search.cleaning.description import MAX_DESCRIPTION_CHARS
from archive_search.cleaning.html.parse import (
    MAX_ATTRIBUTES_PER_ELEMENT,
    MAX_ELEMENTS_PER_PAGE,
    MAX_HTML_DEPTH,
)
from archive_search.cleaning.skipped import MAX_SKIPPED_LISTED, MAX_SKIPPED_MESSAGE_CHARS
from archive_search.ingest.outcomes import MAX_LISTED_SKIPPED
from archive_search.ingest.receipts import RECEIPT_WRITE_WINDOW_S
from archive_search.model import MAX_TITLE_CHARS, MAX_URL_CHARS
from archive_search.settings import Settings
from archive_search.writes.records import MAX_DESCRIPTION_INPUT_CHARS
from tests.docs.commands import ROOT

pytestmark = pytest.mark.unit

MIB = 1024 * 1024


def _rows() -> dict[str, str]:
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    section = text.split("\n## Ingest and cleaning\n", 1)[1].split("\n## ", 1)[0]
    return {bound: rest for bound, rest in re.findall(r"^\| (.+?) \| (.+) \|$", section, re.M)}


def _row(start: str) -> str:
    (row,) = [f"{bound} | {rest}" for bound, rest in _rows().items() if bound.startswith(start)]
    return row


EXPECTED = {
    "articles per file": [f"{limits.MAX_ARTICLES_PER_FILE:,}"],
    "non-blank lines per JSON Lines file": [f"{limits.MAX_JSON_LINES:,} (`MAX_JSON_LINES`)"],
    "skipped records named per upload": [
        f"the first {MAX_SKIPPED_LISTED} (`MAX_SKIPPED_LISTED`)",
        f"cut to {MAX_SKIPPED_MESSAGE_CHARS} characters",
        f"an event names the first {MAX_LISTED_SKIPPED}",
    ],
    "envelope levels": [f"{limits.MAX_ENVELOPE_DEPTH} (`MAX_ENVELOPE_DEPTH`)"],
    "JSON nesting depth": [f"| {limits.MAX_JSON_DEPTH} |"],
    "body characters per article": [f"| {limits.MAX_BODY_CHARS:,} |"],
    "description characters per article": [
        f"{MAX_DESCRIPTION_CHARS:,} kept",
        f"at most {8 * MAX_DESCRIPTION_CHARS:,} of the stated value read",
        f"over {MAX_DESCRIPTION_INPUT_CHARS:,} characters",
    ],
    "title characters per article": [f"{MAX_TITLE_CHARS:,}, cut"],
    "url characters per article": [f"{MAX_URL_CHARS:,} (a longer url"],
    "attributes per HTML element": [f"| {MAX_ATTRIBUTES_PER_ELEMENT} (the rest dropped"],
    "elements per HTML page": [f"| {MAX_ELEMENTS_PER_PAGE:,} |"],
    "nesting depth of an HTML page": [f"| {MAX_HTML_DEPTH} levels of elements (`MAX_HTML_DEPTH`) |"],
    "time to store a batch's events": [f"{RECEIPT_WRITE_WINDOW_S} s from the receipts'"],
    "bytes per bulk request": [f"`MAX_BULK_BYTES`, {Settings.max_bulk_bytes // MIB} MiB"],
    "decompressed bytes": [f"`MAX_DECOMPRESSED_BYTES` ({Settings.max_decompressed_bytes // MIB} MiB)"],
}


@pytest.mark.parametrize("start", list(EXPECTED))
def test_each_bound_of_the_table_is_the_constant_ingest_enforces(start: str) -> None:
    row = _row(start)
    assert [phrase for phrase in EXPECTED[start] if phrase not in row] == []


@pytest.mark.parametrize("start", ["object bytes, text dump", "object bytes, HTML", "object bytes, JSON"])
def test_every_extension_a_size_row_names_is_bounded_by_its_size(start: str) -> None:
    rows = [(bound, rest) for bound, rest in _rows().items() if bound.startswith(start)]
    assert rows
    for bound, rest in rows:
        stated = int(re.match(r"(\d+) MiB", rest).group(1)) * MIB  # type: ignore[union-attr]
        extensions = re.findall(r"`(\.[a-z]+)`", bound)
        assert extensions
        assert {ext: upload_formats.max_input_bytes(f"story{ext}") for ext in extensions} == dict.fromkeys(
            extensions, stated
        )


def test_the_text_dump_row_names_every_text_extension() -> None:
    named = set(re.findall(r"`(\.[a-z]+)`", _row("object bytes, text dump")))
    # Extensions a text dump is saved under; the ones ingest reads as text must all be named.
    candidates = {".txt", ".text", ".md", ".markdown", ".rst", ".log", ".csv"}
    texts = {ext for ext in candidates if upload_formats.named_format(f"story{ext}", None) == "text"}

    assert ".txt" in texts
    assert texts - named == set()
