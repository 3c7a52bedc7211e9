"""The q parser, spelling variants, safe snippets and cursors (no network)."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest

from archive_search.errors import InvalidRequest
from archive_search.search import cursor as cursors
from archive_search.search.query import spelling_variants
from archive_search.search.safe_text import MARK_CLOSE, MARK_OPEN, escape, plain, safe_url, snippet
from archive_search.search.syntax import And, Not, Or, Phrase, Word, parse_query

KEY = b"k" * 32

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("night vision", And((Word("night"), Word("vision")))),
        ('"night vision" -goggles', And((Phrase("night vision"), Not(Word("goggles"))))),
        ("dawn OR tribune sport", Or((Word("dawn"), And((Word("tribune"), Word("sport")))))),
        ("goggl* a*", And((Word("goggl", prefix=True), Word("a")))),
        ("-(x y)", Not(And((Word("x"), Word("y"))))),
        ('-"x y"', Not(Phrase("x y"))),
        ("NOT x", Not(Word("x"))),
        ('"unclosed phrase', Phrase("unclosed phrase")),
        ("((x y", And((Word("x"), Word("y")))),
        ("x ) y", And((Word("x"), Word("y")))),
        ("| x |", Word("x")),
        ("go*gles", Word("go gles")),
        ("not guilty or innocent", And((Word("guilty"), Word("innocent")))),  # stop words, not operators
        ('"the match" the', Phrase("the match")),
    ],
)
def test_q_syntax_is_parsed_leniently(q: str, tree: object) -> None:
    assert parse_query(q) == tree


@pytest.mark.parametrize("q", ["", "   ", "- - -", "AND OR NOT", "*", "\x00\x01", '""', "()"])
def test_q_without_words_matches_everything(q: str) -> None:
    assert parse_query(q) is None


@pytest.mark.parametrize(
    "typed",
    [
        unicodedata.normalize("NFD", "sequía erhält"),  # as macOS writes a file's name
        "sequ\u00adía er\u200bhält",  # a soft hyphen and a zero-width space, pasted from a page
        "\u200esequía\u200f \ufefferhält",
    ],
)
def test_q_is_read_as_articles_are_indexed_composed_and_without_invisible_characters(typed: str) -> None:
    # Cleaning writes text NFC and drops invisible characters (cleaning/decode.py): a query
    # keeps its words whole the same way, or "sequ" and "ía" would find nothing.
    assert parse_query(typed) == And((Word("sequía"), Word("erhält")))


@pytest.mark.parametrize(
    ("typed", "tree"),
    [
        # A Chinese or Japanese input method types full-width operators by default.
        ("（東京｜大阪）－京都", And((Or((Word("東京"), Word("大阪"))), Not(Word("京都"))))),
        ("＂東京大学＂ 東京＊", And((Phrase("東京大学"), Word("東京", prefix=True)))),
        ("＋서울 －부산", And((Word("서울"), Not(Word("부산"))))),
    ],
)
def test_full_width_operators_mean_what_their_ascii_forms_do(typed: str, tree: object) -> None:
    assert parse_query(typed) == tree


@pytest.mark.parametrize(
    "typed",
    [
        "“night vision”",  # as a phone keyboard types "night vision"
        "„night vision“",  # German
        "« night vision »",  # French
        "»night vision«",  # Danish, German
        "「night vision」",  # Japanese, Chinese
        "『night vision』",
        "〝night vision〞",
    ],
)
def test_typographic_quotes_make_a_phrase(typed: str) -> None:
    assert parse_query(typed) == Phrase("night vision")


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("🔥", Word("🔥")),
        ("👍🏽 🇺🇦", And((Word("👍🏽"), Word("🇺🇦")))),  # a skin tone, a flag
        ('"❤️ 🔥"', Phrase("❤️ 🔥")),
        ("🔥 -🌧", And((Word("🔥"), Not(Word("🌧"))))),
        ("wildfire 🔥", Word("wildfire")),  # beside words, emoji are separators, as before
    ],
)
def test_a_q_of_only_emoji_searches_them_never_everything(q: str, tree: object) -> None:
    # The engine's tokenizer indexes emoji as words: "🔥" alone must not list every article.
    assert parse_query(q) == tree


def test_q_limits_are_400s_naming_q() -> None:
    for q in ("x" * 501, " ".join(["w"] * 33), "(" * 9 + "x"):
        with pytest.raises(InvalidRequest) as error:
            parse_query(q)
        assert error.value.parameter == "q"


def test_spelling_variants_cover_inflections_both_ways() -> None:
    assert spelling_variants("colours") == ["colors"]
    assert spelling_variants("Defense") == ["defence"]
    assert spelling_variants("organising") == ["organizing"]
    assert spelling_variants("globalization") == ["globalisation"]
    assert spelling_variants("centres") == ["centers"]
    assert spelling_variants("night") == []


def test_snippet_escapes_text_and_only_adds_its_own_marks() -> None:
    piece = snippet(f"<b>x</b> {MARK_OPEN}goggles{MARK_CLOSE} & more")
    assert piece.html == "&lt;b&gt;x&lt;/b&gt; <mark>goggles</mark> &amp; more"
    assert piece.text == "<b>x</b> goggles & more"
    assert [piece.text[s:e] for s, e in piece.matches] == ["goggles"]


def test_snippet_marks_a_run_of_matched_characters_once() -> None:
    # CJK text is indexed a character (pair) at a time, so the engine marks each character:
    # "空气质量" is one match to a reader, not four marks side by side.
    piece = snippet(f"全市{MARK_OPEN}空{MARK_CLOSE}{MARK_OPEN}气{MARK_CLOSE}{MARK_OPEN}质量{MARK_CLOSE}优良")
    assert piece.html == "全市<mark>空气质量</mark>优良"
    assert piece.matches == [[2, 6]]
    apart = snippet(f"{MARK_OPEN}night{MARK_CLOSE} {MARK_OPEN}vision{MARK_CLOSE}")
    assert apart.html == "<mark>night</mark> <mark>vision</mark>"


def test_snippet_match_offsets_count_code_points() -> None:
    # An emoji or a rare Han character is one code point (two UTF-16 units in JavaScript):
    # docs/api-contract.md tells clients to index the text by code point.
    piece = snippet(f"😀 𠀀 {MARK_OPEN}fire{MARK_CLOSE}")
    (start, end), *_ = piece.matches
    assert piece.text[start:end] == "fire"
    assert (start, end) == (4, 8)


def test_snippet_with_unbalanced_sentinels_stays_balanced() -> None:
    for fragment in (f"a{MARK_OPEN}b", f"a{MARK_CLOSE}b", f"{MARK_OPEN}{MARK_OPEN}a{MARK_CLOSE}{MARK_CLOSE}"):
        html = snippet(fragment).html
        assert html.count("<mark>") == html.count("</mark>")


def test_only_http_urls_survive() -> None:
    assert safe_url("https://x.test/a?b=1&c=2") == "https://x.test/a?b=1&c=2"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JAVASCRIPT:alert(1)") is None
    assert escape("\x00a\x07<") == "a&lt;"
    assert plain("\x00a\x07<'&") == "a<'&"


def test_cursor_round_trips_and_refuses_another_request() -> None:
    token = cursors.encode([0.5, "id1"], "d1", ["f" * 24], key=KEY)
    decoded = cursors.decode(token, "d1", key=KEY)
    assert decoded.after == [0.5, "id1"] and decoded.has_seen("f" * 24)
    with pytest.raises(InvalidRequest):
        cursors.decode(token, "d2", key=KEY)


def test_largest_cursor_still_fits_the_cursor_parameter() -> None:
    after = [1.5, "archive", "k" * 1024, 7]
    seen = [hashlib.blake2b(str(i).encode(), digest_size=12).hexdigest() for i in range(1000)]
    token = cursors.encode(after, "d" * 16, seen, key=KEY)
    assert len(token) <= cursors.MAX_CURSOR_CHARS
    assert cursors.decode(token, "d" * 16, key=KEY).after == after
