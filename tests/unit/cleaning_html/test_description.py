"""An article's description (standfirst): kept beside the body when it adds words of its own,
from an HTML page's metadata or a JSON record's key, bounded; the body never changes for it."""

from __future__ import annotations

import json

import pytest

from archive_search.cleaning import clean
from archive_search.cleaning.description import MAX_DESCRIPTION_CHARS, article_description
from archive_search.cleaning.jsonrecord import extract_json

pytestmark = pytest.mark.unit

TITLE = "Council approves harbour budget"
BODY = (
    "The city council approved the new harbour budget on Tuesday after a long debate about schools.\n\n"
    "Opposition members said the plan raised local taxes without improving public transport."
)
STANDFIRST = "Dredging the silted marina will take most of the money, officials say."


def describe(value: object, *, title: str = TITLE, source: str | None = "Valmont Post") -> str | None:
    return article_description(value, title=title, source=source, body=BODY)


def test_a_standfirst_the_body_lacks_is_kept_with_its_whitespace_tidied() -> None:
    assert describe(f"  {STANDFIRST.replace(' ', '  ', 2)}\n") == STANDFIRST


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        ["a list is not a description"],
        "Live updates",  # a label, not a summary: under the minimum of words
        TITLE.upper() + "!",  # the title again
        "The Valmont Post",  # the publisher's name
        "the city council approved the NEW harbour budget on Tuesday…",  # the body's start
        "Opposition members said the plan raised local taxes without improving publ...",
    ],
)
def test_an_empty_short_or_repeated_description_is_dropped(value: object) -> None:
    assert describe(value, source="The Valmont Post") is None


def test_markup_and_escaped_entities_become_plain_text() -> None:
    assert describe("<p>Dredging the <b>silted</b> marina &amp;amp; the quays cost most.</p>") == (
        "Dredging the silted marina &amp; the quays cost most."
    )
    assert describe("Dredging the marina &#8217;s quays costs &amp; most.") == (
        "Dredging the marina ’s quays costs & most."
    )


def test_a_long_description_is_cut_on_a_word_boundary_to_the_bound() -> None:
    long = " ".join(["dredging"] * 400)  # 3,599 characters

    kept = describe(long)

    assert kept is not None
    assert len(kept) <= MAX_DESCRIPTION_CHARS
    assert kept.endswith("dredging…")
    assert len(kept) > MAX_DESCRIPTION_CHARS - len(" dredging…")


def test_a_description_at_the_bound_is_kept_whole() -> None:
    exact = ("word " * 200)[:MAX_DESCRIPTION_CHARS].strip()
    assert describe(exact) == exact


PAGE = """<html lang="en"><head><title>{title} | Valmont Post</title>
<meta property="og:site_name" content="Valmont Post">
<meta name="description" content="{description}"></head>
<body><article><h1>{title}</h1>
<p>The city council approved the new harbour budget on Tuesday after a long debate about schools and roads.</p>
<p>Opposition members said the plan raised local taxes without improving public transport in the city.</p>
<p>The mayor said the harbour would reopen to ferries next spring once the work was finished.</p>
</article></body></html>"""


def test_an_html_page_keeps_its_meta_description_and_the_same_body() -> None:
    page = PAGE.format(title=TITLE, description=STANDFIRST)
    [with_description] = clean(page.encode(), "a.html")
    [without] = clean(PAGE.format(title=TITLE, description="").encode(), "b.html")

    assert with_description.description == STANDFIRST
    assert without.description is None
    assert STANDFIRST not in with_description.body
    assert (with_description.title, with_description.body) == (without.title, without.body)


def test_an_html_page_whose_description_opens_its_body_has_none() -> None:
    first = "The city council approved the new harbour budget on Tuesday after a long debate…"
    [article] = clean(PAGE.format(title=TITLE, description=first).encode(), "a.html")
    assert article.description is None


@pytest.mark.parametrize("key", ["description", "summary", "abstract", "standfirst", "dek"])
def test_a_json_record_gives_its_description_under_any_of_its_names(key: str) -> None:
    record = {"title": TITLE, "body": BODY, "source": "Valmont Post", key: STANDFIRST}
    [article] = extract_json(json.dumps(record), "a.json")
    assert article.description == STANDFIRST


def test_a_json_record_without_a_usable_description_has_none() -> None:
    records = [
        {"title": TITLE, "body": BODY},
        {"title": TITLE, "body": BODY, "summary": TITLE},
        {"title": TITLE, "body": BODY, "description": "The city council approved the new harbour budget"},
    ]
    assert [a.description for a in extract_json(json.dumps(records), "a.json")] == [None, None, None]


def test_a_json_records_html_gives_the_pages_description_unless_the_record_states_one() -> None:
    html = PAGE.format(title=TITLE, description=STANDFIRST)
    own = "Ferries return to the harbour next spring, the mayor promises."

    [from_page, from_record] = extract_json(
        json.dumps([{"html": html}, {"html": html, "summary": own}]), "a.json"
    )

    assert (from_page.description, from_record.description) == (STANDFIRST, own)


def test_a_text_dump_has_no_description() -> None:
    [article] = clean(f"{TITLE}\n\n{STANDFIRST}\n\n{BODY}".encode(), "a.txt")
    assert article.description is None
