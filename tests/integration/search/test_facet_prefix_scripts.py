"""A facet value is found by its first letters as written, in any script: the prefix the
engine compares is the one its own normaliser makes, as well as the accent-free fold."""

from __future__ import annotations

import pytest

from tests.integration.search.support import SearchApi, article_doc

pytestmark = pytest.mark.integration

DOCS = [
    article_doc("Greek", "Greek body", source="Καθημερινή", authors=["Νίκος Παπαδόπουλος"], key="f/el.txt"),
    article_doc("Arabic", "Arabic body", source="الأهرام", authors=["محمد علي"], key="f/ar.txt"),
    article_doc("Hindi", "Hindi body", source="दैनिक जागरण", authors=["राहुल शर्मा"], key="f/hi.txt"),
    article_doc("German", "German body", source="Süddeutsche", authors=["Jürgen Müller"], key="f/de.txt"),
]


@pytest.mark.parametrize(
    ("field", "prefix", "value"),
    [
        ("source", "Καθ", "Καθημερινή"),
        ("source", "καθημερινή", "Καθημερινή"),
        ("author", "Νίκ", "Νίκος Παπαδόπουλος"),
        ("source", "الأ", "الأهرام"),
        ("author", "शर्", "राहुल शर्मा"),
        ("source", "sud", "Süddeutsche"),  # the accent-free fold still finds Latin values
        ("author", "jür", "Jürgen Müller"),
    ],
)
def test_a_facet_value_is_found_by_its_first_letters_as_written(
    api: SearchApi, field: str, prefix: str, value: str
) -> None:
    api.index(*DOCS)
    response = api.get(f"/facets/{field}", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == [value]


@pytest.mark.parametrize("prefix", ["mull", "müll", "MÜLLER"])
def test_any_of_a_persons_names_is_found_without_its_accents(api: SearchApi, prefix: str) -> None:
    api.index(*DOCS)
    response = api.get("/facets/author", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == ["Jürgen Müller"]


LATIN = [
    article_doc("Norwegian", "Norwegian body", place="Tromsø", source="Ærø Avis", key="f/no.txt"),
    article_doc("Polish", "Polish body", place="Łódź", authors=["Paweł Łukasiewicz"], key="f/pl.txt"),
    article_doc("Turkish", "Turkish body", place="Kırıkkale", key="f/tr.txt"),
    article_doc("Vietnamese", "Vietnamese body", place="Đà Nẵng", key="f/vi.txt"),
    article_doc("Icelandic", "Icelandic body", authors=["Þóra Sigurðardóttir"], key="f/is.txt"),
]


@pytest.mark.parametrize(
    ("field", "prefix", "value"),
    [
        ("place", "tromso", "Tromsø"),
        ("source", "aero", "Ærø Avis"),
        ("place", "lodz", "Łódź"),
        ("author", "lukas", "Paweł Łukasiewicz"),
        ("place", "kirik", "Kırıkkale"),
        ("place", "da nang", "Đà Nẵng"),
        ("author", "thora", "Þóra Sigurðardóttir"),
        ("author", "sigurd", "Þóra Sigurðardóttir"),
    ],
)
def test_a_latin_letter_the_index_folds_is_found_by_its_ascii_spelling(
    api: SearchApi, field: str, prefix: str, value: str
) -> None:
    # The folded fields hold "tromso", "lodz": the prefix typed so is compared as they hold it.
    api.index(*LATIN)
    response = api.get(f"/facets/{field}", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == [value]


CJK = [
    article_doc(
        "Japanese", "Japanese body", source="朝日新聞", place="東京都", key="f/ja.txt", language="ja"
    ),
    article_doc("Chinese", "Chinese body", source="人民日报", place="北京市", key="f/zh.txt", language="zh"),
]


@pytest.mark.parametrize(
    ("field", "prefix", "value"),
    [
        ("source", "新聞", "朝日新聞"),
        ("source", "日报", "人民日报"),
        ("place", "京都", "東京都"),
        ("source", "朝日", "朝日新聞"),
    ],
)
def test_a_han_value_is_found_by_any_of_its_characters_run(
    api: SearchApi, field: str, prefix: str, value: str
) -> None:
    # Chinese and Japanese write no spaces: each Han character is a word to the engine's
    # tokenizer, so "新聞" (newspaper) starts a word of "朝日新聞" as "gazette" does of a title.
    api.index(*CJK)
    response = api.get(f"/facets/{field}", {"prefix": prefix})
    assert response.status == 200, response.text
    assert [entry["value"] for entry in response.json["values"]] == [value]
