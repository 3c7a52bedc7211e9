"""The page's alerts in headless Chromium against the local stack as ``make run`` starts it: save
the current search as an alert, see it fire on a new upload, list it and delete it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.conftest import PHONE, axe_violations, page_width
from tests.e2e.test_local_events import Subscriber
from tests.e2e.test_local_stack import BUCKET, LocalStack, doc_id, eventually
from tests.e2e.test_local_stack import stack as stack  # the e2e suite's fixture

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WORD = f"gullwing{uuid.uuid4().hex[:8]}"


def _until(page: Any, expression: str, timeout: float = 30.0) -> Any:
    # Polled from here: the page's CSP forbids the string evaluation wait_for_function uses.
    return eventually(lambda: page.evaluate(expression), timeout, 0.1)


def _save_alert(page: Any, url: str, name: str, tell_by: str | None = None) -> str:
    """Open ``url``, save its search as an alert named ``name`` through the form; its id."""
    page.goto(url)
    page.get_by_text("Save this search as an alert").click()
    page.get_by_label("Alert name").fill(name)
    if tell_by:
        page.get_by_label("Tell me by").select_option(tell_by)
    page.get_by_role("button", name="Save alert").click()
    return _until(page, "document.querySelector('#alert-saved').dataset.alertId")


def test_a_search_saved_as_an_alert_fires_on_a_new_upload_and_can_be_deleted(
    page: Any, stack: LocalStack, artifacts: Path
) -> None:
    alert_id = _save_alert(page, f"{stack.url}/?q={WORD}&source=Harbour+Gazette", "Gull wings")
    saved = requests.get(f"{stack.url}/alerts/{alert_id}", timeout=30).json()
    assert saved["search"] == {"q": WORD, "source": ["Harbour Gazette"]} and saved["target"] == "event"

    subscriber = Subscriber(stack)
    key = f"browser/{WORD}.html"
    body = (
        f"<html><head><title>Gull wings</title><meta property='og:site_name' content='Harbour Gazette'>"
        f"</head><body><article><h1>Gull wings at the quay</h1><p>The {WORD} gulls nested on the quay "
        "this spring, the harbour master said on Monday, and the wardens counted forty nests.</p>"
        "</article></body></html>"
    )
    stack.s3().put_object(Bucket=BUCKET, Key=key, Body=body.encode(), ContentType="text/html")
    matched = eventually(lambda: [e for e in subscriber.of(key) if e["detail-type"] == "Alert Matched"], 60)
    assert [(e["detail"]["alert_id"], e["detail"]["article_id"]) for e in matched] == [
        (alert_id, doc_id(key))
    ]

    page.get_by_role("link", name="Alerts").click()
    page.wait_for_selector(f'#alerts li[data-id="{alert_id}"]')
    assert page.locator(f'#alerts li[data-id="{alert_id}"] a').first.inner_text() == "Gull wings"
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "alerts-1280.png"), full_page=True)
    page.get_by_role("button", name="Delete the alert Gull wings").click()
    _until(page, f"!document.querySelector('#alerts li[data-id=\"{alert_id}\"]')")
    assert requests.get(f"{stack.url}/alerts/{alert_id}", timeout=30).status_code == 404
    assert page.problems.errors == []


def test_an_alert_with_a_long_unbroken_name_fits_a_phone_screen(phone_page: Any, stack: LocalStack) -> None:
    name = "Gullwingharbourwatch" * 10
    created = requests.post(f"{stack.url}/alerts", json={"name": name, "q": WORD}, timeout=30).json()
    try:
        phone_page.goto(f"{stack.url}/?view=alerts")
        phone_page.wait_for_selector(f'#alerts li[data-id="{created["id"]}"]')

        assert page_width(phone_page) <= PHONE["width"]
    finally:
        requests.delete(f"{stack.url}/alerts/{created['id']}", timeout=30)


def test_deleting_an_alert_by_keyboard_says_so_and_keeps_the_focus_in_the_list(
    page: Any, stack: LocalStack
) -> None:
    names = [f"Keyboard {WORD} {n}" for n in (1, 2)]
    ids = []
    for name in names:
        answer = requests.post(
            f"{stack.url}/alerts", json={"name": name, "q": WORD, "target": "feed"}, timeout=30
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    page.goto(f"{stack.url}/?view=alerts")
    page.wait_for_selector(f'#alerts li[data-id="{ids[1]}"]')

    page.get_by_role("button", name=f"Delete the alert {names[0]}").focus()
    page.keyboard.press("Enter")
    _until(page, f"!document.querySelector('#alerts li[data-id=\"{ids[0]}\"]')")

    assert (
        f"Deleted \u201c{names[0]}\u201d"
        in page.get_by_role("status").filter(has_text="Deleted").inner_text()
    )
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused is not None and focused.startswith("Delete the alert ")
    assert focused != f"Delete the alert {names[0]}"
    requests.delete(f"{stack.url}/alerts/{ids[1]}", timeout=30)


def test_a_name_of_spaces_is_refused_in_the_page_s_words_not_the_api_s_parameter(
    page: Any, stack: LocalStack
) -> None:
    # The refusal read "Not saved: name: the value is empty: …": "name" is the API's parameter,
    # which a person who never saw the API cannot tie to the field they typed in.
    page.goto(f"{stack.url}/?q={WORD}")
    page.get_by_text("Save this search as an alert").click()
    page.get_by_label("Alert name").fill("   ")
    page.get_by_role("button", name="Save alert").click()
    said = _until(
        page,
        "(t => (/^(Not saved|Saved)/.test(t) ? t : ''))(document.querySelector('#alert-saved').textContent)",
    )

    assert said.startswith("Not saved: the alert's name: ")
    assert "name: name" not in said and not said.startswith("Not saved: name:")


def _alerts_named(stack: LocalStack, name: str) -> list[dict[str, Any]]:
    alerts = requests.get(f"{stack.url}/alerts", timeout=30).json()["alerts"]
    return [alert for alert in alerts if alert["name"] == name]


@contextmanager
def _feed_alerts(stack: LocalStack, label: str, count: int = 51) -> Iterator[tuple[list[str], list[str]]]:
    """``count`` feed-only alerts (one more than a page of the alerts view), deleted after."""
    names = [f"{label} {WORD} {n:02d}" for n in range(count)]
    ids = [
        requests.post(
            f"{stack.url}/alerts", json={"name": name, "q": WORD, "target": "feed"}, timeout=30
        ).json()["id"]
        for name in names
    ]
    try:
        yield names, ids
    finally:
        for alert_id in ids:
            requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30)


def test_saving_the_same_alert_twice_saves_it_once_and_says_so(page: Any, stack: LocalStack) -> None:
    # A double click, or Save pressed again for the same search and name, must not save a
    # second alert: every match would then fire twice.
    name = f"Twice {WORD}"
    page.goto(f"{stack.url}/?q={WORD}+twice")
    page.get_by_text("Save this search as an alert").click()
    page.get_by_label("Alert name").fill(name)
    page.get_by_role("button", name="Save alert").dblclick()
    first = _until(page, "document.querySelector('#alert-saved').dataset.alertId")
    page.wait_for_timeout(500)  # time for a second request to land, were one sent
    try:
        assert [alert["id"] for alert in _alerts_named(stack, name)] == [first]

        page.get_by_label("Alert name").fill(name)
        page.get_by_role("button", name="Save alert").click()
        _until(page, "document.querySelector('#alert-saved').textContent.startsWith('Already saved')")
        assert [alert["id"] for alert in _alerts_named(stack, name)] == [first]
        assert page.problems.errors == []
    finally:
        for alert in _alerts_named(stack, name):
            requests.delete(f"{stack.url}/alerts/{alert['id']}", timeout=30)


def test_alerts_past_the_first_page_can_be_shown_and_deleted(page: Any, stack: LocalStack) -> None:
    # With more alerts than one page holds, the last ones must be reachable to be deleted.
    with _feed_alerts(stack, "Many") as (names, ids):
        page.goto(f"{stack.url}/?view=alerts")
        page.wait_for_selector(f'#alerts li[data-id="{ids[0]}"]')
        assert page.locator(f'#alerts li[data-id="{ids[-1]}"]').count() == 0

        page.get_by_role("button", name="More alerts").click()
        page.wait_for_selector(f'#alerts li[data-id="{ids[-1]}"]')
        assert page.evaluate("document.activeElement.textContent") == names[50]
        assert page.get_by_role("button", name="More alerts").is_hidden()

        page.get_by_role("button", name=f"Delete the alert {names[50]}").click()
        _until(page, "document.querySelector('#alerts-status').textContent.startsWith('Deleted')")
        assert page.locator(f'#alerts li[data-id="{ids[-2]}"]').count() == 1  # still on screen
        assert requests.get(f"{stack.url}/alerts/{ids[-1]}", timeout=30).status_code == 404
        assert page.problems.errors == []


def test_an_alert_saved_for_the_feed_only_says_so_and_links_its_feed(page: Any, stack: LocalStack) -> None:
    # Nothing fires for a feed-only alert: saying it "fires" would be wrong, and the feed is
    # what the person must subscribe to next.
    name = f"Feed only {WORD}"
    alert_id = _save_alert(page, f"{stack.url}/?q={WORD}+feedonly", name, "feed")
    try:
        saved = requests.get(f"{stack.url}/alerts/{alert_id}", timeout=30).json()
        message = page.locator("#alert-saved")
        assert "fires" not in message.inner_text()
        link = message.get_by_role("link", name=f"Feed of {name}")
        assert link.evaluate("a => a.href") == f"{stack.url}{saved['feed_url']}"
        assert requests.get(link.evaluate("a => a.href"), timeout=30).status_code == 200
    finally:
        requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30)


def test_alert_targets_are_worded_as_what_they_do_for_a_person(page: Any, stack: LocalStack) -> None:
    # "an event on the bus" means nothing to an archivist: each target says what it does, the
    # API's value in brackets, in the form and in the list alike.
    hook = requests.post(
        f"{stack.url}/alerts",
        json={
            "name": f"Hook {WORD}",
            "q": WORD,
            "target": "webhook",
            "webhook_url": "https://hooks.example.com/a",
        },
        timeout=30,
    ).json()
    event_id = _save_alert(page, f"{stack.url}/?q={WORD}+worded", f"Event {WORD}")
    feed_id = _save_alert(page, f"{stack.url}/?q={WORD}+worded", f"Feed {WORD}", "feed")
    try:
        options = page.locator("#alert-target option").all_inner_texts()
        assert options == ["Notify our other systems (event)", "Only a feed I follow (feed)"]
        page.goto(f"{stack.url}/?view=alerts")
        shown = {}
        for alert_id in (hook["id"], event_id, feed_id):
            row = page.locator(f'#alerts li[data-id="{alert_id}"] .alert-target')
            row.wait_for()
            shown[alert_id] = row.inner_text()
        assert shown == {
            hook["id"]: "A web address we call (webhook)",
            event_id: "Notify our other systems (event)",
            feed_id: "Only a feed I follow (feed)",
        }
    finally:
        for alert_id in (hook["id"], event_id, feed_id):
            requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30)


def test_deleting_an_alert_already_deleted_elsewhere_takes_it_off_the_list(
    page: Any, stack: LocalStack
) -> None:
    # Deleted in another tab or by a script since the list was shown: the person's wish is done,
    # so the row goes and no error claims otherwise.
    name = f"Gone {WORD}"
    alert_id = requests.post(f"{stack.url}/alerts", json={"name": name, "q": WORD}, timeout=30).json()["id"]
    page.goto(f"{stack.url}/?view=alerts")
    page.wait_for_selector(f'#alerts li[data-id="{alert_id}"]')
    assert requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30).status_code == 204

    page.get_by_role("button", name=f"Delete the alert {name}").click()
    _until(page, f"!document.querySelector('#alerts li[data-id=\"{alert_id}\"]')")
    assert page.locator("#alerts-status").inner_text().startswith(f"Deleted \u201c{name}\u201d")
    assert page.locator("#error").is_hidden()


def test_saving_an_alert_for_a_long_unbroken_query_fits_a_phone_screen(
    phone_page: Any, stack: LocalStack
) -> None:
    # The search's status names the query and the saved message the alert's name: long words
    # without a break must wrap, not push the page sideways.
    name = f"Long{WORD}" * 10
    alert_id = _save_alert(phone_page, f"{stack.url}/?q={'Gullwingharbourwatch' * 10}", name)
    try:
        assert page_width(phone_page) <= PHONE["width"]
    finally:
        requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30)


def test_opening_an_alert_s_search_keeps_its_has_date_filter(page: Any, stack: LocalStack) -> None:
    name = f"Undated {WORD}"
    created = requests.post(
        f"{stack.url}/alerts", json={"name": name, "q": WORD, "has_date": False, "target": "feed"}, timeout=30
    ).json()
    try:
        page.goto(f"{stack.url}/?view=alerts")
        page.locator(f'#alerts li[data-id="{created["id"]}"] a').first.click()
        _until(page, "document.querySelector('#status').textContent !== 'Searching…'")

        assert "has_date=false" in page.url
        assert page.get_by_label("Dated", exact=True).input_value() == "false"
        assert "has_date=false" in page.locator("#feed-link").get_attribute("href")
        page.get_by_role("button", name="Any date").click()
        _until(page, "!location.search.includes('has_date')")
        assert page.problems.errors == []
    finally:
        requests.delete(f"{stack.url}/alerts/{created['id']}", timeout=30)


def test_more_alerts_pressed_twice_adds_the_next_page_once(page: Any, stack: LocalStack) -> None:
    # Both presses asked for the same next page before either answered: it was listed twice.
    with _feed_alerts(stack, "Twice") as (names, ids):
        page.goto(f"{stack.url}/?view=alerts")
        page.wait_for_selector(f'#alerts li[data-id="{ids[0]}"]')
        page.evaluate(
            "() => { const more = document.querySelector('#alerts-more'); more.click(); more.click(); }"
        )
        page.wait_for_selector(f'#alerts li[data-id="{ids[-1]}"]')
        page.wait_for_timeout(500)  # time for a second answer to land, were one asked for

        listed = page.eval_on_selector_all("#alerts > li", "rows => rows.map(r => r.dataset.id)")
        assert len(listed) == len(set(listed))
        assert page.evaluate("document.activeElement.textContent") == names[50]


def test_more_alerts_pressed_again_after_a_failure_takes_the_apology_away(
    page: Any, stack: LocalStack
) -> None:
    # The retry's alerts came, under a "Sorry: ..." that no longer held.
    with _feed_alerts(stack, "Retry") as (_names, ids):
        page.goto(f"{stack.url}/?view=alerts")
        page.wait_for_selector(f'#alerts li[data-id="{ids[0]}"]')
        page.route("**/alerts?*page=2*", lambda route: route.abort("connectionreset"))
        page.get_by_role("button", name="More alerts").click()
        page.wait_for_selector("#error:not([hidden])")
        _until(page, "!document.querySelector('#alerts-more').hasAttribute('aria-disabled')")

        page.unroute("**/alerts?*page=2*")
        page.get_by_role("button", name="More alerts").click()
        page.wait_for_selector(f'#alerts li[data-id="{ids[-1]}"]')
        assert page.locator("#error").is_hidden()


def test_a_right_to_left_alert_name_is_isolated_wherever_it_is_shown(page: Any, stack: LocalStack) -> None:
    # An Arabic name ending in digits took the digits after it ("”. 3 alerts") into its
    # right-to-left run, swapping the sentence's parts.
    name = f"تنبيه المرفأ {WORD[-4:]} 2024"
    isolated = "(box, name) => [...box.querySelectorAll('[dir=auto]')].some(e => e.textContent === name)"
    alert_id = _save_alert(page, f"{stack.url}/?q={WORD}+arabic", name, "feed")
    try:
        assert page.locator("#alert-saved").evaluate(isolated, name)

        page.get_by_role("link", name="Alerts").click()
        row = page.locator(f'#alerts li[data-id="{alert_id}"]')
        row.wait_for()
        assert row.evaluate(isolated, name)
        page.get_by_role("button", name=f"Delete the alert {name}").click()
        _until(page, "document.querySelector('#alerts-status').textContent.startsWith('Deleted')")
        assert page.locator("#alerts-status").evaluate(isolated, name)
    finally:
        requests.delete(f"{stack.url}/alerts/{alert_id}", timeout=30)
