"""The search page in headless Chromium against the local stack as ``make run`` starts it.

One stack for the module (the e2e suite's ``stack`` fixture, once every sample has a
receipt) and one browser for the session. What the page shows is compared with what the
API answers for the same request, so the tests hold whatever the sample archive holds.
"""

from __future__ import annotations

import calendar
import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.browser.conftest import PHONE, SCREEN, axe_violations, page_width
from tests.conftest import SAMPLES
from tests.e2e.test_local_stack import BUCKET, LocalStack, doc_id, eventually
from tests.e2e.test_local_stack import stack as stack  # the e2e suite's fixture, started once here

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

HOSTILE_KEY = "browser/hostile.txt"
HOSTILE_TITLE = "<img src=x onerror=window.__xss=1> Quillwort harbour notice"
UNIQUE_WORD = f"lanternwort{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def site(stack: LocalStack) -> LocalStack:
    """The stack once every sample and an article with markup in its title are searchable."""
    stack.s3().put_object(
        Bucket=BUCKET,
        Key=HOSTILE_KEY,
        Body=f"{HOSTILE_TITLE}\n\nThe quillwort notice <script>window.__xss=2</script> was posted "
        "on the harbour wall on Friday, and the harbour master read it aloud.\n".encode(),
    )
    eventually(lambda: all(_has_receipt(stack, f"samples/{sample.name}") for sample in SAMPLES.iterdir()))
    eventually(lambda: stack.article(doc_id(HOSTILE_KEY)))
    return stack


def _has_receipt(stack: LocalStack, key: str) -> bool:
    return requests.get(f"{stack.url}/ingest/status", params={"key": key}, timeout=30).status_code == 200


