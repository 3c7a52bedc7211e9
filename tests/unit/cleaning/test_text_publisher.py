"""A text dump's publisher from its masthead line, confirmed by a domain the dump writes."""

from __future__ import annotations

import pytest

from archive_search.cleaning.metadata import dump_masthead
from archive_search.cleaning.text import extract_text

pytestmark = pytest.mark.unit

# two paragraphs of an article about a ferry service, long enough to be its body
ARTICLE = (
    "The ferry between the two islands will run every hour from May, the operator said on Monday, "
    "after a summer in which queues at both piers stretched back into the town centres.\n"
    "A second boat, bought from a Norwegian company last year, joins the route once its crew has "
    "finished training, and fares stay as they are until the end of the season at least."
)


def test_a_masthead_line_the_footers_address_spells_is_the_publisher() -> None:
    # Given a dump opening with a skip link and the site's name, its footer giving an e-mail address
    text = "\n".join(
        [
            "Skip to content",
            "The Harbour Gazette",
            "News",
            "Hourly ferries between the islands from May",
            ARTICLE,
            "Contact: desk@harbourgazette.co.uk",
        ]
    )
    # Then the masthead names the site
    assert extract_text(text, "a.txt")[0].source == "The Harbour Gazette"


def test_a_masthead_under_a_menu_is_confirmed_by_the_footers_address() -> None:
    # Given a dump whose masthead sits under a skip link and menu items, its footer's address
    # giving the domain
    header = ["Skip to content", "Menu", "Search", "Sign in", "The Harbour Gazette"]
    footer = "Write to the desk: news@harbourgazette.co.uk | Terms"
    text = "\n".join([*header, "Hourly ferries between the islands from May", ARTICLE, footer])
    # Then the masthead names the site
    assert extract_text(text, "a.txt")[0].source == "The Harbour Gazette"


@pytest.mark.parametrize(
    ("lines", "masthead"),
    [
        # a domain as the masthead, confirmed by the same domain written elsewhere
        (["Harbour-Gazette.de", "Menü", "Impressum: www.harbour-gazette.de/impressum"], "Harbour-Gazette.de"),
        (["Wochenblatt Süd", "Kontakt", "redaktion@wochenblattsued.de"], "Wochenblatt Süd"),
        # a menu's first item whose letters another site's host holds in part: no masthead
        (["News", "Home", "Follow us: harbournews.com"], None),
        # below the first two lines, only the site's own address confirms a masthead: a copyright
        # notice's or an e-mail address's domain, not a link's
        (["Skip", "Menu", "Harbour Gazette", "harbourgazette.com"], None),
        (["Skip", "Menu", "Harbour Gazette", "Read on at harbourgazette.com"], None),
        (["Skip", "Menu", "Sport", "Harbour Gazette", "© 2023 harbourgazette.com"], "Harbour Gazette"),
        (["Skip", "Menu", "Harbour Gazette", "Write to desk@harbourgazette.com"], "Harbour Gazette"),
        # a domain written only on the candidate line confirms nothing
        (["harbourgazette.com", "News"], None),
        # a link out (an arrow) and a platform are no masthead
        (["Harbour Gazette ↗", "harbourgazette.com"], None),
        (["WordPress.com", "Blog at WordPress.com."], None),
    ],
)
def test_dump_masthead_forms(lines: list[str], masthead: str | None) -> None:
    assert dump_masthead(lines) == masthead
