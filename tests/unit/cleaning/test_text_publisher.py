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


@pytest.mark.parametrize(
    ("lines", "masthead"),
    [
        # a domain as the masthead, confirmed by the same domain written elsewhere
        (["Harbour-Gazette.de", "Menü", "Impressum: www.harbour-gazette.de/impressum"], "Harbour-Gazette.de"),
        (["Wochenblatt Süd", "Kontakt", "redaktion@wochenblattsued.de"], "Wochenblatt Süd"),
        # a menu's first item whose letters another site's host holds in part: no masthead
        (["News", "Home", "Follow us: harbournews.com"], None),
        # the third line is no masthead; a domain written only on the candidate line confirms nothing
        (["Skip", "Menu", "Harbour Gazette", "harbourgazette.com"], None),
        (["harbourgazette.com", "News"], None),
        # a link out (an arrow) and a platform are no masthead
        (["Harbour Gazette ↗", "harbourgazette.com"], None),
        (["WordPress.com", "Blog at WordPress.com."], None),
    ],
)
def test_dump_masthead_forms(lines: list[str], masthead: str | None) -> None:
    assert dump_masthead(lines) == masthead
