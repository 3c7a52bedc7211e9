"""A text dump's published date: date forms, the page's own address, a date badge split over
lines, and numeric dates both ways readable."""

from __future__ import annotations

from datetime import date

import pytest

from archive_search.cleaning.metadata import near_date, parse_date
from archive_search.cleaning.text import extract_text

pytestmark = pytest.mark.unit

HEADLINE = "Harbour channel to be dredged for larger ships"
BODY = [
    "The harbour authority approved a plan on Tuesday to dredge the northern channel so that larger "
    "cargo ships can dock at the port for the first time since 1998.",
    "Work is due to start in the spring and last two years, the authority said in a statement after "
    "a meeting that ran late into the evening.",
]
FRENCH_HEADLINE = "Le chenal du port sera dragué pour les grands navires"
FRENCH_BODY = [
    "L'autorité portuaire a approuvé mardi un projet de dragage du chenal nord afin que les plus "
    "grands cargos puissent accoster au port pour la première fois depuis 1998.",
    "Les travaux doivent commencer au printemps et durer deux ans, a indiqué l'autorité dans un "
    "communiqué publié après une réunion qui s'est terminée tard dans la soirée.",
]


def dump(*blocks: str) -> str:
    return "\n".join(blocks) + "\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18-11-2019", date(2019, 11, 18)),
        ("Posted 18-11-2019 14:05", date(2019, 11, 18)),
        ("05-10-2018", None),  # both ways readable
        ("2019年11月18日 10:00", date(2019, 11, 18)),
        # Thai: the Buddhist era's years, full and abbreviated month names
        ("12 มีนาคม 2567", date(2024, 3, 12)),
        ("วันที่ 5 ธ.ค. 2566 เวลา 10:30 น.", date(2023, 12, 5)),
        ("1 มกราคม 2024", date(2024, 1, 1)),
        ("2019년 11월 18일", date(2019, 11, 18)),
        ("2019年13月18日", None),
        ("12-3456-7890", None),  # a phone number
    ],
)
def test_dashed_and_east_asian_dates_are_read(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5 مارس 2024",
        "٥ مارس ٢٠٢٤",
        "5 Mart 2024",
        "5 Maret 2024",
        "5 marca 2024",
        "5 maart 2024",
        "5 Μαρτίου 2024",
        "5 במרץ 2024",
        "5. maaliskuuta 2024",
        "5 martie 2024",
        "5 березня 2024",
        "5. března 2024",
    ],
)
def test_month_names_in_more_languages_are_read(text: str) -> None:
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Donnerstag, 31. Okt 2019", date(2019, 10, 31)),
        ("5. Mär. 2024", date(2024, 3, 5)),
        ("12 dic 2021", date(2021, 12, 12)),
        ("3 févr. 2020", date(2020, 2, 3)),
        ("7 lug 2022", date(2022, 7, 7)),
        ("Set up in 2019", None),
    ],
)
def test_abbreviated_month_names_in_more_languages_are_read(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_a_numeric_date_both_ways_readable_reads_day_first_only_when_asked() -> None:
    assert parse_date("05/10/2018") is None
    assert parse_date("05/10/2018", day_first=True) == date(2018, 10, 5)
    assert parse_date("05.10.18", day_first=True) is None  # dotted two-digit years name versions
    assert parse_date("13/10/2018", day_first=True) == date(2018, 10, 13)


def test_a_dotted_numeric_date_reads_day_first() -> None:
    assert parse_date("06.10.2023") == date(2023, 10, 6)
    assert parse_date("Veröffentlicht am 06.10.2023 (Letztes Update: 06.10.2023)") == date(2023, 10, 6)
    assert parse_date("06/10/2023") is None  # slashes: a US page writes the month first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Veröffentlicht am 10. Februar 20199. Februar 2019 von Heiko", date(2019, 2, 10)),
        ("Dezember 29, 2021Dezember 29, 2021", date(2021, 12, 29)),
        ("Freitag, 15. April 2016Samstag, 4. März 2017", date(2016, 4, 15)),
        ("Datum: 13. April 2017Autor: Jane Marlow", date(2017, 4, 13)),
        ("12 April 20234 comments", None),  # a digit glued on is no second date
        ("12 April 2023s", None),
    ],
)
def test_a_year_glued_to_a_second_date_or_a_label_ends_the_first_date(
    text: str, expected: date | None
) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nicole Collignon22. Februar 2020", date(2020, 2, 22)),
        ("Posted on28. Juli 2019", date(2019, 7, 28)),
        ("COVID19 March 2020", None),  # a name's digits after capitals are no day
        ("29 / Dezember / 2022", date(2022, 12, 29)),
        ("07-Nov-2023", date(2023, 11, 7)),
    ],
)
def test_a_day_glued_to_a_word_and_a_month_name_between_slashes_or_dashes_are_read(
    text: str, expected: date | None
) -> None:
    assert parse_date(text) == expected


