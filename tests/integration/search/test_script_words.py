"""Words of scripts written with combining marks (Devanagari vowel signs, Thai vowels and
tone marks, Arabic harakat) are searched whole, as the engine's tokenizer indexes them."""

from __future__ import annotations

import pytest

from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration

HINDI = article_doc(
    "दिल्ली में चुनाव",
    "दिल्ली के मुख्यमंत्री ने नई योजना की घोषणा की। मतदाताओं ने मतदान किया।",
    language="hi",
    key="scripts/hi.txt",
)
OTHER = article_doc("Weather in Lahore", "Rain in Lahore and Karachi.", key="scripts/en.txt")


@pytest.mark.parametrize("q", ["दिल्ली", "मतदान", '"दिल्ली के मुख्यमंत्री"'])
def test_a_word_with_vowel_signs_finds_its_article(api: SearchApi, q: str) -> None:
    api.index(HINDI, OTHER)
    response = api.get("/search", {"q": q})
    assert response.status == 200, response.text
    assert [hit["id"] for hit in response.json["hits"]] == [HINDI[0]]


def test_a_word_with_vowel_signs_is_highlighted_whole(api: SearchApi) -> None:
    api.index(HINDI)
    (hit,) = api.get("/search", {"q": "चुनाव"}).json["hits"]
    assert hit["title_html"] == "दिल्ली में <mark>चुनाव</mark>"


JAPANESE = article_doc(
    "東京大学の研究",
    "東京大学の研究チームは、容量の大きい新型電池を開発した。京都の学生も参加した。",
    language="ja",
    key="scripts/ja.txt",
)


@pytest.mark.parametrize(
    ("q", "marked"),
    [
        (
            "東京大学",
            "<mark>東京大学</mark>の研究チームは、容量の大きい新型電池を開発した。京都の学生も参加した。",
        ),
        (
            "電池 学生",
            "東京大学の研究チームは、容量の大きい新型<mark>電池</mark>を開発した。京都の<mark>学生</mark>も参加した。",
        ),
    ],
)
def test_a_chinese_or_japanese_word_is_marked_where_it_is_written_only(
    api: SearchApi, q: str, marked: str
) -> None:
    # Each Han character is a word to the fallback's tokenizer: the snippet must not mark the
    # 大 of 大きい or the 京 of 京都 for 東京大学.
    api.index(JAPANESE)
    (hit,) = api.get("/search", {"q": q}).json["hits"]
    assert hit["snippet"]["html"] == marked


def test_a_korean_word_is_marked_with_the_particle_written_after_it(api: SearchApi) -> None:
    # Korean writes particles onto the word (서울시는, 정책을); the fallback field holds the
    # whole word, so the query's 서울시 is marked as the start of 서울시는.
    korean = article_doc(
        "서울시 발표", "서울시는 새로운 교통 정책을 발표했다.", language="ko", key="scripts/ko.txt"
    )
    api.index(korean)
    (hit,) = api.get("/search", {"q": "서울시"}).json["hits"]
    assert hit["snippet"]["html"] == "<mark>서울시는</mark> 새로운 교통 정책을 발표했다."
