"""Near-duplicate fingerprints (no network)."""

from __future__ import annotations

import pytest

from archive_search.fingerprint import fingerprint
from archive_search.model import Article

pytestmark = pytest.mark.unit

LEAD = (
    "Defence Minister Khawaja Asif said on Tuesday that militants crossing the border had "
    "access to advanced weapons, including night vision goggles left behind by foreign forces, "
    "and that the government would raise the matter with Kabul at the next round of talks."
)
SECOND = (
    "He told reporters in Islamabad that the security forces had intensified operations in the "
    "tribal districts and that several hideouts had been destroyed over the past two weeks."
)
THIRD = (
    "Officials in the interior ministry said the number of attacks on police posts had doubled "
    "since the start of the year, most of them at night, and that the provincial governments "
    "had asked for more armoured vehicles, radios and training for the new recruits."
)
FOURTH = (
    "Opposition leaders accused the government of failing to present a clear plan and demanded "
    "a briefing for parliament's defence committee before the talks, while traders in the "
    "border towns complained that repeated closures of the crossings were ruining their business."
)
STORY = (LEAD, SECOND, THIRD, FOURTH)


def body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def fp(text: str) -> str:
    return fingerprint(Article(title="t", body=text))


def test_formatting_differences_keep_the_fingerprint() -> None:
    original = body(*STORY)
    reformatted = body(
        LEAD.upper().replace(",", " ,").replace("'", "’"),
        "  " + SECOND.replace(" ", "  ") + "  ",
        THIRD,
        FOURTH,
    )
    assert fp(original) == fp(reformatted)


@pytest.mark.parametrize(
    "extra",
    [
        ("ISLAMABAD:", None),
        (None, "Published in Dawn, April 12th, 2023"),
        ("By a staff reporter", "Additional reporting by Reuters. Read more: Kabul talks stall"),
    ],
)
def test_lines_added_at_either_end_keep_the_fingerprint(extra: tuple[str | None, str | None]) -> None:
    before, after = extra
    copy = [p for p in (before, *STORY, after) if p]
    assert fp(body(*STORY)) == fp(body(*copy))


def test_different_articles_have_different_fingerprints() -> None:
    other = LEAD.replace("Tuesday", "Wednesday").replace("Kabul", "Tehran")
    assert fp(body(*STORY)) != fp(body(other, SECOND))
    assert fp("A short note about floods.") != fp("A short note about fires.")


def test_paragraph_breaks_do_not_matter() -> None:
    sentences = " ".join(STORY).split(", ")
    assert fp(body(*STORY)) == fp(",\n\n".join(sentences))
    assert fp(body(*STORY)) == fp(" ".join(STORY))
