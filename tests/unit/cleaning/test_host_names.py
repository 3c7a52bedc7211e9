"""A site's names from its host: the registered domain and the letters a publisher's name spells."""

from __future__ import annotations

import pytest

from archive_search.cleaning.metadata import sources


@pytest.mark.parametrize(
    ("hostname", "registered"),
    [
        ("lexikon.example.de", "example.de"),
        ("news.example.co.uk", "example.co.uk"),
        ("example.co.uk", "example.co.uk"),
        # a two-letter label under a plain top-level domain is the site's, not a registry's
        ("news.co.com", "co.com"),
        ("localhost", "localhost"),
    ],
)
def test_the_registered_domain_keeps_a_countrys_second_level_registry(hostname: str, registered: str) -> None:
    assert sources.registered_domain(hostname) == registered


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("https://www.nbc-dfw.com/x", "nbcdfw"),
        ("http://news.example.co.uk/a", "newsexample"),
        # a top-level domain that is a word is part of the name
        ("https://aoc.media/x", "aocmedia"),
        ("http://localhost/x", "localhost"),
    ],
)
def test_the_host_label_drops_the_registrys_labels(url: str, label: str) -> None:
    assert sources.host_label(url) == label
