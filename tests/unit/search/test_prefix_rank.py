"""How facet value search ranks a value against a prefix, on folded text: words are compared as
the engine's tokenizer splits them, whatever separates them, and a vowel sign or other mark
belongs to its word (Devanagari, Myanmar), as it does to the tokenizer."""

from __future__ import annotations

import pytest

from archive_search.search.shaping import folded_value, prefix_rank

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "prefix", "rank"),
    [
        ("Saint-Aubin", "saint aubin", 0),
        ("Le Journal de Saint-Aubin", "saint aubin", 1),
        ("Port of Spain", "port-of-sp", 0),
        ("L'Écho du Port", "l'", 0),
        ("Lakeside Ledger", "l'", None),  # "l'" is the whole word "l"
        ("Valmont Post", "post,", 1),  # the value's end ends a word too
        ("मुंबई", "मु", 0),
        ("माता", "मु", None),  # another vowel sign, another syllable
        ("मुंबई", "बई", None),  # inside the word, after a vowel sign
        ("ညောင်ဦး", "ညော", 0),
    ],
)
def test_a_prefix_ranks_by_the_words_of_the_value(value: str, prefix: str, rank: int | None) -> None:
    assert prefix_rank(folded_value(value), folded_value(prefix)) == rank
