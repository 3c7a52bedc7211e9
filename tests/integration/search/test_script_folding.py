"""Letters a script writes two ways are one letter to search: a reader types either, an article
holds either, and the snippet marks the word as the article writes it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from archive_search.adapters.opensearch import cached_engine
from archive_search.index_schema import FALLBACK, article_index_body
from archive_search.settings import Settings
from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration


def marked(api: SearchApi, q: str) -> list[str]:
    response = api.get("/search", {"q": q, "fields": "snippet"})
    assert response.status == 200, response.text
    return [hit["snippet"]["html"] for hit in response.json["hits"]]


@pytest.mark.parametrize(
    ("written", "typed"),
    [("ёлку", "елку"), ("елку", "ёлку"), ("ёлку", "ЁЛКУ"), ("Ёлку", "елку"), ("всё", "все")],
)
def test_cyrillic_yo_and_ye_are_one_letter(api: SearchApi, written: str, typed: str) -> None:
    # Russian print mostly writes ё as е; readers type either.
    api.index(article_doc("Москва", f"В Москве установили {written} на площади.", language="ru"))
    assert marked(api, typed) == [f"В Москве установили <mark>{written}</mark> на площади."]


def test_a_cyrillic_filter_value_matches_with_yo_or_ye(api: SearchApi) -> None:
    api.index(article_doc("Орёл", "Новости города.", place="Орёл", language="ru"))
    for typed in ("Орёл", "Орел", "ОРЕЛ"):
        response = api.get("/search", {"place": typed})
        assert response.status == 200, response.text
        assert [hit["place"] for hit in response.json["hits"]] == ["Орёл"], typed
    assert [v["value"] for v in api.get("/facets/place", {"prefix": "орел"}).json["values"]] == ["Орёл"]


@pytest.fixture(scope="module")
def fallback(search_url: str) -> Iterator[Callable[[str], list[str]]]:
    """The fallback analysis of the opensearch profile, asked of the engine's _analyze (osmem
    runs its pattern_replace token filter there, not when indexing: its profile leaves it out)."""
    settings = Settings.from_env({"OPENSEARCH_URL": search_url, "INDEX_ALIAS": "script-folding"})
    client = cached_engine(settings).client
    index = "script-folding-opensearch-profile"
    client.indices.create(index=index, body={"settings": article_index_body("opensearch")["settings"]})

    def tokens(text: str, **analysis: str) -> list[str]:
        answer = client.indices.analyze(
            index=index, body={**(analysis or {"analyzer": FALLBACK}), "text": text}
        )
        return [token["token"] for token in answer["tokens"]]

    yield tokens
    client.indices.delete(index=index)


@pytest.mark.parametrize(
    ("pointed", "plain"),
    [
        ("יְרוּשָׁלַיִם", "ירושלים"),  # Hebrew niqqud
        ("בְּרֵאשִׁ֖ית", "בראשית"),  # and cantillation
        ("الْكِتَابُ", "الكتاب"),  # Arabic harakat
        ("مُحَمَّدٌ", "محمد"),  # shadda, tanwin
        ("الكتـــاب", "الكتاب"),  # tatweel stretching a headline
        ("پاکستان کے وزیرِ اعظم", "پاکستان کے وزیر اعظم"),  # Urdu, which has no analyzer of its own
    ],
)
def test_vowel_points_and_tatweel_are_not_part_of_a_word(fallback: Any, pointed: str, plain: str) -> None:
    assert fallback(pointed) == fallback(plain)


@pytest.mark.parametrize("written", ["٢٠٢٤", "۲۰۲۴", "२०२४", "২০২৪", "๒๐๒๔", "၂၀၂၄", "２０２４"])
def test_a_number_in_any_script_digits_is_the_number(fallback: Any, written: str) -> None:
    # Arabic-Indic (Arabic, Urdu, Persian), Devanagari, Bengali, Thai, Myanmar, full-width.
    assert fallback(f"عام {written}")[-1] == "2024"


@pytest.mark.parametrize("typed", ["istanbul", "İstanbul", "ISTANBUL"])
def test_turkish_dotted_capital_i_is_found_as_i(api: SearchApi, typed: str) -> None:
    # OpenSearch lower-cases İ to i; Turkish capitalises every word starting with i so.
    api.index(article_doc("İzmir", "İstanbul'da deprem oldu.", source="İstanbul Haber", language="tr"))
    assert marked(api, typed) == ["<mark>İstanbul</mark>&#x27;da deprem oldu."]
    values = api.get("/facets/source", {"prefix": typed[:3]}).json["values"]
    assert [v["value"] for v in values] == ["İstanbul Haber"]


@pytest.mark.parametrize(
    ("accented", "typed"),
    [
        ("Καθημερινής", "ΚΑΘΗΜΕΡΙΝΗΣ"),  # a headline in capitals carries no tonos
        ("οικονομία", "οικονομια"),  # nor does much typing on a phone
        ("Αθήνα", "αθηνα"),
        ("ρυθμούς", "ρυθμουσ"),  # a final sigma typed as a medial one
    ],
)
def test_greek_is_found_without_its_tonos_or_final_sigma(fallback: Any, accented: str, typed: str) -> None:
    assert fallback(accented) == fallback(typed)
    assert fallback(accented, normalizer="folded_keyword") == fallback(typed, normalizer="folded_keyword")


@pytest.mark.parametrize(
    ("written", "typed"),
    [("الأهرام", "الاهرام"), ("إسلام آباد", "اسلام اباد"), ("مستشفى", "مستشفي"), ("جامعة", "جامعه")],
)
def test_arabic_letter_variants_readers_type_plain_are_one_letter(
    fallback: Any, written: str, typed: str
) -> None:
    # Hamza on or under alef, madda, alef maksura and teh marbuta are often typed plain.
    assert fallback(written) == fallback(typed)
    assert fallback(written, normalizer="folded_keyword") == fallback(typed, normalizer="folded_keyword")


@pytest.mark.parametrize(
    ("written", "typed"),
    [("ایران", "ايران"), ("کتاب", "كتاب"), ("پاکستان", "پاكستان"), ("خبر ہے", "خبر هے")],
)
def test_persian_and_urdu_letters_meet_their_arabic_keyboard_forms(
    fallback: Any, written: str, typed: str
) -> None:
    # Persian and Urdu write ی, ک and ہ; an Arabic keyboard types ي, ك and ه.
    assert fallback(written) == fallback(typed)
    assert fallback(written, normalizer="folded_keyword") == fallback(typed, normalizer="folded_keyword")
