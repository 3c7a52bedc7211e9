"""The hit fields the reference pages name in ``fields=…`` are fields a hit can carry, so a
client copying one from the docs is not answered 400 (``unknown field``). The changelog keeps
the names of earlier versions and is left out."""

from __future__ import annotations

import re

import pytest

from archive_search.search.request import HIT_FIELDS
from tests.docs.commands import ROOT

pytestmark = pytest.mark.unit

PAGES = ("api.md", "api-contract.md", "feeds.md", "web.md", "alerts.md")


def _named_fields() -> list[tuple[str, str]]:
    named = []
    for page in PAGES:
        text = (ROOT / "docs" / page).read_text(encoding="utf-8").split("\n## Changelog\n", 1)[0]
        for fields in re.findall(r"\bfields=([a-z_,]+)", text):
            named += [(page, name) for name in fields.split(",") if name]
    return named


def test_the_docs_name_hit_fields_in_fields() -> None:
    assert _named_fields()  # the pattern still finds the examples


@pytest.mark.parametrize(("page", "name"), _named_fields())
def test_every_field_the_docs_name_is_one_a_hit_carries(page: str, name: str) -> None:
    assert name in HIT_FIELDS, f"docs/{page} names fields={name}, which /search refuses"
