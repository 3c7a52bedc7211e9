"""Bytes to text: BOMs, legacy encodings, mojibake, invisible characters."""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_search.cleaning import decode
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


@pytest.mark.parametrize(
    "text",
    [
        "Мэр города объявил о переносе регаты из-за шторма в пятницу.\nЯхты останутся в порту.",
        "帆船レースは嵐のため延期された。港の商店は来場者が減ると予想している。",
        "帆船比赛因暴风雨推迟一周。港口商店预计本周末游客会减少。组织者说船只将留在码头直到风势减弱。",
        "Ο δήμαρχος ανακοίνωσε την αναβολή της ρεγκάτας λόγω καταιγίδας.",
    ],
)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_in_a_non_latin_script_is_decoded_not_rejected_as_binary(
    text: str, encoding: str
) -> None:
    assert decode_bytes(text.encode(encoding)) == text


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


POLISH = "Burmistrz ogłosił przełożenie regat z powodu sztormu w piątek; żeglarze zostaną w porcie."
TURKISH = "Belediye başkanı fırtına nedeniyle yarışın bir hafta ertelendiğini açıkladı."
CHINESE = "帆船比赛因暴风雨推迟一周。"


@pytest.mark.parametrize(
    ("text", "encoding", "declaration"),
    [
        (POLISH, "cp1250", '<meta charset="windows-1250">'),
        (POLISH, "iso-8859-2", "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-2'>"),
        (TURKISH, "cp1254", '<meta charset="windows-1254">'),
        (TURKISH, "cp1254", '<?xml version="1.0" encoding="ISO-8859-9"?>'),
        # Mostly markup, little text: read as Windows-1252 it would pass as Western.
        (CHINESE, "gbk", '<meta charset="gb2312">'),
        ("“Quoted” café", "cp1252", '<meta charset="iso-8859-1">'),  # browsers read latin-1 as 1252
    ],
)
def test_a_legacy_charset_the_page_declares_is_used(text: str, encoding: str, declaration: str) -> None:
    page = f'{declaration}<div class="article-body main-column"><p class="lead">{text}</p></div>'

    assert text in decode_bytes(page.encode(encoding))


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_central_european_text_without_a_declaration_is_not_read_as_windows_1252(encoding: str) -> None:
    assert decode_bytes(POLISH.encode(encoding)) == POLISH


CZECH = "Kvůli silné bouři přístavní úřad v pátek zastavil všechny trajekty; provoz se obnoví v sobotu."
TURKISH_BRIEF = (
    "İstanbul'da etkili olan fırtına nedeniyle şehir hatları vapurlarının tüm seferleri iptal edildi."
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TURKISH, "cp1254"),
        (TURKISH_BRIEF, "cp1254"),
        (TURKISH_BRIEF, "iso-8859-9"),
        (CZECH, "cp1250"),
        (CZECH, "iso-8859-2"),
    ],
)
def test_turkish_and_czech_without_a_declaration_are_read_in_their_code_page(
    text: str, encoding: str
) -> None:
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize(
    "text",
    [
        "Le maître d'hôtel a présenté la carte à M. Müller : crème brûlée, bœuf, garçon, très cher.",
        "Die Fähre über den Fluß fährt wegen des Sturms nicht; Grüße aus Köln und Zürich.",
        "El niño comió piñas en Málaga; la señora Núñez llegó a las tres, según el diario.",
        "La città è più bella di così: perché il caffè è già pronto, disse il sindaco.",
        "A eleição não será adiada, disse o ministro à imprensa em São Paulo; já é tarde.",
        "Færgen til Ærø er aflyst på grund af stormen, siger rederiet i Svendborg.",
        "Ferjene går ikke på grunn av stormen, sier rederiet i Tromsø; båtene blir i havn.",
        "Färjan till Åland är inställd på grund av stormen, säger rederiet i Göteborg.",
        "Ferjan til Vestmannaeyja siglir ekki í dag vegna óveðursins, segir útgerðin; þetta er ljóst.",
        "Het café in Gent is dicht; de overtocht naar Vlissingen is geannuleerd, zeggen zij één voor één.",
    ],
)
def test_western_european_text_stays_windows_1252(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "text",
    [
        "The mayor said he don´t know when the café reopens.",  # an acute accent typed as apostrophe
        "La col·lecció del museu és molt més gran que la d'abans, va dir el director.",
        "The café’s “new” menu costs £5 — or 5 € — naïve.",
    ],
)
def test_western_text_with_symbols_stays_windows_1252(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "text", ["他說：「我們會繼續努力。」", "市長說：「我們會盡力。」", "警方表示，目前仍在調查中。"]
)
def test_short_big5_text_without_a_declaration_is_not_read_as_half_width_katakana(text: str) -> None:
    assert decode_bytes(text.encode("big5")) == text


@pytest.mark.parametrize("encoding", ["shift_jis", "cp932"])
def test_japanese_text_without_a_declaration_stays_shift_jis(encoding: str) -> None:
    text = "帆船レースは嵐のため延期された。港の商店は来場者が減ると予想している。"

    assert decode_bytes(text.encode(encoding)) == text


def test_a_single_byte_charset_declared_on_a_page_in_another_script_is_not_believed() -> None:
    text = "帆船レースは嵐のため延期された。港の商店は来場者が減ると予想している。"
    page = f'<meta charset="iso-8859-1"><p>{text}</p>'

    assert text in decode_bytes(page.encode("shift_jis"))


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


def _normalise_with_regexes(text: str) -> str:
    """normalise_text as the plain regex pipeline it replaces (what the fast checks must equal)."""
    text = re.sub("\r\n?|[\u2028\u2029\x85]", "\n", text).replace("\u00a0", " ")
    if decode._MOJIBAKE_HINT_RE.search(text):
        text = ftfy.fix_text(text, decode._FTFY_CONFIG)
    return unicodedata.normalize("NFC", decode._INVISIBLE_RE.sub("", text))


_TRICKY = list(
    "aé Ã©â€™\r\n\t\x85\u2028\u2029\u00a0\u00c2\u0080\u009d\u200b\ufeff\x00\x07\x7f\u00ad\u0301\uffff😀’“"
    # characters NFC changes or composes: Hangul jamo, Angstrom sign, a Devanagari exclusion,
    # a Kannada vowel sign that composes with the letter before it
    "\u1100\u1161\u11a8\u212b\u0958\u0915\u093c\u0cbf\u0cd5"
)


def test_characters_outside_the_nfc_table_are_left_alone_by_nfc() -> None:
    table = decode._NFC_UNSTABLE.table
    stable = "".join(chr(c) for c in range(0x10000) if not table[c] and not 0xD800 <= c < 0xE000)

    assert unicodedata.is_normalized("NFC", stable)
    assert all(unicodedata.combining(ch) == 0 for ch in stable)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TRICKY) | st.characters(), max_size=30).map("".join))
def test_fast_checks_change_nothing_the_regexes_would_not(text: str) -> None:
    assert normalise_text(text) == _normalise_with_regexes(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60))
def test_the_strange_character_count_is_the_regex_count(text: str) -> None:
    assert decode._STRANGE.count_in(decode.code_points(text)) == len(decode._STRANGE_RE.findall(text))


def test_random_bytes_are_not_read_as_utf16_text() -> None:
    import random

    generator = random.Random(7)
    for size in (64, 256, 4096):
        data = bytes(generator.randrange(256) for _ in range(size))
        with pytest.raises(RejectedInput):
            decode_bytes(b"\x00\x01" + data)
