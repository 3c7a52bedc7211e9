"""Bytes to text: BOMs, legacy encodings, mojibake, invisible characters."""

from __future__ import annotations

import codecs

import pytest

from archive_search.cleaning.decode import decode_bytes, normalise_text
from archive_search.errors import RejectedInput

pytestmark = pytest.mark.unit

SAMPLE = "It’s “fine”: café, naïve, garçon — 5 €"


def test_utf8_decodes_unchanged() -> None:
    assert decode_bytes(SAMPLE.encode("utf-8")) == SAMPLE


def test_utf8_bom_is_dropped() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + SAMPLE.encode("utf-8")) == SAMPLE


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_decode(encoding: str) -> None:
    data = SAMPLE.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data

    assert decode_bytes(data) == SAMPLE


def test_utf16_without_bom_is_recognised_by_its_nul_pattern() -> None:
    text = "Plain English text saved as UTF-16 without a byte-order mark."

    assert decode_bytes(text.encode("utf-16-le")) == text


def test_windows_1252_curly_quotes_and_euro_survive() -> None:
    assert decode_bytes(SAMPLE.encode("cp1252")) == SAMPLE


@pytest.mark.parametrize(
    "text",
    ["déjà vu à Paris, garçon", "Zürich ist schön, Grüße aus Köln", "El niño comió piñas en Málaga"],
)
def test_latin1_text_is_not_mistaken_for_another_code_page(text: str) -> None:
    assert decode_bytes(text.encode("latin-1")) == text


def test_cyrillic_legacy_encoding_is_detected() -> None:
    text = "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны."

    assert decode_bytes(text.encode("cp1251")) == text


def test_mojibake_is_repaired() -> None:
    broken = "Pakistanâ€™s minister said â€œnoâ€\x9d to the cafÃ© owners"

    assert decode_bytes(broken.encode("utf-8")) == "Pakistan’s minister said “no” to the café owners"


def test_zero_width_and_control_characters_are_removed() -> None:
    text = "zero\u200bwidth\u200c join\u200d and\ufeff bom \x07bell\x1b esc soft\u00adhyphen"

    assert decode_bytes(text.encode("utf-8")) == "zerowidth join and bom bell esc softhyphen"


def test_line_breaks_and_tabs_are_kept_and_unified() -> None:
    assert normalise_text("a\r\nb\rc\u2028d\te") == "a\nb\nc\nd\te"


def test_text_is_nfc_normalised() -> None:
    decomposed = "Cafe\u0301 cre\u0300me"

    assert decode_bytes(decomposed.encode("utf-8")) == "Café crème"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 8,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00\x01\x02>>",
    ],
)
def test_binary_data_is_rejected(data: bytes) -> None:
    with pytest.raises(RejectedInput) as exc:
        decode_bytes(data)
    assert exc.value.reason == "binary"
