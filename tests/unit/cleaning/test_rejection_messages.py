"""Every reason an upload is rejected for says so in a message that starts with the upload's
key (``"inbox/x.txt: ..."``), so a receipt, an event or a log line read alone names its file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive_search.cleaning import clean, rejection_for_failure
from archive_search.cleaning.html.parse import MAX_ELEMENTS_PER_PAGE
from archive_search.cleaning.limits import MAX_ARTICLES_PER_FILE
from archive_search.errors import RejectedInput
from archive_search.model import MAX_BODY_CHARS

pytestmark = pytest.mark.unit

DOCS = Path(__file__).resolve().parents[3] / "docs" / "cleaning.md"
RECORD = {"title": "Harbour reopens", "body": "The harbour reopened after the storm, officials said."}

# One upload (key, bytes, clean()'s keywords) per reason clean() states.
UPLOADS: dict[str, tuple[str, bytes, dict[str, int]]] = {
    "empty": ("inbox/blank.txt", b"  \n\n", {}),
    "binary": ("inbox/noise.txt", bytes(range(256)) * 16, {}),
    "undecodable": ("inbox/bom.txt", b"\xef\xbb\xbfHarbour \xff\xfe reopens", {}),
    "unsupported_type": ("inbox/report.pdf", b"%PDF-1.4\n1 0 obj\n", {}),
    "too_large": (
        "inbox/long.txt",
        b"A line of a long text dump.\n" * 100,
        {"max_decompressed_bytes": 1_000},
    ),
    "invalid_gzip": ("inbox/story.txt.gz", b"\x1f\x8b\x08\x00not gzip at all", {}),
    "invalid_json": ("inbox/export.json", b'{"title": ', {}),
    "no_article_text": ("inbox/short.txt", b"Hi.", {}),
    "too_many_records": ("inbox/many.json", json.dumps([RECORD] * (MAX_ARTICLES_PER_FILE + 1)).encode(), {}),
    "too_deeply_nested": ("inbox/deep.json", b"[" * 10_000 + b"]" * 10_000, {}),
    "too_many_elements": (
        "inbox/page.html",
        b"<html><body><article>" + b"<b>x</b>" * (MAX_ELEMENTS_PER_PAGE + 1) + b"</article></body></html>",
        {},
    ),
    "field_given_twice": (
        "inbox/twice.json",
        b'{"articles": [' + json.dumps(RECORD).encode() + b'], "articles": []}',
        {},
    ),
    "body_too_long": (
        "inbox/long.json",
        json.dumps([{**RECORD, "body": "word " * (MAX_BODY_CHARS // 5 + 1)}]).encode(),
        {},
    ),
}


def stated_reasons() -> set[str]:
    """The reasons docs/cleaning.md's entry point says clean() raises."""
    paragraph = DOCS.read_text(encoding="utf-8").split("## Entry point", 1)[1].split("\n\n", 2)[1]
    return set(re.findall(r"`([a-z_]+)`", paragraph.split("a stable `reason`", 1)[1]))


def test_every_reason_clean_states_has_an_upload_here() -> None:
    assert stated_reasons() == {*UPLOADS, "cleaner_failed"}


@pytest.mark.parametrize("reason", sorted(UPLOADS))
def test_a_rejection_message_starts_with_the_uploads_key(reason: str) -> None:
    key, data, kwargs = UPLOADS[reason]
    with pytest.raises(RejectedInput) as refused:
        clean(data, key, **kwargs)  # type: ignore[arg-type]
    assert refused.value.reason == reason, refused.value.message
    assert refused.value.message.startswith(f"{key}: "), refused.value.message
    assert refused.value.message.count(key) == 1, refused.value.message  # named once, not twice


def test_a_failure_of_the_cleaner_itself_starts_with_the_key() -> None:
    refused = rejection_for_failure(ValueError("the page's text"), "inbox/a.txt")
    assert refused.reason == "cleaner_failed" and refused.message.startswith("inbox/a.txt: ")