def test_a_blogs_published_and_updated_dates_glued_together_date_the_article() -> None:
    text = dump(HEADLINE, "20. November 201921. November 2019 von Jane Marlow", *BODY)
    assert extract_text(text, "a.txt")[0].published == date(2019, 11, 20)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["November 20", "15:23 2019", "Print this article"], date(2019, 11, 20)),
        (["20", "Nov", "2019"], date(2019, 11, 20)),
        (["Share", "Updated November 21, 2019", "November 20, 2019"], date(2019, 11, 20)),
        (["Home", "News", "Sport"], None),
        (["November 20", "A line of many more words than a date badge holds", "2019"], None),
    ],
)
def test_near_date_reads_date_lines_and_a_badge_split_over_lines(
    lines: list[str], expected: date | None
) -> None:
    assert near_date(lines) == expected


def test_the_date_in_the_pages_own_address_above_the_headline_wins() -> None:
    text = dump("https://example.com/news/2019/11/18/harbour-dredging/", HEADLINE, "20 November 2019", *BODY)
    assert extract_text(text, "a.txt")[0].published == date(2019, 11, 18)
    labelled = dump("URL: https://example.com/2019/11/18/harbour/", HEADLINE, *BODY)
    assert extract_text(labelled, "a.txt")[0].published == date(2019, 11, 18)


def test_a_link_in_the_body_does_not_date_the_article() -> None:
    text = dump(HEADLINE, "20 November 2019", BODY[0], "https://example.com/2011/09/07/older-story/", BODY[1])
    assert extract_text(text, "a.txt")[0].published == date(2019, 11, 20)


def test_a_numeric_date_both_ways_readable_is_day_first_on_a_page_not_in_english() -> None:
    french = extract_text(
        dump(FRENCH_HEADLINE, "05/10/2018 - Publié par Claire Dubois", *FRENCH_BODY), "a.txt"
    )[0]
    assert french.language == "fr"
    assert french.published == date(2018, 10, 5)
    english = extract_text(dump(HEADLINE, "05/10/2018 - Posted by Jane Marlow", *BODY), "a.txt")[0]
    assert english.language == "en"
    assert english.published is None  # 5 October or May 10: an English page may be either


def test_a_labelled_date_under_the_article_dates_it_when_the_header_states_none() -> None:
    labelled = dump(HEADLINE, *BODY, "Share", "Date 19.01.2020", "Related", "Ferry timetable changes")
    assert extract_text(labelled, "a.txt")[0].published == date(2020, 1, 19)
    teaser = dump(HEADLINE, *BODY, "Related", "Ferry timetable changes for winter", "19.01.2020")
    assert extract_text(teaser, "a.txt")[0].published is None  # a teaser's date, unlabelled
    changed = dump(HEADLINE, *BODY, "[Stand: 08.05.2019, 05:02 Uhr]", "Datum: 07.05.2019")
    assert extract_text(changed, "a.txt")[0].published == date(2019, 5, 7)  # publication first
    assert extract_text(dump(HEADLINE, *BODY, "Letzte Änderung 14.02.2019"), "a.txt")[0].published == date(
        2019, 2, 14
    )