def _api(site: LocalStack, params: list[tuple[str, str]]) -> dict[str, Any]:
    answer = requests.get(f"{site.url}/search", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _until(page: Any, expression: str, timeout: float = 30.0) -> Any:
    """The first truthy value of a JavaScript expression. Polled from here through the
    DevTools protocol: Playwright's wait_for_function evaluates strings, which the page's
    CSP (no unsafe-eval) forbids, as it should."""
    return eventually(lambda: page.evaluate(expression), timeout, 0.1)


def _settled(page: Any) -> None:
    _until(page, "document.querySelector('.results-column').getAttribute('aria-busy') === 'false'")


def _state(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _hit_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("#results > li.hit", "items => items.map(i => i.dataset.id)")


def _facet_counts(page: Any, name: str) -> dict[str, int | None]:
    rows = page.eval_on_selector_all(
        f'fieldset[data-facet="{name}"] > ul > li',
        "rows => rows.map(r => [r.querySelector('.facet-value').textContent,"
        " r.querySelector('.count') ? r.querySelector('.count').textContent : null])",
    )
    return {value: int(count.strip("()")) if count else None for value, count in rows}


def _search_for(page: Any, site: LocalStack, words: str) -> None:
    page.goto(f"{site.url}/")
    page.get_by_role("searchbox", name="Search the archive").fill(words)
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('q=')")
    _settled(page)


def test_a_result_shows_its_standfirst_under_its_title_with_the_match_marked(
    page: Any, site: LocalStack
) -> None:
    # "decommissioned" is only in the lighthouse sample's meta description, not its body.
    _search_for(page, site, "decommissioned")
    _settled(page)

    [hit] = _api(site, [("q", "decommissioned")])["hits"]
    assert _hit_ids(page) == [hit["id"]]
    shown = page.locator("#results > li.hit .description")
    assert shown.inner_text() == hit["description"]
    assert shown.locator("mark").inner_text().lower() == "decommissioned"
    page.locator("#results > li.hit h3 a").click()
    _until(page, "!document.getElementById('article-description').hidden")
    assert page.inner_text("#article-description") == hit["description"]


def _status_total(page: Any) -> int:
    text = page.inner_text("#status")
    if text.startswith("No articles match"):
        return 0
    match = re.match(r"([\d,]+) results?", text)
    assert match, text
    return int(match.group(1).replace(",", ""))


def test_a_search_shows_highlighted_results_as_the_api_finds_them(page: Any, site: LocalStack) -> None:
    _search_for(page, site, "harbour")

    expected = _api(site, [("q", "harbour")])
    assert _state(page)["q"] == ["harbour"]
    assert _hit_ids(page) == [hit["id"] for hit in expected["hits"]]
    assert _status_total(page) == expected["total_groups"]
    assert page.locator("#results mark").count() >= 1  # from title_html / snippet.html
    index, with_source = next((i, hit) for i, hit in enumerate(expected["hits"]) if hit["source"])
    meta = page.locator("#results > li.hit").nth(index).locator(".meta").inner_text()
    assert with_source["source"] in meta
    feed = page.get_attribute("#feed-link", "href")
    assert feed == "feed?q=harbour&order=indexed"
    assert (
        requests.get(f"{site.url}/{feed}", timeout=30)
        .headers["Content-Type"]
        .startswith("application/atom+xml")
    )
    assert page.problems.errors == []


def _regatta_with_a_copy(site: LocalStack) -> None:
    """The regatta sample uploaded again under another key: one hit, with a copy."""
    copy_key = "browser/regatta-copy.txt"
    site.s3().put_object(
        Bucket=BUCKET, Key=copy_key, Body=(SAMPLES / "harbour-gazette-regatta.txt").read_bytes()
    )
    eventually(lambda: site.article(doc_id(copy_key)))


def test_the_copies_badge_explains_itself_to_keyboard_touch_and_screen_readers(
    page: Any, site: LocalStack
) -> None:
    # Its explanation was a title tooltip: shown on hover only, never by keyboard or touch.
    _regatta_with_a_copy(site)
    [hit] = [hit for hit in _api(site, [("q", "regatta")])["hits"] if hit["duplicates"]]
    _search_for(page, site, "regatta")

    result = page.locator(f'#results > li.hit[data-id="{hit["id"]}"]')
    result.locator("h3 a").focus()
    page.keyboard.press("Tab")
    copies = f"{hit['duplicates'] + 1} copies"
    assert page.evaluate("document.activeElement.textContent") == copies
    explanation = result.get_by_text("Near-identical copies")
    assert explanation.is_hidden()
    page.keyboard.press("Enter")
    assert explanation.is_visible()
    page.keyboard.press("Enter")
    assert explanation.is_hidden()
    result.get_by_text(copies).click()  # a tap opens it as well
    assert explanation.is_visible()


def test_the_copies_badge_is_big_enough_to_tap(phone_page: Any, site: LocalStack) -> None:
    # 21 px high: under the 24 px a finger's target needs (WCAG 2.5.8).
    _regatta_with_a_copy(site)
    _search_for(phone_page, site, "regatta")

    box = phone_page.locator(".copies summary").bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, box


def test_markup_in_an_article_title_is_shown_as_text_and_never_runs(page: Any, site: LocalStack) -> None:
    _search_for(page, site, "quillwort")

    heading = page.locator("#results > li.hit h3").first
    assert heading.inner_text() == HOSTILE_TITLE
    assert page.locator("#results img").count() == 0
    page.locator("#results > li.hit a").first.click()
    page.wait_for_selector("#article-body p")
    assert page.inner_text("#article-title") == HOSTILE_TITLE
    assert "<script>window.__xss=2</script>" in page.inner_text("#article-body")
    assert page.evaluate("window.__xss") is None


def test_two_facets_narrow_the_results_and_keep_the_other_values_with_their_counts(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/")
    _settled(page)
    source = max(_facet_counts(page, "source").items(), key=lambda item: item[1] or 0)[0]

    page.locator('fieldset[data-facet="source"]').get_by_label(source, exact=False).first.check()
    _until(page, "location.search.includes('source=')")
    _settled(page)
    # A facet counts as if its own selection were not made: the other publishers stay.
    one = _api(site, [("source", source), ("facets", "source"), ("facet_size", "10")])
    assert _facet_counts(page, "source") == {
        entry["value"]: entry["count"] for entry in one["facets"]["source"]
    }
    assert len(_facet_counts(page, "source")) > 1
    places = _facet_counts(page, "place")
    place = next(value for value, count in places.items() if count)
    page.locator('fieldset[data-facet="place"]').get_by_label(place, exact=False).first.check()
    _until(page, "location.search.includes('place=')")
    _settled(page)

    assert _state(page)["source"] == [source] and _state(page)["place"] == [place]
    expected = _api(
        site, [("source", source), ("place", place), ("facets", "source,place"), ("facet_size", "10")]
    )
    assert _status_total(page) == expected["total_groups"]
    assert _hit_ids(page) == [hit["id"] for hit in expected["hits"]]
    for name in ("source", "place"):
        assert _facet_counts(page, name) == {e["value"]: e["count"] for e in expected["facets"][name]}
    assert page.locator('fieldset[data-facet="source"] input:checked').count() == 1
    assert page.locator('fieldset[data-facet="place"] input:checked').count() == 1

    page.go_back()  # back to one facet
    _until(page, "!location.search.includes('place=')")
    _settled(page)
    assert page.locator('fieldset[data-facet="place"] input:checked').count() == 0


def test_languages_are_listed_and_shown_by_name_and_filter_by_their_code(page: Any, site: LocalStack) -> None:
    # The language facet listed "en (5)", "de (1)": codes a reader has to know, read aloud as words.
    page.goto(f"{site.url}/")
    _settled(page)
    codes = [entry["value"] for entry in _api(site, [("facets", "language")])["facets"]["language"]]
    assert {"en", "de"} <= set(codes)
    names = page.eval_on_selector_all(
        'fieldset[data-facet="language"] input[type="checkbox"]',
        "boxes => Object.fromEntries(boxes.map(b => [b.value, b.labels[0].querySelector('.facet-value').textContent]))",
    )
    assert list(names) == codes
    assert names["en"] == "English" and names["de"] == "German"

    page.locator('fieldset[data-facet="language"]').get_by_label("German").check()
    _until(page, "location.search.includes('language=de')")
    _settled(page)
    german = _hit_ids(page)[0]
    page.locator(f'#results > li.hit[data-id="{german}"] h3 a').click()
    page.wait_for_selector("#article-body p")
    assert "LanguageGerman" in page.inner_text("#article-meta").replace("\n", "").replace("\t", "")


def test_a_filter_in_the_url_spelt_in_another_case_ticks_its_facet_value(page: Any, site: LocalStack) -> None:
    # A saved alert or a hand-typed link may say source=valmont post: the API matches it as
    # "Valmont Post", and so does the page, instead of listing it again beside that value.
    page.goto(f"{site.url}/")
    _settled(page)
    source, count = max(_facet_counts(page, "source").items(), key=lambda item: item[1] or 0)
    page.goto(f"{site.url}/?{urlencode({'source': source.upper()})}")
    _settled(page)

    ticked = page.eval_on_selector_all(
        'fieldset[data-facet="source"] input:checked', "boxes => boxes.map(b => b.value)"
    )
    assert ticked == [source]
    assert _facet_counts(page, "source")[source] == count
    page.locator('fieldset[data-facet="source"] input:checked').click()
    _until(page, "!location.search.includes('source=')")


def test_a_facet_value_found_by_its_first_letters_can_be_ticked(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    _settled(page)
    finder = page.get_by_label("Search tags")
    expected = requests.get(f"{site.url}/facets/tag", params={"prefix": "sh", "size": 10}, timeout=30).json()
    assert expected["values"]

    finder.fill("sh")
    _until(page, "document.querySelectorAll('fieldset[data-facet=\"tag\"] .found li input').length > 0")
    found = page.eval_on_selector_all(
        'fieldset[data-facet="tag"] .found .facet-value', "values => values.map(v => v.textContent)"
    )
    assert found == [entry["value"] for entry in expected["values"]]
    # click, not check: ticking it re-renders the facets, so the box clicked is gone at once.
    page.locator('fieldset[data-facet="tag"] .found input').first.click()
    _until(page, "location.search.includes('tag=')")
    _settled(page)
    assert _state(page)["tag"] == [found[0]]


def test_a_language_is_found_by_the_letters_of_its_name(page: Any, site: LocalStack) -> None:
    # Languages are shown by name, but their search field matched codes: "Germ" found nothing.
    def in_ten_languages(route: Any) -> None:  # the sample archive has fewer: no field is shown
        answer = route.fetch()
        body = answer.json()
        languages = body["facets"]["language"]
        body["facets"]["language"] = languages + [
            {"value": f"x{n}", "count": 1} for n in range(max(0, 10 - len(languages)))
        ]
        route.fulfill(response=answer, json=body)

    page.route("**/search?*", in_ten_languages)
    page.goto(f"{site.url}/")
    _settled(page)

    page.get_by_label("Search languages").fill("germ")
    found = 'fieldset[data-facet="language"] .found input'
    _until(page, f"document.querySelectorAll('{found}').length > 0")
    assert page.locator(found).evaluate_all("boxes => boxes.map(b => b.value)") == ["de"]
    assert page.locator('fieldset[data-facet="language"] .found .facet-value').inner_text() == "German"
    page.get_by_label("Search languages").fill("en")  # and by its code still
    _until(page, f"document.querySelector('{found}') && document.querySelector('{found}').value === 'en'")
    page.locator(found).first.click()
    _until(page, "location.search.includes('language=en')")
    _settled(page)


def test_ticking_a_facet_value_found_by_its_letters_keeps_the_letters_and_values_found(
    page: Any, site: LocalStack
) -> None:
    # A person ticking two tags found by the same letters must not type them again between.
    page.goto(f"{site.url}/")
    _settled(page)
    finder = page.get_by_label("Search tags")
    finder.fill("sh")
    found = 'fieldset[data-facet="tag"] .found li input'
    _until(page, f"document.querySelectorAll('{found}').length > 0")
    values = page.eval_on_selector_all(found, "boxes => boxes.map(b => b.value)")

    page.locator(found).first.click()
    _until(page, "location.search.includes('tag=')")
    _settled(page)

    assert page.get_by_label("Search tags").input_value() == "sh"
    _until(page, f"document.querySelectorAll('{found}').length > 0")
    assert page.eval_on_selector_all(found, "boxes => boxes.map(b => [b.value, b.checked])") == [
        [value, index == 0] for index, value in enumerate(values)
    ]


def test_a_late_answer_for_fewer_letters_does_not_replace_the_facet_values_found(
    page: Any, site: LocalStack
) -> None:
    def values(prefix: str) -> list[str]:
        answer = requests.get(f"{site.url}/facets/tag", params={"prefix": prefix, "size": 10}, timeout=30)
        return [entry["value"] for entry in answer.json()["values"]]

    assert values("sh") and values("s") != values("sh")
    page.goto(f"{site.url}/")
    _settled(page)
    held: list[Any] = []
    for_s = lambda url: "/facets/tag?prefix=s&" in url  # noqa: E731
    page.route(for_s, lambda route: held.append(route))  # a slow answer
    finder = page.get_by_label("Search tags")
    finder.fill("s")
    eventually(lambda: page.evaluate("true") and held, 10, 0.1)  # a call lets Playwright see the route
    finder.fill("sh")
    shown = 'fieldset[data-facet="tag"] .found .facet-value'
    _until(page, f"document.querySelectorAll('{shown}').length > 0")

    with page.expect_response(lambda response: for_s(response.url)):
        held[0].continue_()  # the answer for "s" arrives after the one for "sh"
    page.wait_for_timeout(300)  # time for the page to handle it, were it to

    assert page.eval_on_selector_all(shown, "found => found.map(v => v.textContent)") == values("sh")


def test_a_failed_facet_search_says_so_in_its_box_and_the_next_letters_recover(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/")
    _settled(page)
    finder = page.get_by_label("Search tags")
    shown = 'fieldset[data-facet="tag"] .found li'
    finder.fill("s")
    _until(page, f"document.querySelectorAll('{shown} input').length > 0")

    failing = lambda url: "/facets/tag?prefix=sh&" in url  # noqa: E731
    page.route(failing, lambda route: route.abort())  # the network drops this one answer
    finder.fill("sh")
    _until(
        page, f"[...document.querySelectorAll('{shown}')].some(li => li.textContent.includes('could not'))"
    )
    # the values found for "s" are not left standing as if they answered "sh"
    assert page.locator(f"{shown} input").count() == 0
    assert page.locator(f"{shown}").first.get_attribute("role") == "alert"
    page.unroute(failing)

    finder.fill("s")
    _until(page, f"document.querySelectorAll('{shown} input').length > 0")
    assert "could not" not in page.locator('fieldset[data-facet="tag"] .found').inner_text()
    assert page.locator("#error").is_hidden()  # the search's own error box is not the finder's


def test_dragging_across_the_histogram_sets_the_date_range(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    _settled(page)
    bars = page.locator("#histogram .bar")
    counts = [
        int(label.rsplit(": ", 1)[1].split()[0])
        for label in page.eval_on_selector_all(
            "#histogram .bar", "bars => bars.map(b => b.getAttribute('aria-label'))"
        )
    ]
    start_at = next(i for i, count in enumerate(counts) if count and i + 2 < len(counts))
    first, last = bars.nth(start_at), bars.nth(start_at + 2)
    start, end = first.bounding_box(), last.bounding_box()

    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] - 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 2, steps=8)
    page.mouse.up()
    _until(page, "location.search.includes('from=')")
    _settled(page)

    year, month = (int(part) for part in first.get_attribute("data-value").split("-"))
    to_year, to_month = (int(part) for part in last.get_attribute("data-value").split("-"))
    expected_from = f"{year}-{month:02d}-01"
    expected_to = f"{to_year}-{to_month:02d}-{calendar.monthrange(to_year, to_month)[1]:02d}"
    assert _state(page)["from"] == [expected_from] and _state(page)["to"] == [expected_to]
    assert page.input_value("#from") == expected_from
    expected = _api(site, [("from", expected_from), ("to", expected_to)])
    assert _status_total(page) == expected["total_groups"] >= counts[start_at]
    # The histogram still shows every month (its own filter is not applied to it).
    assert page.locator("#histogram .bar").count() == bars.count()
    assert page.locator("#histogram .bar.selected").count() == 3


def test_a_bar_picked_with_the_keyboard_sets_its_month(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    page.wait_for_selector("#histogram .bar")
    bar = page.locator("#histogram .bar").nth(0)
    bar.focus()
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('from=')")

    value = bar.get_attribute("data-value")
    year, month = (int(part) for part in value.split("-"))
    assert _state(page)["from"] == [f"{year}-{month:02d}-01"]
    _settled(page)
    assert page.evaluate("document.activeElement.dataset.value") == value  # the focus stays on it
    assert _state(page)["to"] == [f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"]


def test_a_month_in_the_address_is_read_as_its_days_and_kept_when_its_field_is_left(
    page: Any, site: LocalStack
) -> None:
    # A feed's link back to the page (and any API client's) may say from=2023-04: the API reads
    # a month as the days it spans, and so must the date fields, or leaving one drops the filter.
    page.goto(f"{site.url}/?from=2023-04&to=2023-04")
    _settled(page)

    assert page.input_value("#from") == "2023-04-01" and page.input_value("#to") == "2023-04-30"
    expected = _api(site, [("from", "2023-04"), ("to", "2023-04")])
    assert _status_total(page) == expected["total_groups"] > 0
    assert page.locator("#histogram .bar.selected").count() == 1
    page.focus("#from")
    page.focus("#to")
    page.focus("#q")
    _settled(page)
    assert {"from", "to"} <= set(_state(page)) and page.input_value("#from") == "2023-04-01"
    assert _status_total(page) == expected["total_groups"]


def test_each_bar_is_named_by_its_period_and_count_in_words(page: Any, site: LocalStack) -> None:
    # A month of one article was read aloud as "1 articles".
    page.goto(f"{site.url}/")
    page.wait_for_selector("#histogram .bar")
    monthly = _api(site, [("facets", "published"), ("size", "1")])["facets"]["published"]
    counts = {bucket["value"]: bucket["count"] for bucket in monthly}
    labels = page.eval_on_selector_all(
        "#histogram .bar", "bars => bars.map(b => [b.dataset.value, b.getAttribute('aria-label')])"
    )

    for value, label in labels:
        count = counts.get(value, 0)
        said = "1 article" if count == 1 else f"{count:,} articles"
        assert label.endswith(f": {said}"), (value, label)
    assert any(counts.get(value) == 1 for value, _ in labels)


def test_a_date_typed_digit_by_digit_is_one_search_and_one_history_entry(page: Any, site: LocalStack) -> None:
    # Chromium's date field has a date at every digit of its year (0002, 0020, 0202, 2023): each
    # was searched for and pushed to the history, so Back took four presses to undo one date.
    page.goto(f"{site.url}/")
    _settled(page)
    searched: list[str] = []
    page.on("request", lambda request: searched.append(request.url) if "/search?" in request.url else None)
    entries = page.evaluate("history.length")
    page.focus("#from")
    page.keyboard.type("01152023", delay=50)
    _until(page, "location.search.includes('from=2023-01-15')")
    _settled(page)

    assert page.evaluate("history.length") == entries + 1
    assert [parse_qs(urlsplit(url).query)["from"] for url in searched] == [["2023-01-15"]]
    page.keyboard.press("Tab")  # leaving the field searches nothing more
    page.wait_for_timeout(300)
    assert len(searched) == 1


@pytest.mark.parametrize(
    ("menu", "key", "value"), [("sort", "sort", "oldest"), ("has-date", "has_date", "false")]
)
def test_arrowing_through_a_menu_is_one_search_and_one_history_entry(
    page: Any, site: LocalStack, menu: str, key: str, value: str
) -> None:
    # A closed menu's arrow keys choose each option on the way to the one wanted: each was
    # searched for and pushed to the history.
    page.goto(f"{site.url}/")
    _settled(page)
    searched: list[str] = []
    page.on("request", lambda request: searched.append(request.url) if "/search?" in request.url else None)
    entries = page.evaluate("history.length")
    page.focus(f"#{menu}")
    steps = page.locator(f"#{menu} option").evaluate_all(
        f"options => options.findIndex(o => o.value === {value!r})"
    )
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    _until(page, f"location.search.includes('{key}={value}')")
    _settled(page)

    assert steps > 1
    assert page.evaluate("history.length") == entries + 1
    assert len(searched) == 1


def test_recently_added_sorts_by_when_the_archive_indexed_each_article_and_keeps_its_history(
    page: Any, site: LocalStack
) -> None:
    # sort=indexed is the API's "newest in the archive": an archivist asks what came in lately.
    page.goto(f"{site.url}/?sort=newest")
    _settled(page)
    entries = page.evaluate("history.length")

    page.get_by_label("Sort").select_option(label="Recently added")
    _until(page, "location.search.includes('sort=indexed')")
    _settled(page)

    indexed = [hit["id"] for hit in _api(site, [("sort", "indexed"), ("size", "10")])["hits"]]
    newest = [hit["id"] for hit in _api(site, [("sort", "newest"), ("size", "10")])["hits"]]
    assert _hit_ids(page) == indexed != newest
    assert page.evaluate("history.length") == entries + 1
    page.reload()
    _settled(page)
    assert page.locator("#sort").input_value() == "indexed" and _hit_ids(page) == indexed
    page.go_back()
    _settled(page)
    assert page.locator("#sort").input_value() == "newest" and _hit_ids(page) == newest


def test_the_chart_is_a_named_group_that_says_how_to_use_its_bars(page: Any, site: LocalStack) -> None:
    # Its hint hung on a plain div, which screen readers ignore: the arrow keys went unsaid.
    from playwright.sync_api import expect

    page.goto(f"{site.url}/")
    _settled(page)
    chart = page.get_by_role("group", name="Published")

    assert chart.locator(".bar").count() == page.locator("#histogram .bar").count() > 0
    expect(chart).to_have_accessible_description(re.compile("arrow keys move between them"))


def test_the_chart_is_one_tab_stop_and_arrow_keys_move_between_its_bars(page: Any, site: LocalStack) -> None:
    # A bar per month: dozens of Tab presses between the toolbar and the date fields otherwise.
    page.goto(f"{site.url}/")
    _settled(page)
    values = page.eval_on_selector_all("#histogram .bar", "bars => bars.map(b => b.dataset.value)")
    assert len(values) > 2
    focused = "document.activeElement.dataset.value || document.activeElement.id"
    page.focus("#save-alert > summary")

    page.keyboard.press("Tab")
    assert page.evaluate(focused) == values[-1]  # the newest month
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "from"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(focused) == values[-2]
    page.keyboard.press("Home")
    assert page.evaluate(focused) == values[0]
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('from=')")
    _settled(page)
    assert page.evaluate(focused) == values[0]
    assert _state(page)["from"] == [f"{values[0]}-01"]


def test_more_results_follows_the_cursor_and_a_reload_restores_every_page(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    first_page = _hit_ids(page)
    assert len(first_page) == 10

    page.get_by_role("button", name="More results").click()
    _until(page, "document.querySelectorAll('#results > li.hit').length > 10")
    both = _hit_ids(page)
    assert both[:10] == first_page and len(set(both)) == len(both) == 20
    api_first = _api(site, [("sort", "oldest"), ("size", "10")])
    api_second = _api(site, [("sort", "oldest"), ("size", "10"), ("cursor", api_first["next_cursor"])])
    assert both == [hit["id"] for hit in api_first["hits"] + api_second["hits"]]
    assert _state(page)["pages"] == ["2"]

    page.reload()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 20")
    assert _hit_ids(page) == both


class DeepArchive:
    """/search as an archive of ``total`` articles (the sample one has a few pages only),
    with cursors that are the position they continue from; counts the requests it answers."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.asked: list[dict[str, list[str]]] = []

    def answer(self, route: Any) -> None:
        params = parse_qs(urlsplit(route.request.url).query)
        self.asked.append(params)
        start = int(params.get("cursor", ["0"])[0])
        end = min(self.total, start + int(params["size"][0]))
        hits = [{"id": f"deep{n}", "title": f"Deep article {n}"} for n in range(start, end)]
        route.fulfill(
            json={
                "total": self.total,
                "total_groups": self.total,
                "hits": hits,
                "facets": {},
                "next_cursor": str(end) if end < self.total else None,
            }
        )


def test_more_pages_than_a_reload_restores_say_which_are_shown_and_go_on_from_there(
    page: Any, site: LocalStack
) -> None:
    # pages=60 restored 50 pages and said nothing: the reader took them for all 60.
    deep = DeepArchive(2000)
    page.route("**/search?*", deep.answer)
    page.goto(f"{site.url}/?q=deep&pages=60")
    _settled(page)

    assert _hit_ids(page) == [f"deep{n}" for n in range(500)]
    assert "the first 50 pages" in page.inner_text("#status")
    assert _state(page)["pages"] == ["50"]  # the URL says what is shown
    page.get_by_role("button", name="More results").click()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 510")
    assert _hit_ids(page)[500] == "deep500"
    assert _state(page)["pages"] == ["51"]


def test_a_reload_restores_its_pages_in_few_requests_and_goes_on_page_by_page(
    page: Any, site: LocalStack
) -> None:
    # Fifty pages were fifty requests in a row, each with the facets, before anything showed.
    deep = DeepArchive(2000)
    page.route("**/search?*", deep.answer)
    page.goto(f"{site.url}/?q=deep&pages=50")
    _settled(page)

    assert _hit_ids(page) == [f"deep{n}" for n in range(500)]
    assert len(deep.asked) <= 11
    assert all("facets" not in asked for asked in deep.asked[1:])
    page.get_by_role("button", name="More results").click()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 510")
    assert deep.asked[-1]["size"] == ["10"]


def test_more_results_with_an_expired_cursor_shows_the_next_page_anyway(page: Any, site: LocalStack) -> None:
    # A cursor outlives its key when the key is rotated (or make run restarted): the page
    # asks again from the first page instead of telling a reader to "pass next_cursor".
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    expired = {"code": "invalid_parameter", "message": "expired or invalid cursor", "parameter": "cursor"}

    refused: list[str] = []

    def refuse_once(route: Any) -> None:
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.fulfill(status=400, json={"error": expired})

    page.route(lambda url: "cursor=" in url, refuse_once)
    page.get_by_role("button", name="More results").click()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 20")
    _settled(page)

    api_first = _api(site, [("sort", "oldest"), ("size", "10")])
    api_second = _api(site, [("sort", "oldest"), ("size", "10"), ("cursor", api_first["next_cursor"])])
    assert _hit_ids(page) == [hit["id"] for hit in api_first["hits"] + api_second["hits"]]
    assert refused and page.locator("#error").is_hidden()
    assert _state(page)["pages"] == ["2"]


def test_more_results_answered_after_a_newer_search_leave_that_search_alone(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    held: list[Any] = []
    page.route("**/search?*cursor=*", lambda route: held.append(route))  # held back: a slow network
    page.get_by_role("button", name="More results").click()
    eventually(lambda: held, 10, 0.1)

    page.get_by_role("searchbox", name="Search the archive").fill("ferry")
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('q=ferry')")
    _settled(page)
    ferry = _hit_ids(page)
    ferry_url = page.evaluate("location.href")
    with page.expect_response("**/search?*cursor=*"):
        held[0].continue_()  # the old search's next page arrives last
    page.wait_for_timeout(300)  # time for the page to handle it, were it to

    assert _hit_ids(page) == ferry
    assert page.evaluate("location.href") == ferry_url


def test_a_refused_search_shows_its_error_and_nothing_of_the_search_before(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    assert page.get_by_role("button", name="More results").is_visible()

    too_many_words = " ".join(f"w{i}" for i in range(33))
    page.get_by_role("searchbox", name="Search the archive").fill(too_many_words)
    page.keyboard.press("Enter")
    _settled(page)

    assert "32 words" in page.get_by_role("alert").text_content()
    assert _hit_ids(page) == []
    assert page.locator("#facets fieldset").count() == 0
    assert not page.get_by_role("button", name="More results").is_visible()
    assert _state(page)["q"] == [too_many_words]


def test_a_pasted_paragraph_is_refused_as_the_search_not_as_the_api_s_parameter(
    page: Any, site: LocalStack
) -> None:
    # A paragraph pasted into the box was refused as "Sorry: q has more than 32 words or
    # phrases.": "q" is the API's parameter, not a word of the page.
    paragraph = (
        "Cuttings on the harbour ferry strike, the timetable, the council vote, the storm at the quay, "
        "the regatta, gusts, the lighthouse museum, letters from readers, the office in spring, winter "
        "boats, crews and wages, water tariffs, buses, trams at night, the library on Sunday, the "
        "budget, street lights, fishing quotas, fuel, skippers, cranes, the terminal, a vessel upgrade, "
        "the lantern festival parade and music"
    )
    page.goto(f"{site.url}/")
    page.get_by_role("searchbox", name="Search the archive").fill(paragraph)
    page.keyboard.press("Enter")
    _settled(page)

    said = page.get_by_role("alert").text_content()
    assert said.startswith("Sorry: the search has more than 32 words"), said


def test_repeating_the_same_search_adds_no_history_entry(page: Any, site: LocalStack) -> None:
    _search_for(page, site, "harbour")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    _settled(page)

    page.go_back()

    _until(page, "!location.search.includes('q=')")
    _settled(page)
    assert page.get_by_role("searchbox", name="Search the archive").input_value() == ""


def test_an_article_shows_its_text_origin_and_similar_articles(page: Any, site: LocalStack) -> None:
    # The first result of the search that has similar articles (the engine decides which).
    hits = _api(site, [("q", "ferry OR harbour OR tram")])["hits"]
    article_id = next(
        hit["id"]
        for hit in hits
        if requests.get(f"{site.url}/articles/{hit['id']}/similar", timeout=30).json()["hits"]
    )
    _search_for(page, site, "ferry OR harbour OR tram")
    page.locator(f'#results > li.hit[data-id="{article_id}"] a').click()
    page.wait_for_selector("#article-body p")
    assert _state(page)["article"] == [article_id]
    article = requests.get(f"{site.url}/articles/{article_id}", timeout=30).json()

    assert page.inner_text("#article-title") == article["title"]
    paragraphs = [p for p in article["body"].split("\n\n") if p.strip()]
    assert page.locator("#article-body p").count() == len(paragraphs)
    origin = page.inner_text("#article-origin")
    assert article["origin"]["key"] in origin and article["origin"]["cleaner_version"] in origin
    _until(page, "!document.querySelector('#article-origin').textContent.includes('…')")
    assert "indexed" in page.inner_text("#article-origin")  # the receipt

    page.wait_for_selector("#similar > li.hit a")
    similar = page.locator("#similar > li.hit a").first
    similar_title = similar.inner_text()
    similar.click()
    _until(page, f"location.search !== '?article={article_id}'")
    _until(page, f"document.querySelector('#article-title').textContent === {similar_title!r}")
    assert _state(page)["article"] != [article_id]

    page.go_back()
    _until(page, f"document.querySelector('#article-title').textContent === {article['title']!r}")
    page.get_by_role("link", name="Back to the results").click()
    page.wait_for_selector("#results > li.hit")
    assert _state(page)["q"] == ["ferry OR harbour OR tram"]


def _origin_row(page: Any, name: str) -> dict[str, Any]:
    """The text of the article's "Where it came from" row so named, and its time's datetime."""
    return page.evaluate(
        """(name) => { const dt = [...document.querySelectorAll('#article-origin dt')].find((d) => d.textContent === name);
          const time = dt.nextElementSibling.querySelector('time');
          return { text: dt.nextElementSibling.textContent, datetime: time && time.dateTime }; }""",
        name,
    )


def test_an_article_s_ingest_and_receipt_times_read_as_dates_not_timestamps(
    page: Any, site: LocalStack
) -> None:
    # They read "Ingested 2026-12-08T02:57:26.802Z" and "indexed, 2026-12-08T02:57:26.841Z",
    # timestamps for programs, beside a publication date that reads "19 Aug 2023".
    article_id = _api(site, [("q", "regatta")])["hits"][0]["id"]
    origin = requests.get(f"{site.url}/articles/{article_id}", timeout=30).json()["origin"]
    receipt = requests.get(f"{site.url}/ingest/status", params={"key": origin["key"]}, timeout=30).json()
    page.goto(f"{site.url}/?article={article_id}")
    _until(
        page,
        "[...document.querySelectorAll('#article-origin dt')].some("
        "(d) => d.textContent === 'Receipt' && d.nextElementSibling.textContent !== '…')",
    )

    for name, stamp, around in (
        ("Ingested", origin["ingested_at"], "{}"),
        ("Receipt", receipt["updated_at"], f"{receipt['outcome']} ({{}})"),
    ):
        shown = _origin_row(page, name)
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        said = rf"{moment.day} \w{{3,4}} {moment.year}, {moment:%H:%M} UTC"  # en-GB: "Sep" or "Sept"
        assert shown["datetime"] == stamp
        assert re.fullmatch(re.escape(around).replace(r"\{\}", said), shown["text"]), shown


def test_without_the_write_api_the_upload_view_stays_hidden(page: Any, site: LocalStack) -> None:
    # A read-only deployment: no write routes, so POST /uploads is a 404 (played here by the
    # browser's request routing; this stack has the write API).
    page.route(
        re.compile(r".*/uploads$"),
        lambda route: route.fulfill(
            status=404, json={"error": {"code": "not_found", "message": "no such route"}}
        ),
    )
    page.goto(f"{site.url}/?view=upload")
    _until(page, "document.body.dataset.uploads === 'unavailable'")

    assert page.locator("#nav-upload").is_hidden()
    assert page.locator("#upload-view").is_hidden()
    assert page.locator("#search-view").is_visible()


def test_uploaded_files_show_their_receipts_live(page: Any, site: LocalStack, tmp_path: Path) -> None:
    article = tmp_path / "lantern.txt"
    article.write_text(
        f"Harbour lantern festival returns\n\nThe {UNIQUE_WORD} lantern festival returned to the harbour "
        "on Saturday with music, boats and a parade along the quay.\n",
        encoding="utf-8",
    )
    unsupported = tmp_path / "scan.pdf"
    unsupported.write_bytes(b"%PDF-1.4 not an article")

    _open_upload_view(page, site)
    page.set_input_files("#files", [str(unsupported)])
    # The article is dropped on the drop zone, as a person drags a file from their desktop.
    data = page.evaluate_handle(
        "([name, text]) => { const data = new DataTransfer();"
        " data.items.add(new File([text], name, {type: 'text/plain'})); return data; }",
        [article.name, article.read_text(encoding="utf-8")],
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": data})
    _until(page, "document.querySelector('#upload-summary').textContent === '2 of 2 files settled'", 60)

    indexed = page.locator('#uploads li[data-outcome="indexed"]').inner_text()
    rejected = page.locator('#uploads li[data-outcome="rejected"]').inner_text()
    assert indexed == "lantern.txt indexed"
    assert rejected.startswith("scan.pdf rejected: ") and len(rejected) > len("scan.pdf rejected: ")
    assert page.get_attribute("#upload-progress", "value") == "2"
    assert _api(site, [("q", UNIQUE_WORD)])["total"] == 1  # searchable, as the receipt said


def test_an_upload_whose_status_checks_fail_for_a_while_still_settles(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # The file was in the bucket, being indexed, when one status check failed: the row said
    # "failed" and stopped following a file that was indexed seconds later.
    article = tmp_path / "pier.txt"
    article.write_text(
        "Pier lamps relit\n\nThe pier lamps were relit on Thursday after the storm damage was "
        "repaired, the harbour office said, and the evening walks resumed.\n",
        encoding="utf-8",
    )
    failed: list[str] = []

    def flaky(route: Any) -> None:
        if len(failed) < 2:
            failed.append(route.request.url)
            if failed[1:]:
                route.abort("connectionreset")
            else:
                route.fulfill(status=503, json={"message": "Service Unavailable"})
        else:
            route.continue_()

    page.route(lambda url: "/ingest/status?key=uploads/" in url, flaky)
    _open_upload_view(page, site)
    page.set_input_files("#files", [str(article)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    assert len(failed) == 2
    assert page.locator("#uploads li").inner_text() == "pier.txt indexed"


def test_a_file_that_failed_to_send_can_be_tried_again_by_keyboard(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # The network dropped one file of a batch: it could only be found and dropped again.
    article = tmp_path / "buoy.txt"
    article.write_text(
        "Buoy replaced\n\nThe harbour's outer buoy was replaced on Tuesday after the winter storms "
        "dragged it off its mooring, the port authority said.\n",
        encoding="utf-8",
    )
    dropped: list[str] = []

    def once(route: Any) -> None:
        if dropped:
            route.continue_()
        else:
            dropped.append(route.request.url)
            route.abort("connectionreset")

    page.route(
        re.compile(r".*/uploads$"),
        lambda route: once(route) if route.request.post_data != "{}" else route.continue_(),
    )
    _open_upload_view(page, site)
    page.set_input_files("#files", [str(article)])
    page.wait_for_selector('#uploads li[data-outcome="failed"]')
    assert "could not reach the archive" in page.locator("#uploads li").inner_text()

    again = page.get_by_role("button", name="Try again: buoy.txt")
    again.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector('#uploads li[data-outcome="indexed"]', timeout=60_000)
    assert page.locator("#uploads li").count() == 1
    assert page.inner_text("#upload-summary") == "1 of 1 files settled"
    assert page.evaluate("document.activeElement.closest('#uploads li') !== null")


DROP_BESIDE = """([selector, name, text]) => {
  const data = new DataTransfer();
  data.items.add(new File([text], name, { type: "text/plain" }));
  const target = document.querySelector(selector);
  const over = new DragEvent("dragover", { bubbles: true, cancelable: true, dataTransfer: data });
  const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: data });
  target.dispatchEvent(over);
  target.dispatchEvent(drop);
  return [over.defaultPrevented, drop.defaultPrevented];
}"""


def _rejected_reason(page: Any, site: LocalStack, upload: Path) -> str:
    """What the row of one uploaded file says after "rejected: ", once it has settled."""
    _open_upload_view(page, site)
    page.set_input_files("#files", [str(upload)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)
    row = page.locator('#uploads li[data-outcome="rejected"]').inner_text()
    assert row.startswith(f"{upload.name} rejected: "), row
    return row.removeprefix(f"{upload.name} rejected: ")


def test_a_file_of_a_format_not_read_is_refused_without_the_api_s_parameter(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # The row read "rejected: filename: .pdf files are not supported": "filename" is the
    # API's parameter, a word for programs.
    unsupported = tmp_path / "scan.pdf"
    unsupported.write_bytes(b"%PDF-1.4 not an article")

    reason = _rejected_reason(page, site, unsupported)

    assert reason.startswith(".pdf files are not supported"), reason
    assert "filename:" not in page.locator("#upload-outcome").text_content()


def test_a_file_ingest_rejects_is_told_why_without_its_key_in_the_bucket(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # The row read "rejected: uploads/3f0c…/records.json: no usable article text": the key the
    # write API stored the file under, which the person never saw, before the reason.
    no_text = tmp_path / "records.json"
    no_text.write_text('{"nope": 1}', encoding="utf-8")

    reason = _rejected_reason(page, site, no_text)

    assert "uploads/" not in reason and reason.startswith("no usable article text"), reason
    assert "uploads/" not in page.locator("#upload-outcome").text_content()


def test_a_file_dropped_beside_the_drop_zone_uploads_and_never_leaves_the_page(
    page: Any, site: LocalStack
) -> None:
    # Dropped a little outside the zone, a file was the browser's to open: it replaced the page,
    # and the uploads being followed with it.
    text = (
        "Harbour crane inspected\n\nThe old harbour crane was inspected on Wednesday and found "
        "sound, the port engineer said, ahead of its restoration next spring.\n"
    )
    page.goto(f"{site.url}/?q=harbour")
    _settled(page)
    assert page.evaluate(DROP_BESIDE, ["#results", "crane.txt", text]) == [True, True]  # kept, unsent

    _open_upload_view(page, site)
    assert page.evaluate(DROP_BESIDE, ["#upload-heading", "crane.txt", text]) == [True, True]
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)
    assert page.locator("#uploads li").inner_text() == "crane.txt indexed"


def _open_upload_view(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    _until(page, "document.body.dataset.uploads === 'available'")
    page.get_by_role("link", name="Upload").click()
    page.wait_for_selector("#upload-view:not([hidden])")


def _upload_slot(response: Any, filename: str) -> bool:
    return response.url.endswith("/uploads") and filename in (response.request.post_data or "")


def test_a_dropped_folder_is_refused_by_name_and_the_files_beside_it_upload(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    article = tmp_path / "quay.txt"
    article.write_text(
        "Quay lights repaired\n\nThe quay lights were repaired on Tuesday after a week of darkness "
        "along the harbour wall, the port authority said.\n",
        encoding="utf-8",
    )
    _open_upload_view(page, site)
    # Chromium lists a dropped folder among the files (an unreadable File named as the folder);
    # only its item's entry says it is a directory. A real folder cannot be dropped from a test,
    # so the drop event carries what Chromium gives for a folder beside a file.
    page.evaluate(
        """([name, text]) => {
          const folder = new File([], "clippings");
          const file = new File([text], name, { type: "text/plain" });
          const items = [
            { kind: "file", getAsFile: () => folder, webkitGetAsEntry: () => ({ isDirectory: true, isFile: false, name: "clippings" }) },
            { kind: "file", getAsFile: () => file, webkitGetAsEntry: () => ({ isDirectory: false, isFile: true, name }) },
          ];
          const drop = new Event("drop", { bubbles: true, cancelable: true });
          Object.defineProperty(drop, "dataTransfer", { value: { files: [folder, file], items } });
          document.querySelector("#dropzone").dispatchEvent(drop);
        }""",
        [article.name, article.read_text(encoding="utf-8")],
    )
    _until(page, "document.querySelector('#upload-summary').textContent === '2 of 2 files settled'", 60)

    folder = page.locator('#uploads li[data-outcome="rejected"]').inner_text()
    assert folder.startswith("clippings rejected: a folder cannot be uploaded")
    assert all(kind in folder for kind in (".txt", ".html", ".json", ".jsonl", ".gz"))
    assert page.locator('#uploads li[data-outcome="indexed"]').inner_text() == "quay.txt indexed"


def test_every_outcome_that_settles_at_once_is_said(page: Any, site: LocalStack) -> None:
    # The spoken outcome was one text replaced by each file's: two folders refused at once
    # left only the second to be heard.
    _open_upload_view(page, site)
    page.evaluate(
        """() => {
          const entry = (name) => ({ isDirectory: true, isFile: false, name });
          const folders = ["clippings", "scans"].map((name) => new File([], name));
          const items = folders.map((folder) => ({ kind: "file", getAsFile: () => folder, webkitGetAsEntry: () => entry(folder.name) }));
          const drop = new Event("drop", { bubbles: true, cancelable: true });
          Object.defineProperty(drop, "dataTransfer", { value: { files: folders, items, types: ["Files"] } });
          document.querySelector("#dropzone").dispatchEvent(drop);
        }"""
    )
    _until(page, "document.querySelector('#upload-summary').textContent === '2 of 2 files settled'")

    said = page.locator("#upload-outcome").text_content()
    assert "clippings: rejected: a folder" in said and "scans: rejected: a folder" in said


def test_a_right_to_left_file_name_is_isolated_before_its_outcome(page: Any, site: LocalStack) -> None:
    # The name reads in its own direction, and its digits stay in it: unisolated, "2024" of
    # "تقرير 2024.pdf" is drawn on the Arabic word's left, where the Arabic reader ends.
    name = "تقرير 2024.pdf"
    _open_upload_view(page, site)
    page.set_input_files("#files", [{"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    row = page.eval_on_selector(
        '#uploads li[data-outcome="rejected"]',
        "row => { const [file, outcome] = [row.querySelector('.file'), row.querySelector('.outcome')];"
        " return [file.textContent, getComputedStyle(file).direction,"
        " file.getBoundingClientRect().right <= outcome.getClientRects()[0].left]; }",
    )
    assert row == [name, "rtl", True]  # the outcome (it may wrap) starts right of the whole name


def test_the_file_chooser_shows_the_keyboard_focus(page: Any, site: LocalStack) -> None:
    # The file input itself is visually hidden: its label, drawn as the button, shows the focus.
    _open_upload_view(page, site)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "files"

    style = page.eval_on_selector("label[for=files]", "e => getComputedStyle(e).outlineStyle")
    assert style == "solid"
    page.keyboard.press("Shift+Tab")
    assert page.eval_on_selector("label[for=files]", "e => getComputedStyle(e).outlineStyle") == "none"


def test_a_file_ingest_rejects_shows_the_receipts_sentence_not_its_code(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # Blank lines only: not empty (the page refuses a 0-byte file unsent), but no article to index.
    empty = tmp_path / "blank-page.txt"
    empty.write_bytes(b"\n \n\t\n")
    _open_upload_view(page, site)

    with page.expect_response(lambda response: _upload_slot(response, empty.name)) as answer:
        page.set_input_files("#files", [str(empty)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    slot = answer.value.json()
    receipt = requests.get(f"{site.url}{slot['status_url']}", timeout=30).json()
    assert receipt["outcome"] == "rejected" and receipt["message"]
    sentence = receipt["message"].removeprefix(f"{slot['key']}: ")  # the row names the file
    row = page.locator('#uploads li[data-outcome="rejected"]').inner_text()
    assert row == f"{empty.name} rejected: {sentence}"
    # and a screen reader hears it: the outcome is said in a live region, not only drawn
    assert page.get_by_role("status").filter(has_text=empty.name).inner_text(timeout=5000) == (
        f"{empty.name}: rejected: {sentence}"
    )


def test_a_file_over_its_formats_limit_is_refused_before_it_is_sent(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    huge = tmp_path / "whole-year.txt"
    huge.write_bytes(b"A year of harbour notes\n\n" + b"The tide came in and went out again. " * 40_000)
    sent_elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: sent_elsewhere.append(request.url) if not request.url.startswith(site.url) else None,
    )
    _open_upload_view(page, site)

    with page.expect_response(lambda response: _upload_slot(response, huge.name)) as answer:
        page.set_input_files("#files", [str(huge)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    limit = answer.value.json()["max_bytes"]
    assert huge.stat().st_size > limit
    row = page.locator('#uploads li[data-outcome="rejected"]').inner_text()
    assert row.startswith(f"{huge.name} rejected: ") and f"{limit:,} bytes" in row
    assert sent_elsewhere == []  # nothing went to the bucket


def test_a_file_the_bucket_refuses_says_why_in_the_buckets_words(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    # S3 says why in an XML error (an upload link that expired, say): the row said only "403".
    article = tmp_path / "late.txt"
    article.write_text("Late notice\n\nThe notice was posted late on Friday evening.\n", encoding="utf-8")
    expired = (
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
        "<Message>Request has expired</Message><RequestId>1</RequestId></Error>"
    )
    page.route(
        lambda url: not url.startswith(site.url),
        lambda route: route.fulfill(status=403, content_type="application/xml", body=expired),
    )
    _open_upload_view(page, site)
    page.set_input_files("#files", [str(article)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    said = page.locator('#uploads li[data-outcome="failed"] .outcome').inner_text()
    assert said == "failed: the bucket refused the file: Request has expired (403)"


def test_an_uploaded_file_of_records_shows_the_records_it_skipped(
    page: Any, site: LocalStack, tmp_path: Path
) -> None:
    text = "The harbour pilots agreed a new rota on Friday after a week of talks with the port authority."
    records = [
        {"title": "Pilots agree rota", "body": text},
        {"title": "no body"},
        {"title": "Rota", "body": text},
    ]
    export = tmp_path / "pilots.json"
    export.write_text(json.dumps(records), encoding="utf-8")

    page.goto(f"{site.url}/?view=upload")
    _until(page, "document.body.dataset.uploads === 'available'")
    page.wait_for_selector("#upload-view:not([hidden])")
    page.set_input_files("#files", [str(export)])
    _until(page, "document.querySelector('#upload-summary').textContent === '1 of 1 files settled'", 60)

    row = page.locator('#uploads li[data-outcome="indexed"]')
    assert row.inner_text() == (
        "pilots.json indexed; 1 of 3 records skipped: record 1: the record has no body or html text"
    )


@pytest.mark.parametrize("page", [SCREEN, PHONE], ids=["1280px", "390px"], indirect=True)
def test_the_page_has_no_serious_accessibility_violations_and_fits_the_screen(
    page: Any, site: LocalStack, artifacts: Path
) -> None:
    width = page.viewport_size["width"]
    page.goto(f"{site.url}/?q=harbour&source=The+Harbour+Gazette")
    page.wait_for_selector("#results > li.hit")
    page.wait_for_selector("#histogram .bar")
    assert axe_violations(page) == []
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page_width(page) <= width
    page.screenshot(path=str(artifacts / f"search-{width}.png"), full_page=True)
    # The first screen only (docs/img/search-page.png is written by tools/screenshot.py).
    page.screenshot(path=str(artifacts / f"search-{width}-top.png"))

    page.locator("#results > li.hit a").first.click()
    page.wait_for_selector("#similar > li")
    assert axe_violations(page) == []
    assert page_width(page) <= width
    page.screenshot(path=str(artifacts / f"article-{width}.png"), full_page=True)


LONG_WORDS_KEY = "browser/long-words.txt"


def test_an_article_with_unbroken_long_words_fits_a_phone_screen(phone_page: Any, site: LocalStack) -> None:
    long_word = "Quillwortharbourmaster" * 15
    site.s3().put_object(
        Bucket=BUCKET,
        Key=LONG_WORDS_KEY,
        Body=f"Harbour notice of the {long_word} office\n\nThe {long_word} office posted the harbour "
        f"notice on Friday, linking https://example.com/{'notice-' * 60} for the full text.\n".encode(),
    )
    eventually(lambda: site.article(doc_id(LONG_WORDS_KEY)))
    phone_page.goto(f"{site.url}/?article={doc_id(LONG_WORDS_KEY)}")
    phone_page.wait_for_selector("#article-body p")

    assert page_width(phone_page) <= PHONE["width"]


def test_results_crediting_a_long_unbroken_name_fit_a_phone_screen(phone_page: Any, site: LocalStack) -> None:
    word = f"lanternfest{uuid.uuid4().hex[:8]}"
    record = {
        "title": "Lantern festival on the harbour",
        "body": f"The {word} lantern festival parade went along the harbour on Saturday evening, and "
        "thousands of people watched the boats pass the quay with their lights.",
        "author": "Quillwortcorrespondent" * 8,
        "published": "2024-06-01",
    }
    key = "browser/long-author.json"
    site.s3().put_object(Bucket=BUCKET, Key=key, Body=json.dumps([record]).encode())
    eventually(lambda: _api(site, [("q", word)])["hits"])
    phone_page.goto(f"{site.url}/?q={word}")
    phone_page.wait_for_selector("#results > li.hit .meta")

    assert page_width(phone_page) <= PHONE["width"]


def test_a_right_to_left_publisher_keeps_its_place_before_the_date(page: Any, site: LocalStack) -> None:
    # Unisolated, an Arabic name followed by " · 12 Dec 2023" takes the day's digits into its
    # right-to-left run: the line reads "12 · الأهرام Dec 2023".
    word = f"quaynotice{uuid.uuid4().hex[:8]}"
    record = {
        "title": "Harbour notice from Cairo",
        "body": f"The {word} notice was posted at the harbour on Tuesday, and the port authority "
        "said the quay would reopen after the repairs to the wall were finished.",
        "source": "الأهرام",
        "place": "القاهرة",
        "published": "2023-12-12",
        "language": "en",
    }
    key = "browser/rtl-publisher.json"
    site.s3().put_object(Bucket=BUCKET, Key=key, Body=json.dumps([record]).encode())
    eventually(lambda: _api(site, [("q", word)])["hits"])
    page.goto(f"{site.url}/?q={word}&facets=source")
    page.wait_for_selector("#results > li.hit .meta time")

    boxes = page.eval_on_selector(
        "#results > li.hit .meta",
        "meta => [...meta.children].map(part => { const r = part.getBoundingClientRect();"
        " return [part.className || part.tagName, r.left, r.right]; })",
    )
    assert [name for name, _, _ in boxes] == ["source", "TIME", "place"]
    assert all(boxes[i][2] <= boxes[i + 1][1] for i in range(len(boxes) - 1)), boxes


def _isolated_names(page: Any, selector: str) -> list[list[str]]:
    """Each name under ``selector`` in an element of its own direction: [text, direction]."""
    return page.eval_on_selector_all(
        f"{selector} [dir=auto]", "names => names.map(n => [n.textContent, getComputedStyle(n).direction])"
    )


def test_an_articles_names_and_tags_are_each_isolated_in_their_own_direction(
    page: Any, site: LocalStack
) -> None:
    # Joined unisolated, "مريم حداد, Jane Doe" in a left-to-right line puts the comma and the
    # order of the names wrong: each name and tag is its own run, in the article view and the
    # result's line.
    word = f"quaycrane{uuid.uuid4().hex[:8]}"
    record = {
        "title": "Harbour cranes replaced",
        "body": f"The {word} cranes at the harbour were replaced on Monday, and the port authority "
        "said the quay would handle larger ships from the spring onwards.",
        "source": "الأهرام",
        "authors": ["مريم حداد", "Jane Doe"],
        "tags": ["موانئ", "cranes"],
        "published": "2023-12-12",
        "language": "en",
    }
    key = "browser/rtl-names.json"
    site.s3().put_object(Bucket=BUCKET, Key=key, Body=json.dumps([record]).encode())
    eventually(lambda: _api(site, [("q", word)])["hits"])
    _search_for(page, site, word)

    assert _isolated_names(page, "#results > li.hit .author") == [["مريم حداد", "rtl"], ["Jane Doe", "ltr"]]
    page.locator("#results > li.hit h3 a").click()
    _until(page, "document.getElementById('article-meta').textContent.includes('Jane Doe')")
    assert _isolated_names(page, "#article-meta") == [
        ["الأهرام", "rtl"],
        ["مريم حداد", "rtl"],
        ["Jane Doe", "ltr"],
        ["موانئ", "rtl"],
        ["cranes", "ltr"],
    ]
    assert page.locator("#article-meta dd").nth(2).inner_text() == "مريم حداد, Jane Doe"
    assert page.problems.errors == []


def test_a_chart_spanning_centuries_fits_a_phone_screen(phone_page: Any, site: LocalStack) -> None:
    # One article dated 1850 among today's: a bar a year would be far wider than a phone.
    def with_an_old_article(route: Any) -> None:
        answer = route.fetch()
        result = answer.json()
        result["facets"]["published"].insert(0, {"value": "1850-06", "count": 1})
        route.fulfill(response=answer, json=result)

    phone_page.route("**/search?*", with_an_old_article)
    phone_page.goto(f"{site.url}/")
    phone_page.wait_for_selector("#histogram .bar")

    assert page_width(phone_page) <= PHONE["width"]
    values = phone_page.eval_on_selector_all("#histogram .bar", "bars => bars.map(b => b.dataset.value)")
    assert values[0] == "1850s" and values[-1] == "2020s"
    phone_page.locator("#histogram .bar").first.focus()
    phone_page.keyboard.press("Enter")
    _until(phone_page, "location.search.includes('from=')")
    assert _state(phone_page)["from"] == ["1850-01-01"] and _state(phone_page)["to"] == ["1859-12-31"]
    _settled(phone_page)
    phone_page.unroute_all(behavior="wait")  # no answer is still being altered as the tab closes


def test_the_page_is_usable_by_keyboard_alone(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.focus("#q")
    page.keyboard.type("ferry")
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('q=ferry')")
    page.wait_for_selector("#results > li.hit")
    page.focus('fieldset[data-facet="language"] input')
    page.keyboard.press("Space")
    _until(page, "location.search.includes('language=')")


def test_the_skip_link_moves_the_focus_without_loading_the_view_again(page: Any, site: LocalStack) -> None:
    _search_for(page, site, "harbour")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if site.url in request.url else None)

    page.focus(".skip")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)  # time for a search to be sent, were it to

    assert page.evaluate("document.activeElement.id") == "main"
    assert asked == []
    assert _state(page)["q"] == ["harbour"]


def test_the_results_are_a_few_tabs_from_the_search_box_past_every_facet(page: Any, site: LocalStack) -> None:
    # From the search box to the first result was a Tab through every facet value and date field.
    _search_for(page, site, "harbour")
    first = _hit_ids(page)[0]
    page.focus("#q")
    for _ in range(4):  # the "in" menu, Search, Query syntax, then the skip link
        page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the results")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the results"
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10  # seen while it has the focus

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('li.hit').dataset.id") == first
    assert _state(page)["q"] == ["harbour"]


def test_on_a_phone_the_focus_meets_the_results_before_the_facets_shown_below_them(
    phone_page: Any, site: LocalStack
) -> None:
    # The facets are drawn below the results on a narrow screen, yet Tab went through them
    # first: down past the results to the bottom of the page, then back up.
    _search_for(phone_page, site, "harbour")
    phone_page.focus("#q")
    reached = ""
    for _ in range(60):
        phone_page.keyboard.press("Tab")
        reached = phone_page.evaluate(
            "document.activeElement.closest('li.hit') ? 'result'"
            " : document.activeElement.closest('#facets') ? 'facet' : ''"
        )
        if reached:
            break
    assert reached == "result"


def test_ticking_a_facet_by_keyboard_keeps_the_focus_on_its_box(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    page.wait_for_selector("#results > li.hit")
    box = page.locator('fieldset[data-facet="language"] input[type="checkbox"]').first
    value = box.get_attribute("value")
    box.focus()
    page.keyboard.press("Space")
    _until(page, "location.search.includes('language=')")
    _settled(page)

    focused = page.evaluate(
        "[document.activeElement.type, document.activeElement.value, document.activeElement.checked]"
    )
    assert focused == ["checkbox", value, True]
    page.keyboard.press("Space")  # and the same key unticks it
    _until(page, "!location.search.includes('language=')")


def test_a_search_the_network_cannot_deliver_says_so_in_words(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    page.wait_for_selector("#results > li.hit")
    page.route("**/search?*", lambda route: route.abort("connectionrefused"))  # the API is down

    page.get_by_role("searchbox", name="Search the archive").fill("ferry")
    page.keyboard.press("Enter")
    _settled(page)

    message = page.get_by_role("alert").text_content()
    assert "could not reach the archive" in message
    assert "TypeError" not in message and "fetch" not in message
    assert _hit_ids(page) == []


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, "sign in again"),
        (403, "refused access"),
        (429, "wait a moment"),
        (502, "try again in a moment"),
        (504, "try again in a moment"),
    ],
)
def test_a_gateways_refusal_without_the_apis_error_says_what_to_do_in_words(
    page: Any, site: LocalStack, status: int, said: str
) -> None:
    # API Gateway answers these itself, in its own shape ({"message": ...}) or none: the page
    # said "the server answered 401", and left the reader to know that means sign in again.
    page.route("**/search?*", lambda route: route.fulfill(status=status, json={"message": "Unauthorized"}))
    page.goto(f"{site.url}/?q=ferry")
    _settled(page)

    message = page.get_by_role("alert").text_content()
    assert said in message
    assert "server answered" not in message


def test_an_answer_that_is_not_the_apis_says_so_in_words(page: Any, site: LocalStack) -> None:
    # A proxy or a captive portal answering in the API's place, with its own 200 page.
    page.goto(f"{site.url}/")
    page.wait_for_selector("#results > li.hit")
    page.route(
        "**/search?*",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Sign in to the Wi-Fi</p>"),
    )

    page.get_by_role("searchbox", name="Search the archive").fill("ferry")
    page.keyboard.press("Enter")
    _settled(page)

    message = page.get_by_role("alert").text_content()
    assert "could not be read" in message
    assert "TypeError" not in message and "null" not in message
    assert _hit_ids(page) == []


def test_similar_articles_failing_after_the_article_was_left_leave_the_results_alone(
    page: Any, site: LocalStack
) -> None:
    held: list[Any] = []
    page.route("**/similar?*", lambda route: held.append(route))  # a slow answer
    _search_for(page, site, "harbour")
    page.locator("#results > li.hit h3 a").first.click()
    eventually(lambda: page.evaluate("true") and held, 10, 0.1)
    page.get_by_role("link", name="Back to the results").click()
    _settled(page)

    held[0].abort("connectionrefused")  # the article's similar articles fail, too late
    page.wait_for_timeout(300)  # time for the page to handle it, were it to

    assert page.locator("#error").is_hidden()
    assert page.locator("#results > li.hit").count() > 0


def test_more_of_an_article_arriving_after_it_was_left_is_not_added_to_the_next(
    page: Any, site: LocalStack
) -> None:
    first, second = (hit["id"] for hit in _api(site, [("q", "harbour")])["hits"][:2])
    second_title = requests.get(f"{site.url}/articles/{second}", timeout=30).json()["title"]

    def as_if_longer(route: Any) -> None:  # the first article's body as if it had a next page
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "next_body_offset": 10})

    page.route(lambda url: url.endswith(f"/articles/{first}"), as_if_longer)
    held: list[Any] = []
    page.route(lambda url: f"/articles/{first}?body_offset=" in url, lambda route: held.append(route))
    page.goto(f"{site.url}/?article={first}")
    page.wait_for_selector("#article-more:not([hidden])")
    page.click("#article-more")
    eventually(lambda: page.evaluate("true") and held, 10, 0.1)
    page.evaluate(
        f"() => {{ history.pushState(null, '', './?article={second}'); dispatchEvent(new PopStateEvent('popstate')); }}"
    )
    _until(page, f"document.getElementById('article-title').textContent === {second_title!r}")
    shown = page.inner_text("#article-body")

    held[0].fulfill(json={"id": first, "body": "The rest of the first article.", "next_body_offset": None})
    page.wait_for_timeout(300)  # time for the page to handle it, were it to

    assert page.inner_text("#article-body") == shown


RTL_KEY = "browser/rtl.txt"
RTL_WORD = "الإسكندرية"


def test_a_right_to_left_article_is_marked_with_its_language_and_direction(
    page: Any, site: LocalStack
) -> None:
    site.s3().put_object(
        Bucket=BUCKET,
        Key=RTL_KEY,
        Body="الاقتصاد المصري ينمو\n\nقال وزير المالية إن الاقتصاد المصري ينمو بسرعة هذا العام، وأضاف أن "
        f"الحكومة ستواصل الإصلاحات في القاهرة ثم {RTL_WORD} خلال الأشهر المقبلة.\n".encode(),
    )
    eventually(lambda: site.article(doc_id(RTL_KEY)))
    _search_for(page, site, RTL_WORD)
    assert _hit_ids(page) == [doc_id(RTL_KEY)]
    assert _api(site, [("q", RTL_WORD)])["hits"][0]["language"] == "ar"
    # Title and snippet: the article's language (read aloud in it) and direction; the meta
    # line stays in the page's.
    parts = "#results > li.hit h3, #results > li.hit .snippet"
    langs = page.eval_on_selector_all(parts, "els => els.map(e => [e.lang, getComputedStyle(e).direction])")
    assert langs == [["ar", "rtl"], ["ar", "rtl"]]
    assert page.eval_on_selector("#results > li.hit .meta", "e => getComputedStyle(e).direction") == "ltr"

    page.locator("#results > li.hit h3 a").click()
    _until(page, "document.getElementById('article-body').textContent.length > 0")
    for part in ("#article-title", "#article-body"):
        assert page.eval_on_selector(part, "e => [e.lang, getComputedStyle(e).direction]") == ["ar", "rtl"]
    assert page.problems.errors == []


def test_words_typed_in_a_right_to_left_script_run_right_to_left_where_typed(
    page: Any, site: LocalStack
) -> None:
    # Arabic typed into the search box (or a facet's, or an alert's name) ran left to right,
    # its punctuation on the wrong side, while the same words in a result ran right to left.
    page.goto(f"{site.url}/")
    _settled(page)
    page.get_by_text("Save this search as an alert").click()
    typed = f"{RTL_WORD} 2024؟"
    fields = ["#q", "#alert-name", ".finder input"]
    for field in fields[:2]:
        page.fill(field, typed)
    assert page.locator(".finder input").count() > 0
    page.locator(".finder input").first.fill(typed)

    for field in fields:
        assert page.locator(field).first.evaluate("input => input.matches(':dir(rtl)')"), field
    page.fill("#q", "harbour")
    assert page.locator("#q").evaluate("input => input.matches(':dir(ltr)')")


def test_the_policy_blocks_inline_script(page: Any, site: LocalStack) -> None:
    answer = requests.get(f"{site.url}/", timeout=30)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in answer.headers["Content-Security-Policy"]

    page.goto(f"{site.url}/")
    page.wait_for_selector("#results > li.hit")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1';"
        " document.body.append(s); }"
    )
    assert page.evaluate("window.__inline") is None


@pytest.mark.parametrize(
    "state",
    [
        "?q=harbour&from=junk&size=-1",
        "?q=harbour&cursor=not-a-cursor",
        "?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E&source=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
        "?q=harbour&sort=%E2%80%AE&facets=nope&from=2020-13-45",
        "?%E0%A4=1&q=%ZZ",
    ],
)
def test_a_search_state_url_with_junk_settles_and_runs_nothing(
    page: Any, site: LocalStack, state: str
) -> None:
    page.goto(f"{site.url}/{state}")
    _settled(page)
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert [e for e in page.problems.errors if e.startswith("script error")] == []


@pytest.mark.parametrize("junk", ["sort=bogus", "in=bogus"])
def test_a_sort_or_field_the_menus_do_not_offer_searches_with_their_first_option(
    page: Any, site: LocalStack, junk: str
) -> None:
    # A mangled link left the menu blank and the search failed with "Sorry: sort: Input should
    # be 'relevance', 'recent', …", a dead end in the API's words (has_date=maybe was ignored).
    page.goto(f"{site.url}/?q=harbour&{junk}")
    _settled(page)

    assert page.locator("#error").is_hidden()
    assert _status_total(page) == _api(site, [("q", "harbour")])["total_groups"]
    assert (page.input_value("#sort"), page.input_value("#in")) == ("relevance", "")


@pytest.mark.parametrize(
    "article", ["..%2F..%2Fhealth", "%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E", "%ZZ"]
)
def test_an_article_url_with_junk_says_not_found_and_runs_nothing(
    page: Any, site: LocalStack, article: str
) -> None:
    page.goto(f"{site.url}/?article={article}")
    _until(page, "document.getElementById('article-title').textContent === 'Article not found'")
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert [e for e in page.problems.errors if e.startswith("script error")] == []


def test_the_query_syntax_says_what_a_bar_means_before_it_is_used_and_the_api_takes_each_example(
    page: Any, site: LocalStack
) -> None:
    # A person reads the help top to bottom: "|" in the brackets example means nothing unless a
    # line before it says "|" is OR.
    page.goto(f"{site.url}/")
    page.get_by_text("Query syntax").click()
    lines = page.locator("#syntax-help li").all()
    first_bar = next(line for line in lines if "|" in line.inner_text())
    assert "OR" in first_bar.inner_text()
    examples = [code for line in lines for code in line.locator("code").all_inner_texts()]
    assert "regatta | tram" in examples
    for example in examples:
        assert requests.get(f"{site.url}/search", params={"q": example}, timeout=30).status_code == 200


def test_escape_closes_the_query_syntax_and_gives_the_focus_back_to_its_summary(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/")
    page.get_by_text("Query syntax").click()
    assert page.evaluate("document.getElementById('syntax-help').open")

    page.keyboard.press("Escape")

    assert not page.evaluate("document.getElementById('syntax-help').open")
    assert page.evaluate("document.activeElement === document.querySelector('#syntax-help > summary')")


def test_escape_in_the_alert_form_closes_it_and_gives_the_focus_back_to_its_summary(
    page: Any, site: LocalStack
) -> None:
    page.goto(f"{site.url}/?q=harbour")
    page.get_by_text("Save this search as an alert").click()
    page.get_by_label("Alert name").fill("Harbour news")

    page.keyboard.press("Escape")

    assert not page.evaluate("document.getElementById('save-alert').open")
    assert page.evaluate("document.activeElement === document.querySelector('#save-alert > summary')")


def test_escape_during_a_drag_across_the_bars_chooses_no_period(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    _settled(page)
    bars = page.locator("#histogram .bar")
    assert bars.count() >= 3
    start, end = bars.nth(0).bounding_box(), bars.nth(2).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] - 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 2, steps=8)
    assert page.locator("#histogram .bar.dragging").count() == 3

    page.keyboard.press("Escape")
    page.mouse.up()
    _settled(page)

    assert "from" not in _state(page) and "to" not in _state(page)
    assert page.locator("#histogram .bar.dragging").count() == 0


def test_a_failed_searchs_error_is_gone_on_the_alerts_view(page: Any, site: LocalStack) -> None:
    page.goto(f"{site.url}/")
    page.get_by_role("searchbox", name="Search the archive").fill(" ".join(f"w{i}" for i in range(33)))
    page.keyboard.press("Enter")
    _until(page, "!document.getElementById('error').hidden")

    page.get_by_role("link", name="Alerts").click()
    _until(page, "document.getElementById('alerts-status').textContent !== 'loading…'")

    assert page.locator("#error").is_hidden()


def test_an_article_not_found_says_so_in_the_tab_title_not_the_searchs(page: Any, site: LocalStack) -> None:
    _search_for(page, site, "harbour")
    assert page.title() == "harbour · archive-search"

    loading_title = page.evaluate(
        "() => { history.pushState(null, '', './?article=no-such-article');"
        " dispatchEvent(new PopStateEvent('popstate')); return document.title; }"
    )
    _until(page, "document.getElementById('article-title').textContent === 'Article not found'")

    assert "harbour" not in loading_title
    assert "harbour" not in page.title() and "not found" in page.title()


def test_an_article_that_fails_to_load_is_not_said_to_be_missing(page: Any, site: LocalStack) -> None:
    # Any failure read "Article not found": a reader would take a busy archive for a lost article.
    article_id = _api(site, [("q", "harbour")])["hits"][0]["id"]
    page.route(
        lambda url: url.endswith(f"/articles/{article_id}"),
        lambda route: route.fulfill(
            status=503, json={"error": {"code": "unavailable", "message": "the search engine is unavailable"}}
        ),
    )
    page.goto(f"{site.url}/?article={article_id}")
    page.wait_for_selector("#error:not([hidden])")

    assert "not found" not in page.inner_text("#article-title").lower()
    assert "not found" not in page.title().lower()
    assert page.inner_text("#article-title") == "The article could not be loaded"
    assert "unavailable" in page.get_by_role("alert").text_content()


def test_in_forced_colours_the_chart_bars_show_and_the_chosen_ones_stand_out(
    page: Any, site: LocalStack
) -> None:
    # High-contrast themes replace author backgrounds with the page's own: the bars vanished.
    page.emulate_media(forced_colors="active")
    page.goto(f"{site.url}/")
    _settled(page)
    page.locator("#histogram .bar").first.focus()
    page.keyboard.press("Enter")
    _until(page, "document.querySelector('#histogram .bar.selected')")
    _settled(page)
    colours = page.evaluate(
        """() => {
          const fill = (selector) => getComputedStyle(document.querySelector(selector)).backgroundColor;
          return {
            canvas: getComputedStyle(document.documentElement).backgroundColor,
            bar: fill('#histogram .bar:not(.selected) .fill'),
            chosen: fill('#histogram .bar.selected .fill'),
          };
        }"""
    )
    assert colours["bar"] not in (colours["canvas"], "rgba(0, 0, 0, 0)"), colours
    assert colours["chosen"] not in (colours["canvas"], colours["bar"], "rgba(0, 0, 0, 0)"), colours


def test_back_from_an_article_puts_the_focus_on_the_result_it_was_opened_from(
    page: Any, site: LocalStack
) -> None:
    # A keyboard user coming back would otherwise start again from the top of the page.
    _search_for(page, site, "ferry OR harbour OR tram")
    ids = _hit_ids(page)
    assert len(ids) > 2
    page.locator(f'#results > li.hit[data-id="{ids[2]}"] a').focus()
    page.keyboard.press("Enter")
    _until(page, f"location.search.includes({'article=' + ids[2]!r})")
    page.wait_for_selector("#article-body p")

    page.go_back()
    _until(page, "location.search.includes('q=')")
    _settled(page)
    _until(page, "document.activeElement.closest('li.hit')")
    assert page.evaluate("document.activeElement.closest('li.hit').dataset.id") == ids[2]


def test_back_and_forward_between_views_leave_the_focus_in_the_view_shown(
    page: Any, site: LocalStack
) -> None:
    # The focus left in a view the browser's Back hides falls to the top of the document.
    focus_shown = "document.activeElement.closest('main') && !document.activeElement.closest('[hidden]')"
    _search_for(page, site, "harbour")
    page.locator("#nav-alerts").focus()
    page.keyboard.press("Enter")
    _until(page, "location.search.includes('view=alerts')")
    page.locator("#alerts-heading").focus()

    page.go_back()
    _until(page, "location.search.includes('q=')")
    _settled(page)
    assert page.evaluate(focus_shown)

    page.go_forward()
    _until(page, "location.search.includes('view=alerts')")
    assert page.evaluate("document.activeElement.closest('#alerts-view, #main') !== null")
    assert page.evaluate(focus_shown)


def test_more_results_failing_keeps_the_focus_on_the_button_to_try_again(page: Any, site: LocalStack) -> None:
    # Disabled while it loads, the focused button lost the focus to the top of the document.
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    page.route(
        "**/search?*cursor=*",
        lambda route: route.fulfill(
            status=503, json={"error": {"code": "unavailable", "message": "try again"}}
        ),
    )
    page.locator("#more").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#error:not([hidden])")
    _until(page, "!document.querySelector('#more').hasAttribute('aria-disabled')")

    assert page.evaluate("document.activeElement.id") == "more"


def test_more_results_on_a_slow_network_says_it_is_loading(page: Any, site: LocalStack) -> None:
    # Only the button's dimming said so: a screen reader heard nothing until the page came.
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    counted = page.inner_text("#status")
    held: list[Any] = []
    page.route("**/search?*cursor=*", lambda route: held.append(route))  # a slow answer
    page.get_by_role("button", name="More results").click()
    eventually(lambda: held, 10, 0.1)

    assert page.inner_text("#status") == "Loading more results…"
    held[0].continue_()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 20")
    assert page.inner_text("#status") == counted.replace("showing 10", "showing 20")


def test_more_results_pressed_again_after_a_failure_takes_the_apology_away(
    page: Any, site: LocalStack
) -> None:
    # The retry's results came, under a "Sorry: ..." that no longer held.
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    page.route("**/search?*cursor=*", lambda route: route.abort("connectionreset"))
    page.get_by_role("button", name="More results").click()
    page.wait_for_selector("#error:not([hidden])")
    _until(page, "!document.querySelector('#more').hasAttribute('aria-disabled')")

    page.unroute("**/search?*cursor=*")
    page.get_by_role("button", name="More results").click()
    _until(page, "document.querySelectorAll('#results > li.hit').length === 20")
    assert page.locator("#error").is_hidden()


def test_the_rest_of_an_article_asked_again_after_a_failure_takes_the_apology_away(
    page: Any, site: LocalStack
) -> None:
    first = _api(site, [("q", "harbour")])["hits"][0]["id"]
    failing: list[str] = []
    _as_if_longer(page, first, [])
    page.goto(f"{site.url}/?article={first}")
    page.wait_for_selector("#article-more:not([hidden])")
    page.route(
        lambda url: f"/articles/{first}?body_offset=" in url and not failing,
        lambda route: (failing.append(route.request.url), route.abort("connectionreset")),
    )
    page.get_by_role("button", name="Show the rest of the text").click()
    page.wait_for_selector("#error:not([hidden])")

    page.get_by_role("button", name="Show the rest of the text").click()
    page.wait_for_selector("#article-more", state="hidden")
    assert page.locator("#error").is_hidden()


def test_an_empty_next_page_says_there_is_nothing_more_and_keeps_the_focus_in_the_list(
    page: Any, site: LocalStack
) -> None:
    # The articles after the cursor were deleted meanwhile: the focused button hid itself, and
    # the focus fell to the top of the document with nothing said.
    page.goto(f"{site.url}/?sort=oldest")
    page.wait_for_selector("#results > li.hit")
    shown = _hit_ids(page)

    def emptied(route: Any) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "hits": [], "next_cursor": None})

    page.route("**/search?*cursor=*", emptied)
    page.locator("#more").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#more", state="hidden")

    assert "No more results" in page.inner_text("#status")
    assert page.evaluate("document.activeElement.closest('li.hit').dataset.id") == shown[-1]
    assert _hit_ids(page) == shown


def _as_if_longer(page: Any, article_id: str, asked: list[str]) -> None:
    """The article's body as if it had a next page, which is one last paragraph."""

    def longer(route: Any) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "next_body_offset": 10})

    def rest(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(
            json={"id": article_id, "body": "The rest of the first article.", "next_body_offset": None}
        )

    page.route(lambda url: url.endswith(f"/articles/{article_id}"), longer)
    page.route(lambda url: f"/articles/{article_id}?body_offset=" in url, rest)


def test_more_of_an_article_pressed_twice_adds_the_rest_once(page: Any, site: LocalStack) -> None:
    # Both presses asked for the same part before either answered: it was shown twice.
    first = _api(site, [("q", "harbour")])["hits"][0]["id"]
    asked: list[str] = []
    _as_if_longer(page, first, asked)
    page.goto(f"{site.url}/?article={first}")
    page.wait_for_selector("#article-more:not([hidden])")
    page.evaluate(
        "() => { const more = document.querySelector('#article-more'); more.click(); more.click(); }"
    )
    _until(page, "document.querySelector('#article-body').textContent.includes('The rest of')")
    page.wait_for_timeout(300)  # time for a second answer to land, were one asked for

    assert page.inner_text("#article-body").count("The rest of the first article.") == 1
    assert len(asked) == 1


def test_the_rest_of_an_article_takes_the_focus_from_its_hidden_button(page: Any, site: LocalStack) -> None:
    # The button hides once the body is whole: the focus it had fell to the top of the document.
    first = _api(site, [("q", "harbour")])["hits"][0]["id"]
    _as_if_longer(page, first, [])
    page.goto(f"{site.url}/?article={first}")
    page.wait_for_selector("#article-more:not([hidden])")
    page.focus("#article-more")
    page.keyboard.press("Enter")
    page.wait_for_selector("#article-more", state="hidden")

    assert page.evaluate("document.activeElement.textContent") == "The rest of the first article."


def test_in_forced_colours_the_drop_zone_shows_a_file_dragged_over_it(page: Any, site: LocalStack) -> None:
    # Its colours alone said so, and a high-contrast theme repaints both the same.
    page.emulate_media(forced_colors="active")
    _open_upload_view(page, site)
    style = (
        "() => { const s = getComputedStyle(document.querySelector('#dropzone'));"
        " return [s.borderStyle, s.borderColor, s.backgroundColor].join(' '); }"
    )
    idle = page.evaluate(style)
    page.dispatch_event("#dropzone", "dragover")
    _until(page, "document.querySelector('#dropzone').classList.contains('over')")

    assert page.evaluate(style) != idle
